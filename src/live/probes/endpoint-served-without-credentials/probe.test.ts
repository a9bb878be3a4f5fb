import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers, type Servers } from '../../../../test/live/harness.js';
import endpointServedWithoutCredentials from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('endpoint-served-without-credentials', () => {
  it('reports each endpoint the spec secures that answers a request without credentials', async () => {
    const result = await probe(servers.vulnerable, [endpointServedWithoutCredentials], { tokens: servers.vulnerable.tokens, active: false });
    const found = lines(result.findings);
    expect(found.length).toBeGreaterThan(0);
    for (const line of found) expect(line).toMatch(/^endpoint-served-without-credentials \[high\]: `GET \/\S+` answered 200 with \d+ bytes to a request without credentials\.$/);
    const finding = result.findings[0];
    expect(finding?.endpointId).toBeDefined();
    // The anonymous request carries no Authorization header; the curl line reads the token from the environment.
    expect(String(finding?.evidence?.request)).not.toMatch(/authorization/i);
    const more = finding?.evidence?.more as { request: string }[] | undefined;
    expect(more?.[0]?.request).toMatch(/^Authorization: Be\*{4}|^Authorization: Bearer \S*\*{4}/m);
    expect(JSON.stringify(result)).not.toContain(servers.vulnerable.tokens.a);
  });

  it('is silent on the hardened twin and the say-yes server', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [endpointServedWithoutCredentials], { tokens: servers.vulnerable.tokens, active: false });
      expect(lines(result.findings)).toEqual([]);
    }
  });
});
