/**
 * The tests every forged-token probe shares: it fires on the vulnerable shop with the expected
 * message, never quotes identity A's token, is refused by the hardened twin (which it still asks),
 * finds nothing on the say-yes server, and runs only with --active.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Probe } from '../../src/live/probe.js';
import { lines, probe, startServers } from './harness.js';
import type { Servers } from './harness.js';

export function tokenProbeSuite(tokenProbe: Probe, firesAs: RegExp): void {
  let servers: Servers;
  beforeAll(async () => {
    servers = await startServers();
  });
  afterAll(async () => {
    await servers.close();
  });

  describe(tokenProbe.id, () => {
    it('fires on the vulnerable server, on an endpoint that refuses anonymous callers', async () => {
      const result = await probe(servers.vulnerable, [tokenProbe], { tokens: servers.vulnerable.tokens });
      expect(lines(result.findings)).toEqual([expect.stringMatching(firesAs)]);
      expect(JSON.stringify(result.findings)).not.toContain(servers.vulnerable.tokens.a);
    });

    it('is refused by the hardened twin (RS256 pinned, exp, aud and iss checked) and finds nothing on the say-yes server', async () => {
      const hardened = await probe(servers.hardened, [tokenProbe], { tokens: servers.hardened.tokens });
      const preflight = await probe(servers.hardened, [], { tokens: servers.hardened.tokens });
      expect(lines(hardened.findings)).toEqual([]);
      expect(hardened.summary.requests).toBeGreaterThan(preflight.summary.requests);
      const sayYes = await probe(servers.sayYes, [tokenProbe], { tokens: servers.vulnerable.tokens });
      expect(lines(sayYes.findings)).toEqual([]);
    });

    it('runs only with --active', async () => {
      const passive = await probe(servers.vulnerable, [tokenProbe], { tokens: servers.vulnerable.tokens, active: false });
      expect(passive.summary.probesSkipped.map((skipped) => skipped.id)).toEqual([tokenProbe.id]);
    });
  });
}
