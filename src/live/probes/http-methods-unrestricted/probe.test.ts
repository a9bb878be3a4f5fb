import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import methods from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('http-methods-unrestricted', () => {
  it('reports the TRACE echo and the routes answering PROPFIND like GET on the vulnerable server', async () => {
    const result = await probe(servers.vulnerable, [methods], { tokens: servers.vulnerable.tokens });
    expect(result.findings.map((finding) => finding.evidence?.method).sort()).toEqual(['PROPFIND', 'TRACE']);
    const propfind = result.findings.find((finding) => finding.evidence?.method === 'PROPFIND');
    expect(propfind?.message).toContain('`/api/products`');
    expect(propfind?.message).not.toContain('/api/orders');
  });

  it('finds nothing on the hardened twin (405) nor on the say-yes server (it says yes, it echoes nothing)', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [methods], { tokens: servers.hardened.tokens });
      expect(lines(result.findings)).toEqual([]);
      expect(result.diagnostics).toEqual([]);
    }
  });
});
