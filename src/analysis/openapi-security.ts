import type { CheckContext, JsonObject, SpecDocument, SpecNode } from '../engine/context.js';
import type { Endpoint, Severity } from '../model/types.js';
import { SEVERITIES, TIER_ORDER } from '../model/types.js';
import {
  HTTP_METHODS,
  calibrate,
  effectiveSecurity,
  entries,
  get,
  getObject,
  isObject,
  items,
  objectNode,
  operations,
  parameters,
  securitySchemes,
  stringAt,
  type Operation,
  SpecContextCache,
} from './openapi.js';
import { words } from '../inventory/classify.js';

/** Above this many operations sharing one document-wide cause, report once at the root. */
export const ROOT_FINDING_THRESHOLD = 3;

export function rootNode(doc: SpecDocument): SpecNode<JsonObject> {
  return { value: doc.root, file: doc.file, pointer: '' };
}

export function rootChild(doc: SpecDocument, key: string): SpecNode | undefined {
  return doc.child(rootNode(doc), key);
}

/** `{ endpointId }` when the operation is in the inventory, for spreading into a report. */
export function endpointOf(op: Operation): { endpointId?: string } {
  return op.endpoint ? { endpointId: op.endpoint.id } : {};
}

function exposure(endpoint: Endpoint | undefined): number {
  if (!endpoint) return -1;
  return (TIER_ORDER.length - TIER_ORDER.indexOf(endpoint.tier)) * 2 + (endpoint.type === 'internal' ? 0 : 1);
}

export function mostExposed(endpoints: Iterable<Endpoint | undefined>): Endpoint | undefined {
  let worst: Endpoint | undefined;
  for (const endpoint of endpoints) if (exposure(endpoint) > exposure(worst)) worst = endpoint;
  return worst;
}

export function maxSeverity(severities: Iterable<Severity>, fallback: Severity): Severity {
  let best: Severity | undefined;
  for (const severity of severities) if (!best || SEVERITIES.indexOf(severity) < SEVERITIES.indexOf(best)) best = severity;
  return best ?? fallback;
}

/** Base severity calibrated by the most exposed operation among `ops`. */
export function calibrateFor(base: Severity, ops: readonly Operation[]): Severity {
  return calibrate(base, mostExposed(ops.map((op) => op.endpoint)));
}

/** Operations under `paths` (webhooks are requests the API sends, not ones it serves). */
export function servedOperations(ctx: CheckContext, doc: SpecDocument): Operation[] {
  return operations(ctx, doc).filter((op) => !op.isWebhook);
}

export { words };

/** Path segments that are not templates, lower-cased, with separators removed (`api-keys` → `apikeys`). */
export function staticSegments(path: string): string[] {
  return path
    .split('/')
    .filter((segment) => segment !== '' && !segment.includes('{'))
    .map((segment) => segment.toLowerCase().replace(/[^a-z0-9]/g, ''));
}

const SENSITIVE_SEGMENTS = new Set([
  'admin', 'administration', 'administrator', 'users', 'user', 'me', 'accounts', 'account', 'customers', 'customer',
  'members', 'member', 'profile', 'profiles', 'employees', 'patients', 'payments', 'payment', 'pay', 'payouts',
  'billing', 'invoices', 'invoice', 'cards', 'card', 'charges', 'refunds', 'transfers', 'transactions', 'orders',
  'checkout', 'wallet', 'wallets', 'bank', 'banking', 'password', 'passwords', 'credentials', 'tokens', 'apikeys',
  'keys', 'secrets', 'sessions', 'roles', 'permissions', 'kyc', 'ssn', 'exports', 'export',
]);

/** Where a client obtains or recovers credentials: reachable without them by necessity. */
const AUTH_ENTRY_SEGMENTS = new Set([
  'login', 'logon', 'signin', 'signup', 'register', 'registration', 'forgot', 'forgotpassword', 'reset',
  'resetpassword', 'passwordreset', 'recover', 'recovery', 'token', 'oauth2token', 'authorize', 'refresh', 'verify',
  'verification', 'otp', 'magiclink', 'wellknown', 'jwks', 'jwksjson', 'openidconfiguration', 'callback',
]);

const PUBLIC_PROBE_SEGMENTS = new Set([
  'health', 'healthz', 'healthcheck', 'livez', 'readyz', 'ready', 'live', 'ping', 'status', 'version', 'openapi',
  'openapijson', 'openapiyaml', 'swagger', 'swaggerjson', 'docs', 'robotstxt', 'favicon', 'faviconico',
  'redoc', 'oauth2redirect', 'swaggerui', 'apispecjson',
]);

export function isAuthEntryPoint(op: Pick<Operation, 'path'>): boolean {
  return staticSegments(op.path).some((segment) => AUTH_ENTRY_SEGMENTS.has(segment));
}

/** Health checks, version and spec documents: public by design. */
export function isPublicProbe(op: Pick<Operation, 'path'>): boolean {
  const segments = staticSegments(op.path);
  const last = segments[segments.length - 1];
  return last !== undefined && PUBLIC_PROBE_SEGMENTS.has(last);
}

function wildcard(pattern: string): RegExp {
  return new RegExp(`^${pattern.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`, 'i');
}

/** Listed in the config's `publicEndpoints` (`METHOD /path` or `/path`, `*` wildcards). */
export function isConfiguredPublic(ctx: CheckContext, op: Pick<Operation, 'method' | 'path'>): boolean {
  return ctx.config.publicEndpoints.some((entry) => {
    const [first, second] = entry.trim().split(/\s+/);
    const method = second === undefined ? '*' : (first ?? '*');
    const path = second ?? first ?? '';
    return wildcard(method).test(op.method) && wildcard(path).test(op.path);
  });
}

/** Deliberately public: listed in the config's public endpoints, or a credential entry point. */
export function isDeliberatelyPublic(ctx: CheckContext, op: Operation): boolean {
  return isConfiguredPublic(ctx, op) || isAuthEntryPoint(op);
}

export function isSensitiveOperation(op: Operation): boolean {
  if (op.endpoint && (op.endpoint.tier === 'critical' || op.endpoint.tier === 'high')) return true;
  return staticSegments(op.path).some((segment) => SENSITIVE_SEGMENTS.has(segment));
}

/** The operation itself declares `security: []` or an empty requirement `{}`. */
export function optsOutOfSecurity(op: Operation): boolean {
  const security = effectiveSecurity(op);
  if (security.declaredAt !== 'operation') return false;
  return security.requirements.length === 0 || security.requirements.some((requirement) => Object.keys(requirement).length === 0);
}

/** A sensitive operation that explicitly turns authentication off (one root cause, reported by its own check). */
export function isSensitiveOptOut(ctx: CheckContext, op: Operation): boolean {
  return !op.isWebhook && optsOutOfSecurity(op) && isSensitiveOperation(op) && !isDeliberatelyPublic(ctx, op);
}

export interface ParameterUse {
  param: SpecNode<JsonObject>;
  name: string;
  in: string;
  operations: Operation[];
}

const parameterUseCache = new SpecContextCache<ParameterUse[]>();

/** Every parameter definition reached by a served operation, once (a `$ref`'d one at its component). */
export function parameterUses(ctx: CheckContext, doc: SpecDocument): ParameterUse[] {
  const cached = parameterUseCache.get(ctx, doc);
  if (cached) return cached;
  const byKey = new Map<string, ParameterUse>();
  for (const op of servedOperations(ctx, doc)) {
    for (const param of parameters(op)) {
      const key = `${param.file}#${param.pointer}`;
      let use = byKey.get(key);
      if (!use) {
        use = { param, name: stringAt(param, 'name') ?? '', in: stringAt(param, 'in') ?? '', operations: [] };
        byKey.set(key, use);
      }
      use.operations.push(op);
    }
  }
  const out = [...byKey.values()];
  parameterUseCache.set(ctx, doc, out);
  return out;
}

export interface ParameterGroup {
  /** Where to report: a shared component definition when there is one, else the first inline one. */
  first: ParameterUse;
  definitions: number;
  operations: Operation[];
}

/**
 * Groups flagged parameter definitions by `in` + name: the same parameter repeated inline on
 * every operation (`repository_id` on 100 routes) is one design decision, reported once.
 */
export function groupParameters(uses: readonly ParameterUse[]): ParameterGroup[] {
  const groups = new Map<string, ParameterGroup>();
  // The operations already in each group: a Set, so a parameter shared by every path stays linear.
  const seen = new Map<ParameterGroup, Set<Operation>>();
  for (const use of uses) {
    const key = `${use.in}:${use.name}`;
    const group = groups.get(key);
    if (!group) {
      const created = { first: use, definitions: 1, operations: [...new Set(use.operations)] };
      groups.set(key, created);
      seen.set(created, new Set(created.operations));
      continue;
    }
    group.definitions += 1;
    const operations = seen.get(group) as Set<Operation>;
    for (const op of use.operations) {
      if (operations.has(op)) continue;
      operations.add(op);
      group.operations.push(op);
    }
    if (isComponentParameter(use.param) && !isComponentParameter(group.first.param)) group.first = use;
  }
  return [...groups.values()];
}

function isComponentParameter(param: SpecNode): boolean {
  return param.pointer.startsWith('/components/') || param.pointer.startsWith('/parameters/');
}

/** The JSON types a parameter's schema allows (2.0 keeps `type` on the parameter). */
export function parameterTypes(doc: SpecDocument, param: SpecNode<JsonObject>): string[] {
  const schema = objectNode(get(doc, param, 'schema')) ?? (doc.format === 'swagger-2.0' ? param : undefined);
  if (!schema) return [];
  const type = schema.value.type;
  if (typeof type === 'string') return [type];
  if (Array.isArray(type)) return type.filter((entry): entry is string => typeof entry === 'string');
  return [];
}

export function headerParameter(op: Operation, test: (lowerName: string) => boolean): SpecNode<JsonObject> | undefined {
  return parameters(op).find((param) => stringAt(param, 'in') === 'header' && test((stringAt(param, 'name') ?? '').toLowerCase()));
}

export interface SchemeUse {
  name: string;
  node: SpecNode<JsonObject>;
  /** Operations whose effective security names the scheme. */
  operations: Operation[];
}

/** Each defined security scheme with the served and webhook operations that require it. */
export function schemeUsage(ctx: CheckContext, doc: SpecDocument): SchemeUse[] {
  const uses = new Map<string, SchemeUse>();
  for (const [name, node] of securitySchemes(doc)) uses.set(name, { name, node, operations: [] });
  for (const op of operations(ctx, doc)) {
    const names = new Set(effectiveSecurity(op).requirements.flatMap((requirement) => Object.keys(requirement)));
    for (const name of names) uses.get(name)?.operations.push(op);
  }
  return [...uses.values()];
}

/** OAuth 2 flows of a scheme: 3.x `flows.<name>`, 2.0 a single `flow`. */
export function oauthFlows(doc: SpecDocument, scheme: SpecNode<JsonObject>): { name: string; node: SpecNode }[] {
  if (stringAt(scheme, 'type') !== 'oauth2') return [];
  if (doc.format === 'swagger-2.0') {
    const flow = doc.child(scheme, 'flow');
    return flow && typeof flow.value === 'string' ? [{ name: flow.value, node: flow }] : [];
  }
  return entries(doc, get(doc, scheme, 'flows')).map(([name, node]) => ({ name, node }));
}

/** Callback operations (3.x `callbacks`), shaped as operations that inherit the parent's endpoint. */
export function callbackOperations(ctx: CheckContext, doc: SpecDocument): Operation[] {
  const out: Operation[] = [];
  for (const parent of servedOperations(ctx, doc)) {
    for (const [, callback] of entries(doc, doc.child(parent.node, 'callbacks'))) {
      for (const [expression, item] of entries(doc, callback)) {
        const pathItem = objectNode(item);
        if (!pathItem) continue;
        for (const method of HTTP_METHODS) {
          const node = getObject(doc, pathItem, method);
          if (node) out.push({ doc, path: expression, method, node, pathItem, isWebhook: true, endpoint: parent.endpoint });
        }
      }
    }
  }
  return out;
}

export interface ServerEntry {
  node: SpecNode<JsonObject>;
  url: string;
  /** The URL with each variable's default substituted, then each enum value in turn. */
  candidates: string[];
  /** Operations the server applies to. */
  operations: Operation[];
}

function expand(doc: SpecDocument, server: SpecNode<JsonObject>, url: string): string[] {
  const variables = entries(doc, get(doc, server, 'variables'));
  const defaults = new Map<string, string>();
  for (const [name, variable] of variables) defaults.set(name, stringAt(variable, 'default') ?? '');
  const fill = (override: [string, string] | undefined): string =>
    url.replace(/\{([^}]+)\}/g, (_whole, name: string) => (override?.[0] === name ? override[1] : (defaults.get(name) ?? '')));
  const out = new Set([fill(undefined)]);
  for (const [name, variable] of variables) {
    const values = isObject(variable.value) ? variable.value.enum : undefined;
    if (!Array.isArray(values)) continue;
    for (const value of values.slice(0, 20)) if (typeof value === 'string') out.add(fill([name, value]));
  }
  return [...out];
}

/** 3.x server objects at document, path and operation level, each once. */
export function servers(ctx: CheckContext, doc: SpecDocument): ServerEntry[] {
  if (doc.format === 'swagger-2.0') return [];
  const byKey = new Map<string, ServerEntry>();
  const served = servedOperations(ctx, doc);
  const add = (holder: SpecNode | undefined, ops: Operation[]): void => {
    for (const item of items(doc, holder ? doc.child(holder, 'servers') : undefined)) {
      const server = objectNode(item);
      const url = stringAt(server, 'url');
      if (!server || url === undefined) continue;
      const key = `${server.file}#${server.pointer}`;
      const existing = byKey.get(key);
      if (existing) existing.operations.push(...ops);
      else byKey.set(key, { node: server, url, candidates: expand(doc, server, url), operations: [...ops] });
    }
  };
  add(rootNode(doc), served);
  for (const op of served) {
    add(op.pathItem, [op]);
    add(op.node, [op]);
  }
  return [...byKey.values()];
}

/** Host of an absolute URL (lower-case, no port, IPv6 without brackets), or undefined. */
export function hostOf(url: string): string | undefined {
  const match = /^[a-z][a-z0-9+.-]*:\/\/(?:[^@/?#]*@)?(\[[^\]]*\]|[^:/?#]*)/i.exec(url.trim());
  const host = match?.[1];
  if (!host) return undefined;
  return host.replace(/^\[|\]$/g, '').toLowerCase();
}

export type HostKind = 'loopback' | 'private' | 'non-production';

const NON_PRODUCTION_LABELS = new Set([
  'staging', 'stage', 'stg', 'dev', 'develop', 'development', 'test', 'testing', 'qa', 'uat', 'preprod', 'local',
]);

/** Why a host is not a production host, or undefined. `sandbox` is not flagged: public test environments are by design. */
export function nonProductionHost(host: string): HostKind | undefined {
  if (host === 'localhost' || host.endsWith('.localhost') || host === '::1' || /^127\./.test(host) || host === '0.0.0.0') {
    return 'loopback';
  }
  if (
    /^10\./.test(host) ||
    /^192\.168\./.test(host) ||
    /^172\.(1[6-9]|2\d|3[01])\./.test(host) ||
    /^169\.254\./.test(host) ||
    /^f[cd][0-9a-f]{2}:/.test(host) ||
    /\.(local|internal|intranet|corp|lan|localdomain|home\.arpa)$/.test(host)
  ) {
    return 'private';
  }
  const labels = host.split(/[.-]/);
  if (host.endsWith('.test') || labels.some((label) => NON_PRODUCTION_LABELS.has(label))) return 'non-production';
  return undefined;
}

/** The path of the document's base URL (2.0 `basePath`, or the first 3.x server's path). */
export function basePath(doc: SpecDocument): string {
  if (doc.format === 'swagger-2.0') return stringAt(rootNode(doc), 'basePath') ?? '';
  const first = items(doc, rootChild(doc, 'servers'))[0];
  const url = stringAt(first, 'url');
  if (url === undefined) return '';
  const path = /^[a-z][a-z0-9+.-]*:\/\/[^/]*(\/.*)?$/i.exec(url)?.[1] ?? (url.startsWith('/') ? url : '');
  return path.replace(/\/+$/, '');
}

const CURSOR_WORDS = new Set(['page', 'skip', 'next', 'prev', 'previous', 'continuation', 'sync', 'cursor', 'pagination', 'starting', 'start', 'idempotency', 'csrf', 'xsrf']);
const FILTER_HEAD = new Set(['exclude', 'include', 'has', 'is', 'filter', 'with', 'without', 'show', 'hide', 'sort']);
const NON_SECRET_TAIL = new Set(['id', 'ids', 'type', 'types', 'kind', 'kinds', 'alert', 'alerts', 'scanning', 'state', 'name', 'names', 'hint', 'count', 'length', 'policy', 'expiry', 'expires', 'expiration', 'url', 'uri', 'format', 'scope', 'scopes', 'status', 'prefix', 'last4', 'required', 'enabled', 'set', 'changed', 'updated', 'created', 'at']);

/** Whether a parameter name names a credential (token, password, secret, API key), not a cursor or an id of one. */
export function isCredentialName(name: string): boolean {
  const parts = words(name);
  const first = parts[0];
  const last = parts[parts.length - 1];
  if (first === undefined || last === undefined) return false;
  if (CURSOR_WORDS.has(first) || FILTER_HEAD.has(first) || NON_SECRET_TAIL.has(last)) return false;
  const joined = parts.join('');
  if (/(password|passwd|passphrase|secret|apikey|accesskey|privatekey|signingkey|sessionid)/.test(joined)) return true;
  return parts.some((part) => part === 'token' || part === 'pwd' || part === 'jwt' || part === 'auth' || part.endsWith('token'));
}

/** A route in the code implements the operation (the inventory merged them). */
export function implementedInCode(op: Pick<Operation, 'endpoint'>): boolean {
  return op.endpoint?.sources.some((source) => source.kind === 'code') ?? false;
}

/**
 * The document says nothing about authentication: no security scheme and no `security` anywhere
 * (root, operations, webhooks, callbacks). Common in generated specs; a gap in the description,
 * not evidence that the API is open.
 */
export function declaresNoSecurity(ctx: CheckContext, doc: SpecDocument): boolean {
  if (securitySchemes(doc).size > 0 || rootChild(doc, 'security') !== undefined) return false;
  return ![...operations(ctx, doc), ...callbackOperations(ctx, doc)].some((op) => doc.child(op.node, 'security') !== undefined);
}

/**
 * The document defines security schemes but applies none: no root `security` and no `security` on
 * any operation, webhook or callback. Generated specs (swagger-php, Scribe, hand-kept docs) often
 * describe the bearer scheme and forget to require it; that is one documentation gap, reported once
 * by security-scheme-unused, not evidence that each operation is open.
 */
export function appliesNoSecurity(ctx: CheckContext, doc: SpecDocument): boolean {
  if (securitySchemes(doc).size === 0 || rootChild(doc, 'security') !== undefined) return false;
  return ![...operations(ctx, doc), ...callbackOperations(ctx, doc)].some((op) => doc.child(op.node, 'security') !== undefined);
}

export type UnauthenticatedCause = 'none' | 'empty' | 'anonymous';

export interface UnauthenticatedOperation {
  op: Operation;
  cause: UnauthenticatedCause;
  declaredAt: 'operation' | 'global' | 'none';
}

export interface UnauthenticatedGroups {
  /** Operations reported one by one. */
  perOperation: UnauthenticatedOperation[];
  /** Operations sharing one document-level cause, reported once at `at`. */
  document: { at: SpecNode; cause: 'none' | 'global'; operations: UnauthenticatedOperation[] } | undefined;
}

/**
 * Served operations with one of `methods` that anyone can call: no requirement applies, `security: []`,
 * or (unless `allowAnonymous`) an empty alternative `{}`. Deliberately public operations, public
 * probes and sensitive opt-outs (their own finding) are left out. When many operations share a
 * document-level cause (no security anywhere, or a global `security` that lets anyone in), they
 * are grouped so the cause is reported once.
 */
export function unauthenticatedOperations(
  ctx: CheckContext,
  doc: SpecDocument,
  methods: ReadonlySet<string>,
  allowAnonymous: boolean,
): UnauthenticatedGroups {
  const served = servedOperations(ctx, doc);
  const found: UnauthenticatedOperation[] = [];
  // A document with no security at all is one documentation finding (spec-security-undeclared).
  if (declaresNoSecurity(ctx, doc)) return { perOperation: [], document: undefined };
  // Schemes defined and never applied: one finding (security-scheme-unused), not one per operation.
  if (appliesNoSecurity(ctx, doc)) return { perOperation: [], document: undefined };
  for (const op of served) {
    if (!methods.has(op.method) || isDeliberatelyPublic(ctx, op) || isPublicProbe(op) || isSensitiveOptOut(ctx, op)) continue;
    // The code outranks the spec: where a route implements the operation, its own evidence decides.
    if (implementedInCode(op)) continue;
    const security = effectiveSecurity(op);
    const hasEmpty = security.requirements.some((requirement) => Object.keys(requirement).length === 0);
    let cause: UnauthenticatedCause | undefined;
    if (security.requirements.length === 0) cause = security.declaredAt === 'none' ? 'none' : 'empty';
    else if (hasEmpty && !allowAnonymous) cause = 'anonymous';
    if (cause) found.push({ op, cause, declaredAt: security.declaredAt });
  }
  const anyOwnSecurity = served.some((op) => {
    const security = effectiveSecurity(op);
    return security.declaredAt === 'operation' && security.requirements.some((requirement) => Object.keys(requirement).length > 0);
  });
  const inherited = found.filter((entry) => entry.declaredAt === 'global' || (entry.declaredAt === 'none' && !anyOwnSecurity));
  if (inherited.length <= ROOT_FINDING_THRESHOLD) return { perOperation: found, document: undefined };
  const global = rootChild(doc, 'security');
  const at = global ?? rootChild(doc, 'paths') ?? rootNode(doc);
  return {
    perOperation: found.filter((entry) => !inherited.includes(entry)),
    document: { at, cause: global ? 'global' : 'none', operations: inherited },
  };
}

export interface RequirementReference {
  name: string;
  /** The scheme's key inside a requirement object (`- bearerAuth: []`). */
  node: SpecNode;
}

/** Every scheme name written in a security requirement: global, operations, webhooks and callbacks, in document order. */
export function requirementReferences(ctx: CheckContext, doc: SpecDocument): RequirementReference[] {
  const out: RequirementReference[] = [];
  const collect = (holder: SpecNode | undefined): void => {
    for (const requirement of items(doc, holder)) {
      if (!isObject(requirement.value)) continue;
      for (const name of Object.keys(requirement.value)) out.push({ name, node: doc.child(requirement, name) ?? requirement });
    }
  };
  collect(rootChild(doc, 'security'));
  for (const op of [...operations(ctx, doc), ...callbackOperations(ctx, doc)]) collect(doc.child(op.node, 'security'));
  return out;
}

const SUNSET_KEYS = ['x-sunset-date', 'x-sunset', 'x-sunset-at'];

/** `YYYY-MM-DD` from an ISO date, ISO timestamp or HTTP date; undefined when unreadable. */
export function isoDate(value: string): string | undefined {
  const trimmed = value.trim();
  if (/^\d{4}-\d{2}-\d{2}/.test(trimmed)) return trimmed.slice(0, 10);
  const parsed = Date.parse(trimmed);
  return Number.isNaN(parsed) ? undefined : new Date(parsed).toISOString().slice(0, 10);
}

export interface Sunset {
  date: string;
  node: SpecNode;
  level: 'operation' | 'path' | 'document';
  holder: SpecNode;
}

/** The sunset date that applies to an operation: its own, its path item's, or the document's `info`. */
export function sunsetOf(op: Operation): Sunset | undefined {
  const info = getObject(op.doc, rootNode(op.doc), 'info');
  const levels: [Sunset['level'], SpecNode | undefined][] = [
    ['operation', op.node],
    ['path', op.pathItem],
    ['document', info],
  ];
  for (const [level, holder] of levels) {
    if (!holder) continue;
    for (const key of SUNSET_KEYS) {
      const node = op.doc.child(holder, key);
      const date = node && typeof node.value === 'string' ? isoDate(node.value) : undefined;
      if (node && date) return { date, node, level, holder };
    }
  }
  return undefined;
}

export function isDeprecated(op: Operation): boolean {
  if (op.node.value.deprecated === true) return true;
  return [op.node, op.pathItem].some((holder) => /^(deprecated|retired|sunset)$/i.test(stringAt(holder, 'x-api-status') ?? ''));
}

/** Any response announces retirement with a `Sunset` header (RFC 8594). */
export function announcesSunset(op: Operation): boolean {
  for (const [, response] of entries(op.doc, op.doc.child(op.node, 'responses'))) {
    for (const [name] of entries(op.doc, get(op.doc, response, 'headers'))) if (name.toLowerCase() === 'sunset') return true;
  }
  return false;
}
