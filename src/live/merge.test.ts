import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/types.js';
import { mergeLiveFindings } from './merge.js';
import type { Probe } from './probe.js';

function finding(checkId: string, fields: Partial<Finding> = {}): Finding {
  return {
    checkId,
    title: checkId,
    message: `${checkId}.`,
    owasp: 'API2:2023',
    cwe: [],
    severity: 'medium',
    confidence: 'medium',
    section: 'authentication',
    location: { file: 'src/app.js', line: 3 },
    rationale: '',
    remediation: '',
    fingerprint: checkId,
    ...fields,
  };
}

const probes = [
  { id: 'served-anonymously', confirms: ['spec-auth-not-enforced'] },
  { id: 'powered-by', confirms: ['x-powered-by-not-disabled'] },
  { id: 'live-only' },
] as unknown as Probe[];

describe('mergeLiveFindings', () => {
  const live = (checkId: string, fields: Partial<Finding> = {}): Finding =>
    finding(checkId, { severity: 'high', confidence: 'high', confirmedLive: true, evidence: { snippet: 'GET /a → 200', request: 'GET http://h/a', response: 'HTTP 200', curl: "curl -i -X GET 'http://h/a'" }, ...fields });

  it('joins a live finding to the static one on the same endpoint, raising severity and confidence', () => {
    const staticOne = finding('spec-auth-not-enforced', { endpointId: 'api GET /a', evidence: { snippet: 'GET /a', spec: 12 } });
    const { findings, merged } = mergeLiveFindings([staticOne], [live('served-anonymously', { endpointId: 'api GET /a' })], probes);
    expect(merged).toBe(1);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({
      checkId: 'spec-auth-not-enforced',
      severity: 'high',
      confidence: 'high',
      confirmedLive: true,
      evidence: { snippet: 'GET /a', spec: 12, request: 'GET http://h/a', response: 'HTTP 200', liveProbe: 'served-anonymously' },
    });
    expect(staticOne.confirmedLive).toBeUndefined();
  });

  it('keeps a live finding apart when the static one concerns another endpoint, or no probe confirms it', () => {
    const staticOne = finding('spec-auth-not-enforced', { endpointId: 'api GET /b' });
    const { findings, merged } = mergeLiveFindings([staticOne], [live('served-anonymously', { endpointId: 'api GET /a' }), live('live-only')], probes);
    expect(merged).toBe(0);
    expect(findings.map((item) => item.checkId)).toEqual(['spec-auth-not-enforced', 'served-anonymously', 'live-only']);
    expect(findings[0]?.confirmedLive).toBeUndefined();
  });

  it('merges an origin-wide live finding into the app-wide static one, and a second confirmation only counts', () => {
    const staticOne = finding('x-powered-by-not-disabled', { severity: 'low' });
    const { findings } = mergeLiveFindings([staticOne], [live('powered-by', { severity: 'low' }), live('powered-by', { severity: 'low', key: 'again' } as Partial<Finding>)], probes);
    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity: 'low', confirmedLive: true, evidence: { liveConfirmations: 2 } });
  });

  it('merges through a related place of a grouped static finding', () => {
    const staticOne = finding('spec-auth-not-enforced', { endpointId: 'api GET /b', related: [{ location: { file: 'src/app.js', line: 9 }, endpointId: 'api GET /a' }] });
    expect(mergeLiveFindings([staticOne], [live('served-anonymously', { endpointId: 'api GET /a' })], probes).merged).toBe(1);
  });
});
