import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { type LimitKey, type LimitLevel, type StoreKind, LIMITER_WORDS, humanWindow, keyFromText, perMinute, storeFromText } from '../../../analysis/rate-limit/model.js';
import type { Endpoint, Location } from '../../../model/types.js';
import type { RateLimitProvider, RateLimitScope } from '../plugin.js';
import { callArgs, field, named, stringLiteral, unwrap, walk } from './ast.js';
import { goProgram, type GoFile, type GoProgram } from './program.js';

/**
 * Go rate limiting. The collectors prove which middleware or handler wrapper of a route limits requests
 * (go/auth.ts `rateLimitProof`: a known limiter, or a function that answers 429 before calling the next
 * handler) and record it as the route's `rateLimit.where`; this provider reads that limiter: its library,
 * limit, key and store. Limiters every Go router mounts are read here (golang.org/x/time/rate, tollbooth,
 * ulule/limiter with its gin, echo, fasthttp and net/http adapters, go-chi/httprate, sethvargo/go-limiter);
 * framework middleware in the framework's folder (echo/, fiber/, gin/ rate-limit.ts).
 */

/** A constructor call of an imported package: `httprate.LimitByIP(100, time.Minute)`. */
export interface GoCall {
  path: string;
  name: string;
  args: Node[];
  node: Node;
  file: GoFile;
}

/** What a reader made of a limiter. */
export interface GoLimiter {
  library: string;
  count?: number;
  /** Seconds. */
  window?: number;
  key: LimitKey;
  keyDetail: string;
  store: StoreKind;
  storeDetail: string;
  /** The constructor to report at. */
  node: Node;
  file: GoFile;
}

/** Reads the limiters of one library family; `read` gets every imported call met on the way to the limiter. */
export interface GoLimiterReader {
  read(call: GoCall, go: GoReading): GoLimiter | undefined;
}

/** Value reading the readers share. */
export interface GoReading {
  /** The expression a name stands for (local `:=`/`var`, then package-level `var`/`const`). */
  resolve(node: Node, file: GoFile): { node: Node; file: GoFile } | undefined;
  /** An imported-package call, through names. */
  callOf(node: Node | undefined, file: GoFile): GoCall | undefined;
  /** Seconds of a `time.Duration` expression (`10 * time.Second`, `time.Minute`). */
  seconds(node: Node | undefined, file: GoFile): number | undefined;
  number(node: Node | undefined, file: GoFile): number | undefined;
  /** A field of a composite literal (`limiter.Config{Max: 20}`), `&T{…}` included. */
  fieldOf(node: Node | undefined, file: GoFile, name: string): Node | undefined;
  /** A limiter read from any expression (an adapter's argument, a store). */
  limiter(node: Node | undefined, file: GoFile): GoLimiter | undefined;
}

const DURATIONS: Record<string, number> = { Nanosecond: 1e-9, Microsecond: 1e-6, Millisecond: 1e-3, Second: 1, Minute: 60, Hour: 3600 };

function declarationValue(declaration: Node, name: string): Node | undefined {
  if (declaration.type === 'short_var_declaration' || declaration.type === 'assignment_statement') {
    const left = field(declaration, 'left');
    const right = field(declaration, 'right');
    const index = left ? named(left).findIndex((child) => child.text === name) : -1;
    return index >= 0 && right ? named(right)[index] : undefined;
  }
  if (declaration.type === 'var_spec' || declaration.type === 'const_spec') {
    const names = named(declaration).filter((child) => child.type === 'identifier');
    const index = names.findIndex((child) => child.text === name);
    const value = field(declaration, 'value');
    return index >= 0 && value ? named(value)[index] : undefined;
  }
  return undefined;
}

class Reading implements GoReading {
  private depth = 0;

  constructor(
    private readonly program: GoProgram,
    private readonly readers: readonly GoLimiterReader[],
  ) {}

  resolve(node: Node, file: GoFile): { node: Node; file: GoFile } | undefined {
    const name = unwrap(node);
    if (name.type !== 'identifier') return undefined;
    // The nearest earlier assignment in an enclosing function body.
    for (let scope = name.parent; scope; scope = scope.parent) {
      if (scope.type !== 'block') continue;
      let found: Node | undefined;
      walk(scope, (current) => {
        if (current.startIndex >= name.startIndex) return false;
        if (['short_var_declaration', 'assignment_statement', 'var_spec'].includes(current.type)) {
          const value = declarationValue(current, name.text);
          if (value) found = value;
        }
        return true;
      });
      if (found) return { node: found, file };
    }
    const global = file.pkg.values.get(name.text);
    const value = global ? declarationValue(global.spec, name.text) : undefined;
    return value && global ? { node: value, file: global.file } : undefined;
  }

  callOf(node: Node | undefined, file: GoFile): GoCall | undefined {
    if (!node || this.depth > 12) return undefined;
    const current = unwrap(node.type === 'unary_expression' ? (field(node, 'operand') ?? node) : node);
    if (current.type === 'identifier') {
      const value = this.resolve(current, file);
      return value ? this.nested(() => this.callOf(value.node, value.file)) : undefined;
    }
    if (current.type !== 'call_expression') return undefined;
    const fn = field(current, 'function');
    if (fn?.type !== 'selector_expression') return undefined;
    const operand = field(fn, 'operand');
    const name = field(fn, 'field')?.text ?? '';
    const path = operand?.type === 'identifier' ? file.imports.get(operand.text) : undefined;
    if (path !== undefined) return { path, name, args: callArgs(current), node: current, file };
    // A method on a constructed value: `tollbooth.NewLimiter(1, nil).SetIPLookups(…)`, `mw.Handler(mux)`.
    return operand ? this.nested(() => this.callOf(operand, file)) : undefined;
  }

  seconds(node: Node | undefined, file: GoFile): number | undefined {
    if (!node || this.depth > 12) return undefined;
    const current = unwrap(node);
    if (current.type === 'selector_expression' && file.imports.get(field(current, 'operand')?.text ?? '') === 'time') return DURATIONS[field(current, 'field')?.text ?? ''];
    if (current.type === 'binary_expression' && field(current, 'operator')?.text === '*') {
      const left = this.seconds(field(current, 'left'), file) ?? this.number(field(current, 'left'), file);
      const right = this.seconds(field(current, 'right'), file) ?? this.number(field(current, 'right'), file);
      return left !== undefined && right !== undefined ? left * right : undefined;
    }
    if (current.type === 'call_expression' && /^time\.Duration$/.test(field(current, 'function')?.text ?? '')) return this.number(callArgs(current)[0], file);
    if (current.type === 'identifier') {
      const value = this.resolve(current, file);
      return value ? this.nested(() => this.seconds(value.node, value.file)) : undefined;
    }
    return undefined;
  }

  number(node: Node | undefined, file: GoFile): number | undefined {
    if (!node || this.depth > 12) return undefined;
    const current = unwrap(node);
    if (current.type === 'int_literal' || current.type === 'float_literal') {
      const value = Number(current.text.replace(/_/g, ''));
      return Number.isFinite(value) ? value : undefined;
    }
    if (current.type === 'call_expression' && callArgs(current).length === 1 && /^(float64|int|int64|rate\.Limit)$/.test(field(current, 'function')?.text ?? '')) return this.number(callArgs(current)[0], file);
    if (current.type === 'identifier') {
      const value = this.resolve(current, file);
      return value ? this.nested(() => this.number(value.node, value.file)) : undefined;
    }
    return undefined;
  }

  fieldOf(node: Node | undefined, file: GoFile, name: string): Node | undefined {
    if (!node) return undefined;
    let current = unwrap(node);
    if (current.type === 'unary_expression') current = unwrap(field(current, 'operand') ?? current);
    if (current.type === 'identifier') {
      const value = this.resolve(current, file);
      return value ? this.nested(() => this.fieldOf(value.node, value.file, name)) : undefined;
    }
    if (current.type !== 'composite_literal') return undefined;
    const body = field(current, 'body');
    for (const element of body ? named(body) : []) {
      if (element.type !== 'keyed_element') continue;
      const [key, value] = named(element);
      if (key?.text === name) return value ? (named(value)[0] ?? value) : undefined;
    }
    return undefined;
  }

  limiter(node: Node | undefined, file: GoFile): GoLimiter | undefined {
    if (!node || this.depth > 12) return undefined;
    return this.nested(() => {
      const call = this.callOf(node, file);
      if (call) {
        for (const reader of this.readers) {
          const found = reader.read(call, this);
          if (found) return found;
        }
        // An adapter (`tollbooth_gin.LimitHandler(lmt)`, `stdlib.NewMiddleware(instance)`): the limiter is an argument.
        for (const arg of call.args) {
          const inner = this.limiter(arg, call.file);
          if (inner) return inner;
        }
        return this.calledFunction(unwrap(node), file);
      }
      return this.calledFunction(unwrap(node), file);
    });
  }

  /** A limiter of a known library, through names and adapters, without reading the workspace's own functions. */
  known(node: Node, file: GoFile): GoLimiter | undefined {
    if (this.depth > 12) return undefined;
    return this.nested(() => {
      const call = this.callOf(node, file);
      if (!call) return undefined;
      for (const reader of this.readers) {
        const found = reader.read(call, this);
        if (found) return found;
      }
      for (const arg of call.args) {
        const inner = this.known(arg, call.file);
        if (inner) return inner;
      }
      return undefined;
    });
  }

  /** A function of the workspace that builds or uses the limiter: `RateLimit(cfg)`, `limitMiddleware`, a literal. */
  private calledFunction(node: Node, file: GoFile): GoLimiter | undefined {
    let body: Node | undefined;
    let owner = file;
    if (node.type === 'func_literal') body = field(node, 'body');
    else {
      const target = node.type === 'call_expression' ? field(node, 'function') : node;
      if (target?.type === 'identifier') {
        const decl = file.pkg.funcs.get(target.text);
        if (decl) {
          body = field(decl.node, 'body');
          owner = decl.file;
        } else if (node.type === 'identifier') {
          const value = this.resolve(node, file);
          if (value && value.node.id !== node.id) return this.limiter(value.node, value.file);
        }
      } else if (target?.type === 'selector_expression') {
        const operand = field(target, 'operand');
        const path = operand?.type === 'identifier' ? file.imports.get(operand.text) : undefined;
        const pkg = path ? this.program.packageOf(path) : undefined;
        const decl = pkg?.funcs.get(field(target, 'field')?.text ?? '');
        if (decl) {
          body = field(decl.node, 'body');
          owner = decl.file;
        }
      }
    }
    if (!body) return undefined;
    let found: GoLimiter | undefined;
    walk(
      body,
      (current) => {
        if (found) return false;
        if (current.type === 'call_expression') {
          const call = this.callOf(current, owner);
          if (call && call.node.id === current.id) {
            for (const reader of this.readers) {
              found = reader.read(call, this);
              if (found) return false;
            }
          }
        } else if (current.type === 'identifier' && owner.pkg.values.has(current.text)) {
          const value = this.resolve(current, owner);
          const call = value ? this.callOf(value.node, value.file) : undefined;
          for (const reader of call ? this.readers : []) {
            found = call ? reader.read(call, this) : undefined;
            if (found) return false;
          }
        }
        return true;
      },
      true,
    );
    return found;
  }

  private nested<T>(run: () => T): T {
    this.depth += 1;
    try {
      return run();
    } finally {
      this.depth -= 1;
    }
  }
}

function ip(detail: string): Pick<GoLimiter, 'key' | 'keyDetail'> {
  return { key: 'ip', keyDetail: detail };
}

/** Limiters every Go router mounts. */
export const genericGoLimiters: GoLimiterReader = {
  read(call, go) {
    const { path, name, args, node, file } = call;
    if (path === 'golang.org/x/time/rate' && name === 'NewLimiter') {
      const every = go.callOf(args[0], file);
      const perSecond = every?.path === 'golang.org/x/time/rate' && every.name === 'Every' ? undefined : go.number(args[0], file);
      const interval = every?.path === 'golang.org/x/time/rate' && every.name === 'Every' ? go.seconds(every.args[0], file) : undefined;
      // Created inside a function that stores it in a map: one limiter per client key.
      const perKey = /map\[string\]\*?rate\.Limiter/.test(file.source.text);
      return {
        library: 'golang.org/x/time/rate',
        ...(perSecond !== undefined ? { count: perSecond, window: 1 } : interval !== undefined ? { count: 1, window: interval } : {}),
        key: perKey ? 'custom' : 'global',
        keyDetail: perKey ? 'one `rate.Limiter` per map key' : 'one `rate.Limiter` for every client',
        store: 'memory',
        storeDetail: 'a `rate.Limiter` in process memory',
        node,
        file,
      };
    }
    if (/^github\.com\/didip\/tollbooth(\/v\d+)?$/.test(path) && name === 'NewLimiter') {
      const max = go.number(args[0], file);
      return { library: 'tollbooth', ...(max !== undefined ? { count: max, window: 1 } : {}), ...ip('the client IP (tollbooth default IP lookups)'), store: 'memory', storeDetail: 'tollbooth’s in-memory buckets', node, file };
    }
    if (/^github\.com\/go-chi\/httprate$/.test(path) && /^(Limit|LimitBy|LimitByIP|LimitByRealIP|LimitAll)$/.test(name)) {
      const options = args.slice(2).map((arg) => arg.text).join(' ');
      // A key function that returns the client address (`httprate.CanonicalizeIP(…ClientIP…)`, `r.RemoteAddr`).
      const byAddress = /KeyByIP|KeyByRealIP|CanonicalizeIP|RemoteAddr|RealIP|ClientIP/.test(options) && !/KeyByEndpoint|[Uu]ser|[Tt]oken|[Kk]ey\b/.test(options.replace(/KeyBy\w+|WithKeyFuncs/g, ''));
      const key: Pick<GoLimiter, 'key' | 'keyDetail'> =
        name === 'LimitAll' ? { key: 'global', keyDetail: '`httprate.LimitAll` (every client)' } : name === 'LimitByIP' || name === 'LimitByRealIP' ? ip(`\`httprate.${name}\``) : byAddress ? ip(`\`${options.split('\n')[0]?.slice(0, 60) ?? ''}\``) : { key: keyFromText(options, 'custom'), keyDetail: options ? `\`${options.split('\n')[0]?.slice(0, 60) ?? ''}\`` : 'a custom key' };
      const counter = /WithLimitCounter\(([^)]*)/.exec(options)?.[1];
      const count = go.number(args[0], file);
      const window = go.seconds(args[1], file);
      return { library: 'httprate', ...(count !== undefined ? { count } : {}), ...(window !== undefined ? { window } : {}), ...key, store: counter ? storeFromText(counter) : 'memory', storeDetail: counter ? `counter \`${counter.slice(0, 60)}\`` : 'httprate’s in-memory counter', node, file };
    }
    if (/^github\.com\/ulule\/limiter(\/v\d+)?$/.test(path) && name === 'New') {
      const storeCall = go.callOf(args[0], file);
      const store: StoreKind = storeCall ? (/\/drivers\/store\/memory$/.test(storeCall.path) ? 'memory' : /\/drivers\/store\/(redis|memcached)$/.test(storeCall.path) ? 'shared' : 'unknown') : 'unknown';
      const rateCall = go.callOf(args[1], file);
      const formatted = rateCall?.name === 'NewRateFromFormatted' ? stringLiteral(rateCall.args[0] ?? args[1] ?? node) : undefined;
      const parts = formatted ? /^(\d+)-([SMHD])$/.exec(formatted) : undefined;
      const unit: Record<string, number> = { S: 1, M: 60, H: 3600, D: 86400 };
      const count = parts ? Number(parts[1]) : go.number(go.fieldOf(args[1], file, 'Limit'), file);
      const window = parts ? unit[parts[2] ?? ''] : go.seconds(go.fieldOf(args[1], file, 'Period'), file);
      return {
        library: 'ulule/limiter',
        ...(count !== undefined ? { count } : {}),
        ...(window !== undefined ? { window } : {}),
        ...ip('the client IP (default key getter)'),
        store,
        storeDetail: storeCall ? `store \`${storeCall.node.text.split('\n')[0]?.slice(0, 60) ?? ''}\`` : 'an unread store',
        node,
        file,
      };
    }
    if (/^github\.com\/sethvargo\/go-limiter\/memorystore$/.test(path) && name === 'New') {
      const tokens = go.number(go.fieldOf(args[0], file, 'Tokens'), file);
      const interval = go.seconds(go.fieldOf(args[0], file, 'Interval'), file);
      return { library: 'go-limiter', ...(tokens !== undefined ? { count: tokens } : {}), ...(interval !== undefined ? { window: interval } : {}), key: 'custom', keyDetail: 'the middleware’s key function', store: 'memory', storeDetail: '`memorystore`', node, file };
    }
    return undefined;
  },
};

const PROGRAMS = {};
const PLACES = {};
const FILES = {};
const ANSWERS = {};

/** A middleware place of the unit, read once however many routes it serves. */
interface Place {
  file: GoFile | undefined;
  node: Node | undefined;
  /** What the readers made of it (the proven piece may be a hand-written function). */
  found: GoLimiter | undefined;
  /** Unread middleware from a limiter package. */
  limiterPackage: boolean;
}

/** Where the collector recorded the limiter: the outermost expression starting at that position. */
function expressionAt(source: SourceFile, line: number, column: number): Node | undefined {
  let node: Node | null = source.tree.rootNode.descendantForPosition({ row: line - 1, column: column - 1 });
  while (node?.parent && node.parent.startIndex === node.startIndex && /expression|literal|identifier/.test(node.parent.type)) node = node.parent;
  return node ?? undefined;
}

function levelOf(scope: string | undefined): LimitLevel {
  const last = scope?.split(', ').pop();
  return last === 'app' ? 'app' : last === 'router' ? 'router' : 'route';
}

const TOO_MANY = /^(?:StatusTooManyRequests|ErrTooManyRequests)$/;

/** A 429 the function writes (a call argument or a returned error), not one it compares (`resp.StatusCode == 429`). */
function answers429(body: Node): Node | undefined {
  // No 429 and no name TOO_MANY matches in the text: nothing for the walk to find.
  if (!/429|StatusTooManyRequests|ErrTooManyRequests/.test(body.text)) return undefined;
  let found: Node | undefined;
  walk(
    body,
    (current) => {
      if (found) return false;
      const status = (current.type === 'int_literal' && current.text === '429') || (current.type === 'selector_expression' && TOO_MANY.test(field(current, 'field')?.text ?? '')) || (current.type === 'identifier' && TOO_MANY.test(current.text));
      if (!status) return true;
      for (let up = current.parent; up && up.id !== body.id; up = up.parent) {
        if (up.type === 'binary_expression' || up.type === 'expression_case' || up.type === 'if_statement') break;
        if (up.type === 'argument_list' || up.type === 'return_statement') {
          found = current;
          break;
        }
      }
      return false;
    },
    true,
  );
  return found;
}

/** The middleware is written in the route's own registration statement (`r.With(limit).Post(…)`). */
function inRouteStatement(scope: RateLimitScope, where: Location, site: Location | undefined): boolean {
  if (!site) return false;
  if (where.line === site.line) return true;
  const source = scope.source(site.file);
  let statement = source ? expressionAt(source, site.line, site.column ?? 1) : undefined;
  while (statement && !statement.type.endsWith('_statement') && statement.parent) statement = statement.parent;
  if (!statement) return false;
  return where.line >= statement.startPosition.row + 1 && where.line <= statement.endPosition.row + 1;
}

/**
 * A Go framework's rate-limit provider: the generic readers plus the framework's own. Every middleware of the
 * route's chain (`endpoint.middleware`, outermost first) that a reader recognises is a limiter; the one the
 * collector proved (`rateLimit.where`, e.g. a hand-written middleware answering 429) counts even when unread.
 */
export function goRateLimit(framework: string, readers: readonly GoLimiterReader[] = []): RateLimitProvider {
  const all = [...readers, genericGoLimiters];
  return {
    frameworks: [framework],
    endpoint(scope: RateLimitScope, endpoint: Endpoint, sink) {
      const evidence = endpoint.rateLimit?.state === 'present' ? endpoint.rateLimit : undefined;
      const proven = evidence?.where;
      const site = endpoint.sources.find((s) => s.kind === 'code')?.location;
      const program = scope.memo(PROGRAMS, () => goProgram(scope.ctx.sources));
      const places = [...(endpoint.middleware ?? [])];
      if (proven && !places.some((place) => place.file === proven.file && place.line === proven.line && place.column === proven.column)) places.push(proven);
      for (const where of places) {
        const isProven = proven !== undefined && where.file === proven.file && where.line === proven.line && where.column === proven.column;
        const level: LimitLevel = where.file === site?.file && inRouteStatement(scope, where, site) ? 'route' : isProven ? levelOf(evidence?.scope) : 'router';
        // One group middleware serves many routes: read each place once (its file found through an index of the unit's files, not a scan per route).
        const places = scope.memo(PLACES, () => new Map<string, Place>());
        const readKey = `${framework} ${where.file}:${where.line}:${where.column ?? 0}:${isProven ? 'p' : ''}`;
        let place = places.get(readKey);
        if (!place) {
          const source = scope.source(where.file);
          const files = scope.memo(FILES, () => new Map(program.files.map((candidate) => [candidate.source, candidate] as const)));
          const file = source ? files.get(source) : undefined;
          const node = source ? expressionAt(source, where.line, where.column ?? 1) : undefined;
          const reading = file && node ? new Reading(program, all) : undefined;
          // Only the proven piece may be a hand-written function: another middleware's body is not read for limiters.
          const found = reading && file && node ? (isProven ? reading.limiter(node, file) : reading.known(node, file)) : undefined;
          const limiterPackage = !found && !isProven && reading !== undefined && file !== undefined && node !== undefined && LIMITER_WORDS.test(reading.callOf(node, file)?.path ?? '');
          place = { file, node, found, limiterPackage };
          places.set(readKey, place);
        }
        const { node, found } = place;
        const read = found ? { ...found } : undefined;
        if (read) {
          // `0.1` a second reads better as `6 per minute`.
          while (read.count !== undefined && read.window !== undefined && read.count < 1 && read.window < 3600) {
            read.count = Math.round(read.count * 60 * 1000) / 1000;
            read.window *= 60;
          }
          const limit = read.count !== undefined && read.window !== undefined ? `${read.count} per ${humanWindow(read.window)}` : undefined;
          const rate = perMinute(read.count, read.window);
          const limiter = scope.limiter(read.file.source, read.node, {
            library: read.library,
            ...(limit !== undefined ? { limit } : {}),
            ...(rate !== undefined ? { perMinute: rate } : {}),
            key: read.key,
            keyDetail: read.keyDetail,
            store: read.store,
            storeDetail: read.storeDetail,
          });
          sink.add({ limiter, level });
        } else if (place.limiterPackage && node) {
          // Middleware from a limiter package apisec does not read: coverage unknown, never missing.
          sink.flag(`\`${node.text.split('\n')[0]?.slice(0, 60) ?? ''}\` may limit requests`);
        } else if (isProven) {
          // Proven to limit (a known package, or 429 before the next handler), its details not read.
          const library = evidence?.scope?.split(', ').slice(0, -1).join(', ') || 'framework middleware';
          sink.add({
            limiter: scope.remember({ library, location: where, snippet: node?.text.split('\n')[0]?.slice(0, 120) ?? '', key: 'custom', keyDetail: 'not read', store: 'unknown', storeDetail: 'not read', storeLocation: where }),
            level,
          });
        }
      }
    },
    /** A handler that answers 429 itself (a failed-attempt counter in a login handler). */
    handler(scope: RateLimitScope, endpoint: Endpoint, sink) {
      const handler = endpoint.handler;
      const source = handler ? scope.source(handler.file) : undefined;
      const name = handler && source ? expressionAt(source, handler.line, handler.column ?? 1) : undefined;
      const fn = name?.parent && /^(function_declaration|method_declaration)$/.test(name.parent.type) ? name.parent : undefined;
      const body = fn ? field(fn, 'body') : undefined;
      // Routes that share a handler read its body once.
      const answers = scope.memo(ANSWERS, () => new Map<string, Node | undefined>());
      const answerKey = fn && handler ? `${handler.file}:${fn.startIndex}` : '';
      if (body && !answers.has(answerKey)) answers.set(answerKey, answers429(body));
      const status = body ? answers.get(answerKey) : undefined;
      if (!status || !source || !fn) return;
      sink.add({
        limiter: scope.limiter(source, status, {
          library: 'a limit in the handler (answers 429)',
          key: 'custom',
          keyDetail: 'chosen in the handler',
          store: 'unknown',
          storeDetail: 'the handler’s own state',
        }),
        level: 'route',
      });
    },
  };
}
