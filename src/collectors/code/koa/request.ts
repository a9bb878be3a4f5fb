import { factsOf } from '../../../analysis/code.js';
import type { CheckContext } from '../../../engine/context.js';
import { isJsFamily } from '../../../parsing/languages.js';
import type { RequestSourceProvider } from '../plugin.js';

const flatQueryCache = new WeakMap<CheckContext, boolean>();

/**
 * Koa parses the query string with `querystring`: strings or arrays of strings, never objects that could
 * carry `$ne`, unless the app swaps in a nested parser (koa-qs, qs-middleware). The manifest may sit above
 * the audited folder (a `server/` directory of a larger repository): the modules the code imports tell the same thing.
 */
function flatQuery(ctx: CheckContext): boolean {
  const cached = flatQueryCache.get(ctx);
  if (cached !== undefined) return cached;
  const npm = ctx.project.dependencies.npm ?? [];
  const imported = new Set<string>();
  for (const source of ctx.sources) {
    if (!isJsFamily(source.language)) continue;
    for (const module of factsOf(source).imports.values()) imported.add(module.split('.')[0] ?? module);
  }
  const uses = (name: string): boolean => npm.includes(name) || imported.has(name);
  const flat = uses('koa') && !uses('koa-qs') && !uses('qs-middleware');
  flatQueryCache.set(ctx, flat);
  return flat;
}

/** Koa: the context `ctx` (only its request delegates: it also holds the app's state) and `ctx.request`; `querystring`; a file sent through `ctx.res`. */
export const koaRequest: RequestSourceProvider = {
  family: 'js',
  traced: { receivers: ['ctx', 'context'], attributes: [String.raw`request\.(query|body)`] },
  bases: ['ctx', 'ctx.request'],
  attributes: { querystring: true },
  only: { ctx: ['query', 'params', 'headers', 'cookies', 'querystring', 'request', 'get', 'url', 'path'] },
  flatQuery: { bases: ['ctx', 'ctx.request'], flat: flatQuery },
  bodies: [String.raw`(await\s+)?(ctx\.request|ctx)\.(body|json\(\))`],
  fileResponses: { methods: ['sendFile', 'download'], receivers: ['ctx.res'] },
  query: { queries: [String.raw`(ctx|ctx\.request)\.(query|queryStringParameters)`] },
};
