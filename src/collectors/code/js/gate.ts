import type { Node } from 'web-tree-sitter';
import { parentOf } from '../../../parsing/tree-index.js';
import { callArgs, callee, descendants, field, isFunction, named, objectProperty, parameterNames, unwrap } from './ast.js';

/**
 * Path analysis of a middleware, hook or guard body: does every way it lets the request go on
 * (`next()`, `await next()`, a normal return for hooks and guards) come after a check that
 * rejected the other case (401/403, a throw, `next(err)`, a redirect to a login page)?
 *
 * A path state is `guarded` once such a check (or a call that throws on a bad credential,
 * `jwt.verify(token)`) was passed, `open` before; `route` / `marker` when only a test of the
 * request path or of route metadata (a public marker) let the request skip the check.
 */
export type PathState = 'guarded' | 'open' | 'route' | 'marker' | 'config' | 'unknown';

export interface Continuation {
  state: PathState;
  node: Node;
  /** For `marker`, `route` and `config`: the condition (with local values substituted) that skipped the check. */
  condition?: string;
  /** For `route`: the condition itself. */
  conditionNode?: Node;
}

interface Exit {
  kind: 'continue' | 'reject' | 'respond';
  continuation?: Continuation;
  /** A rejection that names authentication (401/403, Unauthorized, a login redirect, a verifier's error). */
  auth?: boolean;
}

interface Flow {
  fall: PathState[];
  exits: Exit[];
}

/** A parameter value of a middleware factory, bound where the factory was called. */
export interface Bound {
  node: Node;
}

export interface GateHooks {
  /** Whether a call throws (or answers 401) when the credential it reads is missing or invalid. */
  selfRejecting(call: Node): boolean;
  /** The verdict of a middleware a gate delegates to with its `next` (`passport.authenticate('jwt')(req, res, next)`). */
  delegate(call: Node): 'auth' | 'open' | 'unknown' | 'ignore';
  /** Whether property `key` of what `call` returns is an error answer set whenever authentication failed. */
  errorResult?(call: Node, key: string): boolean;
  /** A workspace function that receives the continuation as argument `index`: the states it continues in. */
  passes?(call: Node, index: number, rejectAt: readonly number[]): { states: PathState[]; rejects: boolean; authReject: boolean } | undefined;
  /**
   * The part of `condition` that reads configuration only (js/configuration.ts) and must hold for the condition to be
   * `when`: a check on that side runs only on the deployments configured so.
   */
  configuration?(condition: Node, when: boolean): string | undefined;
  /**
   * Whether a workspace helper `call` answers the request itself (401/403 on the response it was given) on every
   * path where it returns nothing (`null`, `undefined`, `false`), and returns a value only after a credential check:
   * `const user = await verifyUser({ req, res }); if (!user) return;` has already rejected.
   */
  answersWhenFalsy?(call: Node): boolean;
}

export interface GateResult {
  continuations: Continuation[];
  /** A rejection was seen: 401/403, a throw, `next(err)`, a login redirect. */
  rejects: boolean;
  /** A rejection names authentication explicitly (401/403, Unauthorized/Forbidden, a login redirect). */
  authReject: boolean;
  /** The function was read as a gate (it has a `next` parameter, or is a hook or guard). */
  style: 'next' | 'return';
  /** The configuration conditions that let requests skip the check (state `config`), in source order. */
  configurations: string[];
}

const NEXT_NAMES = /^(?:next|done|cb|callback|nextFn|proceed)$/;
const CALLS: ReadonlySet<string> = new Set(['call_expression', 'new_expression']);
const FUNCTIONS: ReadonlySet<string> = new Set(['arrow_function', 'function_expression']);
const AUTH_REJECT =
  /\b40[13]\b|Unauthori[sz]ed|Forbidden|UNAUTHENTICATED|AuthenticationError|AuthError|\bunauthorized\s*\(|\bforbidden\s*\(|(?:redirect|Redirect)\w*\s*\([^)]*(?:login|signin|sign-in|auth)/;
const RESPONSE_OBJECT = /^(?:res|response|reply|ctx|context|c|h|resp)$/;
const ROUTE_ONLY =
  /\b(?:req|request|ctx|c|context)(?:\.req)?\.(?:method|path|url|originalUrl|baseUrl|routerPath|routeOptions|routeConfig|_parsedUrl|nextUrl)\b|\bpathname\b/;
const CREDENTIAL = /token|auth|user|session|cookie|header|key|jwt|bearer|credential|secret|signature|principal|claims|payload|decoded|verif/i;
/** Request data that names no credential: a check on it is input validation, even when it answers 401. */
const REQUEST_PARAMETER = /\b(?:req|request|ctx|ctx\.request|c\.req)\??\.(?:query|params|body)\b|\bsearchParams\b/;
const MARKER = /reflector|getAllAndOverride|getAllAndMerge|getMetadata|Reflect\.getMetadata|\.get\s*\(\s*[A-Z_]+(?:_KEY)?\s*,/;

/** The parameter that continues the chain, when the function takes one (`(req, res, next)`, `(ctx, next)`, `(c, next)`). */
export function nextParameter(fn: Node): string | undefined {
  const names = parameterNames(fn);
  if (names.length < 2) return undefined;
  const last = names[names.length - 1];
  return last !== undefined && NEXT_NAMES.test(last) ? last : undefined;
}

export class Gate {
  private readonly locals = new Map<string, Node>();
  /** Locals holding an error answer a helper prepared for failed authentication (`const { error } = await parseRequest(req)`). */
  private readonly authErrors = new Set<string>();
  /**
   * When reading such a helper: the variable it returns the error answer in. Assigning it ends the path as a rejection
   * (the caller answers with it), and on the paths still going it is unset.
   */
  errorVariable: string | undefined;
  /** Route handlers: only a rejection that names authentication counts as a check (a 404 on a missing record does not). */
  authOnly = false;
  private readonly errorNames = new Set<string>();
  /** Locals holding what a helper returned that answered the request itself when it returned nothing (`answersWhenFalsy`). */
  private readonly answered = new Set<string>();
  /** Reading such a helper: a return of nothing (`return null`) ends the path as a rejection. */
  falsyRejects = false;
  /** A handler read for one HTTP method: tests of `req.method` against a literal are decided for it. */
  method: string | undefined;
  /** Names that reject when called: a Promise executor's `reject`, a callback's `reject` parameter. */
  readonly rejectNames = new Set<string>();
  private rejects = false;
  private authReject = false;
  private readonly configurations: string[] = [];

  constructor(
    private readonly fn: Node,
    private readonly hooks: GateHooks,
    private readonly env: Map<string, Bound | null> = new Map(),
    private readonly nextName = nextParameter(fn),
    /** A callback inside the gate: its returns end the callback, not the gate. */
    private readonly nested = false,
  ) {}

  analyse(): GateResult {
    const body = field(this.fn, 'body');
    const style = this.nextName ? 'next' : 'return';
    if (!body) return { continuations: [], rejects: false, authReject: false, style, configurations: [] };
    let flow: Flow;
    if (body.type === 'statement_block') flow = this.block(named(body), 'open');
    else {
      const effect = this.expression(body, 'open');
      // `(req, res, next) => jwtCheck(req, res, next)`; a hook or guard that returns a value ends normally.
      flow = { fall: [], exits: effect.exits.length > 0 ? effect.exits : effect.fall.map((state) => this.returned(state, body, body)) };
      if (effect.exits.length > 0 && style === 'return') flow.exits.push(...effect.fall.map((state) => this.returned(state, body, body)));
    }
    const continuations = flow.exits.flatMap((exit) => (exit.kind === 'continue' && exit.continuation ? [exit.continuation] : []));
    // A hook or guard that runs off its end lets the request through.
    if (style === 'return') for (const state of flow.fall) continuations.push({ state, node: body });
    return { continuations, rejects: this.rejects, authReject: this.authReject, style, configurations: this.configurations };
  }

  private returned(state: PathState, value: Node | undefined, site: Node): Exit {
    if (this.nextName || this.nested) return { kind: 'respond' };
    const current = value ? unwrap(value) : undefined;
    // Nest guards: `return false` answers 403.
    if (current?.type === 'false') return this.reject(true);
    if (this.falsyRejects && (!current || current.type === 'null' || current.text === 'undefined')) return this.reject(false);
    return { kind: 'continue', continuation: { state, node: site } };
  }

  private block(statements: readonly Node[], state: PathState): Flow {
    let states: PathState[] = [state];
    const exits: Exit[] = [];
    for (const statement of statements) {
      if (states.length === 0) break;
      const next: PathState[] = [];
      for (const current of dedupe(states)) {
        const flow = this.statement(statement, current);
        next.push(...flow.fall);
        exits.push(...flow.exits);
      }
      states = dedupe(next);
    }
    return { fall: states, exits };
  }

  private statement(node: Node, state: PathState): Flow {
    switch (node.type) {
      case 'statement_block':
        return this.block(named(node), state);
      case 'expression_statement': {
        const expression = named(node)[0];
        return expression ? this.expression(expression, state) : { fall: [state], exits: [] };
      }
      case 'lexical_declaration':
      case 'variable_declaration': {
        let flow: Flow = { fall: [state], exits: [] };
        for (const declarator of named(node)) {
          if (declarator.type !== 'variable_declarator') continue;
          const name = field(declarator, 'name');
          const value = field(declarator, 'value');
          if (!value) continue;
          if (name?.type === 'identifier') {
            this.locals.set(name.text, value);
            const call = unwrap(value);
            if (call.type === 'call_expression' && this.hooks.answersWhenFalsy?.(call)) this.answered.add(name.text);
          }
          else if (name?.type === 'object_pattern') {
            for (const part of named(name)) {
              const local = part.type === 'shorthand_property_identifier_pattern' ? part.text : part.type === 'pair_pattern' ? field(part, 'value')?.text : undefined;
              const key = part.type === 'pair_pattern' ? field(part, 'key')?.text : local;
              if (!local || !key) continue;
              this.locals.set(local, value);
              const call = unwrap(value);
              if (call.type === 'call_expression' && this.hooks.errorResult?.(call, key)) this.authErrors.add(local);
            }
          }
          flow = this.then(flow, (s) => this.expression(value, s));
        }
        return flow;
      }
      case 'return_statement': {
        const value = named(node)[0];
        if (!value) return { fall: [], exits: [this.returned(state, undefined, node)] };
        const effect = this.expression(value, state);
        if (effect.exits.length > 0 && effect.fall.length === 0) return { fall: [], exits: effect.exits };
        return { fall: [], exits: [...effect.exits, ...effect.fall.map((s) => this.returned(s, value, node))] };
      }
      case 'throw_statement': {
        const value = named(node)[0];
        return { fall: [], exits: [this.reject(AUTH_REJECT.test(node.text) || (value !== undefined && this.errorNames.has(unwrap(value).text)))] };
      }
      case 'if_statement':
        return this.branch(node, state);
      case 'try_statement': {
        const body = field(node, 'body');
        const handler = field(node, 'handler');
        const finalizer = field(node, 'finalizer');
        const tried = body ? this.block(named(body), state) : { fall: [state], exits: [] };
        let caught: Flow = { fall: [], exits: [] };
        if (handler) {
          const param = field(handler, 'parameter');
          if (param?.type === 'identifier') this.errorNames.add(param.text);
          const handlerBody = field(handler, 'body');
          // The error may come from anywhere in the block: the handler starts from the state before it.
          caught = handlerBody ? this.block(named(handlerBody), state) : { fall: [state], exits: [] };
        }
        let flow: Flow = { fall: dedupe([...tried.fall, ...caught.fall]), exits: [...tried.exits, ...caught.exits] };
        const finalBody = finalizer ? field(finalizer, 'body') : undefined;
        if (finalBody) flow = this.then(flow, (s) => this.block(named(finalBody), s));
        return flow;
      }
      case 'for_statement':
      case 'for_in_statement':
      case 'while_statement':
      case 'do_statement': {
        const body = field(node, 'body');
        const flow = body ? this.statement(body, state) : { fall: [], exits: [] };
        return { fall: dedupe([state, ...flow.fall]), exits: flow.exits };
      }
      case 'switch_statement': {
        const body = field(node, 'body');
        const exits: Exit[] = [];
        const fall: PathState[] = [state];
        // `switch (req.method) { case 'GET': … }` read for one method: only its case (or the default) runs.
        const value = field(node, 'value');
        const subject = value ? unwrap(value) : undefined;
        const clauses = body ? named(body) : [];
        if (this.method !== undefined && subject?.type === 'member_expression' && field(subject, 'property')?.text === 'method') {
          const matching = clauses.find((clause) => clause.type === 'switch_case' && field(clause, 'value')?.text.slice(1, -1).toUpperCase() === this.method);
          const chosen = matching ?? clauses.find((clause) => clause.type === 'switch_default');
          if (!chosen) return { fall: [state], exits: [] };
          const flow = this.block(clauses.slice(clauses.indexOf(chosen)).flatMap((clause) => named(clause).filter((child) => child.type !== 'comment' && child !== field(clause, 'value'))), state);
          return { fall: flow.fall, exits: flow.exits };
        }
        for (const clause of clauses) {
          const statements = named(clause).filter((child) => child.type !== 'comment' && child !== field(clause, 'value'));
          const flow = this.block(statements, state);
          exits.push(...flow.exits);
          fall.push(...flow.fall);
        }
        return { fall: dedupe(fall), exits };
      }
      case 'labeled_statement': {
        const body = field(node, 'body');
        return body ? this.statement(body, state) : { fall: [state], exits: [] };
      }
      default:
        return { fall: [state], exits: [] };
    }
  }

  private then(flow: Flow, step: (state: PathState) => Flow): Flow {
    const fall: PathState[] = [];
    const exits = [...flow.exits];
    for (const state of dedupe(flow.fall)) {
      const next = step(state);
      fall.push(...next.fall);
      exits.push(...next.exits);
    }
    return { fall: dedupe(fall), exits };
  }

  /** `if`, and the ternary and `&&` / `||` forms of it. */
  private branch(node: Node, state: PathState): Flow {
    const condition = field(node, 'condition');
    const consequence = field(node, 'consequence');
    const alternativeClause = field(node, 'alternative');
    const alternative = alternativeClause?.type === 'else_clause' ? named(alternativeClause)[0] : alternativeClause;
    const value = condition ? this.truth(condition) : undefined;
    const run = (part: Node | undefined, s: PathState): Flow => {
      if (!part) return { fall: [s], exits: [] };
      return node.type === 'if_statement' ? this.statement(part, s) : this.expression(part, s);
    };
    if (value === true) return run(consequence, state);
    if (value === false) return run(alternative, state);
    // `if (!user) return;` after `const user = await verifyUser({ req, res })`: the helper answered 401 already.
    const falsySide = condition ? this.answeredTest(condition) : undefined;
    if (falsySide !== undefined) {
      const falsy = run(falsySide ? consequence : alternative, state);
      if (falsy.fall.length === 0) {
        const rejected: Flow = { fall: [], exits: falsy.exits.map((exit) => (exit.kind === 'reject' ? exit : this.reject(true))) };
        const truthy = run(falsySide ? alternative : consequence, lift(state));
        return { fall: truthy.fall, exits: [...rejected.exits, ...truthy.exits] };
      }
    }
    // `if (req.user) return next()`: a user an earlier middleware authenticated is already there.
    const presence = condition ? userPresence(condition) : undefined;
    let yes = run(consequence, presence === true ? lift(state) : state);
    let no = run(alternative, presence === false ? lift(state) : state);
    const configured = condition ? this.hooks.configuration?.(condition, true) : undefined;
    const kind = configured !== undefined && configured === unwrap(condition as Node).text ? 'config' : condition ? this.conditionKind(condition) : 'data';
    // `if (!req.query.id) return res.status(401)…`: a request parameter checked, whatever status answers it.
    const parameterOnly = kind === 'data' && condition !== undefined && REQUEST_PARAMETER.test(this.substituted(condition));
    if ((kind === 'data' && !parameterOnly) || kind === 'credential') {
      // The side that only rejects is the check; the other side has passed it (a 400 on bad input is not a credential check).
      const checks = (flow: Flow): boolean => rejectOnly(flow) && ((kind === 'credential' && !this.authOnly) || flow.exits.some((exit) => exit.auth === true));
      // A rejection of callers who are signed in (`if (req.user) return res.status(403)…`) lets anonymous ones through.
      if (checks(no) && state !== 'guarded' && condition && presence !== false && this.narrows(condition, true)) yes = run(consequence, lift(state));
      if (checks(yes) && state !== 'guarded' && condition && presence !== true && this.narrows(condition, false)) no = run(alternative, lift(state));
    } else if (state === 'open' && kind !== 'data') {
      // Only the request path, method or route metadata decided: the open side skipped the check for those routes.
      // `if (isPublic) return true;` / `if (url.startsWith('/login')) return next();` leave early; `if (!isPublic) { check }` checks on one side only.
      const tag: PathState = kind;
      const text = condition ? (kind === 'config' ? unwrap(condition).text : this.substituted(condition)) : undefined;
      if (kind === 'config' && text !== undefined) this.configurations.push(text);
      const checked = (flow: Flow): boolean => flow.fall.length > 0 && !flow.fall.includes('open');
      yes = retag(yes, tag, text, checked(no), condition);
      no = retag(no, tag, text, checked(yes), condition);
    }
    if (state === 'open' && condition && kind !== 'config') {
      // `if (config.privateMode && !req.user) return res.status(401)…`: the check runs only where the setting holds.
      const onYes = rejectOnly(yes) ? this.hooks.configuration?.(condition, true) : undefined;
      const onNo = rejectOnly(no) ? this.hooks.configuration?.(condition, false) : undefined;
      if (onYes !== undefined) no = retag(no, 'config', onYes, true, condition);
      if (onNo !== undefined) yes = retag(yes, 'config', onNo, true, condition);
      for (const text of [onYes, onNo]) if (text !== undefined) this.configurations.push(text);
    }
    return { fall: dedupe([...yes.fall, ...no.fall]), exits: [...yes.exits, ...no.exits] };
  }

  /**
   * For `!user`, `user === null`, `user == null`, `user === undefined` on a local a self-answering helper returned:
   * true when the condition holds where the helper returned nothing, false for the opposite tests (`if (user)`).
   */
  private answeredTest(condition: Node): boolean | undefined {
    const stripped = withoutNegation(condition);
    if (!stripped) return undefined;
    const { node: current, negated } = stripped;
    if (current.type === 'identifier') return this.answered.has(current.text) ? negated : undefined;
    if (current.type !== 'binary_expression') return undefined;
    const operator = field(current, 'operator')?.text ?? '';
    const left = field(current, 'left');
    const right = field(current, 'right');
    if (!left || !right || !['===', '==', '!==', '!='].includes(operator)) return undefined;
    const [subject, other] = unwrap(left).type === 'identifier' ? [unwrap(left), unwrap(right)] : [unwrap(right), unwrap(left)];
    if (!this.answered.has(subject.text) || !(other.type === 'null' || other.text === 'undefined')) return undefined;
    return operator.startsWith('!') === negated;
  }

  /**
   * Whether the side of `condition` given by `when` excludes the rejected case: `if (!user || err) reject` leaves only
   * callers with a user on the other side, `if (user && user.banned) reject` does not (no user goes on as well).
   */
  private narrows(condition: Node, when: boolean): boolean {
    const current = unwrap(condition);
    if (current.type !== 'binary_expression') return true;
    const operator = field(current, 'operator')?.text;
    const left = field(current, 'left');
    const right = field(current, 'right');
    if (!left || !right || (operator !== '&&' && operator !== '||')) return true;
    // The side reached by the disjunction failing (for `||`, when false) or the conjunction holding (for `&&`, when true) is narrowed by each part.
    if ((operator === '||') === !when) return this.narrows(left, when) && this.narrows(right, when);
    // Otherwise only one part decided: it narrows only when the other parts are fixed by the factory's options.
    const fixed = (part: Node): boolean => this.truth(part) === (operator === '&&');
    if (fixed(left)) return this.narrows(right, when);
    if (fixed(right)) return this.narrows(left, when);
    return false;
  }

  private expression(node: Node, state: PathState): Flow {
    const current = unwrap(node);
    switch (current.type) {
      case 'ternary_expression':
        return this.branch(current, state);
      case 'binary_expression': {
        const operator = field(current, 'operator')?.text;
        const left = field(current, 'left');
        const right = field(current, 'right');
        if ((operator === '&&' || operator === '||') && left && right) {
          // `user || res.status(401)...`, `token && verify(token)`: the right side runs on one branch only.
          const first = this.expression(left, state);
          const second = this.then(first, (s) => this.expression(right, s));
          const added = { fall: second.fall, exits: second.exits.slice(first.exits.length) };
          const kind = this.conditionKind(left);
          if (rejectOnly(added) && (kind === 'credential' || added.exits.some((exit) => exit.auth === true)) && kind !== 'route')
            return { fall: first.fall.map(lift), exits: second.exits };
          return { fall: dedupe([...first.fall, ...second.fall]), exits: second.exits };
        }
        break;
      }
      case 'sequence_expression': {
        let flow: Flow = { fall: [state], exits: [] };
        for (const part of named(current)) flow = this.then(flow, (s) => this.expression(part, s));
        return flow;
      }
      case 'assignment_expression': {
        const left = field(current, 'left');
        const right = field(current, 'right');
        // Koa: `ctx.status = 401` (followed by a return) answers the request.
        if (left && right && /^(?:ctx|context)\.status$/.test(left.text) && /^40[13]$/.test(unwrap(right).text)) return { fall: [], exits: [this.reject(true)] };
        if (left?.type === 'identifier' && right && left.text === this.errorVariable) return { fall: [], exits: [this.reject(AUTH_REJECT.test(right.text))] };
        if (left?.type === 'identifier' && right) this.locals.set(left.text, right);
        return right ? this.expression(right, state) : { fall: [state], exits: [] };
      }
      default:
        break;
    }
    if (isFunction(current)) return { fall: [state], exits: [] };
    return this.calls(current, state);
  }

  /** The calls an expression makes (nested functions aside): continuations, rejections, checks, callbacks. */
  private calls(node: Node, state: PathState): Flow {
    const calls = this.shallowCalls(node);
    const exits: Exit[] = [];
    let fall: PathState = state;
    let ended = false;
    // A whole call chain that answers 401/403 (`res.status(401).json(...)`) rejects.
    if (calls.some((call) => this.isResponse(call) && !/(?:^|\.)assert$/.test(callee(call)?.text ?? '')) && AUTH_REJECT.test(this.shallowText(node)))
      return { fall: [], exits: [this.reject(true)] };
    for (const call of calls) {
      const fn = callee(call);
      const name = fn?.text ?? '';
      const args = callArgs(call);
      if (this.authErrors.has(name)) {
        exits.push(this.reject(true));
        ended = true;
        continue;
      }
      if (this.nextName && name === this.nextName) {
        const arg = args[0] ? unwrap(args[0]) : undefined;
        if (!arg || arg.type === 'null' || arg.text === 'undefined') exits.push({ kind: 'continue', continuation: { state: fall, node: call } });
        else exits.push(this.reject(AUTH_REJECT.test(arg.text) || this.errorNames.has(arg.text)));
        ended = true;
        continue;
      }
      if (/^(?:ctx|context|this\.ctx)\.throw$/.test(name) || this.rejectNames.has(name)) {
        const code = args[0] ? unwrap(args[0]).text : '';
        exits.push(this.reject(/^40[13]$/.test(code) || AUTH_REJECT.test(call.text) || this.errorNames.has(code)));
        ended = true;
        continue;
      }
      // `ctx.assert(ctx.state.user, 401)`, http-assert: throws unless the value holds.
      if (/(?:^|\.)assert$/.test(name) && args.length >= 2 && this.conditionKind(args[0] as Node) !== 'route') {
        const auth = /^40[13]$/.test(unwrap(args[1] as Node).text) || AUTH_REJECT.test(call.text);
        this.reject(auth);
        if (auth || this.conditionKind(args[0] as Node) === 'credential') fall = lift(fall);
        continue;
      }
      // `reply.send(err)` in a catch: the error (a 401 from the verifier) is the answer.
      if (this.isResponse(call) && args.some((arg) => this.errorNames.has(unwrap(arg).text))) {
        exits.push(this.reject(true));
        ended = true;
        continue;
      }
      const passed = this.nextName ? args.findIndex((arg) => unwrap(arg).text === this.nextName) : -1;
      if (passed >= 0) {
        // The continuation handed to a helper of the workspace (`verifyCallback(req, resolve, reject)`) is followed there.
        const rejectAt = args.map((arg, index) => (this.rejectNames.has(unwrap(arg).text) || this.errorNames.has(unwrap(arg).text) ? index : -1)).filter((index) => index >= 0);
        const followed = this.hooks.passes?.(call, passed, rejectAt);
        if (followed) {
          this.rejects ||= followed.rejects;
          this.authReject ||= followed.authReject;
          for (const inner of followed.states.length > 0 ? followed.states : []) exits.push({ kind: 'continue', continuation: { state: inner === 'open' ? fall : inner, node: call } });
        } else {
          const verdict = this.hooks.delegate(call);
          if (verdict !== 'ignore') exits.push({ kind: 'continue', continuation: { state: verdict === 'auth' ? 'guarded' : verdict === 'unknown' ? 'unknown' : fall, node: call } });
        }
        ended = true;
        continue;
      }
      // `new Promise((resolve, reject) => …).then(() => next())`: the callbacks of `then` run where the executor resolves.
      const promised = this.promiseState(call, fall);
      for (const arg of args) {
        const value = unwrap(arg);
        if (!isFunction(value)) continue;
        if (promised === null && /\.then$/.test(name)) continue;
        const inner = new Gate(value, this.hooks, this.env, this.nextName, true);
        this.locals.forEach((v, k) => inner.locals.set(k, v));
        for (const name of this.errorNames) inner.errorNames.add(name);
        for (const name of this.rejectNames) inner.rejectNames.add(name);
        const params = parameterNames(value);
        // `jwt.verify(token, key, (err, user) => …)`: the first parameter is the verifier's error. Passport's custom
        // callback gets an error only when something broke: a missing or bad credential is `user === false` there.
        if (params[0] && !/(?:^|\.)authenticate$/.test(name)) inner.errorNames.add(params[0]);
        const body = field(value, 'body');
        if (!body) continue;
        const start = promised !== undefined && promised !== null && /\.then$/.test(name) ? promised : fall;
        const flow = body.type === 'statement_block' ? inner.block(named(body), start) : inner.expression(body, start);
        this.rejects ||= inner.rejects;
        this.authReject ||= inner.authReject;
        this.configurations.push(...inner.configurations);
        exits.push(...flow.exits.filter((exit) => exit.kind !== 'respond'));
      }
      if (fall !== 'guarded' && this.hooks.selfRejecting(call)) fall = 'guarded';
    }
    return { fall: ended ? [] : [fall], exits };
  }

  private reject(auth: boolean): Exit {
    this.rejects = true;
    if (auth) this.authReject = true;
    return { kind: 'reject', auth };
  }

  /**
   * For a `.then(...)` call on `new Promise(executor)`: the state its callbacks start in (guarded when the executor
   * resolves only after a check), `null` when it never resolves, undefined when the call is no such chain.
   */
  private promiseState(call: Node, state: PathState): PathState | null | undefined {
    const fn = callee(call);
    if (fn?.type !== 'member_expression' || field(fn, 'property')?.text !== 'then') return undefined;
    let base = field(fn, 'object');
    while (base && unwrap(base).type === 'call_expression') base = field(callee(unwrap(base)) ?? unwrap(base), 'object');
    const root = base ? unwrap(base) : undefined;
    if (root?.type !== 'new_expression' || callee(root)?.text !== 'Promise') return undefined;
    const executor = callArgs(root)[0] ? unwrap(callArgs(root)[0] as Node) : undefined;
    if (!executor || !isFunction(executor)) return undefined;
    const [resolve, reject] = parameterNames(executor);
    if (!resolve) return undefined;
    const inner = new Gate(executor, this.hooks, this.env, resolve, true);
    this.locals.forEach((v, k) => inner.locals.set(k, v));
    if (reject) inner.rejectNames.add(reject);
    const result = inner.analyse();
    this.rejects ||= result.rejects;
    this.authReject ||= result.authReject;
    this.configurations.push(...result.configurations);
    const states = result.continuations.map((continuation) => (continuation.state === 'open' ? state : continuation.state));
    if (states.length === 0) return null;
    if (states.includes('open')) return 'open';
    if (states.includes('unknown')) return 'unknown';
    return states.every((s) => s === 'guarded') ? 'guarded' : states.find((s) => s !== 'guarded') ?? state;
  }

  private isResponse(call: Node): boolean {
    const fn = callee(call);
    if (call.type === 'new_expression') return /Response$|Exception$|Error$/.test(fn?.text ?? '');
    if (fn?.type !== 'member_expression') return /^(?:redirect|unauthorized|forbidden|json)$/.test(fn?.text ?? '');
    let base: Node | undefined = fn;
    while (base && (base.type === 'member_expression' || base.type === 'call_expression')) {
      base = base.type === 'member_expression' ? field(base, 'object') : callee(base);
    }
    return base !== undefined && (RESPONSE_OBJECT.test(base.text) || /^(?:NextResponse|Response|this)$/.test(base.text));
  }

  private shallowCalls(node: Node): Node[] {
    return descendants(node, CALLS).filter((call) => {
      if (call.id === node.id) return true;
      for (let up = parentOf(call); up && up.id !== node.id; up = parentOf(up)) if (isFunction(up)) return false;
      return true;
    });
  }

  private shallowText(node: Node): string {
    let text = node.text;
    for (const fn of descendants(node, FUNCTIONS)) text = text.replace(fn.text, '');
    return text;
  }

  /** The condition's text with local values substituted (`isPublic` → `this.reflector.get(IS_PUBLIC_KEY, …)`). */
  private substituted(condition: Node): string {
    let text = condition.text;
    for (const id of descendants(condition, new Set(['identifier']))) {
      const value = this.locals.get(id.text);
      if (value) text += ` ${value.text}`;
    }
    return text;
  }

  private conditionKind(condition: Node): 'route' | 'marker' | 'credential' | 'data' {
    const text = this.substituted(condition);
    if (MARKER.test(text)) return 'marker';
    const bare = text.replace(/(['"`])(?:\\.|(?!\1).)*\1/g, "''");
    if (ROUTE_ONLY.test(bare) && !CREDENTIAL.test(bare.replace(new RegExp(ROUTE_ONLY.source, 'g'), ''))) return 'route';
    return CREDENTIAL.test(text) ? 'credential' : 'data';
  }

  /** A condition decided by the factory's options (`opts.optional`, `required`), or undefined. */
  private truth(condition: Node, depth = 0): boolean | undefined {
    if (depth > 8) return undefined;
    const current = unwrap(condition);
    switch (current.type) {
      case 'true':
        return true;
      case 'false':
      case 'null':
      case 'undefined':
        return false;
      case 'unary_expression': {
        const argument = field(current, 'argument');
        if (current.children[0]?.type !== '!' || !argument) return undefined;
        const inner = this.truth(argument, depth + 1);
        return inner === undefined ? undefined : !inner;
      }
      case 'binary_expression': {
        const operator = field(current, 'operator')?.text;
        const left = field(current, 'left');
        const right = field(current, 'right');
        if (!left || !right) return undefined;
        const a = this.truth(left, depth + 1);
        const b = this.truth(right, depth + 1);
        if (operator === '&&') return a === false || b === false ? false : a === true && b === true ? true : undefined;
        if (operator === '||') return a === true || b === true ? true : a === false && b === false ? false : undefined;
        const methodTest = this.methodTest(current);
        if (methodTest !== undefined) return methodTest;
        if ((operator === '===' || operator === '==' || operator === '!==' || operator === '!=') && (right.type === 'true' || right.type === 'false')) {
          const value = this.truth(left, depth + 1);
          if (value === undefined) return undefined;
          const equal = value === (right.type === 'true');
          return operator.startsWith('!') ? !equal : equal;
        }
        return undefined;
      }
      case 'identifier': {
        if (current.text === this.errorVariable) return false;
        if (this.authErrors.has(current.text)) return undefined;
        if (this.env.has(current.text)) {
          const bound = this.env.get(current.text);
          return bound ? this.literalTruth(bound.node) : false;
        }
        const local = this.locals.get(current.text);
        return local && local.id !== current.id ? this.truth(local, depth + 1) : undefined;
      }
      case 'member_expression': {
        const object = field(current, 'object');
        const key = field(current, 'property')?.text;
        if (!object || !key) return undefined;
        const base = unwrap(object);
        const bound = base.type === 'identifier' ? (this.env.has(base.text) ? this.env.get(base.text) : this.localObject(base.text)) : undefined;
        if (bound === undefined) return undefined;
        if (bound === null) return false;
        const value = unwrap(bound.node);
        if (value.type !== 'object' || named(value).some((child) => child.type === 'spread_element')) return undefined;
        const property = objectProperty(value, key);
        return property ? this.literalTruth(property) : false;
      }
      default:
        return undefined;
    }
  }

  /** `req.method === 'POST'` (either side, `!==` too) when the handler is read for one method. */
  private methodTest(node: Node): boolean | undefined {
    if (this.method === undefined) return undefined;
    const operator = field(node, 'operator')?.text ?? '';
    const left = field(node, 'left');
    const right = field(node, 'right');
    if (!left || !right || !['===', '==', '!==', '!='].includes(operator)) return undefined;
    const [subject, other] = unwrap(right).type === 'string' ? [unwrap(left), unwrap(right)] : [unwrap(right), unwrap(left)];
    if (other.type !== 'string' || subject.type !== 'member_expression' || field(subject, 'property')?.text !== 'method') return undefined;
    const equal = other.text.slice(1, -1).toUpperCase() === this.method;
    return operator.startsWith('!') ? !equal : equal;
  }

  private localObject(name: string): Bound | null | undefined {
    const local = this.locals.get(name);
    if (!local) return undefined;
    const value = unwrap(local);
    // `const options = opts || {}` / `{ ...defaults, ...opts }` are read only when plain.
    if (value.type === 'object') return { node: value };
    if (value.type === 'identifier' && this.env.has(value.text)) return this.env.get(value.text);
    return undefined;
  }

  private literalTruth(node: Node): boolean | undefined {
    const value = unwrap(node);
    if (value.type === 'true') return true;
    if (value.type === 'false' || value.type === 'null' || value.text === 'undefined') return false;
    if (value.type === 'number') return Number(value.text) !== 0;
    if (value.type === 'string') return value.text.length > 2;
    if (value.type === 'object' || value.type === 'array') return true;
    return undefined;
  }
}

const AUTHENTICATED_USER = /^(?:req|request|ctx\.state|ctx\.req|ctx)\.(?:user|currentUser)$|^(?:req|request|ctx)\.session\.(?:user|userId|user_id)$|^(?:req|request|ctx)\.isAuthenticated\(\)$/;

/** `true` for `(req.user)`, `(req.isAuthenticated())`; `false` for their negation; undefined otherwise. */
function userPresence(condition: Node): boolean | undefined {
  const stripped = withoutNegation(condition);
  if (!stripped) return undefined;
  const { node: current, negated } = stripped;
  if (!AUTHENTICATED_USER.test(current.text.replace(/\s+/g, '').replace(/\?\./g, '.'))) return undefined;
  return !negated;
}

/** A condition without its `!`s (and parentheses), and whether an odd number of them negated it. */
function withoutNegation(condition: Node): { node: Node; negated: boolean } | undefined {
  let node = unwrap(condition);
  let negated = false;
  while (node.type === 'unary_expression' && node.children[0]?.type === '!') {
    const argument = field(node, 'argument');
    if (!argument) return undefined;
    negated = !negated;
    node = unwrap(argument);
  }
  return { node, negated };
}

function dedupe<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function lift(state: PathState): PathState {
  return state === 'open' ? 'guarded' : state;
}

function rejectOnly(flow: Flow): boolean {
  return flow.fall.length === 0 && flow.exits.length > 0 && flow.exits.every((exit) => exit.kind === 'reject');
}

function retag(flow: Flow, tag: PathState, condition: string | undefined, falls: boolean, conditionNode: Node | undefined): Flow {
  return {
    fall: falls ? flow.fall.map((state) => (state === 'open' ? tag : state)) : flow.fall,
    exits: flow.exits.map((exit) =>
      exit.continuation?.state === 'open'
        ? { ...exit, continuation: { ...exit.continuation, state: tag, ...(condition === undefined ? {} : { condition }), ...(conditionNode === undefined ? {} : { conditionNode }) } }
        : exit,
    ),
  };
}

/** Binds a factory's parameters to a call's arguments: identifiers, and destructured `{ optional = false } = {}`. */
export function bindParameters(fn: Node, args: readonly Node[]): Map<string, Bound | null> {
  const env = new Map<string, Bound | null>();
  const single = field(fn, 'parameter');
  const params = single ? [single] : named(field(fn, 'parameters') ?? fn).filter((p) => p.type !== 'type_annotation');
  params.forEach((param, index) => {
    let pattern = param.type === 'identifier' ? param : field(param, 'pattern') ?? param;
    let fallback = field(param, 'value');
    if (pattern.type === 'assignment_pattern') {
      fallback = field(pattern, 'right');
      pattern = field(pattern, 'left') ?? pattern;
    }
    const arg = args[index] ? unwrap(args[index]) : undefined;
    const given = arg && arg.text !== 'undefined' ? arg : fallback ? unwrap(fallback) : undefined;
    if (pattern.type === 'identifier') {
      env.set(pattern.text, given ? { node: given } : null);
      return;
    }
    if (pattern.type !== 'object_pattern') return;
    for (const part of named(pattern)) {
      if (part.type === 'shorthand_property_identifier_pattern') {
        if (given && given.type !== 'object') continue;
        const value = given ? objectProperty(given, part.text) : undefined;
        env.set(part.text, value ? { node: value } : null);
      } else if (part.type === 'object_assignment_pattern') {
        const left = field(part, 'left');
        const right = field(part, 'right');
        if (!left) continue;
        const value = given?.type === 'object' ? objectProperty(given, left.text) : undefined;
        if (value) env.set(left.text, { node: value });
        else if (!given || given.type === 'object') env.set(left.text, right ? { node: right } : null);
      } else if (part.type === 'pair_pattern') {
        const key = field(part, 'key')?.text;
        const local = field(part, 'value');
        if (!key || local?.type !== 'identifier' || (given && given.type !== 'object')) continue;
        const value = given ? objectProperty(given, key) : undefined;
        env.set(local.text, value ? { node: value } : null);
      }
    }
  });
  return env;
}

/**
 * Extends a factory's bound parameters with what its body derives from them before returning the
 * middleware: `const { optional = false } = options`, `const required = opts.required`.
 */
export function bindLocals(body: Node, env: Map<string, Bound | null>): void {
  if (body.type !== 'statement_block') return;
  for (const statement of named(body)) {
    if (statement.type !== 'lexical_declaration' && statement.type !== 'variable_declaration') continue;
    for (const declarator of named(statement)) {
      const name = field(declarator, 'name');
      const value = field(declarator, 'value');
      if (!name || !value) continue;
      const source = unwrap(value);
      const base = source.type === 'identifier' ? env.get(source.text) : undefined;
      const object = base ? unwrap(base.node) : undefined;
      if (name.type === 'identifier' && source.type === 'member_expression') {
        const owner = field(source, 'object');
        const key = field(source, 'property')?.text;
        const bound = owner?.type === 'identifier' && env.has(owner.text) ? env.get(owner.text) : undefined;
        if (bound === undefined || !key) continue;
        const holder = bound ? unwrap(bound.node) : undefined;
        if (bound === null) env.set(name.text, null);
        else if (holder?.type === 'object' && !named(holder).some((child) => child.type === 'spread_element')) {
          const property = objectProperty(holder, key);
          env.set(name.text, property ? { node: property } : null);
        }
        continue;
      }
      if (name.type !== 'object_pattern' || source.type !== 'identifier' || !env.has(source.text)) continue;
      if (object && object.type !== 'object') continue;
      for (const part of named(name)) {
        const local = part.type === 'shorthand_property_identifier_pattern' ? part : part.type === 'object_assignment_pattern' ? field(part, 'left') : undefined;
        if (!local) continue;
        const property = object ? objectProperty(object, local.text) : undefined;
        const fallback = part.type === 'object_assignment_pattern' ? field(part, 'right') : undefined;
        env.set(local.text, property ? { node: property } : fallback ? { node: fallback } : null);
      }
    }
  }
}

