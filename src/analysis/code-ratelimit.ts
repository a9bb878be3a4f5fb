import type { Node } from 'web-tree-sitter';
import { parse as parseYaml } from 'yaml';
import type { CheckContext, InfraFile, SourceFile } from '../engine/context.js';
import type { Endpoint, Location, Presence, RateLimitEvidence } from '../model/types.js';
import { ModuleGraph, type JsModule } from '../collectors/code/js/modules.js';
import { durationSeconds, isJs, isPython, objectOf, option, resolveValue } from './code-auth.js';
import { type CallSite, elementsOf, enclosingFunction, callSiteAt, factsOf, literalValue, locationOf, nodesOfType, propertyOf, snippetOf, stringValue } from './code.js';
import { endpointAt } from './endpoints.js';
import { parentOf } from '../parsing/tree-index.js';
import { lookupTable } from './lookup.js';

/**
 * Rate limiting in place and what it covers: limiter libraries in code (Python and JS/TS), their
 * placement (route, router, app) and gateway or proxy configuration. Computed once per inventory.
 */

export type LimitKey = 'ip' | 'user' | 'key' | 'global' | 'custom';
export type LimitLevel = 'route' | 'router' | 'app' | 'gateway';
export type StoreKind = 'memory' | 'shared' | 'unknown';

export interface Limiter {
  library: string;
  location: Location;
  snippet: string;
  limit?: string;
  /** Requests allowed per minute, when the limit could be read. */
  perMinute?: number;
  key: LimitKey;
  /** How the key is chosen, for messages (`key_func=get_remote_address`). */
  keyDetail: string;
  store: StoreKind;
  storeDetail: string;
  /** Where to report an in-memory store: the constructor call. */
  storeLocation: Location;
}

export interface Applied {
  limiter: Limiter;
  level: LimitLevel;
}

export interface Coverage {
  state: Presence;
  applied: Applied[];
  /** The most specific limiter that applies. */
  effective?: Applied;
  /** Why nothing applies, or why it cannot be decided. */
  reason?: string;
}

export interface RateLimitAnalysis {
  limiters: Limiter[];
  coverage: Map<string, Coverage>;
  /** Endpoints each limiter covers. */
  covered: Map<Limiter, Endpoint[]>;
}

const LEVEL_RANK: Record<LimitLevel, number> = { route: 0, router: 1, app: 2, gateway: 3 };
const LIMITER_WORDS = /rate.?limit|limiter|throttl|slow.?down|ratelimit/i;

interface Facts {
  ctx: CheckContext;
  byFile: Map<string, SourceFile>;
  graph: ModuleGraph;
  limiters: Map<string, Limiter>;
}

function nodeAt(source: SourceFile, location: Location): Node | undefined {
  const start = { row: location.line - 1, column: (location.column ?? 1) - 1 };
  let node: Node | null = source.tree.rootNode.descendantForPosition(start);
  const endRow = (location.endLine ?? location.line) - 1;
  const endColumn = (location.endColumn ?? 1) - 1;
  while (node) {
    if (node.startPosition.row === start.row && node.startPosition.column === start.column && node.endPosition.row === endRow && node.endPosition.column === endColumn) return node;
    if (node.endPosition.row > endRow || (node.endPosition.row === endRow && node.endPosition.column > endColumn)) return node;
    node = parentOf(node);
  }
  return undefined;
}

function callSiteOf(source: SourceFile, node: Node): CallSite | undefined {
  return callSiteAt(source, node);
}

function perMinute(count: number | undefined, windowSeconds: number | undefined): number | undefined {
  if (count === undefined || windowSeconds === undefined || windowSeconds <= 0) return undefined;
  return (count * 60) / windowSeconds;
}

function humanWindow(seconds: number): string {
  const units: [number, string][] = [
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
    [1, 'second'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return seconds === size ? name : `${seconds / size} ${name}s`;
  }
  return `${seconds} seconds`;
}

const RATE_UNITS: Record<string, number> = lookupTable({ s: 1, sec: 1, second: 1, m: 60, min: 60, minute: 60, h: 3600, hour: 3600, d: 86400, day: 86400 });

/** `5/minute`, `5 per minute`, `100/15m`, `10/s`, `3/hour;100/day`: the strictest, in requests per minute. */
export function parseRate(rate: string): number | undefined {
  let best: number | undefined;
  for (const part of rate.split(/[;,]/)) {
    const match = /^\s*(\d+)\s*(?:\/|per)\s*(\d+)?\s*([a-z]+?)s?\s*$/i.exec(part);
    if (!match) continue;
    const unit = RATE_UNITS[(match[3] ?? '').toLowerCase()];
    if (unit === undefined) continue;
    const value = perMinute(Number(match[1]), unit * Number(match[2] ?? 1));
    if (value !== undefined && (best === undefined || value < best)) best = value;
  }
  return best;
}

function keyFromText(text: string, fallback: LimitKey): LimitKey {
  if (/user|account|sub\b|identity|member|customer|merchant|tenant|session/i.test(text)) return 'user';
  if (/api.?key|x-api|token|authorization|credential|consumer/i.test(text)) return 'key';
  if (/remote_addr|get_ipaddr|\.ip\b|\bip\b|x-forwarded-for|client\.host|address/i.test(text)) return 'ip';
  return fallback;
}

function storeFromText(text: string): StoreKind {
  if (/redis|memcache|mongo|postgres|mysql|dynamo|upstash|cluster|database|sql/i.test(text)) return 'shared';
  if (/memory|locmem/i.test(text)) return 'memory';
  return 'unknown';
}

function makeLimiter(source: SourceFile, node: Node, fields: Omit<Limiter, 'location' | 'snippet' | 'storeLocation'>): Limiter {
  return { ...fields, location: locationOf(source, node), snippet: snippetOf(node), storeLocation: locationOf(source, node) };
}

function remember(facts: Facts, limiter: Limiter): Limiter {
  const key = `${limiter.location.file}:${limiter.location.line}:${limiter.location.column ?? 0}`;
  const known = facts.limiters.get(key);
  if (known) return known;
  facts.limiters.set(key, limiter);
  return limiter;
}

// ---------------------------------------------------------------------------------------------
// JavaScript / TypeScript

const EXPRESS_RATE_LIMIT = /^express-rate-limit(\.default|\.rateLimit)?$/;
const KOA_RATELIMIT = /^koa-ratelimit(\.default)?$/;
const HONO_RATE_LIMITER = /^hono-rate-limiter\.rateLimiter$/;
const FLEXIBLE = /^rate-limiter-flexible\.(RateLimiter\w+|BurstyRateLimiter)$/;

type JsVerdict = Limiter | 'unknown' | undefined;

function jsOptionsLimiter(facts: Facts, source: SourceFile, call: CallSite, library: string): Limiter {
  const options = objectOf(source, call.args[0]);
  const get = (name: string): Node | undefined => option(source, options, name);
  let count: number | undefined;
  let window: number | undefined;
  let key: LimitKey = 'ip';
  let keyDetail = 'the client IP (default key)';
  let store: StoreKind = 'memory';
  let storeDetail = 'the default in-memory store';
  if (library === 'express-rate-limit' || library === 'hono-rate-limiter') {
    const max = literalValue(get('limit') ?? get('max'));
    count = typeof max === 'number' ? max : max === undefined && library === 'express-rate-limit' ? 5 : undefined;
    const windowMs = durationSeconds(source, get('windowMs'));
    window = windowMs === undefined ? (get('windowMs') ? undefined : 60) : windowMs / 1000;
    const generator = get('keyGenerator');
    if (generator) {
      key = keyFromText(generator.text, 'custom');
      keyDetail = `keyGenerator \`${snippetOf(generator, 60)}\``;
    } else if (library === 'hono-rate-limiter') {
      key = 'custom';
      keyDetail = 'a custom key';
    }
    const storeNode = get('store');
    if (storeNode) {
      store = storeFromText(storeNode.text);
      storeDetail = `store \`${snippetOf(storeNode, 60)}\``;
    }
  } else if (library === 'koa-ratelimit') {
    const max = literalValue(get('max'));
    count = typeof max === 'number' ? max : 2500;
    const duration = durationSeconds(source, get('duration'));
    window = duration === undefined ? 3600 : duration / 1000;
    const id = get('id');
    if (id) {
      key = keyFromText(id.text, 'custom');
      keyDetail = `id \`${snippetOf(id, 60)}\``;
    }
    const driver = stringValue(get('driver'));
    store = driver === 'memory' ? 'memory' : driver === undefined ? 'unknown' : 'shared';
    storeDetail = driver === undefined ? 'an unstated driver' : `driver \`${driver}\``;
  }
  const limit = count !== undefined && window !== undefined ? `${count} per ${humanWindow(window)}` : undefined;
  const rate = perMinute(count, window);
  return remember(
    facts,
    makeLimiter(source, call.node, {
      library,
      ...(limit !== undefined ? { limit } : {}),
      ...(rate !== undefined ? { perMinute: rate } : {}),
      key,
      keyDetail,
      store,
      storeDetail,
    }),
  );
}

function flexibleLimiter(facts: Facts, source: SourceFile, call: CallSite, consumeKey: Node | undefined): Limiter {
  const options = objectOf(source, call.args[0]);
  const points = literalValue(option(source, options, 'points'));
  const duration = durationSeconds(source, option(source, options, 'duration'));
  const count = typeof points === 'number' ? points : 4;
  const window = duration ?? 1;
  const memory = /Memory$/.test(call.callee);
  return remember(
    facts,
    makeLimiter(source, call.node, {
      library: 'rate-limiter-flexible',
      limit: `${count} per ${humanWindow(window)}`,
      perMinute: perMinute(count, window) ?? 0,
      key: consumeKey ? keyFromText(consumeKey.text, 'custom') : 'custom',
      keyDetail: consumeKey ? `\`consume(${consumeKey.text})\`` : 'a custom key',
      store: memory ? 'memory' : 'shared',
      storeDetail: `\`${call.callee.split('.').pop() ?? call.callee}\``,
    }),
  );
}

/** A limiter called from a function body: `limiter.consume(req.ip)` (rate-limiter-flexible), `ratelimit.limit(id)` (@upstash/ratelimit). */
function limiterCalledIn(facts: Facts, module: JsModule, fn: Node): JsVerdict {
  const source = module.source;
  for (const call of factsOf(source).calls) {
    if (call.node.startIndex < fn.startIndex || call.node.endIndex > fn.endIndex) continue;
    const match = /^(.*)\.(consume|limit)$/.exec(call.written);
    if (!match?.[1]) continue;
    const receiver = call.node.childForFieldName('function')?.childForFieldName('object');
    if (!receiver) continue;
    const resolved = facts.graph.resolve(module, receiver);
    if (resolved.kind === 'node' && resolved.node.type === 'new_expression') {
      const site = callSiteOf(resolved.module.source, resolved.node);
      if (site && FLEXIBLE.test(site.callee)) return flexibleLimiter(facts, resolved.module.source, site, call.args[0]);
      if (site && /^@upstash\/ratelimit\.Ratelimit$/.test(site.callee)) {
        return remember(
          facts,
          makeLimiter(resolved.module.source, resolved.node, {
            library: '@upstash/ratelimit',
            key: call.args[0] ? keyFromText(call.args[0].text, 'custom') : 'custom',
            keyDetail: call.args[0] ? `\`limit(${call.args[0].text})\`` : 'a custom key',
            store: 'shared',
            storeDetail: 'Upstash Redis',
          }),
        );
      }
    }
    if (LIMITER_WORDS.test(match[1])) return 'unknown';
  }
  return undefined;
}

function classifyJs(facts: Facts, module: JsModule, input: Node, depth = 0): JsVerdict {
  if (depth > 6) return undefined;
  const resolved = facts.graph.resolve(module, input);
  if (resolved.kind === 'external') return LIMITER_WORDS.test(resolved.specifier) ? 'unknown' : undefined;
  if (resolved.kind !== 'node') return LIMITER_WORDS.test(input.text) ? 'unknown' : undefined;
  const { node } = resolved;
  const source = resolved.module.source;
  if (node.type === 'call_expression' || node.type === 'new_expression') {
    const call = callSiteOf(source, node);
    if (call) {
      if (EXPRESS_RATE_LIMIT.test(call.callee)) return jsOptionsLimiter(facts, source, call, 'express-rate-limit');
      if (KOA_RATELIMIT.test(call.callee)) return jsOptionsLimiter(facts, source, call, 'koa-ratelimit');
      if (HONO_RATE_LIMITER.test(call.callee)) return jsOptionsLimiter(facts, source, call, 'hono-rate-limiter');
      const fn = node.childForFieldName('function');
      if (fn && fn.type !== 'member_expression') {
        const target = facts.graph.resolve(resolved.module, fn);
        if (target.kind === 'node' && isFunctionNode(target.node)) {
          const returned = returnedValue(target.node);
          if (returned) return classifyJs(facts, target.module, returned, depth + 1);
        }
      }
    }
    return LIMITER_WORDS.test(node.text.slice(0, 80)) ? 'unknown' : undefined;
  }
  if (isFunctionNode(node)) return limiterCalledIn(facts, resolved.module, node);
  return undefined;
}

function isFunctionNode(node: Node): boolean {
  return ['arrow_function', 'function_expression', 'function', 'function_declaration', 'method_definition', 'generator_function_declaration'].includes(node.type);
}

function returnedValue(fn: Node): Node | undefined {
  const body = fn.childForFieldName('body');
  if (!body) return undefined;
  if (body.type !== 'statement_block') return body;
  const statement = body.namedChildren.find((child) => child?.type === 'return_statement');
  return statement?.namedChildren[0] ?? undefined;
}

function jsCoverage(facts: Facts, endpoint: Endpoint, add: (applied: Applied) => void, flag: (reason: string) => void, exempt: (reason: string) => void): void {
  const site = endpoint.sources.find((s) => s.kind === 'code')?.location;
  for (const where of endpoint.middleware ?? []) {
    const source = facts.byFile.get(where.file);
    const module = facts.graph.modules.get(where.file);
    const node = source ? nodeAt(source, where) : undefined;
    if (!node || !module) continue;
    const verdict = classifyJs(facts, module, node);
    const inRoute = site !== undefined && site.file === where.file && where.line >= site.line && where.line <= (site.endLine ?? site.line);
    if (verdict === 'unknown') flag(`\`${snippetOf(node, 60)}\` may limit requests`);
    else if (verdict) add({ limiter: verdict, level: inRoute ? 'route' : 'app' });
  }
  const via = endpoint.sources.find((s) => s.kind === 'code')?.via;
  if (via === 'fastify') fastifyCoverage(facts, endpoint, add, flag, exempt);
  if (via === 'nestjs') nestCoverage(facts, endpoint, add, flag, exempt);
  if (via === 'nextjs') nextCoverage(facts, add);
  const handler = endpoint.handler;
  const module = handler ? facts.graph.modules.get(handler.file) : undefined;
  const source = handler ? facts.byFile.get(handler.file) : undefined;
  const fn = handler && source ? nodeAt(source, handler) : undefined;
  if (module && fn) {
    const verdict = limiterCalledIn(facts, module, fn);
    if (verdict === 'unknown') flag('the handler calls a limiter that could not be resolved');
    else if (verdict) add({ limiter: verdict, level: 'route' });
  }
}

const fastifyCache = new WeakMap<Facts, { limiter: Limiter; global: boolean }[]>();

function fastifyPlugins(facts: Facts): { limiter: Limiter; global: boolean }[] {
  const cached = fastifyCache.get(facts);
  if (cached) return cached;
  const out: { limiter: Limiter; global: boolean }[] = [];
  for (const source of facts.ctx.sources) {
    if (!isJs(source) || !/rate-limit/.test(source.text)) continue;
    const module = facts.graph.modules.get(source.file);
    for (const call of factsOf(source).calls) {
      if (!/\.register$/.test(call.written) || !call.args[0] || !module) continue;
      const plugin = call.args[0];
      const target = facts.graph.resolve(module, plugin);
      const name = target.kind === 'external' ? target.specifier : /import\(\s*['"]([^'"]+)['"]\s*\)/.exec(plugin.text)?.[1] ?? '';
      if (!/^(@fastify\/rate-limit|fastify-rate-limit)$/.test(name)) continue;
      const options = objectOf(source, call.args[1]);
      const get = (key: string): Node | undefined => option(source, options, key);
      const max = literalValue(get('max'));
      const count = typeof max === 'number' ? max : max === undefined ? 1000 : undefined;
      const window = durationSeconds(source, get('timeWindow'), true) ?? (get('timeWindow') ? undefined : 60);
      const generator = get('keyGenerator');
      const storeNode = get('redis') ?? get('store');
      const limit = count !== undefined && window !== undefined ? `${count} per ${humanWindow(window)}` : undefined;
      const rate = perMinute(count, window);
      const limiter = remember(
        facts,
        makeLimiter(source, call.node, {
          library: '@fastify/rate-limit',
          ...(limit !== undefined ? { limit } : {}),
          ...(rate !== undefined ? { perMinute: rate } : {}),
          key: generator ? keyFromText(generator.text, 'custom') : 'ip',
          keyDetail: generator ? `keyGenerator \`${snippetOf(generator, 60)}\`` : 'the client IP (default key)',
          store: storeNode ? storeFromText(storeNode.text) : 'memory',
          storeDetail: storeNode ? `\`${snippetOf(storeNode, 60)}\`` : 'the default in-memory store',
        }),
      );
      out.push({ limiter, global: literalValue(get('global')) !== false });
    }
  }
  fastifyCache.set(facts, out);
  return out;
}

function fastifyCoverage(facts: Facts, endpoint: Endpoint, add: (applied: Applied) => void, flag: (reason: string) => void, exempt: (reason: string) => void): void {
  const plugins = fastifyPlugins(facts);
  const site = endpoint.sources.find((s) => s.kind === 'code')?.location;
  const source = site ? facts.byFile.get(site.file) : undefined;
  const call = site && source ? nodeAt(source, site) : undefined;
  let routeConfig: Node | undefined;
  if (call && source) {
    for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
      const options = objectOf(source, arg ?? undefined);
      const config = objectOf(source, option(source, options, 'config'));
      const value = option(source, config, 'rateLimit');
      if (value) routeConfig = value;
    }
  }
  if (routeConfig && literalValue(routeConfig) === false) {
    exempt('`config: { rateLimit: false }` on the route');
    return;
  }
  const base = plugins[0];
  if (routeConfig && source) {
    if (!base) {
      flag('the route sets `config.rateLimit` but no `@fastify/rate-limit` registration was found');
      return;
    }
    const max = literalValue(option(source, routeConfig, 'max'));
    const window = durationSeconds(source, option(source, routeConfig, 'timeWindow'), true);
    const count = typeof max === 'number' ? max : undefined;
    const limit = count !== undefined && window !== undefined ? `${count} per ${humanWindow(window)}` : base.limiter.limit;
    const rate = perMinute(count, window) ?? base.limiter.perMinute;
    const limiter = remember(facts, {
      ...base.limiter,
      location: locationOf(source, routeConfig),
      snippet: snippetOf(routeConfig),
      ...(limit !== undefined ? { limit } : {}),
      ...(rate !== undefined ? { perMinute: rate } : {}),
    });
    add({ limiter, level: 'route' });
    return;
  }
  for (const plugin of plugins) if (plugin.global) add({ limiter: plugin.limiter, level: 'app' });
}

interface NestGlobal {
  module?: Limiter;
  guard: Location | undefined;
  guardKey?: LimitKey;
}

const nestCache = new WeakMap<Facts, NestGlobal>();

function nestGlobal(facts: Facts): NestGlobal {
  const cached = nestCache.get(facts);
  if (cached) return cached;
  const out: NestGlobal = { guard: undefined };
  const guardClasses = new Set(['ThrottlerGuard']);
  let guardKey: LimitKey | undefined;
  for (const source of facts.ctx.sources) {
    if (!isJs(source) || !source.text.includes('ThrottlerGuard')) continue;
    for (const match of source.text.matchAll(/class\s+(\w+)\s+extends\s+ThrottlerGuard\b/g)) {
      if (match[1]) guardClasses.add(match[1]);
      if (/getTracker/.test(source.text)) guardKey = keyFromText(/getTracker[\s\S]{0,400}/.exec(source.text)?.[0] ?? '', 'custom');
    }
  }
  if (guardKey) out.guardKey = guardKey;
  for (const source of facts.ctx.sources) {
    if (!isJs(source) || !/Throttler/.test(source.text)) continue;
    for (const call of factsOf(source).calls) {
      if (/ThrottlerModule\.forRoot(Async)?$/.test(call.callee)) {
        const arg = resolveValue(source, call.args[0]);
        const first = arg?.type === 'array' ? (elementsOf(arg)[0] ?? undefined) : arg;
        const options = objectOf(source, first);
        const fromList = objectOf(source, elementsOf(option(source, options, 'throttlers'))[0]);
        const rateOptions = fromList ?? options;
        const limitValue = literalValue(option(source, rateOptions, 'limit'));
        const ttlValue = durationSeconds(source, option(source, rateOptions, 'ttl'));
        const window = ttlValue === undefined ? undefined : ttlValue >= 1000 ? ttlValue / 1000 : ttlValue;
        const count = typeof limitValue === 'number' ? limitValue : undefined;
        const storage = option(source, options, 'storage');
        const limit = count !== undefined && window !== undefined ? `${count} per ${humanWindow(window)}` : undefined;
        const rate = perMinute(count, window);
        out.module = remember(
          facts,
          makeLimiter(source, call.node, {
            library: '@nestjs/throttler',
            ...(limit !== undefined ? { limit } : {}),
            ...(rate !== undefined ? { perMinute: rate } : {}),
            key: guardKey ?? 'ip',
            keyDetail: guardKey ? 'a custom `getTracker`' : 'the client IP (default tracker)',
            store: storage ? storeFromText(storage.text) : call.callee.endsWith('Async') ? 'unknown' : 'memory',
            storeDetail: storage ? `storage \`${snippetOf(storage, 60)}\`` : 'the default in-memory storage',
          }),
        );
      }
    }
    const provider = /provide:\s*APP_GUARD\s*,\s*useClass:\s*(\w+)/.exec(source.text);
    const useGlobal = /useGlobalGuards\([^)]*\b(\w*Throttl\w*)/.exec(source.text);
    const hit = provider?.[1] && guardClasses.has(provider[1]) ? provider : useGlobal;
    if (hit && !out.guard) {
      const line = source.text.slice(0, hit.index).split('\n').length;
      out.guard = { file: source.file, line };
    }
  }
  nestCache.set(facts, out);
  return out;
}

function jsDecorators(node: Node): Node[] {
  const own = node.children.filter((child): child is Node => child?.type === 'decorator');
  if (own.length > 0 || node.type !== 'method_definition') return own;
  const out: Node[] = [];
  for (let prev = node.previousSibling; prev?.type === 'decorator'; prev = prev.previousSibling) out.unshift(prev);
  return out;
}

const nestAppCache = new WeakMap<Facts, JsVerdict[]>();

/**
 * Express middleware installed on the Nest application itself:
 * `const app = await NestFactory.create(AppModule); app.use(rateLimit({ … }))`.
 */
function nestAppLimiters(facts: Facts): JsVerdict[] {
  const cached = nestAppCache.get(facts);
  if (cached) return cached;
  const out: JsVerdict[] = [];
  for (const source of facts.ctx.sources) {
    const module = facts.graph.modules.get(source.file);
    if (!module || !isJs(source)) continue;
    const apps = new Set<string>();
    for (const call of factsOf(source).calls) {
      if (!/^@nestjs\/core\.NestFactory\.create(MicroService)?$/.test(call.callee)) continue;
      let holder: Node | null = parentOf(call.node);
      if (holder?.type === 'await_expression') holder = parentOf(holder);
      const name = holder?.type === 'variable_declarator' ? holder.childForFieldName('name') : undefined;
      if (name?.type === 'identifier') apps.add(name.text);
    }
    if (apps.size === 0) continue;
    for (const call of factsOf(source).calls) {
      const [receiver, method] = call.written.split('.');
      if (method !== 'use' || receiver === undefined || !apps.has(receiver)) continue;
      for (const arg of call.args) {
        const verdict = classifyJs(facts, module, arg);
        if (verdict !== undefined) out.push(verdict);
      }
    }
  }
  nestAppCache.set(facts, out);
  return out;
}

function nestCoverage(facts: Facts, endpoint: Endpoint, add: (applied: Applied) => void, flag: (reason: string) => void, exempt: (reason: string) => void): void {
  for (const verdict of nestAppLimiters(facts)) {
    if (verdict === 'unknown') flag('a middleware on the Nest app may limit requests');
    else if (verdict) add({ limiter: verdict, level: 'app' });
  }
  const handler = endpoint.handler;
  const source = handler ? facts.byFile.get(handler.file) : undefined;
  const method = handler && source ? nodeAt(source, handler) : undefined;
  if (!method || !source) return;
  let cls: Node | null = parentOf(method);
  while (cls && cls.type !== 'class_declaration' && cls.type !== 'class') cls = parentOf(cls);
  const clsParent = parentOf(cls);
  const classDecorators = cls ? [...jsDecorators(cls), ...(clsParent?.type === 'export_statement' ? jsDecorators(clsParent) : [])] : [];
  const methodDecorators = jsDecorators(method);
  const named = (list: Node[], name: string): Node | undefined => list.find((d) => new RegExp(`^@${name}\\b`).test(d.text));
  const skip = named(methodDecorators, 'SkipThrottle') ?? named(classDecorators, 'SkipThrottle');
  if (skip && !/\(\s*(false|\{[^}]*false[^}]*\})\s*\)/.test(skip.text)) {
    exempt(`\`${skip.text}\``);
    return;
  }
  const global = nestGlobal(facts);
  const guardOn = (list: Node[]): Node | undefined => list.find((d) => /^@UseGuards\(.*Throttl/.test(d.text));
  const guard = guardOn(methodDecorators) ?? guardOn(classDecorators);
  const applies = global.guard !== undefined || guard !== undefined;
  const throttle = named(methodDecorators, 'Throttle') ?? named(classDecorators, 'Throttle');
  const base = global.module;
  if (throttle) {
    if (!applies) {
      flag('`@Throttle` is set but no `ThrottlerGuard` was found applied');
      return;
    }
    const numbers = [...throttle.text.matchAll(/(limit|ttl)\s*:\s*([\d_*\s]+)/g)];
    const limitValue = Number(numbers.find((m) => m[1] === 'limit')?.[2]?.replace(/_/g, '') ?? NaN);
    const ttlText = numbers.find((m) => m[1] === 'ttl')?.[2] ?? '';
    const ttlRaw = ttlText.split('*').reduce((acc, part) => acc * Number(part.trim().replace(/_/g, '') || NaN), 1);
    const positional = /@Throttle\(\s*(\d+)\s*,\s*(\d+)\s*\)/.exec(throttle.text);
    const count = positional ? Number(positional[1]) : limitValue;
    const window = positional ? Number(positional[2]) : ttlRaw >= 1000 ? ttlRaw / 1000 : ttlRaw;
    const valid = Number.isFinite(count) && Number.isFinite(window) && window > 0;
    const limiter = remember(facts, {
      library: '@nestjs/throttler',
      key: base?.key ?? global.guardKey ?? 'ip',
      keyDetail: base?.keyDetail ?? 'the client IP (default tracker)',
      store: base?.store ?? 'memory',
      storeDetail: base?.storeDetail ?? 'the default in-memory storage',
      storeLocation: base?.storeLocation ?? locationOf(source, throttle),
      location: locationOf(source, throttle),
      snippet: snippetOf(throttle),
      ...(valid ? { limit: `${count} per ${humanWindow(window)}`, perMinute: perMinute(count, window) ?? 0 } : {}),
    });
    add({ limiter, level: named(methodDecorators, 'Throttle') ? 'route' : 'router' });
    return;
  }
  if (!applies) return;
  if (!base) {
    flag('a `ThrottlerGuard` applies but `ThrottlerModule` options were not found');
    return;
  }
  const level: LimitLevel = guardOn(methodDecorators) ? 'route' : guardOn(classDecorators) ? 'router' : 'app';
  add({ limiter: base, level });
}

const nextCache = new WeakMap<Facts, Limiter | null>();

function nextCoverage(facts: Facts, add: (applied: Applied) => void): void {
  let limiter = nextCache.get(facts);
  if (limiter === undefined) {
    limiter = null;
    for (const source of facts.ctx.sources) {
      if (!/(^|\/)(src\/)?middleware\.(ts|js)$/.test(source.file)) continue;
      const module = facts.graph.modules.get(source.file);
      if (!module) continue;
      const verdict = limiterCalledIn(facts, module, source.tree.rootNode);
      if (verdict && verdict !== 'unknown') limiter = verdict;
    }
    nextCache.set(facts, limiter);
  }
  if (limiter) add({ limiter, level: 'app' });
}

// ---------------------------------------------------------------------------------------------
// Python

const PY_LIMITER = /^(slowapi|slowapi\.extension|flask_limiter|flask_limiter\.extension)\.Limiter$/;

interface PyLimiter {
  limiter: Limiter;
  names: Set<string>;
  /** Default limits apply to every route of the app. */
  appWide: boolean;
}

const pyCache = new WeakMap<Facts, PyLimiter[]>();

function strings(source: SourceFile, node: Node | undefined): string[] {
  const resolved = resolveValue(source, node);
  const single = stringValue(resolved);
  if (single !== undefined) return [single];
  return elementsOf(resolved).flatMap((element) => {
    const value = stringValue(resolveValue(source, element));
    return value === undefined ? [] : [value];
  });
}

function pyLimiters(facts: Facts): PyLimiter[] {
  const cached = pyCache.get(facts);
  if (cached) return cached;
  const out: PyLimiter[] = [];
  const all = facts.ctx.sources.filter(isPython);
  const slowapiMiddleware = all.some((source) => findMiddleware(source));
  const configuredStorage = all.find((source) => /RATELIMIT_STORAGE_UR[IL]/.test(source.text));
  for (const source of all) {
    for (const call of factsOf(source).calls) {
      if (!PY_LIMITER.test(call.callee)) continue;
      const library = call.callee.startsWith('slowapi') ? 'slowapi' : 'flask-limiter';
      const first = call.args[0];
      const keyFunc = call.kwargs.get('key_func') ?? (first && !/^(app|application|flask_app)$/.test(first.text) ? first : undefined);
      const defaults = [...strings(source, call.kwargs.get('default_limits')), ...strings(source, call.kwargs.get('application_limits'))];
      const storage = call.kwargs.get('storage_uri');
      const storageValue = storage ? (stringValue(resolveValue(source, storage)) ?? resolveValue(source, storage)?.text ?? storage.text) : undefined;
      const names = new Set<string>();
      const parent = parentOf(call.node);
      if (parent?.type === 'assignment') names.add(parent.childForFieldName('left')?.text ?? '');
      const name = [...names][0] ?? 'limiter';
      const attached =
        library === 'slowapi'
          ? slowapiMiddleware
          : call.kwargs.has('app') || (first !== undefined && /^(app|application|flask_app)$/.test(first.text)) || all.some((s) => s.text.includes(`${name}.init_app(`));
      let store: StoreKind = 'memory';
      let storeDetail = 'no `storage_uri` (in-memory storage)';
      if (storageValue !== undefined) {
        store = storageValue.startsWith('memory://') ? 'memory' : storeFromText(storageValue);
        storeDetail = `\`storage_uri=${storageValue.startsWith('memory') || store === 'shared' ? `"${storageValue}"` : storage?.text ?? ''}\``;
      } else if (configuredStorage) {
        store = 'unknown';
        storeDetail = 'storage configured in app settings';
      }
      const limit = defaults.join(', ');
      const rate = defaults.length > 0 ? parseRate(defaults.join(';')) : undefined;
      const limiter = remember(
        facts,
        makeLimiter(source, call.node, {
          library,
          ...(limit !== '' ? { limit } : {}),
          ...(rate !== undefined ? { perMinute: rate } : {}),
          key: keyFunc ? keyFromText(keyFunc.text, 'custom') : 'ip',
          keyDetail: keyFunc ? `\`key_func=${keyFunc.text}\`` : 'the client IP',
          store,
          storeDetail,
        }),
      );
      out.push({ limiter, names, appWide: attached && defaults.length > 0 });
    }
  }
  pyCache.set(facts, out);
  return out;
}

function findMiddleware(source: SourceFile): boolean {
  return factsOf(source).calls.some((call) => /\.add_middleware$/.test(call.written) && /SlowAPI(ASGI)?Middleware$/.test(call.args[0]?.text ?? ''));
}

function pyDecorators(definition: Node): Node[] {
  const parent = parentOf(definition);
  if (parent?.type !== 'decorated_definition') return [];
  return parent.namedChildren.filter((child): child is Node => child?.type === 'decorator').map((d) => d.namedChildren.find((c) => c?.type !== 'comment') ?? d);
}

function enclosingClass(node: Node): Node | undefined {
  for (let current = parentOf(node); current; current = parentOf(current)) if (current.type === 'class_definition') return current;
  return undefined;
}

function classAttribute(cls: Node, name: string): Node | undefined {
  const body = cls.childForFieldName('body');
  for (const statement of body?.namedChildren ?? []) {
    const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
    if (assignment?.type === 'assignment' && assignment.childForFieldName('left')?.text === name) return assignment.childForFieldName('right') ?? undefined;
  }
  return undefined;
}

interface DrfSettings {
  classes: string[];
  rates: Map<string, string>;
  node: Node;
  source: SourceFile;
}

const drfCache = new WeakMap<Facts, DrfSettings | null>();

function drfSettings(facts: Facts): DrfSettings | undefined {
  let cached = drfCache.get(facts);
  if (cached === undefined) {
    cached = null;
    for (const source of facts.ctx.sources) {
      if (!isPython(source) || !source.text.includes('REST_FRAMEWORK')) continue;
      for (const node of nodesOfType(source, 'assignment')) {
        if (node.childForFieldName('left')?.text !== 'REST_FRAMEWORK') continue;
        const dict = resolveValue(source, node.childForFieldName('right') ?? undefined);
        const classes = elementsOf(propertyOf(dict, 'DEFAULT_THROTTLE_CLASSES')).map((element) => stringValue(element) ?? element.text);
        const rates = new Map<string, string>();
        const ratesNode = propertyOf(dict, 'DEFAULT_THROTTLE_RATES');
        for (const pair of ratesNode?.namedChildren ?? []) {
          if (pair?.type !== 'pair') continue;
          const key = stringValue(pair.childForFieldName('key'));
          const value = stringValue(pair.childForFieldName('value'));
          if (key !== undefined && value !== undefined) rates.set(key, value);
        }
        const at = parentOf(propertyOf(dict, 'DEFAULT_THROTTLE_CLASSES')) ?? node;
        cached = { classes, rates, node: at, source };
      }
    }
    drfCache.set(facts, cached);
  }
  return cached ?? undefined;
}

const djangoStoreCache = new WeakMap<Facts, { store: StoreKind; detail: string }>();

function djangoCacheStore(facts: Facts): { store: StoreKind; detail: string } {
  const cached = djangoStoreCache.get(facts);
  if (cached) return cached;
  let result: { store: StoreKind; detail: string } = { store: 'unknown', detail: 'the Django cache' };
  const settings = facts.ctx.sources.find((source) => isPython(source) && /^\s*INSTALLED_APPS\s*=/m.test(source.text));
  const caches = facts.ctx.sources.find((source) => isPython(source) && /^\s*CACHES\s*=/m.test(source.text));
  if (caches) {
    const backend = /['"]BACKEND['"]\s*:\s*['"]([^'"]+)['"]/.exec(caches.text)?.[1] ?? '';
    const store = /locmem|dummy/i.test(backend) ? 'memory' : backend ? 'shared' : 'unknown';
    result = { store, detail: backend ? `the Django cache \`${backend}\`` : 'the Django cache' };
  } else if (settings) result = { store: 'memory', detail: 'the default Django cache (`LocMemCache`, no `CACHES` setting)' };
  djangoStoreCache.set(facts, result);
  return result;
}

function drfKey(classes: readonly string[]): LimitKey {
  if (classes.some((name) => /UserRateThrottle|ScopedRateThrottle/.test(name))) return 'user';
  if (classes.some((name) => /AnonRateThrottle/.test(name))) return 'ip';
  return 'custom';
}

function drfLimiter(facts: Facts, source: SourceFile, node: Node, classes: readonly string[], scope: string | undefined): Limiter {
  const settings = drfSettings(facts);
  const rates = settings?.rates ?? new Map<string, string>();
  const relevant = scope !== undefined ? [[scope, rates.get(scope)] as const] : [...rates.entries()];
  const described = relevant.filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  const limit = described.map(([name, rate]) => `${name} ${rate}`).join(', ');
  const rate = parseRate(described.map(([, value]) => value).join(';'));
  const store = djangoCacheStore(facts);
  return remember(
    facts,
    makeLimiter(source, node, {
      library: 'DRF throttling',
      ...(limit !== '' ? { limit } : {}),
      ...(rate !== undefined ? { perMinute: rate } : {}),
      key: drfKey(classes),
      keyDetail: classes.map((name) => `\`${name.split('.').pop() ?? name}\``).join(', '),
      store: store.store,
      storeDetail: store.detail,
    }),
  );
}

function isDrfView(handler: Node): boolean {
  const cls = enclosingClass(handler);
  if (cls) return /APIView|ViewSet|GenericAPIView/.test(cls.childForFieldName('superclasses')?.text ?? '');
  return pyDecorators(handler).some((d) => /(^|\.)api_view\b/.test(d.text));
}

function pyCoverage(facts: Facts, endpoint: Endpoint, add: (applied: Applied) => void, flag: (reason: string) => void, exempt: (reason: string) => void): void {
  const handler = endpoint.handler;
  const source = handler ? facts.byFile.get(handler.file) : undefined;
  const fn = handler && source ? nodeAt(source, handler) : undefined;
  const via = endpoint.sources.find((s) => s.kind === 'code')?.via ?? '';
  const limiters = pyLimiters(facts);
  if (fn && source) {
    const cls = enclosingClass(fn);
    const decorators = [...pyDecorators(fn), ...(cls ? pyDecorators(cls) : [])];
    for (const decorator of decorators) {
      const text = decorator.text;
      const match = /^([\w.]+)\.(limit|shared_limit|exempt)\b/.exec(text);
      const owner = match ? limiters.find((l) => l.names.has(match[1]?.split('.').pop() ?? '')) ?? (/limiter/i.test(match[1] ?? '') ? limiters[0] : undefined) : undefined;
      if (match && match[2] === 'exempt' && (owner || /limiter/i.test(match[1] ?? ''))) {
        exempt(`\`@${text}\``);
        return;
      }
      if (match && owner && decorator.type === 'call') {
        const call = callSiteOf(source, decorator);
        const rates = call ? strings(source, call.args[0] ?? call.kwargs.get('limit_value')) : [];
        const rate = parseRate(rates.join(';'));
        const limiter = remember(facts, {
          ...owner.limiter,
          location: locationOf(source, decorator),
          snippet: `@${snippetOf(decorator)}`,
          ...(rates.length > 0 ? { limit: rates.join(', ') } : {}),
          ...(rate !== undefined ? { perMinute: rate } : {}),
          ...(call?.kwargs.get('key_func') ? { key: keyFromText(call.kwargs.get('key_func')?.text ?? '', 'custom'), keyDetail: `\`key_func=${call.kwargs.get('key_func')?.text ?? ''}\`` } : {}),
        });
        add({ limiter, level: 'route' });
        continue;
      }
      if (match && !owner && /limit/i.test(match[1] ?? '')) {
        flag(`\`@${snippetOf(decorator, 60)}\` may limit requests`);
        continue;
      }
      const django = decorator.type === 'call' ? callSiteOf(source, decorator) : undefined;
      const inner = django && /(^|\.)method_decorator$/.test(django.callee) ? django.args[0] : decorator;
      const site = inner?.type === 'call' ? callSiteOf(source, inner) : undefined;
      if (site && /(^|\.)ratelimit(\.decorators)?\.ratelimit$|^django_ratelimit\.decorators\.ratelimit$|^ratelimit$/.test(site.callee)) {
        const keyNode = site.kwargs.get('key');
        const keyText = stringValue(keyNode) ?? keyNode?.text ?? 'ip';
        const rateText = stringValue(site.kwargs.get('rate')) ?? site.kwargs.get('rate')?.text ?? '';
        const rate = parseRate(rateText);
        const store = djangoCacheStore(facts);
        add({
          limiter: remember(
            facts,
            makeLimiter(source, inner ?? decorator, {
              library: 'django-ratelimit',
              ...(rateText !== '' ? { limit: rateText } : {}),
              ...(rate !== undefined ? { perMinute: rate } : {}),
              key: /^ip$/.test(keyText) ? 'ip' : /user/.test(keyText) ? 'user' : /header/.test(keyText) ? 'key' : keyFromText(keyText, 'custom'),
              keyDetail: `\`key='${keyText}'\``,
              store: store.store,
              storeDetail: store.detail,
            }),
          ),
          level: 'route',
        });
        continue;
      }
      if (site && /(^|\.)throttle_classes$/.test(site.callee)) {
        const classes = elementsOf(site.args[0]).map((element) => element.text);
        if (classes.length === 0) exempt('`@throttle_classes([])`');
        else add({ limiter: drfLimiter(facts, source, decorator, classes, undefined), level: 'route' });
        return;
      }
      if (/ratelimit|throttl/i.test(text)) flag(`\`@${snippetOf(decorator, 60)}\` may limit requests`);
    }
    if (via === 'django' && isDrfView(fn)) {
      const own = cls ? classAttribute(cls, 'throttle_classes') : undefined;
      const scopeNode = cls ? classAttribute(cls, 'throttle_scope') : undefined;
      const scope = stringValue(scopeNode);
      if (own && cls) {
        const classes = elementsOf(own).map((element) => element.text);
        if (classes.length === 0 && own.type !== 'identifier') exempt('`throttle_classes = []`');
        else if (classes.length === 0) flag(`\`throttle_classes = ${own.text}\` could not be resolved`);
        else add({ limiter: drfLimiter(facts, source, parentOf(own) ?? own, classes, classes.some((c) => /Scoped/.test(c)) ? scope : undefined), level: 'route' });
      } else {
        const settings = drfSettings(facts);
        if (settings && settings.classes.length > 0) {
          const scoped = scope !== undefined && settings.classes.some((c) => /Scoped/.test(c));
          add({ limiter: drfLimiter(facts, settings.source, settings.node, settings.classes, scoped ? scope : undefined), level: scoped ? 'route' : 'app' });
        }
      }
    }
  }
  if (via === 'fastapi' || via === 'flask' || via === 'starlette') {
    const library = via === 'flask' ? 'flask-limiter' : 'slowapi';
    for (const entry of limiters) if (entry.appWide && entry.limiter.library === library) add({ limiter: entry.limiter, level: 'app' });
  }
}

// ---------------------------------------------------------------------------------------------
// Gateways and proxies

interface GatewayRule {
  limiter: Limiter;
  covers(path: string): boolean;
  specific: boolean;
}

function infraLocation(file: InfraFile, index: number, length = 0): Location {
  const before = file.text.slice(0, index);
  const line = before.split('\n').length;
  const column = index - before.lastIndexOf('\n');
  return { file: file.file, line, column, endLine: line, endColumn: column + length };
}

function gatewayLimiter(file: InfraFile, index: number, text: string, fields: Pick<Limiter, 'library' | 'key' | 'keyDetail'> & { limit?: string; perMinute?: number }): Limiter {
  const location = infraLocation(file, index, text.length);
  return { ...fields, location, snippet: text.trim().slice(0, 160), store: 'shared', storeDetail: 'the gateway', storeLocation: location };
}

function nginxRules(file: InfraFile): GatewayRule[] {
  const zones = new Map<string, { rate: string; key: string }>();
  for (const match of file.text.matchAll(/limit_req_zone\s+(\S+)\s+[^;]*?zone=([\w-]+):\S+[^;]*?rate=(\d+r\/[sm])/g)) {
    if (match[2]) zones.set(match[2], { rate: match[3] ?? '', key: match[1] ?? '' });
  }
  const rules: GatewayRule[] = [];
  const stack: (string | undefined)[] = [];
  const tokens = /(location\s+(=|~\*?|\^~)?\s*([^\s{]+)\s*\{)|(\{)|(\})|(limit_req\s+zone=([\w-]+)[^;]*;)|#[^\n]*/g;
  for (const match of file.text.matchAll(tokens)) {
    if (match[1]) stack.push(`${match[2] ?? ''} ${match[3] ?? ''}`);
    else if (match[4]) stack.push(undefined);
    else if (match[5]) stack.pop();
    else if (match[6] && match[7]) {
      const zone = zones.get(match[7]);
      const where = [...stack].reverse().find((entry) => entry !== undefined);
      const [modifier = '', prefix = '/'] = (where ?? ' /').split(' ');
      const rate = zone?.rate ?? '';
      const perMin = /r\/s$/.test(rate) ? Number.parseInt(rate, 10) * 60 : Number.parseInt(rate, 10);
      const limiter = gatewayLimiter(file, match.index, match[6], {
        library: 'nginx limit_req',
        ...(rate ? { limit: rate.replace('r/s', ' per second').replace('r/m', ' per minute'), perMinute: perMin } : {}),
        key: zone ? keyFromText(zone.key.replace('binary_remote_addr', 'ip').replace('remote_addr', 'ip'), 'custom') : 'custom',
        keyDetail: zone ? `\`${zone.key}\`` : 'an unknown zone key',
      });
      const covers = (path: string): boolean => {
        if (modifier.startsWith('~')) {
          try {
            return new RegExp(prefix, modifier === '~*' ? 'i' : '').test(path.replace(/\{[^}]+\}/g, 'x'));
          } catch {
            return false;
          }
        }
        if (modifier === '=') return path === prefix;
        return path.replace(/\{[^}]+\}/g, 'x').startsWith(prefix.replace(/\/$/, '')) || prefix === '/';
      };
      rules.push({ limiter, covers, specific: where !== undefined && prefix !== '/' });
    }
  }
  return rules;
}

function yamlDocs(text: string): unknown[] {
  try {
    return text
      .split(/^---\s*$/m)
      .map((part) => parseYaml(part) as unknown)
      .filter((doc) => doc !== null && doc !== undefined);
  } catch {
    return [];
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function list(value: unknown): unknown[] {
  return Array.isArray(value) ? value : [];
}

function kongRules(file: InfraFile): GatewayRule[] {
  const rules: GatewayRule[] = [];
  const index = (needle: string): number => Math.max(0, file.text.indexOf(needle));
  const plugin = (entry: unknown): Limiter | undefined => {
    if (!isRecord(entry) || typeof entry.name !== 'string' || !/^rate-limiting/.test(entry.name)) return undefined;
    const config = isRecord(entry.config) ? entry.config : {};
    const windows: [string, number][] = [
      ['second', 1],
      ['minute', 60],
      ['hour', 3600],
      ['day', 86400],
    ];
    const found = windows.find(([name]) => typeof config[name] === 'number');
    const count = found ? Number(config[found[0]]) : undefined;
    const limitBy = typeof config.limit_by === 'string' ? config.limit_by : 'consumer';
    return gatewayLimiter(file, index(`name: ${entry.name}`), `name: ${entry.name}`, {
      library: 'Kong rate-limiting',
      ...(found && count !== undefined ? { limit: `${count} per ${found[0]}`, perMinute: (count * 60) / found[1] } : {}),
      key: limitBy === 'ip' ? 'ip' : limitBy === 'consumer' || limitBy === 'credential' ? 'user' : limitBy === 'header' ? 'key' : 'custom',
      keyDetail: `\`limit_by: ${limitBy}\``,
    });
  };
  const pathsOf = (routes: unknown): string[] => list(routes).flatMap((route) => (isRecord(route) ? list(route.paths).filter((p): p is string => typeof p === 'string') : []));
  const prefixCovers = (prefixes: string[]) => (path: string): boolean => prefixes.some((prefix) => path.startsWith(prefix.replace(/^~/, '').replace(/\/$/, '')));
  for (const doc of yamlDocs(file.text)) {
    if (!isRecord(doc)) continue;
    for (const entry of list(doc.plugins)) {
      const limiter = plugin(entry);
      if (limiter) rules.push({ limiter, covers: () => true, specific: false });
    }
    for (const service of list(doc.services)) {
      if (!isRecord(service)) continue;
      const servicePaths = pathsOf(service.routes);
      for (const entry of list(service.plugins)) {
        const limiter = plugin(entry);
        if (limiter) rules.push({ limiter, covers: servicePaths.length > 0 ? prefixCovers(servicePaths) : () => true, specific: false });
      }
      for (const route of list(service.routes)) {
        if (!isRecord(route)) continue;
        const paths = pathsOf([route]);
        for (const entry of list(route.plugins)) {
          const limiter = plugin(entry);
          if (limiter) rules.push({ limiter, covers: prefixCovers(paths), specific: true });
        }
      }
    }
  }
  return rules;
}

function textRule(file: InfraFile, pattern: RegExp, library: string, key: LimitKey, keyDetail: string, limitOf?: (match: RegExpExecArray) => { limit: string; perMinute?: number } | undefined): GatewayRule[] {
  const match = pattern.exec(file.text);
  if (!match) return [];
  const limit = limitOf?.(match);
  return [{ limiter: gatewayLimiter(file, match.index, match[0].split('\n')[0] ?? match[0], { library, key, keyDetail, ...(limit ?? {}) }), covers: () => true, specific: false }];
}

function gatewayRules(ctx: CheckContext): GatewayRule[] {
  const rules: GatewayRule[] = [];
  for (const file of ctx.infra) {
    if (file.kind === 'nginx') rules.push(...nginxRules(file));
    else if (file.kind === 'kong') rules.push(...kongRules(file));
    else if (file.kind === 'envoy')
      rules.push(
        ...textRule(file, /envoy\.filters\.http\.(local_ratelimit|ratelimit)/, 'Envoy rate limit', 'global', 'a shared token bucket', () => {
          const tokens = /max_tokens:\s*(\d+)/.exec(file.text);
          const interval = /fill_interval:\s*['"]?(\d+)s/.exec(file.text);
          return tokens && interval ? { limit: `${tokens[1]} per ${humanWindow(Number(interval[1]))}`, perMinute: (Number(tokens[1]) * 60) / Number(interval[1]) } : undefined;
        }),
      );
    else if (file.kind === 'serverless')
      rules.push(
        ...textRule(file, /^\s*(throttle|apiGatewayThrottling):\s*$/m, 'API Gateway throttling', 'global', 'the stage (all clients)', () => {
          const rate = /(rateLimit|maxRequestsPerSecond):\s*(\d+)/.exec(file.text);
          return rate ? { limit: `${rate[2]} per second`, perMinute: Number(rate[2]) * 60 } : undefined;
        }),
      );
    else if (file.kind === 'sam')
      rules.push(
        ...textRule(file, /ThrottlingRateLimit:\s*(\d+)/, 'API Gateway throttling', 'global', 'the stage (all clients)', (m) => ({ limit: `${m[1]} per second`, perMinute: Number(m[1]) * 60 })),
      );
    else if (file.kind === 'terraform') {
      rules.push(
        ...textRule(file, /throttling_rate_limit\s*=\s*(\d+)/, 'API Gateway throttling', 'global', 'the stage (all clients)', (m) => ({ limit: `${m[1]} per second`, perMinute: Number(m[1]) * 60 })),
        ...textRule(file, /rate_based_statement\s*\{[^}]*?limit\s*=\s*(\d+)/, 'AWS WAF rate-based rule', 'ip', 'the client IP', (m) => ({ limit: `${m[1]} per 5 minutes`, perMinute: Number(m[1]) / 5 })),
      );
    }
  }
  return rules;
}

// ---------------------------------------------------------------------------------------------

const cache = new WeakMap<object, RateLimitAnalysis>();

/** A limit a collector of another language read itself (Laravel's `throttle:` middleware), one Limiter per place. */
function collectedLimiter(facts: Facts, where: Location, evidence: RateLimitEvidence): Limiter {
  const id = `collected:${where.file}:${String(where.line)}:${String(where.column ?? 0)}`;
  const known = facts.limiters.get(id);
  if (known) return known;
  const limiter: Limiter = {
    library: evidence.scope ?? 'framework middleware',
    location: where,
    snippet: evidence.limit ?? '',
    ...(evidence.limit !== undefined ? { limit: evidence.limit } : {}),
    key: 'custom',
    keyDetail: 'set by the framework configuration',
    store: 'unknown',
    storeDetail: 'the framework cache store',
    storeLocation: where,
  };
  facts.limiters.set(id, limiter);
  return limiter;
}

/** Every endpoint's rate-limit coverage; computed once per inventory. */
export function rateLimitAnalysis(ctx: CheckContext): RateLimitAnalysis {
  const cached = cache.get(ctx.inventory);
  if (cached) return cached;
  const facts: Facts = { ctx, byFile: new Map(ctx.sources.map((source) => [source.file, source])), graph: ModuleGraph.of(ctx.sources), limiters: new Map() };
  const gateway = gatewayRules(ctx);
  const coverage = new Map<string, Coverage>();
  const covered = new Map<Limiter, Endpoint[]>();
  for (const endpoint of ctx.inventory.endpoints) {
    const code = endpoint.sources.find((s) => s.kind === 'code');
    const applied: Applied[] = [];
    const unknown: string[] = [];
    let exemptReason: string | undefined;
    const add = (entry: Applied): void => {
      if (!applied.some((a) => a.limiter === entry.limiter)) applied.push(entry);
    };
    const flag = (reason: string): void => {
      unknown.push(reason);
    };
    const exempt = (reason: string): void => {
      exemptReason = reason;
    };
    if (code) {
      const source = facts.byFile.get(endpoint.handler?.file ?? code.location.file) ?? facts.byFile.get(code.location.file);
      if (source && isPython(source)) pyCoverage(facts, endpoint, add, flag, exempt);
      else if (source && isJs(source)) jsCoverage(facts, endpoint, add, flag, exempt);
      else if (endpoint.rateLimit?.state === 'present' && endpoint.rateLimit.where) add({ limiter: collectedLimiter(facts, endpoint.rateLimit.where, endpoint.rateLimit), level: 'route' });
    }
    if (exemptReason !== undefined) applied.length = 0;
    for (const rule of gateway) if (rule.covers(endpoint.path)) add({ limiter: rule.limiter, level: 'gateway' });
    applied.sort((a, b) => LEVEL_RANK[a.level] - LEVEL_RANK[b.level]);
    let entry: Coverage;
    const effective = applied[0];
    if (effective) entry = { state: 'present', applied, effective };
    else if (unknown.length > 0) entry = { state: 'unknown', applied, reason: unknown[0] ?? '' };
    else if (code) entry = { state: 'missing', applied, reason: exemptReason !== undefined ? `exempted by ${exemptReason}` : 'no limiter applies' };
    else entry = { state: 'unknown', applied, reason: 'declared in a spec only' };
    coverage.set(endpoint.id, entry);
    for (const a of applied) covered.set(a.limiter, [...(covered.get(a.limiter) ?? []), endpoint]);
  }
  const result: RateLimitAnalysis = { limiters: [...new Set([...facts.limiters.values(), ...covered.keys()])], coverage, covered };
  cache.set(ctx.inventory, result);
  return result;
}

/** Python limiters and JS limiter constructors found anywhere in the code, covering routes or not. */
export function declaredLimiters(ctx: CheckContext): Limiter[] {
  return rateLimitAnalysis(ctx).limiters;
}

export function levelLabel(level: LimitLevel): string {
  return level === 'route' ? 'route' : level === 'router' ? 'controller/router' : level === 'app' ? 'app-wide' : 'gateway';
}


// ---------------------------------------------------------------------------------------------
// Deployment: several processes each holding their own in-memory counters

export interface WorkerEvidence {
  detail: string;
  location: Location;
}

function lineAt(file: string, text: string, index: number): Location {
  return { file, line: text.slice(0, index).split('\n').length };
}

const COMMAND_WORKERS = /\b(gunicorn|uvicorn|hypercorn|pm2(?:-runtime)?)\b[^\n]*?\s(?:-w|--workers|-i|--instances)[=\s]+['"]?(max|\d+)/;

/** Evidence that the app runs as several processes or instances, so per-process memory is not shared. */
export function multiWorker(ctx: CheckContext): WorkerEvidence | undefined {
  const found: WorkerEvidence[] = [];
  const many = (value: string): boolean => value === 'max' || Number(value) > 1 || Number(value) === 0 || Number(value) === -1;
  for (const file of ctx.infra) {
    const command = COMMAND_WORKERS.exec(file.text.replace(/["',[\]]/g, ' '));
    if (command?.[2] && (command[2] === 'max' || Number(command[2]) > 1)) found.push({ detail: `\`${command[0].trim().slice(0, 80)}\` in ${file.file}`, location: lineAt(file.file, file.text, command.index) });
    const concurrency = /WEB_CONCURRENCY[=:\s]+['"]?(\d+)/.exec(file.text);
    if (concurrency?.[1] && Number(concurrency[1]) > 1) found.push({ detail: `\`WEB_CONCURRENCY=${concurrency[1]}\` in ${file.file}`, location: lineAt(file.file, file.text, concurrency.index) });
    if (file.kind === 'gunicorn') {
      const workers = /^\s*workers\s*=\s*(.+)$/m.exec(file.text);
      const value = workers?.[1]?.trim() ?? '';
      if (workers && (/cpu_count/.test(value) || Number(value) > 1)) found.push({ detail: `\`workers = ${value}\` in ${file.file}`, location: lineAt(file.file, file.text, workers.index) });
    }
    if (file.kind === 'kubernetes' || file.kind === 'compose') {
      const replicas = /^\s*(replicas|minReplicas|scale):\s*(\d+)/m.exec(file.text);
      if (replicas?.[2] && Number(replicas[2]) > 1) found.push({ detail: `\`${replicas[1] ?? 'replicas'}: ${replicas[2]}\` in ${file.file}`, location: lineAt(file.file, file.text, replicas.index) });
    }
  }
  for (const source of ctx.sources) {
    if (!isJs(source)) continue;
    if (/ecosystem\.config\.[cm]?js$/.test(source.file)) {
      const instances = /instances\s*:\s*['"]?(max|-?\d+)/.exec(source.text);
      if (instances?.[1] && many(instances[1])) found.push({ detail: `pm2 \`instances: ${instances[1]}\` in ${source.file}`, location: lineAt(source.file, source.text, instances.index) });
    }
    const fork = /\bcluster\.fork\(\)/.exec(source.text);
    if (fork) found.push({ detail: `\`cluster.fork()\` in ${source.file}`, location: lineAt(source.file, source.text, fork.index) });
  }
  found.sort((a, b) => a.location.file.localeCompare(b.location.file) || a.location.line - b.location.line);
  return found[0];
}

// ---------------------------------------------------------------------------------------------
// Request input: values a client controls

const JS_INPUT = /^(req|request|ctx|context|c|event)\.(query|body|params|request\.(query|body)|req\.(query|param|json)|queryStringParameters)\b|\.searchParams\.get\(|^searchParams\.get\(|^(query|params|body)\.\w+$/;
const PY_INPUT = /^(self\.)?request\.(args|form|values|GET|POST|query_params|json|data|get_json|files)\b|^flask\.request\./;

function objectPatternSource(source: SourceFile, identifier: Node): Node | undefined {
  const scope = enclosingFunction(identifier) ?? source.tree.rootNode;
  for (const declarator of scope.descendantsOfType('variable_declarator')) {
    const name = declarator?.childForFieldName('name');
    if (name?.type !== 'object_pattern' || declarator?.startIndex === undefined || declarator.startIndex > identifier.startIndex) continue;
    if (name.namedChildren.some((part) => part?.text === identifier.text || part?.childForFieldName('value')?.text === identifier.text || part?.childForFieldName('left')?.text === identifier.text)) {
      return declarator.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

/** The FastAPI / Flask handler parameter `name` is bound from the request (a query, path or body parameter). */
function handlerParameter(ctx: CheckContext, source: SourceFile, identifier: Node): Node | undefined {
  const fn = enclosingFunction(identifier);
  if (!fn || fn.type !== 'function_definition') return undefined;
  const endpoint = endpointAt(ctx, source.file, fn.startPosition.row + 1);
  if (!endpoint) return undefined;
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!param) continue;
    const name = param.type === 'identifier' ? param : (param.childForFieldName('name') ?? param.namedChildren[0]);
    if (name?.text !== identifier.text) continue;
    if (/Depends\(|Security\(|\bRequest\b|Session|BackgroundTasks/.test(param.text)) return undefined;
    return param;
  }
  return undefined;
}

export interface InputTrace {
  /** The request expression the value comes from (`req.query.limit`, parameter `page_size`). */
  origin: Node;
  /** Every expression on the way, for sanitiser checks. */
  path: Node[];
}

/** Follows a value back through same-function assignments, casts and defaults to request input. */
export function traceInput(ctx: CheckContext, source: SourceFile, node: Node | undefined, depth = 0, path: Node[] = []): InputTrace | undefined {
  if (!node || depth > 8) return undefined;
  const steps = [...path, node];
  const text = node.text;
  if (isJs(source) ? JS_INPUT.test(text) : PY_INPUT.test(text)) return { origin: node, path: steps };
  switch (node.type) {
    case 'identifier': {
      if (isPython(source)) {
        const param = handlerParameter(ctx, source, node);
        const resolved = resolveValue(source, node);
        if (resolved && resolved.id !== node.id) return traceInput(ctx, source, resolved, depth + 1, steps);
        return param ? { origin: param, path: [...steps, param] } : undefined;
      }
      const resolved = resolveValue(source, node);
      if (resolved && resolved.id !== node.id) return traceInput(ctx, source, resolved, depth + 1, steps);
      const pattern = objectPatternSource(source, node);
      return pattern ? traceInput(ctx, source, pattern, depth + 1, steps) : undefined;
    }
    case 'call':
    case 'call_expression': {
      const fn = node.childForFieldName('function');
      const name = fn?.text ?? '';
      const args = (node.childForFieldName('arguments')?.namedChildren ?? []).filter((arg): arg is Node => arg !== null && arg.type !== 'comment');
      if (/^(Number|parseInt|parseFloat|int|float|str|String|decodeURIComponent)$/.test(name)) return traceInput(ctx, source, args[0], depth + 1, steps);
      if (/\.(get|getlist|get_argument)$/.test(name) && fn) return traceInput(ctx, source, fn.childForFieldName('object') ?? undefined, depth + 1, steps);
      if (/\.(trim|strip|toString|lower|toLowerCase)$/.test(name) && fn) return traceInput(ctx, source, fn.childForFieldName('object') ?? undefined, depth + 1, steps);
      return undefined;
    }
    case 'binary_expression':
    case 'boolean_operator': {
      const operator = node.childForFieldName('operator')?.text ?? '';
      if (!['||', '??', 'or'].includes(operator)) return undefined;
      return traceInput(ctx, source, node.childForFieldName('left') ?? undefined, depth + 1, steps);
    }
    case 'member_expression':
    case 'attribute':
    case 'subscript':
    case 'subscript_expression':
      return traceInput(ctx, source, node.childForFieldName(node.type === 'subscript' ? 'value' : 'object') ?? undefined, depth + 1, steps);
    case 'parenthesized_expression':
    case 'await_expression':
    case 'as_expression':
    case 'non_null_expression':
    case 'keyword_argument':
      return traceInput(ctx, source, node.namedChildren[node.type === 'keyword_argument' ? 1 : 0] ?? undefined, depth + 1, steps);
    default:
      return undefined;
  }
}
