import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import type { Diagnostic } from '../../../model/types.js';
import { parseSync } from '../../../parsing/parser.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { CodeCollector, CollectedEndpoint, CollectorResult } from '../collector.js';
import { callArgs, callee, descendants, field, isFunction, locate, named, objectProperty, parameterNames, stringValue, unwrap } from '../js/ast.js';
import { jsEnabled } from '../js/kit.js';
import { importsAny, ModuleGraph, type JsModule } from '../js/modules.js';
import { joinPaths } from '../js/paths.js';
import { evalString, externalName } from '../js/values.js';
import { servicesOfDescriptor, type MethodDef, type ServiceDef } from './descriptor.js';
import { readInterceptor, type InterceptorVerdict } from './auth.js';
import { WorkspacePackages } from './packages.js';

/** connect-es (v1 `@connectrpc/*`, v0 `@bufbuild/connect*`): the router and its server adapters. */
const CORE = ['@connectrpc/connect', '@bufbuild/connect'];
const ADAPTERS = ['@connectrpc/connect-node', '@connectrpc/connect-express', '@connectrpc/connect-fastify', '@connectrpc/connect-next', '@bufbuild/connect-node', '@bufbuild/connect-express', '@bufbuild/connect-fastify', '@bufbuild/connect-next'];
const PACKAGES = [...CORE, ...ADAPTERS];
/** Adapter functions that take `{ routes }`, and the path prefix option each reads (with its default). */
const ADAPTER_PREFIX: Record<string, { option: string; fallback: string }> = {
  connectNodeAdapter: { option: 'requestPathPrefix', fallback: '' },
  expressConnectMiddleware: { option: 'requestPathPrefix', fallback: '' },
  nextJsApiRouter: { option: 'prefix', fallback: '/api' },
};
const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const MEMBERS: ReadonlySet<string> = new Set(['member_expression']);
const AUTH = { state: 'unknown' as const, mechanisms: ['unknown' as const], detail: 'ConnectRPC: authentication is decided by the router interceptors or the service implementation, not read here' };

interface Registration {
  module: JsModule;
  /** The `.service(…)` / `.rpc(…)` call. */
  call: Node;
  service: ServiceDef;
  /** Only these methods (`.rpc`), or all of the service. */
  only?: string;
  impl: Node | undefined;
}

interface Mount {
  prefix: string;
  module: JsModule;
  site: Node;
  routes: Node;
  /** The app that serves the router (an Express, Fastify or Hono app), when known: its routes and these form one API. */
  host?: { framework: string; file: string };
  /** `interceptors: [...]` of the adapter options. */
  interceptors?: { module: JsModule; list: Node };
}

/** Server frameworks a router can be mounted on, by the package that creates their app. */
const HOSTS: Record<string, string> = { hono: 'hono', '@hono/zod-openapi': 'hono', express: 'express', fastify: 'fastify', koa: 'koa' };

/**
 * ConnectRPC services served from JavaScript/TypeScript: `router.service(Service, impl)` (and `router.rpc`)
 * on a `createConnectRouter()` or on the router an adapter hands to its `routes` callback, served by
 * `connectNodeAdapter` / `expressConnectMiddleware` / `fastifyConnectPlugin` / `nextJsApiRouter`, or by a
 * catch-all route of the app that dispatches to `router.handlers` (`app.all('/rpc/*', …)`). Each method is
 * `POST <prefix>/<package.Service>/<Method>`, and also `GET` when the method is unary and declared
 * `idempotency_level = NO_SIDE_EFFECTS`. Services are read from the generated code: protoc-gen-es v2
 * `serviceDesc(file, i)` with its embedded descriptor, or protoc-gen-connect-es v1 `{ typeName, methods }`,
 * in the workspace or in a package of the same monorepo.
 */
export function collectConnect(sources: readonly SourceFile[], root: string): CollectorResult {
  const graph = ModuleGraph.of(sources);
  const diagnostics: Diagnostic[] = [];
  const endpoints: CollectedEndpoint[] = [];
  const definitions = new ServiceDefinitions(graph, root);
  const mounts: Mount[] = [];
  const routers = new Map<string, { node: Node; module: JsModule }>();
  for (const module of graph.modules.values()) {
    if (!importsAny(module, PACKAGES)) continue;
    for (const call of descendants(module.source.tree.rootNode, CALLS)) {
      const fn = callee(call);
      if (!fn) continue;
      const resolved = graph.resolve(module, fn);
      const name = resolved.kind === 'external' && PACKAGES.some((pkg) => resolved.specifier === pkg) ? externalName(resolved) : undefined;
      if (name === 'createConnectRouter') routers.set(keyOf(module, call), { node: call, module });
      const adapter = name ? ADAPTER_PREFIX[name] : undefined;
      if (adapter) {
        const options = optionsObject(graph, module, callArgs(call)[0]);
        const routes = options ? objectProperty(options.node, 'routes') : undefined;
        if (!options || !routes) continue;
        const prefixNode = objectProperty(options.node, adapter.option);
        const prefix = prefixNode ? evalString(graph, options.module, prefixNode) : adapter.fallback;
        if (prefix === undefined) {
          diagnostics.push({ level: 'warning', file: module.file, line: call.startPosition.row + 1, message: `ConnectRPC: the ${adapter.option} of ${name} could not be resolved; its services are not inventoried.`, source: 'collector:connect' });
          continue;
        }
        const use = useCall(call);
        const mount: Mount = { prefix: joinPaths((use ? useMountPath(graph, module, use) : undefined) ?? '', prefix), module: options.module, site: call, routes };
        const list = objectProperty(options.node, 'interceptors');
        if (list) mount.interceptors = { module: options.module, list };
        const host = use ? hostOf(graph, module, use) : undefined;
        if (host) mount.host = host;
        mounts.push(mount);
      }
      // fastify.register(fastifyConnectPlugin, { routes, prefix })
      if (fn.type === 'member_expression' && field(fn, 'property')?.text === 'register') {
        const [plugin, optionsArg] = callArgs(call);
        const target = plugin ? graph.resolve(module, plugin) : undefined;
        if (target?.kind !== 'external' || !PACKAGES.includes(target.specifier) || externalName(target) !== 'fastifyConnectPlugin') continue;
        const options = optionsObject(graph, module, optionsArg);
        const routes = options ? objectProperty(options.node, 'routes') : undefined;
        if (!options || !routes) continue;
        const prefixNode = objectProperty(options.node, 'prefix');
        const prefix = prefixNode ? evalString(graph, options.module, prefixNode) : '';
        if (prefix === undefined) continue;
        const mount: Mount = { prefix: joinPaths(prefix), module: options.module, site: call, routes };
        const list = objectProperty(options.node, 'interceptors');
        if (list) mount.interceptors = { module: options.module, list };
        const host = hostOf(graph, module, call);
        if (host) mount.host = host;
        mounts.push(mount);
      }
    }
  }
  // A catch-all route that hands requests to a router's `handlers` (a custom adapter).
  const served = new Set<string>();
  for (const module of graph.modules.values()) {
    if (!module.source.text.includes('.handlers')) continue;
    for (const member of descendants(module.source.tree.rootNode, MEMBERS)) {
      if (field(member, 'property')?.text !== 'handlers') continue;
      const object = field(member, 'object');
      const router = object ? routerOf(graph, module, object, routers) : undefined;
      if (!router) continue;
      const route = enclosingRoute(graph, module, member);
      if (!route) {
        diagnostics.push({ level: 'warning', file: module.file, line: member.startPosition.row + 1, message: 'ConnectRPC: this code dispatches to a router\'s handlers, but the path it serves could not be resolved; the router\'s services are not inventoried.', source: 'collector:connect' });
        served.add(keyOf(router.module, router.node));
        continue;
      }
      const mount: Mount = { prefix: route.prefix, module, site: route.site, routes: object ?? member };
      const host = hostOf(graph, module, route.site);
      if (host) mount.host = host;
      mounts.push(mount);
    }
  }
  const seen = new Set<string>();
  for (const mount of mounts) {
    const registrations = registrationsOf(graph, mount.module, mount.routes, routers, definitions, diagnostics);
    for (const router of registrations.routers) served.add(router);
    const verdicts = [...interceptorVerdicts(graph, mount.interceptors), ...registrations.interceptors.flatMap((list) => interceptorVerdicts(graph, list))];
    for (const registration of registrations.found) {
      for (const method of registration.service.methods) {
        if (registration.only !== undefined && registration.only !== method.name) continue;
        for (const verb of verbsOf(method)) {
          const route = `${mount.prefix === '/' ? '' : mount.prefix}/${registration.service.typeName}/${method.name}`;
          const key = `${verb} ${route}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const endpoint: CollectedEndpoint = {
            method: verb,
            path: route,
            protocol: 'rest',
            sources: [{ kind: 'code', via: 'connect', location: registrationSite(registration) }],
            parameters: [],
            auth: decided(verdicts, registration.service.typeName, method.name),
            deprecated: false,
            framework: mount.host?.framework ?? 'connect',
            appFile: mount.host?.file ?? mount.module.file,
          };
          const handler = registration.impl ? implementation(graph, registration.module, registration.impl, method) : undefined;
          if (handler) endpoint.handler = handler;
          endpoints.push(endpoint);
        }
      }
    }
  }
  for (const [key, { node: router, module }] of routers) {
    if (served.has(key) || !chainRegisters(router)) continue;
    diagnostics.push({ level: 'warning', file: module.file, line: router.startPosition.row + 1, message: 'ConnectRPC: a router is created here but where it is served could not be resolved; its services are not inventoried.', source: 'collector:connect' });
  }
  diagnostics.push(...definitions.diagnostics);
  return { endpoints, diagnostics };
}

type Routers = ReadonlyMap<string, { node: Node; module: JsModule }>;

/** Syntax nodes are fresh objects on every access: a place is its file and offset. */
function keyOf(module: JsModule, node: Node): string {
  return `${module.file}:${node.startIndex}:${node.endIndex}`;
}

/** Where a registration is written: the `.service` / `.rpc` of the call (a chain spans many lines). */
function registrationSite(registration: Registration): ReturnType<typeof locate> {
  const fn = callee(registration.call);
  const property = fn?.type === 'member_expression' ? field(fn, 'property') : undefined;
  const site = locate(registration.module.file, registration.call);
  return property ? { ...site, line: property.startPosition.row + 1, column: property.startPosition.column + 1 } : site;
}

function interceptorVerdicts(graph: ModuleGraph, interceptors: { module: JsModule; list: Node } | undefined): InterceptorVerdict[] {
  if (!interceptors) return [];
  const list = unwrap(interceptors.list);
  const resolved = list.type === 'array' ? { module: interceptors.module, node: list } : graph.resolve(interceptors.module, list);
  if (!('node' in resolved) || unwrap(resolved.node).type !== 'array') return [];
  return named(unwrap(resolved.node)).flatMap((element) => {
    const read = readInterceptor(graph, resolved.module, element);
    return read ? [read.verdict] : [];
  });
}

/** The first interceptor that decides the method (authentication interceptors run before the handler); else unknown. */
function decided(verdicts: readonly InterceptorVerdict[], typeName: string, method: string): CollectedEndpoint['auth'] {
  for (const verdict of verdicts) {
    const auth = verdict.decide(typeName, method);
    if (auth) return auth;
  }
  return { ...AUTH, mechanisms: [...AUTH.mechanisms] };
}

function verbsOf(method: MethodDef): string[] {
  return method.unary && method.noSideEffects ? ['POST', 'GET'] : ['POST'];
}

function optionsObject(graph: ModuleGraph, module: JsModule, node: Node | undefined): { module: JsModule; node: Node } | undefined {
  if (!node) return undefined;
  const current = unwrap(node);
  if (current.type === 'object') return { module, node: current };
  const resolved = graph.resolve(module, current);
  return resolved.kind === 'node' && unwrap(resolved.node).type === 'object' ? { module: resolved.module, node: unwrap(resolved.node) } : undefined;
}

/** `app.use(expressConnectMiddleware(…))`: the `use` call a middleware is handed to directly. */
function useCall(call: Node): Node | undefined {
  const args = parentOf(call);
  const use = args?.type === 'arguments' ? parentOf(args) : undefined;
  const fn = use?.type === 'call_expression' ? callee(use) : undefined;
  return use && fn?.type === 'member_expression' && field(fn, 'property')?.text === 'use' ? use : undefined;
}

/** `app.use('/grpc', …)`: the mount path, when the first argument is a string. */
function useMountPath(graph: ModuleGraph, module: JsModule, use: Node): string | undefined {
  const first = callArgs(use)[0];
  return first ? evalString(graph, module, first) : undefined;
}

/**
 * The app a registration call (`app.all(…)`, `app.use(…)`, `fastify.register(…)`) is made on: created in the
 * workspace by a server framework (`new Hono()`, `express()`, `Fastify()`), directly or handed to the function
 * that registers (`mountRpcRoutes(app)`, one level of callers).
 */
function hostOf(graph: ModuleGraph, module: JsModule, call: Node): { framework: string; file: string } | undefined {
  const fn = callee(call);
  const receiver = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
  if (receiver?.type !== 'identifier') return undefined;
  const direct = creation(graph, module, receiver);
  if (direct) return direct;
  let scope: Node | null | undefined = call;
  while (scope && !(isFunction(scope) || scope.type === 'function_declaration')) scope = parentOf(scope);
  if (!scope) return undefined;
  const index = parameterNames(scope).indexOf(receiver.text);
  const declared = scope.type === 'function_declaration' ? field(scope, 'name') : parentOf(scope)?.type === 'variable_declarator' ? field(parentOf(scope) as Node, 'name') : undefined;
  if (index < 0 || !declared) return undefined;
  const target = keyOf(module, scope);
  for (const caller of graph.modules.values()) {
    if (!caller.source.text.includes(declared.text)) continue;
    for (const site of descendants(caller.source.tree.rootNode, CALLS)) {
      const name = callee(site);
      if (name?.type !== 'identifier' || name.text !== declared.text) continue;
      const resolved = graph.resolve(caller, name);
      if (resolved.kind !== 'node' || keyOf(resolved.module, resolved.node.type === 'variable_declarator' ? (field(resolved.node, 'value') ?? resolved.node) : resolved.node) !== target) continue;
      const arg = callArgs(site)[index];
      const host = arg ? creation(graph, caller, arg) : undefined;
      if (host) return host;
    }
  }
  return undefined;
}

function creation(graph: ModuleGraph, module: JsModule, node: Node): { framework: string; file: string } | undefined {
  const resolved = graph.resolve(module, node);
  if (resolved.kind !== 'node') return undefined;
  const value = unwrap(resolved.node);
  if (value.type !== 'new_expression' && value.type !== 'call_expression') return undefined;
  const fn = value.type === 'new_expression' ? field(value, 'constructor') : callee(value);
  const made = fn ? graph.resolve(resolved.module, fn) : undefined;
  const framework = made?.kind === 'external' ? HOSTS[made.specifier] : undefined;
  return framework ? { framework, file: resolved.module.file } : undefined;
}

/** The `createConnectRouter()` call at the root of a chain an expression denotes, if any. */
function routerOf(graph: ModuleGraph, module: JsModule, node: Node, routers: Routers): { node: Node; module: JsModule } | undefined {
  const resolved = graph.resolve(module, node);
  if (resolved.kind !== 'node') return undefined;
  let current = unwrap(resolved.node);
  for (let depth = 0; depth < 200 && current.type === 'call_expression'; depth++) {
    if (routers.has(keyOf(resolved.module, current))) return { node: current, module: resolved.module };
    const fn = callee(current);
    const object = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
    if (!object) return undefined;
    current = unwrap(object);
  }
  return undefined;
}

function chainRegisters(router: Node): boolean {
  let current = parentOf(router);
  while (current && (current.type === 'member_expression' || current.type === 'call_expression' || current.type === 'parenthesized_expression')) {
    if (current.type === 'member_expression' && ['service', 'rpc'].includes(field(current, 'property')?.text ?? '')) return true;
    current = parentOf(current);
  }
  const declarator = current?.type === 'variable_declarator' ? field(current, 'name')?.text : undefined;
  return declarator !== undefined && new RegExp(`\\b${declarator}\\s*\\.\\s*(?:service|rpc)\\s*\\(`).test(router.tree.rootNode.text);
}

/**
 * The route a function containing `node` is registered on, when its path is a catch-all (`/rpc/*`,
 * `/rpc/:path*`, `/rpc/(.*)`): its prefix. Handlers registered by the app's own router (`app.all`,
 * `app.use`, `app.on`, verbs), written inline.
 */
function enclosingRoute(graph: ModuleGraph, module: JsModule, node: Node): { prefix: string; site: Node } | undefined {
  let current: Node | null | undefined = node;
  while (current && !isFunction(current)) current = parentOf(current);
  const args = current ? parentOf(current) : undefined;
  const call = args?.type === 'arguments' ? parentOf(args) : undefined;
  const fn = call?.type === 'call_expression' ? callee(call) : undefined;
  if (!call || fn?.type !== 'member_expression') return undefined;
  const method = field(fn, 'property')?.text ?? '';
  if (!['all', 'use', 'on', 'get', 'post', 'route'].includes(method)) return undefined;
  const pathArg = callArgs(call).find((arg) => arg.type !== 'array' && !isFunction(arg) && evalString(graph, module, arg)?.startsWith('/'));
  const pattern = pathArg ? evalString(graph, module, pathArg) : undefined;
  if (pattern === undefined) return undefined;
  const prefix = /^(.*?)\/(?:\*|:[A-Za-z_]\w*\*|\(\.\*\)|\{[A-Za-z_]\w*\*\})$/.exec(pattern)?.[1];
  if (prefix === undefined) return undefined;
  return { prefix: joinPaths(prefix), site: call };
}

/** The `.service(…)` / `.rpc(…)` calls a `routes` value registers: a router chain, a router variable, or a `(router) => …` function. */
function registrationsOf(
  graph: ModuleGraph,
  module: JsModule,
  routes: Node,
  routers: Routers,
  definitions: ServiceDefinitions,
  diagnostics: Diagnostic[],
): { found: Registration[]; routers: string[]; interceptors: { module: JsModule; list: Node }[] } {
  const resolved = graph.resolve(module, routes);
  const interceptors: { module: JsModule; list: Node }[] = [];
  if (resolved.kind !== 'node') return { found: [], routers: [], interceptors };
  const node = resolved.node.type === 'variable_declarator' ? (field(resolved.node, 'value') ?? resolved.node) : resolved.node;
  const calls: { module: JsModule; call: Node }[] = [];
  const used: string[] = [];
  if (isFunction(node) || node.type === 'function_declaration') {
    const parameter = parameterNames(node)[0];
    const body = field(node, 'body');
    if (parameter && body) {
      for (const call of descendants(body, CALLS)) if (registrationOn(call, parameter)) calls.push({ module: resolved.module, call });
    }
  } else {
    const router = routerOf(graph, resolved.module, node, routers);
    if (router) {
      used.push(keyOf(router.module, router.node));
      const options = callArgs(router.node)[0];
      const object = options ? unwrap(options) : undefined;
      const list = object?.type === 'object' ? objectProperty(object, 'interceptors') : undefined;
      if (list) interceptors.push({ module: router.module, list });
      let current = unwrap(node);
      while (current.type === 'call_expression' && keyOf(router.module, current) !== keyOf(router.module, router.node)) {
        const fn = callee(current);
        if (fn?.type === 'member_expression' && ['service', 'rpc'].includes(field(fn, 'property')?.text ?? '')) calls.push({ module: resolved.module, call: current });
        const object = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
        if (!object) break;
        current = unwrap(object);
      }
      // `const router = createConnectRouter(); router.service(A, a); router.service(B, b);`
      const declarator = parentOf(router.node);
      const name = declarator?.type === 'variable_declarator' ? field(declarator, 'name')?.text : undefined;
      if (name) for (const call of descendants(router.module.source.tree.rootNode, CALLS)) if (registrationOn(call, name)) calls.push({ module: router.module, call });
    }
  }
  const found: Registration[] = [];
  for (const { module: at, call } of calls.reverse()) {
    const fn = callee(call);
    const kind = fn ? field(fn, 'property')?.text : undefined;
    const args = callArgs(call);
    let serviceNode: Node | undefined;
    let only: string | undefined;
    let impl: Node | undefined;
    if (kind === 'service') [serviceNode, impl] = args;
    else if (args.length >= 3) {
      // v1: router.rpc(Service, Service.methods.say, impl)
      serviceNode = args[0];
      only = args[1] ? lastSegment(args[1]) : undefined;
      impl = args[2];
    } else {
      // v2: router.rpc(Service.method.say, impl)
      const method = args[0] ? unwrap(args[0]) : undefined;
      const holder = method?.type === 'member_expression' ? field(method, 'object') : undefined;
      serviceNode = holder?.type === 'member_expression' ? (field(holder, 'object') ?? undefined) : undefined;
      only = method ? lastSegment(method) : undefined;
      impl = args[1];
    }
    if (!serviceNode) continue;
    const service = definitions.of(at, serviceNode);
    if (!service) {
      diagnostics.push({ level: 'warning', file: at.file, line: call.startPosition.row + 1, message: `ConnectRPC: the service \`${serviceNode.text.slice(0, 80)}\` registered here could not be read (its generated code was not found); its methods are not inventoried.`, source: 'collector:connect' });
      continue;
    }
    const registration: Registration = { module: at, call, service, impl };
    if (only !== undefined) {
      const method = service.methods.find((candidate) => localName(candidate.name) === only || candidate.name === only);
      if (!method) continue;
      registration.only = method.name;
    }
    found.push(registration);
  }
  return { found, routers: used, interceptors };
}

function lastSegment(node: Node): string | undefined {
  const current = unwrap(node);
  return current.type === 'member_expression' ? field(current, 'property')?.text : undefined;
}

/** `router.service(…)` / `router.rpc(…)`, also further along a chain that starts at `router`. */
function registrationOn(call: Node, name: string): boolean {
  const fn = callee(call);
  if (fn?.type !== 'member_expression' || !['service', 'rpc'].includes(field(fn, 'property')?.text ?? '')) return false;
  let current = field(fn, 'object');
  for (let depth = 0; current && depth < 200; depth++) {
    current = unwrap(current);
    if (current.type === 'identifier') return current.text === name;
    const inner: Node | undefined = current.type === 'call_expression' ? callee(current) : current;
    if (inner?.type !== 'member_expression') return false;
    current = field(inner, 'object');
  }
  return false;
}

/** protobuf-es local names: `GetMonitor` → `getMonitor`, `get_monitor` → `getMonitor`. */
function localName(name: string): string {
  const camel = name.replace(/_([a-zA-Z0-9])/g, (_, c: string) => c.toUpperCase());
  return camel.charAt(0).toLowerCase() + camel.slice(1);
}

/** The implementation of one method in the object given to `.service` (a method, a property, or the function of `.rpc`). */
function implementation(graph: ModuleGraph, module: JsModule, impl: Node, method: MethodDef): ReturnType<typeof locate> | undefined {
  const resolved = graph.resolve(module, impl);
  if (resolved.kind !== 'node') return undefined;
  const value = unwrap(resolved.node);
  if (isFunction(value) || value.type === 'generator_function') return locate(resolved.module.file, value);
  if (value.type !== 'object') return undefined;
  const member = objectProperty(value, localName(method.name));
  if (!member) return undefined;
  if (member.type === 'method_definition' || isFunction(member)) return locate(resolved.module.file, member);
  const target = graph.resolve(resolved.module, member);
  return target.kind === 'node' ? locate(target.module.file, target.node) : undefined;
}

/**
 * Service definitions by the expression that names them: in the workspace's module graph, or, for a package
 * of the same monorepo (or generated code discovery left out), in the files read from disk.
 */
class ServiceDefinitions {
  readonly diagnostics: Diagnostic[] = [];
  private readonly packages: WorkspacePackages;
  private readonly disk = new Map<string, ModuleGraph | undefined>();

  constructor(
    private readonly graph: ModuleGraph,
    private readonly root: string,
  ) {
    this.packages = new WorkspacePackages(root);
  }

  of(module: JsModule, node: Node): ServiceDef | undefined {
    const resolved = this.graph.resolve(module, node);
    if (resolved.kind === 'node') return definitionAt(this.graph, resolved.module, resolved.node);
    if (resolved.kind !== 'external' || resolved.path.length !== 1) return undefined;
    const name = resolved.path[0] ?? '';
    let file: string | undefined;
    if (resolved.specifier.startsWith('.')) file = this.packages.resolveRelative(path.resolve(this.root, module.file), resolved.specifier);
    else file = this.packages.resolve(resolved.specifier);
    if (!file) return undefined;
    const graph = this.diskGraph(file);
    const entry = graph?.moduleOf(this.key(file));
    if (!graph || !entry) return undefined;
    const target = graph.exported(entry, name);
    return target.kind === 'node' ? definitionAt(graph, target.module, target.node) : undefined;
  }

  private key(file: string): string {
    return path.relative(this.packages.root ?? this.root, file).split(path.sep).join('/');
  }

  /** The entry file and the files it re-exports (relative `export … from`), parsed; at most 64 files. */
  private diskGraph(entry: string): ModuleGraph | undefined {
    if (this.disk.has(entry)) return this.disk.get(entry);
    const files: SourceFile[] = [];
    const queue = [entry];
    const visited = new Set<string>();
    while (queue.length > 0 && visited.size < 64) {
      const file = queue.shift() ?? '';
      if (visited.has(file)) continue;
      visited.add(file);
      const text = this.packages.read(file);
      if (text === undefined) continue;
      const language = /\.[cm]?jsx?$/.test(file) ? 'javascript' : 'typescript';
      const tree = parseSync(language, text);
      if (!tree) continue;
      files.push({ file: this.key(file), language, text, tree });
      for (const match of text.matchAll(/\b(?:export|import)\b[^;'"]*?\bfrom\s*['"](\.[^'"]+)['"]/g)) {
        const next = this.packages.resolveRelative(file, match[1] ?? '');
        if (next && !visited.has(next)) queue.push(next);
      }
    }
    const graph = files.length > 0 ? new ModuleGraph(files) : undefined;
    this.disk.set(entry, graph);
    return graph;
  }
}

/** protoc-gen-es v2 `serviceDesc(file_x, 0)` (descriptor in `fileDesc("…")`) or protoc-gen-connect-es v1 `{ typeName, methods }`. */
function definitionAt(graph: ModuleGraph, module: JsModule, node: Node): ServiceDef | undefined {
  const current = unwrap(node.type === 'variable_declarator' ? (field(node, 'value') ?? node) : node);
  if (current.type === 'call_expression' && /(?:^|\.)serviceDesc$/.test(callee(current)?.text ?? '')) {
    const [fileArg, indexArg] = callArgs(current);
    const index = indexArg ? Number(indexArg.text) : 0;
    const file = fileArg ? graph.resolve(module, fileArg) : undefined;
    if (file?.kind !== 'node') return undefined;
    const desc = unwrap(file.node);
    if (desc.type !== 'call_expression' || !/(?:^|\.)fileDesc$/.test(callee(desc)?.text ?? '')) return undefined;
    const first = callArgs(desc)[0];
    const encoded = first ? stringValue(first) : undefined;
    const services = encoded === undefined ? undefined : servicesOfDescriptor(encoded);
    return Number.isInteger(index) ? services?.[index] : undefined;
  }
  if (current.type !== 'object') return undefined;
  const typeNameNode = objectProperty(current, 'typeName');
  const typeName = typeNameNode ? evalString(graph, module, typeNameNode) : undefined;
  const methodsNode = objectProperty(current, 'methods');
  const methodsObject = methodsNode ? unwrap(methodsNode) : undefined;
  if (!typeName || methodsObject?.type !== 'object') return undefined;
  const methods: MethodDef[] = [];
  for (const pair of named(methodsObject)) {
    if (pair.type !== 'pair') continue;
    const value = field(pair, 'value');
    const spec = value ? unwrap(value) : undefined;
    if (spec?.type !== 'object') continue;
    const nameNode = objectProperty(spec, 'name');
    const name = nameNode ? evalString(graph, module, nameNode) : undefined;
    if (!name) continue;
    const kind = objectProperty(spec, 'kind')?.text ?? '';
    const idempotency = objectProperty(spec, 'idempotency')?.text ?? '';
    methods.push({ name, unary: /\.Unary$/.test(kind), noSideEffects: /\.NoSideEffects$/.test(idempotency) });
  }
  return { typeName, methods };
}

export const connectCollector: CodeCollector = {
  id: 'connect',
  languages: ['javascript', 'typescript', 'tsx'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['connect'], PACKAGES),
  collect: (sources, project) => collectConnect(sources, project.root),
};
