import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { lines, probe, startServers, type Servers } from '../../../../test/live/harness.js';
import { startServer } from '../../../../test/live/servers/common.js';
import endpointServedWithoutCredentials from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('endpoint-served-without-credentials', () => {
  it('reports each endpoint the spec secures that answers a request without credentials', async () => {
    const result = await probe(servers.vulnerable, [endpointServedWithoutCredentials], { tokens: servers.vulnerable.tokens, active: false });
    const found = lines(result.findings);
    expect(found.length).toBeGreaterThan(0);
    for (const line of found) expect(line).toMatch(/^endpoint-served-without-credentials \[high\]: `GET \/\S+` answered 200 with \d+ bytes to a request without credentials\.$/);
    const finding = result.findings[0];
    expect(finding?.endpointId).toBeDefined();
    // The anonymous request carries no Authorization header; the curl line reads the token from the environment.
    expect(String(finding?.evidence?.request)).not.toMatch(/authorization/i);
    const more = finding?.evidence?.more as { request: string }[] | undefined;
    expect(more?.[0]?.request).toMatch(/^Authorization: Be\*{4}|^Authorization: Bearer \S*\*{4}/m);
    expect(JSON.stringify(result)).not.toContain(servers.vulnerable.tokens.a);
  });

  it('is silent on the hardened twin and the say-yes server', async () => {
    for (const server of [servers.hardened, servers.sayYes]) {
      const result = await probe(server, [endpointServedWithoutCredentials], { tokens: servers.vulnerable.tokens, active: false });
      expect(lines(result.findings)).toEqual([]);
    }
  });

  it('does not take a redirect to a sign-in page for the endpoint answering, but follows a trailing-slash redirect', async () => {
    // A session app: anonymous callers are sent to /login (200, a form); /api/stats/ is the canonical path and serves data.
    const app = await startServer((req, res) => {
      const url = req.url ?? '/';
      const signedIn = req.headers.authorization !== undefined;
      if (url === '/login') {
        res.writeHead(200, { 'content-type': 'text/html' }).end('<form method="post"><input name="email"><button>Sign in</button></form>');
      } else if (url === '/api/stats') {
        res.writeHead(301, { location: '/api/stats/' }).end();
      } else if (url === '/api/stats/') {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ orders: 1234, revenue: 98765.4 }));
      } else if (url.startsWith('/api/') && !signedIn) {
        res.writeHead(302, { location: '/login' }).end();
      } else if (url.startsWith('/api/')) {
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ items: [{ id: 1, owner: 'a' }] }));
      } else {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      }
    });
    try {
      const result = await probe(app, [endpointServedWithoutCredentials], { tokens: servers.vulnerable.tokens, active: false });
      expect(lines(result.findings)).toEqual([expect.stringMatching(/^endpoint-served-without-credentials \[high\]: `GET \/api\/stats` answered 200/)]);
    } finally {
      await app.close();
    }
  });
});
