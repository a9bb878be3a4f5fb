import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../engine/context.js';
import type { AuthorizationEvidence, Endpoint, Presence } from '../model/types.js';
import { isPython, isInside } from './code-auth.js';
import { callsWithin, factsOf, nodesOfType, snippetOf, sourceByFile, startingOnRows, stringValue, type CallSite } from './code.js';
import { descendantsOf, parentOf } from '../parsing/tree-index.js';
import type { AuthzProvider, AuthzScope, DataAccessProvider, IdentityEvidence, ObjectEvidence } from '../collectors/code/plugin.js';
import type { Family } from './transport/model.js';
import { authzProviders, dataAccessProviders, graphqlServerProviders } from '../collectors/code/plugins.js';

/**
 * Shared evidence for the authorization checks and the `authorization` enricher: the handler
 * of an endpoint, the object ids it receives, the data accesses those ids reach, and the
 * ownership, policy and role checks around them. Framework-neutral: what a framework declares
 * beside the handler (permission classes, role hooks, class-based views' querysets) comes from the
 * authorization provider in its folder (src/collectors/code/<framework>/authz.ts, listed in
 * src/collectors/code/plugins.ts).
 */

export const FUNCTION_TYPES: ReadonlySet<string> = new Set([
  'function_definition',
  'decorated_definition',
  'function_declaration',
  'function_expression',
  'function',
  'arrow_function',
  'method_definition',
  'generator_function_declaration',
  'class_definition',
  'class_declaration',
  'class',
]);

export interface HandlerScope {
  endpoint: Endpoint;
  source: SourceFile;
  /** The handler: a function, a method, or a class (DRF viewsets, Django class-based views). */
  node: Node;
  /** Decorators, route registration arguments, router middleware and mounts that apply to the route. */
  guards: string[];
  /** Same-file functions the handler calls, searched for checks too. */
  helpers: readonly Node[];
  /** A role check the route's registration proves (a framework provider's `roleHook`), described. */
  roleHook?: string;
}

export interface DataAccess {
  /** The whole call chain, e.g. `db.query(Invoice).filter(Invoice.id == id).first()`. */
  chain: Node;
  /** The call that takes the object id. */
  call: CallSite;
  /** The id expression as written. */
  id: string;
  write: boolean;
  /** Model or table name when one is visible. */
  model?: string;
  scoped: boolean;
  /** Why an unscoped access is still not an ownership breach. */
  exempt?: AccessExemption;
}

/**
 * `listed`: a read of a model the API lists unscoped to every caller (public by design).
 * `target`: the object only names the target of the caller's own action (`current_user.follow(user)`).
 */
export type AccessExemption = 'listed' | 'target';

/** How the API's collection endpoints serve a model: unscoped to any caller, or only scoped to the caller. */
export type ModelExposure = 'listed' | 'owner-scoped';

export interface EndpointAuthz {
  scope: HandlerScope;
  accesses: DataAccess[];
  /** An ownership comparison, policy call or object-permission class, described. */
  objectGuard?: string;
  /** A role or permission check, described. */
  roleCheck?: string;
  /** DRF: the queryset attribute of a viewset with no `get_queryset` scoping it. */
  unscopedQueryset?: Node;
  evidence: AuthorizationEvidence;
}

const CALLER_PARAM = /^(user|current_user|currentUser|me|viewer|claims|principal|identity|auth_user|authUser|session)$/;
const OWNER_FIELD = /(?:^|[^a-z])(owner|user|tenant|account|merchant|org|organi[sz]ation|company|customer|author|created_?by|team|workspace|project|patient|member)(?:_?id|Id|_pk)?\b/i;
/** Policy calls whatever the library, beside the providers' (`policy.calls`). */
const POLICY_CALLS = String.raw`authorize\w*|authorise\w*|can|cannot|enforce|permit|assert_?owner\w*|ensure_?owner\w*|ensureOwnership|check_?owner\w*|checkOwner\w*|verify_?owner\w*|verifyOwner\w*|require_?owner\w*|requireOwner\w*|can_?access|canAccess|check_?access|checkAccess|is_?owner|isOwner|assertCan|checkPermission|check_permission`;
/** Receivers of policy checks whatever the library, beside the providers' engines. */
const POLICY_RECEIVERS = 'ability|enforcer|policy|policies';
/** A helper named for the access decision it makes: `userHasAccessToPost`, `can_access_invoice`, `verifyAccess`. */
const ACCESS_HELPER = /(?:^|\.)\w*(?:has|can|check|verify|ensure|assert)_?access(?!_?token|ibl)\w*$/i;
/** Role-check calls whatever the framework, beside the providers' (`roles.calls`). */
const ROLE_CALLS = String.raw`require_?roles?|requireRoles?|requireAdmin|require_admin|admin_required|adminOnly|admin_only|permissions_required|requirePermissions?|has_?roles?|hasAnyRole|hasRoles?|has_?perms?|has_permission|hasPermission|check_?role|checkRole|check_?permission|checkPermission|RoleChecker|superuser_required|authorize|Roles|Permissions|RequirePermissions|verifyRole|ensureAdmin|ensure_admin|isAdmin|is_admin|can|enforce`;
/** Words that mark a guard as a role check whatever the framework, beside the providers' (`roles.words`). */
const ROLE_WORD_SOURCES = String.raw`roles?|is_?admin|isAdmin|is_?staff|isStaff|is_?superuser|isSuperUser|superuser|permissions?\b|perms\b|scopes\b|AdminGuard|staff login|admin_required|admin_only|adminOnly|requireAdmin|\w*(?:admin|staff|superuser)\w*_required|require_?(?:admin|staff)|permissions?_required|RoleChecker|requirePermissions?|checkPermission|check_permission|has_permission|hasPermission`;
/** Names in a condition that test a role whatever the framework, beside the providers' (`roles.conditions`). */
const ROLE_CONDITION_NAMES = 'roles?|is_?admin|isAdmin|is_staff|isStaff|is_superuser|isSuperuser|superuser|permissions?|perms|hasRole|has_role';

interface RoleCatalogue {
  call: RegExp;
  words: RegExp;
  /** A condition testing a role (after any non-alphanumeric character). */
  condition: RegExp;
  /** A condition testing a role (at a word boundary). */
  conditionWord: RegExp;
  policy: RegExp;
  policyReceiver: RegExp;
  policyWritten: RegExp;
}

let roleCatalogue: RoleCatalogue | undefined;

/** The providers' role and policy names joined with the generic ones (see RoleEvidence and PolicyEvidence in the plugin contract). */
function roleNames(): RoleCatalogue {
  if (!roleCatalogue) {
    const providers = authzProviders();
    const roles = (key: 'calls' | 'words' | 'conditions'): string[] => providers.flatMap((provider) => provider.roles?.[key] ?? []);
    const policy = (key: 'calls' | 'receivers' | 'engines'): string[] => providers.flatMap((provider) => provider.policy?.[key] ?? []);
    const joined = (generic: string, extra: readonly string[]): string => [generic, ...extra].join('|');
    const conditions = joined(ROLE_CONDITION_NAMES, roles('conditions'));
    const engines = policy('engines');
    roleCatalogue = {
      call: new RegExp(String.raw`(?:^|\.)(${joined(ROLE_CALLS, roles('calls'))})$`),
      words: new RegExp(`(${joined(ROLE_WORD_SOURCES, roles('words'))})`, 'i'),
      condition: new RegExp(String.raw`(?<![A-Za-z0-9])(${conditions})\b`),
      conditionWord: new RegExp(String.raw`\b(${conditions})\b`),
      policy: new RegExp(String.raw`(?:^|\.)(${joined(POLICY_CALLS, policy('calls'))})$`),
      policyReceiver: new RegExp(String.raw`\b(${joined(POLICY_RECEIVERS, [...policy('receivers'), ...engines])})\b`, 'i'),
      policyWritten: new RegExp(joined(String.raw`ability|enforcer|policy|owner|object|access|authori[sz]e`, engines), 'i'),
    };
  }
  return roleCatalogue;
}
const ADMIN_ROLE = /admin|staff|superuser|root|ops|support/i;
const ADMIN_PATH = /(?:^|\/)(admin|administration|internal|manage|management|backoffice|back-office|staff|superuser|sudo|ops)(?:$|[/_-])/i;
const CATALOGUE =
  /^(products?|categor(y|ies)|tags?|countr(y|ies)|currenc(y|ies)|plans?|catalog(ue)?s?|brands?|regions?|locales?|languages?|faqs?|stations?|public\w*|timezones?)$/i;
export const ID_NAME = /^(id|pk|uuid|slug|key|\w*[_-]id|\w*Id|\w*ID|\w*_pk|\w*_uuid|\w*Uuid)$/;

/** The properties of a caller holder (`request.user`, `ctx.state.auth`, `self.request.tenant`) that are the caller. */
const CALLER_FIELDS = '(?:user|auth|account|session\\.user|identity|principal|tenant|project|team|org|organization|workspace)';
const NEVER = /(?!)/;

interface IdentityPatterns {
  /** Expressions that read the caller's identity. */
  caller: RegExp;
  /** Parameter declarations that inject the caller. */
  callerParameter: RegExp;
  /** Parameter declarations that inject a database session (by family). */
  session: Record<Family, RegExp>;
  /** Expressions that carry an object id from the request (by family). */
  ids: Record<Family, RegExp>;
  idParameters: NonNullable<IdentityEvidence['idParameter']>[];
}

let identityPatterns: IdentityPatterns | undefined;

function alternation(sources: readonly string[]): RegExp {
  return sources.length > 0 ? new RegExp(sources.join('|')) : NEVER;
}

/** The providers' identity evidence joined into one alternation each (see IdentityEvidence in the plugin contract). */
function identity(): IdentityPatterns {
  if (!identityPatterns) {
    const all = authzProviders().flatMap((provider) => (provider.identity ? [provider.identity] : []));
    const of = (family: Family): IdentityEvidence[] => all.filter((entry) => entry.family === family);
    const holders = [...new Set(all.flatMap((entry) => entry.callerHolders ?? []))];
    identityPatterns = {
      caller: alternation([...(holders.length > 0 ? [`\\b(?:${holders.join('|')})\\.${CALLER_FIELDS}\\b`] : []), ...all.flatMap((entry) => entry.caller ?? [])]),
      callerParameter: alternation(all.flatMap((entry) => entry.callerParameter ?? [])),
      session: { python: alternation(of('python').flatMap((entry) => entry.sessionParameter ?? [])), js: alternation(of('js').flatMap((entry) => entry.sessionParameter ?? [])) },
      ids: { python: alternation(of('python').flatMap((entry) => entry.ids ?? [])), js: alternation(of('js').flatMap((entry) => entry.ids ?? [])) },
      idParameters: all.flatMap((entry) => (entry.idParameter ? [entry.idParameter] : [])),
    };
  }
  return identityPatterns;
}

/** Lookups by id whatever the receiver, beside the data-access providers' (`getById`, `find_by_id`). */
const SPECIFIC_ACCESS = ['getById', 'get_by_id', 'find_by_id', 'fetchById'];
const GENERIC_ACCESS = new Set([
  'get',
  'filter',
  'where',
  'findOne',
  'find',
  'findBy',
  'query',
  'execute',
  'raw',
  'fetchrow',
  'fetch_one',
  'fetchone',
  'one',
  'update',
  'updateOne',
  'updateMany',
  'delete',
  'deleteOne',
  'deleteMany',
  'destroy',
  'remove',
  'upsert',
  'insert',
  'create',
  'exclude',
]);
const WRITES = String.raw`update\w*|delete\w*|destroy|remove|upsert|insert|create`;
/** Receivers named for stored data whatever the library (`db`, `session`, `repo`, `\w+Repository`), beside the providers'. */
const DB_RECEIVERS = String.raw`db|database|session|sql|pool|client|conn|connection|cursor|repo|repository|\w+Repository|\w+Repo|\w+_repo|manager|query|collection|model|models|tx|store|dao`;
/** Calls returning one record whatever the library (`get(`, `first(`, DB-API's `fetchone(`), beside the providers'. */
const SINGLE_RESULTS = 'get|first|one|fetchrow|fetch_one|fetchone';
/** A capitalised class's own query methods (active record), beside the providers' managers (`Post.objects`). */
const CLASS_QUERIES = String.raw`find\w*|get\w*|update|destroy|delete\w*|create|where|filter`;
/** A capitalised class's static listing methods whatever the library, beside the providers'. */
const CLASS_LISTINGS = 'select|find|find_all|all|list|scan';

interface DataAccessCatalogue {
  lookups: ReadonlySet<string>;
  writes: RegExp;
  receiver: RegExp;
  singleObject: RegExp;
  /** Patterns whose first group names the model a data access reads, in order. */
  modelIn: RegExp[];
  /** Patterns whose first group names the model a collection query lists, in order. */
  listings: RegExp[];
  declarations: NonNullable<DataAccessProvider['models']>[];
}

let catalogue: DataAccessCatalogue | undefined;

/** The data-access providers' idioms joined with the generic shapes (see DataAccessProvider in the plugin contract). */
function dataAccess(): DataAccessCatalogue {
  if (!catalogue) {
    const providers = dataAccessProviders();
    const all = <K extends keyof DataAccessProvider>(key: K): NonNullable<DataAccessProvider[K]> extends readonly (infer T)[] ? T[] : never =>
      providers.flatMap((provider) => (provider[key] as readonly unknown[] | undefined) ?? []) as never;
    const joined = (generic: string, extra: readonly string[]): string => [generic, ...extra].join('|');
    const managers = all('managers');
    const managerAlternation = managers.length > 0 ? managers.join('|') : '(?!)';
    const modelArguments = all('modelArguments');
    catalogue = {
      lookups: new Set([...all('lookups'), ...SPECIFIC_ACCESS]),
      writes: new RegExp(`^(${joined(WRITES, all('writes'))})$`),
      receiver: new RegExp(String.raw`(^|[.(\s])(${joined(DB_RECEIVERS, all('receivers'))})\b|\.(${managerAlternation})\b|^[A-Z]\w*$`),
      singleObject: new RegExp(String.raw`\b(${joined(SINGLE_RESULTS, all('singleResults'))})\s*\(|\blimit\s+1\b`, 'i'),
      modelIn: [
        new RegExp(String.raw`\b([A-Z][A-Za-z0-9]+)\.(?:${joined(CLASS_QUERIES, managers)})\b`),
        ...all('modelAccessors'),
        ...modelArguments.map((name) => new RegExp(String.raw`\b${name}\(\s*([A-Z]\w*)`)),
      ],
      listings: [
        ...(modelArguments.length > 0 ? [new RegExp(String.raw`\b(?:${modelArguments.join('|')})\(\s*([A-Z]\w*)\s*[,)]`)] : []),
        ...(managers.length > 0 ? [new RegExp(String.raw`\b([A-Z]\w*)\.(?:${managerAlternation})\b`)] : []),
        new RegExp(String.raw`\b([A-Z]\w*)\.(?:${joined(CLASS_LISTINGS, all('classListings'))})\(`),
        ...all('listings'),
      ],
      declarations: providers.flatMap((provider) => (provider.models ? [provider.models] : [])),
    };
  }
  return catalogue;
}

/** True when a text names a role or permission check (`isAdmin`, `roles`, `RolesGuard`, `has_perm` …). */
export function namesRole(text: string): boolean {
  return roleNames().words.test(text);
}

export function lastSegment(callee: string): string {
  const index = callee.lastIndexOf('.');
  return index < 0 ? callee : callee.slice(index + 1);
}

function nodesOf(root: Node, types: readonly string[]): Node[] {
  return descendantsOf(root, types);
}

function sourceFor(ctx: CheckContext, file: string): SourceFile | undefined {
  return sourceByFile(ctx, file);
}

/** The outermost function or class that the handler location spans. */
function handlerNode(source: SourceFile, line: number, endLine: number): Node | undefined {
  // The largest function starting on the handler's first line or the next and ending within it
  // (a nested one is always smaller than its parent), found among the functions by their rows.
  const functions = nodesOfType(source, [...FUNCTION_TYPES]);
  let best: Node | undefined;
  for (const node of startingOnRows(functions, line - 1, line)) {
    if (node.endPosition.row + 1 > endLine) continue;
    if (!best || node.endIndex - node.startIndex > best.endIndex - best.startIndex) best = node;
  }
  if (best) return best;
  // Handlers recorded by their first line only: the innermost function that starts there.
  const starting = startingOnRows(functions, line - 1, line - 1);
  return starting.sort((a, b) => b.endIndex - b.startIndex - (a.endIndex - a.startIndex))[0];
}

function enclosing(node: Node, types: readonly string[]): Node | undefined {
  for (let current = parentOf(node); current; current = parentOf(current)) if (types.includes(current.type)) return current;
  return undefined;
}

const scopes = new WeakMap<CheckContext, AuthzScope>();

/** The providers' view of one analysis (one per context: memos last as long as the audit). */
function authzScope(ctx: CheckContext): AuthzScope {
  let scope = scopes.get(ctx);
  if (!scope) {
    const memos = new Map<object, unknown>();
    scope = {
      ctx,
      source: (file) => sourceFor(ctx, file),
      statementAt,
      memo<T>(key: object, make: () => T): T {
        if (memos.has(key)) return memos.get(key) as T;
        const value = make();
        memos.set(key, value);
        return value;
      },
    };
    scopes.set(ctx, scope);
  }
  return scope;
}

/** The providers that speak for an endpoint: by the frameworks that collected it, or its handler's language. */
function providersFor(endpoint: Endpoint, source: SourceFile): AuthzProvider[] {
  const frameworks = new Set(endpoint.sources.flatMap((origin) => (origin.kind === 'code' ? [origin.via] : [])));
  return authzProviders().filter(
    (provider) => (provider.frameworks?.some((id) => frameworks.has(id)) ?? false) || (provider.languages?.includes(source.language) ?? false),
  );
}

const STATEMENT_TYPES: ReadonlySet<string> = new Set(['expression_statement', 'decorated_definition', 'lexical_declaration']);

/** The smallest statement spanning a line: those starting on it, and those around its start (ancestors of the node there). */
function statementAt(source: SourceFile, line: number): Node | undefined {
  const row = line - 1;
  const candidates = startingOnRows(nodesOfType(source, [...STATEMENT_TYPES]), row, row);
  const at = source.tree.rootNode.descendantForPosition({ row, column: 0 });
  for (let node: Node | null = at; node; node = parentOf(node)) {
    if (STATEMENT_TYPES.has(node.type) && node.startPosition.row < row && node.endPosition.row >= row) candidates.push(node);
  }
  candidates.sort((a, b) => a.startIndex - b.startIndex);
  let best: Node | undefined;
  for (const node of candidates) {
    if (!best || node.endIndex - node.startIndex < best.endIndex - best.startIndex) best = node;
  }
  return best;
}

const middlewareTexts = new WeakMap<SourceFile, string[]>();

/** The router-level `.use(…)` calls of a JS module (not the app's), read once per file. */
function routerMiddlewareTexts(source: SourceFile): string[] {
  let texts = middlewareTexts.get(source);
  if (!texts) {
    texts = factsOf(source).calls.filter((call) => /\.use$/.test(call.written) && !/^app\./.test(call.written)).map((call) => call.node.text);
    middlewareTexts.set(source, texts);
  }
  return texts;
}

/** Decorators, the route registration, router-level middleware and the mount line: where middleware guards live. */
function guardTexts(ctx: CheckContext, endpoint: Endpoint, source: SourceFile, node: Node): string[] {
  const out: string[] = [];
  if (endpoint.auth.detail && endpoint.auth.state === 'protected') out.push(endpoint.auth.detail);
  if (endpoint.auth.scopes?.length) out.push(`scopes ${endpoint.auth.scopes.join(' ')}`);
  const decorated = node.type === 'decorated_definition' ? node : parentOf(node)?.type === 'decorated_definition' ? parentOf(node) : undefined;
  for (const decorator of decorated ? nodesOf(decorated, ['decorator']).filter((d) => parentOf(d)?.id === decorated.id) : []) out.push(decorator.text);
  if (!isPython(source)) {
    // TS decorators sit beside the method (and the class) they apply to.
    for (const holder of [node, enclosing(node, ['class_declaration', 'class'])]) {
      if (!holder) continue;
      let sibling = holder.previousNamedSibling;
      while (sibling?.type === 'decorator' || sibling?.type === 'comment') {
        if (sibling.type === 'decorator') out.push(sibling.text);
        sibling = sibling.previousNamedSibling;
      }
      for (const child of holder.namedChildren) if (child?.type === 'decorator') out.push(child.text);
      const exportParent = parentOf(holder)?.type === 'export_statement' ? parentOf(holder) : undefined;
      for (const child of exportParent?.namedChildren ?? []) if (child?.type === 'decorator') out.push(child.text);
    }
  }
  const cls = enclosing(node, ['class_definition']);
  if (cls) {
    const decoratedClass = parentOf(cls)?.type === 'decorated_definition' ? parentOf(cls) : undefined;
    for (const decorator of decoratedClass ? nodesOf(decoratedClass, ['decorator']).filter((d) => parentOf(d)?.id === decoratedClass.id) : []) out.push(decorator.text);
  }
  const scope = authzScope(ctx);
  for (const provider of providersFor(endpoint, source)) out.push(...(provider.guards?.(scope, endpoint, node) ?? []));
  const owner = node.type === 'class_definition' ? node : cls;
  if (owner) out.push(owner.childForFieldName('superclasses')?.text ?? '');
  for (const route of endpoint.sources) {
    if (route.kind !== 'code') continue;
    const routeSource = sourceFor(ctx, route.location.file);
    const statement = routeSource ? statementAt(routeSource, route.location.line) : undefined;
    if (statement) out.push(isInside(node, statement) ? statement.text.slice(0, node.startIndex - statement.startIndex) : statement.text);
    if (routeSource && !isPython(routeSource)) out.push(...routerMiddlewareTexts(routeSource));
  }
  if (endpoint.auth.where) {
    const whereSource = sourceFor(ctx, endpoint.auth.where.file);
    const statement = whereSource ? statementAt(whereSource, endpoint.auth.where.line) : undefined;
    if (statement && statement.text.length < 400) out.push(statement.text);
  }
  return out;
}

/** The call sites inside any of `roots`, once each, in document order. */
function callsWithinAll(source: SourceFile, roots: readonly Node[]): CallSite[] {
  const byId = new Map<number, CallSite>();
  for (const root of roots) for (const call of callsWithin(source, root)) byId.set(call.node.id, call);
  return [...byId.values()].sort((a, b) => a.node.startIndex - b.node.startIndex);
}

/**
 * A per-node memo: what is read from a handler's syntax alone is read once per node, whatever the
 * number of endpoints it serves (a class-based view serves several). Values are never mutated.
 */
function perNode<T>(): (node: Node, make: () => T) => T {
  const byTree = new WeakMap<Node['tree'], Map<number, T>>();
  return (node, make) => {
    let byId = byTree.get(node.tree);
    if (!byId) byTree.set(node.tree, (byId = new Map<number, T>()));
    if (byId.has(node.id)) return byId.get(node.id) as T;
    const value = make();
    byId.set(node.id, value);
    return value;
  };
}

const helpersMemo = perNode<readonly Node[]>();

/** Same-file functions the handler calls by name (one level), e.g. `get_invoice_for(user, id)`. */
export function helpersOf(source: SourceFile, node: Node): readonly Node[] {
  return helpersMemo(node, () => readHelpers(source, node));
}

function readHelpers(source: SourceFile, node: Node): Node[] {
  const names = new Set<string>();
  for (const call of callsWithin(source, node)) {
    const written = call.written.replace(/^(self|this)\./, '');
    if (/^\w+$/.test(written)) names.add(written);
  }
  if (names.size === 0) return [];
  const { functions, functionValues } = namedFunctions(source);
  const byStart = (a: Node, b: Node): number => a.startIndex - b.startIndex;
  const declared = [...names].flatMap((name) => functions.get(name) ?? []).sort(byStart);
  const bound = [...names].flatMap((name) => functionValues.get(name) ?? []).sort(byStart);
  return [...declared.filter((fn) => !isInside(fn, node) && !isInside(node, fn)), ...bound.filter((value) => !isInside(value, node))];
}

const namedFunctionsCache = new WeakMap<SourceFile, { functions: Map<string, Node[]>; functionValues: Map<string, Node[]> }>();

/** Function definitions, and functions bound to a variable, by name: indexed once per file, not scanned per handler. */
function namedFunctions(source: SourceFile): { functions: Map<string, Node[]>; functionValues: Map<string, Node[]> } {
  let cached = namedFunctionsCache.get(source);
  if (cached) return cached;
  const functions = new Map<string, Node[]>();
  const functionValues = new Map<string, Node[]>();
  const add = (map: Map<string, Node[]>, name: string, node: Node): void => {
    const list = map.get(name);
    if (list) list.push(node);
    else map.set(name, [node]);
  };
  for (const fn of nodesOfType(source, ['function_definition', 'function_declaration', 'method_definition'])) {
    const name = fn.childForFieldName('name')?.text;
    if (name) add(functions, name, fn);
  }
  for (const declarator of nodesOfType(source, ['variable_declarator'])) {
    const name = declarator.childForFieldName('name')?.text;
    const value = declarator.childForFieldName('value');
    if (name && value && ['arrow_function', 'function_expression', 'function'].includes(value.type)) add(functionValues, name, value);
  }
  cached = { functions, functionValues };
  namedFunctionsCache.set(source, cached);
  return cached;
}

const scopeCache = new WeakMap<Endpoint, HandlerScope | null>();

export function handlerScope(ctx: CheckContext, endpoint: Endpoint): HandlerScope | undefined {
  const cached = scopeCache.get(endpoint);
  if (cached !== undefined) return cached ?? undefined;
  let scope: HandlerScope | undefined;
  const handler = endpoint.handler;
  const source = handler ? sourceFor(ctx, handler.file) : undefined;
  if (handler && source) {
    const node = handlerNode(source, handler.line, handler.endLine ?? handler.line);
    if (node) {
      scope = { endpoint, source, node, guards: guardTexts(ctx, endpoint, source, node), helpers: helpersOf(source, node) };
      const providers = authzScope(ctx);
      for (const provider of providersFor(endpoint, source)) {
        const roleHook = provider.roleHook?.(providers, endpoint, node);
        if (roleHook) {
          scope.roleHook = roleHook;
          break;
        }
      }
    }
  }
  scopeCache.set(endpoint, scope ?? null);
  return scope;
}

export function isAdminEndpoint(endpoint: Endpoint, scope?: HandlerScope): boolean {
  if (ADMIN_PATH.test(endpoint.path)) return true;
  const name = scope ? handlerName(scope.node) : '';
  return /^admin|_admin|Admin(?![a-z])|^internal|Internal[A-Z]/.test(name);
}

export function handlerName(node: Node): string {
  const inner = node.type === 'decorated_definition' ? node.childForFieldName('definition') : node;
  const own = inner?.childForFieldName('name')?.text;
  if (own) return own;
  const cls = enclosing(node, ['class_definition', 'class_declaration']);
  return cls?.childForFieldName('name')?.text ?? '';
}

/** Names of parameters, `req.params.x` and request fields that carry an object id into the handler. */
function idSources(scope: HandlerScope): { names: Set<string>; pattern: RegExp } {
  const { endpoint, source, node } = scope;
  const names = new Set<string>();
  for (const parameter of endpoint.parameters) {
    if (parameter.in === 'path' || ((parameter.in === 'query' || parameter.in === 'body') && ID_NAME.test(parameter.name))) names.add(parameter.name);
  }
  const pattern = identity().ids[isPython(source) ? 'python' : 'js'];
  // Variables bound from those, `const { paymentId } = req.params`, `id = int(request.args["id"])`.
  const binders = nodesOf(node, isPython(source) ? ['assignment'] : ['variable_declarator', 'assignment_expression']);
  for (let round = 0; round < 2; round += 1) {
    for (const binder of binders) {
      const left = binder.childForFieldName(binder.type === 'variable_declarator' ? 'name' : 'left');
      const right = binder.childForFieldName(binder.type === 'variable_declarator' ? 'value' : 'right');
      if (!left || !right || !carriesId(right, names, pattern)) continue;
      if (left.type === 'identifier') names.add(left.text);
      else if (left.type === 'object_pattern') {
        for (const part of nodesOf(left, ['shorthand_property_identifier_pattern', 'identifier'])) {
          if (right.text.endsWith('.params') || ID_NAME.test(part.text)) names.add(part.text);
        }
      }
    }
  }
  // Parameters a decorator binds to a request id (Nest `@Param('id') id: string`).
  const { idParameters } = identity();
  if (idParameters.length > 0) {
    for (const parameter of nodesOf(node, ['required_parameter', 'optional_parameter'])) {
      for (const bound of idParameters) {
        const name = bound(parameter);
        if (name) names.add(name);
      }
    }
  }
  return { names, pattern };
}

function carriesId(node: Node, names: ReadonlySet<string>, pattern: RegExp): boolean {
  const text = node.text;
  if (pattern.test(text)) return true;
  // A name is written in the text it is read from: without any of them, no identifier is listed.
  let named = false;
  for (const name of names) {
    if (text.includes(name)) {
      named = true;
      break;
    }
  }
  if (!named) return false;
  for (const identifier of nodesOf(node, ['identifier', 'shorthand_property_identifier'])) {
    if (!names.has(identifier.text)) continue;
    // `Invoice.id` is a column, `invoice_id` the value.
    const parent = parentOf(identifier);
    if (parent && (parent.type === 'attribute' || parent.type === 'member_expression') && parent.childForFieldName('object')?.id !== identifier.id) continue;
    if (parent?.type === 'keyword_argument' && parent.childForFieldName('name')?.id === identifier.id) continue;
    return true;
  }
  if (node.type === 'identifier' && names.has(node.text)) return true;
  return false;
}

const callerCache = new WeakMap<HandlerScope, Set<string>>();
const callerMemo = perNode<Set<string>>();

/**
 * Names bound in the handler from the caller's identity (`tenant_id = request.user.tenant_id`); read
 * once per handler (the listings and the endpoint's evidence both ask).
 */
function callerNames(scope: HandlerScope): Set<string> {
  let names = callerCache.get(scope);
  if (!names) {
    names = callerMemo(scope.node, () => readCallerNames(scope));
    callerCache.set(scope, names);
  }
  return names;
}

/**
 * The parameters declared inside a node, in document order: typed and default ones, and the plain
 * names of a parameter list (`def f(self, user)`, `function (req, res)`). The names are read from
 * the parameter lists, not by listing every identifier of the handler and climbing to its parent.
 */
function parametersIn(node: Node): Node[] {
  const out = nodesOf(node, ['typed_parameter', 'typed_default_parameter', 'default_parameter', 'required_parameter']);
  const lists = nodesOf(node, ['parameters', 'formal_parameters']);
  if (lists.length === 0) return out;
  for (const list of lists) for (const child of list.namedChildren) if (child?.type === 'identifier') out.push(child);
  return out.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
}

function readCallerNames(scope: HandlerScope): Set<string> {
  const names = new Set<string>();
  const { node, source } = scope;
  for (const parameter of parametersIn(node)) {
    const name = parameter.type === 'identifier' ? parameter.text : (parameter.namedChildren[0]?.text ?? '');
    // `session: Session = Depends(get_session)` is the database session, not the caller's.
    if (isPython(source) && identity().session.python.test(parameter.text)) continue;
    if (CALLER_PARAM.test(name) || identity().callerParameter.test(parameter.text)) {
      names.add(name.replace(/^@\w+\([^)]*\)\s*/, ''));
    }
  }
  const binders = nodesOf(node, isPython(source) ? ['assignment'] : ['variable_declarator', 'assignment_expression']);
  for (let round = 0; round < 2; round += 1) {
    for (const binder of binders) {
      const left = binder.childForFieldName(binder.type === 'variable_declarator' ? 'name' : 'left');
      const right = binder.childForFieldName(binder.type === 'variable_declarator' ? 'value' : 'right');
      if (!left || !right) continue;
      if (!identity().caller.test(right.text) && !mentions(right, names)) continue;
      for (const identifier of left.type === 'identifier' ? [left] : nodesOf(left, ['identifier', 'shorthand_property_identifier_pattern'])) names.add(identifier.text);
    }
  }
  return names;
}

function mentions(node: Node, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  if (node.type === 'identifier' && names.has(node.text)) return true;
  return nodesOf(node, ['identifier', 'shorthand_property_identifier']).some((identifier) => names.has(identifier.text));
}

export function refersToCaller(node: Node, callers: ReadonlySet<string>): boolean {
  return identity().caller.test(node.text) || mentions(node, callers);
}

/** The expression a call belongs to: `db.query(X).filter(...).first()` for the `filter` call. */
function chainOf(node: Node): Node {
  let current = node;
  for (;;) {
    const parent = parentOf(current);
    if (!parent) return current;
    if ((parent.type === 'attribute' || parent.type === 'member_expression') && parent.childForFieldName('object')?.id === current.id) {
      current = parent;
      continue;
    }
    if ((parent.type === 'call' || parent.type === 'call_expression') && parent.childForFieldName('function')?.id === current.id) {
      current = parent;
      continue;
    }
    if (parent.type === 'await' || parent.type === 'await_expression') {
      current = parent;
      continue;
    }
    return current;
  }
}

function modelOf(call: CallSite, chain: Node): string | undefined {
  const first = call.args[0];
  const table = stringValue(first);
  if (table !== undefined && /^\w+$/.test(table)) return table;
  const sql = call.args.map((arg) => stringValue(arg) ?? '').join(' ');
  const fromTable = /\b(?:from|update|into)\s+["`]?(\w+)/i.exec(sql);
  if (fromTable?.[1]) return fromTable[1];
  if (first?.type === 'identifier' && /^[A-Z]/.test(first.text)) return first.text;
  for (const pattern of dataAccess().modelIn) {
    const model = pattern.exec(chain.text)?.[1];
    if (model) return model;
  }
  return undefined;
}

function isDataAccess(call: CallSite): boolean {
  const method = lastSegment(call.callee);
  if (dataAccess().lookups.has(method)) return true;
  if (!GENERIC_ACCESS.has(method)) return false;
  const fn = call.node.childForFieldName('function');
  const receiver = fn?.childForFieldName('object')?.text ?? '';
  if (receiver === '') return false;
  if (/^(request|req|res|response|ctx|os|os\.environ|cache|redis|headers|params|kwargs|dict|self\.kwargs|request\.\w+|req\.\w+|this\.http\w*|http\w*|axios|fetch|map|router|app|fastify|server|Object|JSON|Array|Math|_|lodash)$/.test(receiver)) return false;
  if (/^(update|create|insert|delete|remove)$/.test(method) && /\b(hash|hmac|sha\d*|md5|cipher|crypto|digest|set|map|list|array)\b/i.test(receiver)) return false;
  // `current_app.config['OAUTH2_PROVIDERS'].get(provider)`, `settings.PLANS.get(name)`: the app's own configuration, not stored records.
  if (method === 'get' && /(?:^|\.)(?:config|settings|conf|cfg|options|environ|env|constants)(?:\[|\.|$)/i.test(receiver)) return false;
  return dataAccess().receiver.test(receiver) || call.callee.split('.').length > 2 || /^\.\.?\//.test(call.callee);
}

const RAW_SQL = /\b(select|update|delete|insert)\b[\s\S]*\b(where|into)\b/i;

function accessesIn(scope: HandlerScope, root: Node, ids: { names: Set<string>; pattern: RegExp }, callers: Set<string>): DataAccess[] {
  const out: DataAccess[] = [];
  const seen = new Set<number>();
  for (const call of callsWithin(scope.source, root)) {
    if (!isDataAccess(call)) continue;
    const argsNode = call.node.childForFieldName('arguments');
    if (!argsNode || !carriesId(argsNode, ids.names, ids.pattern)) continue;
    const method = lastSegment(call.callee);
    const sql = call.args.map((arg) => stringValue(arg) ?? (arg.type === 'template_string' ? arg.text : '')).join(' ');
    if (/^(query|execute|raw|fetchrow|fetch_one|fetchone)$/.test(method) && !RAW_SQL.test(sql)) continue;
    const chain = chainOf(call.node);
    if (seen.has(chain.id)) continue;
    seen.add(chain.id);
    const idNode = innermostId(call.args.find((arg) => carriesId(arg, ids.names, ids.pattern)) ?? argsNode, ids);
    const scoped = refersToCaller(chain, callers) || (sql !== '' && OWNER_FIELD.test(sql.replace(/\bwhere\s+id\b/i, '')) && refersToCaller(argsNode, callers));
    const model = modelOf(call, chain);
    out.push({
      chain,
      call,
      id: snippetOf(idNode, 60),
      write: dataAccess().writes.test(method) || /\b(update|delete|insert)\b/i.test(sql.split(/\s/)[0] ?? ''),
      ...(model ? { model } : {}),
      scoped,
    });
  }
  return out;
}

function innermostId(node: Node, ids: { names: Set<string>; pattern: RegExp }): Node {
  if (['object', 'array', 'dictionary', 'list', 'tuple', 'pair', 'keyword_argument', 'argument_list', 'arguments'].includes(node.type)) {
    for (const child of node.namedChildren) {
      if (!child || (node.type === 'pair' && child.id === node.childForFieldName('key')?.id) || (node.type === 'keyword_argument' && child.id === node.childForFieldName('name')?.id)) continue;
      if (carriesId(child, ids.names, ids.pattern)) return innermostId(child, ids);
    }
  }
  return node;
}

/** An `if` comparing a loaded object's owner/tenant with the caller, or a policy call. */
function objectGuardIn(scope: HandlerScope, root: Node, callers: Set<string>): string | undefined {
  const py = isPython(scope.source);
  for (const condition of nodesOf(root, py ? ['if_statement', 'assert_statement', 'conditional_expression'] : ['if_statement', 'ternary_expression'])) {
    const test = condition.childForFieldName('condition') ?? condition.namedChildren[0];
    if (!test) continue;
    if (/(!==?|===?|\bis not\b|\bnot in\b|\bin\b|<>)/.test(test.text) && refersToCaller(test, callers) && (OWNER_FIELD.test(test.text) || /\b(id|pk)\b/.test(test.text))) {
      return `ownership comparison \`${snippetOf(test, 80)}\``;
    }
  }
  for (const call of callsWithin(scope.source, root)) {
    if (ACCESS_HELPER.test(call.callee)) return `access check \`${snippetOf(call.node, 80)}\``;
    if (roleNames().policy.test(call.callee) || roleNames().policyReceiver.test(call.written.split('.').slice(0, -1).join('.'))) {
      if (/^(can|cannot|enforce)$/.test(lastSegment(call.callee)) || roleNames().policyWritten.test(call.written)) {
        return `policy check \`${snippetOf(call.node, 80)}\``;
      }
    }
  }
  return undefined;
}

/** The class-based view's object-level evidence, from the first provider that has some. */
function objectEvidence(ctx: CheckContext, scope: HandlerScope, callers: ReadonlySet<string>): ObjectEvidence {
  const providers = authzScope(ctx);
  for (const provider of providersFor(scope.endpoint, scope.source)) {
    const found = provider.objectEvidence?.(providers, scope, callers);
    if (found && (found.guard !== undefined || found.unscoped !== undefined)) return found;
  }
  return {};
}

let rejectionPattern: RegExp | undefined;

/** Code that rejects a request: the generic shapes (Nest's `ForbiddenException` among them) and the frameworks' own (their `authz.rejections`). */
function rejection(): RegExp {
  rejectionPattern ??= new RegExp([String.raw`\babort\s*\(|\braise\b|\bredirect\s*\(|\b40[13]\b|Forbidden|Unauthorized`, ...authzProviders().flatMap((provider) => provider.rejections ?? [])].join('|'));
  return rejectionPattern;
}

/** The Python function a decorator names, in this file or in the project module it is imported from. */
function decoratorDefinition(ctx: CheckContext, source: SourceFile, decorator: Node): Node | undefined {
  const expression = decorator.namedChildren[0];
  const callee = expression?.type === 'call' ? expression.childForFieldName('function') : expression;
  if (!callee || (callee.type !== 'identifier' && callee.type !== 'attribute')) return undefined;
  const name = callee.type === 'identifier' ? callee.text : (callee.childForFieldName('attribute')?.text ?? '');
  const qualified = callee.type === 'identifier' ? factsOf(source).imports.get(name) : undefined;
  const module = qualified && qualified !== name ? qualified.slice(0, qualified.length - name.length - 1).replace(/\./g, '/') : undefined;
  const candidates = module === undefined ? [source] : moduleFiles(ctx, module);
  for (const candidate of candidates) {
    const definition = topLevelFunctions(candidate).get(name);
    if (definition) return definition;
  }
  return undefined;
}

const moduleFilesCache = new WeakMap<CheckContext, Map<string, SourceFile[]>>();

/** The Python files whose path ends as a module's (`app/deps` -> `…app/deps.py`, `…app/deps/__init__.py`): listed once per module, not once per decorator. */
function moduleFiles(ctx: CheckContext, module: string): SourceFile[] {
  let byModule = moduleFilesCache.get(ctx);
  if (!byModule) moduleFilesCache.set(ctx, (byModule = new Map<string, SourceFile[]>()));
  let files = byModule.get(module);
  if (!files) byModule.set(module, (files = ctx.sources.filter((other) => isPython(other) && (other.file.endsWith(`${module}.py`) || other.file.endsWith(`${module}/__init__.py`)))));
  return files;
}

const topLevelCache = new WeakMap<SourceFile, Map<string, Node>>();

/** A Python module's top-level functions by name (the first of each name), indexed once per file. */
function topLevelFunctions(source: SourceFile): Map<string, Node> {
  let byName = topLevelCache.get(source);
  if (!byName) {
    byName = new Map();
    for (const statement of source.tree.rootNode.namedChildren) {
      const definition = statement?.type === 'decorated_definition' ? statement.childForFieldName('definition') : statement;
      const name = definition?.type === 'function_definition' ? definition.childForFieldName('name')?.text : undefined;
      if (definition && name !== undefined && !byName.has(name)) byName.set(name, definition);
    }
    topLevelCache.set(source, byName);
  }
  return byName;
}

/**
 * `@admins_only` whose wrapper runs the view only under a role condition and rejects otherwise
 * (`if is_admin(): return f(...)` / `else: abort(403)`): a role check decided by the decorator's body, not its name.
 */
function decoratorRoleCheck(ctx: CheckContext, scope: HandlerScope): string | undefined {
  if (!isPython(scope.source)) return undefined;
  const decorated = scope.node.type === 'decorated_definition' ? scope.node : parentOf(scope.node)?.type === 'decorated_definition' ? parentOf(scope.node) : undefined;
  for (const decorator of decorated?.namedChildren ?? []) {
    if (decorator?.type !== 'decorator') continue;
    const definition = decoratorDefinition(ctx, scope.source, decorator);
    if (!definition) continue;
    for (const condition of nodesOf(definition, ['if_statement'])) {
      const test = condition.childForFieldName('condition');
      if (!test || !roleNames().condition.test(test.text) || !rejection().test(condition.text)) continue;
      return `\`${shorten(decorator.text)}\` checks \`${snippetOf(test, 60)}\``;
    }
  }
  return undefined;
}

const GATE_ROLE = /\.(?:admin|is_admin|isAdmin|role|roles|is_staff|isStaff|is_superuser|isSuperuser|superuser)\b/;
const GATE_REJECTION = /\bthrow\b|\bnext\(\s*new\b|\.status\(\s*40[13]\b|sendStatus\(\s*40[13]\b|HTTP_40[13]/;
const GATE_NAME = /[A-Za-z_$][\w$]*/g;
const MAX_GATE_TEXT = 4000;
const gateIndexes = new WeakMap<CheckContext, Map<string, Node[]>>();

/** Every named function of the project, by name: where the guards a route names are defined. */
function gateIndex(ctx: CheckContext): Map<string, Node[]> {
  const cached = gateIndexes.get(ctx);
  if (cached) return cached;
  const index = new Map<string, Node[]>();
  const add = (name: string | undefined, fn: Node): void => {
    if (!name || fn.endIndex - fn.startIndex > MAX_GATE_TEXT) return;
    const list = index.get(name);
    if (list) list.push(fn);
    else index.set(name, [fn]);
  };
  for (const source of ctx.sources) {
    if (isPython(source)) {
      for (const fn of nodesOfType(source, ['function_definition'])) add(fn.childForFieldName('name')?.text, fn);
    } else {
      for (const fn of nodesOfType(source, ['function_declaration'])) add(fn.childForFieldName('name')?.text, fn);
      for (const declarator of nodesOfType(source, ['variable_declarator'])) {
        const value = declarator.childForFieldName('value');
        if (value?.type === 'arrow_function' || value?.type === 'function_expression' || value?.type === 'function') add(declarator.childForFieldName('name')?.text, value);
      }
    }
  }
  gateIndexes.set(ctx, index);
  return index;
}

/**
 * A guard the route names (middleware `auth.admin`, a FastAPI dependency `get_admin_user`) whose
 * body lets the request on only under a role condition and rejects otherwise: a role check decided
 * by the function's body, not its name.
 */
function gateFunctionRoleCheck(ctx: CheckContext, scope: HandlerScope): string | undefined {
  const names = new Set<string>();
  for (const guard of scope.guards) {
    // Names in code only: `'/admin/domains'` names no guard.
    const code = guard.replace(/(["'`])(?:\\.|(?!\1)[^\\\n])*\1/g, '""');
    for (const match of code.matchAll(GATE_NAME)) if (match[0].length > 2) names.add(match[0]);
  }
  for (const name of names) {
    const found = gateRoleCheck(ctx, name);
    if (found) return found;
  }
  return undefined;
}

const gateVerdicts = new WeakMap<CheckContext, Map<string, string | null>>();

/** Whether some project function named `name` rejects unless a role condition holds: decided once per name. */
function gateRoleCheck(ctx: CheckContext, name: string): string | undefined {
  let verdicts = gateVerdicts.get(ctx);
  if (!verdicts) {
    verdicts = new Map();
    gateVerdicts.set(ctx, verdicts);
  }
  const cached = verdicts.get(name);
  if (cached !== undefined) return cached ?? undefined;
  let verdict: string | undefined;
  search: for (const fn of gateIndex(ctx).get(name) ?? []) {
    if (!GATE_REJECTION.test(fn.text) && !rejection().test(fn.text)) continue;
    for (const condition of nodesOf(fn, ['if_statement'])) {
      const test = condition.childForFieldName('condition');
      if (test && (roleNames().condition.test(test.text) || GATE_ROLE.test(test.text))) {
        verdict = `\`${name}\` checks \`${snippetOf(test, 60)}\``;
        break search;
      }
    }
  }
  verdicts.set(name, verdict ?? null);
  return verdict;
}

const roleCache = new WeakMap<HandlerScope, string | null>();

/** The handler's role check (its guards, decorators, body and same-file helpers); decided once per handler. */
function roleCheckOf(ctx: CheckContext, scope: HandlerScope): string | undefined {
  let found = roleCache.get(scope);
  if (found === undefined) {
    found = roleCheckIn(scope, [scope.node, ...scope.helpers], ctx) ?? null;
    roleCache.set(scope, found);
  }
  return found ?? undefined;
}

function roleCheckIn(scope: HandlerScope, roots: readonly Node[], ctx?: CheckContext): string | undefined {
  if (scope.roleHook) return scope.roleHook;
  const decorated = ctx ? (decoratorRoleCheck(ctx, scope) ?? gateFunctionRoleCheck(ctx, scope)) : undefined;
  if (decorated) return decorated;
  for (const guard of scope.guards) {
    const cleaned = guardPlumbing().reduce((text, plumbing) => text.replace(plumbing, ''), guard);
    const match = roleNames().words.exec(cleaned);
    if (!match) continue;
    const before = /[\w.@]*$/.exec(cleaned.slice(0, match.index))?.[0] ?? '';
    const after = /^[\w.]*(\([^)]{0,50}\))?/.exec(cleaned.slice(match.index + match[0].length))?.[0] ?? '';
    return `\`${shorten(before + match[0] + after).replace(/`/g, "'")}\``;
  }
  const py = isPython(scope.source);
  for (const root of roots) {
    for (const condition of nodesOf(root, py ? ['if_statement', 'assert_statement', 'conditional_expression', 'boolean_operator'] : ['if_statement', 'ternary_expression', 'binary_expression'])) {
      const test = condition.type === 'if_statement' || condition.type === 'ternary_expression' ? condition.childForFieldName('condition') : condition;
      if (test && roleNames().conditionWord.test(test.text)) {
        if (condition.type === 'binary_expression' && !/(&&|\|\|)/.test(test.text)) continue;
        return `role check \`${snippetOf(test, 80)}\``;
      }
    }
    for (const call of callsWithin(scope.source, root)) {
      if (roleNames().call.test(call.callee) && !/^(can|enforce|authorize)$/.test(lastSegment(call.callee))) {
        return `\`${snippetOf(call.node, 80)}\``;
      }
    }
  }
  return undefined;
}

let plumbingList: RegExp[] | undefined;

/** The providers' guard plumbing (global patterns), in registry order. */
function guardPlumbing(): RegExp[] {
  plumbingList ??= authzProviders().flatMap((provider) => (provider.guardPlumbing ? [provider.guardPlumbing] : []));
  return plumbingList;
}

export function shorten(text: string, max = 80): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

const authzCache = new WeakMap<Endpoint, EndpointAuthz | null>();

/** Everything the authorization checks need about one code endpoint; undefined without a handler. */
export function endpointAuthz(ctx: CheckContext, endpoint: Endpoint): EndpointAuthz | undefined {
  const cached = authzCache.get(endpoint);
  if (cached !== undefined) return cached ?? undefined;
  const scope = endpoint.protocol === 'grpc' ? undefined : handlerScope(ctx, endpoint);
  let result: EndpointAuthz | undefined;
  if (scope) {
    const ids = idSources(scope);
    const callers = callerNames(scope);
    const roots = [scope.node, ...scope.helpers];
    const accesses = accessesIn(scope, scope.node, ids, callers);
    const read = endpoint.method === 'GET' || endpoint.method === 'HEAD';
    // A listing may leak too, but a sensitive resource is never presumed public because it is listed.
    const presumePublic = read && endpoint.tier !== 'critical';
    for (const access of accesses) {
      if (access.scoped) continue;
      const listed = !access.write && endpoint.tier !== 'critical' && modelExposure(ctx, access.model, scope) === 'listed';
      if (presumePublic && listed) access.exempt = 'listed';
      else if (isActionTarget(scope, access, callers, listed)) access.exempt = 'target';
    }
    const drf = objectEvidence(ctx, scope, callers);
    const drfListed = drf.unscoped !== undefined && presumePublic && modelExposure(ctx, drf.unscopedModel, scope) === 'listed';
    if (drfListed) delete drf.unscoped;
    const objectGuard = drf.guard ?? roots.map((root) => objectGuardIn(scope, root, callers)).find((found) => found !== undefined);
    const helperScoped = scope.helpers.some((helper) => refersToCaller(helper, callers) && /\b(filter|where|get|find\w*|query)\b/.test(helper.text));
    const roleCheck = roleCheckOf(ctx, scope);
    const scopedAccess = accesses.find((access) => access.scoped);
    const unscoped = accesses.filter((access) => !access.scoped && !access.exempt && !isCatalogue(access.model));
    const anyScopedQuery = scopedAccess?.chain ?? findScopedQuery(scope, callers);
    let objectLevel: Presence = 'unknown';
    let detail: string[] = [];
    if (objectGuard) {
      objectLevel = 'present';
      detail.push(objectGuard);
    } else if ((unscoped.length > 0 || drf.unscoped) && isAdminEndpoint(endpoint, scope)) {
      detail.push('admin route: acts on any owner\'s objects by design');
    } else if ((unscoped.length > 0 || drf.unscoped) && roleCheck) {
      detail.push('role-gated route: loads objects by id without an owner condition');
    } else if (unscoped.length > 0 || drf.unscoped) {
      objectLevel = 'missing';
      const first = unscoped[0];
      detail.push(first ? `\`${snippetOf(first.chain, 70)}\` is not scoped to the caller` : `\`${snippetOf(drf.unscoped ?? scope.node, 70)}\` with no \`get_queryset\` scoping`);
    } else if (drfListed || accesses.some((access) => access.exempt === 'listed')) {
      detail.push('a resource the API lists unscoped to every caller: public by design');
    } else if (accesses.some((access) => access.exempt === 'target')) {
      detail.push('the id names the target of the caller\'s own action');
    } else if (anyScopedQuery || helperScoped) {
      objectLevel = 'present';
      const verb = anyScopedQuery && /\.(create|insert|save|add)\w*\(/.test(anyScopedQuery.text) ? 'record created for the caller' : 'query scoped to the caller';
      detail.push(anyScopedQuery ? `${verb} \`${snippetOf(anyScopedQuery, 70)}\`` : 'a helper scopes the query to the caller');
    }
    const admin = isAdminEndpoint(endpoint, scope);
    let functionLevel: Presence = 'unknown';
    if (roleCheck) {
      functionLevel = 'present';
      detail.push(`role: ${roleCheck}`);
    } else if (admin && endpoint.auth.state !== 'public' && !isServiceCredential(endpoint)) {
      functionLevel = 'missing';
      detail.push('admin route without a role check');
    }
    if (objectLevel !== 'missing' || unscoped.length === 0) detail = detail.slice(0, 2);
    result = {
      scope,
      accesses,
      ...(objectGuard ? { objectGuard } : {}),
      ...(roleCheck ? { roleCheck } : {}),
      ...(drf.unscoped ? { unscopedQueryset: drf.unscoped } : {}),
      evidence: { objectLevel, functionLevel, ...(detail.length > 0 ? { detail: detail.join('; ') } : {}) },
    };
  }
  authzCache.set(endpoint, result ?? null);
  return result;
}

/** `Post`, `posts`, `post`, `direct_messages` and `DirectMessage` name the same model. */
export function modelKey(name: string): string {
  return name
    .replace(/[^A-Za-z0-9]/g, '')
    .toLowerCase()
    .replace(/ies$/, 'y')
    .replace(/(?<!s)s$/, '');
}

const OWNER_FILTER_KEY = /(?:^|[\s({,.])(owner|user|tenant|account|merchant|org|organi[sz]ation|company|customer|author|created_?by|team|workspace|patient|member|recipient|sender|borrower)(?:_?id|Id|_pk)?\s*(?:=(?!=)|:|==)/i;

/** The model a collection query reads: `select(Post)`, `Post.query…all()`, `Post.objects.filter(…)`, `prisma.post.findMany()`, `SELECT … FROM posts`. */
function collectionModel(call: CallSite, chain: Node): string | undefined {
  const method = lastSegment(call.callee);
  const text = chain.text;
  if (dataAccess().singleObject.test(text)) return undefined;
  if (/^(query|execute|raw|fetch|fetchall|fetch_all|all)$/.test(method)) {
    const sql = call.args.map((arg) => stringValue(arg) ?? (arg.type === 'template_string' ? arg.text : '')).join(' ');
    const table = /^\s*select\b[\s\S]*?\bfrom\s+["`]?(\w+)/i.exec(sql)?.[1];
    if (table) return table;
  }
  for (const pattern of dataAccess().listings) {
    const model = pattern.exec(text)?.[1];
    if (model) return model;
  }
  return undefined;
}

interface Listings {
  scoped: boolean;
  /** Handlers (`file:offset`) that list the model unscoped. */
  listedBy: Set<string>;
}

const exposureCache = new WeakMap<CheckContext, Map<string, Listings>>();

function handlerKey(scope: HandlerScope): string {
  return `${scope.source.file}:${String(scope.node.startIndex)}`;
}

/**
 * For each model, how the API's collection endpoints (GET, no path parameter, not admin or
 * role-gated) serve it: `listed` when one lists it with no caller or owner filter, so per-id reads
 * of it are public by design; `owner-scoped` when every listing filters it by the caller.
 */
function listingsOf(ctx: CheckContext): Map<string, Listings> {
  const cached = exposureCache.get(ctx);
  if (cached) return cached;
  const out = new Map<string, Listings>();
  const entry = (model: string): Listings => {
    const key = modelKey(model);
    let found = out.get(key);
    if (!found) {
      found = { scoped: false, listedBy: new Set() };
      out.set(key, found);
    }
    return found;
  };
  for (const endpoint of codeEndpoints(ctx)) {
    if (endpoint.method !== 'GET' || endpoint.protocol === 'grpc' || endpoint.parameters.some((parameter) => parameter.in === 'path')) continue;
    const scope = handlerScope(ctx, endpoint);
    if (!scope || isAdminEndpoint(endpoint, scope)) continue;
    const roots = [scope.node, ...scope.helpers];
    if (roleCheckOf(ctx, scope) !== undefined) continue;
    const callers = callerNames(scope);
    const drf = objectEvidence(ctx, scope, callers);
    if (drf.unscoped) {
      const model = drf.unscopedModel;
      if (model) entry(model).listedBy.add(handlerKey(scope));
      continue;
    }
    // A listing built in steps (`q = select(Post)`, then `q.where(Post.author_id == me.id)`) is scoped.
    const inRoots = callsWithinAll(scope.source, roots);
    const filtersByCaller = inRoots.some(
      (call) => /^(where|filter|filter_by|find\w*)$/.test(lastSegment(call.callee)) && refersToCaller(call.node, callers),
    );
    const seen = new Set<number>();
    for (const call of inRoots) {
      const chain = chainOf(call.node);
      if (seen.has(chain.id)) continue;
      seen.add(chain.id);
      const model = collectionModel(call, chain);
      if (!model || isCatalogue(model)) continue;
      if (refersToCaller(chain, callers) || drf.guard) entry(model).scoped = true;
      else if (!filtersByCaller && !OWNER_FILTER_KEY.test(chain.text)) entry(model).listedBy.add(handlerKey(scope));
    }
  }
  exposureCache.set(ctx, out);
  return out;
}

/**
 * How the API lists `model`, seen from the handler `scope`. A DRF viewset's own list action is no
 * independent evidence for its retrieve: the same queryset line serves both, so it only counts
 * from another handler.
 */
export function modelExposure(ctx: CheckContext, model: string | undefined, scope?: HandlerScope): ModelExposure | undefined {
  const listings = model === undefined ? undefined : listingsOf(ctx).get(modelKey(model));
  if (!listings) return undefined;
  const self = scope ? handlerKey(scope) : undefined;
  if ([...listings.listedBy].some((handler) => handler !== self)) return 'listed';
  return listings.scoped && listings.listedBy.size === 0 ? 'owner-scoped' : undefined;
}

/** Containers whose membership is itself access: joining one by id is a breach even as the caller's own action. */
const MEMBERSHIP = /^(org|organi[sz]ation|team|workspace|tenant|account|company|group|project|household|family|channel|room|chat|conversation|space|board)s?$/i;
/** Methods on the caller that act on their argument rather than on the caller's own relations. */
const ACTS_ON_ARGUMENT =
  /^_?(delete|destroy|purge|erase|update|edit|modify|rename|archive|unarchive|restore|transfer|assign|claim|take|approve|reject|cancel|refund|void|pay|charge|publish|unpublish|close|reopen|share|export|download|read|view|open|get|fetch|load|save|set)/i;
const RELATION_OPS = /^["']?(\$?(connect|disconnect|connectOrCreate|addToSet|pull|push|set))["']?$/;
const CREATES = /^(create|createMany|insert|insertOne|insert_one|bulkCreate|bulk_create|get_or_create|add|add_all|save|persist)$/;

/** The variable a loaded object is bound to: `user = db.session.get(User, id) or abort(404)`, `const user = await …`. */
function boundVariable(chain: Node): { holder: Node; name?: Node } {
  let node = chain;
  for (;;) {
    const parent = parentOf(node);
    if (!parent) return { holder: node };
    if (['await', 'await_expression', 'parenthesized_expression'].includes(parent.type)) {
      node = parent;
      continue;
    }
    const operator = parent.childForFieldName('operator')?.text ?? parent.children.find((child) => child && /^(or|\|\||\?\?)$/.test(child.type))?.type ?? '';
    if ((parent.type === 'boolean_operator' || parent.type === 'binary_expression') && parent.childForFieldName('left')?.id === node.id && /^(or|\|\||\?\?)$/.test(operator)) {
      node = parent;
      continue;
    }
    if (parent.type === 'assignment' && parent.childForFieldName('right')?.id === node.id) {
      const left = parent.childForFieldName('left');
      return left?.type === 'identifier' ? { holder: node, name: left } : { holder: node };
    }
    if (parent.type === 'variable_declarator' && parent.childForFieldName('value')?.id === node.id) {
      const name = parent.childForFieldName('name');
      return name?.type === 'identifier' ? { holder: node, name } : { holder: node };
    }
    return { holder: node };
  }
}

/** The receiver is the caller or one of the caller's relations: `current_user`, `request.user.friends`, `me.following`. */
function isCallerReceiver(receiver: Node | null | undefined, callers: ReadonlySet<string>): boolean {
  if (!receiver || /[([]/.test(receiver.text)) return false;
  const root = receiver.text.split('.')[0] ?? '';
  return callers.has(root) || identity().caller.test(receiver.text);
}

function callAllowsTarget(call: Node, use: Node, callers: ReadonlySet<string>): boolean {
  const fn = call.childForFieldName(call.type === 'new_expression' ? 'constructor' : 'function');
  const args = call.childForFieldName('arguments');
  if (!fn || !args) return false;
  const receiver = fn.childForFieldName('object');
  const method = fn.type === 'identifier' ? fn.text : (fn.childForFieldName('attribute') ?? fn.childForFieldName('property'))?.text ?? '';
  if (isCallerReceiver(receiver, callers)) return !ACTS_ON_ARGUMENT.test(method);
  if (!refersToCaller(args, callers)) return false;
  // A new record linking the caller to the target: `Follow(follower=current_user, followed=user)`, `prisma.follow.create(…)`.
  if (call.type === 'new_expression' || /^[A-Z]/.test(method) || CREATES.test(method)) return true;
  // A relation change on the caller's own record: `data: { following: { connect: { id: user.id } } }`.
  for (let node = parentOf(use); node && node.id !== args.id; node = parentOf(node)) {
    if (node.type === 'pair' && RELATION_OPS.test(node.childForFieldName('key')?.text ?? '')) return true;
  }
  return false;
}

/** A use of the loaded object that neither discloses nor changes it. */
function isTargetUse(use: Node, callers: ReadonlySet<string>): boolean {
  let node = use;
  const parent = parentOf(node);
  // `user.id` stands for the object's identity only.
  if (parent && (parent.type === 'attribute' || parent.type === 'member_expression') && parent.childForFieldName('object')?.id === node.id) {
    if (!/^(id|pk|_id|uuid)$/.test((parent.childForFieldName('attribute') ?? parent.childForFieldName('property'))?.text ?? '')) return inCondition(node);
    node = parent;
  }
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.type === 'argument_list' || current.type === 'arguments') {
      const call = parentOf(current);
      return call !== null && (call.type === 'call' || call.type === 'call_expression' || call.type === 'new_expression') && callAllowsTarget(call, node, callers);
    }
    if (['pair', 'object', 'dictionary', 'keyword_argument', 'shorthand_property_identifier'].includes(current.type)) continue;
    return inCondition(node);
  }
  return false;
}

/** Inside an `if`/`assert`/ternary test: `if user is None`, `if (!user)`, `if current_user.is_following(user)`. */
function inCondition(node: Node): boolean {
  for (let current = node, parent = parentOf(node); parent; current = parent, parent = parentOf(parent)) {
    if (['if_statement', 'while_statement', 'conditional_expression', 'ternary_expression', 'elif_clause'].includes(parent.type)) {
      return parent.childForFieldName('condition')?.id === current.id;
    }
    if (parent.type === 'assert_statement') return true;
    if (/statement|^block$|^function|^arrow_function|^lambda/.test(parent.type)) return false;
  }
  return false;
}

/**
 * The object loaded by id only names the target of the caller's own action: every use is an
 * existence test, an argument to a method on the caller (`current_user.follow(user)`,
 * `request.user.friends.add(other)`) or part of a record or relation change of the caller's own.
 */
function isActionTarget(scope: HandlerScope, access: DataAccess, callers: ReadonlySet<string>, publicModel = false): boolean {
  if (access.write || (access.model !== undefined && MEMBERSHIP.test(access.model))) return false;
  const { holder, name } = boundVariable(access.chain);
  if (!name) return holder.id !== access.chain.id || parentOf(holder)?.type === 'argument_list' || parentOf(holder)?.type === 'arguments' ? isTargetUse(holder, callers) : false;
  const uses = nodesOf(scope.node, ['identifier', 'shorthand_property_identifier']).filter(
    (identifier) => identifier.text === name.text && identifier.id !== name.id && identifier.startIndex > name.startIndex,
  );
  if (uses.length === 0 || uses.some((use) => use.type !== 'identifier')) return false;
  if (uses.every((use) => isTargetUse(use, callers))) return true;
  // DRF's favourite/follow views also return the serialized target: disclosing a model the API
  // lists to everyone is no breach, as long as the caller's own data is what changes.
  return publicModel && uses.some((use) => isTargetUse(use, callers)) && !uses.some(mutates);
}

const MUTATORS = /^(save|delete|destroy|remove|update\w*|set\w*|patch|put|assign|increment\w*|decrement\w*)$/;

/** The object itself is changed: `obj.save()`, `obj.title = …`, `setattr(obj, …)`, `Object.assign(obj, …)`. */
function mutates(use: Node): boolean {
  const parent = parentOf(use);
  if (!parent) return false;
  if ((parent.type === 'attribute' || parent.type === 'member_expression') && parent.childForFieldName('object')?.id === use.id) {
    const property = (parent.childForFieldName('attribute') ?? parent.childForFieldName('property'))?.text ?? '';
    const grand = parentOf(parent);
    if ((grand?.type === 'call' || grand?.type === 'call_expression') && MUTATORS.test(property)) return true;
    if ((grand?.type === 'assignment' || grand?.type === 'assignment_expression' || grand?.type === 'augmented_assignment') && grand.childForFieldName('left')?.id === parent.id) return true;
    return false;
  }
  const call = parentOf(parent);
  const callee = call ? (call.childForFieldName('function')?.text ?? '') : '';
  return (parent.type === 'argument_list' || parent.type === 'arguments') && /^(setattr|Object\.assign)$/.test(callee) && parent.namedChildren[0]?.id === use.id;
}

/** A data access in the handler filtered by the caller, with or without an id (`Invoice.objects.filter(owner=request.user)`). */
function findScopedQuery(scope: HandlerScope, callers: Set<string>): Node | undefined {
  for (const call of callsWithin(scope.source, scope.node)) {
    if (!isDataAccess(call)) continue;
    const chain = chainOf(call.node);
    if (refersToCaller(chain, callers)) return chain;
  }
  for (const attribute of nodesOf(scope.node, isPython(scope.source) ? ['attribute'] : ['member_expression'])) {
    if (/^(request\.user|current_user|self\.request\.user|g\.user|req\.user)\.\w+s\b/.test(attribute.text) && /\.(all|filter|get|first|count|where|find\w*)\b/.test(parentOf(attribute)?.text ?? '')) {
      return attribute;
    }
  }
  return undefined;
}

/** A machine or shared operator credential (API key, mTLS, basic auth): holding it is the function-level control. */
export function isServiceCredential(endpoint: Endpoint): boolean {
  const mechanisms = endpoint.auth.mechanisms;
  return mechanisms.length > 0 && mechanisms.every((mechanism) => mechanism === 'api-key' || mechanism === 'mtls' || mechanism === 'basic');
}

/** True when a role check in the evidence is about admins (such routes act across owners by design). */
export function isAdminRole(text: string | undefined): boolean {
  return text !== undefined && ADMIN_ROLE.test(text);
}

export function isCatalogue(model: string | undefined): boolean {
  return model !== undefined && CATALOGUE.test(model);
}

export function codeEndpoints(ctx: CheckContext): Endpoint[] {
  return ctx.inventory.endpoints.filter((endpoint) => endpoint.handler !== undefined && endpoint.sources.some((source) => source.kind === 'code'));
}

export const PRIVILEGED =
  /^(role|roles|is_?admin|isAdmin|admin|is_staff|isStaff|is_superuser|isSuperuser|balance|credits?|verified|is_verified|isVerified|email_verified|emailVerified|owner|owner_id|ownerId|tenant|tenant_id|tenantId|permissions|user_id|userId|merchant_id|merchantId|account_id|accountId|org_id|orgId|approved|is_active|isActive|plan|tier|status)$/;
export const SENSITIVE = /^(password|password_hash|passwordHash|hashed_password|hashedPassword|pass_hash|secret|\w*_secret|\w*Secret|api_key|apiKey|\w*_token|\w*Token|token|otp\w*|mfa_secret|totp_secret|ssn|salt|private_key|privateKey|reset_\w+|resetPasswordToken)$/;

/** The variable a data access's result is assigned to (`plant = Plant.query.get_or_404(id)` → `plant`). */
export function loadedInto(access: DataAccess): string | undefined {
  return boundVariable(access.chain).name?.text;
}

/** A visible model definition with no owner, user or tenant field: nothing to check ownership against. */
export function isOwnerless(ctx: CheckContext, model: string | undefined): boolean {
  const definition = findModel(ctx, model);
  return definition !== undefined && definition.fields.length > 0 && !definition.fields.some((field) => OWNER_FIELD.test(field));
}

export interface ModelDefinition {
  name: string;
  file: string;
  fields: string[];
  /** The class or schema node, for Pydantic `extra` settings and serializer Meta. */
  node: Node;
}

const modelCache = new WeakMap<CheckContext, Map<string, ModelDefinition>>();

function pyClassFields(body: Node): string[] {
  const out: string[] = [];
  for (const child of body.namedChildren) {
    const assignment = child?.type === 'expression_statement' ? child.namedChildren[0] : undefined;
    const left = assignment?.type === 'assignment' ? assignment.childForFieldName('left') : undefined;
    if (left?.type === 'identifier') out.push(left.text);
  }
  return out;
}

/** Model and schema classes visible in the workspace, by name (Python classes, TS classes, the models data-access providers declare). */
export function modelDefinitions(ctx: CheckContext): Map<string, ModelDefinition> {
  const cached = modelCache.get(ctx);
  if (cached) return cached;
  const out = new Map<string, ModelDefinition>();
  for (const source of ctx.sources) {
    const root = source.tree.rootNode;
    if (isPython(source)) {
      for (const cls of nodesOf(root, ['class_definition'])) {
        const name = cls.childForFieldName('name')?.text;
        const body = cls.childForFieldName('body');
        if (name && body && !out.has(name)) out.set(name, { name, file: source.file, fields: pyClassFields(body), node: cls });
      }
      continue;
    }
    for (const cls of nodesOf(root, ['class_declaration', 'class'])) {
      const name = cls.childForFieldName('name')?.text;
      const body = cls.childForFieldName('body');
      if (!name || !body || out.has(name)) continue;
      const fields = nodesOf(body, ['public_field_definition', 'field_definition'])
        .map((field) => field.childForFieldName('name')?.text ?? field.childForFieldName('property')?.text ?? '')
        .filter((field) => field !== '');
      out.set(name, { name, file: source.file, fields, node: cls });
    }
    for (const declared of dataAccess().declarations) {
      for (const model of declared(source)) if (!out.has(model.name)) out.set(model.name, { name: model.name, file: source.file, fields: model.fields, node: model.node });
    }
  }
  modelCache.set(ctx, out);
  return out;
}

/** The visible definition for a model, class or table name (`payments` → `Payment`). */
export function findModel(ctx: CheckContext, name: string | undefined): ModelDefinition | undefined {
  if (!name) return undefined;
  const models = modelDefinitions(ctx);
  const singular = name.replace(/ies$/, 'y').replace(/s$/, '');
  const candidates = [name, singular, capitalise(name), capitalise(singular), capitalise(camel(singular))];
  for (const candidate of candidates) {
    const found = models.get(candidate);
    if (found) return found;
  }
  return undefined;
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

function camel(text: string): string {
  return text.replace(/_(\w)/g, (_match, letter: string) => letter.toUpperCase());
}

/** Pydantic `extra = "allow"` / `model_config = ConfigDict(extra="allow")` / `class Config: extra = Extra.allow`. */
export function allowsExtra(model: ModelDefinition): boolean {
  return /\bextra\s*=\s*(["']allow["']|Extra\.allow)/.test(model.node.text);
}

export interface GraphqlServer {
  source: SourceFile;
  call: CallSite;
  /** The server library, as its provider names it (`apollo`, `express-graphql`, `yoga`, `mercurius`, `nestjs`, `strawberry`, `graphene`, `ariadne`). */
  library: string;
  /** The options object (JS) or the call itself (Python keywords). */
  option(name: string): Node | undefined;
  /** Introspection stays on unless configured off. */
  introspectionByDefault: boolean;
}

/** Names of a depth or cost limit whatever the library, beside the GraphQL providers' `queryLimits`. */
const DEPTH_LIMITS = 'depthLimit|maxDepth|queryDepth|complexityLimit|ComplexityPlugin|createComplexityRule|depthLimitRule|max_depth';
let graphqlNames: { limits: RegExp; introspectionOff: RegExp } | undefined;

/** The GraphQL providers' limit and introspection names joined with the generic ones (one alternation each). */
function graphqlCatalogue(): { limits: RegExp; introspectionOff: RegExp } {
  if (!graphqlNames) {
    const providers = graphqlServerProviders();
    const off = providers.flatMap((provider) => provider.introspectionOff ?? []);
    graphqlNames = {
      limits: new RegExp([DEPTH_LIMITS, ...providers.flatMap((provider) => provider.queryLimits ?? [])].join('|')),
      introspectionOff: off.length > 0 ? new RegExp(off.join('|')) : NEVER,
    };
  }
  return graphqlNames;
}

/** True when any source sets a depth, cost or token limit for GraphQL queries. */
export function hasGraphqlDepthLimit(ctx: CheckContext): boolean {
  const { limits } = graphqlCatalogue();
  return ctx.sources.some((source) => limits.test(source.text));
}

/**
 * The GraphQL servers the project creates, from the GraphQL server providers (js-graphql/servers.ts,
 * python-graphql/servers.ts, fastify/graphql.ts, nestjs/graphql.ts): each call asked of every provider in
 * registry order, the first answer wins.
 */
const serverCache = new WeakMap<CheckContext, GraphqlServer[]>();

/** The GraphQL servers of the unit, found once (three checks ask). */
export function graphqlServers(ctx: CheckContext): GraphqlServer[] {
  const cached = serverCache.get(ctx);
  if (cached) return cached;
  const out: GraphqlServer[] = [];
  serverCache.set(ctx, out);
  const providers = graphqlServerProviders();
  for (const source of ctx.sources) {
    for (const call of factsOf(source).calls) {
      for (const provider of providers) {
        const server = provider.server(source, call);
        if (server) {
          out.push(server);
          break;
        }
      }
    }
  }
  return out;
}

/** Introspection switched off somewhere in the project (rules, plugins, extensions). */
export function introspectionDisabledInCode(ctx: CheckContext): boolean {
  const { introspectionOff } = graphqlCatalogue();
  return ctx.sources.some((source) => introspectionOff.test(source.text));
}
