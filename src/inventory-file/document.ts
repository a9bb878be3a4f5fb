import type { JsonObject, JsonValue, SpecDocument } from '../engine/context.js';
import type { Api, Endpoint } from '../model/types.js';
import { HTTP_METHODS, isObject } from '../analysis/openapi.js';
import { locationLabel } from '../report/format.js';
import { nodeAt } from '../collectors/spec/openapi-loader.js';

/**
 * Seed 001's canonical inventory file: an OpenAPI 3.1 document whose operations carry
 * `x-api-status`, `x-data-classification`, `x-auth-required`, `x-auth-scopes`,
 * `x-deprecation-date` and `x-sunset-date`, filled from what the audit found.
 */

/** One operation of the inventory, flat: the rows of the CSV and Markdown renderings. */
export interface InventoryRow {
  method: string;
  path: string;
  api: string;
  protocol: string;
  summary?: string;
  status: 'active' | 'deprecated';
  classification: string;
  classificationReason?: string;
  /** `true` only when protected; `false` when public or provably unprotected; `unknown` otherwise. */
  authRequired: boolean | 'unknown';
  authState: string;
  /** Why the auth state is what it is: where the protection applies, or why it is unknown. */
  authReason: string;
  scopes: string[];
  deprecationDate?: string;
  sunsetDate?: string;
  migrationGuide?: string;
  sources: string[];
}

const UNKNOWN_REASON = 'no authentication or public marker could be traced to it statically';

/** The operation object (and its path item) an endpoint was read from, in the spec that declares it. */
function specOperation(endpoint: Endpoint, specs: readonly SpecDocument[]): { op: JsonObject; item: JsonObject | undefined } | undefined {
  for (const source of endpoint.sources) {
    if (source.kind !== 'spec' || source.location.pointer === undefined) continue;
    const doc = specs.find((spec) => spec.file === source.location.file);
    if (!doc) continue;
    const node = nodeAt(doc, source.location.pointer);
    if (!node || !isObject(node.value)) continue;
    const item = nodeAt(doc, source.location.pointer.replace(/\/[^/]*$/, ''));
    return { op: node.value, item: item && isObject(item.value) ? item.value : undefined };
  }
  return undefined;
}

function dateText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string' && value.trim() !== '') return value.trim();
  return undefined;
}

function authReason(endpoint: Endpoint): string {
  const where = endpoint.auth.where === undefined ? '' : ` at ${locationLabel(endpoint.auth.where)}`;
  const detail = endpoint.auth.detail;
  switch (endpoint.auth.state) {
    case 'protected':
      return `${detail ?? endpoint.auth.mechanisms.join(', ')}${where}`;
    case 'public':
      return `declared public${detail === undefined ? '' : `: ${detail}`}${where}`;
    case 'unprotected':
      return `${detail ?? 'no authentication applies'}${where}`;
    case 'unknown':
      return detail ?? UNKNOWN_REASON;
  }
}

export function inventoryRow(endpoint: Endpoint, api: Api | undefined, specs: readonly SpecDocument[]): InventoryRow {
  const spec = specOperation(endpoint, specs);
  const fromSpec = (key: string): string | undefined => dateText(spec?.op[key]) ?? dateText(spec?.item?.[key]);
  const state = endpoint.auth.state;
  const row: InventoryRow = {
    method: endpoint.method,
    path: endpoint.path,
    api: api?.name ?? endpoint.apiId,
    protocol: endpoint.protocol,
    status: endpoint.deprecated ? 'deprecated' : 'active',
    classification: endpoint.tier,
    authRequired: state === 'protected' ? true : state === 'unknown' ? 'unknown' : false,
    authState: state,
    authReason: authReason(endpoint),
    scopes: state === 'protected' ? [...(endpoint.auth.scopes ?? [])] : [],
    sources: endpoint.sources.map((source) => `${source.kind} ${locationLabel(source.location)}`),
  };
  if (endpoint.summary !== undefined) row.summary = endpoint.summary;
  if (endpoint.tierReason !== undefined) row.classificationReason = endpoint.tierReason;
  const deprecation = fromSpec('x-deprecation-date');
  if (deprecation !== undefined) row.deprecationDate = deprecation;
  const sunset = endpoint.sunset ?? fromSpec('x-sunset-date');
  if (sunset !== undefined) row.sunsetDate = sunset;
  const guide = fromSpec('x-migration-guide');
  if (guide !== undefined) row.migrationGuide = guide;
  return row;
}

export function inventoryRows(apis: readonly Api[], endpoints: readonly Endpoint[], specs: readonly SpecDocument[]): InventoryRow[] {
  const apiById = new Map(apis.map((api) => [api.id, api]));
  return endpoints
    .map((endpoint) => inventoryRow(endpoint, apiById.get(endpoint.apiId), specs))
    .sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : a.method < b.method ? -1 : a.method > b.method ? 1 : a.api < b.api ? -1 : a.api > b.api ? 1 : 0));
}

function operationFields(row: InventoryRow): JsonObject {
  const op: JsonObject = {};
  if (row.summary !== undefined) op.summary = row.summary;
  op['x-api-status'] = row.status;
  op['x-data-classification'] = row.classification;
  if (row.classificationReason !== undefined) op['x-data-classification-reason'] = row.classificationReason;
  op['x-auth-required'] = row.authRequired;
  op['x-auth-state'] = row.authState;
  if (row.authRequired === 'unknown') op['x-auth-unknown-reason'] = row.authReason;
  else op['x-auth-evidence'] = row.authReason;
  op['x-auth-scopes'] = row.scopes;
  if (row.deprecationDate !== undefined) op['x-deprecation-date'] = row.deprecationDate;
  if (row.sunsetDate !== undefined) op['x-sunset-date'] = row.sunsetDate;
  if (row.migrationGuide !== undefined) op['x-migration-guide'] = row.migrationGuide;
  if (row.status === 'deprecated') op.deprecated = true;
  op['x-apisec-api'] = row.api;
  op['x-apisec-sources'] = row.sources;
  return op;
}

const OPENAPI_METHODS = new Set<string>(HTTP_METHODS);

export interface InventoryDocumentOptions {
  name: string;
  date: string;
}

/**
 * REST operations go under `paths` (OAS 3.1 `webhooks` for webhook operations); what OpenAPI cannot
 * hold as an operation (GraphQL fields, gRPC methods, routes on any method, a second API serving the
 * same method and path) is listed under `x-apisec-other-operations` with the same fields.
 */
export function inventoryDocument(rows: readonly InventoryRow[], options: InventoryDocumentOptions): JsonObject {
  const paths: JsonObject = {};
  const webhooks: JsonObject = {};
  const others: JsonValue[] = [];
  for (const row of rows) {
    const method = row.method.toLowerCase();
    const webhook = row.path.startsWith('webhook:');
    const key = webhook ? row.path.slice('webhook:'.length) : row.path;
    const container = webhook ? webhooks : paths;
    const item = container[key];
    const free = isObject(item) ? item[method] === undefined : item === undefined;
    if (row.protocol === 'rest' && OPENAPI_METHODS.has(method) && (webhook || key.startsWith('/')) && free) {
      const pathItem: JsonObject = isObject(item) ? item : {};
      pathItem[method] = operationFields(row);
      container[key] = pathItem;
    } else {
      others.push({ method: row.method, path: row.path, protocol: row.protocol, ...operationFields(row) });
    }
  }
  const doc: JsonObject = {
    openapi: '3.1.0',
    info: {
      title: `${options.name} API Inventory`,
      version: options.date,
      description: `Canonical inventory of the API endpoints of ${options.name}, generated by apisec on ${options.date} from its API descriptions and code. x-auth-required is true only where authentication provably applies, false where the endpoint is public or provably unauthenticated, and unknown (with x-auth-unknown-reason) where it could not be decided.`,
    },
    // Marks the file as apisec's: an audit of the repository does not take it for an API description.
    'x-apisec-inventory': true,
    paths,
  };
  if (Object.keys(webhooks).length > 0) doc.webhooks = webhooks;
  if (others.length > 0) doc['x-apisec-other-operations'] = others;
  return doc;
}
