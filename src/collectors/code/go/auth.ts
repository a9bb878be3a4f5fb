import type { Node } from 'web-tree-sitter';
import type { AuthMechanism } from '../../../model/types.js';
import { callArgs, callsIn, field, named, parameterNames, statements, unwrap, walk } from './ast.js';
import type { Env, GoDialect, Piece, Value } from './engine.js';
import type { GoFile } from './program.js';
import { configurationPart } from './configuration.js';

/** Why a middleware provably rejects requests without credentials. */
export interface Proof {
  mechanism: AuthMechanism;
  detail: string;
  node: Node;
  file: GoFile;
}

type FuncValue = Extract<Value, { k: 'func' }>;

// 401 only: a 403 also answers "this user may not", "this share's owner may not", a CSRF or origin check.
const DENY_STATUS = new Set(['401']);
const DENY_NAMES = /^(?:StatusUnauthorized|ErrUnauthorized|ErrJWTMissing|ErrJWTInvalid)$/;
const LIMIT_NAMES = /^(?:StatusTooManyRequests|ErrTooManyRequests)$/;

/** A 401/403 status or an unauthorized/forbidden error value written in `node` (nested function literals excluded). */
function signal(node: Node, pattern: RegExp, codes: ReadonlySet<string>): boolean {
  let found = false;
  walk(node, (current) => {
    if (found) return false;
    if (current.type === 'int_literal' && codes.has(current.text)) found = true;
    else if (current.type === 'selector_expression' && pattern.test(field(current, 'field')?.text ?? '')) found = true;
    else if (current.type === 'identifier' && pattern.test(current.text)) found = true;
    return !found;
  });
  return found;
}

function calls(node: Node): Node[] {
  return callsIn(node);
}

function calleeName(call: Node): string | undefined {
  const fn = field(call, 'function');
  if (!fn) return undefined;
  const target = unwrap(fn);
  if (target.type === 'identifier') return target.text;
  if (target.type === 'selector_expression') return field(target, 'field')?.text;
  return undefined;
}

interface GuardContext {
  /** Names bound to the next handler in the chain. */
  next: ReadonlySet<string>;
  file: GoFile;
  abortRequired: boolean;
  depth: number;
  codes: ReadonlySet<string>;
  pattern: RegExp;
}

function callsNext(node: Node, ctx: GuardContext): boolean {
  return calls(node).some((call) => {
    const fn = field(call, 'function');
    const target = fn ? unwrap(fn) : undefined;
    if (!target) return false;
    if (target.type === 'identifier') return ctx.next.has(target.text);
    if (target.type !== 'selector_expression') return false;
    const operand = field(target, 'operand');
    const name = field(target, 'field')?.text;
    // Any handler served from here passes the request on, whatever it is bound to.
    if (operand !== undefined && (name === 'ServeHTTP' || name === 'ServeFastHTTP')) return true;
    return name === 'Next' && callArgs(call).length === 0;
  });
}

/** A same-package helper called with the request: `a.abort401(ctx)`, `evaluateOr401(ctx, …)`. */
function helperOf(call: Node, file: GoFile): Node | undefined {
  const fn = field(call, 'function');
  const target = fn ? unwrap(fn) : undefined;
  if (!target) return undefined;
  if (target.type === 'identifier') return file.pkg.funcs.get(target.text)?.node;
  if (target.type === 'selector_expression') {
    const name = field(target, 'field')?.text ?? '';
    const candidates = [...file.pkg.methods.entries()].filter(([key]) => key.endsWith(`.${name}`));
    return candidates.length === 1 ? candidates[0]?.[1].node : undefined;
  }
  return undefined;
}

/** The statement list ends the request with a denial: a 401/403 written and the handler left (or aborted). */
function denies(list: Node[], ctx: GuardContext, atEnd = false): boolean {
  let wrote = false;
  let aborted = false;
  let returned = false;
  for (const statement of list) {
    if (statement.type === 'return_statement') {
      // `c.Set(key, echo.NewHTTPError(401, …)); return next(c)` records the failure and lets the request through.
      if (callsNext(statement, ctx)) return false;
      returned = true;
      if (signal(statement, ctx.pattern, ctx.codes)) wrote = true;
      break;
    }
    if (callsNext(statement, ctx)) return false;
    if (statement.type === 'expression_statement') {
      if (signal(statement, ctx.pattern, ctx.codes)) wrote = true;
      for (const call of calls(statement)) {
        const name = calleeName(call) ?? '';
        if (/^Abort/.test(name)) aborted = true;
        if (name === 'panic') returned = true;
        const helper = ctx.depth < 3 ? helperOf(call, ctx.file) : undefined;
        if (helper && denies(statements(field(helper, 'body')), { ...ctx, depth: ctx.depth + 1 })) {
          wrote = true;
          aborted = true;
        }
      }
    }
    if (statement.type === 'if_statement' && guards([statement], ctx)) return true;
  }
  if (!wrote) return false;
  return ctx.abortRequired ? aborted : returned || aborted || atEnd || ctx.depth > 0;
}

/** The request's path or method: a branch on it treats some routes differently from others. */
const ROUTE_READ = /\.URL\.(?:Path|RawPath|EscapedPath\(\))|\.RequestURI\b|\.(?:Path|FullPath|OriginalURL|Route)\(\)|\.Method\b/;

function readsRoute(statement: Node): boolean {
  const test = [field(statement, 'initializer'), field(statement, 'condition'), field(statement, 'value')].map((node) => node?.text ?? '').join(' ');
  return ROUTE_READ.test(test);
}

/** Some statement before the call to the next handler denies the request on a condition (or always). */
function guards(list: Node[], ctx: GuardContext): boolean {
  for (const [index, statement] of list.entries()) {
    // `if r.URL.Path == "/login" { next… }` exempts routes; `if strings.HasPrefix(path, "/admin") && !ok { 401 }` guards only some.
    if ((statement.type === 'if_statement' || statement.type === 'expression_switch_statement') && readsRoute(statement)) {
      if (callsNext(statement, ctx)) return false;
      continue;
    }
    if (statement.type === 'if_statement') {
      for (let branch: Node | undefined = statement; branch; ) {
        // `if cfg.PrivateMode { … 401 }`: a denial under a condition on configuration, not on the request, proves nothing.
        const condition = field(branch, 'condition');
        const consequence = field(branch, 'consequence');
        if (consequence && !(condition && configurationPart(condition, true) !== undefined) && denies(statements(consequence), ctx)) return true;
        const alternative = field(branch, 'alternative');
        if (condition && configurationPart(condition, false) !== undefined) break;
        if (alternative?.type === 'block') {
          if (denies(statements(alternative), ctx)) return true;
          break;
        }
        branch = alternative?.type === 'if_statement' ? alternative : undefined;
      }
      if (!callsNext(statement, ctx)) continue;
      // `if ok { next(); return }` then a denial: the fall-through path is the one without credentials.
      continue;
    }
    if (statement.type === 'expression_switch_statement' || statement.type === 'type_switch_statement') {
      for (const clause of named(statement)) {
        if (!clause.type.endsWith('case')) continue;
        const body = named(clause).filter((child) => child.type.endsWith('_statement') || child.type === 'statement_list').flatMap((child) => (child.type === 'statement_list' ? named(child) : [child]));
        if (denies(body, ctx)) return true;
      }
      continue;
    }
    if (callsNext(statement, ctx)) return false;
    if (statement.type === 'expression_statement' && ctx.depth < 3) {
      for (const call of calls(statement)) {
        const helper = helperOf(call, ctx.file);
        if (helper && guards(statements(field(helper, 'body')), { ...ctx, depth: ctx.depth + 1 })) return true;
      }
    }
    // The function's last statement ends the request: `http.Error(w, …, 401)` after an `if ok { next…; return }`.
    if (denies([statement], ctx, index === list.length - 1)) return true;
  }
  return false;
}

/** The function literals a function returns (`return func(…) {…}`, `return http.HandlerFunc(func …)`). */
function returnedLiterals(fn: Node): Node[] {
  const out: Node[] = [];
  for (const statement of statements(field(fn, 'body'))) {
    if (statement.type !== 'return_statement') continue;
    walk(statement, (node) => {
      if (node.type === 'func_literal') {
        out.push(node);
        return false;
      }
      return true;
    });
  }
  return out;
}

function isGin(fn: Node): boolean {
  return parameterNames(fn).some((param) => /\bgin\.Context\b/.test(param.type));
}

function mechanismOf(body: Node): AuthMechanism {
  const text = body.text;
  if (/\bBasicAuth\(\)/.test(text)) return 'basic';
  if (/jwt|Bearer/i.test(text)) return 'jwt';
  if (/api[-_]?key/i.test(text)) return 'api-key';
  if (/Cookie|[Ss]ession/.test(text)) return 'session';
  return 'unknown';
}

function funcLabel(fn: FuncValue): string {
  const name = fn.node.type === 'func_literal' ? 'inline middleware' : (field(fn.node, 'name')?.text ?? 'middleware');
  return `${name} (${fn.file.source.file}:${fn.node.startPosition.row + 1})`;
}

/** Names in a closure's environment bound to handlers: the `next` a wrapper's literal calls. */
function boundHandlers(env: Env | undefined): Set<string> {
  const out = new Set<string>();
  for (let scope = env; scope; scope = scope.parent) {
    for (const [name, value] of scope.vars) if (value.k !== 'str') out.add(name);
  }
  return out;
}

function paramNames(fn: Node): Set<string> {
  return new Set(parameterNames(fn).map((param) => param.name).filter((name) => name !== '' && name !== '_'));
}

function provesBody(body: Node, next: ReadonlySet<string>, file: GoFile, abortRequired: boolean, codes: ReadonlySet<string>, pattern: RegExp): boolean {
  return guards(statements(body), { next, file, abortRequired, depth: 0, codes, pattern });
}

/**
 * A value used as middleware (`Use(x)`, a group's or a route's middleware): proof that it rejects
 * requests without credentials, read from its body or known from its package.
 */
const middlewareMemo = new WeakMap<Piece, Proof | null>();
const wrapperMemo = new WeakMap<Piece, Proof | null>();

export function middlewareProof(piece: Piece, dialect: GoDialect): Proof | undefined {
  // The same group middleware answers for every route under it: read its body once.
  const memo = middlewareMemo.get(piece);
  if (memo !== undefined) return memo ?? undefined;
  const proof = proofOf(piece.value, piece, dialect, 0, DENY_STATUS, DENY_NAMES);
  middlewareMemo.set(piece, proof ?? null);
  return proof;
}

function proofOf(value: Value, piece: Piece, dialect: GoDialect, depth: number, codes: ReadonlySet<string>, pattern: RegExp): Proof | undefined {
  if (depth > 4) return undefined;
  if (value.k === 'ext') {
    // A known authentication middleware proves authentication, never a rate limit.
    const known = pattern === DENY_NAMES ? dialect.knownAuth?.(value) : undefined;
    if (known) return { ...known, node: piece.node, file: piece.file };
    // `http.HandlerFunc(mw)`, `negroni.HandlerFunc(mw)`: a conversion of a local middleware.
    for (const arg of value.args) {
      if (arg.value.k === 'func') {
        const inner = proofOf(arg.value, piece, dialect, depth + 1, codes, pattern);
        if (inner) return inner;
      }
    }
    return undefined;
  }
  if (value.k !== 'func') return undefined;
  const fn = value.node;
  const body = field(fn, 'body');
  if (!body) return undefined;
  const abortRequired = (dialect.abortRequired ?? false) || isGin(fn);
  const literals = returnedLiterals(fn);
  // A factory (`func Auth() gin.HandlerFunc`) or a wrapper (`func(next http.Handler) http.Handler`): the literal runs per request.
  if (literals.length > 0 && fn.type !== 'func_literal') {
    const next = paramNames(fn);
    const all = literals.every((literal) => {
      const inner = field(literal, 'body');
      return inner !== undefined && provesBody(inner, next, value.file, abortRequired || isGin(literal), codes, pattern);
    });
    if (all) return { mechanism: mechanismOf(fn), detail: funcLabel(value), node: piece.node, file: piece.file };
    return undefined;
  }
  if (literals.length > 0 && fn.type === 'func_literal' && parameterNames(fn).length === 1) {
    const next = paramNames(fn);
    if (literals.every((literal) => provesBody(field(literal, 'body') ?? literal, next, value.file, abortRequired || isGin(literal), codes, pattern))) {
      return { mechanism: mechanismOf(fn), detail: funcLabel(value), node: piece.node, file: piece.file };
    }
  }
  const next = boundHandlers(value.env);
  if (provesBody(body, next, value.file, abortRequired, codes, pattern)) return { mechanism: mechanismOf(fn), detail: funcLabel(value), node: piece.node, file: piece.file };
  return undefined;
}

/**
 * A handler as registered (`withAuth(h)`, `http.StripPrefix(p, auth(h))`): the wrappers around the
 * final handler that reject requests without credentials. The final handler itself is never read
 * for auth: a login handler answers 401 too.
 */
export function wrapperProof(piece: Piece, dialect: GoDialect): Proof | undefined {
  const memo = wrapperMemo.get(piece);
  if (memo !== undefined) return memo ?? undefined;
  const proof = wrapped(piece.value, piece, dialect, 0, DENY_STATUS, DENY_NAMES);
  wrapperMemo.set(piece, proof ?? null);
  return proof;
}

function wrapped(value: Value, piece: Piece, dialect: GoDialect, depth: number, codes: ReadonlySet<string>, pattern: RegExp): Proof | undefined {
  if (depth > 6) return undefined;
  if (value.k === 'ext') {
    const known = pattern === DENY_NAMES ? dialect.knownAuth?.(value) : undefined;
    if (known) return { ...known, node: piece.node, file: piece.file };
    for (const arg of value.args) {
      const inner = wrapped(arg.value, piece, dialect, depth + 1, codes, pattern);
      if (inner) return inner;
    }
    return undefined;
  }
  if (value.k !== 'func' || value.node.type !== 'func_literal' || !value.env) return undefined;
  // A literal that calls a handler captured from the function that made it is a wrapper instance.
  // Only what the enclosing function received: `next`, `fn`, `h` in `func withAuth(next http.Handler) http.Handler`.
  const captured = new Map<string, Value>();
  for (let scope: Env | undefined = value.env; scope; scope = scope.parent) {
    if (!scope.params) continue;
    for (const [name, bound] of scope.vars) if (!captured.has(name)) captured.set(name, bound);
  }
  const body = field(value.node, 'body');
  if (!body) return undefined;
  const own = paramNames(value.node);
  const nextNames = new Set<string>();
  for (const call of calls(body)) {
    const fn = field(call, 'function');
    const target = fn ? unwrap(fn) : undefined;
    let name: string | undefined;
    if (target?.type === 'identifier') name = target.text;
    else if (target?.type === 'selector_expression' && ['ServeHTTP', 'ServeFastHTTP'].includes(field(target, 'field')?.text ?? '')) {
      const operand = field(target, 'operand');
      if (operand?.type === 'identifier') name = operand.text;
    }
    const bound = name !== undefined && !own.has(name) ? captured.get(name) : undefined;
    if (name !== undefined && bound && bound.k !== 'str' && bound.k !== 'router' && bound.k !== 'struct') nextNames.add(name);
  }
  if (nextNames.size === 0) return undefined;
  const abortRequired = (dialect.abortRequired ?? false) || isGin(value.node);
  if (provesBody(body, nextNames, value.file, abortRequired, codes, pattern)) {
    return { mechanism: mechanismOf(body), detail: funcLabel(value), node: piece.node, file: piece.file };
  }
  for (const name of nextNames) {
    const inner = captured.get(name);
    const proof = inner ? wrapped(inner, piece, dialect, depth + 1, codes, pattern) : undefined;
    if (proof) return proof;
  }
  return undefined;
}

type LimitProof = { library: string; node: Node; file: GoFile };
const rateLimitMemo = new WeakMap<Piece, Map<GoDialect, { middleware?: LimitProof | null; wrapper?: LimitProof | null }>>();

/** A middleware or wrapper that answers 429 before calling the next handler, or a known limiter. */
export function rateLimitProof(piece: Piece, dialect: GoDialect, asWrapper: boolean): LimitProof | undefined {
  // The same group middleware (and the same handler wrapper) is asked for every route under it: read it once.
  let byDialect = rateLimitMemo.get(piece);
  if (!byDialect) {
    byDialect = new Map();
    rateLimitMemo.set(piece, byDialect);
  }
  let memo = byDialect.get(dialect);
  if (!memo) {
    memo = {};
    byDialect.set(dialect, memo);
  }
  const slot = asWrapper ? 'wrapper' : 'middleware';
  const known = memo[slot];
  if (known !== undefined) return known ?? undefined;
  const proof = readRateLimitProof(piece, dialect, asWrapper);
  memo[slot] = proof ?? null;
  return proof;
}

function readRateLimitProof(piece: Piece, dialect: GoDialect, asWrapper: boolean): LimitProof | undefined {
  const known = knownLimiter(piece.value, dialect, 0);
  if (known) return { library: known, node: piece.node, file: piece.file };
  const codes = new Set(['429']);
  const proof = asWrapper ? wrapped(piece.value, piece, dialect, 0, codes, LIMIT_NAMES) : proofOf(piece.value, piece, dialect, 0, codes, LIMIT_NAMES);
  return proof ? { library: 'in-process limiter (answers 429)', node: piece.node, file: piece.file } : undefined;
}

function knownLimiter(value: Value, dialect: GoDialect, depth: number): string | undefined {
  if (depth > 4 || value.k !== 'ext') return undefined;
  const known = dialect.knownRateLimit?.(value) ?? genericLimiter(value);
  if (known) return known;
  for (const arg of value.args) {
    const inner = knownLimiter(arg.value, dialect, depth + 1);
    if (inner) return inner;
  }
  return undefined;
}

/** Limiter packages every router can mount. */
function genericLimiter(ext: Extract<Value, { k: 'ext' }>): string | undefined {
  if (ext.path.startsWith('github.com/didip/tollbooth')) return 'tollbooth';
  if (ext.path.startsWith('github.com/go-chi/httprate')) return 'httprate';
  if (ext.path.startsWith('github.com/ulule/limiter')) return 'ulule/limiter';
  if (ext.path.startsWith('github.com/sethvargo/go-limiter')) return 'go-limiter';
  return undefined;
}

/** `c.Get(key)` / `c.Set(key, v)` keys compared as written at their last name: `auth.UserKey` and `UserKey` are one key. */
function contextKey(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const current = unwrap(node);
  if (current.type === 'selector_expression') return field(current, 'field')?.text;
  if (current.type === 'identifier' || current.type === 'interpreted_string_literal' || current.type === 'raw_string_literal') return current.text;
  return undefined;
}

/** `c.Get(key)` on the request context: the key. */
function contextGet(node: Node | undefined, method: string, arity: number): { key: string; args: Node[] } | undefined {
  if (!node) return undefined;
  const call = unwrap(node);
  if (call.type !== 'call_expression') return undefined;
  const fn = field(call, 'function');
  const target = fn ? unwrap(fn) : undefined;
  if (target?.type !== 'selector_expression' || field(target, 'field')?.text !== method) return undefined;
  const args = callArgs(call);
  const key = args.length === arity ? contextKey(args[0]) : undefined;
  return key === undefined ? undefined : { key, args };
}

const HTTP_ERROR_TYPE = /^\*?(?:\w+\.)?HTTPError$|^error$/;

/**
 * The reader half: a per-request body that, before calling the next handler, reads `c.Get(key)`
 * and leaves without calling it when the value is an HTTP error (`if err, ok := u.(*echo.HTTPError); ok`)
 * or is not the recorded type (`if _, ok := c.Get(key).(User); !ok`). The key, or undefined.
 */
function readerKey(body: Node, ctx: GuardContext): string | undefined {
  const vars = new Map<string, string>();
  const asserted = new Map<string, { key: string; error: boolean }>();
  const assertion = (declaration: Node | undefined): void => {
    if (declaration?.type !== 'short_var_declaration') return;
    const left = named(field(declaration, 'left') ?? declaration).filter((node) => node.type === 'identifier');
    const right = field(declaration, 'right');
    const value = right ? named(right)[0] : undefined;
    const expression = value ? unwrap(value) : undefined;
    if (!expression) return;
    if (expression.type === 'call_expression' && left.length === 1) {
      const got = contextGet(expression, 'Get', 1);
      if (got && left[0]) vars.set(left[0].text, got.key);
      return;
    }
    if (expression.type !== 'type_assertion_expression' || left.length !== 2) return;
    const operand = field(expression, 'operand');
    const type = field(expression, 'type')?.text ?? '';
    const inner = operand ? unwrap(operand) : undefined;
    const key = inner?.type === 'identifier' ? vars.get(inner.text) : contextGet(inner, 'Get', 1)?.key;
    const ok = left[1]?.text;
    if (key !== undefined && ok) asserted.set(ok, { key, error: HTTP_ERROR_TYPE.test(type) });
  };
  for (const statement of statements(body)) {
    if (statement.type === 'short_var_declaration') {
      assertion(statement);
      continue;
    }
    if (statement.type === 'if_statement') {
      assertion(field(statement, 'initializer'));
      const condition = field(statement, 'condition');
      const test = condition ? unwrap(condition) : undefined;
      const negated = test?.type === 'unary_expression' && test.text.startsWith('!');
      const name = negated ? named(test)[0]?.text : test?.type === 'identifier' ? test.text : undefined;
      const known = name ? asserted.get(name) : undefined;
      const consequence = field(statement, 'consequence');
      // Deny on the error value, or on anything but the recorded type; the branch leaves without the next handler.
      if (known && known.error !== negated && consequence && !callsNext(consequence, ctx) && statements(consequence).some((s) => s.type === 'return_statement')) {
        if (!field(statement, 'alternative')) return known.key;
      }
      if (callsNext(statement, ctx)) return undefined;
      continue;
    }
    if (callsNext(statement, ctx)) return undefined;
  }
  return undefined;
}

const ERROR_STATUS = /^(?:http\.)?(?:StatusUnauthorized|StatusForbidden)$|^40[13]$/;

/** `echo.NewHTTPError(http.StatusForbidden, …)`, `echo.ErrUnauthorized`: an authentication failure value. */
function failureValue(node: Node | undefined): boolean {
  if (!node) return false;
  const value = unwrap(node);
  if (value.type === 'selector_expression') return /^Err(?:Unauthorized|Forbidden)$/.test(field(value, 'field')?.text ?? '');
  if (value.type !== 'call_expression') return false;
  const fn = field(value, 'function');
  if (!/(?:^|\.)NewHTTPError$/.test(fn?.text ?? '')) return false;
  const status = callArgs(value)[0];
  return status !== undefined && ERROR_STATUS.test(status.text);
}

/** `v` is bound in `list` before `before` together with a failure flag whose `if` records the failure and leaves. */
function verifiedValue(list: Node[], before: number, name: string, key: string): boolean {
  for (let index = before - 1; index >= 0; index -= 1) {
    const statement = list[index];
    if (!statement) continue;
    const left = statement.type === 'short_var_declaration' || statement.type === 'assignment_statement' ? field(statement, 'left') : undefined;
    const names = left ? named(left).map((node) => node.text) : [];
    if (!names.includes(name)) continue;
    const right = field(statement, 'right');
    if (!right || unwrap(named(right)[0] ?? right).type !== 'call_expression') return false;
    const flags = names.filter((other) => other !== name && other !== '_');
    if (flags.length === 0) return false;
    // The next statements up to the Set: an `if` on the flag that records a failure value and leaves.
    return list.slice(index + 1, before).some((check) => {
      if (check.type !== 'if_statement') return false;
      const condition = field(check, 'condition')?.text ?? '';
      if (!flags.some((flag) => new RegExp(`\\b${flag}\\b`).test(condition))) return false;
      const consequence = statements(field(check, 'consequence'));
      return consequence.some((s) => s.type === 'return_statement') && consequence.some((s) => {
        const set = s.type === 'expression_statement' ? contextGet(named(s)[0], 'Set', 2) : undefined;
        return set?.key === key && failureValue(set.args[1]);
      });
    });
  }
  return false;
}

/**
 * The recorder half: every way the per-request body reaches the next handler is `return next(c)`
 * right after `c.Set(key, v)`, where v is an authentication failure value or a value bound by a
 * call whose failure was itself recorded as one; and at least one failure is recorded.
 */
function recordsOutcome(body: Node, key: string, ctx: GuardContext): boolean {
  const state = { ok: true, failures: 0 };
  const visit = (list: Node[]): void => {
    for (const [index, statement] of list.entries()) {
      if (!state.ok) return;
      if (statement.type === 'return_statement' && callsNext(statement, ctx)) {
        // The `c.Set` calls right before the return (`c.Set(key, user); c.Set(sessionKey, sess); return next(c)`).
        let at = index - 1;
        let set: ReturnType<typeof contextGet>;
        for (; at >= 0; at -= 1) {
          const previous = list[at];
          const candidate = previous?.type === 'expression_statement' ? contextGet(named(previous)[0], 'Set', 2) : undefined;
          if (!candidate) break;
          if (candidate.key === key) {
            set = candidate;
            break;
          }
        }
        const value = set?.args[1] ? unwrap(set.args[1]) : undefined;
        if (!set || !value) state.ok = false;
        else if (failureValue(value)) state.failures += 1;
        else if (value.type !== 'identifier' || !verifiedValue(list, at, value.text, key)) state.ok = false;
        continue;
      }
      if (statement.type === 'if_statement') {
        for (let branch: Node | undefined = statement; branch; ) {
          visit(statements(field(branch, 'consequence')));
          const alternative = field(branch, 'alternative');
          if (alternative?.type === 'block') visit(statements(alternative));
          branch = alternative?.type === 'if_statement' ? alternative : undefined;
        }
        const initializer = field(statement, 'initializer');
        if (initializer && callsNext(initializer, ctx)) state.ok = false;
        continue;
      }
      if (statement.type === 'block') {
        visit(statements(statement));
        continue;
      }
      // Any other route to the next handler (a loop, a switch, a bare `next(c)`) is not followed.
      if (callsNext(statement, ctx)) state.ok = false;
    }
  };
  visit(statements(body));
  return state.ok && state.failures > 0;
}

/** The per-request bodies of a middleware value and the names its wrapper binds to the next handler. */
function perRequest(value: Value): { bodies: Node[]; next: Set<string>; file: GoFile } | undefined {
  if (value.k !== 'func') return undefined;
  const fn = value.node;
  const literals = returnedLiterals(fn);
  if (literals.length === 0) return undefined;
  if (fn.type === 'func_literal' && parameterNames(fn).length !== 1) return undefined;
  const bodies = literals.map((literal) => field(literal, 'body')).filter((body): body is Node => body !== undefined);
  return bodies.length === literals.length ? { bodies, next: paramNames(fn), file: value.file } : undefined;
}

/**
 * Two middlewares that reject together (listmonk's groups): an earlier one checks the credential and
 * records the outcome in the request context, `c.Set(key, user)` or `c.Set(key, echo.NewHTTPError(401/403))`,
 * always continuing; the piece at `index` reads the key and leaves without the next handler when it holds
 * the error (or not the user). Neither half proves anything alone.
 */
export function recordedOutcomeProof(pieces: readonly Piece[], index: number): Proof | undefined {
  const reader = pieces[index];
  const read = reader ? perRequest(reader.value) : undefined;
  if (!reader || !read || reader.value.k !== 'func') return undefined;
  const keys = read.bodies.map((body) => readerKey(body, { next: read.next, file: read.file, abortRequired: false, depth: 0, codes: DENY_STATUS, pattern: DENY_NAMES }));
  const key = keys[0];
  if (key === undefined || keys.some((other) => other !== key)) return undefined;
  for (let before = index - 1; before >= 0; before -= 1) {
    const recorder = pieces[before];
    const rec = recorder ? perRequest(recorder.value) : undefined;
    if (!recorder || !rec || recorder.value.k !== 'func') continue;
    const ctx: GuardContext = { next: rec.next, file: rec.file, abortRequired: false, depth: 0, codes: DENY_STATUS, pattern: DENY_NAMES };
    if (!rec.bodies.every((body) => recordsOutcome(body, key, ctx))) continue;
    return {
      mechanism: mechanismOf(recorder.value.node),
      detail: `${funcLabel(reader.value)}, refusing what ${funcLabel(recorder.value)} records at ${key} for a failed credential check,`,
      node: reader.node,
      file: reader.file,
    };
  }
  return undefined;
}

// What a credential check reads or answers, in a middleware or handler that does not provably reject.
const CREDENTIAL = /Authorization|Bearer|BasicAuth|Cookie|[Ss]ession|[Tt]oken|[Jj][Ww][Tt]|api[-_]?[Kk]ey|API[-_]?Key|Unauthorized|Forbidden|\b40[13]\b|[Ll]ogin|[Pp]assword|[Cc]laims|CurrentUser|[Pp]ermission|[Pp]rincipal/;
// An external middleware or handler whose package or name is about credentials.
const CREDENTIAL_PACKAGE = /auth|jwt|token|apikey|keyauth|session|basic|oauth|oidc|login|perm|casbin|\bacl|guard|securit|cred|identity|\bsso|casdoor|keycloak|firebase|kratos/i;

// The routers' own packages and the logging, CORS, compression, metrics and docs libraries they are used with.
const KNOWN_LIBRARIES = /^github\.com\/(?:labstack\/echo|gin-gonic\/gin|gin-contrib\/(?:cors|gzip|location|static|pprof|requestid|logger|timeout)|gofiber\/fiber|go-chi\/(?:chi|cors|render|httprate)|gorilla\/(?:mux|handlers)|prometheus\/|rs\/cors|swaggo\/|NYTimes\/gziphandler|klauspost\/compress|felixge\/httpsnoop|urfave\/negroni|julienschmidt\/httprouter|didip\/tollbooth|ulule\/limiter|sethvargo\/go-limiter)/;

/**
 * A middleware whose per-request body hands the request on before it can refuse anything
 * (`start := time.Now(); c.Next(); log…`, an error renderer that runs `c.Next()` first): it only
 * post-processes, whatever it reads afterwards.
 */
function passesFirst(value: FuncValue): boolean {
  const fn = value.node;
  const literals = returnedLiterals(fn);
  const bodies = literals.length > 0 ? literals.map((literal) => field(literal, 'body')) : [field(fn, 'body')];
  const next = literals.length > 0 ? paramNames(fn) : new Set<string>();
  const ctx: GuardContext = { next, file: value.file, abortRequired: false, depth: 0, codes: DENY_STATUS, pattern: DENY_NAMES };
  return bodies.every((body) => {
    if (!body) return false;
    for (const statement of statements(body)) {
      if (statement.type === 'expression_statement' && callsNext(statement, ctx)) return true;
      if (!['short_var_declaration', 'assignment_statement', 'var_declaration', 'expression_statement', 'defer_statement'].includes(statement.type)) return false;
      if (statement.type === 'expression_statement' && calls(statement).some((call) => /^(?:Abort|Error|WriteHeader|Redirect|JSON|String|Status)/.test(calleeName(call) ?? ''))) return false;
    }
    return false;
  });
}

// Forks and look-alikes of those (`github.com/gotify/location`): a package named for request plumbing.
const PLUMBING = /^(?:cors|gzip|location|requestid|request-id|logger|logging|recover|recovery|compress|etag|favicon|pprof|static|timeout|helmet|secure|nocache|realip|proxy)$/;

/** The text of a function and of the same-package functions it calls directly. */
function reach(fn: Node, file: GoFile): string {
  const parts = [fn.text];
  for (const call of calls(fn)) {
    const helper = helperOf(call, file);
    if (helper && helper !== fn) parts.push(helper.text);
  }
  return parts.join('\n');
}

/**
 * Why a middleware or handler that proves nothing may still check credentials: it reads a credential,
 * answers 401/403, or cannot be read. Undefined when it plainly has nothing to do with authentication.
 */
export function credentialDoubt(piece: Piece, role: 'middleware' | 'handler'): string | undefined {
  const value = piece.value;
  const label = piece.node.type === 'func_literal' ? `an inline ${role}` : `${role} ${piece.node.text.split('\n')[0]?.slice(0, 40) ?? ''}`;
  return doubtOf(value, label, 0);
}

/** The configuration condition of the first `if` whose configured side answers 401 (`if cfg.PrivateMode { … }`). */
function configurationDenial(fn: Node): string | undefined {
  let found: string | undefined;
  walk(fn, (node) => {
    if (found !== undefined) return false;
    if (node.type !== 'if_statement') return true;
    const condition = field(node, 'condition');
    const consequence = field(node, 'consequence');
    const part = condition ? configurationPart(condition, true) : undefined;
    if (part !== undefined && consequence && signal(consequence, DENY_NAMES, DENY_STATUS)) found = part;
    return true;
  }, true);
  return found;
}

function doubtOf(value: Value, label: string, depth: number): string | undefined {
  if (depth > 4) return `${label} wraps handlers too deeply to follow`;
  if (value.k === 'ext') {
    const standard = !(value.path.split('/')[0] ?? '').includes('.');
    const name = `${value.path}/${value.name}.${value.chain.join('.')}`;
    if (!standard && !KNOWN_LIBRARIES.test(value.path) && !PLUMBING.test(value.path.split('/').pop() ?? '')) return `${label} comes from a library apisec does not know (${value.path})`;
    if (CREDENTIAL_PACKAGE.test(name)) return `${label} (${value.path}) may check credentials`;
    // `http.HandlerFunc(h)`, `http.StripPrefix(p, h)`: what it converts or wraps.
    for (const arg of value.args) {
      if (arg.value.k !== 'func' && arg.value.k !== 'ext') continue;
      const inner = doubtOf(arg.value, label, depth + 1);
      if (inner) return inner;
    }
    return undefined;
  }
  if (value.k === 'func') {
    const configured = configurationDenial(value.node);
    if (configured !== undefined) return `${label} denies requests only when ${configured} (a configuration setting, not the request)`;
    if (!passesFirst(value) && CREDENTIAL.test(reach(value.node, value.file))) return `${label} reads credentials or answers 401/403 without provably rejecting every request that lacks them`;
    // A wrapper instance (`logRequests(http.HandlerFunc(s.handleBook))`): the handlers it calls from its maker are read too.
    const own = paramNames(value.node);
    const called = new Set<string>();
    for (const call of calls(value.node)) {
      const fn = field(call, 'function');
      const target = fn ? unwrap(fn) : undefined;
      const operand = target?.type === 'selector_expression' ? field(target, 'operand') : undefined;
      const name = target?.type === 'identifier' ? target.text : operand?.type === 'identifier' ? operand.text : undefined;
      if (name !== undefined && !own.has(name)) called.add(name);
    }
    for (let scope = value.env; scope; scope = scope.parent) {
      for (const [name, bound] of scope.vars) {
        if (!called.has(name) || (bound.k !== 'func' && bound.k !== 'ext') || (bound.k === 'func' && bound.node === value.node)) continue;
        called.delete(name);
        const inner = doubtOf(bound, label, depth + 1);
        if (inner) return inner;
      }
    }
    return undefined;
  }
  return `${label} could not be resolved`;
}
