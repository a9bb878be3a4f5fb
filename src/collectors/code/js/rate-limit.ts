import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { durationSeconds, objectOf, option } from '../../../analysis/code-auth.js';
import { type CallSite, callSiteAt, callsWithin, literalValue, snippetOf, stringValue } from '../../../analysis/code.js';
import { type LimitKey, type Limiter, type StoreKind, LIMITER_WORDS, humanWindow, keyFromText, perMinute, storeFromText } from '../../../analysis/rate-limit/model.js';
import type { RateLimitProvider, RateLimitScope } from '../plugin.js';
import { ModuleGraph, type JsModule } from './modules.js';

/**
 * JavaScript / TypeScript limiter libraries that any JS framework mounts as middleware or calls from a
 * handler: express-rate-limit, koa-ratelimit, hono-rate-limiter, rate-limiter-flexible, @upstash/ratelimit.
 * Framework-specific limiters live with their framework (fastify/, nestjs/, nextjs/ rate-limit.ts).
 */

const EXPRESS_RATE_LIMIT = /^express-rate-limit(\.default|\.rateLimit)?$/;
const KOA_RATELIMIT = /^koa-ratelimit(\.default)?$/;
const HONO_RATE_LIMITER = /^hono-rate-limiter\.rateLimiter$/;
const FLEXIBLE = /^rate-limiter-flexible\.(RateLimiter\w+|BurstyRateLimiter)$/;

/** A limiter, a value that may limit but could not be read (`unknown`), or nothing. */
export type JsVerdict = Limiter | 'unknown' | undefined;

const GRAPH = {};

/** The workspace's JS module graph, built once per analysis. */
export function jsGraph(scope: RateLimitScope): ModuleGraph {
  return scope.memo(GRAPH, () => ModuleGraph.of(scope.ctx.sources));
}

function jsOptionsLimiter(scope: RateLimitScope, source: SourceFile, call: CallSite, library: string): Limiter {
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
  return scope.limiter(source, call.node, {
    library,
    ...(limit !== undefined ? { limit } : {}),
    ...(rate !== undefined ? { perMinute: rate } : {}),
    key,
    keyDetail,
    store,
    storeDetail,
  });
}

function flexibleLimiter(scope: RateLimitScope, source: SourceFile, call: CallSite, consumeKey: Node | undefined): Limiter {
  const options = objectOf(source, call.args[0]);
  const points = literalValue(option(source, options, 'points'));
  const duration = durationSeconds(source, option(source, options, 'duration'));
  const count = typeof points === 'number' ? points : 4;
  const window = duration ?? 1;
  const memory = /Memory$/.test(call.callee);
  return scope.limiter(source, call.node, {
    library: 'rate-limiter-flexible',
    limit: `${count} per ${humanWindow(window)}`,
    perMinute: perMinute(count, window) ?? 0,
    key: consumeKey ? keyFromText(consumeKey.text, 'custom') : 'custom',
    keyDetail: consumeKey ? `\`consume(${consumeKey.text})\`` : 'a custom key',
    store: memory ? 'memory' : 'shared',
    storeDetail: `\`${call.callee.split('.').pop() ?? call.callee}\``,
  });
}

/** A limiter called from a function body: `limiter.consume(req.ip)` (rate-limiter-flexible), `ratelimit.limit(id)` (@upstash/ratelimit). */
export function limiterCalledIn(scope: RateLimitScope, module: JsModule, fn: Node): JsVerdict {
  const source = module.source;
  const graph = jsGraph(scope);
  for (const call of callsWithin(source, fn)) {
    const match = /^(.*)\.(consume|limit)$/.exec(call.written);
    if (!match?.[1]) continue;
    const receiver = call.node.childForFieldName('function')?.childForFieldName('object');
    if (!receiver) continue;
    const resolved = graph.resolve(module, receiver);
    if (resolved.kind === 'node' && resolved.node.type === 'new_expression') {
      const site = callSiteAt(resolved.module.source, resolved.node);
      if (site && FLEXIBLE.test(site.callee)) return flexibleLimiter(scope, resolved.module.source, site, call.args[0]);
      if (site && /^@upstash\/ratelimit\.Ratelimit$/.test(site.callee)) {
        return scope.limiter(resolved.module.source, resolved.node, {
          library: '@upstash/ratelimit',
          key: call.args[0] ? keyFromText(call.args[0].text, 'custom') : 'custom',
          keyDetail: call.args[0] ? `\`limit(${call.args[0].text})\`` : 'a custom key',
          store: 'shared',
          storeDetail: 'Upstash Redis',
        });
      }
    }
    if (LIMITER_WORDS.test(match[1])) return 'unknown';
  }
  return undefined;
}

/** What a middleware value is: a limiter constructor call, a factory returning one, a function calling one. */
export function classifyJs(scope: RateLimitScope, module: JsModule, input: Node, depth = 0): JsVerdict {
  if (depth > 6) return undefined;
  const graph = jsGraph(scope);
  const resolved = graph.resolve(module, input);
  if (resolved.kind === 'external') return LIMITER_WORDS.test(resolved.specifier) ? 'unknown' : undefined;
  if (resolved.kind !== 'node') return LIMITER_WORDS.test(input.text) ? 'unknown' : undefined;
  const { node } = resolved;
  const source = resolved.module.source;
  if (node.type === 'call_expression' || node.type === 'new_expression') {
    const call = callSiteAt(source, node);
    if (call) {
      if (EXPRESS_RATE_LIMIT.test(call.callee)) return jsOptionsLimiter(scope, source, call, 'express-rate-limit');
      if (KOA_RATELIMIT.test(call.callee)) return jsOptionsLimiter(scope, source, call, 'koa-ratelimit');
      if (HONO_RATE_LIMITER.test(call.callee)) return jsOptionsLimiter(scope, source, call, 'hono-rate-limiter');
      const fn = node.childForFieldName('function');
      if (fn && fn.type !== 'member_expression') {
        const target = graph.resolve(resolved.module, fn);
        if (target.kind === 'node' && isFunctionNode(target.node)) {
          const returned = returnedValue(target.node);
          if (returned) return classifyJs(scope, target.module, returned, depth + 1);
        }
      }
    }
    return LIMITER_WORDS.test(node.text.slice(0, 80)) ? 'unknown' : undefined;
  }
  if (isFunctionNode(node)) return limiterCalledIn(scope, resolved.module, node);
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

/** Limiter middleware on the route's chain (app, router, route), and limiters the handler calls itself. */
export const jsLimiterLibraries: RateLimitProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  middleware(scope, endpoint, sink) {
    const graph = jsGraph(scope);
    const site = endpoint.sources.find((s) => s.kind === 'code')?.location;
    for (const where of endpoint.middleware ?? []) {
      const source = scope.source(where.file);
      const module = graph.modules.get(where.file);
      const node = source ? scope.nodeAt(source, where) : undefined;
      if (!node || !module) continue;
      const verdict = classifyJs(scope, module, node);
      const inRoute = site !== undefined && site.file === where.file && where.line >= site.line && where.line <= (site.endLine ?? site.line);
      if (verdict === 'unknown') sink.flag(`\`${snippetOf(node, 60)}\` may limit requests`);
      else if (verdict) sink.add({ limiter: verdict, level: inRoute ? 'route' : 'app' });
    }
  },
  handler(scope, endpoint, sink) {
    const handler = endpoint.handler;
    const module = handler ? jsGraph(scope).modules.get(handler.file) : undefined;
    const source = handler ? scope.source(handler.file) : undefined;
    const fn = handler && source ? scope.nodeAt(source, handler) : undefined;
    if (module && fn) {
      const verdict = limiterCalledIn(scope, module, fn);
      if (verdict === 'unknown') sink.flag('the handler calls a limiter that could not be resolved');
      else if (verdict) sink.add({ limiter: verdict, level: 'route' });
    }
  },
};
