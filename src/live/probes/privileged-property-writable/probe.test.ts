import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import massAssignment from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('privileged-property-writable', () => {
  it('sets role and isAdmin of identity A on the vulnerable server, reads them back, then restores them', async () => {
    const result = await probe(servers.vulnerable, [massAssignment], { tokens: servers.vulnerable.tokens });
    expect(lines(result.findings)).toEqual([
      'privileged-property-writable [high]: `PATCH /api/users/me` let identity A set `role` to `"admin"`, `isAdmin` to `true`, read back by `GET /api/users/me`.',
    ]);
    expect(servers.vulnerable.store.userByName('alice')).toMatchObject({ role: 'customer', isAdmin: false });
  });

  it('finds nothing on the hardened twin (role and isAdmin ignored) nor on the say-yes server', async () => {
    const hardened = await probe(servers.hardened, [massAssignment], { tokens: servers.hardened.tokens });
    expect(lines(hardened.findings)).toEqual([]);
    expect(hardened.summary.requests - (await probe(servers.hardened, [], { tokens: servers.hardened.tokens })).summary.requests).toBe(3);
    const sayYes = await probe(servers.sayYes, [massAssignment], { tokens: servers.vulnerable.tokens });
    expect(lines(sayYes.findings)).toEqual([]);
  });
});
