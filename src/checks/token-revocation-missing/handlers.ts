import type { Node } from 'web-tree-sitter';
import { isJs, isPython, jwtCalls } from '../../analysis/code-auth.js';
import { callsWithin, factsOf, locationOf, nodesOfType, snippetOf, type CallSite } from '../../analysis/code.js';
import { handlerOf, isTestFile } from '../../analysis/code-transport.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import type { Endpoint, Location } from '../../model/types.js';
import { tokenLifecycleProviders } from '../../collectors/code/plugins.js';

/**
 * What the refresh and logout/revoke handlers of the inventory do to server-side token state,
 * read from their bodies and the project functions they call (a few levels deep, any file).
 */

export interface LifecycleProof {
  location: Location;
  snippet: string;
  detail: string;
}

export type HandlerKind = 'refresh' | 'revoke';

export interface HandlerVerdict {
  endpoint: Endpoint;
  kind: HandlerKind;
  source: SourceFile;
  node: Node;
  /** A call that invalidates server-side state: a delete, a blacklist entry, a revoked flag written, the session flushed. */
  invalidates?: { source: SourceFile; call: CallSite };
  /** A call that issues a token. */
  issues?: { source: SourceFile; call: CallSite };
  /** Calls that could do anything (a package's service, a function apisec cannot find): no negative claim then. */
  opaque: string[];
  /** Cookie-clearing calls (client-side only). */
  clearsCookie?: CallSite;
}

const REVOKE_SEGMENT = /^(logout|log-out|log_out|signout|sign-out|sign_out|logout[-_]?all|logoutall|revoke[-_]?tokens?|revoke[-_]?sessions?)$/i;
const REVOKE_WORD = /^(revoke|revocation|invalidate)$/i;
const REFRESH_SEGMENT = /^(refresh[-_]?tokens?|token[-_]?refresh|refresh[-_]?session|refresh[-_]?jwt|jwt[-_]?refresh)$/i;
const REFRESH_WORD = /^(refresh|renew|rotate)$/i;
/** Segments that make `refresh` / `revoke` about credentials, not about a query, a certificate or a cache. */
const CREDENTIAL_CONTEXT = /^(auth|authentication|token|tokens|jwt|session|sessions|oauth|oauth2|o|login|sso|identity|api[-_]?tokens?|access[-_]?tokens?|api[-_]?keys?|keys|credentials?|grants?|personal[-_]?access[-_]?tokens?)$/i;
/** Prefixes that say nothing about the resource: `/api/v1/refresh` is still the token refresh. */
const NEUTRAL_PREFIX = /^(api|rest|v\d+(\.\d+)?|public|internal|app)$/i;
const TOKEN_COLLECTION = /^(tokens?|access[-_]?tokens?|sessions?)$/i;

export function handlerKind(endpoint: Endpoint): HandlerKind | undefined {
  const method = endpoint.method.toUpperCase();
  if (method === 'OPTIONS' || method === 'HEAD') return undefined;
  const segments = endpoint.path.split('/').filter(Boolean);
  const names = segments.filter((segment) => !/^[{:<]/.test(segment));
  const last = segments.at(-1) ?? '';
  const about = (word: RegExp): boolean => {
    const index = names.findIndex((segment) => word.test(segment));
    if (index < 0) return false;
    const others = names.filter((_, position) => position !== index);
    return others.some((segment) => CREDENTIAL_CONTEXT.test(segment)) || (segments.length === names.length && others.every((segment) => NEUTRAL_PREFIX.test(segment)));
  };
  if (names.some((segment) => REVOKE_SEGMENT.test(segment)) || about(REVOKE_WORD)) return 'revoke';
  if (method !== 'GET' && (names.some((segment) => REFRESH_SEGMENT.test(segment)) || about(REFRESH_WORD))) return 'refresh';
  if (method === 'GET' && REFRESH_WORD.test(last) && about(REFRESH_WORD)) return 'refresh';
  // REST spellings: `DELETE /tokens` revokes, `PUT /tokens` refreshes.
  if (TOKEN_COLLECTION.test(last) && method === 'DELETE') return 'revoke';
  if (TOKEN_COLLECTION.test(last) && (method === 'PUT' || method === 'PATCH')) return 'refresh';
  return undefined;
}

let qualifiedInvalidate: RegExp | undefined;

/** Library calls that end server-side state whatever their receiver (the frameworks' `tokenLifecycle.logouts`). */
function qualifiedInvalidates(callee: string): boolean {
  qualifiedInvalidate ??= new RegExp(`^(${tokenLifecycleProviders().flatMap((provider) => provider.logouts ?? []).join('|')})$`);
  return qualifiedInvalidate.test(callee);
}
/** Method names that remove or invalidate a stored token or session. */
const INVALIDATE_METHOD =
  /^(delete|delete_?one|delete_?many|deleteOne|deleteMany|destroy|destroyAll|remove|removeAll|findOneAndDelete|findByIdAndDelete|findOneAndRemove|findByIdAndRemove|find_one_and_delete|revoke\w*|blacklist\w*|blocklist\w*|denylist\w*|deny\w*|invalidate\w*|expire|expire_?all|expireAll|flush|cycle_key|logout|logOut|log_out|logoutAll|signOut|sign_out|del|unlink|sadd|srem|setex|hdel|zadd|incr|incrBy|increment)$/;
/** Writes that count when the function they are in speaks of revocation. */
/** Updates that count when the call or the function it is in speaks of revocation (`{ revoked: true }`, `tokenVersion + 1`). */
const UPDATE_METHOD = /^(save|update|update_?one|updateOne|updateMany|update_many|upsert|commit|execute|bulk_update)$/;
/** Inserts that count when they write to a deny list (`BlacklistedToken.objects.create`, `revokedTokens.add(jti)`, `redis.set('revoked:' + jti)`). */
const INSERT_METHOD = /^(create|insert\w*|add|set|hset|put|push|setex)$/;
const REVOCATION_WORDS = /revok|blacklist|blocklist|denylist|deny_?list|invalidat|token_?version|tokenVersion|jwt_?key|logged_?out/i;
/** Client-side only: cookies cleared or overwritten, answers sent. */
const COOKIE_CLEAR = /(^|\.)(clearCookie|delete_cookie|unset_jwt_cookies|unset_access_cookies|unset_refresh_cookies|unset_cookie)$|(^|\.)cookies(\(\))?\.(delete|set)$|(^|\.)(deleteCookie|setCookie)$/;
const ISSUE =
  /(^|\.)(sign|signAsync|encode|sign_jwt|create_access_token|create_refresh_token|for_user|token_urlsafe|token_hex|randomBytes|randomUUID|SignJWT)$|(^|\.)(create|generate|issue|make|new|mint|build)_?\w*(token|tokens|jwt|Token|Tokens|Jwt|JWT)\w*$/;
/** Calls that do not change server-side state: answers, logging, reads, parsing, language built-ins. */
const NEUTRAL =
  /^(get_\w+|get[A-Z]\w*|copy|deepcopy|\w*Response|jwtVerify|json|send|status|end|redirect|render|sendStatus|sendFile|header|setHeader|cookie|set_cookie|type|format|log|info|debug|warn|warning|error|exception|critical|trace|get|getAll|get_?or_?404|get_object_or_404|find\w*|first|one|one_or_none|all|scalar\w*|filter\w*|where|select|query|order_by|limit|exists|count|has|verify\w*|decode\w*|validate\w*|parse\w*|check\w*|is_?valid|split|slice|strip|lower|upper|startsWith|startswith|replace|trim|toString|toISOString|toJSON|now|utcnow|abort|raise_for_status|jsonify|make_response|Response|JSONResponse|HTMLResponse|PlainTextResponse|RedirectResponse|HttpResponse|HttpResponseRedirect|JsonResponse|HTTPException|UnauthorizedException|BadRequestException|ForbiddenException|NotFoundException|HttpException|Error|url_for|reverse|reverse_lazy|str|int|len|dict|list|set|tuple|bool|isinstance|getattr|hasattr|setattr|print|super|keys|values|items|map|forEach|push|append|includes|indexOf|stringify|assign|freeze|resolve|reject|then|catch|next|catchAsync|asyncHandler|wrap|timedelta|datetime|Date|Number|String|Boolean|Array|Object|Promise|is_authenticated|as_view|serializer_class|get_serializer|is_valid|data|ok|Left|Right|isLeft|isRight|pipe|throwHTTPErr|auth_token|cookies|headers|body|params|query_params|args|form|gettext|_)$/;

interface Definition {
  source: SourceFile;
  node: Node;
}

const definitionCache = new WeakMap<CheckContext, Map<string, Definition[]>>();

function definitionName(node: Node): string | undefined {
  switch (node.type) {
    case 'function_declaration':
    case 'method_definition':
    case 'function_definition':
    case 'generator_function_declaration':
      return node.childForFieldName('name')?.text;
    case 'variable_declarator': {
      const value = node.childForFieldName('value');
      return value && /^(arrow_function|function_expression|function|call_expression)$/.test(value.type) ? node.childForFieldName('name')?.text : undefined;
    }
    case 'pair': {
      const value = node.childForFieldName('value');
      return value && /^(arrow_function|function_expression|function)$/.test(value.type) ? node.childForFieldName('key')?.text : undefined;
    }
    default:
      return undefined;
  }
}

/** Every named function of the project by name (test files left out). */
function definitions(ctx: CheckContext): Map<string, Definition[]> {
  const cached = definitionCache.get(ctx);
  if (cached) return cached;
  const out = new Map<string, Definition[]>();
  for (const source of ctx.sources) {
    if (isTestFile(source.file)) continue;
    const types = isPython(source) ? ['function_definition'] : ['function_declaration', 'method_definition', 'variable_declarator', 'pair', 'generator_function_declaration'];
    for (const node of nodesOfType(source, types)) {
      const name = definitionName(node);
      if (!name) continue;
      const list = out.get(name) ?? [];
      list.push({ source, node });
      out.set(name, list);
    }
  }
  definitionCache.set(ctx, out);
  return out;
}

function methodOf(call: CallSite): string {
  const written = call.written.replace(/\?\./g, '.');
  return written.split('.').at(-1)?.replace(/^#/, '') ?? '';
}

/** The receiver of a method call as written (`res`, `redis`, `this.tokenRepository`). */
function receiverOf(call: CallSite): string {
  const parts = call.written.replace(/\?\./g, '.').split('.');
  return parts.slice(0, -1).join('.');
}

const RESPONSE_RECEIVER = /^(res|response|reply|resp|ctx|c|context|h)$|\.(res|response|cookies)$|^ctx\.cookies$/;
/** A response built in a chain (`res.status(200).send()`, `reply.code(204).send()`, `c.status(200)`): still the response object. */
const RESPONSE_CHAIN = /^(res|response|reply|resp|c|ctx|context|h)\.(status|code|type|header|set|append|cookie|clearCookie|location|vary|headers)\s*\(.*\)$/s;

/** A method of the framework's response object: sending an answer, never a project function of the same name. */
function onResponse(receiver: string): boolean {
  return RESPONSE_RECEIVER.test(receiver) || RESPONSE_CHAIN.test(receiver);
}

type Kind = 'invalidate' | 'issue' | 'cookie' | 'neutral' | 'other';

function classify(call: CallSite, enclosing: Node): Kind {
  const method = methodOf(call);
  const receiver = receiverOf(call);
  if (COOKIE_CLEAR.test(call.written) || COOKIE_CLEAR.test(call.callee)) return 'cookie';
  if (qualifiedInvalidates(call.callee)) return 'invalidate';
  if (onResponse(receiver)) return 'neutral';
  if (/^(session\.destroy|session\.regenerate|session\.flush|session\.cycle_key)$/.test(call.written.split('.').slice(-2).join('.'))) return 'invalidate';
  if (INVALIDATE_METHOD.test(method) && receiver !== '' && !/^(console|logger|log|os\.environ|environ|dict|list|headers|params|searchParams|Object|Reflect|Array)$/.test(receiver)) {
    // `map.delete(key)` on a local cache is still server-side state; `delete` of a header or a field is not.
    if (/(^|\.)(headers|query|params|body|data|META|GET|POST|payload|claims|user)$/.test(receiver)) return 'other';
    return 'invalidate';
  }
  if (receiver === '' && /^(revoke\w*|blacklist\w*|blocklist\w*|invalidate\w*|logout|logout_user|log_out)$/.test(method)) return 'other';
  if (UPDATE_METHOD.test(method) && receiver !== '' && (REVOCATION_WORDS.test(call.node.text) || REVOCATION_WORDS.test(enclosing.text))) return 'invalidate';
  if (INSERT_METHOD.test(method) && receiver !== '' && (REVOCATION_WORDS.test(receiver) || REVOCATION_WORDS.test(call.args[0]?.text.split(/[,(]/)[0] ?? ''))) return 'invalidate';
  if (ISSUE.test(call.written) || ISSUE.test(call.callee)) return 'issue';
  if (NEUTRAL.test(method)) return 'neutral';
  return 'other';
}

/** `@Post('logout')`, `@Res()`, `@UseGuards(…)`: route metadata, not what the handler does. */
function inDecorator(node: Node, container: Node): boolean {
  for (let current = node.parent; current && current.id !== container.id; current = current.parent) {
    if (current.type === 'decorator') return true;
  }
  return false;
}

const MAX_DEPTH = 3;
const MAX_DEFINITIONS = 4;

/** Walks the calls of a handler and of the project functions it calls. */
function walk(ctx: CheckContext, source: SourceFile, node: Node, verdict: HandlerVerdict, depth: number, seen: Set<number>): void {
  if (seen.has(node.id)) return;
  seen.add(node.id);
  const defs = definitions(ctx);
  for (const call of callsWithin(source, node)) {
    if (inDecorator(call.node, node)) continue;
    if (call.isNew && !/Response$|Exception$|Error$/.test(call.callee) && !ISSUE.test(call.written)) {
      // `new RefreshToken(...)`, `new SignJWT(...)`: constructors of token classes issue; others are neutral data.
      if (/Token|JWT|Jwt/.test(call.written)) verdict.issues ??= { source, call };
      continue;
    }
    const kind = classify(call, node);
    if (kind === 'invalidate') {
      verdict.invalidates ??= { source, call };
      continue;
    }
    if (kind === 'cookie') {
      verdict.clearsCookie ??= call;
      continue;
    }
    if (kind === 'issue') verdict.issues ??= { source, call };
    // `res.status(200).send()` answers the request: a project function named `send` (a client's, another service's) is not what runs.
    if (kind === 'neutral' && onResponse(receiverOf(call))) continue;
    const name = methodOf(call);
    const found = (defs.get(name) ?? []).filter((definition) => definition.node.id !== node.id);
    if (found.length > 0 && found.length <= MAX_DEFINITIONS && depth < MAX_DEPTH) {
      for (const definition of found) walk(ctx, definition.source, definition.node, verdict, depth + 1, seen);
      continue;
    }
    if (kind === 'other' && !verdict.opaque.includes(call.written)) verdict.opaque.push(call.written);
  }
}

function squash(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]/g, '');
}

/**
 * A handler passed by reference from another module (`router.post('/logout', validate(x), authController.logout)`):
 * the function of that name in the module the receiver names (`authController` → `auth.controller.js`), or the only one.
 */
function referencedHandler(ctx: CheckContext, endpoint: Endpoint): { source: SourceFile; node: Node } | undefined {
  const declared = endpoint.sources.find((entry) => entry.kind === 'code');
  if (!declared) return undefined;
  const source = ctx.sources.find((candidate) => candidate.file === declared.location.file);
  if (!source || !(isPython(source) || isJs(source))) return undefined;
  const line = declared.location.line - 1;
  const call = factsOf(source).calls.find((site) => site.node.startPosition.row === line && site.args.length >= 2 && site.args.some((arg) => arg.type === 'string' || arg.type === 'template_string'));
  const last = call?.args.at(-1);
  if (!last || !/^(identifier|member_expression)$/.test(last.type)) return undefined;
  const parts = last.text.split('.');
  const name = parts.at(-1) ?? '';
  const receiver = parts.length > 1 ? squash(parts.at(-2) ?? '') : undefined;
  const candidates = (definitions(ctx).get(name) ?? []).filter((definition) => definition.source !== source || parts.length === 1);
  const byModule = receiver === undefined ? [] : candidates.filter((definition) => squash(definition.source.file.split('/').at(-1)?.replace(/\.[jt]sx?$/, '') ?? '') === receiver);
  const chosen = byModule.length === 1 ? byModule[0] : candidates.length === 1 ? candidates[0] : undefined;
  if (!chosen) return undefined;
  const value = chosen.node.type === 'variable_declarator' || chosen.node.type === 'pair' ? chosen.node.childForFieldName('value') : chosen.node;
  return value ? { source: chosen.source, node: value } : undefined;
}

const verdictCache = new WeakMap<CheckContext, HandlerVerdict[]>();

/** The refresh and logout/revoke endpoints of the inventory, with what their handlers do. */
export function lifecycleHandlers(ctx: CheckContext): HandlerVerdict[] {
  const cached = verdictCache.get(ctx);
  if (cached) return cached;
  const out: HandlerVerdict[] = [];
  for (const endpoint of ctx.inventory.endpoints) {
    const kind = handlerKind(endpoint);
    if (!kind) continue;
    const handler = handlerOf(ctx, endpoint) ?? referencedHandler(ctx, endpoint);
    // Only the languages whose calls apisec indexes: elsewhere an empty call list would read as "does nothing".
    if (!handler || isTestFile(handler.source.file) || !(isPython(handler.source) || isJs(handler.source))) continue;
    const verdict: HandlerVerdict = { endpoint, kind, source: handler.source, node: handler.node, opaque: [] };
    walk(ctx, handler.source, handler.node, verdict, 0, new Set());
    out.push(verdict);
  }
  verdictCache.set(ctx, out);
  return out;
}

/** JWT libraries any framework of their language uses; the frameworks' own are their `tokenLifecycle.statelessModules`. */
const STATELESS_LIBRARIES = ['passport-jwt', 'jose', 'jsonwebtoken'];
let statelessModule: RegExp | undefined;

/** True when the project authenticates with self-contained tokens (it verifies JWTs, or uses a JWT library that does). */
export function usesStatelessTokens(ctx: CheckContext): boolean {
  statelessModule ??= new RegExp(`^(${[...STATELESS_LIBRARIES, ...tokenLifecycleProviders().flatMap((provider) => provider.statelessModules ?? [])].join('|')})(\\.|$)`);
  const modules = statelessModule;
  return ctx.sources.some((source) => {
    if (isTestFile(source.file)) return false;
    if (jwtCalls(source).length > 0) return true;
    return [...factsOf(source).imports.values()].some((module) => modules.test(module));
  });
}

export function proofOf(source: SourceFile, node: Node, detail: string): LifecycleProof {
  return { location: locationOf(source, node), snippet: snippetOf(node, 100), detail };
}
