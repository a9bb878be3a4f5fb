import { describe, expect, it } from 'vitest';
import { sampleFinding } from '../report/sample.js';
import { defaultConfig } from '../workspace/config.js';
import { applyPolicy, parseBaseline } from './policy.js';

const KNOWN = new Set(['sql-injection', 'cors-wildcard-origin', 'bola-missing-ownership-check']);

describe('applyPolicy', () => {
  const grouped = sampleFinding({
    checkId: 'cors-wildcard-origin',
    location: { file: 'src/app.js', line: 5 },
    related: [{ location: { file: 'legacy/admin.js', line: 9 } }],
  });

  it('an inline comment at any place of a root cause suppresses the finding', () => {
    const out = applyPolicy({
      findings: [grouped],
      config: defaultConfig(),
      inline: [{ file: 'legacy/admin.js', line: 8, checkIds: ['cors-wildcard-origin'], reason: 'admin UI only' }],
      knownChecks: KNOWN,
      ranChecks: KNOWN,
    });
    expect(out.findings).toEqual([]);
    expect(out.report.counts.inline).toBe(1);
  });

  it('a path entry suppresses only when every place of the finding is under the pattern', () => {
    const config = { ...defaultConfig(), file: 'apisec.config.yaml', ignore: [{ path: 'legacy/**', reason: 'going away', line: 2 }] };
    const inside = sampleFinding({ checkId: 'sql-injection', location: { file: 'legacy/db.js', line: 3 } });
    const out = applyPolicy({ findings: [grouped, inside], config, inline: [], knownChecks: KNOWN, ranChecks: KNOWN });
    expect(out.findings).toEqual([grouped]);
    expect(out.report.suppressed.map((entry) => [entry.by, entry.where])).toEqual([['config', { file: 'apisec.config.yaml', line: 2 }]]);
  });

  it('a fingerprint entry matches the whole fingerprint or a prefix of 8 characters or more', () => {
    const finding = sampleFinding({ checkId: 'sql-injection', fingerprint: '3960ff63e1b2c4d5a6f7081920a1b2c3' });
    const other = sampleFinding({ checkId: 'sql-injection', fingerprint: '3960ff6400000000a6f7081920a1b2c3' });
    const config = { ...defaultConfig(), ignore: [{ fingerprint: '3960ff63', reason: 'accepted (SEC-1)' }] };
    const out = applyPolicy({ findings: [finding, other], config, inline: [], knownChecks: KNOWN, ranChecks: KNOWN });
    expect(out.findings).toEqual([other]);
  });

  it('a suppression of a check that did not run (experimental, disabled) is not called unused', () => {
    const out = applyPolicy({
      findings: [],
      config: defaultConfig(),
      inline: [{ file: 'src/a.py', line: 4, checkIds: ['bola-missing-ownership-check'], reason: 'checked by the service layer' }],
      knownChecks: KNOWN,
      ranChecks: new Set(['sql-injection']),
    });
    expect(out.report.problems).toEqual([]);
  });

  it('overrides severities before --fail-on sees them, and counts them', () => {
    const config = { ...defaultConfig(), severityOverrides: { 'sql-injection': 'low' as const } };
    const out = applyPolicy({ findings: [sampleFinding({ checkId: 'sql-injection', severity: 'critical' })], config, inline: [], knownChecks: KNOWN, ranChecks: KNOWN });
    expect(out.findings.map((finding) => finding.severity)).toEqual(['low']);
    expect(out.report.overridden).toBe(1);
  });
});

describe('parseBaseline', () => {
  it('takes the findings and what the previous report had itself taken from its baseline', () => {
    const text = JSON.stringify({
      findings: [{ fingerprint: 'aaa' }],
      suppressions: { findings: [{ by: 'baseline', fingerprint: 'bbb' }, { by: 'inline', fingerprint: 'ccc' }] },
    });
    expect([...parseBaseline(text, 'main.json').fingerprints].sort()).toEqual(['aaa', 'bbb']);
  });

  it('refuses what is not an apisec JSON report', () => {
    expect(() => parseBaseline('{"version": "2.1.0", "runs": []}', 'x.sarif')).toThrow('has no "findings" list');
    expect(() => parseBaseline('not json', 'x.json')).toThrow('is not JSON');
  });
});
