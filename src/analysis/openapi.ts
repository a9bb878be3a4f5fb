import type { CheckContext, JsonObject, JsonValue, SpecDocument, SpecNode } from '../engine/context.js';
import type { ApiType, Endpoint, Severity, Tier } from '../model/types.js';
import { SEVERITIES } from '../model/types.js';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
export const WRITE_METHODS = new Set(['post', 'put', 'patch', 'delete']);

export function isObject(value: JsonValue | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

export function escapePointer(segment: string | number): string {
  return String(segment).replace(/~/g, '~0').replace(/\//g, '~1');
}

export function objectNode(node: SpecNode | undefined): SpecNode<JsonObject> | undefined {
  return node && isObject(node.value) ? (node as SpecNode<JsonObject>) : undefined;
}

/** The child at `key`, `$ref`s followed. */
export function get(doc: SpecDocument, node: SpecNode | undefined, key: string | number): SpecNode | undefined {
  if (!node) return undefined;
  const resolvedParent = doc.resolve(node);
  if (!resolvedParent) return undefined;
  const child = doc.child(resolvedParent, key);
  return child ? doc.resolve(child) : undefined;
}

export function getObject(doc: SpecDocument, node: SpecNode | undefined, key: string | number): SpecNode<JsonObject> | undefined {
  return objectNode(get(doc, node, key));
}

/** Entries of an object node, each child `$ref`-resolved (unresolvable children are skipped). */
export function entries(doc: SpecDocument, node: SpecNode | undefined): [string, SpecNode][] {
  const resolved = node ? doc.resolve(node) : undefined;
  if (!resolved || !isObject(resolved.value)) return [];
  const out: [string, SpecNode][] = [];
  for (const key of Object.keys(resolved.value)) {
    const child = doc.child(resolved, key);
    const target = child ? doc.resolve(child) : undefined;
    if (target) out.push([key, target]);
  }
  return out;
}

export function items(doc: SpecDocument, node: SpecNode | undefined): SpecNode[] {
  const resolved = node ? doc.resolve(node) : undefined;
  if (!resolved || !Array.isArray(resolved.value)) return [];
  const out: SpecNode[] = [];
  for (let index = 0; index < resolved.value.length; index += 1) {
    const child = doc.child(resolved, index);
    const target = child ? doc.resolve(child) : undefined;
    if (target) out.push(target);
  }
  return out;
}

export function stringAt(node: SpecNode | undefined, key: string): string | undefined {
  if (!node || !isObject(node.value)) return undefined;
  const value = node.value[key];
  return typeof value === 'string' ? value : undefined;
}

export interface Operation {
  doc: SpecDocument;
  /** The key under `paths` (or the webhook name). */
  path: string;
  /** Lower-case HTTP method. */
  method: string;
  node: SpecNode<JsonObject>;
  pathItem: SpecNode<JsonObject>;
  isWebhook: boolean;
  endpoint: Endpoint | undefined;
}

/**
 * A cache of what is read from a spec document in a context: operations carry their endpoint, and
 * which endpoint that is depends on the inventory the context holds (engine/units.ts gives each
 * unit its own), so nothing read through `operations` is shared between contexts.
 */
export class SpecContextCache<T> {
  private readonly byContext = new WeakMap<CheckContext, WeakMap<SpecDocument, T>>();

  get(ctx: CheckContext, doc: SpecDocument): T | undefined {
    return this.byContext.get(ctx)?.get(doc);
  }

  set(ctx: CheckContext, doc: SpecDocument, value: T): void {
    let byDoc = this.byContext.get(ctx);
    if (!byDoc) {
      byDoc = new WeakMap();
      this.byContext.set(ctx, byDoc);
    }
    byDoc.set(doc, value);
  }
}

const operationCache = new SpecContextCache<Operation[]>();
const endpointIndexCache = new WeakMap<CheckContext, Map<string, Endpoint>>();

function endpointIndex(ctx: CheckContext): Map<string, Endpoint> {
  let index = endpointIndexCache.get(ctx);
  if (!index) {
    index = new Map();
    for (const endpoint of ctx.inventory.endpoints) {
      for (const source of endpoint.sources) {
        if (source.kind !== 'spec') continue;
        if (source.location.pointer !== undefined) index.set(`${source.location.file}#${source.location.pointer}`, endpoint);
        index.set(`${source.location.file} ${endpoint.method.toUpperCase()} ${endpoint.path}`, endpoint);
      }
    }
    endpointIndexCache.set(ctx, index);
  }
  return index;
}

/** Every operation of a document (paths and OAS 3.1 webhooks), path-item `$ref`s followed. */
export function operations(ctx: CheckContext, doc: SpecDocument): Operation[] {
  const cached = operationCache.get(ctx, doc);
  if (cached) return cached;
  const index = endpointIndex(ctx);
  const out: Operation[] = [];
  const rootNode: SpecNode = { value: doc.root, file: doc.file, pointer: '' };
  const collect = (container: string, isWebhook: boolean): void => {
    for (const [path, item] of entries(doc, doc.child(rootNode, container))) {
      const pathItem = objectNode(item);
      if (!pathItem) continue;
      for (const method of HTTP_METHODS) {
        const node = getObject(doc, pathItem, method);
        if (!node) continue;
        const pointer = `/${container}/${escapePointer(path)}/${method}`;
        const endpoint =
          index.get(`${doc.file}#${pointer}`) ??
          index.get(`${doc.file} ${method.toUpperCase()} ${isWebhook ? `webhook:${path}` : path}`);
        out.push({ doc, path, method, node, pathItem, isWebhook, endpoint });
      }
    }
  };
  collect('paths', false);
  collect('webhooks', true);
  operationCache.set(ctx, doc, out);
  return out;
}

/** Path-level and operation-level parameters, merged (operation wins on name + in). */
export function parameters(op: Operation): SpecNode<JsonObject>[] {
  const byKey = new Map<string, SpecNode<JsonObject>>();
  for (const source of [op.pathItem, op.node]) {
    for (const param of items(op.doc, op.doc.child(source, 'parameters'))) {
      const object = objectNode(param);
      if (!object) continue;
      byKey.set(`${stringAt(object, 'in') ?? ''}:${stringAt(object, 'name') ?? ''}`, object);
    }
  }
  return [...byKey.values()];
}

/** The schema of a parameter (2.0 keeps type fields on the parameter itself). */
export function parameterSchema(op: Operation, param: SpecNode<JsonObject>): SpecNode | undefined {
  return get(op.doc, param, 'schema') ?? (op.doc.format === 'swagger-2.0' ? param : undefined);
}

export function securitySchemes(doc: SpecDocument): Map<string, SpecNode<JsonObject>> {
  const rootNode: SpecNode = { value: doc.root, file: doc.file, pointer: '' };
  const container =
    doc.format === 'swagger-2.0'
      ? doc.child(rootNode, 'securityDefinitions')
      : get(doc, doc.child(rootNode, 'components'), 'securitySchemes');
  const out = new Map<string, SpecNode<JsonObject>>();
  for (const [name, node] of entries(doc, container)) {
    const object = objectNode(node);
    if (object) out.set(name, object);
  }
  return out;
}

export interface EffectiveSecurity {
  /** Each requirement: scheme name → scopes. An empty requirement `{}` means anonymous access is allowed. */
  requirements: Record<string, string[]>[];
  /** Where it was declared: the operation's `security`, the document's, or nowhere. */
  declaredAt: 'operation' | 'global' | 'none';
  node: SpecNode | undefined;
}

function readRequirements(node: SpecNode | undefined): Record<string, string[]>[] {
  if (!node || !Array.isArray(node.value)) return [];
  return node.value.filter(isObject).map((requirement) => {
    // Scheme names are the spec's text: `__proto__` or `constructor` must stay plain keys.
    const out = Object.create(null) as Record<string, string[]>;
    for (const [name, scopes] of Object.entries(requirement)) {
      out[name] = Array.isArray(scopes) ? scopes.filter((scope): scope is string => typeof scope === 'string') : [];
    }
    return out;
  });
}

export function effectiveSecurity(op: Operation): EffectiveSecurity {
  const own = op.doc.child(op.node, 'security');
  if (own) return { requirements: readRequirements(own), declaredAt: 'operation', node: own };
  const global = op.doc.child({ value: op.doc.root, file: op.doc.file, pointer: '' }, 'security');
  if (global) return { requirements: readRequirements(global), declaredAt: 'global', node: global };
  return { requirements: [], declaredAt: 'none', node: undefined };
}

/** True when every way in needs credentials: at least one requirement, none of them empty. */
export function requiresAuth(security: EffectiveSecurity): boolean {
  return security.requirements.length > 0 && security.requirements.every((requirement) => Object.keys(requirement).length > 0);
}

/** Responses by status code (`default` included). */
export function responses(op: Operation): Map<string, SpecNode<JsonObject>> {
  const out = new Map<string, SpecNode<JsonObject>>();
  for (const [code, node] of entries(op.doc, op.doc.child(op.node, 'responses'))) {
    const object = objectNode(node);
    if (object) out.set(code, object);
  }
  return out;
}

/** Schemas of a media-type map (`content`) or, in 2.0, the `schema` itself. */
function contentSchemas(doc: SpecDocument, holder: SpecNode | undefined): SpecNode[] {
  if (!holder) return [];
  const out: SpecNode[] = [];
  const direct = get(doc, holder, 'schema');
  if (direct && doc.format === 'swagger-2.0') out.push(direct);
  for (const [, media] of entries(doc, get(doc, holder, 'content'))) {
    const schema = get(doc, media, 'schema');
    if (schema) out.push(schema);
  }
  return out;
}

export function requestSchemas(op: Operation): SpecNode[] {
  if (op.doc.format === 'swagger-2.0') {
    const out: SpecNode[] = [];
    for (const param of parameters(op)) {
      if (stringAt(param, 'in') !== 'body') continue;
      const schema = get(op.doc, param, 'schema');
      if (schema) out.push(schema);
    }
    return out;
  }
  return contentSchemas(op.doc, get(op.doc, op.node, 'requestBody'));
}

export function responseSchemas(op: Operation, filter: (code: string) => boolean = (code) => code.startsWith('2')): SpecNode[] {
  const out: SpecNode[] = [];
  for (const [code, response] of responses(op)) if (filter(code)) out.push(...contentSchemas(op.doc, response));
  return out;
}

/** Response headers of one response, names lower-cased. */
export function responseHeaders(op: Operation, response: SpecNode<JsonObject>): Map<string, SpecNode> {
  const out = new Map<string, SpecNode>();
  for (const [name, node] of entries(op.doc, get(op.doc, response, 'headers'))) out.set(name.toLowerCase(), node);
  return out;
}

const SCHEMA_CHILD_MAPS = ['properties', 'patternProperties', 'definitions', '$defs', 'dependentSchemas'] as const;
const SCHEMA_CHILD_LISTS = ['allOf', 'anyOf', 'oneOf', 'prefixItems'] as const;
const SCHEMA_CHILDREN = ['items', 'additionalProperties', 'not', 'contains', 'unevaluatedProperties', 'propertyNames', 'if', 'then', 'else'] as const;

export function nodeKey(node: SpecNode): string {
  return `${node.file}#${node.pointer}`;
}

export interface SchemaVisit {
  node: SpecNode<JsonObject>;
  /** Property name when the schema is a property of an object schema. */
  property?: string;
  /** The object schema holding the property. */
  parent?: SpecNode<JsonObject>;
}

const valuesSeen = new WeakMap<Set<string>, WeakSet<object>>();

/**
 * Walks a schema and every schema under it, following `$ref`s, each node once (recursive
 * schemas end). `visit` may return false to stop descending below a node.
 */
export function walkSchema(
  doc: SpecDocument,
  start: SpecNode,
  visit: (visitEvent: SchemaVisit) => unknown,
  visited: Set<string> = new Set(),
): void {
  const stack: SchemaVisit[] = [];
  let values = valuesSeen.get(visited);
  if (!values) valuesSeen.set(visited, (values = new WeakSet()));
  const push = (raw: SpecNode | undefined, property?: string, parent?: SpecNode<JsonObject>): void => {
    const resolved = raw ? objectNode(doc.resolve(raw)) : undefined;
    if (!resolved) return;
    const event: SchemaVisit = { node: resolved };
    if (property !== undefined) event.property = property;
    if (parent) event.parent = parent;
    stack.push(event);
  };
  push(start);
  while (stack.length > 0) {
    const current = stack.pop();
    if (!current) break;
    const key = nodeKey(current.node);
    if (visited.has(key) || values.has(current.node.value)) continue;
    visited.add(key);
    // A YAML alias puts one object at many pointers: it is walked once (an alias bomb stays linear).
    values.add(current.node.value);
    if (visit(current) === false) continue; // any other return value descends
    const { node } = current;
    for (const name of SCHEMA_CHILD_MAPS) {
      const container = doc.child(node, name);
      if (!container || !isObject(container.value)) continue;
      for (const property of Object.keys(container.value)) {
        push(doc.child(container, property), name === 'properties' ? property : undefined, name === 'properties' ? node : undefined);
      }
    }
    for (const name of SCHEMA_CHILD_LISTS) {
      const list = doc.child(node, name);
      if (!list || !Array.isArray(list.value)) continue;
      for (let index = 0; index < list.value.length; index += 1) push(doc.child(list, index));
    }
    for (const name of SCHEMA_CHILDREN) {
      const child = doc.child(node, name);
      if (child && isObject(child.value)) push(child);
    }
  }
}

export interface SchemaUse {
  visit: SchemaVisit;
  /** Distinct operations whose request or response reaches this schema node. */
  operations: number;
  /** Whether any of them is a request (write) schema. */
  inRequest: boolean;
  inResponse: boolean;
  /** The most exposed endpoint using it, for severity calibration. */
  worst: Endpoint | undefined;
  firstOperation: Operation;
}

/**
 * Calibrates a check's base severity by exposure and sensitivity: external Critical-tier
 * endpoints raise it one step, internal or Low-tier ones lower it; never below low.
 */
export function calibrate(base: Severity, endpoint: Pick<Endpoint, 'type' | 'tier'> | undefined): Severity {
  if (!endpoint || base === 'info') return base;
  return calibrateBy(base, endpoint.type, endpoint.tier);
}

/**
 * Calibration that only lowers: for defence-in-depth gaps (a schema without bounds), exposure
 * makes an internal or Low-tier case less urgent but never turns hygiene into an emergency.
 */
export function calibrateDown(base: Severity, endpoint: Pick<Endpoint, 'type' | 'tier'> | undefined): Severity {
  const calibrated = calibrate(base, endpoint);
  return SEVERITIES.indexOf(calibrated) < SEVERITIES.indexOf(base) ? base : calibrated;
}

export function calibrateBy(base: Severity, type: ApiType, tier: Tier): Severity {
  let index = SEVERITIES.indexOf(base);
  if (tier === 'critical' && type !== 'internal') index -= 1;
  if (tier === 'low') index += 1;
  if (type === 'internal') index += 1;
  const lowest = SEVERITIES.indexOf('low');
  const clamped = Math.max(0, Math.min(lowest, index));
  return SEVERITIES[clamped] ?? base;
}

export function operationLabel(op: Operation): string {
  return op.isWebhook ? `webhook ${op.path} (${op.method.toUpperCase()})` : `${op.method.toUpperCase()} ${op.path}`;
}
