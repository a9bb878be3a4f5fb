import type { AuditConfig, JsonObject, JsonValue, SpecDocument, SpecNode } from '../../engine/context.js';
import type { Api, ApiType, AuthEvidence, AuthMechanism, Diagnostic, Endpoint, Parameter, ParamSource, Tier } from '../../model/types.js';
import {
  apiMechanisms,
  audienceOf,
  classifyApiType,
  classifyTier,
  detectVersioning,
  maxTier,
  purposeOf,
  slug,
  tierOfName,
  tierRank,
  typeFromMarker,
  typeFromPath,
  type NamedField,
} from '../../inventory/classify.js';
import { pathVersion } from '../../inventory/paths.js';
import { isObject, stringField } from './json.js';
import { drainSpecDiagnostics } from './openapi-loader.js';

export const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;
const METHOD_SET: ReadonlySet<string> = new Set(HTTP_METHODS);

/** OAS 3.1 webhooks are inventoried as `POST webhook:<name>`. */
export const WEBHOOK_PREFIX = 'webhook:';

export function isWebhookPath(path: string): boolean {
  return path.startsWith(WEBHOOK_PREFIX);
}

export interface OpenApiCollection {
  api: Api;
  endpoints: Endpoint[];
  diagnostics: Diagnostic[];
}

interface Scheme {
  mechanism: AuthMechanism;
}

interface Found {
  tier: Tier;
  name: string;
}

interface VersionParam {
  name: string;
  values: string[];
}

/** Collects one endpoint per operation (paths and OAS 3.1 webhooks), classified. Never throws. */
export function collectOpenApi(spec: SpecDocument, config: AuditConfig): OpenApiCollection {
  return new Collector(spec, config).run();
}

class Collector {
  private readonly diagnostics: Diagnostic[] = [];
  private readonly schemes = new Map<string, Scheme>();
  private readonly reportedSchemes = new Set<string>();
  private readonly schemaMemo = new Map<string, Found | null>();
  /** The same answers by schema object: a YAML alias puts one object at many pointers (an alias bomb stays linear). */
  private readonly valueMemo = new WeakMap<object, Found | null>();
  private readonly nameMemo = new Map<string, Tier | null>();
  private readonly headers: VersionParam[] = [];
  private readonly queries: VersionParam[] = [];
  private readonly mediaTypes = new Set<string>();
  private readonly rootNode: SpecNode;

  constructor(
    private readonly spec: SpecDocument,
    private readonly config: AuditConfig,
  ) {
    this.rootNode = { value: spec.root, file: spec.file, pointer: '' };
  }

  run(): OpenApiCollection {
    const { spec } = this;
    const root = spec.root;
    const info = isObject(root.info) ? root.info : {};
    const title = stringField(info.title)?.trim();
    const description = stringField(info.description);
    const servers = this.servers();
    const apiId = slug(title ?? '') || slug(spec.file.slice(spec.file.lastIndexOf('/') + 1)) || 'openapi';
    this.readSchemes();

    const operations = [...this.operations()];
    const apiType = classifyApiType(
      {
        names: [title ?? '', apiId, spec.file].filter((name) => name !== ''),
        markers: markersOf(root, info),
        servers,
        ...(title === undefined ? {} : { title }),
        ...(description === undefined ? {} : { description }),
        paths: operations.filter((operation) => !isWebhookPath(operation.path)).map((operation) => operation.path),
      },
      this.config,
    );

    const endpoints = operations.map((operation) => this.endpoint(apiId, apiType.type, operation));
    const serverPaths = servers.map((server) => server.url);
    const versioning = detectVersioning({
      paths: [...endpoints.map((endpoint) => endpoint.path), ...serverPaths],
      headers: this.headers,
      queries: this.queries,
      mediaTypes: [...this.mediaTypes],
    });
    const audienceMarker = stringField(root['x-api-audience']) ?? stringField(root['x-audience']) ?? stringField(info['x-api-audience']) ?? stringField(info['x-audience']);
    const api: Api = {
      id: apiId,
      name: title ?? spec.file,
      kind: 'openapi',
      location: spec.locate(spec.format === 'swagger-2.0' ? '/swagger' : '/openapi'),
      type: apiType.type,
      typeReason: apiType.reason,
      purpose: purposeOf(title, description),
      audience: audienceOf(apiType.type, audienceMarker),
      tier: maxTier(endpoints.map((endpoint) => endpoint.tier)),
      authMechanisms: apiMechanisms(endpoints),
      versioning: versioning.strategy,
      versions: versioning.versions,
      servers: servers.map((server) => server.url),
      endpointIds: endpoints.map((endpoint) => endpoint.id),
      deprecatedEndpointIds: endpoints.filter((endpoint) => endpoint.deprecated).map((endpoint) => endpoint.id),
    };
    return { api, endpoints, diagnostics: [...this.diagnostics, ...drainSpecDiagnostics(spec)] };
  }

  private servers(): { url: string; description?: string }[] {
    const root = this.spec.root;
    if (this.spec.format === 'swagger-2.0') {
      const host = stringField(root.host);
      const basePath = stringField(root.basePath) ?? '';
      if (!host) return basePath === '' || basePath === '/' ? [] : [{ url: basePath }];
      const schemes = Array.isArray(root.schemes) ? root.schemes.filter((scheme) => typeof scheme === 'string') : [];
      return (schemes.length > 0 ? schemes : ['https']).map((scheme) => ({ url: `${scheme}://${host}${basePath}` }));
    }
    const list = Array.isArray(root.servers) ? root.servers : [];
    const servers: { url: string; description?: string }[] = [];
    for (const server of list) {
      if (!isObject(server)) continue;
      const written = stringField(server.url);
      if (written === undefined) continue;
      // `https://{region}.api.example.com/{basePath}`: each variable stands for its declared default.
      const variables = isObject(server.variables) ? server.variables : {};
      const url = written.replace(/\{([^}]+)\}/g, (whole, name: string) => {
        const variable = variables[name];
        const fallback = isObject(variable) ? stringField(variable.default) : undefined;
        return fallback ?? whole;
      });
      const description = stringField(server.description);
      servers.push(description === undefined ? { url } : { url, description });
    }
    return servers;
  }

  private readSchemes(): void {
    const { spec } = this;
    const components = spec.child(this.rootNode, 'components');
    const container = spec.format === 'swagger-2.0' ? spec.child(this.rootNode, 'securityDefinitions') : components && spec.child(components, 'securitySchemes');
    if (!container || !isObject(container.value)) return;
    for (const name of Object.keys(container.value)) {
      const node = spec.child(container, name);
      const resolved = node ? spec.resolve(node) : undefined;
      if (resolved && isObject(resolved.value)) this.schemes.set(name, { mechanism: mechanismOf(resolved.value) });
    }
  }

  private *operations(): Generator<{ path: string; item: SpecNode; operation: SpecNode; method: string }> {
    const { spec } = this;
    for (const section of ['paths', 'webhooks'] as const) {
      const container = spec.child(this.rootNode, section);
      if (!container || !isObject(container.value)) continue;
      for (const key of Object.keys(container.value)) {
        const itemNode = spec.child(container, key);
        const item = itemNode ? spec.resolve(itemNode) : undefined;
        if (!item || !isObject(item.value)) continue;
        for (const method of Object.keys(item.value)) {
          if (!METHOD_SET.has(method.toLowerCase())) continue;
          const operation = spec.child(item, method);
          if (!operation || !isObject(operation.value)) continue;
          yield { path: section === 'webhooks' ? `${WEBHOOK_PREFIX}${key}` : key, item, operation, method: method.toUpperCase() };
        }
      }
    }
  }

  private endpoint(apiId: string, apiType: ApiType, { path, item, operation, method }: { path: string; item: SpecNode; operation: SpecNode; method: string }): Endpoint {
    const { spec } = this;
    const op = operation.value as JsonObject;
    const itemValue = item.value as JsonObject;
    const fields: NamedField[] = [];
    const parameters = this.parameters(item, operation, fields);
    this.requestBody(operation, parameters, fields);
    this.responses(operation, fields);
    const auth = this.auth(operation);
    const status = stringField(op['x-api-status'])?.toLowerCase();
    const deprecated = op.deprecated === true || status === 'deprecated' || status === 'retired' || status === 'sunset';
    const sunset = scalarText(op['x-sunset-date']) ?? scalarText(op['x-sunset']) ?? scalarText(itemValue['x-sunset-date']);
    const version = pathVersion(path) ?? this.serverVersion();
    const opType = typeFromMarker(op['x-internal']) ?? typeFromMarker(op['x-api-audience']) ?? typeFromMarker(op['x-audience']) ?? typeFromMarker(itemValue['x-internal']) ?? (isWebhookPath(path) ? undefined : typeFromPath(path));
    const tier = classifyTier(fields, isWebhookPath(path) ? path.slice(WEBHOOK_PREFIX.length) : path, auth.state);
    const endpoint: Endpoint = {
      id: `${apiId} ${method} ${path}`,
      apiId,
      method,
      path,
      protocol: 'rest',
      sources: [{ kind: 'spec', location: spec.locate(operation), via: spec.format }],
      parameters,
      auth,
      deprecated,
      type: opType ?? apiType,
      tier: tier.tier,
      tierReason: tier.reason,
    };
    const operationId = stringField(op.operationId);
    if (operationId !== undefined) endpoint.operationId = operationId;
    const summary = stringField(op.summary) ?? stringField(itemValue.summary);
    if (summary !== undefined) endpoint.summary = summary;
    if (Array.isArray(op.tags)) endpoint.tags = op.tags.filter((tag) => typeof tag === 'string');
    if (sunset !== undefined) endpoint.sunset = sunset;
    if (version !== undefined) endpoint.version = version;
    return endpoint;
  }

  private serverVersionMemo: string | null | undefined;
  private serverVersion(): string | undefined {
    if (this.serverVersionMemo === undefined) {
      this.serverVersionMemo = this.servers().map((server) => pathVersion(server.url.replace(/^[a-z]+:\/\/[^/]*/i, ''))).find((version) => version !== undefined) ?? null;
    }
    return this.serverVersionMemo ?? undefined;
  }

  private parameters(item: SpecNode, operation: SpecNode, fields: NamedField[]): Parameter[] {
    const { spec } = this;
    const merged = new Map<string, SpecNode<JsonObject>>();
    for (const owner of [item, operation]) {
      const list = spec.child(owner, 'parameters');
      if (!list || !Array.isArray(list.value)) continue;
      for (let i = 0; i < list.value.length; i++) {
        const node = spec.child(list, i);
        const resolved = node ? spec.resolve(node) : undefined;
        if (!resolved || !isObject(resolved.value)) continue;
        const name = stringField(resolved.value.name);
        const where = stringField(resolved.value.in);
        if (name === undefined || where === undefined) continue;
        merged.set(`${where}\0${name}`, resolved as SpecNode<JsonObject>);
      }
    }
    const parameters: Parameter[] = [];
    for (const node of merged.values()) {
      const value = node.value;
      const name = stringField(value.name) ?? '';
      const where = stringField(value.in) ?? '';
      if (where === 'body') {
        const schema = spec.child(node, 'schema');
        if (schema) this.bodySchema(schema, 'body', parameters, fields);
        continue;
      }
      const source = paramSource(where);
      if (!source) continue;
      const schemaNode = spec.child(node, 'schema');
      const schema = schemaNode ? spec.resolve(schemaNode) : undefined;
      const schemaValue = schema && isObject(schema.value) ? schema.value : value;
      parameters.push(parameter(name, source, value.required === true, typeOf(schemaValue)));
      fields.push({ name, reason: `parameter \`${name}\` (${source})` });
      const values = enumValues(schemaValue);
      if (source === 'header') this.headers.push({ name, values });
      if (source === 'query') this.queries.push({ name, values });
    }
    return parameters;
  }

  private requestBody(operation: SpecNode, parameters: Parameter[], fields: NamedField[]): void {
    const { spec } = this;
    const op = operation.value as JsonObject;
    const consumes = Array.isArray(op.consumes) ? op.consumes : Array.isArray(spec.root.consumes) ? spec.root.consumes : [];
    for (const type of consumes) if (typeof type === 'string') this.mediaTypes.add(type);
    const bodyNode = spec.child(operation, 'requestBody');
    const body = bodyNode ? spec.resolve(bodyNode) : undefined;
    if (!body) return;
    const content = spec.child(body, 'content');
    if (!content || !isObject(content.value)) return;
    for (const mediaType of Object.keys(content.value)) {
      this.mediaTypes.add(mediaType);
      const media = spec.child(content, mediaType);
      const schema = media ? spec.child(media, 'schema') : undefined;
      if (schema) this.bodySchema(schema, /form/i.test(mediaType) ? 'form' : 'body', parameters, fields);
    }
  }

  /** Top-level properties become parameters; the deepest sensitive name feeds the tier. */
  private bodySchema(schema: SpecNode, source: ParamSource, parameters: Parameter[], fields: NamedField[]): void {
    const { spec } = this;
    const seen = new Set(parameters.filter((parameter) => parameter.in === source).map((parameter) => parameter.name));
    const queue: SpecNode[] = [schema];
    const visited = new Set<string>();
    while (queue.length > 0 && visited.size < 32) {
      const next = queue.shift();
      const resolved = next ? spec.resolve(next) : undefined;
      if (!resolved || !isObject(resolved.value)) continue;
      const key = `${resolved.file}#${resolved.pointer}`;
      if (visited.has(key)) continue;
      visited.add(key);
      const required = Array.isArray(resolved.value.required) ? resolved.value.required : [];
      const properties = spec.child(resolved, 'properties');
      if (properties && isObject(properties.value)) {
        for (const name of Object.keys(properties.value)) {
          if (seen.has(name)) continue;
          seen.add(name);
          const property = spec.child(properties, name);
          const propertySchema = property ? spec.resolve(property) : undefined;
          parameters.push(parameter(name, source, required.includes(name), propertySchema && isObject(propertySchema.value) ? typeOf(propertySchema.value) : undefined));
        }
      }
      for (const keyword of ['allOf', 'anyOf', 'oneOf']) {
        const list = spec.child(resolved, keyword);
        if (!list || !Array.isArray(list.value)) continue;
        for (let i = 0; i < list.value.length; i++) {
          const member = spec.child(list, i);
          if (member) queue.push(member);
        }
      }
    }
    const found = this.bestIn(schema, 0);
    if (found) fields.push({ name: found.name, tier: found.tier, reason: `field \`${found.name}\` in request body` });
  }

  private responses(operation: SpecNode, fields: NamedField[]): void {
    const { spec } = this;
    const op = operation.value as JsonObject;
    const produces = Array.isArray(op.produces) ? op.produces : Array.isArray(spec.root.produces) ? spec.root.produces : [];
    for (const type of produces) if (typeof type === 'string') this.mediaTypes.add(type);
    const responses = spec.child(operation, 'responses');
    if (!responses || !isObject(responses.value)) return;
    const codes = Object.keys(responses.value);
    const success = codes.filter((code) => /^2/.test(code));
    let best: Found | undefined;
    for (const code of success.length > 0 ? success : codes.filter((code) => code === 'default')) {
      const node = spec.child(responses, code);
      const response = node ? spec.resolve(node) : undefined;
      if (!response) continue;
      const schemas: SpecNode[] = [];
      const direct = spec.child(response, 'schema');
      if (direct) schemas.push(direct);
      const content = spec.child(response, 'content');
      if (content && isObject(content.value)) {
        for (const mediaType of Object.keys(content.value)) {
          this.mediaTypes.add(mediaType);
          const media = spec.child(content, mediaType);
          const schema = media ? spec.child(media, 'schema') : undefined;
          if (schema) schemas.push(schema);
        }
      }
      for (const schema of schemas) {
        const found = this.bestIn(schema, 0);
        if (found && (!best || tierRank(found.tier) > tierRank(best.tier))) best = found;
      }
    }
    if (best) fields.push({ name: best.name, tier: best.tier, reason: `field \`${best.name}\` in response` });
  }

  private tierOf(name: string): Tier | undefined {
    let tier = this.nameMemo.get(name);
    if (tier === undefined) {
      tier = tierOfName(name) ?? null;
      this.nameMemo.set(name, tier);
    }
    return tier ?? undefined;
  }

  /** The most sensitive property name reachable from a schema, memoised per schema (linear in the spec). */
  private bestIn(node: SpecNode, depth: number): Found | undefined {
    const { spec } = this;
    const resolved = spec.resolve(node);
    if (!resolved || !isObject(resolved.value) || depth > 40) return undefined;
    const key = `${resolved.file}#${resolved.pointer}`;
    const memo = this.schemaMemo.get(key) ?? this.valueMemo.get(resolved.value);
    if (memo !== undefined) return memo ?? undefined;
    // In progress: a recursive schema contributes nothing more through itself.
    this.schemaMemo.set(key, null);
    this.valueMemo.set(resolved.value, null);
    let best: Found | undefined;
    const consider = (found: Found | undefined): boolean => {
      if (found && (!best || tierRank(found.tier) > tierRank(best.tier))) best = found;
      return best?.tier === 'critical';
    };
    const value = resolved.value;
    outer: for (const keyword of ['properties', 'patternProperties']) {
      const map = spec.child(resolved, keyword);
      if (!map || !isObject(map.value)) continue;
      for (const name of Object.keys(map.value)) {
        const tier = keyword === 'properties' ? this.tierOf(name) : undefined;
        if (consider(tier ? { tier, name } : undefined)) break outer;
        const child = spec.child(map, name);
        if (child && consider(this.bestIn(child, depth + 1))) break outer;
      }
    }
    if (best?.tier !== 'critical') {
      outer2: for (const keyword of ['allOf', 'anyOf', 'oneOf', 'items', 'prefixItems', 'additionalProperties']) {
        const child = spec.child(resolved, keyword);
        if (!child) continue;
        if (Array.isArray(child.value)) {
          for (let i = 0; i < child.value.length; i++) {
            const member = spec.child(child, i);
            if (member && consider(this.bestIn(member, depth + 1))) break outer2;
          }
        } else if (isObject(value[keyword]) && consider(this.bestIn(child, depth + 1))) break;
      }
    }
    this.schemaMemo.set(key, best ?? null);
    this.valueMemo.set(resolved.value, best ?? null);
    return best;
  }

  private auth(operation: SpecNode): AuthEvidence {
    const { spec } = this;
    const own = spec.child(operation, 'security');
    const security = own ?? spec.child(this.rootNode, 'security');
    if (!security || !Array.isArray(security.value)) {
      return { state: 'unprotected', mechanisms: ['none'], where: spec.locate(operation), scope: 'route', detail: 'no `security` requirement applies (none on the operation or the document)' };
    }
    const scope = own ? 'route' : 'global';
    const where = spec.locate(security);
    if (security.value.length === 0) {
      return { state: 'public', mechanisms: ['none'], where, scope, detail: 'security: []' };
    }
    const mechanisms = new Set<AuthMechanism>();
    const scopes = new Set<string>();
    const alternatives: string[] = [];
    let anonymous = false;
    for (let i = 0; i < security.value.length; i++) {
      const requirement = security.value[i];
      if (!isObject(requirement)) continue;
      const names = Object.keys(requirement);
      if (names.length === 0) {
        anonymous = true;
        alternatives.push('{}');
        continue;
      }
      alternatives.push(names.join(' + '));
      for (const name of names) {
        const scheme = this.schemes.get(name);
        mechanisms.add(scheme?.mechanism ?? 'unknown');
        if (!scheme) this.undefinedScheme(name, spec.child(security, i) ?? security);
        const listed = requirement[name];
        if (Array.isArray(listed)) for (const item of listed) if (typeof item === 'string') scopes.add(item);
      }
    }
    if (mechanisms.size === 0) mechanisms.add('none');
    const evidence: AuthEvidence = {
      state: anonymous ? 'public' : 'protected',
      mechanisms: [...mechanisms].sort(),
      where,
      scope,
      detail: `security: [${alternatives.join(', ')}]${anonymous && mechanisms.size > 0 ? ' (authentication optional)' : ''}`,
    };
    if (scopes.size > 0) evidence.scopes = [...scopes].sort();
    return evidence;
  }

  private undefinedScheme(name: string, at: SpecNode): void {
    if (this.reportedSchemes.has(name)) return;
    this.reportedSchemes.add(name);
    const where = this.spec.locate(at);
    this.diagnostics.push({
      level: 'warning',
      file: where.file,
      line: where.line,
      message: `Security requirement names \`${name}\`, which is not defined in ${this.spec.format === 'swagger-2.0' ? '`securityDefinitions`' : '`components.securitySchemes`'}.`,
      source: 'openapi',
    });
  }
}

function mechanismOf(scheme: JsonObject): AuthMechanism {
  const type = stringField(scheme.type)?.toLowerCase();
  if (type === 'http') {
    const name = stringField(scheme.scheme)?.toLowerCase();
    if (name === 'basic' || name === 'digest') return 'basic';
    // A bearer token without a declared format is taken as an OAuth 2.0 bearer token (RFC 6750).
    if (name === 'bearer') return /jwt/i.test(stringField(scheme.bearerFormat) ?? '') ? 'jwt' : 'oauth2';
    return 'unknown';
  }
  if (type === 'basic') return 'basic';
  if (type === 'apikey') return stringField(scheme.in) === 'cookie' ? 'session' : 'api-key';
  if (type === 'oauth2') return 'oauth2';
  if (type === 'openidconnect') return 'openid';
  if (type === 'mutualtls') return 'mtls';
  return 'unknown';
}

function markersOf(root: JsonObject, info: JsonObject): { value: unknown; where: string }[] {
  const markers: { value: unknown; where: string }[] = [];
  for (const [owner, label] of [
    [root, ''],
    [info, 'info.'],
  ] as const) {
    for (const key of ['x-internal', 'x-api-audience', 'x-audience', 'x-api-type']) {
      const value = owner[key];
      if (value !== undefined && value !== false) markers.push({ value, where: `${label}${key}: ${JSON.stringify(value)}` });
    }
  }
  if (Array.isArray(root.servers)) {
    for (const server of root.servers) {
      if (isObject(server) && server['x-internal'] === true) markers.push({ value: true, where: `servers[].x-internal: true (${stringField(server.url) ?? ''})` });
    }
  }
  return markers;
}

function paramSource(where: string): ParamSource | undefined {
  switch (where) {
    case 'path':
    case 'query':
    case 'header':
    case 'cookie':
      return where;
    case 'formData':
      return 'form';
    default:
      return undefined;
  }
}

function parameter(name: string, source: ParamSource, required: boolean, type: string | undefined): Parameter {
  const result: Parameter = { name, in: source };
  if (required) result.required = true;
  if (type !== undefined) result.type = type;
  return result;
}

function typeOf(schema: JsonObject): string | undefined {
  const type = schema.type;
  if (typeof type === 'string') return type;
  if (Array.isArray(type)) return type.filter((item) => typeof item === 'string').join('|');
  return undefined;
}

function enumValues(schema: JsonObject): string[] {
  const values: JsonValue[] = Array.isArray(schema.enum) ? schema.enum : schema.default !== undefined ? [schema.default] : [];
  return values.filter((value) => typeof value === 'string' || typeof value === 'number').map(String);
}

function scalarText(value: JsonValue | undefined): string | undefined {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  return undefined;
}
