/**
 * Ktor's RateLimit plugin: `install(RateLimit) { global { rateLimiter(limit = 100, refillPeriod = 60.seconds) } }`
 * limits every route of the application; `register(RateLimitName("login")) { rateLimiter(…); requestKey { … } }`
 * (or an unnamed `register { }`) declares a limiter that the routes inside `rateLimit(RateLimitName("login")) { … }`
 * (or `rateLimit { }`) use. Buckets live in the server's memory; `requestKey { call.request.origin.remoteHost }`
 * keys them by client address. A `rateLimit` block naming a limiter apisec cannot find still limits (Ktor refuses to
 * start otherwise): a limiter whose limit is not read. A global limiter limits the routes of its own application
 * (service module): the collector lists it first in the route's `middleware`, as it lists the `rateLimit` blocks.
 */
import type { Node } from 'web-tree-sitter';
import { type LimitKey, type Limiter, humanWindow, keyFromText, perMinute } from '../../../analysis/rate-limit/model.js';
import type { Endpoint } from '../../../model/types.js';
import type { RateLimitProvider, RateLimitScope } from '../plugin.js';
import { descendants, jvmFiles, literalString, type JvmFile } from '../jvm/ast.js';
import { asCall, statementsOf, type JvmCall } from '../jvm/calls.js';

interface Declared {
  file: JvmFile;
  node: Node;
  config: Node;
}

interface Registry {
  global: Declared[];
  /** Limiter name (`''` for the unnamed `register { }`) → its declaration. */
  named: Map<string, Declared>;
}

const REGISTRY = {};
const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const UNITS: Record<string, number> = { nanoseconds: 1e-9, microseconds: 1e-6, milliseconds: 1e-3, seconds: 1, minutes: 60, hours: 3600, days: 86400 };

/** `RateLimitName("login")` → `login`; no argument → `''`. */
function limiterName(call: JvmCall): string | undefined {
  const arg = call.args[0];
  if (!arg) return '';
  const inner = asCall(arg);
  const text = inner?.name === 'RateLimitName' && inner.args[0] ? literalString(inner.args[0]) : literalString(arg);
  return text;
}

function registry(scope: RateLimitScope): Registry {
  return scope.memo(REGISTRY, () => {
    const out: Registry = { global: [], named: new Map() };
    for (const file of jvmFiles(scope.ctx.sources)) {
      if (file.language !== 'kotlin' || !file.source.text.includes('RateLimit')) continue;
      for (const node of descendants(file.source.tree.rootNode, CALLS)) {
        const call = asCall(node);
        if (call?.name !== 'install' || call.args[0]?.text !== 'RateLimit' || !call.lambda) continue;
        for (const statement of statementsOf(call.lambda)) {
          const inner = asCall(statement);
          if (!inner?.lambda) continue;
          if (inner.name === 'global') out.global.push({ file, node: inner.node, config: inner.lambda });
          else if (inner.name === 'register') {
            const name = limiterName(inner);
            if (name !== undefined) out.named.set(name, { file, node: inner.node, config: inner.lambda });
          }
        }
      }
    }
    return out;
  });
}

/** `60.seconds`, `1.minutes`, `Duration.ofSeconds(60)`, `60.toDuration(DurationUnit.SECONDS)`: seconds. */
function seconds(node: Node | undefined): number | undefined {
  if (!node) return undefined;
  const text = node.text.replace(/\s+/g, '');
  const kotlin = /^(\d+(?:\.\d+)?)\.(nanoseconds|microseconds|milliseconds|seconds|minutes|hours|days)$/.exec(text);
  if (kotlin) return Number(kotlin[1]) * (UNITS[kotlin[2] ?? ''] ?? NaN);
  const java = /^Duration\.of(Nanos|Millis|Seconds|Minutes|Hours|Days)\((\d+)L?\)$/.exec(text);
  const javaUnits: Record<string, number> = { Nanos: 1e-9, Millis: 1e-3, Seconds: 1, Minutes: 60, Hours: 3600, Days: 86400 };
  if (java) return Number(java[2]) * (javaUnits[java[1] ?? ''] ?? NaN);
  return undefined;
}

function limiterOf(scope: RateLimitScope, declared: Declared, label: string): Limiter {
  let count: number | undefined;
  let window: number | undefined;
  let key: LimitKey = 'global';
  let keyDetail = 'one bucket for every caller';
  for (const statement of statementsOf(declared.config)) {
    const call = asCall(statement);
    if (!call) continue;
    if (call.name === 'rateLimiter') {
      const limit = call.named.get('limit') ?? (call.named.size === 0 ? call.args[0] : undefined);
      const period = call.named.get('refillPeriod') ?? (call.named.size === 0 ? call.args[1] : undefined);
      const parsed = limit ? Number(limit.text.replace(/_/g, '')) : NaN;
      if (Number.isFinite(parsed)) count = parsed;
      window = seconds(period);
    } else if (call.name === 'requestKey' && call.lambda) {
      const text = call.lambda.text;
      key = /remoteHost|remoteAddress|origin\.remote|X-Forwarded-For/i.test(text) ? 'ip' : keyFromText(text, 'custom');
      keyDetail = `requestKey ${text.replace(/\s+/g, ' ').slice(0, 60)}`;
    }
  }
  const rate = perMinute(count, window);
  return scope.limiter(declared.file.source, declared.node, {
    library: `Ktor RateLimit ${label}`,
    ...(count !== undefined && window !== undefined ? { limit: `${count} per ${humanWindow(window)}` } : {}),
    ...(rate !== undefined ? { perMinute: rate } : {}),
    key,
    keyDetail,
    store: 'memory',
    storeDetail: 'the Ktor server’s in-memory buckets',
  });
}

export const ktorRateLimit: RateLimitProvider = {
  frameworks: ['ktor'],
  middleware(scope: RateLimitScope, endpoint: Endpoint, sink) {
    const found = registry(scope);
    for (const where of endpoint.middleware ?? []) {
      const global = found.global.find((declared) => declared.file.source.file === where.file && declared.node.startPosition.row + 1 === where.line && declared.node.startPosition.column + 1 === where.column);
      if (global) {
        sink.add({ limiter: limiterOf(scope, global, 'global'), level: 'app' });
        continue;
      }
      const source = scope.source(where.file);
      const node = source ? scope.nodeAt(source, where) : undefined;
      let call: JvmCall | undefined;
      for (let current: Node | null | undefined = node; current && !call; current = current.parent) {
        const candidate = current.type === 'call_expression' ? asCall(current) : undefined;
        if (candidate?.name === 'rateLimit') call = candidate;
      }
      if (!call) continue;
      const name = limiterName(call);
      const declared = name === undefined ? undefined : found.named.get(name);
      if (declared) sink.add({ limiter: limiterOf(scope, declared, name ? `"${name}"` : '(default)'), level: 'router' });
      else if (source) {
        // Ktor refuses to start when a `rateLimit` block names no registered limiter: one exists, apisec could not read it.
        sink.add({
          limiter: scope.limiter(source, call.node, {
            library: `Ktor RateLimit ${name ? `"${name}"` : '(default)'}`,
            key: 'custom',
            keyDetail: 'a limiter registered where apisec could not read it',
            store: 'unknown',
            storeDetail: 'a limiter registered where apisec could not read it',
          }),
          level: 'router',
        });
      }
    }
  },
};
