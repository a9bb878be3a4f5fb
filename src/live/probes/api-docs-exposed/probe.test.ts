import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import docs from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('api-docs-exposed', () => {
  it('lists the spec, the docs page and the GraphQL IDE of the vulnerable server in one finding, and follows no redirect off it', async () => {
    const result = await probe(servers.vulnerable, [docs], { tokens: servers.vulnerable.tokens });
    expect(lines(result.findings)).toHaveLength(1);
    expect(result.findings[0]?.evidence?.paths).toBe('/openapi.json /docs /graphql');
    // `/swagger.json` redirects to the canary: recorded, not followed, not reported as docs.
    expect(result.summary.offOriginRedirects).toEqual([`${servers.canary.url}/swagger.json`]);
    expect(servers.canary.requests).toEqual([]);
  });

  it('stays silent on the hardened twin and on the say-yes server', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [docs], { tokens: servers.hardened.tokens });
      expect(result.summary.requests).toBeGreaterThan(10);
      expect(lines(result.findings)).toEqual([]);
    }
  });
});
