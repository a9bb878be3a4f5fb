import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import type { Exchange } from '../../http.js';
import type { LiveReport, ProbeContext } from '../../probe.js';
import transport from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('transport-security-missing', () => {
  it('records plaintext transport on an http target that serves an API', async () => {
    for (const server of [servers.vulnerable, servers.hardened]) {
      const result = await probe(server, [transport], { tokens: server.tokens });
      expect(lines(result.findings)).toEqual([expect.stringContaining('plaintext HTTP')]);
      expect(result.findings[0]?.evidence?.scheme).toBe('http');
    }
  });

  it('says nothing when the target only answers like it answers a random path (say-yes)', async () => {
    const result = await probe(servers.sayYes, [transport], { tokens: servers.vulnerable.tokens });
    expect(result.summary.probesRun).toEqual(['transport-security-missing']);
    expect(lines(result.findings)).toEqual([]);
  });
});

describe('transport-security-missing on an https target (the decision, with recorded answers)', () => {
  // The scoped client trusts only real certificate chains, so the https branch is fed recorded answers.
  const answer = (headers: Record<string, string>): Exchange => ({
    request: { method: 'GET', path: '/', url: 'https://api.shop.test/' },
    response: { status: 200, headers: { 'content-type': 'application/json', ...headers }, body: '{"service":"shop"}', bodyTruncated: false, url: 'https://api.shop.test/', redirects: [], durationMs: 1 },
  });
  const run = async (headers: Record<string, string>): Promise<LiveReport[]> => {
    const reports: LiveReport[] = [];
    const ctx: ProbeContext = {
      origin: 'https://api.shop.test',
      endpoints: [],
      graphqlPaths: [],
      identities: { a: false, b: false },
      active: false,
      send: () => Promise.reject(new Error('no request expected')),
      isBaselineLike: () => false,
      cached: (path) => (path === '/' ? answer(headers) : undefined),
      report: (report) => reports.push(report),
      remaining: () => 10,
      handshake: () => Promise.reject(new Error('no handshake expected')),
    };
    await transport.run(ctx);
    return reports;
  };

  it('reports a missing HSTS header (medium) and a short max-age (low), not a year-long one', async () => {
    expect((await run({})).map((report) => [report.key, report.severity])).toEqual([['hsts-missing', 'medium']]);
    expect((await run({ 'strict-transport-security': 'max-age=86400' })).map((report) => [report.key, report.severity])).toEqual([['hsts-short', 'low']]);
    expect(await run({ 'strict-transport-security': 'max-age=31536000; includeSubDomains' })).toEqual([]);
  });
});
