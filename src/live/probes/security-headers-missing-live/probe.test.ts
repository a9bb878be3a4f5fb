import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers, type Servers } from '../../../../test/live/harness.js';
import securityHeadersMissingLive from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('security-headers-missing-live', () => {
  it('reports the missing headers once, on answers the API really gave', async () => {
    const result = await probe(servers.vulnerable, [securityHeadersMissingLive], { tokens: servers.vulnerable.tokens, active: false });
    const found = lines(result.findings);
    expect(found).toHaveLength(1);
    expect(found[0]).toMatch(/^security-headers-missing-live \[low\]: Live API responses lack security headers: no `X-Content-Type-Options: nosniff`/);
    expect(found[0]).toMatch(/no `Referrer-Policy`/);
    const evidence = result.findings[0]?.evidence;
    expect(String(evidence?.missing)).toContain('X-Frame-Options');
    expect(String(evidence?.response)).toMatch(/^HTTP 200$/m);
  });

  it('is silent on the hardened twin and on a server that answers yes to everything', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [securityHeadersMissingLive], { tokens: servers.vulnerable.tokens, active: false });
      expect(lines(result.findings)).toEqual([]);
    }
  });
});
