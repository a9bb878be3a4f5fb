import type { Node } from 'web-tree-sitter';
import { type LimitKey, type Limiter, type StoreKind, humanWindow, keyFromText, perMinute } from '../../../analysis/rate-limit/model.js';
import type { Endpoint, Location } from '../../../model/types.js';
import type { RateLimitProvider, RateLimitScope } from '../plugin.js';
import { type JvmAnnotation, type JvmClass, type JvmFile, type JvmMethod, descendants, jvmFiles, literalString, locate } from '../jvm/ast.js';
import { asCall } from '../jvm/calls.js';
import { JvmConfig, moduleOf, type Properties } from '../jvm/config.js';
import { antCoverage } from '../jvm/paths.js';

/**
 * Spring rate limiting:
 * - resilience4j `@RateLimiter(name = "…")` on a handler or its controller, its limit from
 *   `resilience4j.ratelimiter.instances.<name>` (or `configs.default`) in application.yml/properties;
 *   one limiter shared by every caller, in process memory;
 * - Bucket4j buckets consumed in the handler (`bucket.tryConsume(1)`) or in a `HandlerInterceptor` / servlet
 *   filter that answers 429, registered for path patterns (`addInterceptor(…).addPathPatterns("/api/**")`);
 *   local buckets (`Bucket.builder()`) live in process memory, `ProxyManager` buckets in a shared store;
 * - a project annotation enforced by an AOP aspect (`@Around("@annotation(x.Limit)")`, `@Before("@annotation(limit)")`)
 *   whose advice calls a counter (a Redis script or `increment`, a Guava/Redisson `tryAcquire`, a Bucket4j
 *   `tryConsume`) and throws when it is exceeded: the handlers carrying the annotation are limited, by its
 *   `count`/`period` (or the annotation type's defaults); an aspect that never throws limits nothing;
 * - bucket4j-spring-boot-starter filters in application.yml (`bucket4j.filters[n]` with a `url` regular
 *   expression and `rate-limits[m].bandwidths[k]` capacity/time/unit, keyed by `cache-key`);
 * - Spring Cloud Gateway's `RequestRateLimiter` filter in application.yml (route filters or `default-filters`):
 *   Redis-backed, keyed by the `key-resolver` bean (the principal's name by default), in front of the services
 *   whose paths its `Path=` predicates route.
 */

const RESILIENCE4J = /^io\.github\.resilience4j\.ratelimiter\.annotation\.RateLimiter$/;
const LIMITER_NAME = /^(RateLimit\w*|Throttl\w*|\w*RateLimit(ed|er)?)$/;
const CONSUME = new Set(['tryConsume', 'tryConsumeAndReturnRemaining', 'consumeIgnoringRateLimits', 'estimateAbilityToConsume', 'asBlocking', 'asScheduler']);
const TOO_MANY = /\b429\b|TOO_MANY_REQUESTS|SC_TOO_MANY_REQUESTS|TooManyRequests/;

interface Index {
  methods: Map<string, JvmMethod>;
  files: JvmFile[];
  config: JvmConfig;
}

const INDEX = {};
const GUARDS = {};
const GATEWAY = {};
const ASPECTS = {};
const STARTER = {};

function index(scope: RateLimitScope): Index {
  return scope.memo(INDEX, () => {
    const files = jvmFiles(scope.ctx.sources);
    const methods = new Map<string, JvmMethod>();
    for (const file of files) {
      for (const cls of allClasses(file)) for (const method of cls.methods) methods.set(key(locate(file, method.nameNode)), method);
      for (const fn of file.functions) methods.set(key(locate(file, fn.nameNode)), fn);
    }
    return { methods, files, config: new JvmConfig(scope.ctx.infra) };
  });
}

function allClasses(file: JvmFile): JvmClass[] {
  return file.classes;
}

function key(location: Location): string {
  return `${location.file}:${location.line}:${location.column ?? 0}`;
}

/** An annotation's qualified name, from the file's imports (or as written when qualified). */
function qualified(file: JvmFile, annotation: JvmAnnotation): string {
  const written = annotation.node.text.replace(/^@/, '').split('(')[0]?.trim() ?? annotation.name;
  if (written.includes('.')) return written;
  return file.imports.get(annotation.name) ?? (file.wildcards.includes('io.github.resilience4j.ratelimiter.annotation') ? `io.github.resilience4j.ratelimiter.annotation.${annotation.name}` : annotation.name);
}

/** `1s`, `500ms`, `1m`, `PT1M`, `10000` (milliseconds): seconds. */
function durationSeconds(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const value = text.trim();
  const iso = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+(?:\.\d+)?)S)?$/i.exec(value);
  if (iso && value.length > 2) return Number(iso[1] ?? 0) * 3600 + Number(iso[2] ?? 0) * 60 + Number(iso[3] ?? 0);
  const simple = /^(\d+(?:\.\d+)?)\s*(ns|us|ms|s|m|h|d)?$/i.exec(value);
  if (!simple) return undefined;
  const units: Record<string, number> = { ns: 1e-9, us: 1e-6, ms: 1e-3, s: 1, m: 60, h: 3600, d: 86400 };
  return Number(simple[1]) * (units[(simple[2] ?? 'ms').toLowerCase()] ?? NaN);
}

function prop(properties: Properties, ...keys: string[]): string | undefined {
  for (const name of keys) {
    const value = properties.get(name)?.value;
    if (value !== undefined) return JvmConfig.resolve(value, properties) ?? value;
  }
  return undefined;
}

function limitText(count: number | undefined, window: number | undefined): { limit?: string; perMinute?: number } {
  let c = count;
  let w = window;
  while (c !== undefined && w !== undefined && c < 1 && w < 3600) {
    c *= 60;
    w *= 60;
  }
  const rate = perMinute(c, w);
  return { ...(c !== undefined && w !== undefined ? { limit: `${c} per ${humanWindow(w)}` } : {}), ...(rate !== undefined ? { perMinute: rate } : {}) };
}

function resilience4jLimiter(scope: RateLimitScope, file: JvmFile, annotation: JvmAnnotation, properties: Properties): Limiter {
  const nameNode = annotation.args.get('name')?.[0] ?? annotation.args.get('value')?.[0];
  const name = nameNode ? literalString(nameNode) : undefined;
  const instance = name === undefined ? undefined : `resilience4j.ratelimiter.instances.${name}`;
  const base = (instance && prop(properties, `${instance}.base-config`, `${instance}.baseConfig`)) ?? 'default';
  const read = (field: string, kebab: string): string | undefined =>
    (instance ? prop(properties, `${instance}.${field}`, `${instance}.${kebab}`) : undefined) ?? prop(properties, `resilience4j.ratelimiter.configs.${base}.${field}`, `resilience4j.ratelimiter.configs.${base}.${kebab}`);
  const countText = read('limitForPeriod', 'limit-for-period');
  const periodText = read('limitRefreshPeriod', 'limit-refresh-period');
  // resilience4j's defaults: 50 permits every 500 ns, no limit worth the name.
  const count = countText === undefined ? 50 : Number(countText);
  const window = periodText === undefined ? 5e-7 : durationSeconds(periodText);
  const limit = Number.isFinite(count) ? limitText(count, window) : {};
  return scope.limiter(file.source, annotation.node, {
    library: 'resilience4j @RateLimiter',
    ...limit,
    key: 'global',
    keyDetail: `one \`${name ?? 'unnamed'}\` limiter shared by every caller`,
    store: 'memory',
    storeDetail: 'the resilience4j limiter in process memory',
  });
}

/** A Bucket4j bucket built in a class: its bandwidth, store and key, read from the construction. */
function bucketLimiter(scope: RateLimitScope, file: JvmFile, cls: JvmClass, at: Node): Limiter | undefined {
  const text = cls.node.text;
  if (![...file.imports.values(), ...file.wildcards].some((name) => name.startsWith('io.github.bucket4j') || name.startsWith('com.giffing.bucket4j'))) return undefined;
  const builders = descendants(cls.node, new Set(['method_invocation', 'call_expression'])).filter((node) => {
    const call = asCall(node);
    return call?.name === 'builder' && /^(Bucket|Bucket4j)$/.test(call.receiver?.text ?? '');
  });
  const proxy = /\bProxyManager\b|\bproxyManager\b/.test(text);
  const construction = builders[0] ?? at;
  const units: Record<string, number> = { Nanos: 1e-9, Millis: 1e-3, Seconds: 1, Minutes: 60, Hours: 3600, Days: 86400 };
  const classic = /(?:capacity\(\s*(\d+)\s*\)[\s\S]{0,80}?refill\w*\(\s*(\d+)\s*,\s*Duration\.of(\w+)\(\s*(\d+)\s*\)|(?:classic|simple)\(\s*(\d+)\s*,[\s\S]{0,60}?Duration\.of(\w+)\(\s*(\d+)\s*\))/.exec(text);
  let count: number | undefined;
  let window: number | undefined;
  if (classic?.[2] !== undefined) {
    count = Number(classic[2]);
    window = (units[classic[3] ?? ''] ?? NaN) * Number(classic[4]);
  } else if (classic?.[5] !== undefined) {
    count = Number(classic[5]);
    window = (units[classic[6] ?? ''] ?? NaN) * Number(classic[7]);
  }
  const keyed = /computeIfAbsent\(\s*([^,]+),/.exec(text)?.[1]?.trim();
  const keyValue: LimitKey = keyed ? (/getRemoteAddr|RemoteAddress|X-Forwarded-For|clientIp|\bip\b/i.test(keyed) ? 'ip' : keyFromText(keyed, 'custom')) : 'global';
  const store: StoreKind = proxy ? 'shared' : builders.length > 0 ? 'memory' : 'unknown';
  return scope.limiter(file.source, construction, {
    library: 'Bucket4j',
    ...(count !== undefined && Number.isFinite(window) ? limitText(count, window) : {}),
    key: keyValue,
    keyDetail: keyed ? `buckets per \`${keyed.slice(0, 60)}\`` : 'one bucket for every caller',
    store,
    storeDetail: proxy ? 'a `ProxyManager` (distributed buckets)' : builders.length > 0 ? 'a local bucket in process memory' : 'an unread bucket',
  });
}

/** `bucket.tryConsume(1)` in a method body (Bucket4j). */
function consumes(body: Node | undefined): Node | undefined {
  if (!body) return undefined;
  return descendants(body, new Set(['method_invocation', 'call_expression'])).find((node) => {
    const call = asCall(node);
    return call !== undefined && CONSUME.has(call.name) && call.receiver !== undefined;
  });
}

interface Guard {
  limiter: Limiter;
  module: string;
  /** Ant patterns it applies to; empty: every route of the module. */
  include: string[];
  exclude: string[];
}

/**
 * Whether `addInterceptor(arg)` registers `cls`: `new X(…)`, a name spelled after it, or a field or constructor
 * parameter of the configuration class declared with its type (`private final ThrottleInterceptor throttle`).
 */
function registers(file: JvmFile, arg: Node, cls: JvmClass): boolean {
  if (new RegExp(`\\b${cls.name}\\b|\\b${cls.name.charAt(0).toLowerCase()}${cls.name.slice(1)}\\b`).test(arg.text)) return true;
  const name = /^(?:this\.)?(\w+)$/.exec(arg.text)?.[1];
  if (!name) return false;
  const owner = allClasses(file).find((candidate) => candidate.node.startIndex <= arg.startIndex && arg.endIndex <= candidate.node.endIndex);
  if (!owner) return false;
  if (owner.fields.get(name) === cls.name) return true;
  return owner.methods.some((method) => method.node.startIndex <= arg.startIndex && arg.endIndex <= method.node.endIndex && method.parameters.some((param) => param.name === name && param.type === cls.name));
}

/** Interceptors and filters that consume a bucket and answer 429, with the paths they are registered for. */
function guards(scope: RateLimitScope): Guard[] {
  return scope.memo(GUARDS, () => {
    const { files } = index(scope);
    const out: Guard[] = [];
    for (const file of files) {
      for (const cls of allClasses(file)) {
        const interceptor = cls.superTypes.some((type) => /^(HandlerInterceptor|AsyncHandlerInterceptor|WebRequestInterceptor)$/.test(type));
        const filter = cls.superTypes.some((type) => /^(OncePerRequestFilter|Filter|GenericFilterBean|WebFilter)$/.test(type));
        if (!interceptor && !filter) continue;
        const entry = cls.methods.find((method) => /^(preHandle|doFilterInternal|doFilter|filter)$/.test(method.name));
        const consumed = consumes(entry?.body);
        if (!entry || !consumed || !TOO_MANY.test(entry.body?.text ?? '')) continue;
        const limiter = bucketLimiter(scope, file, cls, consumed);
        if (!limiter) continue;
        const module = moduleOf(file.source.file);
        if (filter) {
          // A filter bean runs for every request of its application.
          if (cls.annotations.some((a) => /^(Component|Service|Configuration)$/.test(a.name))) out.push({ limiter, module, include: [], exclude: [] });
          continue;
        }
        // `registry.addInterceptor(new X(…)).addPathPatterns("/api/**").excludePathPatterns(…)`.
        for (const other of files) {
          if (moduleOf(other.source.file) !== module || !other.source.text.includes('addInterceptor')) continue;
          for (const node of descendants(other.source.tree.rootNode, new Set(['method_invocation', 'call_expression']))) {
            const call = asCall(node);
            if (call?.name !== 'addInterceptor' || !call.args[0] || !registers(other, call.args[0], cls)) continue;
            const include: string[] = [];
            const exclude: string[] = [];
            for (let outer = node.parent; outer && (outer.type === 'method_invocation' || outer.type === 'navigation_expression' || outer.type === 'call_expression' || outer.type === 'call_suffix'); outer = outer.parent) {
              const chained = asCall(outer);
              const strings = (chained?.args ?? []).flatMap((arg) => descendants(arg, new Set(['string_literal', 'line_string_literal'])).concat(arg.type.includes('string') ? [arg] : [])).map((arg) => literalString(arg)).filter((value): value is string => value !== undefined);
              if (chained?.name === 'addPathPatterns') include.push(...strings);
              if (chained?.name === 'excludePathPatterns') exclude.push(...strings);
            }
            out.push({ limiter, module, include, exclude });
          }
        }
      }
    }
    return out;
  });
}

interface GatewayRoute {
  limiter: Limiter;
  /** Path patterns as the services see them (after `StripPrefix`); empty: every path. */
  patterns: string[];
}

/** Spring Cloud Gateway routes with a `RequestRateLimiter` filter (or one in `default-filters`). */
function gatewayRoutes(scope: RateLimitScope): GatewayRoute[] {
  return scope.memo(GATEWAY, () => {
    const out: GatewayRoute[] = [];
    const seen = new Map<string, number>();
    for (const [, properties] of index(scope).config.modules()) {
      for (const prefix of ['spring.cloud.gateway', 'spring.cloud.gateway.server.webflux']) {
        const filtersOf = (base: string): { name: string; args: string; where: Location; index: string }[] => {
          const found: { name: string; args: string; where: Location; index: string }[] = [];
          for (const [name, value] of properties) {
            const match = new RegExp(`^${base.replace(/[.[\]]/g, '\\$&')}\\[(\\d+)\\](\\.name)?$`).exec(name);
            if (!match) continue;
            const [filterName, args = ''] = value.value.split('=', 2);
            found.push({ name: (filterName ?? '').trim(), args, where: value.where, index: `${base}[${match[1] ?? ''}]` });
          }
          return found;
        };
        const limiterOf = (filter: { args: string; where: Location; index: string }): Limiter => {
          const arg = (name: string): string | undefined => prop(properties, `${filter.index}.args.${name}`);
          const replenish = Number(arg('redis-rate-limiter.replenishRate') ?? arg('redis-rate-limiter.replenish-rate') ?? NaN);
          // Each request costs `requestedTokens` (1 by default): 1 token a second at 10 a request is one request every 10 s.
          const cost = Number(arg('redis-rate-limiter.requestedTokens') ?? arg('redis-rate-limiter.requested-tokens') ?? 1);
          const resolver = arg('key-resolver') ?? arg('keyResolver');
          // The flattened keys lose their lines: the n-th `RequestRateLimiter` of the file is this one.
          const source = scope.ctx.infra.find((file) => file.file === filter.where.file);
          const nth = seen.get(filter.where.file) ?? 0;
          seen.set(filter.where.file, nth + 1);
          const lines = source?.text.split('\n') ?? [];
          const hits = lines.flatMap((line, at) => (/RequestRateLimiter/.test(line) && !/^\s*#/.test(line) ? [at + 1] : []));
          const line = hits[nth] ?? filter.where.line;
          const where: Location = { file: filter.where.file, line };
          const snippet = lines[line - 1]?.trim() ?? 'RequestRateLimiter';
          return scope.remember({
            library: 'Spring Cloud Gateway RequestRateLimiter',
            ...(Number.isFinite(replenish) && Number.isFinite(cost) && cost > 0 ? limitText(replenish / cost, 1) : {}),
            key: resolver ? keyFromText(resolver, 'custom') : 'user',
            keyDetail: resolver ? `key-resolver \`${resolver}\`` : 'the principal’s name (default key resolver)',
            store: 'shared',
            storeDetail: 'Redis (RedisRateLimiter)',
            location: where,
            snippet,
            storeLocation: where,
          });
        };
        for (const filter of filtersOf(`${prefix}.default-filters`)) if (filter.name === 'RequestRateLimiter') out.push({ limiter: limiterOf(filter), patterns: [] });
        for (let route = 0; route < 200; route += 1) {
          const base = `${prefix}.routes[${route}]`;
          if (![...properties.keys()].some((name) => name.startsWith(`${base}.`))) break;
          const filters = filtersOf(`${base}.filters`);
          const limiter = filters.find((filter) => filter.name === 'RequestRateLimiter');
          if (!limiter) continue;
          const strip = Number(filters.find((filter) => filter.name === 'StripPrefix')?.args ?? prop(properties, `${filters.find((filter) => filter.name === 'StripPrefix')?.index ?? '-'}.args.parts`) ?? 0);
          const patterns: string[] = [];
          for (const predicate of filtersOf(`${base}.predicates`)) {
            if (predicate.name !== 'Path') continue;
            const listed = predicate.args ? predicate.args.split(',') : [...properties].filter(([name]) => name.startsWith(`${predicate.index}.args.`)).map(([, value]) => value.value);
            for (const pattern of listed) patterns.push(`/${pattern.trim().split('/').filter(Boolean).slice(Number.isFinite(strip) ? strip : 0).join('/')}`);
          }
          out.push({ limiter: limiterOf(limiter), patterns });
        }
      }
    }
    return out;
  });
}

interface AspectLimiter {
  /** Qualified name of the annotation the advice intercepts (simple name when unresolved). */
  annotation: string;
  /** The annotation type's declaration (its `default` values), when in the project. */
  declaration: string | undefined;
  file: JvmFile;
  advice: JvmMethod;
  store: StoreKind;
  storeDetail: string;
}

const COUNTERS = /\.(execute|increment|incr|incrBy|tryAcquire|tryConsume|acquire|trySetRate)\s*\(/;

/** `@Around("@annotation(me.x.Limit)")`, `@Before("@annotation(limit)")` with a `Limit limit` parameter, or a named `@Pointcut`. */
function adviceTarget(cls: JvmClass, advice: JvmMethod, expression: string, depth = 0): string | undefined {
  const direct = /@annotation\(\s*([\w.]+)\s*\)/.exec(expression)?.[1];
  if (direct) {
    const param = advice.parameters.find((item) => item.name === direct);
    if (param) return cls.file.imports.get(param.type) ?? param.type;
    return direct.includes('.') ? direct : (cls.file.imports.get(direct) ?? direct);
  }
  const pointcut = /^\s*(\w+)\(\)\s*$/.exec(expression)?.[1];
  const declared = pointcut ? cls.methods.find((method) => method.name === pointcut) : undefined;
  const value = declared ? annotationOf(declared.annotations, 'Pointcut') : undefined;
  return value !== undefined && depth < 2 ? adviceTarget(cls, advice, value, depth + 1) : undefined;
}

function annotationOf(list: readonly JvmAnnotation[], name: string): string | undefined {
  const found = list.find((item) => item.name === name);
  const value = found?.args.get('value')?.[0];
  return value ? literalString(value) : undefined;
}

/** Whether the advice rejects: a `throw` under a condition (not only in a catch of its own failure), or a 429 answer. */
function rejects(advice: JvmMethod): boolean {
  const body = advice.body;
  if (!body) return false;
  const throws = descendants(body, new Set(['throw_statement', 'jump_expression'])).filter((node) => node.type === 'throw_statement' || node.text.startsWith('throw'));
  const conditional = throws.some((node) => {
    for (let current = node.parent; current && current.id !== body.id; current = current.parent) {
      if (current.type === 'catch_clause') return false;
      if (current.type === 'if_statement' || current.type === 'if_expression' || current.type === 'when_expression') return true;
    }
    return false;
  });
  return conditional || TOO_MANY.test(body.text);
}

function aspectLimiters(scope: RateLimitScope): AspectLimiter[] {
  return scope.memo(ASPECTS, () => {
    const { files } = index(scope);
    const out: AspectLimiter[] = [];
    for (const file of files) {
      for (const cls of allClasses(file)) {
        if (!cls.annotations.some((item) => item.name === 'Aspect')) continue;
        for (const advice of cls.methods) {
          const expression = annotationOf(advice.annotations, 'Around') ?? annotationOf(advice.annotations, 'Before');
          if (expression === undefined || !advice.body) continue;
          const target = adviceTarget(cls, advice, expression);
          if (!target) continue;
          // The counter may sit in a helper of the aspect; the rejection must be in the advice itself.
          const text = cls.node.text;
          if (!COUNTERS.test(advice.body.text) && !cls.methods.some((method) => method !== advice && method.body && COUNTERS.test(method.body.text) && advice.body?.text.includes(`${method.name}(`))) continue;
          if (!rejects(advice)) continue;
          const simple = target.slice(target.lastIndexOf('.') + 1);
          const declaration = files.flatMap((other) => other.classes).find((candidate) => candidate.node.type === 'annotation_type_declaration' && (candidate.qualified === target || (!target.includes('.') && candidate.name === simple)));
          const redis = /\b(RedisTemplate|StringRedisTemplate|RedissonClient|RRateLimiter|ReactiveRedisTemplate|Jedis|ProxyManager)\b/.test(text);
          const local = /\b(RateLimiter\.create|ConcurrentHashMap|Caffeine|CacheBuilder|Bucket\.builder|AtomicInteger)\b/.test(text);
          out.push({
            annotation: target,
            declaration: declaration?.node.text,
            file,
            advice,
            store: redis ? 'shared' : local ? 'memory' : 'unknown',
            storeDetail: redis ? 'a Redis counter' : local ? 'a counter in process memory' : 'a counter apisec could not read',
          });
        }
      }
    }
    return out;
  });
}

/** An annotation argument or the annotation type's `default`: a number. */
function annotationNumber(annotation: JvmAnnotation, declaration: string | undefined, names: RegExp): number | undefined {
  for (const [name, values] of annotation.args) {
    if (!names.test(name)) continue;
    const value = Number(values[0]?.text.replace(/[lL_]/g, ''));
    if (Number.isFinite(value)) return value;
  }
  for (const match of (declaration ?? '').matchAll(/(\w+)\s*\(\s*\)\s*default\s+(\d+)/g)) {
    if (names.test(match[1] ?? '')) return Number(match[2]);
  }
  return undefined;
}

function aspectLimiter(scope: RateLimitScope, file: JvmFile, annotation: JvmAnnotation, aspect: AspectLimiter): Limiter {
  const count = annotationNumber(annotation, aspect.declaration, /^(count|limit|permits|max|maxRequests|requests|capacity|permitsPerSecond|qps)$/i);
  let window = annotationNumber(annotation, aspect.declaration, /^(period|time|seconds|window|interval|duration|expire|timeout)$/i);
  if (window === undefined && count !== undefined && /PerSecond|qps/i.test([...annotation.args.keys()].join(' '))) window = 1;
  const keyText = annotation.node.text;
  const ip = /\bIP\b|\bip\b|RemoteAddr|IpAddr/.test(keyText);
  return scope.limiter(file.source, annotation.node, {
    library: `@${annotation.name} (aspect ${aspect.advice.owner?.name ?? ''})`,
    ...(count !== undefined && window !== undefined ? limitText(count, window) : {}),
    key: ip ? 'ip' : 'global',
    keyDetail: ip ? 'per client IP' : 'one counter per annotated method for every caller',
    store: aspect.store,
    storeDetail: `${aspect.storeDetail} in \`${aspect.advice.owner?.name ?? 'the aspect'}\``,
  });
}

interface StarterFilter {
  limiter: Limiter;
  /** The configuration it was read from: it filters the application that runs with it. */
  properties: Properties;
  url: RegExp;
}

/** bucket4j-spring-boot-starter's `bucket4j.filters[n]` (servlet, webflux or gateway filters) with their bandwidths. */
function starterFilters(scope: RateLimitScope): StarterFilter[] {
  return scope.memo(STARTER, () => {
    const out: StarterFilter[] = [];
    for (const [, properties] of index(scope).config.modules()) {
      if (/^false$/i.test(prop(properties, 'bucket4j.enabled') ?? '')) continue;
      const shared = prop(properties, 'bucket4j.cache-to-use', 'bucket4j.cacheToUse');
      for (let n = 0; n < 50; n += 1) {
        const base = `bucket4j.filters[${n}]`;
        const keys = [...properties.keys()].filter((name) => name.startsWith(`${base}.`));
        if (keys.length === 0) break;
        const url = prop(properties, `${base}.url`) ?? '.*';
        let pattern: RegExp;
        try {
          pattern = new RegExp(`^(?:${url})$`);
        } catch {
          continue;
        }
        const capacity = Number(prop(properties, `${base}.rate-limits[0].bandwidths[0].capacity`, `${base}.rateLimits[0].bandwidths[0].capacity`) ?? NaN);
        const time = Number(prop(properties, `${base}.rate-limits[0].bandwidths[0].time`, `${base}.rateLimits[0].bandwidths[0].time`) ?? NaN);
        const unit = (prop(properties, `${base}.rate-limits[0].bandwidths[0].unit`, `${base}.rateLimits[0].bandwidths[0].unit`) ?? 'minutes').toLowerCase();
        const units: Record<string, number> = { nanoseconds: 1e-9, milliseconds: 1e-3, seconds: 1, minutes: 60, hours: 3600, days: 86400 };
        const window = Number.isFinite(time) ? time * (units[unit] ?? NaN) : undefined;
        const cacheKey = prop(properties, `${base}.rate-limits[0].cache-key`, `${base}.rateLimits[0].cacheKey`, `${base}.rate-limits[0].expression`);
        const where = properties.get(`${base}.url`)?.where ?? properties.get(keys[0] ?? '')?.where;
        if (!where) continue;
        // The flattened keys of a list lose their lines: the n-th filter's `url:` (or `cache-name:`) line is this one.
        const source = scope.ctx.infra.find((file) => file.file === where.file);
        const lines = source?.text.split('\n') ?? [];
        const starts = lines.flatMap((text, at) => (/^\s*-\s+(url|cache-name|cacheName|filter-method|id)\s*:/.test(text) ? [at + 1] : []));
        const line = lines.length > 0 && /\.ya?ml$/i.test(where.file) ? (starts[n] ?? where.line) : where.line;
        const snippet = lines[line - 1]?.trim() ?? `${base}.url: ${url}`;
        const limiter = scope.remember({
          library: 'bucket4j-spring-boot-starter',
          ...(Number.isFinite(capacity) && window !== undefined && Number.isFinite(window) ? limitText(capacity, window) : {}),
          key: cacheKey ? (/getRemoteAddr|RemoteAddress|X-Forwarded-For/i.test(cacheKey) ? 'ip' : keyFromText(cacheKey, 'custom')) : 'global',
          keyDetail: cacheKey ? `cache-key \`${cacheKey.slice(0, 60)}\`` : 'one bucket for every caller',
          store: shared && !/caffeine|hazelcast-local/i.test(shared) ? 'shared' : shared ? 'memory' : 'unknown',
          storeDetail: shared ? `cache-to-use \`${shared}\`` : 'the configured JCache provider',
          location: { file: where.file, line },
          snippet,
          storeLocation: { file: where.file, line },
        });
        out.push({ limiter, properties, url: pattern });
      }
    }
    return out;
  });
}

/** A concrete request path for a route pattern (`/api/users/{id}` → `/api/users/1`), to test a filter's regular expression. */
function samplePath(path: string): string {
  return path.replace(/\{[^}]*\}/g, '1');
}

export const springRateLimit: RateLimitProvider = {
  frameworks: ['spring'],
  endpoint(scope: RateLimitScope, endpoint: Endpoint, sink) {
    const { methods, config } = index(scope);
    const method = endpoint.handler ? methods.get(key(endpoint.handler)) : undefined;
    const file = method?.file;
    if (method && file) {
      const properties = config.forSource(file.source.file);
      for (const [list, level] of [[method.annotations, 'route'], [method.owner?.annotations ?? [], 'router']] as const) {
        for (const annotation of list) {
          const name = qualified(file, annotation);
          const aspect = aspectLimiters(scope).find((candidate) => candidate.annotation === name || (!candidate.annotation.includes('.') && candidate.annotation === annotation.name));
          if (RESILIENCE4J.test(name)) sink.add({ limiter: resilience4jLimiter(scope, file, annotation, properties), level });
          else if (aspect) sink.add({ limiter: aspectLimiter(scope, file, annotation, aspect), level });
          else if (LIMITER_NAME.test(annotation.name)) sink.flag(`\`${annotation.node.text.slice(0, 60)}\` may limit requests`);
        }
      }
      const consumed = consumes(method.body);
      if (consumed && method.owner) {
        const limiter = bucketLimiter(scope, file, method.owner, consumed);
        if (limiter) sink.add({ limiter, level: 'route' });
      }
    }
    const module = moduleOf(endpoint.sources.find((s) => s.kind === 'code')?.location.file ?? '');
    for (const guard of guards(scope)) {
      if (guard.module !== module) continue;
      const covered = guard.include.length === 0 || guard.include.some((pattern) => antCoverage(pattern, endpoint.path) === 'all');
      const excluded = guard.exclude.some((pattern) => antCoverage(pattern, endpoint.path) !== 'none');
      if (covered && !excluded) sink.add({ limiter: guard.limiter, level: guard.include.length === 0 ? 'app' : 'router' });
    }
    const codeFile = endpoint.sources.find((s) => s.kind === 'code')?.location.file;
    const applied = codeFile ? config.forSource(codeFile) : undefined;
    for (const filter of starterFilters(scope)) {
      if (filter.properties !== applied) continue;
      if (filter.url.test(samplePath(endpoint.path))) sink.add({ limiter: filter.limiter, level: filter.url.source === '^(?:.*)$' ? 'app' : 'router' });
    }
    for (const route of gatewayRoutes(scope)) {
      if (route.patterns.length === 0 || route.patterns.some((pattern) => antCoverage(pattern, endpoint.path) === 'all')) sink.add({ limiter: route.limiter, level: 'gateway' });
    }
  },
};
