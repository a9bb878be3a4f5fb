import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atLeast, lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import errors from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('error-details-leaked', () => {
  it('reports the stack trace, the SQL error and the internal address once each on the vulnerable server', async () => {
    const result = await probe(servers.vulnerable, [errors], { tokens: servers.vulnerable.tokens });
    expect(result.findings.map((finding) => finding.evidence?.leak).sort()).toEqual(['internal-address', 'sql-error', 'stack-trace']);
    const sql = result.findings.find((finding) => finding.evidence?.leak === 'sql-error');
    expect(sql?.message).toContain('syntax error at or near');
    expect(sql?.endpointId).toMatch(/GET \/api\/orders\/\{orderId\}$/);
    const stack = result.findings.find((finding) => finding.evidence?.leak === 'stack-trace');
    expect(stack?.message).toMatch(/Node\.js stack trace/);
    expect(String(stack?.evidence?.request)).toContain('{"apisec": ["');
  });

  it('finds nothing at medium or above on the hardened twin, nothing on the say-yes server', async () => {
    const hardened = await probe(servers.hardened, [errors], { tokens: servers.hardened.tokens });
    expect(lines(atLeast(hardened.findings, 'low'))).toEqual([]);
    const sayYes = await probe(servers.sayYes, [errors], { tokens: servers.vulnerable.tokens });
    expect(lines(sayYes.findings)).toEqual([]);
    expect(sayYes.summary.requests).toBeGreaterThan(4);
  });
});
