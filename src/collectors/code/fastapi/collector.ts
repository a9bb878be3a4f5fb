import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import type { SourceFile } from '../../../engine/context.js';
import type { AuthMechanism, Diagnostic, EvidenceScope, Parameter } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import {
  bodyOf,
  callArgs,
  calleeName,
  decoratorsOf,
  dotted,
  elements,
  field,
  isFString,
  kids,
  lastSegment,
  literalString,
  methodsOf,
  paramsOf,
  stringList,
  superclassNodes,
  type Param,
  unwrap,
  walk,
} from '../python/ast.js';
import { makeEndpoint, pythonEnabled, sortEndpoints } from '../python/endpoint.js';
import { UNKNOWN, UNPROTECTED, analyseBody, decide, isAuthish, isPublicMarker, locate, type Guard } from '../python/guards.js';
import { concatPaths, normaliseFastapiPath } from '../python/paths.js';
import { parentOf } from '../../../parsing/tree-index.js';
import { pythonIndex, type Bound, type PyIndex, type PyModule } from '../python/project.js';
import { prefixValues } from '../python/registrations.js';
import { pyValues } from '../python/values.js';
import { lookupTable } from '../../../analysis/lookup.js';

const ID = 'fastapi';
const ROUTE_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'trace', 'api_route', 'websocket']);
const ROUTER_CLASSES = new Set(['FastAPI', 'APIRouter']);
const GRAPHQL_APPS = new Set(['GraphQLRouter', 'GraphQL', 'GraphQLApp', 'GraphQLHTTPHandler']);
const SCHEMES: Record<string, AuthMechanism> = lookupTable({
  OAuth2PasswordBearer: 'oauth2',
  OAuth2AuthorizationCodeBearer: 'oauth2',
  OAuth2: 'oauth2',
  OpenIdConnect: 'openid',
  HTTPBearer: 'unknown',
  HTTPBasic: 'basic',
  HTTPDigest: 'basic',
  APIKeyHeader: 'api-key',
  APIKeyQuery: 'api-key',
  APIKeyCookie: 'api-key',
});
const NON_PARAM_TYPES = new Set(['Request', 'Response', 'WebSocket', 'BackgroundTasks', 'SecurityScopes', 'HTTPConnection', 'Session', 'AsyncSession']);
const SCALARS = /^(str|int|float|bool|bytes|UUID|uuid\.UUID|date|datetime|time|Decimal|EmailStr|HttpUrl|Optional|Union|list|List|set|Set|dict|Dict|Literal|None|Any)\b/;

interface DepRef {
  module: PyModule;
  call: Node;
  scope: EvidenceScope;
  /** Dependencies listed in `dependencies=[...]` run for their effect only: their value is discarded. */
  discarded: boolean;
}

interface Route {
  module: PyModule;
  /** The module of `at`, when the handler lives elsewhere. */
  atModule?: PyModule;
  /** A route Starlette serves outside FastAPI's dependency system (docs, static files): only middleware can guard it. */
  plain?: { detail: string };
  methods: string[];
  path: string;
  at: Node;
  handler?: Node;
  deps: DepRef[];
  protocol: 'rest' | 'websocket' | 'graphql';
  deprecated: boolean;
  operationId?: string;
  summary?: string;
  tags: string[];
}

interface Include {
  child: RouterObj;
  prefix: string;
  deps: DepRef[];
  tags: string[];
  mount: boolean;
}

interface RouterObj {
  key: string;
  module: PyModule;
  name: string;
  isApp: boolean;
  isGraphql: boolean;
  prefix: string;
  deps: DepRef[];
  tags: string[];
  includes: Include[];
  routes: Route[];
  middleware?: Node;
  included: boolean;
  at: Node;
}

type Verdict =
  | { kind: 'auth'; mechanisms: Set<AuthMechanism>; detail: string; scopes: string[] }
  | { kind: 'optional'; mechanisms: Set<AuthMechanism>; detail: string }
  | { kind: 'unknown'; detail: string }
  | { kind: 'none' };

class FastapiScan {
  readonly routers = new Map<string, RouterObj>();
  readonly diagnostics: Diagnostic[] = [];
  private readonly localRouters = new Map<string, Map<string, RouterObj>>();
  private readonly verdicts = new Map<string, Verdict>();

  constructor(private readonly index: PyIndex) {}

  run(): CollectedEndpoint[] {
    const candidates = this.index.modules.filter((module) => /fastapi|FastAPI|Router|include_router/.test(module.source.text));
    for (const module of candidates) this.findRouters(module);
    for (const module of candidates) this.findRoutes(module);
    const endpoints: CollectedEndpoint[] = [];
    const roots = [...this.routers.values()].filter((router) => router.isApp && !router.included);
    for (const root of roots) this.emit(root, { prefix: '', guards: [], app: root, stack: new Set() }, endpoints, true);
    for (const router of this.routers.values()) {
      if (!router.included && !router.isApp) this.emit(router, { prefix: '', guards: [], app: undefined, stack: new Set() }, endpoints, false);
    }
    return endpoints;
  }

  private findRouters(module: PyModule): void {
    const local = new Map<string, RouterObj>();
    this.localRouters.set(module.source.file, local);
    for (const node of this.index.nodes(module).assignments) {
      const left = field(node, 'left');
      const right = field(node, 'right');
      if (left?.type !== 'identifier' || !right) continue;
      const value = unwrap(right);
      const name = value.type === 'call' ? calleeName(value) : undefined;
      if (name === undefined) continue;
      // `class UserAPIRouter(APIRouter)` whose __init__ passes `dependencies=[Depends(get_current_user)]` to super().
      const subclass = ROUTER_CLASSES.has(lastSegment(name)) || GRAPHQL_APPS.has(lastSegment(name)) ? undefined : this.routerSubclass(module, value);
      const cls = subclass?.base ?? lastSegment(name);
      const graphql = GRAPHQL_APPS.has(cls);
      if (!ROUTER_CLASSES.has(cls) && !graphql) continue;
      const args = callArgs(value);
      const prefixNode = args.keywords.get(graphql ? 'path' : 'prefix') ?? subclass?.prefix;
      const router: RouterObj = {
        key: `${module.source.file}:${value.startIndex}`,
        module,
        name: left.text,
        isApp: cls === 'FastAPI',
        isGraphql: graphql,
        prefix: prefixNode ? (this.index.evalString(module, prefixNode) ?? '') : '',
        deps: [...(subclass?.deps ?? []), ...this.depList(module, args.keywords.get('dependencies'), cls === 'FastAPI' ? 'app' : 'router')],
        tags: stringList(args.keywords.get('tags')),
        includes: [],
        routes: [],
        included: false,
        at: value,
      };
      if (router.isApp) router.routes.push(...this.docsRoutes(module, value, args));
      this.routers.set(router.key, router);
      local.set(router.name, router);
    }
  }

  /** A project subclass of APIRouter / FastAPI: the base, and what its `__init__` hands to `super().__init__(...)`. */
  private routerSubclass(module: PyModule, call: Node): { base: string; deps: DepRef[]; prefix?: Node } | undefined {
    const fn = field(call, 'function');
    const resolved = fn ? this.index.resolveExpr(module, fn) : undefined;
    if (resolved?.kind !== 'def' || resolved.node.type !== 'class_definition') return undefined;
    const base = superclassNodes(resolved.node).map((node) => lastSegment(node.text)).find((name) => ROUTER_CLASSES.has(name));
    if (!base) return undefined;
    const init = methodsOf(resolved.node).get('__init__');
    let superCall: Node | undefined;
    if (init) {
      walk(init, (node) => {
        if (superCall || node.type !== 'call') return !superCall;
        if (/^super\(\s*\)\.__init__$/.test(field(node, 'function')?.text ?? '')) superCall = node;
        return !superCall;
      });
    }
    if (!superCall) return { base, deps: [] };
    const superArgs = callArgs(superCall);
    const deps = this.depList(resolved.module, superArgs.keywords.get('dependencies'), base === 'FastAPI' ? 'app' : 'router');
    // `prefix=prefix` forwards the caller's argument (read from the call); a literal is the subclass's own.
    const prefixNode = superArgs.keywords.get('prefix');
    const own = prefixNode && unwrap(prefixNode).type !== 'identifier' ? prefixNode : undefined;
    return { base, deps, ...(own ? { prefix: own } : {}) };
  }

  /**
   * The routes FastAPI adds itself: `openapi_url` (default `/openapi.json`), and when it is set,
   * `docs_url` (`/docs`) with its `swagger_ui_oauth2_redirect_url` and `redoc_url` (`/redoc`).
   * They are plain Starlette routes: no app or router dependency applies to them.
   */
  private docsRoutes(module: PyModule, app: Node, args: ReturnType<typeof callArgs>): Route[] {
    const setting = (name: string, fallback: string): string | null | undefined => {
      const node = args.keywords.get(name);
      if (node) return this.optionalString(module, node);
      const splats = args.positional.filter((arg) => arg.type === 'dictionary_splat');
      if (splats.length === 0) return fallback;
      // `FastAPI(**settings.fastapi_kwargs)` may set any of them: read the dicts when they are literals.
      const given = splats.map((splat) => this.splatSetting(module, splat, name));
      if (given.some((value) => value === undefined)) return undefined;
      const set = given.filter((value): value is { value: string | null } => value !== 'absent');
      if (set.length === 0) return fallback;
      const first = set[0];
      return first && set.every((entry) => entry.value === first.value) ? first.value : undefined;
    };
    const urls: [string, string | null | undefined][] = [];
    const openapi = setting('openapi_url', '/openapi.json');
    urls.push(['openapi_url', openapi]);
    if (openapi !== null) {
      const docs = setting('docs_url', '/docs');
      urls.push(['docs_url', docs]);
      if (docs !== null) urls.push(['swagger_ui_oauth2_redirect_url', setting('swagger_ui_oauth2_redirect_url', '/docs/oauth2-redirect')]);
      urls.push(['redoc_url', setting('redoc_url', '/redoc')]);
    }
    const out: Route[] = [];
    for (const [name, url] of urls) {
      if (url === null) continue;
      if (url === undefined) {
        this.diagnose(module, app, `FastAPI's ${name} cannot be resolved statically; the route it serves is not listed.`);
        continue;
      }
      out.push({ module, methods: ['GET'], path: url, at: app, deps: [], protocol: 'rest', deprecated: false, tags: [], plain: { detail: `FastAPI serves ${name} without dependencies` } });
    }
    return out;
  }

  /**
   * What `**kwargs` gives for `name`: `absent` when every dict it may be lacks the key, the value
   * when they agree, undefined when any is not a literal dict or its value is not known.
   */
  private splatSetting(module: PyModule, splat: Node, name: string): { value: string | null } | 'absent' | undefined {
    const inner = splat.firstNamedChild;
    if (!inner) return undefined;
    const values = pyValues(this.index);
    const options = values.alternatives({ module, node: inner });
    let absent = false;
    let found: { value: string | null } | undefined;
    for (const option of options) {
      const dict = unwrap(option.node);
      if (dict.type !== 'dictionary') return undefined;
      let entry: Node | undefined;
      for (const pair of dict.namedChildren) {
        if (pair?.type === 'dictionary_splat') return undefined;
        if (pair?.type !== 'pair') continue;
        const key = field(pair, 'key');
        if (key?.type !== 'string') return undefined;
        if (this.index.evalString(option.module, key) === name) entry = field(pair, 'value') ?? undefined;
      }
      if (!entry) {
        absent = true;
        continue;
      }
      const value = unwrap(entry).type === 'none' ? null : values.strings({ module: option.module, node: entry });
      if (value !== null && value.length !== 1) return undefined;
      const one = value === null ? null : (value[0] ?? null);
      if (found && found.value !== one) return undefined;
      found = { value: one };
    }
    if (found && absent) return undefined;
    return found ?? (absent ? 'absent' : undefined);
  }

  /** A string setting that may be `None`: the string, null for None, undefined when not known statically. */
  private optionalString(module: PyModule, node: Node, depth = 0): string | null | undefined {
    const target = unwrap(node);
    if (target.type === 'none') return null;
    const value = this.index.evalString(module, target);
    if (value !== undefined || depth > 3) return value;
    if (target.type === 'identifier' || target.type === 'attribute') {
      const resolved = this.index.resolveExpr(module, target);
      if (resolved?.kind === 'value') return this.optionalString(resolved.module, resolved.node, depth + 1);
    }
    return undefined;
  }

  private routerFor(module: PyModule, expression: Node): RouterObj | undefined {
    const target = unwrap(expression);
    if (target.type === 'call') {
      // `include_router(GraphQLRouter(schema), prefix="/graphql")`.
      return this.routers.get(`${module.source.file}:${target.startIndex}`);
    }
    return this.index.registered(module, target, this.routers, this.localRouters.get(module.source.file));
  }

  private findRoutes(module: PyModule): void {
    const nodes = this.index.nodes(module);
    for (const node of nodes.calls) this.routerCall(module, node);
    for (const node of nodes.decorators) this.routeDecorator(module, node);
  }

  private routerCall(module: PyModule, call: Node): void {
    const fn = field(call, 'function');
    if (fn?.type !== 'attribute') return;
    const method = field(fn, 'attribute')?.text ?? '';
    if (!['include_router', 'mount', 'add_route', 'add_api_route', 'add_websocket_route', 'add_middleware'].includes(method)) return;
    const objectNode = field(fn, 'object');
    if (!objectNode) return;
    const args = callArgs(call);
    const includes = method === 'include_router' || method === 'mount';
    const childNode = method === 'mount' ? (args.keywords.get('app') ?? args.positional[1]) : method === 'include_router' ? (args.keywords.get('router') ?? args.positional[0]) : undefined;
    const prefixNode = method === 'mount' ? (args.keywords.get('path') ?? args.positional[0]) : method === 'include_router' ? args.keywords.get('prefix') : (args.keywords.get('path') ?? args.positional[0]);
    // `def register_routes(app): app.include_router(r, prefix=p)`: each call site supplies the objects.
    for (const [ownerAt, childAt, prefixAt] of this.index.expandBindings(module, [objectNode, childNode, prefixNode])) {
      const owner = ownerAt ? this.routerFor(ownerAt.module, ownerAt.node) : undefined;
      if (!owner) {
        const child = childAt ? this.routerFor(childAt.module, childAt.node) : undefined;
        if (child) this.diagnose(module, call, `${child.name} is passed to ${method}() on ${objectNode.text}, which cannot be resolved to a FastAPI app or router; its routes are listed without that mount.`);
        continue;
      }
      if (includes) this.include(module, call, method, args, owner, childAt, prefixAt);
      else if (method === 'add_middleware') this.middleware(args, owner, call);
      else this.addRoute(module, call, method, args, owner, prefixAt);
    }
  }

  /**
   * A prefix's value: what the index evaluates, else what the value analysis finds when it finds
   * exactly one (`prefix=settings.api_prefix` with `settings` from a factory choosing a settings
   * class by environment, each class inheriting the same default).
   */
  private prefixOf(at: Bound): string | undefined {
    const plain = this.index.evalString(at.module, at.node, 0, at.env);
    if (plain !== undefined) return plain;
    const values = prefixValues(this.index, at);
    return values.length === 1 ? values[0] : undefined;
  }

  private include(module: PyModule, call: Node, method: string, args: ReturnType<typeof callArgs>, owner: RouterObj, childAt: Bound | undefined, prefixAt: Bound | undefined): void {
    const child = childAt ? this.routerFor(childAt.module, childAt.node) : undefined;
    const prefix = prefixAt ? this.prefixOf(prefixAt) : '';
    const inline = childAt ? unwrap(childAt.node) : undefined;
    const inlineClass = inline?.type === 'call' ? lastSegment(calleeName(inline) ?? '') : '';
    if (!child && prefix !== undefined && GRAPHQL_APPS.has(inlineClass)) {
      owner.routes.push(this.graphqlRoute(module, call, prefix, []));
      return;
    }
    if (!child && method === 'mount' && inline && prefix !== undefined && this.isStaticFiles(childAt as Bound)) {
      owner.routes.push({
        module,
        methods: ['GET'],
        path: `${prefix}/{path}`,
        at: call,
        deps: [],
        protocol: 'rest',
        deprecated: false,
        tags: [],
        plain: { detail: `${prefix} serves files through StaticFiles, which checks no credential` },
      });
      return;
    }
    if (!child) {
      const what = childAt?.node.text ?? 'the router';
      this.diagnose(
        module,
        call,
        method === 'mount'
          ? `The application mounted at ${prefixAt?.node.text ?? '/'} (${what}) is not a FastAPI app or router found in the project; its routes are not listed.`
          : `The router passed to include_router() (${what}) cannot be resolved; its routes are not listed.`,
      );
      return;
    }
    if (prefix === undefined) {
      this.diagnose(module, call, `${child.name} is included under a prefix (${prefixAt?.node.text ?? ''}) that cannot be resolved statically; its routes are listed without it.`);
    }
    child.included = true;
    if (child.isGraphql) {
      owner.routes.push(this.graphqlRoute(module, call, (prefix ?? '') + child.prefix, this.depList(module, args.keywords.get('dependencies'), 'router')));
      return;
    }
    owner.includes.push({
      child,
      prefix: prefix ?? '',
      deps: method === 'mount' ? [] : this.depList(module, args.keywords.get('dependencies'), 'router'),
      tags: stringList(args.keywords.get('tags')),
      mount: method === 'mount',
    });
  }

  /** `StaticFiles(directory=…)` (fastapi.staticfiles / starlette.staticfiles), directly or through a name. */
  private isStaticFiles(at: Bound): boolean {
    let target = unwrap(at.node);
    if (target.type === 'identifier' || target.type === 'attribute') {
      const resolved = this.index.resolveExpr(at.module, target);
      if (resolved?.kind !== 'value') return false;
      target = unwrap(resolved.node);
    }
    return target.type === 'call' && lastSegment(calleeName(target) ?? '') === 'StaticFiles';
  }

  private middleware(args: ReturnType<typeof callArgs>, owner: RouterObj, call: Node): void {
    const cls = args.positional[0];
    const name = cls ? dotted(cls) : undefined;
    if (name !== undefined && isAuthish(name) && !/Session|CORS|GZip|TrustedHost|HTTPSRedirect/.test(name)) owner.middleware ??= call;
  }

  private addRoute(module: PyModule, call: Node, method: string, args: ReturnType<typeof callArgs>, owner: RouterObj, pathAt: Bound | undefined): void {
    const path = pathAt ? this.index.evalString(pathAt.module, pathAt.node, 0, pathAt.env) : undefined;
    if (path === undefined) {
      this.diagnose(module, call, `A route registered with ${method}() has a path that cannot be resolved statically; it is skipped.`);
      return;
    }
    const target = args.keywords.get('endpoint') ?? args.keywords.get('route') ?? args.positional[1];
    if (method === 'add_route' && target && unwrap(target).type === 'call' && GRAPHQL_APPS.has(lastSegment(calleeName(unwrap(target)) ?? ''))) {
      owner.routes.push(this.graphqlRoute(module, call, path, []));
      return;
    }
    if (method === 'add_route' && target) {
      const child = this.routerFor(module, target);
      if (child?.isGraphql) {
        child.included = true;
        owner.routes.push(this.graphqlRoute(module, call, path, []));
        return;
      }
    }
    const handler = target ? this.index.resolveExpr(module, target) : undefined;
    const methodsNode = args.keywords.get('methods');
    const methods = method === 'add_websocket_route' ? ['GET'] : methodsNode ? stringList(methodsNode).map((m) => m.toUpperCase()) : ['GET'];
    owner.routes.push({
      module: handler?.kind === 'def' ? handler.module : module,
      atModule: module,
      methods,
      path,
      at: call,
      ...(handler?.kind === 'def' ? { handler: handler.node } : {}),
      deps: this.depList(module, args.keywords.get('dependencies'), 'route'),
      protocol: method === 'add_websocket_route' ? 'websocket' : 'rest',
      deprecated: args.keywords.get('deprecated')?.text === 'True',
      tags: stringList(args.keywords.get('tags')),
    });
  }

  private graphqlRoute(module: PyModule, call: Node, path: string, deps: DepRef[]): Route {
    return { module, methods: ['POST'], path, at: call, deps, protocol: 'graphql', deprecated: false, tags: [] };
  }

  private routeDecorator(module: PyModule, decorator: Node): void {
    const expression = kids(decorator)[0];
    if (expression?.type !== 'call') return;
    const fn = field(expression, 'function');
    if (fn?.type !== 'attribute') return;
    const verb = field(fn, 'attribute')?.text ?? '';
    const objectNode = field(fn, 'object');
    if (!objectNode) return;
    if (verb === 'middleware') {
      const owner = this.routerFor(module, objectNode);
      const holder = parentOf(decorator);
      const def = holder ? field(holder, 'definition') : undefined;
      if (owner && def && analyseBody(this.index, module, def).enforces) owner.middleware ??= def;
      return;
    }
    if (!ROUTE_METHODS.has(verb)) return;
    const owner = this.routerFor(module, objectNode);
    if (!owner) return;
    const args = callArgs(expression);
    const pathNode = args.keywords.get('path') ?? args.positional[0];
    const path = pathNode ? this.index.evalString(module, pathNode) : undefined;
    if (path === undefined) {
      this.diagnose(module, expression, 'A route path cannot be resolved statically; the route is skipped.');
      return;
    }
    const holder = parentOf(decorator);
    const def = holder ? field(holder, 'definition') : undefined;
    const methods =
      verb === 'api_route'
        ? stringList(args.keywords.get('methods')).map((m) => m.toUpperCase())
        : verb === 'websocket'
          ? ['GET']
          : [verb.toUpperCase()];
    const operationId = literalString(args.keywords.get('operation_id'));
    const summary = literalString(args.keywords.get('summary'));
    owner.routes.push({
      module,
      methods: methods.length > 0 ? methods : ['GET'],
      path,
      at: expression,
      ...(def ? { handler: def } : {}),
      deps: this.depList(module, args.keywords.get('dependencies'), 'route'),
      protocol: verb === 'websocket' ? 'websocket' : 'rest',
      deprecated: args.keywords.get('deprecated')?.text === 'True',
      ...(operationId !== undefined ? { operationId } : {}),
      ...(summary !== undefined ? { summary } : {}),
      tags: stringList(args.keywords.get('tags')),
    });
  }

  private depList(module: PyModule, node: Node | undefined, scope: EvidenceScope): DepRef[] {
    const out: DepRef[] = [];
    for (const element of elements(node)) {
      const call = unwrap(element);
      if (call.type === 'call' && isDependsCall(call)) out.push({ module, call, scope, discarded: true });
    }
    return out;
  }

  private emit(
    router: RouterObj,
    context: { prefix: string; guards: Guard[]; app: RouterObj | undefined; stack: Set<string> },
    out: CollectedEndpoint[],
    reachable: boolean,
  ): void {
    if (context.stack.has(router.key)) return;
    const stack = new Set(context.stack).add(router.key);
    const guards = [...context.guards, ...router.deps.flatMap((dep) => this.guard(dep))];
    const base = context.prefix + router.prefix;
    for (const route of router.routes) out.push(...this.endpoints(route, base, guards, context.app, reachable, router.tags));
    for (const include of router.includes) {
      const includeGuards = include.mount ? [] : include.deps.flatMap((dep) => this.guard(dep));
      this.emit(
        include.child,
        {
          prefix: base + include.prefix,
          // A mounted sub-application does not inherit the parent's dependencies (only its ASGI middleware).
          guards: include.mount ? (context.app?.middleware ? [this.middlewareGuard(context.app)] : []) : [...guards, ...includeGuards],
          app: include.child.isApp ? include.child : context.app,
          stack,
        },
        out,
        reachable,
      );
    }
  }

  private middlewareGuard(app: RouterObj): Guard {
    const at = app.middleware ?? app.at;
    return { kind: 'unknown', mechanisms: ['unknown'], detail: 'app middleware may enforce authentication', where: locate(app.module, at), scope: 'app' };
  }

  private endpoints(route: Route, prefix: string, inherited: Guard[], app: RouterObj | undefined, reachable: boolean, routerTags: string[]): CollectedEndpoint[] {
    const module = route.module;
    const guards = [...route.deps.flatMap((dep) => this.guard(dep))];
    const parameters: Parameter[] = [];
    const path = normaliseFastapiPath(concatPaths(prefix, route.path));
    if (route.handler) {
      for (const dep of this.classViewDependencies(module, route.handler)) guards.push(...this.guard(dep));
      for (const param of paramsOf(route.handler)) {
        const deps = dependsIn(this.index, module, param);
        if (deps.length > 0) {
          guards.push(...deps.flatMap((dep) => this.guard({ module: dep.module, call: dep.call, scope: 'route', discarded: false })));
          continue;
        }
        const parameter = describeParam(param, path);
        if (parameter) parameters.push(parameter);
      }
      for (const decorator of decoratorsOf(route.handler)) {
        const name = dotted(unwrap(decorator).type === 'call' ? (field(unwrap(decorator), 'function') ?? decorator) : decorator);
        if (name !== undefined && isPublicMarker(name)) {
          guards.push({ kind: 'public', mechanisms: ['none'], detail: `@${name}`, where: locate(module, decorator), scope: 'route' });
        }
      }
    }
    if (!route.plain) guards.push(...inherited);
    if (app?.middleware) guards.push(this.middlewareGuard(app));
    const fallback = !reachable
      ? UNKNOWN('router is not included in any app found')
      : route.plain
        ? { state: 'public' as const, mechanisms: ['none' as const], detail: route.plain.detail, where: locate(route.atModule ?? module, route.at), scope: 'route' as const }
        : UNPROTECTED('no dependency, router or app guard applies');
    const auth = decide(guards, fallback);
    return route.methods.map((method) =>
      makeEndpoint({
        framework: ID,
        method,
        path,
        protocol: route.protocol,
        location: locate(route.atModule ?? module, route.at),
        auth,
        parameters,
        ...(route.handler ? { handler: locate(module, route.handler) } : {}),
        ...(app ? { appFile: app.module.source.file } : {}),
        deprecated: route.deprecated,
        ...(route.operationId !== undefined ? { operationId: route.operationId } : {}),
        ...(route.summary !== undefined ? { summary: route.summary } : {}),
        tags: [...new Set([...routerTags, ...route.tags])],
      }),
    );
  }

  /**
   * Class-based views (`@cbv(router)` from fastapi-utils / fastapi-restful, or a project's copy such as
   * `@controller(router)`): the class attributes declared `user: User = Depends(get_current_user)`, its
   * bases' included, are resolved for every endpoint method of the class.
   */
  private classViewDependencies(module: PyModule, handler: Node): DepRef[] {
    const holder = parentOf(handler)?.type === 'decorated_definition' ? parentOf(handler) : handler;
    const cls = parentOf(parentOf(holder));
    if (cls?.type !== 'class_definition') return [];
    const isView = decoratorsOf(cls).some((decorator) => {
      const target = unwrap(decorator);
      if (target.type !== 'call') return false;
      const first = callArgs(target).positional[0];
      return /^(cbv|controller)$/.test(lastSegment(calleeName(target) ?? '')) && first !== undefined && this.routerFor(module, first) !== undefined;
    });
    if (!isView) return [];
    const out: DepRef[] = [];
    const visit = (from: PyModule, node: Node, depth: number): void => {
      if (depth > 5) return;
      for (const base of superclassNodes(node)) {
        const resolved = this.index.resolveExpr(from, base);
        if (resolved?.kind === 'def' && resolved.node.type === 'class_definition') visit(resolved.module, resolved.node, depth + 1);
      }
      for (const statement of bodyOf(node)) {
        const assignment = statement.type === 'expression_statement' ? statement.firstNamedChild : undefined;
        if (assignment?.type !== 'assignment' || field(assignment, 'left')?.type !== 'identifier') continue;
        const param = { name: field(assignment, 'left')?.text ?? '', node: assignment, ...(field(assignment, 'type') ? { type: field(assignment, 'type') as Node } : {}), ...(field(assignment, 'right') ? { value: field(assignment, 'right') as Node } : {}) };
        for (const dep of dependsIn(this.index, from, param)) out.push({ module: dep.module, call: dep.call, scope: 'route', discarded: false });
      }
    };
    visit(module, cls, 0);
    return out;
  }

  private guard(dep: DepRef): Guard[] {
    const inner = dependencyTarget(dep.call);
    const verdict = inner ? this.verdict(dep.module, inner, 0) : ({ kind: 'none' } as const);
    const where = locate(dep.module, dep.call);
    const scopes = stringList(callArgs(dep.call).keywords.get('scopes'));
    if (verdict.kind === 'auth') {
      const bare = inner ? this.isBareScheme(dep.module, inner) : false;
      if (bare && dep.discarded) {
        return [{ kind: 'unknown', mechanisms: ['unknown'], detail: `${dep.call.text} requires a credential but nothing validates it`, where, scope: dep.scope }];
      }
      return [{ kind: 'protected', mechanisms: [...verdict.mechanisms], detail: dep.call.text, where, scope: dep.scope, scopes: [...scopes, ...verdict.scopes] }];
    }
    if (verdict.kind === 'unknown') return [{ kind: 'unknown', mechanisms: ['unknown'], detail: verdict.detail, where, scope: dep.scope }];
    return [];
  }

  private isBareScheme(module: PyModule, node: Node): boolean {
    const target = unwrap(node);
    const resolved = target.type === 'call' ? undefined : this.index.resolveExpr(module, target);
    const call = target.type === 'call' ? target : resolved?.kind === 'value' ? unwrap(resolved.node) : undefined;
    return call?.type === 'call' && SCHEMES[lastSegment(calleeName(call) ?? '')] !== undefined;
  }

  /** Whether depending on `node` authenticates the request, following dependency functions a few levels down. */
  private verdict(module: PyModule, node: Node, depth: number): Verdict {
    const key = `${module.source.file}:${node.startIndex}:${node.endIndex}`;
    const cached = this.verdicts.get(key);
    if (cached) return cached;
    this.verdicts.set(key, { kind: 'none' });
    const verdict = depth > 5 ? ({ kind: 'unknown', detail: `${node.text} is nested too deep to analyse` } as const) : this.computeVerdict(module, node, depth);
    this.verdicts.set(key, verdict);
    return verdict;
  }

  private computeVerdict(module: PyModule, node: Node, depth: number): Verdict {
    const target = unwrap(node);
    const label = target.text.length > 60 ? `${target.text.slice(0, 57)}...` : target.text;
    if (target.type === 'call') {
      const scheme = schemeVerdict(target);
      if (scheme) return scheme;
      const fn = field(target, 'function');
      const callee = fn ? this.index.resolveExpr(module, fn) : undefined;
      if (callee?.kind === 'def' && callee.node.type === 'class_definition') return this.classVerdict(callee.module, callee.node, depth, label, target);
      if (callee?.kind === 'def') {
        // `Depends(get_authorizer(required=False))`: a factory returning one of several project functions.
        const chosen = this.factoryVerdict(module, target, callee.module, callee.node, depth, label);
        if (chosen) return chosen;
        // A dependency factory: the function it returns is the dependency.
        const own = this.functionVerdict(callee.module, callee.node, depth, label);
        if (own.kind !== 'none') return own;
        for (const inner of nestedFunctions(callee.node)) {
          const verdict = this.functionVerdict(callee.module, inner, depth + 1, label);
          if (verdict.kind !== 'none') return verdict;
        }
        return isAuthish(label) ? { kind: 'unknown', detail: `${label} cannot be analysed` } : { kind: 'none' };
      }
      return isAuthish(label) ? { kind: 'unknown', detail: `${label} comes from outside the project` } : { kind: 'none' };
    }
    const resolved = this.index.resolveExpr(module, target);
    if (!resolved || resolved.kind === 'external' || resolved.kind === 'module') {
      return isAuthish(label) ? { kind: 'unknown', detail: `${label} cannot be resolved` } : { kind: 'none' };
    }
    if (resolved.kind === 'value') {
      const value = unwrap(resolved.node);
      if (value.type === 'call') return this.verdict(resolved.module, value, depth + 1);
      return isAuthish(label) ? { kind: 'unknown', detail: `${label} cannot be analysed` } : { kind: 'none' };
    }
    if (resolved.node.type === 'class_definition') {
      const init = methodsOf(resolved.node).get('__init__');
      return init ? this.functionVerdict(resolved.module, init, depth, label) : { kind: 'none' };
    }
    return this.functionVerdict(resolved.module, resolved.node, depth, label);
  }

  private classVerdict(module: PyModule, cls: Node, depth: number, label: string, construction?: Node): Verdict {
    let base: Extract<Verdict, { kind: 'auth' }> | undefined;
    for (const superclass of superclassNodes(cls)) {
      const name = lastSegment(dotted(superclass) ?? '');
      const mechanism = SCHEMES[name];
      if (mechanism !== undefined) base = { kind: 'auth', mechanisms: new Set([mechanism]), detail: name, scopes: [] };
    }
    // A subclassed security scheme built with auto_error=False hands back None instead of rejecting, like the scheme itself.
    if (base && construction && callArgs(construction).keywords.get('auto_error')?.text === 'False') return { kind: 'optional', mechanisms: base.mechanisms, detail: label };
    const call = methodsOf(cls).get('__call__');
    if (!call) return base ?? (isAuthish(label) ? { kind: 'unknown', detail: `${label} cannot be analysed` } : { kind: 'none' });
    const own = this.functionVerdict(module, call, depth, label);
    if (!base) return own;
    const body = analyseBody(this.index, module, call);
    const mechanisms = new Set(base.mechanisms);
    if (body.mechanisms.has('jwt')) return { kind: 'auth', mechanisms: refineJwt(mechanisms), detail: label, scopes: [] };
    if (own.kind === 'auth') for (const m of own.mechanisms) mechanisms.add(m);
    return { kind: 'auth', mechanisms, detail: label, scopes: [] };
  }

  /**
   * A dependency factory whose body returns a project function by name, directly or through
   * `a if flag else b` / `if flag: return a` on its parameters: the call's arguments and the
   * parameters' defaults are bound, literal conditions evaluated, and the returned function analysed.
   * Undefined when the factory has another shape (the caller falls back to the generic handling).
   */
  private factoryVerdict(module: PyModule, call: Node, calleeModule: PyModule, factory: Node, depth: number, label: string): Verdict | undefined {
    if (factory.type !== 'function_definition') return undefined;
    const env = this.bindArguments(module, call, calleeModule, factory);
    if (!env) return undefined;
    const outcome = returnedNames(bodyOf(factory), env);
    if (!outcome || outcome.targets.length === 0) return undefined;
    for (const name of outcome.targets) {
      const resolved = this.index.resolveExpr(calleeModule, name);
      if (resolved?.kind !== 'def' || resolved.node.type !== 'function_definition') return undefined;
    }
    const verdicts = outcome.targets.map((name) => this.verdict(calleeModule, name, depth + 1));
    const first = verdicts[0];
    if (outcome.exact && first) return first;
    const auth = verdicts.filter((v): v is Extract<Verdict, { kind: 'auth' }> => v.kind === 'auth');
    if (auth.length === verdicts.length) {
      return { kind: 'auth', mechanisms: new Set(auth.flatMap((v) => [...v.mechanisms])), detail: label, scopes: auth.flatMap((v) => v.scopes) };
    }
    if (verdicts.every((v) => v.kind === 'none')) return { kind: 'none' };
    const names = outcome.targets.map((name) => name.text).join(' or ');
    return { kind: 'unknown', detail: `${label} returns ${names} depending on a value not known statically` };
  }

  /** Parameter name → literal value (or undefined when not a literal) for a call to `fn`; undefined when the call cannot be bound. */
  private bindArguments(module: PyModule, call: Node, calleeModule: PyModule, fn: Node): Map<string, Literal | typeof UNDECIDED> | undefined {
    const args = callArgs(call);
    const list = field(fn, 'parameters');
    if (!list) return undefined;
    if (kids(field(call, 'arguments') ?? call).some((arg) => arg.type === 'list_splat' || arg.type === 'dictionary_splat')) return undefined;
    const env = new Map<string, Literal | typeof UNDECIDED>();
    let position = 0;
    let positional = true;
    const byName = new Map(paramsOf(fn).map((param) => [param.node.id, param]));
    for (const node of kids(list)) {
      if (node.type === 'keyword_separator' || node.type === 'list_splat_pattern' || node.type === 'dictionary_splat_pattern') {
        positional = false;
        continue;
      }
      if (node.type === 'positional_separator') continue;
      const param = byName.get(node.id);
      if (!param) continue;
      const given = args.keywords.get(param.name) ?? (positional ? args.positional[position] : undefined);
      if (positional) position++;
      if (given) env.set(param.name, this.literal(module, given));
      else if (param.value) env.set(param.name, this.literal(calleeModule, param.value));
      else return undefined;
    }
    if (args.positional.length > position) return undefined;
    return env;
  }

  /** A literal's value, following a name bound to a literal at module level. */
  private literal(module: PyModule, node: Node, depth = 0): Literal | typeof UNDECIDED {
    const target = unwrap(node);
    const value = literalValue(target);
    if (value !== UNDECIDED || depth > 2) return value;
    if (target.type !== 'identifier' && target.type !== 'attribute') return UNDECIDED;
    const resolved = this.index.resolveExpr(module, target);
    return resolved?.kind === 'value' ? this.literal(resolved.module, resolved.node, depth + 1) : UNDECIDED;
  }

  private functionVerdict(module: PyModule, fn: Node, depth: number, label: string): Verdict {
    const subs: Verdict[] = [];
    const mechanisms = new Set<AuthMechanism>();
    const scopes: string[] = [];
    /** Parameters holding an optional credential (None when absent). */
    const optionalParams = new Set<string>();
    for (const param of paramsOf(fn)) {
      for (const { call, module: from } of dependsIn(this.index, module, param)) {
        const inner = dependencyTarget(call);
        const verdict = inner ? this.verdict(from, inner, depth + 1) : undefined;
        if (verdict) subs.push(verdict);
        if (verdict?.kind === 'optional') optionalParams.add(param.name);
        scopes.push(...stringList(callArgs(call).keywords.get('scopes')));
      }
      const value = param.value ? unwrap(param.value) : undefined;
      const kind = value?.type === 'call' ? lastSegment(calleeName(value) ?? '') : '';
      if (kind === 'Header' && /key/i.test(param.name + (value?.text ?? ''))) mechanisms.add('api-key');
      if (kind === 'Cookie') mechanisms.add('session');
    }
    const body = analyseBody(this.index, module, fn);
    for (const m of body.mechanisms) mechanisms.add(m);
    const auth = subs.filter((v): v is Extract<Verdict, { kind: 'auth' }> => v.kind === 'auth');
    const optional = subs.filter((v): v is Extract<Verdict, { kind: 'optional' }> => v.kind === 'optional');
    const decodesJwt = body.mechanisms.has('jwt');
    if (auth.length > 0) {
      const merged = new Set(auth.flatMap((v) => [...v.mechanisms]));
      return { kind: 'auth', mechanisms: decodesJwt ? refineJwt(merged) : merged, detail: label, scopes: [...scopes, ...auth.flatMap((v) => v.scopes)] };
    }
    if (optional.length > 0) {
      const merged = new Set(optional.flatMap((v) => [...v.mechanisms]));
      if (body.enforces && this.enforcesWithoutCredential(module, fn, optionalParams)) return { kind: 'auth', mechanisms: decodesJwt ? refineJwt(merged) : merged, detail: label, scopes };
      return { kind: 'optional', mechanisms: merged, detail: label };
    }
    if (body.enforces) {
      const found = new Set([...mechanisms].filter((m) => m !== 'basic' || body.mechanisms.has('basic')));
      return { kind: 'auth', mechanisms: found.size > 0 ? found : new Set(['unknown']), detail: label, scopes };
    }
    if (body.configGated !== undefined) return { kind: 'unknown', detail: `${label} rejects requests only when ${body.configGated} (a configuration setting, not the request)` };
    const unknown = subs.find((v): v is Extract<Verdict, { kind: 'unknown' }> => v.kind === 'unknown');
    if (unknown) return unknown;
    return isAuthish(label) ? { kind: 'unknown', detail: `${label} does not visibly reject requests` } : { kind: 'none' };
  }

  /**
   * Whether the rejection in `fn` can happen when the optional credential is absent: code under
   * `if token:` / `if token is not None:` (no else) only runs with a credential, so a rejection there
   * (`if token: return await strict_user(token)`) still lets anonymous requests through.
   */
  private enforcesWithoutCredential(module: PyModule, fn: Node, optionalParams: ReadonlySet<string>): boolean {
    for (const statement of bodyOf(fn)) {
      if (statement.type === 'if_statement' && field(statement, 'alternative') === undefined) {
        const condition = field(statement, 'condition');
        if (condition && requiresPresence(condition, optionalParams)) continue;
        // `if token is None: return None`: what follows runs only when a credential was sent.
        const consequence = field(statement, 'consequence');
        const last = consequence ? kids(consequence).filter((child) => child.type !== 'comment').at(-1) : undefined;
        if (condition && requiresAbsence(condition, optionalParams) && last?.type === 'return_statement') {
          return consequence ? analyseBody(this.index, module, consequence).enforces : false;
        }
      }
      if (analyseBody(this.index, module, statement).enforces) return true;
    }
    return false;
  }

  private readonly diagnosed = new Set<string>();

  /** One diagnostic per place and message, however many call sites lead there. */
  private diagnose(module: PyModule, node: Node, message: string): void {
    const key = `${module.source.file}:${node.startIndex}:${message}`;
    if (this.diagnosed.has(key)) return;
    this.diagnosed.add(key);
    this.diagnostics.push({ level: 'info', file: module.source.file, line: node.startPosition.row + 1, message, source: `collector:${ID}` });
  }
}

type Literal = boolean | number | string | null;
const UNDECIDED = Symbol('undecided');

function literalValue(node: Node): Literal | typeof UNDECIDED {
  if (node.type === 'true') return true;
  if (node.type === 'false') return false;
  if (node.type === 'none') return null;
  if (node.type === 'integer' || node.type === 'float') {
    const value = Number(node.text.replace(/_/g, ''));
    return Number.isFinite(value) ? value : UNDECIDED;
  }
  const text = node.type === 'string' && !isFString(node) ? literalString(node) : undefined;
  return text ?? UNDECIDED;
}

/** Python truthiness of a condition over bound parameters; UNDECIDED when anything else is involved. */
function evalCondition(node: Node, env: ReadonlyMap<string, Literal | typeof UNDECIDED>): boolean | typeof UNDECIDED {
  const value = evalOperand(node, env);
  if (value === UNDECIDED) return UNDECIDED;
  return value !== null && value !== false && value !== 0 && value !== '';
}

function evalOperand(node: Node, env: ReadonlyMap<string, Literal | typeof UNDECIDED>): Literal | typeof UNDECIDED {
  const target = unwrap(node);
  if (target.type === 'identifier') return env.has(target.text) ? (env.get(target.text) ?? UNDECIDED) : UNDECIDED;
  if (target.type === 'not_operator') {
    const inner = field(target, 'argument');
    const value = inner ? evalCondition(inner, env) : UNDECIDED;
    return value === UNDECIDED ? UNDECIDED : !value;
  }
  if (target.type === 'boolean_operator') {
    const left = field(target, 'left');
    const right = field(target, 'right');
    const operator = target.childForFieldName('operator')?.text;
    if (!left || !right) return UNDECIDED;
    const a = evalCondition(left, env);
    if (a === UNDECIDED) return UNDECIDED;
    if (operator === 'and' && !a) return false;
    if (operator === 'or' && a) return true;
    return evalCondition(right, env);
  }
  if (target.type === 'comparison_operator') {
    const operands = kids(target);
    const operators = target.children.filter((child) => child !== null && !child.isNamed).map((child) => child?.text ?? '');
    if (operands.length !== 2) return UNDECIDED;
    const [left, right] = operands as [Node, Node];
    const a = evalOperand(left, env);
    const b = evalOperand(right, env);
    if (a === UNDECIDED || b === UNDECIDED) return UNDECIDED;
    const operator = operators.join(' ');
    if (operator === 'is' || operator === '==') return a === b;
    if (operator === 'is not' || operator === '!=') return a !== b;
    return UNDECIDED;
  }
  return literalValue(target);
}

interface Returned {
  /** Names (identifiers / attributes) the factory may return. */
  targets: Node[];
  /** Exactly one target, chosen by conditions that could all be evaluated. */
  exact: boolean;
}

/** What a run of statements returns, when every path ends in `return <name>`; undefined for any other shape. */
function returnedNames(statements: readonly Node[], env: ReadonlyMap<string, Literal | typeof UNDECIDED>): Returned | undefined {
  for (let i = 0; i < statements.length; i++) {
    const statement = statements[i] as Node;
    const rest = statements.slice(i + 1);
    if (statement.type === 'comment' || statement.type === 'pass_statement') continue;
    if (statement.type === 'expression_statement' && statement.firstNamedChild?.type === 'string') continue;
    if (statement.type === 'return_statement') {
      const value = statement.firstNamedChild;
      return value ? returnedExpression(value, env) : undefined;
    }
    if (statement.type !== 'if_statement') return undefined;
    const branches: { condition?: Node; body: Node[] }[] = [];
    const condition = field(statement, 'condition');
    const consequence = field(statement, 'consequence');
    if (!condition || !consequence) return undefined;
    branches.push({ condition, body: kids(consequence) });
    for (const clause of statement.childrenForFieldName('alternative')) {
      if (!clause) continue;
      const body = field(clause, clause.type === 'else_clause' ? 'body' : 'consequence');
      if (!body) return undefined;
      const elif = clause.type === 'elif_clause' ? field(clause, 'condition') : undefined;
      if (clause.type === 'elif_clause' && !elif) return undefined;
      branches.push({ ...(elif ? { condition: elif } : {}), body: kids(body) });
    }
    const possible: Returned[] = [];
    let exact = true;
    let taken = false;
    for (const branch of branches) {
      const value = branch.condition ? evalCondition(branch.condition, env) : true;
      if (value === false) continue;
      const outcome = returnedNames([...branch.body, ...rest], env);
      if (!outcome) return undefined;
      possible.push(outcome);
      if (value === UNDECIDED) {
        exact = false;
        continue;
      }
      taken = true;
      break;
    }
    if (!taken) {
      const outcome = returnedNames(rest, env);
      if (!outcome) return undefined;
      possible.push(outcome);
    }
    return mergeReturns(possible, exact);
  }
  return undefined;
}

function returnedExpression(node: Node, env: ReadonlyMap<string, Literal | typeof UNDECIDED>): Returned | undefined {
  const target = unwrap(node);
  if (target.type === 'identifier' || target.type === 'attribute') return { targets: [target], exact: true };
  if (target.type !== 'conditional_expression') return undefined;
  const [whenTrue, condition, whenFalse] = kids(target);
  if (!whenTrue || !condition || !whenFalse) return undefined;
  const value = evalCondition(condition, env);
  if (value === true) return returnedExpression(whenTrue, env);
  if (value === false) return returnedExpression(whenFalse, env);
  const a = returnedExpression(whenTrue, env);
  const b = returnedExpression(whenFalse, env);
  return a && b ? mergeReturns([a, b], false) : undefined;
}

function mergeReturns(possible: readonly Returned[], exact: boolean): Returned {
  const targets = possible.flatMap((outcome) => outcome.targets);
  return { targets, exact: exact && possible.every((outcome) => outcome.exact) && targets.length === 1 };
}

/** `token`, `token is not None`, `token and …`: true only when an optional credential was supplied. */
function requiresPresence(condition: Node, names: ReadonlySet<string>): boolean {
  const target = unwrap(condition);
  if (target.type === 'identifier') return names.has(target.text);
  if (target.type === 'comparison_operator') {
    const operands = kids(target);
    const operator = target.children.filter((child) => child !== null && !child.isNamed).map((child) => child?.text ?? '').join(' ');
    return operands.length === 2 && operator === 'is not' && operands[1]?.type === 'none' && names.has(operands[0]?.text ?? '');
  }
  if (target.type === 'boolean_operator' && target.childForFieldName('operator')?.text === 'and') {
    const left = field(target, 'left');
    const right = field(target, 'right');
    return (left !== undefined && requiresPresence(left, names)) || (right !== undefined && requiresPresence(right, names));
  }
  return false;
}

/** `token is None`, `not token`, `token == None`: true only when the optional credential is missing. */
function requiresAbsence(condition: Node, names: ReadonlySet<string>): boolean {
  const target = unwrap(condition);
  if (target.type === 'not_operator') {
    const inner = field(target, 'argument');
    return inner !== undefined && unwrap(inner).type === 'identifier' && names.has(unwrap(inner).text);
  }
  if (target.type === 'comparison_operator') {
    const operands = kids(target);
    const operator = target.children.filter((child) => child !== null && !child.isNamed).map((child) => child?.text ?? '').join(' ');
    return operands.length === 2 && (operator === 'is' || operator === '==') && operands[1]?.type === 'none' && names.has(operands[0]?.text ?? '');
  }
  return false;
}

function refineJwt(mechanisms: Set<AuthMechanism>): Set<AuthMechanism> {
  const out = new Set([...mechanisms].filter((m) => m !== 'oauth2' && m !== 'unknown'));
  out.add('jwt');
  return out;
}

function schemeVerdict(call: Node): Verdict | undefined {
  const name = lastSegment(calleeName(call) ?? '');
  const mechanism = SCHEMES[name];
  if (mechanism === undefined) return undefined;
  // auto_error=False makes the scheme hand back None instead of rejecting: it protects nothing by itself.
  if (callArgs(call).keywords.get('auto_error')?.text === 'False') return { kind: 'optional', mechanisms: new Set([mechanism]), detail: name };
  return { kind: 'auth', mechanisms: new Set([mechanism]), detail: name, scopes: [] };
}

function isDependsCall(call: Node): boolean {
  const name = lastSegment(calleeName(call) ?? '');
  return name === 'Depends' || name === 'Security';
}

function dependencyTarget(call: Node): Node | undefined {
  const args = callArgs(call);
  return args.keywords.get('dependency') ?? args.positional[0];
}

/** `Depends(...)` / `Security(...)` calls in a parameter's default or its (possibly aliased) `Annotated` type. */
function dependsIn(index: PyIndex, module: PyModule, param: Param): { call: Node; module: PyModule }[] {
  const out: { call: Node; module: PyModule }[] = [];
  const collect = (root: Node, from: PyModule, depth: number): void => {
    walk(root, (node) => {
      if (node.type === 'call' && isDependsCall(node)) {
        out.push({ call: node, module: from });
        return false;
      }
      if (depth < 2 && (node.type === 'identifier' || node.type === 'attribute') && root.type !== 'call') {
        const resolved = index.resolveExpr(from, node);
        if (resolved?.kind === 'value' && /Annotated/.test(resolved.node.text)) collect(resolved.node, resolved.module, depth + 1);
        return node.type !== 'attribute';
      }
      return true;
    });
  };
  if (param.value) collect(param.value, module, 0);
  if (param.type) collect(param.type, module, 0);
  return out;
}

function nestedFunctions(fn: Node): Node[] {
  const body = field(fn, 'body');
  if (!body) return [];
  return kids(body)
    .map((statement) => (statement.type === 'decorated_definition' ? field(statement, 'definition') : statement))
    .filter((def): def is Node => def?.type === 'function_definition');
}

function describeParam(param: Param, path: string): Parameter | undefined {
  if (param.name === 'self' || param.name === 'cls') return undefined;
  const typeText = param.type?.text ?? '';
  const baseType = typeText.replace(/^Annotated\[\s*/, '').split(/[[,|\s]/)[0] ?? '';
  if (NON_PARAM_TYPES.has(baseType)) return undefined;
  const value = param.value ? unwrap(param.value) : undefined;
  const marker = /\b(Query|Header|Cookie|Body|Form|File|Path)\(/.exec(`${value?.text ?? ''} ${typeText}`)?.[1];
  const type = typeText === '' ? {} : { type: baseType };
  if (path.includes(`{${param.name}}`) || marker === 'Path') return { name: param.name, in: 'path', required: true, ...type };
  const required = value === undefined || /\(\s*(\.\.\.)?\s*[,)]/.test(value.text);
  const source =
    marker === 'Query' ? 'query'
    : marker === 'Header' ? 'header'
    : marker === 'Cookie' ? 'cookie'
    : marker === 'Body' ? 'body'
    : marker === 'Form' || marker === 'File' ? 'form'
    : baseType === 'UploadFile' ? 'form'
    : baseType !== '' && !SCALARS.test(baseType) && /^[A-Z]/.test(baseType) ? 'body'
    : 'query';
  return { name: param.name, in: source, required, ...type };
}

export const fastapiCollector: CodeCollector = {
  id: ID,
  languages: ['python'],
  enablers: ['fastapi'],
  isEnabled: (project, sources) => pythonEnabled(project, sources, [ID], /^\s*(from|import)\s+fastapi\b/m),
  collect(sources: readonly SourceFile[]) {
    const scan = new FastapiScan(pythonIndex(sources));
    const endpoints = sortEndpoints(scan.run());
    return { endpoints, diagnostics: scan.diagnostics };
  },
};
