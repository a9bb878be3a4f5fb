import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, shopInventory, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import bola from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('bola-cross-identity-access', () => {
  it('shows B reading (high) and changing (critical) an order A created on the vulnerable server', async () => {
    const result = await probe(servers.vulnerable, [bola], { tokens: servers.vulnerable.tokens });
    expect(lines(result.findings)).toEqual([
      expect.stringMatching(/^bola-cross-identity-access \[critical\]: Identity B changed an object identity A owns: `PATCH \/api\/orders\/\{orderId\}`/),
      expect.stringMatching(/^bola-cross-identity-access \[high\]: Identity B read an object identity A created: `GET \/api\/orders\/\{orderId\}`/),
    ]);
    const order = servers.vulnerable.store.orders.at(-1);
    expect(order?.ownerId).toBe(1);
    expect(order?.item).toMatch(/^apisec-bola-write-/);
  });

  it('does not run without --active', async () => {
    const passive = await probe(servers.vulnerable, [bola], { tokens: servers.vulnerable.tokens, active: false });
    expect(passive.summary.probesSkipped).toEqual([{ id: 'bola-cross-identity-access', reason: 'active probe; run with --active' }]);
    expect(passive.findings).toEqual([]);
  });

  it('finds nothing on the hardened twin (A\'s order is a 404 to B) nor on the say-yes server', async () => {
    const hardened = await probe(servers.hardened, [bola], { tokens: servers.hardened.tokens });
    expect(lines(hardened.findings)).toEqual([]);
    // The probe did create an order as A there: the negative is not vacuous.
    expect(servers.hardened.store.orders.some((order) => order.ownerId === 1 && order.item.startsWith('apisec-bola-'))).toBe(true);
    const sayYes = await probe(servers.sayYes, [bola], { tokens: servers.vulnerable.tokens });
    expect(lines(sayYes.findings)).toEqual([]);
  });
});

describe('bola-cross-identity-access without a creation route', () => {
  const readOnly = () => shopInventory().filter((endpoint) => endpoint.method === 'GET');

  it('reads, as B, an order that only A\'s listing shows, on the vulnerable server', async () => {
    const result = await probe(servers.vulnerable, [bola], { tokens: servers.vulnerable.tokens, inventory: readOnly() });
    expect(lines(result.findings)).toEqual([
      expect.stringMatching(/^bola-cross-identity-access \[high\]: Identity B read an object listed for identity A only: `GET \/api\/orders\/\{orderId\}` with B's credentials returned object 100[12]/),
    ]);
  });

  it('finds nothing on the hardened twin nor on the say-yes server', async () => {
    for (const [server, tokens] of [[servers.hardened, servers.hardened.tokens], [servers.sayYes, servers.vulnerable.tokens]] as const) {
      const result = await probe(server, [bola], { tokens, inventory: readOnly() });
      expect(lines(result.findings)).toEqual([]);
    }
  });
});
