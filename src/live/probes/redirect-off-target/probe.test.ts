import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atLeast, lines, probe, startServers, type Servers } from '../../../../test/live/harness.js';
import redirectOffTarget from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('redirect-off-target', () => {
  it('reports the open redirect on the vulnerable server without ever following it', async () => {
    const result = await probe(servers.vulnerable, [redirectOffTarget], { tokens: servers.vulnerable.tokens, active: false });
    expect(lines(atLeast(result.findings, 'medium'))).toEqual([
      'redirect-off-target [medium]: `GET /api/redirect` redirects to any URL given in `next`: `https://apisec-redirect-probe.invalid/landing` came back as the `Location`.',
    ]);
    expect(String(result.findings.find((finding) => finding.severity === 'medium')?.evidence?.response)).toMatch(/not followed: off the target/);
    expect(result.summary.offOriginRedirects).toContain('https://apisec-redirect-probe.invalid/landing');
    expect(servers.canary.requests).toEqual([]);
  });

  it('is silent on the hardened twin (a local-only redirect) and the say-yes server', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [redirectOffTarget], { tokens: servers.vulnerable.tokens, active: false });
      expect(lines(result.findings)).toEqual([]);
    }
  });
});
