import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import graphqlProbe from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('graphql-aliases-unlimited', () => {
  it('fires once on the vulnerable server, on its GraphQL endpoint', async () => {
    const result = await probe(servers.vulnerable, [graphqlProbe], { tokens: servers.vulnerable.tokens });
    expect(lines(result.findings)).toHaveLength(1);
    const finding = result.findings[0];
    expect(finding?.endpointId).toMatch(/POST \/graphql$/);
    expect(finding?.evidence?.aliasesResolved).toBe(100);
  });

  it('stays silent on the hardened twin and on the say-yes server', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [graphqlProbe], { tokens: servers.hardened.tokens });
      expect(result.summary.probesRun).toEqual(['graphql-aliases-unlimited']);
      expect(result.summary.requests).toBeGreaterThan(2);
      expect(lines(result.findings)).toEqual([]);
    }
  });
});
