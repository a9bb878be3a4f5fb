import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import tokenProbe from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('token-wrong-audience-accepted', () => {
  it('fires on the vulnerable server, on an endpoint that refuses anonymous callers', async () => {
    const result = await probe(servers.vulnerable, [tokenProbe], { tokens: servers.vulnerable.tokens });
    expect(lines(result.findings)).toEqual([expect.stringMatching(/^token-wrong-audience-accepted \[high\]: `GET \/api\/users\/me` .*issued for another audience .*minted with `alg: none`/)]);
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
    expect(passive.summary.probesSkipped.map((skipped) => skipped.id)).toEqual(['token-wrong-audience-accepted']);
  });
});
