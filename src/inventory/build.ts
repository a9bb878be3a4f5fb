import type { CollectedEndpoint } from '../collectors/code/collector.js';
import { collectGraphql } from '../collectors/spec/graphql.js';
import { collectOpenApi } from '../collectors/spec/openapi.js';
import { collectProto } from '../collectors/spec/protobuf.js';
import type { AuditConfig, GraphqlDocument, Inventory, ProtoDocument, SpecDocument } from '../engine/context.js';
import type { Api, AuthEvidence, Diagnostic, Endpoint } from '../model/types.js';
import { apiMechanisms, audienceOf, classifyApiType, classifyTier, detectVersioning, maxTier, slug, typeFromPath, type NamedField } from './classify.js';
import { displayPath, normalisePath, pathVersion } from './paths.js';

export interface InventoryInput {
  specs: readonly SpecDocument[];
  graphql: readonly GraphqlDocument[];
  protos: readonly ProtoDocument[];
  code?: readonly CollectedEndpoint[];
  config: AuditConfig;
}

export interface InventoryResult {
  inventory: Inventory;
  diagnostics: Diagnostic[];
}

interface Collected {
  api: Api;
  endpoints: Endpoint[];
  file: string;
}

/**
 * Every API of the workspace: one per OpenAPI document, GraphQL schema and `.proto` file with
 * services, plus one per app for code routes no spec describes. Code routes that a spec
 * describes are merged into the spec's endpoint (sources from both). Never throws.
 */
export function buildInventory(input: InventoryInput): InventoryResult {
  const diagnostics: Diagnostic[] = [];
  const collected: Collected[] = [];
  const guard = (file: string, source: string, run: () => void): void => {
    try {
      run();
    } catch (error) {
      diagnostics.push({ level: 'error', file, message: `Inventorying this file failed: ${error instanceof Error ? error.message : String(error)}.`, source });
    }
  };
  for (const spec of [...input.specs].sort((a, b) => compare(a.file, b.file))) {
    guard(spec.file, 'openapi', () => {
      const result = collectOpenApi(spec, input.config);
      diagnostics.push(...result.diagnostics);
      collected.push({ api: result.api, endpoints: result.endpoints, file: spec.file });
    });
  }
  for (const document of [...input.graphql].sort((a, b) => compare(a.file, b.file))) {
    guard(document.file, 'graphql', () => {
      const result = collectGraphql(document, input.config);
      diagnostics.push(...result.diagnostics);
      collected.push({ api: result.api, endpoints: result.endpoints, file: document.file });
    });
  }
  for (const document of [...input.protos].sort((a, b) => compare(a.file, b.file))) {
    guard(document.file, 'proto', () => {
      const result = collectProto(document, input.config);
      diagnostics.push(...result.diagnostics);
      if (result.api) collected.push({ api: result.api, endpoints: result.endpoints, file: document.file });
    });
  }
  const used = new Set<string>();
  for (const entry of collected) renameApi(entry, uniqueId(entry.api.id, entry.file, used));

  const unmatched = mergeCode(collected, input.code ?? []);
  for (const entry of collected) applyServerPath(entry);
  for (const entry of codeApis(unmatched, input.config)) {
    renameApi(entry, uniqueId(entry.api.id, entry.file, used));
    collected.push(entry);
  }
  return {
    inventory: { apis: collected.map((entry) => entry.api), endpoints: collected.flatMap((entry) => entry.endpoints) },
    diagnostics,
  };
}

function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

function uniqueId(base: string, file: string, used: Set<string>): string {
  let id = base;
  if (used.has(id)) id = slug(file.replace(/\//g, '-')) || base;
  for (let n = 2; used.has(id); n++) id = `${base}-${n}`;
  used.add(id);
  return id;
}

function renameApi(entry: Collected, id: string): void {
  const previous = entry.api.id;
  if (previous === id) return;
  const renamed = new Map<string, string>();
  for (const endpoint of entry.endpoints) {
    const next = `${id}${endpoint.id.slice(previous.length)}`;
    renamed.set(endpoint.id, next);
    endpoint.id = next;
    endpoint.apiId = id;
  }
  entry.api.id = id;
  entry.api.endpointIds = entry.api.endpointIds.map((endpointId) => renamed.get(endpointId) ?? endpointId);
  entry.api.deprecatedEndpointIds = entry.api.deprecatedEndpointIds.map((endpointId) => renamed.get(endpointId) ?? endpointId);
}

/** Attaches code routes to the spec endpoints they implement; returns the rest. */
function mergeCode(collected: readonly Collected[], code: readonly CollectedEndpoint[]): CollectedEndpoint[] {
  const byKey = new Map<string, Endpoint[]>();
  const add = (key: string, endpoint: Endpoint): void => {
    const list = byKey.get(key);
    if (!list) byKey.set(key, [endpoint]);
    else if (!list.includes(endpoint)) list.push(endpoint);
  };
  for (const entry of collected) {
    if (entry.api.kind !== 'openapi') continue;
    const prefixes = ['', ...entry.api.servers.map(serverPath).filter((prefix) => prefix !== '')];
    for (const endpoint of entry.endpoints) {
      if (endpoint.protocol !== 'rest' || endpoint.path.startsWith('webhook:')) continue;
      for (const prefix of prefixes) {
        const path = normalisePath(`${prefix}${endpoint.path}`);
        add(`${endpoint.method} ${path}`, endpoint);
        add(`* ${path}`, endpoint);
      }
    }
  }
  const unmatched: CollectedEndpoint[] = [];
  const matched = new Set<Endpoint>();
  for (const route of code) {
    const path = normalisePath(route.path);
    const method = route.method.toUpperCase();
    const targets = method === 'ANY' ? byKey.get(`* ${path}`) : byKey.get(`${method} ${path}`);
    if (!targets || targets.length === 0) {
      unmatched.push(route);
      continue;
    }
    for (const endpoint of targets) {
      adoptCodePath(endpoint, route);
      mergeInto(endpoint, route);
      matched.add(endpoint);
    }
  }
  return mergeBySuffix(collected, unmatched, matched);
}

function segmentsOf(path: string): string[] {
  return path.split('/').filter((segment) => segment !== '');
}

/**
 * The spec and the code often disagree on the base path: a generated spec without `servers`, a
 * prefix applied by a mount or `setGlobalPrefix` that the spec leaves out, or a spec written for
 * the gateway path. A route still unmatched is attached to the one operation of its method whose
 * path ends its own (or that its own path ends), when the difference is a run of literal segments,
 * the shorter path has a literal segment, and no other operation or route claims the pair.
 */
function mergeBySuffix(collected: readonly Collected[], routes: readonly CollectedEndpoint[], matched: Set<Endpoint>): CollectedEndpoint[] {
  const candidates: { endpoint: Endpoint; segments: string[] }[] = [];
  for (const entry of collected) {
    if (entry.api.kind !== 'openapi') continue;
    for (const endpoint of entry.endpoints) {
      if (endpoint.protocol !== 'rest' || endpoint.path.startsWith('webhook:') || matched.has(endpoint)) continue;
      candidates.push({ endpoint, segments: segmentsOf(normalisePath(endpoint.path)) });
    }
  }
  if (candidates.length === 0) return [...routes];
  const endsWith = (long: string[], short: string[]): boolean => {
    if (short.length === 0 || short.length >= long.length || !short.some((segment) => segment !== '{}')) return false;
    const head = long.slice(0, long.length - short.length);
    if (head.some((segment) => segment === '{}')) return false;
    return short.every((segment, index) => long[long.length - short.length + index] === segment);
  };
  const pairs = new Map<CollectedEndpoint, { endpoint: Endpoint; delta: string }>();
  const claims = new Map<Endpoint, number>();
  const deltas = new Map<string, number>();
  for (const route of routes) {
    const method = route.method.toUpperCase();
    const segments = segmentsOf(normalisePath(route.path));
    const found = candidates.filter(
      (candidate) => (method === 'ANY' || candidate.endpoint.method === method) && (endsWith(segments, candidate.segments) || endsWith(candidate.segments, segments)),
    );
    const only = found.length === 1 ? found[0] : undefined;
    if (!only) continue;
    // The base path the two sides disagree on, e.g. `code:/api/v1`.
    const codeLonger = segments.length > only.segments.length;
    const head = codeLonger ? segments.slice(0, segments.length - only.segments.length) : only.segments.slice(0, only.segments.length - segments.length);
    const delta = `${codeLonger ? 'code' : 'spec'}:/${head.join('/')}`;
    pairs.set(route, { endpoint: only.endpoint, delta });
    claims.set(only.endpoint, (claims.get(only.endpoint) ?? 0) + 1);
    deltas.set(delta, (deltas.get(delta) ?? 0) + 1);
  }
  // One base path explains a real disagreement; a stray delta (`/admin/users/{id}` ending like `/users/{id}`) is another route.
  const most = Math.max(0, ...deltas.values());
  const leaders = [...deltas].filter(([, count]) => count === most);
  const accepted = new Set([...deltas].filter(([, count]) => count >= 3).map(([delta]) => delta));
  if (leaders.length === 1 && leaders[0]) accepted.add(leaders[0][0]);
  const rest: CollectedEndpoint[] = [];
  for (const route of routes) {
    const pair = pairs.get(route);
    if (pair && claims.get(pair.endpoint) === 1 && accepted.has(pair.delta)) {
      adoptCodePath(pair.endpoint, route);
      mergeInto(pair.endpoint, route);
    }
    else rest.push(route);
  }
  return rest;
}

/**
 * An operation no code serves is listed at its external path: under the one path its servers share
 * (`servers: [{ url: /api/inventory/v1 }]`, Swagger 2.0 `basePath`). Servers that disagree on the
 * path leave it as written.
 */
function applyServerPath(entry: Collected): void {
  if (entry.api.kind !== 'openapi') return;
  const prefixes = [...new Set(entry.api.servers.map(serverPath))];
  const prefix = prefixes.length === 1 ? prefixes[0] : undefined;
  if (prefix === undefined || prefix === '') return;
  for (const endpoint of entry.endpoints) {
    if (endpoint.protocol !== 'rest' || endpoint.path.startsWith('webhook:') || !endpoint.path.startsWith('/')) continue;
    if (endpoint.sources.some((source) => source.kind === 'code') || endpoint.path === prefix || endpoint.path.startsWith(`${prefix}/`)) continue;
    endpoint.path = `${prefix}${endpoint.path}`;
  }
}

function serverPath(url: string): string {
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '').replace(/\/+$/, '');
  return path.startsWith('/') ? path : '';
}

/**
 * The code serves an operation under the base path the spec leaves to `servers` (or omits): the
 * first code route merged into it gives the endpoint its full external path (`/hosts` served as
 * `/api/inventory/v1/hosts`). A spec path the code serves as written is kept.
 */
function adoptCodePath(endpoint: Endpoint, route: CollectedEndpoint): void {
  if (endpoint.protocol !== 'rest' || endpoint.sources.some((source) => source.kind === 'code')) return;
  const code = segmentsOf(normalisePath(route.path));
  const spec = segmentsOf(normalisePath(endpoint.path));
  if (code.length <= spec.length || spec.some((segment, index) => code[code.length - spec.length + index] !== segment)) return;
  // The spec's own placeholder names are kept; the code gives the leading segments.
  const head = segmentsOf(displayPath(route.path)).slice(0, code.length - spec.length);
  endpoint.path = `/${head.join('/')}${endpoint.path.startsWith('/') ? '' : '/'}${endpoint.path}`;
}

function mergeInto(endpoint: Endpoint, route: CollectedEndpoint): void {
  endpoint.sources.push(...route.sources);
  if (route.handler && !endpoint.handler) endpoint.handler = route.handler;
  if (route.authorization) endpoint.authorization = route.authorization;
  if (route.rateLimit) endpoint.rateLimit = route.rateLimit;
  endpoint.auth = mergedAuth(endpoint.auth, route.auth);
  if (route.deprecated) endpoint.deprecated = true;
}

/**
 * The implementation is what runs: its evidence wins when it is decisive, except that a route the
 * spec declares public stays public (the intent is documented) when the code adds no protection.
 * A spec is a claim, not proof: when the code cannot be decided, the route stays `unknown`.
 */
function mergedAuth(spec: AuthEvidence, code: AuthEvidence): AuthEvidence {
  if (code.state === 'protected' || code.state === 'public') return code;
  if (spec.state === 'public') return spec;
  if (code.state === 'unprotected') return code;
  const claim = spec.state === 'protected' ? `the spec declares ${spec.detail ?? 'authentication'}` : 'the spec declares no authentication';
  return {
    ...code,
    mechanisms: spec.mechanisms.length > 0 ? spec.mechanisms : code.mechanisms,
    detail: `${claim}; the code's own protection could not be confirmed${code.detail === undefined ? '' : ` (${code.detail})`}`,
  };
}

/** REST paths get the display form; GraphQL fields (`Query.user`) and gRPC methods keep theirs. */
function routePath(route: CollectedEndpoint): string {
  return route.protocol === 'rest' || route.path.startsWith('/') ? displayPath(route.path) : route.path;
}

/**
 * The frameworks whose routes name their application only when there are several (`appFileIfSeveral`),
 * and which do. A route of a split project always names its app (see `codeApis`), so that is not counted.
 */
function severalApps(routes: readonly CollectedEndpoint[]): Set<string> {
  const apps = new Map<string, Set<string>>();
  for (const route of routes) {
    if (route.appFileIfSeveral !== true || route.appFile === undefined || route.project !== undefined) continue;
    const files = apps.get(route.framework) ?? new Set<string>();
    files.add(route.appFile);
    apps.set(route.framework, files);
  }
  return new Set([...apps].filter(([, files]) => files.size > 1).map(([framework]) => framework));
}

function codeApis(routes: readonly CollectedEndpoint[], config: AuditConfig): Collected[] {
  const groups = new Map<string, CollectedEndpoint[]>();
  const several = severalApps(routes);
  for (const route of routes) {
    // The routes of a split project are named by their app, or by their project: what one project makes
    // does not depend on the others (each unit can build its own endpoints, see engine/units.ts `Speculation`).
    const appFile = route.appFileIfSeveral === true && route.project === undefined && !several.has(route.framework) ? undefined : route.appFile;
    const project = appFile === undefined && route.project !== undefined && route.project !== '.' ? route.project : '';
    const key = `${route.framework}\0${appFile ?? ''}\0${project}`;
    const group = groups.get(key);
    if (group) group.push(route);
    else groups.set(key, [route]);
  }
  const apis: Collected[] = [];
  for (const [key, group] of [...groups].sort(([a], [b]) => compare(a, b))) {
    const [framework = 'code', appFile = '', project = ''] = key.split('\0');
    const file = appFile || group[0]?.sources[0]?.location.file || framework;
    const base = slug(`${framework}-${appFile.replace(/\.[^./]+$/, '') || 'app'}`) || 'code';
    const name = appFile ? `${framework} app (${appFile})` : `${framework} routes`;
    const paths = group.map(routePath);
    // A project's folder is where its code sits, not a statement of its audience: the type reads what it read unsplit.
    const type = classifyApiType({ names: [name, base, appFile].filter((item) => item !== ''), markers: [], servers: [], paths }, config);
    const apiId = project === '' ? base : slug(`${framework}-${project}`) || base;
    const endpoints = new Map<string, Endpoint>();
    for (const route of group) {
      const path = routePath(route);
      const method = route.method.toUpperCase();
      const id = `${apiId} ${method} ${path}`;
      const existing = endpoints.get(id);
      if (existing) {
        mergeInto(existing, route);
        continue;
      }
      const fields: NamedField[] = route.parameters.map((parameter) => ({ name: parameter.name, reason: parameter.in === 'body' ? `field \`${parameter.name}\` in request body` : `parameter \`${parameter.name}\` (${parameter.in})` }));
      const tier = classifyTier(fields, path, route.auth.state);
      const endpoint = fromRoute(route, { id, apiId, method, path, type: typeFromPath(path) ?? type.type, tier: tier.tier, tierReason: tier.reason });
      const version = route.version ?? pathVersion(path);
      if (version !== undefined) endpoint.version = version;
      endpoints.set(id, endpoint);
    }
    const list = [...endpoints.values()];
    const versioning = detectVersioning({
      paths,
      headers: group.flatMap((route) => route.parameters.filter((parameter) => parameter.in === 'header').map((parameter) => ({ name: parameter.name, values: [] }))),
      queries: group.flatMap((route) => route.parameters.filter((parameter) => parameter.in === 'query').map((parameter) => ({ name: parameter.name, values: [] }))),
      mediaTypes: [],
    });
    apis.push({
      file,
      endpoints: list,
      api: {
        id: apiId,
        name: project === '' ? name : `${name} (${project})`,
        kind: 'code',
        location: { file, line: 1 },
        type: type.type,
        typeReason: type.reason,
        purpose: `Routes declared in ${framework} code${appFile ? ` (${appFile})` : project ? ` (${project})` : ''}; no API description covers them.`,
        audience: audienceOf(type.type),
        tier: maxTier(list.map((endpoint) => endpoint.tier)),
        authMechanisms: apiMechanisms(list),
        versioning: versioning.strategy,
        versions: versioning.versions,
        servers: [],
        endpointIds: list.map((endpoint) => endpoint.id),
        deprecatedEndpointIds: list.filter((endpoint) => endpoint.deprecated).map((endpoint) => endpoint.id),
      },
    });
  }
  return apis;
}

function fromRoute(route: CollectedEndpoint, identity: Required<Pick<Endpoint, 'id' | 'apiId' | 'method' | 'path' | 'type' | 'tier' | 'tierReason'>>): Endpoint {
  // Each property named rather than `{ ...identity, protocol, … }`: V8 gives every object made by a
  // spread followed by more properties a map of its own (70,067 maps, 31 MB, for the 1M-line tree's
  // endpoints); named in one literal, all endpoints share their maps.
  const endpoint: Endpoint = {
    id: identity.id,
    apiId: identity.apiId,
    method: identity.method,
    path: identity.path,
    type: identity.type,
    tier: identity.tier,
    tierReason: identity.tierReason,
    protocol: route.protocol,
    sources: [...route.sources],
    parameters: [...route.parameters],
    auth: route.auth,
    deprecated: route.deprecated,
  };
  if (route.operationId !== undefined) endpoint.operationId = route.operationId;
  if (route.summary !== undefined) endpoint.summary = route.summary;
  if (route.tags !== undefined) endpoint.tags = route.tags;
  if (route.handler !== undefined) endpoint.handler = route.handler;
  if (route.authorization !== undefined) endpoint.authorization = route.authorization;
  if (route.rateLimit !== undefined) endpoint.rateLimit = route.rateLimit;
  if (route.middleware !== undefined) endpoint.middleware = [...route.middleware];
  if (route.sunset !== undefined) endpoint.sunset = route.sunset;
  if (route.httpPath !== undefined) endpoint.httpPath = route.httpPath;
  return endpoint;
}
