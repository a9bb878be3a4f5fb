import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import pageSize from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('page-size-not-capped', () => {
  it('reports the product listing returning 2500 items on the vulnerable server, and not the short listings', async () => {
    const result = await probe(servers.vulnerable, [pageSize], { tokens: servers.vulnerable.tokens });
    expect(lines(result.findings)).toEqual([
      'page-size-not-capped [medium]: `GET /api/products?limit=5000` returned 2500 items in one page (the default page has 20): the page size is not capped.',
    ]);
  });

  it('finds nothing on the hardened twin (100 at most) nor on the say-yes server', async () => {
    const hardened = await probe(servers.hardened, [pageSize], { tokens: servers.hardened.tokens });
    expect(lines(hardened.findings)).toEqual([]);
    expect(hardened.summary.probesRun).toEqual(['page-size-not-capped']);
    const sayYes = await probe(servers.sayYes, [pageSize], { tokens: servers.vulnerable.tokens });
    expect(lines(sayYes.findings)).toEqual([]);
  });
});
