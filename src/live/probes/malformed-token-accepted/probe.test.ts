import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers, type Servers } from '../../../../test/live/harness.js';
import malformedTokenAccepted from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('malformed-token-accepted', () => {
  it('reports an endpoint that rejects no credentials but serves a token with its signature replaced', async () => {
    const result = await probe(servers.vulnerable, [malformedTokenAccepted], { tokens: servers.vulnerable.tokens, active: false });
    const found = lines(result.findings);
    expect(found.length).toBeGreaterThan(0);
    for (const line of found) expect(line).toMatch(/^malformed-token-accepted \[critical\]: `GET \/\S+` rejects a request without credentials \(40[13]\) but answered 2\d\d to one with a malformed token\.$/);
    expect(JSON.stringify(result)).not.toContain(servers.vulnerable.tokens.a.split('.')[2]);
  });

  it('is silent on the hardened twin and the say-yes server', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [malformedTokenAccepted], { tokens: servers.vulnerable.tokens, active: false });
      expect(lines(result.findings)).toEqual([]);
    }
  });
});
