import type { CheckContext, JsonObject, SpecDocument, SpecNode } from '../engine/context.js';
import type { Endpoint, Location, Severity } from '../model/types.js';
import { SEVERITIES } from '../model/types.js';
import {
  isObject,
  nodeKey,
  objectNode,
  operationLabel,
  operations,
  parameterSchema,
  parameters,
  requestSchemas,
  responseHeaders,
  responses,
  stringAt,
  type Operation,
  type SchemaUse,
  type SchemaVisit,
  SpecContextCache,
} from './openapi.js';

/** The JSON types a schema declares (`type: x`, 3.1 `type: [x, 'null']`); empty when untyped. */
export function schemaTypes(node: SpecNode): Set<string> {
  const out = new Set<string>();
  if (!isObject(node.value)) return out;
  const type = node.value.type;
  if (typeof type === 'string') out.add(type);
  else if (Array.isArray(type)) for (const entry of type) if (typeof entry === 'string') out.add(entry);
  return out;
}

export function flag(node: SpecNode, key: string): boolean {
  return isObject(node.value) && node.value[key] === true;
}

function decodeSegment(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

export function pointerSegments(pointer: string): string[] {
  return pointer === '' ? [] : pointer.slice(1).split('/').map(decodeSegment);
}

function valueAt(doc: SpecDocument, file: string, segments: readonly string[]): JsonObject | undefined {
  if (file !== doc.file) return undefined;
  let current: unknown = doc.root;
  for (const segment of segments) {
    if (Array.isArray(current)) current = current[Number(segment)];
    else if (typeof current === 'object' && current !== null && Object.hasOwn(current, segment)) current = (current as Record<string, unknown>)[segment];
    else return undefined;
  }
  return typeof current === 'object' && current !== null && !Array.isArray(current) ? (current as JsonObject) : undefined;
}

function parameterLabel(param: JsonObject | undefined, fallback: string): string {
  const name = param && typeof param.name === 'string' ? param.name : fallback;
  const location = param && typeof param.in === 'string' ? param.in : '';
  return location === 'body' ? 'request body' : `${location} parameter ${name}`.trim();
}

const SKIPPED_SEGMENTS = new Set(['allOf', 'anyOf', 'oneOf', 'content', 'schema']);

/**
 * A readable name for a schema node, from where it is written: `Customer.email`,
 * `Customer.tags[]`, `POST /orders request body.note`, `GET /orders query parameter limit`.
 */
export function schemaLabel(doc: SpecDocument, node: SpecNode): string {
  const segments = pointerSegments(node.pointer);
  let base: string;
  let index: number;
  const [first, second, third, fourth] = segments;
  if (first === 'components' && second === 'parameters' && third !== undefined) {
    base = parameterLabel(valueAt(doc, node.file, segments.slice(0, 3)), third);
    index = 3;
  } else if (first === 'parameters' && second !== undefined) {
    base = parameterLabel(valueAt(doc, node.file, segments.slice(0, 2)), second);
    index = 2;
  } else if (first === 'components' && third !== undefined) {
    base = second === 'schemas' ? third : `${third} ${second === 'responses' ? 'response' : second === 'requestBodies' ? 'request body' : (second ?? '')}`;
    index = 3;
  } else if ((first === 'definitions' || first === 'responses') && second !== undefined) {
    base = first === 'definitions' ? second : `${second} response`;
    index = 2;
  } else if ((first === 'paths' || first === 'webhooks') && second !== undefined && third !== undefined) {
    const method = third.toUpperCase();
    base = first === 'webhooks' ? `webhook ${second}` : `${method} ${second}`;
    index = 3;
    if (fourth === 'requestBody') {
      base += ' request body';
      index = 4;
    } else if (fourth === 'responses' && segments[4] !== undefined) {
      base += ` response ${segments[4]}`;
      index = 5;
    } else if (fourth === 'parameters' && segments[4] !== undefined) {
      base = `${base} ${parameterLabel(valueAt(doc, node.file, segments.slice(0, 5)), segments[4])}`;
      index = 5;
    }
  } else {
    return node.pointer === '' ? node.file : node.pointer;
  }
  let label = base;
  for (let position = index; position < segments.length; position += 1) {
    const segment = segments[position] ?? '';
    if (segment === 'properties') {
      const name = segments[position + 1];
      if (name !== undefined) label += `.${name}`;
      position += 1;
    } else if (segment === 'items') label += '[]';
    else if (segment === 'additionalProperties' || segment === 'unevaluatedProperties') label += '.*';
    else if (SKIPPED_SEGMENTS.has(segment) || /^\d+$/.test(segment)) continue;
    else if (segment.includes('/')) continue;
  }
  return label;
}

/** The property name a schema node stands for: its own key under `properties`, else the name it was first reached by. */
export function propertyName(use: SchemaUse): string | undefined {
  // Only the last two segments are decoded: decoding the whole pointer per node is quadratic on deep schemas.
  const pointer = use.visit.node.pointer;
  const last = pointer.lastIndexOf('/');
  const before = last > 0 ? pointer.lastIndexOf('/', last - 1) : -1;
  if (last > 0 && before >= 0 && decodeSegment(pointer.slice(before + 1, last)) === 'properties') return decodeSegment(pointer.slice(last + 1));
  return use.visit.property;
}

/** Where document-wide findings point: the `paths` key. */
export function pathsLocation(doc: SpecDocument): Location {
  return doc.locate({ value: doc.root.paths ?? null, file: doc.file, pointer: '/paths' });
}

/**
 * Per-operation conventions (declare a 429, rate-limit headers, error responses) are reported
 * per operation while most operations follow them: the exceptions are the news. When most
 * operations lack them, the spec never adopted the convention, and one document-level finding
 * that counts them says the same thing as hundreds of per-operation rows.
 */
export const AGGREGATE_MIN = 5;
export function aggregates(lacking: number, total: number): boolean {
  return lacking >= AGGREGATE_MIN && lacking * 2 > total;
}

export function exampleList(labels: readonly string[], count = 3): string {
  const shown = labels.slice(0, count).map((label) => `\`${label}\``);
  const more = labels.length - shown.length;
  return more > 0 ? `${shown.join(', ')} and ${more} more` : shown.join(', ');
}

export function worstOf(endpoints: readonly (Endpoint | undefined)[]): Endpoint | undefined {
  const rank = (endpoint: Endpoint | undefined): number =>
    endpoint ? (4 - ['critical', 'high', 'medium', 'low'].indexOf(endpoint.tier)) * 2 + (endpoint.type === 'internal' ? 0 : 1) : 0;
  let worst: Endpoint | undefined;
  for (const endpoint of endpoints) if (rank(endpoint) > rank(worst)) worst = endpoint;
  return worst;
}

/** Operations under `paths` (webhooks are requests the API sends, their responses are the receiver's). */
export function pathOperations(ctx: CheckContext, doc: SpecDocument): Operation[] {
  return operations(ctx, doc).filter((op) => !op.isWebhook);
}

export function endpointData(op: Operation): { endpointId?: string } {
  return op.endpoint ? { endpointId: op.endpoint.id } : {};
}

// Rate limiting ------------------------------------------------------------------------------

/** `RateLimit`, `RateLimit-Policy`, `RateLimit-Limit`, `X-RateLimit-Remaining`, `X-Rate-Limit-Limit`… */
export const RATE_LIMIT_HEADER = /^(x-)?rate-?limit(-[a-z-]+)?$/i;
const RATE_LIMIT_EXTENSION = /^x-(rate-?limit|throttl)/i;

function hasRateLimitExtension(node: SpecNode | undefined): boolean {
  if (!node || !isObject(node.value)) return false;
  return Object.keys(node.value).some((key) => RATE_LIMIT_EXTENSION.test(key));
}

export interface RateLimitDocs {
  /** The `429` response, when declared. */
  tooMany: SpecNode<JsonObject> | undefined;
  /** A 2xx or 4xx response declares a rate-limit header. */
  headers: boolean;
  /** An `x-ratelimit…` / `x-rate-limit…` / `x-throttling…` extension on the operation, path or document. */
  extension: boolean;
}

export function rateLimitDocs(op: Operation): RateLimitDocs {
  let headers = false;
  let tooMany: SpecNode<JsonObject> | undefined;
  for (const [code, response] of responses(op)) {
    if (code === '429') tooMany = response;
    if (!/^[24]/.test(code) || headers) continue;
    for (const name of responseHeaders(op, response).keys()) {
      if (RATE_LIMIT_HEADER.test(name)) {
        headers = true;
        break;
      }
    }
  }
  const root: SpecNode = { value: op.doc.root, file: op.doc.file, pointer: '' };
  const extension = hasRateLimitExtension(op.node) || hasRateLimitExtension(op.pathItem) || hasRateLimitExtension(root);
  return { tooMany, headers, extension };
}

export function rateLimitDocumented(docs: RateLimitDocs): boolean {
  return docs.extension || docs.headers || docs.tooMany !== undefined;
}

export type SensitiveFlow = 'login' | 'token' | 'otp' | 'password-reset' | 'signup' | 'export' | 'checkout';
export const AUTH_FLOWS: ReadonlySet<SensitiveFlow> = new Set(['login', 'token', 'otp', 'password-reset']);

/** Splits `signIn`, `password_reset`, `createExportJob` into lower-case words. */
function words(text: string): string[] {
  return text
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

const AUTH_PREFIX = new Set(['api', 'auth', 'oauth', 'oauth2', 'identity', 'iam', 'account', 'accounts', 'user', 'users', 'me', 'public']);
const FLOW_SEGMENTS: [SensitiveFlow, ReadonlySet<string>][] = [
  ['password-reset', new Set(['forgotpassword', 'resetpassword', 'passwordreset', 'passwordresets', 'passwordrecovery', 'recoverpassword', 'forgot'])],
  ['otp', new Set(['otp', 'mfa', '2fa', 'totp', 'twofactor', 'onetimepassword', 'verificationcode', 'verificationcodes', 'passcode', 'magiclink', 'sendcode', 'verifycode'])],
  ['checkout', new Set(['checkout', 'checkouts', 'purchase', 'purchases'])],
  ['export', new Set(['export', 'exports'])],
  ['login', new Set(['login', 'signin', 'logon', 'authenticate'])],
  ['token', new Set(['token', 'tokens', 'accesstoken', 'accesstokens', 'refreshtoken', 'oauthtoken'])],
  ['signup', new Set(['signup', 'register', 'registration', 'registrations'])],
];
const OPERATION_ID_FLOWS: [SensitiveFlow, RegExp][] = [
  ['password-reset', /\b(forgot password|reset password|password reset)\b/],
  ['login', /\b(login|log in|sign in|authenticate)\b/],
  ['signup', /\b(sign up|signup|register)\b/],
  ['checkout', /\b(checkout|check out|purchase)\b/],
  ['export', /\bexport\b/],
];

/**
 * Login, token, OTP, password-reset, signup, export and checkout operations, named by a whole
 * path segment (`/auth/login`, `/oauth/token`, `/password/reset`), so that `tokenIssuancePolicies`
 * or a call record's `sessions` are not mistaken for them; a `sessions` segment counts only right
 * after an authentication prefix. Only writes count, except exports, which are often a GET.
 */
export function sensitiveFlow(op: Operation): SensitiveFlow | undefined {
  if (op.isWebhook) return undefined;
  const write = op.method === 'post' || op.method === 'put' || op.method === 'patch';
  if (!write && op.method !== 'get') return undefined;
  const segments = op.path.split('/').filter(Boolean);
  const normalised = segments.map((segment) => segment.toLowerCase().replace(/[^a-z0-9]/g, ''));
  const candidates = new Set<string>();
  normalised.forEach((segment, position) => {
    if (segments[position]?.startsWith('{')) return;
    candidates.add(segment);
    const previous = normalised[position - 1];
    if (previous !== undefined && !segments[position - 1]?.startsWith('{')) candidates.add(previous + segment);
    const prefixOnly = segments.slice(0, position).every((earlier, index) => !earlier.startsWith('{') && (AUTH_PREFIX.has(normalised[index] ?? '') || /^v\d+$/.test(normalised[index] ?? '')));
    if ((segment === 'session' || segment === 'sessions') && prefixOnly) candidates.add('login');
  });
  const operationId = words(stringAt(op.node, 'operationId') ?? '').join(' ');
  for (const [flow, names] of FLOW_SEGMENTS) {
    if (!write && flow !== 'export') continue;
    if ([...candidates].some((candidate) => names.has(candidate))) return flow;
  }
  for (const [flow, pattern] of OPERATION_ID_FLOWS) {
    if (!write && flow !== 'export') continue;
    if (pattern.test(operationId)) return flow;
  }
  return undefined;
}

export const FLOW_NAMES: Record<SensitiveFlow, string> = {
  login: 'login',
  token: 'token issuance',
  otp: 'one-time code',
  'password-reset': 'password reset',
  signup: 'sign-up',
  export: 'data export',
  checkout: 'checkout',
};

// Page size ----------------------------------------------------------------------------------

export const PAGE_SIZE_NAMES = new Set(['limit', 'per_page', 'perpage', 'page_size', 'pagesize', 'size', 'top', '$top', 'count', 'first', 'last', 'max_results', 'maxresults', 'take']);

export interface PageSizeParameter {
  param: SpecNode<JsonObject>;
  schema: SpecNode<JsonObject>;
  name: string;
  operations: Operation[];
}

const pageSizeCache = new SpecContextCache<Map<string, PageSizeParameter>>();

/**
 * Query parameters of GET operations that size a page (`limit`, `per_page`, `$top`…) and are
 * numeric, by parameter node. `page-size-unbounded` owns their schemas; the integer check skips them.
 */
export function pageSizeParameters(ctx: CheckContext, doc: SpecDocument): Map<string, PageSizeParameter> {
  const cached = pageSizeCache.get(ctx, doc);
  if (cached) return cached;
  const out = new Map<string, PageSizeParameter>();
  for (const op of pathOperations(ctx, doc)) {
    if (op.method !== 'get') continue;
    for (const param of parameters(op)) {
      const name = stringAt(param, 'name');
      if (name === undefined || stringAt(param, 'in') !== 'query') continue;
      if (!PAGE_SIZE_NAMES.has(name.toLowerCase().replace(/-/g, '_'))) continue;
      const schema = objectNode(parameterSchema(op, param));
      if (!schema) continue;
      const types = schemaTypes(schema);
      if (!types.has('integer') && !types.has('number')) continue;
      const key = nodeKey(param);
      const entry = out.get(key);
      if (entry) entry.operations.push(op);
      else out.set(key, { param, schema, name, operations: [op] });
    }
  }
  pageSizeCache.set(ctx, doc, out);
  return out;
}

export function pageSizeSchemaKeys(ctx: CheckContext, doc: SpecDocument): Set<string> {
  return new Set([...pageSizeParameters(ctx, doc).values()].map((entry) => nodeKey(entry.schema)));
}

// Schemas ------------------------------------------------------------------------------------

/** Schema nodes that take input: reached from a request body or a parameter, and not `readOnly`. */
export function inputSchemas(ctx: CheckContext, doc: SpecDocument): SchemaUse[] {
  const out: SchemaUse[] = [];
  for (const use of schemaUsage(ctx, doc).values()) {
    if (!use.inRequest || flag(use.visit.node, 'readOnly')) continue;
    out.push(use);
  }
  return out;
}

/** Location, occurrences, endpoint and evidence of a finding on a schema node reported once for all its uses. */
export function schemaSite(
  doc: SpecDocument,
  use: SchemaUse,
): { location: Location; occurrences: number; endpointId?: string; evidence: { snippet: string; operations: number; example: string } } {
  const endpoint = use.operations === 1 ? use.firstOperation.endpoint : undefined;
  return {
    location: doc.locate(use.visit.node),
    occurrences: use.operations,
    ...(endpoint ? { endpointId: endpoint.id } : {}),
    evidence: { snippet: schemaLabel(doc, use.visit.node), operations: use.operations, example: operationLabel(use.firstOperation) },
  };
}

/**
 * True for the schema of a path, query, header or cookie parameter (not a 2.0 body): the URL and
 * header size limits of every HTTP server already bound those, so missing bounds matter less.
 */
export function isNonBodyParameterSchema(doc: SpecDocument, node: SpecNode): boolean {
  const segments = pointerSegments(node.pointer);
  const index = segments.lastIndexOf('parameters');
  if (index < 0 || segments[index + 1] === undefined) return false;
  const own = segments.length === index + 2;
  if (!own && !(segments.length === index + 3 && segments[index + 2] === 'schema')) return false;
  const param = valueAt(doc, node.file, segments.slice(0, index + 2));
  return param?.in !== 'body';
}

export const BODY_WRITE_METHODS = new Set(['post', 'put', 'patch']);

/** The object schemas a body root stands for: itself and, through `allOf`/`oneOf`/`anyOf`, its members. */
export function compositionMembers(doc: SpecDocument, root: SpecNode): SpecNode<JsonObject>[] {
  const out: SpecNode<JsonObject>[] = [];
  const seen = new Set<string>();
  const stack: SpecNode[] = [root];
  while (stack.length > 0) {
    const next = stack.pop();
    const node = next ? objectNode(doc.resolve(next)) : undefined;
    if (!node || seen.has(nodeKey(node))) continue;
    seen.add(nodeKey(node));
    out.push(node);
    for (const keyword of ['allOf', 'oneOf', 'anyOf']) {
      const list = doc.child(node, keyword);
      if (!list || !Array.isArray(list.value)) continue;
      for (let index = 0; index < list.value.length; index += 1) {
        const member = doc.child(list, index);
        if (member) stack.push(member);
      }
    }
  }
  return out;
}

// Schema usage, computed on the schema graph ------------------------------------------------

const CHILD_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'] as const;
const CHILD_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const CHILD_SINGLES = ['items', 'additionalProperties', 'not', 'contains', 'unevaluatedProperties', 'propertyNames', 'if', 'then', 'else'] as const;

interface GraphNode {
  visit: SchemaVisit;
  successors: number[];
  seedRequest: boolean;
  seedResponse: boolean;
  /** Operation indices whose request or response starts at this node. */
  seeds: number[];
}

function exposureOf(endpoint: Endpoint | undefined): number {
  return endpoint ? (4 - ['critical', 'high', 'medium', 'low'].indexOf(endpoint.tier)) * 2 + (endpoint.type === 'internal' ? 0 : 1) : 0;
}

/**
 * The operations reaching a schema component: a short list while few reach it (most schemas of a
 * large spec belong to one operation), a bitset over every operation once many do. A bitset for
 * every component would cost operations × components: quadratic on a spec with 100k paths.
 */
class OperationSet {
  private list: number[] | undefined = [];
  private bits: Uint32Array | undefined;

  constructor(private readonly words: number) {}

  copy(): OperationSet {
    const out = new OperationSet(this.words);
    out.list = this.list ? [...this.list] : undefined;
    out.bits = this.bits ? Uint32Array.from(this.bits) : undefined;
    return out;
  }

  add(operation: number): void {
    if (this.list) {
      if (this.list.includes(operation)) return;
      if (this.list.length < OperationSet.LIST_LIMIT) {
        this.list.push(operation);
        return;
      }
      this.toBits();
    }
    const bits = this.bits as Uint32Array;
    bits[operation >>> 5] = (bits[operation >>> 5] ?? 0) | (1 << (operation & 31));
  }

  addAll(other: OperationSet): void {
    if (other.list) {
      for (const operation of other.list) this.add(operation);
      return;
    }
    if (this.list) this.toBits();
    const into = this.bits as Uint32Array;
    const from = other.bits as Uint32Array;
    for (let word = 0; word < this.words; word += 1) into[word] = (into[word] ?? 0) | (from[word] ?? 0);
  }

  size(): number {
    if (this.list) return this.list.length;
    let total = 0;
    for (let word of this.bits as Uint32Array) {
      word -= (word >>> 1) & 0x55555555;
      word = (word & 0x33333333) + ((word >>> 2) & 0x33333333);
      total += (((word + (word >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
    }
    return total;
  }

  private toBits(): void {
    const bits = new Uint32Array(this.words);
    for (const operation of this.list ?? []) bits[operation >>> 5] = (bits[operation >>> 5] ?? 0) | (1 << (operation & 31));
    this.bits = bits;
    this.list = undefined;
  }

  private static readonly LIST_LIMIT = 32;
}

const fastUsageCache = new SpecContextCache<Map<string, SchemaUse>>();

/**
 * The same answer as `schemaUsage` (every schema node reachable from an operation, once, with
 * the number of operations reaching it), computed without walking the schemas once per
 * operation: the schema graph is built once, condensed into strongly connected components
 * (recursive schemas), and the operations reaching each component are propagated as bitsets
 * in topological order. On Stripe's spec, whose expandable objects reference one another, the
 * per-operation walk visits millions of nodes; this visits each node and edge once.
 */
export function schemaUsage(ctx: CheckContext, doc: SpecDocument): Map<string, SchemaUse> {
  const cached = fastUsageCache.get(ctx, doc);
  if (cached) return cached;
  const ops = operations(ctx, doc);
  const nodes: GraphNode[] = [];
  const index = new Map<string, number>();
  // A YAML alias puts one object at many pointers: it is one node of the graph (an alias bomb stays linear).
  const byValue = new Map<object, number>();
  const stack: number[] = [];

  const intern = (raw: SpecNode | undefined, property?: string, parent?: SpecNode<JsonObject>): number | undefined => {
    const node = raw ? objectNode(doc.resolve(raw)) : undefined;
    if (!node) return undefined;
    const key = nodeKey(node);
    const known = index.get(key) ?? byValue.get(node.value);
    if (known !== undefined) return known;
    const visit: SchemaVisit = { node };
    if (property !== undefined) visit.property = property;
    if (parent) visit.parent = parent;
    nodes.push({ visit, successors: [], seedRequest: false, seedResponse: false, seeds: [] });
    const id = nodes.length - 1;
    index.set(key, id);
    byValue.set(node.value, id);
    stack.push(id);
    return id;
  };

  const expand = (id: number): void => {
    const graphNode = nodes[id];
    if (!graphNode) return;
    const node = graphNode.visit.node;
    const link = (raw: SpecNode | undefined, property?: string, parent?: SpecNode<JsonObject>): void => {
      const child = intern(raw, property, parent);
      if (child !== undefined) graphNode.successors.push(child);
    };
    for (const name of CHILD_MAPS) {
      const container = doc.child(node, name);
      if (!container || !isObject(container.value)) continue;
      for (const key of Object.keys(container.value)) {
        if (name === 'properties') link(doc.child(container, key), key, node);
        else link(doc.child(container, key));
      }
    }
    for (const name of CHILD_LISTS) {
      const list = doc.child(node, name);
      if (!list || !Array.isArray(list.value)) continue;
      for (let position = 0; position < list.value.length; position += 1) link(doc.child(list, position));
    }
    for (const name of CHILD_SINGLES) {
      const child = doc.child(node, name);
      if (child && isObject(child.value)) link(child);
    }
  };

  ops.forEach((op, opIndex) => {
    const seed = (roots: SpecNode[], side: 'request' | 'response'): void => {
      for (const root of roots) {
        const id = intern(root);
        const graphNode = id === undefined ? undefined : nodes[id];
        if (!graphNode) continue;
        if (side === 'request') graphNode.seedRequest = true;
        else graphNode.seedResponse = true;
        if (graphNode.seeds.at(-1) !== opIndex) graphNode.seeds.push(opIndex);
      }
    };
    seed(requestSchemas(op), 'request');
    seed(
      parameters(op)
        .map((param) => parameterSchema(op, param))
        .filter((schema): schema is SpecNode => schema !== undefined),
      'request',
    );
    seed(responseSchemaRoots(op), 'response');
    while (stack.length > 0) {
      const id = stack.pop();
      if (id !== undefined) expand(id);
    }
  });

  const components = stronglyConnected(nodes.map((node) => node.successors));
  const componentOf = new Int32Array(nodes.length);
  components.forEach((members, component) => {
    for (const member of members) componentOf[member] = component;
  });
  const words = Math.max(1, Math.ceil(ops.length / 32));
  const bits: (OperationSet | undefined)[] = new Array<OperationSet | undefined>(components.length);
  const owned: boolean[] = new Array<boolean>(components.length).fill(false);
  const request = new Uint8Array(components.length);
  const response = new Uint8Array(components.length);
  const first = new Int32Array(components.length).fill(ops.length);
  const worstExposure = new Int32Array(components.length).fill(-1);
  const worst: (Endpoint | undefined)[] = new Array<Endpoint | undefined>(components.length);
  const predecessors: number[][] = components.map(() => []);
  components.forEach((members, component) => {
    for (const member of members) {
      for (const successor of nodes[member]?.successors ?? []) {
        const target = componentOf[successor] ?? component;
        if (target !== component) predecessors[target]?.push(component);
      }
    }
  });

  const own = (component: number): OperationSet => {
    const current = bits[component];
    if (current && owned[component]) return current;
    const copy = current ? current.copy() : new OperationSet(words);
    bits[component] = copy;
    owned[component] = true;
    return copy;
  };

  // Tarjan emits sinks first: walk the components backwards so every predecessor is done first.
  for (let component = components.length - 1; component >= 0; component -= 1) {
    const preds = [...new Set(predecessors[component] ?? [])];
    const members = components[component] ?? [];
    const seeded = members.some((member) => (nodes[member]?.seeds.length ?? 0) > 0);
    const onlyPred = preds[0];
    if (preds.length === 1 && !seeded && onlyPred !== undefined) {
      bits[component] = bits[onlyPred];
    } else {
      for (const pred of preds) {
        const from = bits[pred];
        if (!from) continue;
        own(component).addAll(from);
      }
    }
    for (const pred of preds) {
      request[component] = request[component] || request[pred] || 0;
      response[component] = response[component] || response[pred] || 0;
      first[component] = Math.min(first[component] ?? ops.length, first[pred] ?? ops.length);
      if ((worstExposure[pred] ?? -1) > (worstExposure[component] ?? -1)) {
        worstExposure[component] = worstExposure[pred] ?? -1;
        worst[component] = worst[pred];
      }
    }
    for (const member of members) {
      const graphNode = nodes[member];
      if (!graphNode) continue;
      if (graphNode.seedRequest) request[component] = 1;
      if (graphNode.seedResponse) response[component] = 1;
      for (const opIndex of graphNode.seeds) {
        own(component).add(opIndex);
        first[component] = Math.min(first[component] ?? ops.length, opIndex);
        const endpoint = ops[opIndex]?.endpoint;
        if (exposureOf(endpoint) > (worstExposure[component] ?? -1)) {
          worstExposure[component] = exposureOf(endpoint);
          worst[component] = endpoint;
        }
      }
    }
  }

  const counts = new Map<OperationSet, number>();
  const popcount = (set: OperationSet | undefined): number => {
    if (!set) return 0;
    const known = counts.get(set);
    if (known !== undefined) return known;
    const total = set.size();
    counts.set(set, total);
    return total;
  };

  const usage = new Map<string, SchemaUse>();
  nodes.forEach((graphNode, id) => {
    const component = componentOf[id] ?? 0;
    const firstOperation = ops[first[component] ?? 0];
    if (!firstOperation) return;
    usage.set(nodeKey(graphNode.visit.node), {
      visit: graphNode.visit,
      operations: popcount(bits[component]),
      inRequest: request[component] === 1,
      inResponse: response[component] === 1,
      worst: worst[component],
      firstOperation,
    });
  });
  fastUsageCache.set(ctx, doc, usage);
  return usage;
}

function responseSchemaRoots(op: Operation): SpecNode[] {
  const out: SpecNode[] = [];
  for (const response of responses(op).values()) {
    if (op.doc.format === 'swagger-2.0') {
      const schema = op.doc.child(response, 'schema');
      if (schema) out.push(schema);
    }
    const content = op.doc.child(response, 'content');
    const resolved = content ? op.doc.resolve(content) : undefined;
    if (!resolved || !isObject(resolved.value)) continue;
    for (const media of Object.keys(resolved.value)) {
      const mediaNode = op.doc.child(resolved, media);
      const target = mediaNode ? op.doc.resolve(mediaNode) : undefined;
      const schema = target ? op.doc.child(target, 'schema') : undefined;
      if (schema) out.push(schema);
    }
  }
  return out;
}

/** Iterative Tarjan: strongly connected components, sinks first. */
function stronglyConnected(successors: readonly number[][]): number[][] {
  const count = successors.length;
  const order = new Int32Array(count).fill(-1);
  const low = new Int32Array(count);
  const onStack = new Uint8Array(count);
  const stack: number[] = [];
  const out: number[][] = [];
  let counter = 0;
  for (let start = 0; start < count; start += 1) {
    if (order[start] !== -1) continue;
    const work: [number, number][] = [[start, 0]];
    order[start] = low[start] = counter++;
    stack.push(start);
    onStack[start] = 1;
    while (work.length > 0) {
      const frame = work[work.length - 1];
      if (!frame) break;
      const [node, edge] = frame;
      const next = successors[node]?.[edge];
      if (next !== undefined) {
        frame[1] = edge + 1;
        if (order[next] === -1) {
          order[next] = low[next] = counter++;
          stack.push(next);
          onStack[next] = 1;
          work.push([next, 0]);
        } else if (onStack[next]) {
          low[node] = Math.min(low[node] ?? 0, order[next] ?? 0);
        }
        continue;
      }
      work.pop();
      const parent = work[work.length - 1];
      if (parent) low[parent[0]] = Math.min(low[parent[0]] ?? 0, low[node] ?? 0);
      if (low[node] === order[node]) {
        const members: number[] = [];
        for (;;) {
          const member = stack.pop();
          if (member === undefined) break;
          onStack[member] = 0;
          members.push(member);
          if (member === node) break;
        }
        out.push(members);
      }
    }
  }
  return out;
}

// One finding per root cause -----------------------------------------------------------------

export interface Flagged {
  use: SchemaUse;
  severity: Severity;
}

export interface FlagGroup {
  /** `single`: one node; `copies`: identical definitions repeated inline; `owner`: several nodes of one schema. */
  kind: 'single' | 'copies' | 'owner';
  items: Flagged[];
  /** The node the finding points at: the flagged node itself, its first copy, or the owning schema. */
  at: SpecNode;
  label: string;
  /** The flagged fields, relative to the owner, for `owner` groups. */
  fields: string[];
  severity: Severity;
  occurrences: number;
  endpointId?: string;
  example: string;
}

/** Identical definitions repeated at least this often are one finding. */
export const COPY_MIN = 3;

/** The named schema a node belongs to: a component, a definition, a request body or an operation's parameter list. */
export function ownerPointer(doc: SpecDocument, node: SpecNode): string {
  const segments = pointerSegments(node.pointer);
  const [first, second] = segments;
  const take = (count: number): string => `/${segments.slice(0, count).map((segment) => segment.replace(/~/g, '~0').replace(/\//g, '~1')).join('/')}`;
  if (first === 'components' && segments.length > 3) return take(3);
  if ((first === 'definitions' || first === 'parameters') && segments.length > 2) return take(2);
  if ((first === 'paths' || first === 'webhooks') && second !== undefined) {
    const at = segments.indexOf('parameters');
    if (segments[3] === 'requestBody' && segments[6] === 'schema' && segments.length > 7) return take(7);
    if (at === 3 || at === 2) {
      if (segments[at + 2] === 'schema' && valueAt(doc, node.file, segments.slice(0, at + 2))?.in === 'body') {
        return segments.length > at + 3 ? take(at + 3) : node.pointer;
      }
      return take(at + 1);
    }
  }
  return node.pointer;
}

function severest(items: readonly Flagged[]): Severity {
  let best = SEVERITIES.length - 1;
  for (const item of items) best = Math.min(best, SEVERITIES.indexOf(item.severity));
  return SEVERITIES[best] ?? 'low';
}

/**
 * Groups flagged schema nodes so that each root cause is one finding: identical definitions
 * repeated inline by a generator (Stripe repeats `expand` in every operation) become one
 * `copies` finding at the first copy; the rest are grouped by the schema that owns them, so a
 * component with twelve unbounded strings is one finding at the component's line, listing them.
 */
export function groupFlagged(doc: SpecDocument, flagged: readonly Flagged[]): FlagGroup[] {
  const byShape = new Map<string, Flagged[]>();
  for (const item of flagged) {
    const shape = `${propertyName(item.use) ?? ''}\u0000${JSON.stringify(item.use.visit.node.value)}`;
    const list = byShape.get(shape);
    if (list) list.push(item);
    else byShape.set(shape, [item]);
  }
  const groups: FlagGroup[] = [];
  const byOwner = new Map<string, Flagged[]>();
  for (const items of byShape.values()) {
    const [head] = items;
    if (!head) continue;
    if (items.length >= COPY_MIN) {
      const occurrences = items.reduce((sum, item) => sum + item.use.operations, 0);
      groups.push({
        kind: 'copies',
        items,
        at: head.use.visit.node,
        label: schemaLabel(doc, head.use.visit.node),
        fields: [],
        severity: severest(items),
        occurrences,
        example: operationLabel(head.use.firstOperation),
      });
      continue;
    }
    for (const item of items) {
      const owner = `${item.use.visit.node.file}#${ownerPointer(doc, item.use.visit.node)}`;
      const list = byOwner.get(owner);
      if (list) list.push(item);
      else byOwner.set(owner, [item]);
    }
  }
  for (const [owner, items] of byOwner) {
    const [head] = items;
    if (!head) continue;
    const occurrences = Math.max(...items.map((item) => item.use.operations));
    const endpoint = occurrences === 1 ? head.use.firstOperation.endpoint : undefined;
    const base = { items, severity: severest(items), occurrences, example: operationLabel(head.use.firstOperation), ...(endpoint ? { endpointId: endpoint.id } : {}) };
    if (items.length === 1) {
      groups.push({ kind: 'single', at: head.use.visit.node, label: schemaLabel(doc, head.use.visit.node), fields: [], ...base });
      continue;
    }
    const pointer = owner.slice(owner.indexOf('#') + 1);
    const at: SpecNode = { value: null, file: head.use.visit.node.file, pointer };
    const label = schemaLabel(doc, at);
    const fields = items.map((item) => {
      const full = schemaLabel(doc, item.use.visit.node);
      return full.startsWith(label) ? full.slice(label.length).replace(/^[ .]/, '') || full : full;
    });
    groups.push({ kind: 'owner', at, label: pointer.endsWith('/parameters') ? `${label} parameters` : label, fields, ...base });
  }
  return groups;
}

export function fieldList(fields: readonly string[], count = 5): string {
  return exampleList(fields, count);
}

export function repeatedNote(group: FlagGroup): string {
  return group.kind === 'copies' ? `; the same definition is repeated in ${group.items.length} places, first in \`${group.example}\`` : '';
}

/** Location, severity, occurrences, endpoint and evidence of a grouped finding. */
export function groupSite(
  doc: SpecDocument,
  group: FlagGroup,
): { location: Location; severity: Severity; occurrences: number; endpointId?: string; evidence: { snippet: string; [key: string]: unknown } } {
  return {
    location: doc.locate(group.at),
    severity: group.severity,
    occurrences: group.occurrences,
    ...(group.endpointId === undefined ? {} : { endpointId: group.endpointId }),
    evidence: {
      snippet: group.label,
      operations: group.occurrences,
      example: group.example,
      ...(group.kind === 'owner' ? { fields: group.fields } : {}),
      ...(group.kind === 'copies' ? { copies: group.items.slice(0, 20).map((item) => schemaLabel(doc, item.use.visit.node)) } : {}),
    },
  };
}
