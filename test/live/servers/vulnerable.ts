/**
 * A deliberately vulnerable shop API, written for the live-probe tests (never a training app from
 * elsewhere). Every weakness a live probe looks for is here, the way real code gets it wrong:
 * no security headers and a chatty `Server`/`X-Powered-By`; CORS that reflects any origin with
 * credentials (or, per option, trusts any origin ending in its own host name, or only `null`);
 * TRACE echoing the request; stack traces and database errors on malformed input; routes the spec
 * protects served anonymously; a token check that accepts `alg: none`, a stripped signature, HS256
 * keyed with the public key, expired tokens and any audience; GraphQL with introspection,
 * suggestions, batching, unlimited aliases and depth; the spec and a docs page published; no rate
 * limit anywhere; orders readable and writable by anyone signed in (BOLA); `role`/`isAdmin`
 * accepted on profile updates; page sizes without a ceiling; an open redirect. With `canaryUrl`,
 * some routes also redirect to that other host, as a hostile server would.
 */
import { graphql, parse } from 'graphql';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { StartedServer, SigningKeys } from './common.js';
import { bearer, decodeJwt, generateSigningKeys, parseUrl, sendJson, sendText, signRs256, startServer, verifyHs256Signature, verifyRs256Signature } from './common.js';
import { AUDIENCE, ISSUER, SHOP_OPENAPI, ShopStore, graphqlRoot, publicUser, shopSchema } from './shop.js';
import type { User } from './shop.js';

export type CorsFlaw = 'reflect-any' | 'suffix-match' | 'null-only';

export interface VulnerableOptions {
  /** Another host (the canary): some routes redirect there, directly, protocol-relative or by a chain. */
  canaryUrl?: string;
  cors?: CorsFlaw;
  /** Serve HTTPS (test certificate) still accepting TLS 1.0 and 1.1. */
  legacyTls?: boolean;
}

export interface ShopServer extends StartedServer {
  /** Valid bearer tokens of identity A (alice) and identity B (bob). */
  tokens: { a: string; b: string };
  keys: SigningKeys;
  store: ShopStore;
}

const DISCLOSURE = { Server: 'nginx/1.14.0 (Ubuntu)', 'X-Powered-By': 'Express 4.16.0' };

const DOCS_HTML = `<!doctype html><html><head><title>Shop API docs</title>
<link rel="stylesheet" href="https://unpkg.com/swagger-ui-dist@5/swagger-ui.css"></head>
<body><div id="swagger-ui"></div><script src="https://unpkg.com/swagger-ui-dist@5/swagger-ui-bundle.js"></script>
<script>window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#swagger-ui' });</script></body></html>`;

const GRAPHIQL_HTML = `<!doctype html><html><head><title>GraphiQL</title></head>
<body><div id="graphiql">Loading...</div><script src="https://unpkg.com/graphiql/graphiql.min.js"></script>
<script>ReactDOM.render(React.createElement(GraphiQL, { fetcher: GraphiQL.createFetcher({ url: '/graphql' }) }), document.getElementById('graphiql'));</script></body></html>`;

export function tokenFor(user: User, keys: SigningKeys, overrides: Record<string, unknown> = {}): string {
  const now = Math.floor(Date.now() / 1000);
  return signRs256({ sub: String(user.id), name: user.username, aud: AUDIENCE, iss: ISSUER, iat: now, exp: now + 3600, ...overrides }, keys);
}

export async function startVulnerableServer(options: VulnerableOptions = {}): Promise<ShopServer> {
  const keys = generateSigningKeys();
  const store = new ShopStore();
  const schema = shopSchema();
  const corsFlaw = options.cors ?? 'reflect-any';

  // The token check written the way it goes wrong: the algorithm comes from the token, an empty
  // signature skips verification, and neither `exp` nor `aud` is looked at.
  const identify = (req: IncomingMessage): User | undefined => {
    const token = bearer(req);
    if (!token) return undefined;
    const parts = decodeJwt(token);
    if (!parts) return undefined;
    const alg = typeof parts.header.alg === 'string' ? parts.header.alg : '';
    let ok: boolean;
    if (alg.toLowerCase() === 'none') ok = true;
    else if (alg === 'HS256') ok = verifyHs256Signature(parts, keys.publicKeyPem);
    else if (parts.signatureText === '') ok = true;
    else ok = verifyRs256Signature(parts, keys.publicKey);
    if (!ok) return undefined;
    return store.userById(Number(parts.payload.sub));
  };

  const cors = (req: IncomingMessage): Record<string, string> => {
    const origin = req.headers.origin;
    if (typeof origin !== 'string') return {};
    const ownHost = (req.headers.host ?? '').replace(/:\d+$/, '');
    const allowed =
      corsFlaw === 'reflect-any' ||
      (corsFlaw === 'suffix-match' && origin.endsWith(ownHost)) ||
      (corsFlaw === 'null-only' && origin === 'null');
    return allowed ? { 'Access-Control-Allow-Origin': origin, 'Access-Control-Allow-Credentials': 'true' } : {};
  };

  const server = await startServer(async (req, res, body) => {
    const url = parseUrl(req);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const base: Record<string, string> = { ...DISCLOSURE, ...cors(req) };
    const json = (status: number, value: unknown, extra: Record<string, string> = {}): void => {
      sendJson(res, status, value, { ...base, ...extra });
    };
    const parseBody = (): unknown => {
      try {
        return JSON.parse(body.toString('utf8')) as unknown;
      } catch (err) {
        // Express's default error handler in development: the stack goes to the client.
        const error = err as Error;
        sendText(res, 500, `<!DOCTYPE html><html><head><title>Error</title></head><body><pre>${error.stack ?? String(error)}</pre></body></html>`, 'text/html; charset=utf-8', base);
        return undefined;
      }
    };
    const requireUser = (): User | undefined => {
      const user = identify(req);
      if (!user) json(401, { error: 'unauthorized' });
      return user;
    };
    const limitOf = (fallback: number): number => {
      const raw = url.searchParams.get('limit');
      const n = raw === null ? fallback : Number(raw);
      return Number.isFinite(n) && n > 0 ? Math.floor(n) : fallback;
    };

    if (method === 'TRACE') {
      const echo = [`TRACE ${req.url ?? '/'} HTTP/${req.httpVersion}`, ...Object.entries(req.headers).map(([k, v]) => `${k}: ${Array.isArray(v) ? v.join(', ') : (v ?? '')}`)].join('\r\n');
      sendText(res, 200, `${echo}\r\n\r\n`, 'message/http', DISCLOSURE);
      return;
    }
    if (method === 'OPTIONS') {
      const requested = req.headers['access-control-request-headers'];
      res.writeHead(204, {
        ...base,
        Allow: 'GET, POST, PUT, PATCH, DELETE, OPTIONS, TRACE',
        'Access-Control-Allow-Methods': 'GET, POST, PUT, PATCH, DELETE',
        ...(typeof requested === 'string' && base['Access-Control-Allow-Origin'] ? { 'Access-Control-Allow-Headers': requested } : {}),
      });
      res.end();
      return;
    }

    if (options.canaryUrl) {
      const canary = new URL(options.canaryUrl);
      if (path === '/swagger.json') { redirect(res, 301, `${canary.origin}/swagger.json`); return; }
      if (path === '/api/v1/orders') { redirect(res, 307, `${canary.origin}/api/v1/orders`); return; }
      if (path === '/api/legacy/login') { redirect(res, 307, '/api/legacy/login2'); return; }
      if (path === '/api/legacy/login2') { redirect(res, 307, `${canary.origin}/collect`); return; }
      if (path === '/docs/') { redirect(res, 302, `//${canary.host}/docs`); return; }
      if (path === '/graphql/') { redirect(res, 302, `http://localhost:${canary.port}/graphql`); return; }
    }

    if (path === '/' && method === 'GET') { json(200, { service: 'shop-api', docs: '/docs' }); return; }
    if (path === '/health' && method === 'GET') { json(200, { status: 'ok', db: 'postgres://10.20.0.14:5432/shop' }); return; }
    if (path === '/openapi.json' && method === 'GET') { json(200, SHOP_OPENAPI); return; }
    if (path === '/docs' && method === 'GET') { sendText(res, 200, DOCS_HTML, 'text/html; charset=utf-8', base); return; }
    if (path === '/.well-known/jwks.json' && method === 'GET') { json(200, keys.jwks); return; }

    if (path === '/api/login' && method === 'POST') {
      const input = parseBody();
      if (input === undefined) return;
      const { username, password } = (input ?? {}) as { username?: unknown; password?: unknown };
      const user = typeof username === 'string' ? store.userByName(username) : undefined;
      if (!user || user.password !== password) { json(401, { error: 'invalid username or password' }); return; }
      json(200, { token: tokenFor(user, keys) }); return;
    }

    // `app.all(...)`: read-only listings answer whatever the method.
    if (path === '/api/users' && method !== 'POST') {
      json(200, store.users.slice(0, limitOf(20)).map(publicUser)); return;
    }
    if (path === '/api/products' && method !== 'POST') {
      const offset = Number(url.searchParams.get('offset') ?? 0) || 0;
      json(200, { items: store.products.slice(offset, offset + limitOf(20)), total: store.products.length }); return;
    }
    if (path === '/api/stats' && method === 'GET') {
      // "Authenticated" when any bearer value is present.
      if (!bearer(req)) { json(401, { error: 'unauthorized' }); return; }
      json(200, { revenue: 129_400, orders: store.orders.length, customers: store.users.length }); return;
    }
    if (path === '/api/redirect' && method === 'GET') {
      redirect(res, 302, url.searchParams.get('next') ?? '/'); return;
    }

    if (path === '/api/users/me') {
      const user = requireUser();
      if (!user) return;
      if (method === 'GET') { json(200, publicUser(user)); return; }
      if (method === 'PATCH' || method === 'PUT') {
        const input = parseBody();
        if (input === undefined) return;
        if (typeof input !== 'object' || input === null) { json(400, { error: 'object expected' }); return; }
        Object.assign(user, input);
        json(200, publicUser(user)); return;
      }
    }

    if (path === '/api/orders') {
      const user = requireUser();
      if (!user) return;
      if (method === 'GET') { json(200, store.orders.filter((o) => o.ownerId === user.id).slice(0, limitOf(20))); return; }
      if (method === 'POST') {
        const input = parseBody();
        if (input === undefined) return;
        const { item, quantity, note } = (input ?? {}) as { item?: unknown; quantity?: unknown; note?: unknown };
        const order = store.addOrder(user.id, typeof item === 'string' ? item : 'item', typeof quantity === 'number' ? quantity : 1, typeof note === 'string' ? note : '');
        json(201, order); return;
      }
    }

    const orderMatch = /^\/api\/orders\/([^/]+)$/.exec(path);
    if (orderMatch) {
      const user = requireUser();
      if (!user) return;
      const rawId = decodeURIComponent(orderMatch[1] ?? '');
      // The id is pasted into SQL; the driver's error goes back verbatim.
      if (!/^\d+$/.test(rawId)) {
        json(500, {
          error: `error: syntax error at or near "${rawId.replace(/^\d*/, '').slice(0, 20)}"`,
          query: `SELECT * FROM orders WHERE id = ${rawId}`,
          detail: 'PostgreSQL 12.9 on 10.20.0.14:5432 (pg-pool shop@10.20.0.14)',
          stack: new Error('QueryFailedError').stack,
        }); return;
      }
      const order = store.orderById(Number(rawId));
      if (!order) { json(404, { error: 'order not found' }); return; }
      if (method === 'GET') { json(200, order); return; }
      if (method === 'PATCH' || method === 'PUT') {
        const input = parseBody();
        if (input === undefined) return;
        const { item, quantity, note } = (input ?? {}) as { item?: unknown; quantity?: unknown; note?: unknown };
        if (typeof item === 'string') order.item = item;
        if (typeof quantity === 'number') order.quantity = quantity;
        if (typeof note === 'string') order.note = note;
        json(200, order); return;
      }
    }

    if (path === '/graphql') {
      if (method === 'GET') {
        if (url.searchParams.has('query')) return runGraphql(res, base, { query: url.searchParams.get('query') }, undefined);
        sendText(res, 200, GRAPHIQL_HTML, 'text/html; charset=utf-8', base); return;
      }
      if (method === 'POST') {
        const input = parseBody();
        if (input === undefined) return;
        const user = identify(req);
        if (Array.isArray(input)) {
          const results = await Promise.all(input.map((op: unknown) => executeGraphql(op, user?.id)));
          json(200, results); return;
        }
        return runGraphql(res, base, input, user?.id);
      }
    }

    json(404, { error: `Cannot ${method} ${path}` });
  }, options.legacyTls === true ? { minVersion: 'TLSv1' } : undefined);

  async function executeGraphql(op: unknown, userId: number | undefined): Promise<unknown> {
    const { query, variables, operationName } = (op ?? {}) as { query?: unknown; variables?: unknown; operationName?: unknown };
    if (typeof query !== 'string') return { errors: [{ message: 'Must provide query string.' }] };
    try {
      parse(query);
    } catch (err) {
      return { errors: [{ message: (err as Error).message }] };
    }
    return graphql({
      schema,
      source: query,
      rootValue: graphqlRoot(store, userId, false),
      variableValues: (variables ?? undefined) as Record<string, unknown> | undefined,
      operationName: typeof operationName === 'string' ? operationName : undefined,
    });
  }

  async function runGraphql(res: ServerResponse, headers: Record<string, string>, op: unknown, userId: number | undefined): Promise<void> {
    sendJson(res, 200, await executeGraphql(op, userId), headers);
  }

  const alice = store.userByName('alice');
  const bob = store.userByName('bob');
  if (!alice || !bob) throw new Error('shop store lost its users');
  return { ...server, tokens: { a: tokenFor(alice, keys), b: tokenFor(bob, keys) }, keys, store };
}

function redirect(res: ServerResponse, status: number, location: string): void {
  res.writeHead(status, { ...DISCLOSURE, Location: location, 'Content-Length': 0 });
  res.end();
}
