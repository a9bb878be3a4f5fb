import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
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
