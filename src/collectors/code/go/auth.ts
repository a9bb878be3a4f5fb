import type { Node } from 'web-tree-sitter';
import type { AuthMechanism } from '../../../model/types.js';
import { callArgs, field, named, parameterNames, statements, unwrap, walk } from './ast.js';
import type { Env, GoDialect, Piece, Value } from './engine.js';
import type { GoFile } from './program.js';

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
  const out: Node[] = [];
  walk(node, (current) => {
    if (current.type === 'call_expression') out.push(current);
    return true;
  });
  return out;
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
        const consequence = field(branch, 'consequence');
        if (consequence && denies(statements(consequence), ctx)) return true;
        const alternative = field(branch, 'alternative');
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

/** A middleware or wrapper that answers 429 before calling the next handler, or a known limiter. */
export function rateLimitProof(piece: Piece, dialect: GoDialect, asWrapper: boolean): { library: string; node: Node; file: GoFile } | undefined {
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
