import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../engine/context.js';
import type { Endpoint, Location, RateLimitEvidence } from '../model/types.js';
import type { SourceLanguage } from '../parsing/languages.js';
import { parentOf } from '../parsing/tree-index.js';
import type { CoverageSink, DecoratorVerdict, RateLimitProvider, RateLimitScope } from '../collectors/code/plugin.js';
import { rateLimitProviders } from '../collectors/code/plugins.js';
import { pythonHandler } from '../collectors/code/python/rate-limit.js';
import { locationOf, snippetOf } from './code.js';
import { gatewayRules } from './rate-limit/gateway.js';
import { lineStarts, positionOf } from '../collectors/spec/line-index.js';
import { type Applied, type Coverage, type Limiter, type RateLimitAnalysis, LEVEL_RANK } from './rate-limit/model.js';

/**
 * Rate limiting in place and what it covers, computed once per inventory. Framework-neutral: every
 * framework plugin's rate-limit provider (src/collectors/code/<framework>/rate-limit.ts, listed in
 * src/collectors/code/plugins.ts) reports the limiters on the endpoints it speaks for; gateway and proxy
 * configuration (./rate-limit/gateway.ts) covers the paths it routes.
 */

export type { Applied, Coverage, LimitKey, LimitLevel, Limiter, RateLimitAnalysis, StoreKind } from './rate-limit/model.js';
export { levelLabel, parseRate } from './rate-limit/model.js';
export { multiWorker, type WorkerEvidence } from './rate-limit/deployment.js';
export { traceInput, type InputTrace } from './request-input.js';

/** The decorators of a route's handler, for the languages that have them, in the order providers are asked. */
const DECORATORS: Partial<Record<SourceLanguage, (scope: RateLimitScope, endpoint: Endpoint) => { source: SourceFile; decorators: Node[] } | undefined>> = {
  python: pythonHandler,
};

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

function makeScope(ctx: CheckContext, limiters: Map<string, Limiter>): RateLimitScope {
  const byFile = new Map(ctx.sources.map((source) => [source.file, source]));
  const memos = new Map<object, unknown>();
  const remember = (limiter: Limiter): Limiter => {
    const key = `${limiter.location.file}:${limiter.location.line}:${limiter.location.column ?? 0}`;
    const known = limiters.get(key);
    if (known) return known;
    limiters.set(key, limiter);
    return limiter;
  };
  return {
    ctx,
    source: (file) => byFile.get(file),
    nodeAt,
    remember,
    limiter: (source, node, fields) => remember({ ...fields, location: locationOf(source, node), snippet: snippetOf(node), storeLocation: locationOf(source, node) }),
    memo<T>(key: object, make: () => T): T {
      if (memos.has(key)) return memos.get(key) as T;
      const value = make();
      memos.set(key, value);
      return value;
    },
  };
}

/** A limit a collector read itself (Laravel's `throttle:` middleware), for frameworks without a provider; one Limiter per place. */
function collectedLimiter(limiters: Map<string, Limiter>, where: Location, evidence: RateLimitEvidence): Limiter {
  const id = `collected:${where.file}:${String(where.line)}:${String(where.column ?? 0)}`;
  const known = limiters.get(id);
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
  limiters.set(id, limiter);
  return limiter;
}

function applies(provider: RateLimitProvider, via: string, language: SourceLanguage | undefined): boolean {
  return (provider.frameworks?.includes(via) ?? false) || (language !== undefined && (provider.languages?.includes(language) ?? false));
}

const cache = new WeakMap<object, RateLimitAnalysis>();

/** Every endpoint's rate-limit coverage; computed once per inventory. */
export function rateLimitAnalysis(ctx: CheckContext): RateLimitAnalysis {
  const cached = cache.get(ctx.inventory);
  if (cached) return cached;
  const limiters = new Map<string, Limiter>();
  const scope = makeScope(ctx, limiters);
  const providers = rateLimitProviders();
  const gateway = gatewayRules(ctx);
  const coverage = new Map<string, Coverage>();
  const covered = new Map<Limiter, Endpoint[]>();
  for (const endpoint of ctx.inventory.endpoints) {
    const code = endpoint.sources.find((s) => s.kind === 'code');
    const applied: Applied[] = [];
    const unknown: string[] = [];
    let exemptReason: string | undefined;
    const sink: CoverageSink = {
      add(entry) {
        if (!applied.some((a) => a.limiter === entry.limiter)) applied.push(entry);
      },
      flag(reason) {
        unknown.push(reason);
      },
      exempt(reason) {
        exemptReason = reason;
      },
    };
    if (code) {
      const source = scope.source(endpoint.handler?.file ?? code.location.file) ?? scope.source(code.location.file);
      const language = source?.language;
      const mine = providers.filter((provider) => applies(provider, code.via, language));
      if (mine.length > 0) askProviders(scope, endpoint, mine, language, sink);
      else if (endpoint.rateLimit?.state === 'present' && endpoint.rateLimit.where) sink.add({ limiter: collectedLimiter(limiters, endpoint.rateLimit.where, endpoint.rateLimit), level: 'route' });
      if (applied.length === 0 && unknown.length === 0 && exemptReason === undefined) {
        const own = handlerAnswersTooMany(scope, endpoint);
        if (own) sink.flag(own);
      }
    }
    if (exemptReason !== undefined) applied.length = 0;
    for (const rule of gateway) if (rule.covers(endpoint.path)) sink.add({ limiter: rule.limiter, level: 'gateway' });
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
  const result: RateLimitAnalysis = { limiters: [...new Set([...limiters.values(), ...covered.keys()])], coverage, covered };
  cache.set(ctx.inventory, result);
  return result;
}

/** A response of 429 Too Many Requests, or its `Retry-After` header, in any language's spelling. */
const TOO_MANY = /\b(?:429|StatusTooManyRequests|HTTP_429_TOO_MANY_REQUESTS|TOO_MANY_REQUESTS|TooManyRequests\w*|too_many_requests)\b|Retry-After/;
const lineIndexes = new WeakMap<SourceFile, Uint32Array>();

function startsOf(source: SourceFile): Uint32Array {
  let starts = lineIndexes.get(source);
  if (!starts) {
    starts = lineStarts(source.text);
    lineIndexes.set(source, starts);
  }
  return starts;
}

/**
 * A handler that answers 429 Too Many Requests itself (a login that counts failed attempts, a view that
 * checks its own budget) limits its requests in a way no provider reads: its coverage is unknown, never
 * missing, so the app is not called unlimited.
 */
function handlerAnswersTooMany(scope: RateLimitScope, endpoint: Endpoint): string | undefined {
  const handler = endpoint.handler;
  const source = handler ? scope.source(handler.file) : undefined;
  if (!handler || !source) return undefined;
  const starts = startsOf(source);
  const from = starts[handler.line - 1];
  if (from === undefined) return undefined;
  const to = starts[handler.endLine ?? handler.line] ?? source.text.length;
  const match = TOO_MANY.exec(source.text.slice(from, to));
  if (!match) return undefined;
  const { line } = positionOf(starts, from + match.index);
  return `the handler answers 429 Too Many Requests itself (${handler.file}:${String(line)}): a limit of its own that apisec does not read`;
}

/** The phases of the contract (plugin.ts), each provider in registry order; a `stop` verdict ends the endpoint's code evidence. */
function askProviders(scope: RateLimitScope, endpoint: Endpoint, providers: readonly RateLimitProvider[], language: SourceLanguage | undefined, sink: CoverageSink): void {
  for (const provider of providers) provider.middleware?.(scope, endpoint, sink);
  const withDecorators = providers.filter((provider) => provider.decorator !== undefined);
  const handler = withDecorators.length > 0 && language ? DECORATORS[language]?.(scope, endpoint) : undefined;
  for (const decorator of handler?.decorators ?? []) {
    let verdict: DecoratorVerdict;
    for (const provider of withDecorators) {
      verdict = handler ? provider.decorator?.(scope, endpoint, decorator, handler.source, sink) : undefined;
      if (verdict) break;
    }
    if (verdict === 'stop') return;
    // A decorator no provider reads, named like a limiter: it may limit requests.
    if (!verdict && /ratelimit|throttl/i.test(decorator.text)) sink.flag(`\`@${snippetOf(decorator, 60)}\` may limit requests`);
  }
  for (const provider of providers) provider.endpoint?.(scope, endpoint, sink);
  for (const provider of providers) provider.handler?.(scope, endpoint, sink);
}

/** Every limiter found in the code, covering routes or not. */
export function declaredLimiters(ctx: CheckContext): Limiter[] {
  return rateLimitAnalysis(ctx).limiters;
}
