import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import { startVulnerableServer } from '../../../../test/live/servers/vulnerable.js';
import cors from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('cors-untrusted-origin-allowed', () => {
  it('fires once, high, on a server reflecting any origin with credentials, listing every hostile origin', async () => {
    const result = await probe(servers.vulnerable, [cors], { tokens: servers.vulnerable.tokens });
    expect(lines(result.findings)).toHaveLength(1);
    const [finding] = result.findings;
    expect(finding?.severity).toBe('high');
    expect(finding?.message).toContain('`null`');
    expect(finding?.message).toContain('preflight');
    expect(finding?.message).toContain('https://apisecprobe-127.0.0.1');
    expect(String(finding?.evidence?.response)).toMatch(/access-control-allow-credentials: true/i);
  });

  it.each([
    ['null-only', 'https://apisec-probe.example', 'null'],
    ['suffix-match', 'null', 'https://apisecprobe-127.0.0.1'],
  ] as const)('tells the %s flaw apart: names only the origin it trusts', async (flaw, absent, present) => {
    const server = await startVulnerableServer({ cors: flaw });
    try {
      const result = await probe(server, [cors], { tokens: server.tokens });
      expect(result.findings).toHaveLength(1);
      expect(result.findings[0]?.evidence?.allowedOrigins).toBe(present);
      expect(result.findings[0]?.message).not.toContain(`\`${absent}\``);
    } finally {
      await server.close();
    }
  });

  it('stays silent on the hardened twin (one exact origin) and the say-yes server', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [cors], { tokens: servers.hardened.tokens });
      expect(lines(result.findings)).toEqual([]);
      expect(result.summary.probesRun).toEqual(['cors-untrusted-origin-allowed']);
    }
  });
});
