/**
 * The hardened twin of the vulnerable shop API: the same routes, data and spec, served the way a
 * careful team would (plaintext HTTP aside, as TLS ends in front of it). Security headers on every
 * response, no product banner, CORS for one exact origin, TRACE refused, generic errors, every route
 * the spec protects checked with RS256 pinned and `exp`/`aud`/`iss` required, GraphQL without
 * introspection or suggestions and with batching refused and alias and depth limits, no published
 * docs, a rate limit (per IP and per account on login, with `Retry-After` and `RateLimit-*`),
 * ownership checked on orders, writable fields allow-listed, page sizes capped, redirects only to
 * local paths.
 */
import { GraphQLError, Kind, NoSchemaIntrospectionCustomRule, execute, parse, specifiedRules, validate } from 'graphql';
import type { ASTVisitor, DocumentNode, SelectionSetNode, ValidationContext, ValidationRule } from 'graphql';
import type { IncomingMessage } from 'node:http';
import { bearer, decodeJwt, generateSigningKeys, parseUrl, sendJson, startServer, verifyRs256Signature } from './common.js';
import { AUDIENCE, ISSUER, ShopStore, TRUSTED_ORIGIN, graphqlRoot, publicUser, shopSchema } from './shop.js';
import type { User } from './shop.js';
import type { ShopServer } from './vulnerable.js';
import { tokenFor } from './vulnerable.js';

const SECURITY_HEADERS = {
  'Strict-Transport-Security': 'max-age=63072000; includeSubDomains',
  'X-Content-Type-Options': 'nosniff',
  'X-Frame-Options': 'DENY',
  'Content-Security-Policy': "default-src 'none'; frame-ancestors 'none'",
  'Referrer-Policy': 'no-referrer',
  'Permissions-Policy': 'camera=(), microphone=(), geolocation=()',
  'Cross-Origin-Resource-Policy': 'same-origin',
  'Cache-Control': 'no-store',
};

const MAX_PAGE = 100;
const MAX_DEPTH = 6;
const MAX_ALIASES = 10;

interface Window {
  count: number;
  resetAt: number;
}

/** Fixed-window counters: `limit` requests per `windowMs` per key. */
class Limiter {
  private readonly windows = new Map<string, Window>();
  constructor(
    readonly limit: number,
    readonly windowMs: number,
  ) {}
  hit(key: string): { allowed: boolean; remaining: number; resetSeconds: number } {
    const now = Date.now();
    let w = this.windows.get(key);
    if (!w || w.resetAt <= now) {
      w = { count: 0, resetAt: now + this.windowMs };
      this.windows.set(key, w);
    }
    w.count++;
    return { allowed: w.count <= this.limit, remaining: Math.max(0, this.limit - w.count), resetSeconds: Math.ceil((w.resetAt - now) / 1000) };
  }
}

function depthLimit(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    const depthOf = (set: SelectionSetNode | undefined, depth: number): number => {
      if (!set) return depth;
      let deepest = depth;
      for (const sel of set.selections) {
        if (sel.kind === Kind.FIELD) deepest = Math.max(deepest, depthOf(sel.selectionSet, depth + 1));
        else if (sel.kind === Kind.INLINE_FRAGMENT) deepest = Math.max(deepest, depthOf(sel.selectionSet, depth));
        else {
          const fragment = context.getFragment(sel.name.value);
          if (fragment) deepest = Math.max(deepest, depthOf(fragment.selectionSet, depth));
        }
      }
      return deepest;
    };
    return {
      OperationDefinition(node) {
        if (depthOf(node.selectionSet, 0) > max) context.reportError(new GraphQLError(`Query is too deep (maximum depth ${max}).`, { nodes: node }));
      },
    };
  };
}

function aliasLimit(max: number): ValidationRule {
  return (context: ValidationContext): ASTVisitor => {
    let aliases = 0;
    return {
      Field(node) {
        if (node.alias) aliases++;
      },
      Document: {
        leave() {
          if (aliases > max) context.reportError(new GraphQLError(`Too many aliases (maximum ${max}).`));
        },
      },
    };
  };
}

const GRAPHQL_RULES = [...specifiedRules, NoSchemaIntrospectionCustomRule, depthLimit(MAX_DEPTH), aliasLimit(MAX_ALIASES)];

/** Apollo's "hide suggestions" in production: the schema is not spelled out in error messages. */
const withoutSuggestions = (message: string): string => message.replace(/\s*Did you mean[^?]*\?/g, '');

function clientIp(req: IncomingMessage): string {
  return req.socket.remoteAddress ?? 'unknown';
}

export interface HardenedOptions {
  /**
   * Test variants of the login limit, each with one flaw a probe must tell apart: limited per account
   * only (a password spray across accounts is not slowed), or 429 without `Retry-After`.
   */
  loginLimit?: 'per-ip-and-account' | 'per-account-only' | 'without-retry-after';
}

export async function startHardenedServer(options: HardenedOptions = {}): Promise<ShopServer> {
  const loginLimit = options.loginLimit ?? 'per-ip-and-account';
  const keys = generateSigningKeys();
  const store = new ShopStore();
  const schema = shopSchema();
  const loginPerIp = new Limiter(5, 60_000);
  const loginPerAccount = new Limiter(5, 60_000);
  const general = new Limiter(3000, 60_000);

  const identify = (req: IncomingMessage): User | undefined => {
    const token = bearer(req);
    if (!token) return undefined;
    const parts = decodeJwt(token);
    if (!parts || parts.header.alg !== 'RS256' || parts.header.kid !== keys.kid) return undefined;
    if (!verifyRs256Signature(parts, keys.publicKey)) return undefined;
    const { exp, aud, iss, sub } = parts.payload;
    if (typeof exp !== 'number' || exp <= Date.now() / 1000) return undefined;
    if (aud !== AUDIENCE || iss !== ISSUER) return undefined;
    return store.userById(Number(sub));
  };

  const server = await startServer((req, res, body) => {
    const url = parseUrl(req);
    const path = url.pathname;
    const method = req.method ?? 'GET';
    const origin = req.headers.origin;
    const corsHeaders: Record<string, string> =
      origin === TRUSTED_ORIGIN ? { 'Access-Control-Allow-Origin': TRUSTED_ORIGIN, 'Access-Control-Allow-Credentials': 'true', Vary: 'Origin' } : { Vary: 'Origin' };
    const rate = general.hit(clientIp(req));
    const rateHeaders: Record<string, string> = { 'RateLimit-Limit': String(general.limit), 'RateLimit-Remaining': String(rate.remaining), 'RateLimit-Reset': String(rate.resetSeconds) };
    const headers = { ...SECURITY_HEADERS, ...corsHeaders, ...rateHeaders };
    const json = (status: number, value: unknown, extra: Record<string, string> = {}): void => {
      sendJson(res, status, value, { ...headers, ...extra });
    };
    if (!rate.allowed) {
      json(429, { error: 'too many requests' }, { 'Retry-After': String(rate.resetSeconds) });
      return;
    }
    const readJson = (): { ok: true; value: unknown } | { ok: false } => {
      const type = req.headers['content-type'] ?? '';
      if (!type.startsWith('application/json')) {
        json(415, { error: 'JSON body expected' });
        return { ok: false };
      }
      try {
        return { ok: true, value: JSON.parse(body.toString('utf8')) as unknown };
      } catch {
        json(400, { error: 'malformed JSON body' });
        return { ok: false };
      }
    };
    const requireUser = (): User | undefined => {
      const user = identify(req);
      if (!user) json(401, { error: 'unauthorized' }, { 'WWW-Authenticate': 'Bearer' });
      return user;
    };
    const limitOf = (): number | undefined => {
      const raw = url.searchParams.get('limit');
      if (raw === null) return 20;
      if (!/^\d+$/.test(raw)) return undefined;
      return Math.min(Math.max(Number(raw), 1), MAX_PAGE);
    };

    if (method === 'OPTIONS') {
      if (origin === TRUSTED_ORIGIN) {
        res.writeHead(204, { ...headers, 'Access-Control-Allow-Methods': 'GET, POST, PATCH', 'Access-Control-Allow-Headers': 'Authorization, Content-Type', 'Access-Control-Max-Age': '600' });
      } else {
        res.writeHead(204, { ...headers, Allow: 'GET, POST, PATCH, OPTIONS' });
      }
      res.end();
      return;
    }
    if (!['GET', 'HEAD', 'POST', 'PATCH'].includes(method)) {
      json(405, { error: 'method not allowed' }, { Allow: 'GET, POST, PATCH, OPTIONS' });
      return;
    }

    if (path === '/' && method === 'GET') {
      json(200, { service: 'shop-api' });
      return;
    }
    if (path === '/health' && method === 'GET') {
      json(200, { status: 'ok' });
      return;
    }
    if (path === '/.well-known/jwks.json' && method === 'GET') {
      json(200, keys.jwks);
      return;
    }

    if (path === '/api/login' && method === 'POST') {
      const ip = loginPerIp.hit(clientIp(req));
      const input = readJson();
      if (!input.ok) return;
      const { username, password } = (input.value ?? {}) as { username?: unknown; password?: unknown };
      const account = loginPerAccount.hit(typeof username === 'string' ? username.toLowerCase() : '');
      const limited = !ip.allowed && loginLimit !== 'per-account-only' ? ip : !account.allowed ? account : undefined;
      const loginHeaders = { 'RateLimit-Limit': '5', 'RateLimit-Remaining': String(Math.min(ip.remaining, account.remaining)), 'RateLimit-Reset': String(Math.max(ip.resetSeconds, account.resetSeconds)) };
      if (limited) {
        json(429, { error: 'too many login attempts' }, loginLimit === 'without-retry-after' ? {} : { ...loginHeaders, 'Retry-After': String(limited.resetSeconds) });
        return;
      }
      const user = typeof username === 'string' ? store.userByName(username) : undefined;
      if (!user || user.password !== password) {
        json(401, { error: 'invalid username or password' }, loginHeaders);
        return;
      }
      json(200, { token: tokenFor(user, keys) }, loginHeaders);
      return;
    }

    if (path === '/api/products' && method === 'GET') {
      const limit = limitOf();
      const offset = Number(url.searchParams.get('offset') ?? 0);
      if (limit === undefined || !Number.isInteger(offset) || offset < 0) {
        json(400, { error: 'limit and offset must be non-negative integers' });
        return;
      }
      json(200, { items: store.products.slice(offset, offset + limit), total: store.products.length });
      return;
    }
    if (path === '/api/redirect' && method === 'GET') {
      const next = url.searchParams.get('next') ?? '/';
      const local = next.startsWith('/') && !next.startsWith('//') && !next.startsWith('/\\') ? next : '/';
      res.writeHead(302, { ...headers, Location: local, 'Content-Length': 0 });
      res.end();
      return;
    }

    if (path === '/graphql' && method === 'POST') {
      const input = readJson();
      if (!input.ok) return;
      if (Array.isArray(input.value)) {
        json(400, { errors: [{ message: 'Batched operations are not supported.' }] });
        return;
      }
      const { query, variables } = (input.value ?? {}) as { query?: unknown; variables?: unknown };
      if (typeof query !== 'string' || query.length > 10_000) {
        json(400, { errors: [{ message: 'A query string of at most 10000 characters is required.' }] });
        return;
      }
      let document: DocumentNode;
      try {
        document = parse(query, { maxTokens: 2000 });
      } catch (err) {
        json(400, { errors: [{ message: withoutSuggestions((err as Error).message) }] });
        return;
      }
      const errors = validate(schema, document, GRAPHQL_RULES);
      if (errors.length > 0) {
        json(400, { errors: errors.map((e) => ({ message: withoutSuggestions(e.message) })) });
        return;
      }
      const user = identify(req);
      Promise.resolve(execute({ schema, document, rootValue: graphqlRoot(store, user?.id, true), variableValues: (variables ?? undefined) as Record<string, unknown> | undefined }))
        .then((result) => {
          json(200, { data: result.data, ...(result.errors ? { errors: result.errors.map((e) => ({ message: 'Request failed.', path: e.path })) } : {}) });
        })
        .catch(() => {
          json(500, { errors: [{ message: 'Request failed.' }] });
        });
      return;
    }

    if (path === '/api/users' && method === 'GET') {
      const user = requireUser();
      if (!user) return;
      if (!user.isAdmin) {
        json(403, { error: 'forbidden' });
        return;
      }
      json(200, store.users.slice(0, limitOf() ?? 20).map(publicUser));
      return;
    }
    if (path === '/api/stats' && method === 'GET') {
      const user = requireUser();
      if (!user) return;
      if (!user.isAdmin) {
        json(403, { error: 'forbidden' });
        return;
      }
      json(200, { revenue: 129_400, orders: store.orders.length });
      return;
    }
    if (path === '/api/users/me') {
      const user = requireUser();
      if (!user) return;
      if (method === 'GET') {
        json(200, publicUser(user));
        return;
      }
      if (method === 'PATCH') {
        const input = readJson();
        if (!input.ok) return;
        const { email, displayName } = (input.value ?? {}) as { email?: unknown; displayName?: unknown };
        if (typeof email === 'string' && /^[^@\s]+@[^@\s]+$/.test(email)) user.email = email;
        if (typeof displayName === 'string' && displayName.length <= 64) user.displayName = displayName;
        json(200, publicUser(user));
        return;
      }
    }
    if (path === '/api/orders') {
      const user = requireUser();
      if (!user) return;
      if (method === 'GET') {
        const limit = limitOf();
        if (limit === undefined) {
          json(400, { error: 'limit must be an integer' });
          return;
        }
        json(200, store.orders.filter((o) => o.ownerId === user.id).slice(0, limit));
        return;
      }
      if (method === 'POST') {
        const input = readJson();
        if (!input.ok) return;
        const { item, quantity, note } = (input.value ?? {}) as { item?: unknown; quantity?: unknown; note?: unknown };
        if (typeof item !== 'string' || item.length > 64 || (quantity !== undefined && (typeof quantity !== 'number' || !Number.isInteger(quantity) || quantity < 1 || quantity > 100))) {
          json(400, { error: 'item (string) and quantity (1-100) expected' });
          return;
        }
        json(201, store.addOrder(user.id, item, typeof quantity === 'number' ? quantity : 1, typeof note === 'string' ? note.slice(0, 200) : ''));
        return;
      }
    }
    const orderMatch = /^\/api\/orders\/([^/]+)$/.exec(path);
    if (orderMatch) {
      const user = requireUser();
      if (!user) return;
      const rawId = orderMatch[1] ?? '';
      const order = /^\d+$/.test(rawId) ? store.orderById(Number(rawId)) : undefined;
      // Someone else's order is indistinguishable from a missing one.
      if (!order || order.ownerId !== user.id) {
        json(404, { error: 'order not found' });
        return;
      }
      if (method === 'GET') {
        json(200, order);
        return;
      }
      if (method === 'PATCH') {
        const input = readJson();
        if (!input.ok) return;
        const { item, quantity, note } = (input.value ?? {}) as { item?: unknown; quantity?: unknown; note?: unknown };
        if (typeof item === 'string' && item.length <= 64) order.item = item;
        if (typeof quantity === 'number' && Number.isInteger(quantity) && quantity >= 1 && quantity <= 100) order.quantity = quantity;
        if (typeof note === 'string') order.note = note.slice(0, 200);
        json(200, order);
        return;
      }
    }
    json(404, { error: 'not found' });
  });

  const alice = store.userByName('alice');
  const bob = store.userByName('bob');
  if (!alice || !bob) throw new Error('shop store lost its users');
  return { ...server, tokens: { a: tokenFor(alice, keys), b: tokenFor(bob, keys) }, keys, store };
}
