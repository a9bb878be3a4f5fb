import { describe, expect, it } from 'vitest';
import { sarifErrors } from '../../test/sarif-schema.js';
import { renderJson } from './json.js';
import { FINGERPRINT_KEY, renderSarif, toSarif } from './sarif.js';
import { sampleFinding, sampleResult } from './sample.js';

interface SarifResult {
  ruleId: string;
  ruleIndex: number;
  level: string;
  message: { text: string };
  locations: { physicalLocation: { artifactLocation: { uri: string; uriBaseId: string }; region: Record<string, unknown> }; logicalLocations?: { fullyQualifiedName: string }[] }[];
  partialFingerprints: Record<string, string>;
  relatedLocations?: { id: number; message: { text: string }; physicalLocation: { artifactLocation: { uri: string; uriBaseId: string } } }[];
  suppressions?: { kind: string; justification: string }[];
  baselineState?: string;
}
interface SarifRule {
  id: string;
  help: { text: string };
  defaultConfiguration: { level: string };
  properties: { tags: string[]; 'security-severity'?: string; 'problem.severity': string };
}
interface SarifLog {
  version: string;
  runs: { tool: { driver: { name: string; version: string; rules: SarifRule[] } }; results: SarifResult[]; originalUriBaseIds: Record<string, unknown> }[];
}

function parse(text: string): SarifLog {
  return JSON.parse(text) as SarifLog;
}

function at<T>(items: readonly T[] | undefined, index = 0): T {
  const item = items?.[index];
  if (item === undefined) throw new Error(`no item ${index}`);
  return item;
}

function runOf(text: string): SarifLog['runs'][number] {
  return at(parse(text).runs);
}

describe('SARIF 2.1.0 report', () => {
  it('validates against the official schema and names every rule that ran, sorted', () => {
    const log = parse(renderSarif(sampleResult()));
    expect(sarifErrors(log)).toEqual([]);
    const run = at(log.runs);
    expect(run.tool.driver.name).toBe('apisec');
    expect(run.tool.driver.version).toBe('0.1.0');
    const ids = run.tool.driver.rules.map((rule) => rule.id);
    expect(ids).toEqual([...ids].sort());
    expect(ids).toEqual(expect.arrayContaining(['unauthenticated-endpoint', 'bola-missing-ownership-check', 'sql-injection']));
    for (const result of run.results) expect(ids[result.ruleIndex]).toBe(result.ruleId);
  });

  it('takes rule help, tags and severity from the check catalogue', () => {
    const run = runOf(renderSarif(sampleResult()));
    const sql = at(run.tool.driver.rules.filter((rule) => rule.id === 'sql-injection'));
    expect(sql.help.text).toContain('Remediation:');
    expect(sql.properties.tags).toContain('security');
    expect(sql.properties.tags).toContain('external/cwe/cwe-089');
    expect(sql.properties.tags.some((tag) => tag.startsWith('owasp-api-top10-2023/API8'))).toBe(true);
    // CheckSummary says critical for sql-injection in the sample: > 9.0 is GitHub's critical.
    expect(Number(sql.properties['security-severity'])).toBeGreaterThan(9);
    expect(sql.defaultConfiguration.level).toBe('error');
  });

  it('gives each finding its fingerprint, region, and related places', () => {
    const related = sampleFinding({
      checkId: 'cors-wildcard-origin',
      location: { file: 'src/app.js', line: 5, column: 3, endLine: 5, endColumn: 30 },
      related: [{ location: { file: 'src/admin.js', line: 9 }, message: 'The same options again.' }],
      occurrences: 2,
    });
    const spec = sampleFinding({ checkId: 'sql-injection', location: { file: 'openapi.yaml', line: 31, column: 11, pointer: '/paths/~1a/get' } });
    const log = parse(renderSarif(sampleResult({ findings: [related, spec] })));
    expect(sarifErrors(log)).toEqual([]);
    const first = at(at(log.runs).results, 0);
    const second = at(at(log.runs).results, 1);
    expect(first.ruleId).toBe('sql-injection');
    expect(at(first.locations).physicalLocation.artifactLocation).toEqual({ uri: 'openapi.yaml', uriBaseId: '%SRCROOT%' });
    expect(at(first.locations).physicalLocation.region).toMatchObject({ startLine: 31, startColumn: 11 });
    expect(at(first.locations).logicalLocations?.[0]?.fullyQualifiedName).toBe('/paths/~1a/get');
    expect(second.partialFingerprints[FINGERPRINT_KEY]).toBe(related.fingerprint);
    expect(at(second.locations).physicalLocation.region).toEqual({ startLine: 5, startColumn: 3, endLine: 5, endColumn: 30 });
    expect(second.relatedLocations).toHaveLength(1);
    const place = at(second.relatedLocations);
    expect(place.id).toBe(1);
    expect(place.message).toEqual({ text: 'The same options again.' });
    expect(place.physicalLocation.artifactLocation).toEqual({ uri: 'src/admin.js', uriBaseId: '%SRCROOT%' });
  });

  it('writes paths relative to the directory apisec ran from when DIR is inside it', () => {
    const result = sampleResult({ root: '/repo/services/payments' });
    const uri = (srcRoot: string): string => at(at(runOf(renderSarif(result, { srcRoot })).results).locations).physicalLocation.artifactLocation.uri;
    expect(uri('/repo')).toMatch(/^services\/payments\/src\//);
    expect(uri('/elsewhere')).toMatch(/^src\//);
  });

  it('masks secrets like every other renderer', () => {
    const secret = 'sk_live_4eC39HqLyjWDarjtT1zdp7dc';
    const result = sampleResult({
      findings: [sampleFinding({ checkId: 'sql-injection', message: `A key ${secret} is hard-coded.`, evidence: { snippet: `stripe(${JSON.stringify(secret)})` } })],
    });
    const text = renderSarif(result);
    expect(text).not.toContain(secret);
    expect(text).toContain('sk_live_');
    // A suppression's reason is text from the repository too.
    const suppressed = sampleResult({
      findings: [],
      suppressions: {
        suppressed: [{ by: 'inline', reason: `rotated, was ${secret}`, where: { file: 'src/app.js', line: 4 }, finding: sampleFinding({ checkId: 'sql-injection' }) }],
        counts: { inline: 1, config: 0, baseline: 0 },
        overridden: 0,
        problems: [],
      },
    });
    expect(renderSarif(suppressed)).not.toContain(secret);
    expect(renderJson(suppressed)).not.toContain(secret);
    expect(renderJson(suppressed)).toContain('rotated, was sk_live_');
  });

  it('keeps suppressed findings as suppressed results with their justification', () => {
    const kept = sampleFinding({ checkId: 'sql-injection' });
    const hidden = sampleFinding({ checkId: 'cors-wildcard-origin', location: { file: 'src/app.js', line: 5 } });
    const result = sampleResult({
      findings: [kept],
      suppressions: {
        suppressed: [
          { by: 'inline', reason: 'Only the status page calls it.', where: { file: 'src/app.js', line: 4 }, finding: hidden },
          { by: 'baseline', reason: 'in the baseline main.json', finding: sampleFinding({ checkId: 'unauthenticated-endpoint' }) },
        ],
        counts: { inline: 1, config: 0, baseline: 1 },
        baselineFile: 'main.json',
        overridden: 0,
        problems: [{ kind: 'unused', location: { file: 'src/x.py', line: 3 }, message: 'This apisec-ignore comment matches nothing.' }],
      },
    });
    const log = parse(renderSarif(result));
    expect(sarifErrors(log)).toEqual([]);
    const results = at(log.runs).results;
    // Every finding is in the log (code scanning diffs analyses itself); the baseline decides new or unchanged.
    expect(results.map((item) => item.ruleId).sort()).toEqual(['cors-wildcard-origin', 'sql-injection', 'unauthenticated-endpoint']);
    expect(at(results.filter((item) => item.ruleId === 'unauthenticated-endpoint')).baselineState).toBe('unchanged');
    expect(at(results.filter((item) => item.ruleId === 'unauthenticated-endpoint')).suppressions).toBeUndefined();
    expect(at(results.filter((item) => item.ruleId === 'cors-wildcard-origin')).suppressions).toEqual([
      expect.objectContaining({ kind: 'inSource', justification: 'Only the status page calls it.' }),
    ]);
    expect(at(results.filter((item) => item.ruleId === 'sql-injection')).baselineState).toBe('new');
  });

  it('is checked by a validator that rejects what SARIF forbids', () => {
    const log = toSarif(sampleResult()) as { runs: { results: Record<string, unknown>[] }[] };
    const run = at(log.runs);
    const broken = { ...log, runs: [{ ...run, results: [{ ...at(run.results), level: 'critical' }] }] };
    expect(sarifErrors(broken).join('\n')).toContain('/runs/0/results/0/level');
    expect(sarifErrors({ runs: [] }).join('\n')).toContain('version');
  });

  it('is deterministic', () => {
    expect(renderSarif(sampleResult())).toBe(renderSarif(sampleResult()));
    expect(toSarif(sampleResult())).toEqual(toSarif(sampleResult({ findings: [...sampleResult().findings].reverse() })));
  });
});
