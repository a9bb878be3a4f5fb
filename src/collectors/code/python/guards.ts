import type { AuthEvidence, AuthMechanism, EvidenceScope, Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import { argument, callArgs, calleeName, dotted, field, lastSegment, unwrap, walk } from './ast.js';
import type { PyIndex, PyModule, Resolved } from './project.js';
import { parentOf } from '../../../parsing/tree-index.js';
import { lookupTable } from '../../../analysis/lookup.js';
import { configurationGate } from './configuration.js';

/** Where a node stands, with its end: checks tie findings to the handler whose span encloses them. */
export function locate(module: PyModule, node: Node): Location {
  return {
    file: module.source.file,
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

/** One piece of evidence about a route's protection, found at one place. */
export interface Guard {
  kind: 'protected' | 'public' | 'unknown';
  mechanisms: AuthMechanism[];
  detail: string;
  where: Location;
  scope: EvidenceScope;
  scopes?: string[];
}

/**
 * A protecting guard anywhere wins; an explicit public marker comes next; anything undecidable makes
 * the route unknown; otherwise `fallback` (unprotected when every place that could guard was seen).
 */
export function decide(guards: readonly Guard[], fallback: AuthEvidence): AuthEvidence {
  const protecting = guards.filter((guard) => guard.kind === 'protected');
  const first = protecting[0];
  if (first) {
    const mechanisms = [...new Set(protecting.flatMap((guard) => guard.mechanisms))].sort();
    const scopes = [...new Set(protecting.flatMap((guard) => guard.scopes ?? []))];
    return {
      state: 'protected',
      mechanisms: mechanisms.length > 0 ? mechanisms : ['unknown'],
      where: first.where,
      scope: first.scope,
      detail: protecting.map((guard) => guard.detail).join('; '),
      ...(scopes.length > 0 ? { scopes } : {}),
    };
  }
  const pick = guards.find((guard) => guard.kind === 'public') ?? guards.find((guard) => guard.kind === 'unknown');
  if (pick) {
    return {
      state: pick.kind === 'public' ? 'public' : 'unknown',
      mechanisms: pick.kind === 'public' ? ['none'] : ['unknown'],
      where: pick.where,
      scope: pick.scope,
      detail: pick.detail,
    };
  }
  return fallback;
}

export const UNPROTECTED = (detail: string): AuthEvidence => ({ state: 'unprotected', mechanisms: ['none'], detail });
export const UNKNOWN = (detail: string): AuthEvidence => ({ state: 'unknown', mechanisms: ['unknown'], detail });

const AUTHISH = /auth|login|logged|token|jwt|permission|perm_|role|admin|staff|superuser|secur|api_?key|credential|signed_in|protect|guard|verify|scope|current_user|principal/i;
const NOT_GUARDS = new Set([
  'wraps', 'csrf_exempt', 'csrf_protect', 'ensure_csrf_cookie', 'require_http_methods', 'require_GET', 'require_POST',
  'require_safe', 'cache_page', 'never_cache', 'vary_on_headers', 'api_view', 'permission_classes', 'authentication_classes',
  'throttle_classes', 'renderer_classes', 'parser_classes', 'schema', 'extend_schema', 'swagger_auto_schema', 'action',
  'method_decorator', 'transaction.atomic', 'atomic', 'cached', 'limit', 'exempt', 'marshal_with', 'marshal_list_with',
  'expect', 'response', 'doc', 'param', 'produces', 'accepts', 'validate', 'use_kwargs', 'use_args', 'cross_origin',
  'staticmethod', 'classmethod', 'property', 'convert_kwargs_to_snake_case', 'classproperty',
]);
const PUBLIC_MARKERS = /^(public|public_route|public_endpoint|public_api|no_auth|noauth|allow_anonymous|anonymous|skip_auth|auth_exempt|exempt_from_auth|unauthenticated|login_not_required|no_login_required|allow_any)$/i;

export function isAuthish(name: string): boolean {
  return AUTHISH.test(name);
}

export function isPublicMarker(name: string): boolean {
  return PUBLIC_MARKERS.test(lastSegment(name));
}

export interface BodyAnalysis {
  /** The code rejects the request (401/403, abort, PermissionDenied, login redirect) on some path. */
  enforces: boolean;
  mechanisms: Set<AuthMechanism>;
  /** Reads the request path or endpoint: the rejection is conditional on which route is hit. */
  routeConditional: boolean;
  /**
   * When every rejection sits under a condition on configuration (`if settings.PRIVATE_MODE:`), that condition:
   * the code rejects nothing where the setting is off, so `enforces` stays false.
   */
  configGated?: string;
}

const REJECT_EXCEPTIONS = /^(Unauthorized|Forbidden|PermissionDenied|NotAuthenticated|AuthenticationFailed|AuthenticationError|AuthError|Unauthenticated|PermissionError|NoAuthorizationError|InvalidTokenError|HTTPUnauthorized|HTTPForbidden)$/;
const REJECT_TEXT = /\b(401|403)\b|UNAUTHORIZED|FORBIDDEN|not authenticated|unauthori[sz]ed|authentication required|login required|permission denied|not allowed|forbidden|invalid token|invalid credentials|missing token|credentials/i;
const REJECT_RESPONSES = /^(HttpResponseForbidden|HttpResponseNotAllowed|redirect_to_login|unauthorized|handle_no_permission)$/;

function markMechanisms(text: string, into: Set<AuthMechanism>): void {
  if (/\bjwt\.decode\b|\bjose\b|decode_(access_)?token|verify_jwt_in_request|get_jwt_identity|get_jwt\(|JWTAuthentication|jwt_decode/.test(text)) into.add('jwt');
  if (/api[-_ ]?key|x-api-key/i.test(text)) into.add('api-key');
  if (/current_user\.is_authenticated|\bsession\s*\[|\bsession\.get\(|request\.session|request\.user\.is_authenticated|\buser\.is_authenticated|is_anonymous/.test(text)) into.add('session');
  if (/request\.authorization\b|HTTPBasic|b64decode|basic\s/i.test(text)) into.add('basic');
}

/**
 * Reads a guard-like function (decorator, dependency, before_request hook, permission class method):
 * whether it rejects requests, and which credentials it reads. Project functions it calls are read too
 * (two levels), so a decorator delegating to `verify_token()` counts.
 */
export function analyseBody(index: PyIndex, module: PyModule, root: Node, depth = 0): BodyAnalysis {
  const key = `body\u0000${module.source.file}\u0000${root.startIndex}\u0000${depth}`;
  const cached = index.memo.get(key) as BodyAnalysis | undefined;
  if (cached) return cached;
  const result: BodyAnalysis = { enforces: false, mechanisms: new Set(), routeConditional: false };
  index.memo.set(key, result);
  const text = root.text;
  markMechanisms(text, result.mechanisms);
  const mark = (node: Node, inner?: string): void => {
    const gate = configurationGate(index, module, node, root) ?? inner;
    if (gate === undefined) result.enforces = true;
    else result.configGated ??= gate;
  };
  if (/request\.(endpoint|path|url_rule|url|full_path|method)\b|request\.scope\[["']path|request\.url\.path/.test(text)) result.routeConditional = true;
  walk(root, (node) => {
    if (node.type === 'raise_statement') {
      const raised = node.firstNamedChild;
      const name = raised ? lastSegment(raised.type === 'call' ? (calleeName(raised) ?? '') : (dotted(raised) ?? '')) : '';
      if (REJECT_EXCEPTIONS.test(name) || REJECT_TEXT.test(node.text)) mark(node);
      return false;
    }
    if (node.type === 'return_statement') {
      if (/\b(401|403)\b|HTTP_401|HTTP_403|UNAUTHORIZED|FORBIDDEN|redirect_to_login|HttpResponseForbidden|login_manager\.unauthorized|url_for\(\s*["'][\w.]*login|(redirect|reverse)\(\s*["'][\w.:-]*login/.test(node.text)) {
        mark(node);
      }
      return true;
    }
    if (node.type === 'call') {
      const name = calleeName(node) ?? '';
      const last = lastSegment(name);
      const args = callArgs(node);
      if (last === 'abort') {
        const first = args.positional[0];
        if (first && /\b(401|403)\b|UNAUTHORIZED|FORBIDDEN/.test(first.text)) mark(node);
      } else if (REJECT_RESPONSES.test(last)) {
        mark(node);
      } else if (last === 'verify_jwt_in_request') {
        const optional = args.keywords.get('optional');
        if (optional?.text !== 'True') mark(node);
        result.mechanisms.add('jwt');
      } else if (depth < 2 && name !== '') {
        const fn = field(node, 'function');
        const resolved = fn ? index.resolveExpr(module, fn) : undefined;
        if (resolved?.kind === 'def' && resolved.node.type === 'function_definition' && resolved.node.id !== root.id) {
          const inner = analyseBody(index, resolved.module, resolved.node, depth + 1);
          if (inner.enforces) mark(node);
          else if (inner.configGated !== undefined) mark(node, inner.configGated);
          for (const mechanism of inner.mechanisms) result.mechanisms.add(mechanism);
        }
      }
    }
    return true;
  });
  return result;
}

export type DecoratorVerdict =
  | { kind: 'guard'; mechanisms: AuthMechanism[]; detail: string; scopes?: string[] }
  | { kind: 'optional'; detail: string }
  | { kind: 'public'; detail: string }
  | { kind: 'unknown'; detail: string }
  | { kind: 'none' };

const KNOWN_DECORATORS: Record<string, AuthMechanism> = lookupTable({
  login_required: 'session',
  permission_required: 'session',
  user_passes_test: 'session',
  staff_member_required: 'session',
  superuser_required: 'session',
  roles_required: 'session',
  roles_accepted: 'session',
  auth_required: 'session',
  fresh_login_required: 'session',
  jwt_required: 'jwt',
  fresh_jwt_required: 'jwt',
  jwt_refresh_token_required: 'jwt',
  jwt_optional: 'jwt',
  require_oauth: 'oauth2',
  require_login: 'openid',
  accept_token: 'oauth2',
});

const HTTPAUTH_CLASSES: Record<string, AuthMechanism> = lookupTable({
  HTTPBasicAuth: 'basic',
  HTTPDigestAuth: 'basic',
  HTTPTokenAuth: 'unknown',
  MultiAuth: 'unknown',
  ResourceProtector: 'oauth2',
  OpenIDConnect: 'openid',
});

function jwtModule(qualified: string): boolean {
  return /graphql_jwt|flask_jwt|jwt_extended|simplejwt/.test(qualified);
}

/** Classifies a decorator applied to a view, resolver or view class. */
export function classifyDecorator(index: PyIndex, module: PyModule, expression: Node, depth = 0): DecoratorVerdict {
  const target = unwrap(expression);
  const isCall = target.type === 'call';
  const head = isCall ? field(target, 'function') : target;
  const name = head ? dotted(head) : undefined;
  if (name === undefined) return { kind: 'none' };
  const last = lastSegment(name);
  if (isPublicMarker(last)) return { kind: 'public', detail: `@${name}` };
  if (NOT_GUARDS.has(last) || NOT_GUARDS.has(name)) return { kind: 'none' };
  const args = isCall ? callArgs(target) : undefined;
  if (args?.keywords.get('optional')?.text === 'True') return { kind: 'optional', detail: `@${target.text} (optional)` };
  if (last === 'jwt_optional') return { kind: 'optional', detail: `@${name} (optional)` };

  // `auth.login_required` where `auth = HTTPBasicAuth()` / `HTTPTokenAuth()` (flask-httpauth), `require_oauth(...)`.
  const objectNode = head?.type === 'attribute' ? field(head, 'object') : undefined;
  if (objectNode) {
    const owner = index.resolveExpr(module, objectNode);
    const ownerClass = owner ? constructedClass(index, owner) : undefined;
    if (ownerClass && HTTPAUTH_CLASSES[ownerClass] !== undefined) {
      let mechanism = HTTPAUTH_CLASSES[ownerClass];
      if (mechanism === 'unknown' && owner?.kind === 'value') mechanism = tokenAuthMechanism(index, owner.module, objectNode.text);
      return { kind: 'guard', mechanisms: [mechanism], detail: `@${name} (${ownerClass})` };
    }
  }
  // APIFairy's `@authenticate(token_auth)` (and look-alike wrappers) take the flask-httpauth object as argument.
  const authArgument = args && last === 'authenticate' ? args.positional[0] ?? args.keywords.get('auth') : undefined;
  if (authArgument) {
    const owner = index.resolveExpr(module, authArgument);
    const ownerClass = owner ? constructedClass(index, owner) : undefined;
    if (ownerClass && HTTPAUTH_CLASSES[ownerClass] !== undefined) {
      let mechanism = HTTPAUTH_CLASSES[ownerClass];
      if (mechanism === 'unknown' && owner?.kind === 'value') mechanism = tokenAuthMechanism(index, owner.module, authArgument.text);
      return { kind: 'guard', mechanisms: [mechanism], detail: `@${target.text} (${ownerClass})` };
    }
  }
  const resolved = head ? index.resolveExpr(module, head) : undefined;
  if (resolved?.kind === 'value' && !isCall) {
    const ownerClass = constructedClass(index, resolved);
    if (ownerClass && HTTPAUTH_CLASSES[ownerClass] !== undefined) {
      return { kind: 'guard', mechanisms: [HTTPAUTH_CLASSES[ownerClass]], detail: `@${name} (${ownerClass})` };
    }
  }
  if (resolved?.kind === 'value' && isCall) {
    const ownerClass = constructedClass(index, resolved);
    if (ownerClass === 'ResourceProtector') return { kind: 'guard', mechanisms: ['oauth2'], detail: `@${target.text}` };
  }
  if (resolved?.kind === 'def' && resolved.node.type === 'function_definition' && depth < 3) {
    const analysis = analyseBody(index, resolved.module, resolved.node);
    if (analysis.enforces) {
      const bypass = unguardedCall(resolved.node, (statement) => analyseBody(index, resolved.module, statement).enforces);
      if (bypass) return { kind: 'unknown', detail: `@${name} rejects requests only on some paths (${bypass})` };
      return { kind: 'guard', mechanisms: analysis.mechanisms.size > 0 ? [...analysis.mechanisms] : ['unknown'], detail: `@${name} rejects unauthenticated requests` };
    }
    if (analysis.configGated !== undefined) return { kind: 'unknown', detail: `@${name} rejects requests only when ${analysis.configGated} (a configuration setting, not the request)` };
    return isAuthish(last) ? { kind: 'unknown', detail: `@${name} does not visibly reject requests` } : { kind: 'none' };
  }
  const qualified = resolved?.kind === 'external' ? resolved.qualified : name;
  const known = KNOWN_DECORATORS[last];
  if (known !== undefined) {
    const mechanism: AuthMechanism = jwtModule(qualified) ? 'jwt' : known;
    return { kind: 'guard', mechanisms: [mechanism], detail: `@${isCall ? target.text : name}` };
  }
  if (isAuthish(last)) return { kind: 'unknown', detail: `@${name} cannot be analysed` };
  return { kind: 'none' };
}

/** The class name an object was built from (`auth = HTTPBasicAuth()` → `HTTPBasicAuth`). */
export function constructedClass(index: PyIndex, resolved: Resolved): string | undefined {
  if (resolved.kind !== 'value') return undefined;
  const value = unwrap(resolved.node);
  if (value.type !== 'call') return undefined;
  const name = calleeName(value);
  return name === undefined ? undefined : lastSegment(name);
}

function tokenAuthMechanism(index: PyIndex, module: PyModule, objectName: string): AuthMechanism {
  let mechanism: AuthMechanism = 'unknown';
  for (const def of module.defs.values()) {
    const parent = parentOf(def);
    if (parent?.type !== 'decorated_definition') continue;
    if (!parent.text.startsWith(`@${objectName}.verify_token`)) continue;
    const analysis = analyseBody(index, module, def);
    if (analysis.mechanisms.has('jwt')) mechanism = 'jwt';
    else if (analysis.mechanisms.has('api-key')) mechanism = 'api-key';
  }
  return mechanism;
}

export function argumentText(call: Node, index: number, name: string): string | undefined {
  return argument(callArgs(call), index, name)?.text;
}

/** A decorator's verdict as a piece of route evidence (optional auth and non-guards give none). */
export function decoratorGuard(verdict: DecoratorVerdict, where: Location, scope: EvidenceScope): Guard[] {
  if (verdict.kind === 'guard') {
    return [{ kind: 'protected', mechanisms: verdict.mechanisms, detail: verdict.detail, where, scope, ...(verdict.scopes ? { scopes: verdict.scopes } : {}) }];
  }
  if (verdict.kind === 'public') return [{ kind: 'public', mechanisms: ['none'], detail: verdict.detail, where, scope }];
  if (verdict.kind === 'unknown') return [{ kind: 'unknown', mechanisms: ['unknown'], detail: verdict.detail, where, scope }];
  return [];
}

/** Evidence from a request hook (`before_request`, middleware) that runs for every route below `scope`. */
export function hookGuard(index: PyIndex, module: PyModule, fn: Node, scope: EvidenceScope, hasPublicMarker: boolean): Guard[] {
  const analysis = analyseBody(index, module, fn);
  const name = field(fn, 'name')?.text ?? 'hook';
  const where = locate(module, fn);
  if (!analysis.enforces) {
    if (analysis.configGated === undefined) return [];
    return [{ kind: 'unknown', mechanisms: ['unknown'], detail: `${name}() rejects requests only when ${analysis.configGated} (a configuration setting, not the request)`, where, scope }];
  }
  if (analysis.routeConditional) {
    // The hook exempts some routes by path or endpoint: only an explicit public marker says which.
    return hasPublicMarker ? [] : [{ kind: 'unknown', mechanisms: ['unknown'], detail: `${name}() rejects requests on some routes only`, where, scope }];
  }
  const mechanisms = analysis.mechanisms.size > 0 ? [...analysis.mechanisms] : (['unknown'] as AuthMechanism[]);
  return [{ kind: 'protected', mechanisms, detail: `${name}() runs before every request and rejects unauthenticated ones`, where, scope }];
}

const IDENTITY_TEST = /auth|user|token|session|jwt|identity|admin|staff|superuser|logged|login|credential|api_?key|principal|permission|perm\b|role|verify|signed_in|headers|cookies/i;

/** Names assigned from request credentials in the wrapper (`key = request.headers.get("X-API-Key")`). */
const credentialNames = new Set<string>();

function mentionsIdentity(text: string): boolean {
  if (IDENTITY_TEST.test(text)) return true;
  for (const name of credentialNames) if (new RegExp(`\\b${name}\\b`).test(text)) return true;
  return false;
}

/**
 * For a decorator (`def deco(f): def wrapper(*a, **kw): ...; return f(*a, **kw)`), the condition under
 * which the wrapper calls the wrapped view without having checked the caller, or undefined when every
 * call to it sits behind an identity test (`if authed(): return f(...)`, or after
 * `if not current_user.is_authenticated: abort(401)`). A rejection that depends only on configuration
 * (`if visibility == PUBLIC: return f(...)`) lets anonymous requests through on that path.
 */
export function unguardedCall(decorator: Node, enforces: (statement: Node) => boolean): string | undefined {
  const wrapped = new Set<string>();
  let wrapper: Node | undefined;
  const findWrapper = (fn: Node, depth: number): void => {
    if (depth > 3 || wrapper) return;
    for (const param of field(fn, 'parameters')?.namedChildren ?? []) {
      if (param?.type === 'identifier') wrapped.add(param.text);
    }
    const body = field(fn, 'body');
    for (const statement of body ? body.namedChildren : []) {
      const def = statement?.type === 'decorated_definition' ? field(statement, 'definition') : statement;
      if (def?.type !== 'function_definition') continue;
      if (callsAny(def, wrapped)) {
        wrapper = def;
        return;
      }
      findWrapper(def, depth + 1);
    }
  };
  findWrapper(decorator, 0);
  if (!wrapper) return undefined;
  const body = field(wrapper, 'body');
  credentialNames.clear();
  walk(wrapper, (node) => {
    if (node.type === 'assignment') {
      const left = field(node, 'left');
      const right = field(node, 'right');
      if (left?.type === 'identifier' && right && mentionsIdentity(right.text)) credentialNames.add(left.text);
    }
    return true;
  });
  const bypass = body ? bypassIn(body.namedChildren.filter((n): n is Node => n !== null), wrapped, false, enforces).bypass : undefined;
  return bypass === 'call' ? 'the wrapped view is called before any check' : bypass;
}

function callsAny(root: Node, names: ReadonlySet<string>): boolean {
  let found = false;
  walk(root, (node) => {
    if (found) return false;
    if (node.type === 'call') {
      const fn = field(node, 'function');
      if (fn?.type === 'identifier' && names.has(fn.text)) found = true;
    }
    return !found;
  });
  return found;
}

function exits(block: Node | undefined): boolean {
  const last = block?.namedChildren.filter((n) => n !== null && n.type !== 'comment').at(-1);
  if (!last) return false;
  if (last.type === 'raise_statement' || last.type === 'return_statement') return true;
  return last.type === 'expression_statement' && /^(abort|flask\.abort)\(/.test(last.text);
}

/** A condition that is true only for an identified caller (`authed()`, `current_user.is_authenticated`, `"uid" in session`). */
function positiveIdentity(condition: Node): boolean {
  const target = unwrap(condition);
  if (target.type === 'not_operator' || /\.is_anonymous\b/.test(target.text)) return false;
  if (target.type === 'boolean_operator') {
    const left = field(target, 'left');
    const right = field(target, 'right');
    const and = target.childForFieldName('operator')?.text === 'and';
    const l = left ? positiveIdentity(left) : false;
    const r = right ? positiveIdentity(right) : false;
    return and ? l || r : l && r;
  }
  return mentionsIdentity(target.text);
}

/** `not authed()`, `user is None`, `not token`: true when the caller is not identified. */
function negativeIdentity(condition: Node): boolean {
  const target = unwrap(condition);
  if ((target.type === 'attribute' || target.type === 'call') && /\.is_anonymous(\(\))?$/.test(target.text)) return true;
  if (target.type === 'not_operator') {
    const inner = field(target, 'argument');
    return inner !== undefined && positiveIdentity(inner);
  }
  if (target.type === 'comparison_operator') {
    const operator = target.children.filter((c) => c !== null && !c.isNamed).map((c) => c?.text ?? '').join(' ');
    if ((operator === 'is' || operator === '==') && target.namedChildren.at(-1)?.type === 'none') return mentionsIdentity(target.text);
    // `key not in SERVICE_KEYS`, `token != expected`: the credential does not match.
    return (operator === 'not in' || operator === '!=') && mentionsIdentity(target.text);
  }
  if (target.type === 'boolean_operator' && target.childForFieldName('operator')?.text === 'or') {
    const left = field(target, 'left');
    const right = field(target, 'right');
    return (left !== undefined && negativeIdentity(left)) || (right !== undefined && negativeIdentity(right));
  }
  return false;
}

/** Walks statements in order: `bypass` names the first path calling the wrapped view unchecked; `guarded` whether what follows is checked. */
function bypassIn(statements: readonly Node[], wrapped: ReadonlySet<string>, guarded: boolean, enforces: (statement: Node) => boolean): { bypass?: string; guarded: boolean } {
  let checked = guarded;
  for (const statement of statements) {
    if (statement.type === 'if_statement') {
      const condition = field(statement, 'condition');
      const consequence = field(statement, 'consequence');
      if (!condition || !consequence) continue;
      const inside = bypassIn(consequence.namedChildren.filter((n): n is Node => n !== null), wrapped, checked || positiveIdentity(condition), enforces);
      if (inside.bypass) return { bypass: inside.bypass === 'call' ? `when ${condition.text}` : inside.bypass, guarded: checked };
      let elseChecked = checked || negativeIdentity(condition);
      for (const clause of statement.childrenForFieldName('alternative')) {
        if (!clause) continue;
        const clauseCondition = clause.type === 'elif_clause' ? field(clause, 'condition') : undefined;
        const body = field(clause, clause.type === 'else_clause' ? 'body' : 'consequence');
        const branchChecked = elseChecked || (clauseCondition ? positiveIdentity(clauseCondition) : false);
        const result = body ? bypassIn(body.namedChildren.filter((n): n is Node => n !== null), wrapped, branchChecked, enforces) : { guarded: branchChecked };
        if (result.bypass) return { bypass: result.bypass === 'call' ? `when ${clauseCondition?.text ?? `not (${condition.text})`}` : result.bypass, guarded: checked };
        if (clauseCondition) elseChecked = elseChecked || negativeIdentity(clauseCondition);
      }
      // `if not authed(): abort(403)`: past it, the caller is identified.
      if (!checked && negativeIdentity(condition) && exits(consequence)) checked = true;
      continue;
    }
    if (statement.type === 'try_statement' || statement.type === 'with_statement' || statement.type === 'for_statement') {
      const body = field(statement, 'body');
      const inner = body ? bypassIn(body.namedChildren.filter((n): n is Node => n !== null), wrapped, checked, enforces) : { guarded: checked };
      if (inner.bypass) return inner;
      continue;
    }
    if (!checked && callsAny(statement, wrapped)) return { bypass: 'call', guarded: checked };
    // `verify_jwt_in_request()`, `user = get_current_user()` that raise without a credential.
    if (!checked && (statement.type === 'expression_statement') && enforces(statement)) checked = true;
  }
  return { guarded: checked };
}

/**
 * A view that opens by turning anonymous callers away (`if not request.user.is_authenticated:
 * return HttpResponseForbidden()` / `return redirect("login")` / `raise PermissionDenied`) before it
 * does anything else: the check every request passes.
 */
export function opensWithIdentityCheck(index: PyIndex, module: PyModule, fn: Node): boolean {
  const body = field(fn, 'body');
  credentialNames.clear();
  for (const statement of body ? body.namedChildren : []) {
    if (!statement || statement.type === 'comment') continue;
    if (statement.type === 'expression_statement') {
      const inner = statement.firstNamedChild;
      if (inner?.type === 'string') continue;
      // `key = request.headers.get("X-Metrics-Key")`: remember where credentials are read.
      if (inner?.type === 'assignment' && !/\(/.test(field(inner, 'right')?.text.replace(/request\.(headers|META|COOKIES|GET|POST)\.get\(/g, '') ?? '(')) {
        const left = field(inner, 'left');
        const right = field(inner, 'right');
        if (left?.type === 'identifier' && right && mentionsIdentity(right.text)) credentialNames.add(left.text);
        continue;
      }
      return false;
    }
    if (statement.type !== 'if_statement' || field(statement, 'alternative')) return false;
    const condition = field(statement, 'condition');
    const consequence = field(statement, 'consequence');
    if (!condition || !consequence || !exits(consequence)) return false;
    const last = consequence.namedChildren.filter((n) => n !== null && n.type !== 'comment').at(-1);
    const rejects = analyseBody(index, module, consequence).enforces;
    if (rejects && negativeIdentity(condition)) return true;
    // Raising (`raise ImproperlyConfigured(...)`) never lets the request through either.
    if (!rejects && last?.type !== 'raise_statement') return false;
    // A rejection on another condition (`if not settings.METRICS_KEY: return HttpResponseForbidden()`) only narrows further.
  }
  return false;
}
