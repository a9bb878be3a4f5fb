/**
 * The test servers themselves: the vulnerable one really has each weakness, the hardened twin
 * really has none, the say-yes server says yes, the canary records. The probe tests rely on this.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { request } from 'undici';
import { b64url } from './common.js';
import type { StartedServer } from './common.js';
import { startCanaryServer } from './canary.js';
import { startHardenedServer } from './hardened.js';
import { startSayYesServer } from './say-yes.js';
import { startVulnerableServer } from './vulnerable.js';
import type { ShopServer } from './vulnerable.js';

let vulnerable: ShopServer;
let hardened: ShopServer;
let sayYes: StartedServer;
let canary: StartedServer;

beforeAll(async () => {
  canary = await startCanaryServer();
  vulnerable = await startVulnerableServer({ canaryUrl: canary.url });
  hardened = await startHardenedServer();
  sayYes = await startSayYesServer();
});
afterAll(async () => {
  await Promise.all([vulnerable.close(), hardened.close(), sayYes.close(), canary.close()]);
});

type Method = 'GET' | 'POST' | 'PATCH' | 'TRACE' | 'OPTIONS';

async function call(server: StartedServer, method: Method, path: string, headers: Record<string, string> = {}, body?: unknown) {
  const res = await request(`${server.url}${path}`, {
    method,
    headers: body === undefined ? headers : { 'content-type': 'application/json', ...headers },
    ...(body === undefined ? {} : { body: typeof body === 'string' ? body : JSON.stringify(body) }),
  });
  const text = await res.body.text();
  return { status: res.statusCode, headers: res.headers, text };
}

const auth = (token: string): Record<string, string> => ({ authorization: `Bearer ${token}` });

function forge(token: string, header: Record<string, unknown>, payload: Record<string, unknown> = {}, signature = ''): string {
  const [, p] = token.split('.');
  const claims = JSON.parse(Buffer.from(p ?? '', 'base64url').toString('utf8')) as Record<string, unknown>;
  return `${b64url(JSON.stringify(header))}.${b64url(JSON.stringify({ ...claims, ...payload }))}.${signature}`;
}

describe.each([
  ['vulnerable', true],
  ['hardened', false],
] as const)('%s shop server', (name, weak) => {
  const server = (): ShopServer => (name === 'vulnerable' ? vulnerable : hardened);

  it('issues tokens that its own check accepts', async () => {
    const me = await call(server(), 'GET', '/api/users/me', auth(server().tokens.a));
    expect(me.status).toBe(200);
    expect(JSON.parse(me.text)).toMatchObject({ username: 'alice' });
    const login = await call(server(), 'POST', '/api/login', {}, { username: 'bob', password: 'bob-pass-2718' });
    expect(login.status).toBe(200);
  });

  it('discloses its stack and omits security headers only when weak', async () => {
    const res = await call(server(), 'GET', '/health');
    expect(res.headers['x-powered-by'] !== undefined).toBe(weak);
    expect(res.headers['x-content-type-options'] === 'nosniff').toBe(!weak);
  });

  it('reflects a foreign origin with credentials only when weak', async () => {
    const res = await call(server(), 'GET', '/api/orders', { origin: 'https://evil.test', ...auth(server().tokens.a) });
    expect(res.headers['access-control-allow-origin'] === 'https://evil.test').toBe(weak);
  });

  it('echoes TRACE only when weak', async () => {
    const res = await call(server(), 'TRACE', '/', { 'x-echo': 'marker-1' });
    expect(res.text.includes('marker-1')).toBe(weak);
  });

  it('leaks a stack trace and a SQL error on malformed input only when weak', async () => {
    const badJson = await call(server(), 'POST', '/api/orders', auth(server().tokens.a), '{"item":');
    expect(/at JSON\.parse/.test(badJson.text)).toBe(weak);
    const quote = await call(server(), 'GET', `/api/orders/${encodeURIComponent("1'")}`, auth(server().tokens.a));
    expect(/syntax error at or near/.test(quote.text)).toBe(weak);
  });

  it('accepts forged tokens only when weak', async () => {
    const a = server().tokens.a;
    const none = forge(a, { alg: 'none', typ: 'JWT' });
    const stripped = `${a.split('.').slice(0, 2).join('.')}.`;
    for (const token of [none, stripped]) {
      const res = await call(server(), 'GET', '/api/users/me', auth(token));
      expect(res.status === 200).toBe(weak);
    }
    const anyBearer = await call(server(), 'GET', '/api/stats', auth('not-a-token'));
    expect(anyBearer.status === 200).toBe(weak);
  });

  it('lets B read and change A\'s order only when weak', async () => {
    const created = await call(server(), 'POST', '/api/orders', auth(server().tokens.a), { item: 'Lamp', quantity: 1, note: 'a-secret-note' });
    expect(created.status).toBe(201);
    const id = (JSON.parse(created.text) as { id: number }).id;
    const read = await call(server(), 'GET', `/api/orders/${id}`, auth(server().tokens.b));
    expect(read.text.includes('a-secret-note')).toBe(weak);
  });

  it('keeps role and isAdmin read-only unless weak', async () => {
    const res = await call(server(), 'PATCH', '/api/users/me', auth(server().tokens.b), { displayName: 'B', role: 'admin', isAdmin: true });
    expect(res.status).toBe(200);
    const me = JSON.parse((await call(server(), 'GET', '/api/users/me', auth(server().tokens.b))).text) as { isAdmin: boolean };
    expect(me.isAdmin).toBe(weak);
  });

  it('caps page sizes unless weak', async () => {
    const res = await call(server(), 'GET', '/api/products?limit=1000');
    const items = (JSON.parse(res.text) as { items: unknown[] }).items;
    expect(items.length > 100).toBe(weak);
  });

  it('answers GraphQL introspection, batching and suggestions only when weak', async () => {
    const introspection = await call(server(), 'POST', '/graphql', {}, { query: '{ __schema { queryType { name } } }' });
    expect(introspection.text.includes('"queryType"')).toBe(weak);
    const suggestion = await call(server(), 'POST', '/graphql', {}, { query: '{ orde(id: 1) { id } }' });
    expect(suggestion.text.includes('Did you mean')).toBe(weak);
    const batch = await call(server(), 'POST', '/graphql', {}, [{ query: '{ __typename }' }, { query: '{ __typename }' }]);
    expect(batch.status === 200 && Array.isArray(JSON.parse(batch.text))).toBe(weak);
  });
});

describe('rate limits', () => {
  it('the hardened twin answers a login burst with 429 and Retry-After; the vulnerable one never does', async () => {
    const statuses: number[] = [];
    let retryAfter: unknown;
    for (let i = 0; i < 7; i++) {
      const res = await call(hardened, 'POST', '/api/login', {}, { username: 'nobody', password: `guess-${i}` });
      statuses.push(res.status);
      if (res.status === 429) retryAfter = res.headers['retry-after'];
    }
    expect(statuses).toContain(429);
    expect(retryAfter).toMatch(/^\d+$/);
    for (let i = 0; i < 7; i++) {
      const res = await call(vulnerable, 'POST', '/api/login', {}, { username: 'nobody', password: `guess-${i}` });
      expect(res.status).toBe(401);
    }
  });
});

describe('say-yes and canary', () => {
  it('the say-yes server says yes to anything', async () => {
    for (const method of ['GET', 'POST', 'TRACE', 'OPTIONS'] as const) {
      const res = await call(sayYes, method, '/anything', { origin: 'null' });
      expect(res.status).toBe(200);
      expect(res.text).toBe('yes');
    }
  });

  it('the vulnerable server redirects off-origin to the canary, which records what reaches it', async () => {
    const res = await call(vulnerable, 'GET', '/swagger.json');
    expect(res.status).toBe(301);
    expect(res.headers.location).toBe(`${canary.url}/swagger.json`);
    const open = await call(vulnerable, 'GET', `/api/redirect?next=${encodeURIComponent('https://elsewhere.test/')}`);
    expect(open.headers.location).toBe('https://elsewhere.test/');
    expect(canary.requests).toHaveLength(0);
    await call(canary, 'GET', '/ping');
    expect(canary.requests.map((r) => r.url)).toEqual(['/ping']);
    canary.requests.length = 0;
  });
});
