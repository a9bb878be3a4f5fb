import protobuf from 'protobufjs';
import type { AuditConfig, ProtoDocument } from '../../engine/context.js';
import type { Api, Diagnostic, Endpoint, Parameter } from '../../model/types.js';
import { audienceOf, classifyApiType, classifyTier, detectVersioning, maxTier, purposeOf, slug, tierOfName, tierRank, type NamedField } from '../../inventory/classify.js';
import { pathVersion } from '../../inventory/paths.js';
import { lineStarts, positionOf } from './line-index.js';

export interface LoadedProto {
  document?: ProtoDocument;
  diagnostics: Diagnostic[];
}

export interface ProtoCollection {
  /** Undefined when the file declares no service. */
  api?: Api;
  endpoints: Endpoint[];
  diagnostics: Diagnostic[];
}

/**
 * protobufjs 7 reads an `option` name until it meets `=`, and never stops when the file ends first
 * (`option x;` as the last option of a file hangs the parser). Found by a linear scan that skips
 * comments and strings: the line of such an option, or undefined.
 */
export function optionWithoutValue(text: string): number | undefined {
  let lastOption = -1;
  let lastEquals = -1;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x2f && text.charCodeAt(i + 1) === 0x2f) {
      const end = text.indexOf('\n', i);
      i = end === -1 ? text.length : end;
    } else if (c === 0x2f && text.charCodeAt(i + 1) === 0x2a) {
      const end = text.indexOf('*/', i + 2);
      i = end === -1 ? text.length : end + 1;
    } else if (c === 0x22 || c === 0x27) {
      let j = i + 1;
      while (j < text.length && text.charCodeAt(j) !== c && text.charCodeAt(j) !== 0x0a) j += text.charCodeAt(j) === 0x5c ? 2 : 1;
      i = j;
    } else if (c === 0x3d) {
      lastEquals = i;
    } else if (c === 0x6f && text.startsWith('option', i) && !/[\w.]/.test(text.charAt(i - 1)) && !/[\w]/.test(text.charAt(i + 6))) {
      lastOption = i;
    }
  }
  if (lastOption === -1 || lastEquals > lastOption) return undefined;
  let line = 1;
  for (let i = 0; i < lastOption; i++) if (text.charCodeAt(i) === 0x0a) line++;
  return line;
}

/** Parses `.proto` text (field names kept as written). Never throws. */
export function loadProto(file: string, text: string): LoadedProto {
  if (text.trim() === '') return { diagnostics: [] };
  const dangling = optionWithoutValue(text);
  if (dangling !== undefined) {
    return { diagnostics: [{ level: 'error', file, line: dangling, message: `invalid proto at line ${dangling}: an option without a value`, source: 'proto' }] };
  }
  try {
    const parsed = protobuf.parse(text, { keepCase: true });
    return { document: { file, root: parsed.root, text }, diagnostics: [] };
  } catch (error) {
    if (error instanceof RangeError) {
      return { diagnostics: [{ level: 'error', file, line: 1, message: 'the proto file nests messages too deeply to be read; skipped', source: 'proto' }] };
    }
    const message = error instanceof Error ? error.message : String(error);
    const line = Number(/\bline (\d+)/.exec(message)?.[1] ?? 1);
    return { diagnostics: [{ level: 'error', file, line, message: `invalid proto at line ${line}: ${message.replace(/\s*\((?:[^()]*, )?line \d+\)$/, '')}`, source: 'proto' }] };
  }
}

const HTTP_VERBS = ['get', 'put', 'post', 'delete', 'patch'] as const;

/** One endpoint per rpc: `/pkg.Service/Method`, method RPC or the `google.api.http` verb. */
export function collectProto(document: ProtoDocument, config: AuditConfig): ProtoCollection {
  const services = servicesOf(document.root);
  if (services.length === 0) return { endpoints: [], diagnostics: [] };
  const text = blankComments(document.text ?? '');
  const packageName = services[0]?.fullName.slice(1).split('.').slice(0, -1).join('.') ?? '';
  const apiId = slug(packageName || services.map((service) => service.name).join('-')) || slug(document.file) || 'grpc';
  const type = classifyApiType({ names: [document.file, apiId, packageName].filter((name) => name !== ''), markers: [], servers: [], paths: [] }, config);
  const endpoints: Endpoint[] = [];
  // One scan for every declaration and one table of line starts: per-rpc rescans of the file were quadratic.
  const declarations = declarationsOf(text);
  const starts = lineStarts(text);
  const lineAt = (offset: number): number => positionOf(starts, offset).line;
  const serviceAt = (service: protobuf.Service): number => declarations.services.get(service.name) ?? 0;
  for (const service of services) {
    const declared = serviceAt(service);
    for (const method of service.methodsArray) {
      const path = `/${service.fullName.slice(1)}/${method.name}`;
      const http = httpRule(method);
      const request = messageFields(service, method.requestType);
      const pathParams = new Set([...(http?.path.matchAll(/\{([^}=]+)/g) ?? [])].map((match) => match[1] ?? ''));
      const parameters: Parameter[] = request.map((field) => ({ name: field.name, in: pathParams.has(field.name) ? 'path' : 'body', type: field.type }));
      const fields: NamedField[] = request.map((field) => ({ name: field.name, reason: `field \`${field.name}\` in \`${method.requestType}\`` }));
      const deep = deepest(service, method.responseType);
      if (deep) fields.push({ name: deep.name, tier: deep.tier, reason: `field \`${deep.name}\` in \`${method.responseType}\`` });
      const auth = { state: 'unknown' as const, mechanisms: ['unknown' as const], detail: 'authentication of gRPC methods is set up in interceptors, not in the .proto' };
      const tier = classifyTier(fields, http?.path ?? `/${service.name}/${method.name}`, auth.state);
      const endpoint: Endpoint = {
        id: `${apiId} ${http?.verb ?? 'RPC'} ${path}`,
        apiId,
        method: http?.verb ?? 'RPC',
        path,
        protocol: 'grpc',
        sources: [{ kind: 'spec', location: { file: document.file, line: lineAt(rpcAt(declarations, declared, method.name)) }, via: 'proto' }],
        parameters,
        auth: { ...auth, mechanisms: [...auth.mechanisms] },
        deprecated: method.options?.deprecated === true,
        type: type.type,
        tier: tier.tier,
        tierReason: tier.reason,
      };
      if (http) endpoint.httpPath = http.path;
      const version = pathVersion(service.fullName.replaceAll('.', '/'));
      if (version !== undefined) endpoint.version = version;
      if (method.comment) endpoint.summary = method.comment;
      endpoints.push(endpoint);
    }
  }
  const versioning = detectVersioning({ paths: services.map((service) => service.fullName.replaceAll('.', '/')), headers: [], queries: [], mediaTypes: [] });
  const api: Api = {
    id: apiId,
    name: packageName === '' ? services.map((service) => service.name).join(', ') : `${packageName} (${services.map((service) => service.name).join(', ')})`,
    kind: 'grpc',
    location: { file: document.file, line: services[0] ? lineAt(serviceAt(services[0])) : 1 },
    type: type.type,
    typeReason: type.reason,
    purpose: purposeOf(`gRPC services ${services.map((service) => service.name).join(', ')}`, services[0]?.comment ?? undefined),
    audience: audienceOf(type.type),
    tier: maxTier(endpoints.map((endpoint) => endpoint.tier)),
    authMechanisms: ['unknown'],
    versioning: versioning.strategy,
    versions: versioning.versions,
    servers: [],
    endpointIds: endpoints.map((endpoint) => endpoint.id),
    deprecatedEndpointIds: endpoints.filter((endpoint) => endpoint.deprecated).map((endpoint) => endpoint.id),
  };
  return { api, endpoints, diagnostics: [] };
}

function servicesOf(namespace: protobuf.NamespaceBase): protobuf.Service[] {
  const found: protobuf.Service[] = [];
  for (const nested of namespace.nestedArray) {
    if (nested instanceof protobuf.Service) found.push(nested);
    else if (nested instanceof protobuf.Namespace) found.push(...servicesOf(nested));
  }
  return found;
}

function httpRule(method: protobuf.Method): { verb: string; path: string } | undefined {
  for (const option of method.parsedOptions ?? []) {
    const rule: unknown = (option as Record<string, unknown>)['(google.api.http)'];
    if (typeof rule !== 'object' || rule === null) continue;
    const entries = rule as Record<string, unknown>;
    for (const verb of HTTP_VERBS) {
      const path = entries[verb];
      if (typeof path === 'string') return { verb: verb.toUpperCase(), path };
    }
    const custom = entries.custom;
    if (typeof custom === 'object' && custom !== null) {
      const { kind, path } = custom as Record<string, unknown>;
      if (typeof kind === 'string' && typeof path === 'string') return { verb: kind.toUpperCase(), path };
    }
  }
  return undefined;
}

function lookupType(from: protobuf.ReflectionObject, name: string): protobuf.Type | undefined {
  try {
    const found = (from.parent ?? from.root).lookup(name);
    return found instanceof protobuf.Type ? found : undefined;
  } catch {
    return undefined;
  }
}

function messageFields(service: protobuf.Service, typeName: string): { name: string; type: string }[] {
  const type = lookupType(service, typeName);
  return type ? type.fieldsArray.map((field) => ({ name: field.name, type: field.repeated ? `${field.type}[]` : field.type })) : [];
}

/** The most sensitive field name within a few message levels (types from unparsed imports are skipped). */
function deepest(service: protobuf.Service, typeName: string): { name: string; tier: NonNullable<ReturnType<typeof tierOfName>> } | undefined {
  let best: { name: string; tier: NonNullable<ReturnType<typeof tierOfName>> } | undefined;
  const seen = new Set<protobuf.Type>();
  let level = [lookupType(service, typeName)];
  for (let depth = 0; depth < 4; depth++) {
    const next: (protobuf.Type | undefined)[] = [];
    for (const type of level) {
      if (!type || seen.has(type)) continue;
      seen.add(type);
      for (const field of type.fieldsArray) {
        const tier = tierOfName(field.name);
        if (tier && (!best || tierRank(tier) > tierRank(best.tier))) best = { name: field.name, tier };
        next.push(lookupType(type, field.type));
      }
    }
    level = next;
  }
  return best;
}

/** Comments replaced by spaces (newlines kept), so a scan for `rpc Name(` finds only declarations. */
function blankComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\/|\/\/[^\n]*|"(?:[^"\\\n]|\\.)*"/g, (match) => (match.startsWith('"') ? match : match.replace(/[^\n]/g, ' ')));
}

interface Declarations {
  /** Offset of the first `service Name {` of each name. */
  services: Map<string, number>;
  /** Offsets of every `rpc Name(`, in document order, by name. */
  rpcs: Map<string, number[]>;
}

// protobufjs keeps no source positions, so declarations are found in the text (once).
function declarationsOf(text: string): Declarations {
  const services = new Map<string, number>();
  const rpcs = new Map<string, number[]>();
  for (const match of text.matchAll(/\b(service|rpc)\s+([A-Za-z_]\w*)\s*([{(])/g)) {
    const [, keyword, name = '', open] = match;
    if (keyword === 'service' && open === '{') {
      if (!services.has(name)) services.set(name, match.index);
    } else if (keyword === 'rpc' && open === '(') {
      const list = rpcs.get(name);
      if (list) list.push(match.index);
      else rpcs.set(name, [match.index]);
    }
  }
  return { services, rpcs };
}

/** The first `rpc name(` at or after `from` (the service's declaration), else the first anywhere, else `from`. */
function rpcAt(declarations: Declarations, from: number, name: string): number {
  const offsets = declarations.rpcs.get(name);
  if (!offsets || offsets.length === 0) return from;
  let low = 0;
  let high = offsets.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((offsets[middle] ?? 0) < from) low = middle + 1;
    else high = middle;
  }
  return offsets[low] ?? offsets[0] ?? from;
}
