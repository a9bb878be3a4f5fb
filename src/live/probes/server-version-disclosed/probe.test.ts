import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers, type Servers } from '../../../../test/live/harness.js';
import serverVersionDisclosed from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('server-version-disclosed', () => {
  it('reports X-Powered-By and a versioned Server header, with the request and the curl line', async () => {
    const result = await probe(servers.vulnerable, [serverVersionDisclosed], { tokens: servers.vulnerable.tokens, active: false });
    expect(lines(result.findings)).toEqual(['server-version-disclosed [low]: The target discloses its server software: `x-powered-by: Express 4.16.0`.']);
    const evidence = result.findings[0]?.evidence;
    expect(evidence?.request).toMatch(/^GET http:\/\/127\.0\.0\.1:\d+\/$/m);
    expect(evidence?.response).toMatch(/^server: nginx\/1\.14\.0/m);
    expect(evidence?.curl).toMatch(/^curl -i -X GET .*'http:\/\/127\.0\.0\.1:\d+\/'$/);
  });

  it('is silent on the hardened twin and the say-yes server', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [serverVersionDisclosed], { tokens: servers.vulnerable.tokens, active: false });
      expect(lines(result.findings)).toEqual([]);
      expect(result.summary.probesRun).toEqual(['server-version-disclosed']);
    }
  });
});
