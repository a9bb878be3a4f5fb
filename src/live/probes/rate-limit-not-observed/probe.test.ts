import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atLeast, lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import { startHardenedServer } from '../../../../test/live/servers/hardened.js';
import rateLimit from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('rate-limit-not-observed', () => {
  it('reports the unlimited login (medium) and the unlimited data endpoint (low) on the vulnerable server', async () => {
    const result = await probe(servers.vulnerable, [rateLimit], { tokens: servers.vulnerable.tokens });
    expect(lines(result.findings)).toEqual([
      expect.stringMatching(/^rate-limit-not-observed \[medium\]: 12 failed logins in a row on `POST \/api\/login` were all answered 401/),
      expect.stringMatching(/^rate-limit-not-observed \[low\]: 15 requests in a burst on `GET \/api\/\w+` were all served/),
    ]);
    const preflight = await probe(servers.vulnerable, [], { tokens: servers.vulnerable.tokens });
    expect(result.summary.requests - preflight.summary.requests).toBeLessThanOrEqual(rateLimit.maxRequests);
  });

  it('sees the hardened twin\'s 429 with Retry-After, its per-IP login limit and its RateLimit headers: nothing reported', async () => {
    const result = await probe(servers.hardened, [rateLimit], { tokens: servers.hardened.tokens });
    expect(lines(atLeast(result.findings, 'info'))).toEqual([]);
    // The burst did reach the login limit (the spray phase ran).
    expect(result.summary.requests).toBeGreaterThan(12 + 6);
  });

  it('stays silent on the say-yes server', async () => {
    const result = await probe(servers.sayYes, [rateLimit], { tokens: servers.vulnerable.tokens });
    expect(lines(result.findings)).toEqual([]);
  });

  it.each([
    ['per-account-only', /^rate-limit-not-observed \[low\]: `POST \/api\/login` limits failed logins per account only: after the limit was hit, 6 attempts on other accounts/],
    ['without-retry-after', /^rate-limit-not-observed \[low\]: `POST \/api\/login` answers 429 without `Retry-After`/],
  ] as const)('tells a login limited %s apart', async (loginLimit, expected) => {
    const server = await startHardenedServer({ loginLimit });
    try {
      const result = await probe(server, [rateLimit], { tokens: server.tokens });
      expect(lines(result.findings)).toEqual([expect.stringMatching(expected)]);
    } finally {
      await server.close();
    }
  });
});
