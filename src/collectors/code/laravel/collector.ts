import type { AuthEvidence, AuthorizationEvidence, Diagnostic, Location, RateLimitEvidence } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { makeEndpoint, sortEndpoints } from '../python/endpoint.js';
import { argumentAt, bodyStatements, callArguments, callName, field, flattenChain, kids, locate, unwrap, walk, type ChainLink, type PhpArgument } from '../php/ast.js';
import { joinPath, normalisePath, phpEnabled } from '../php/endpoint.js';
import { PhpProject, phpProjectOf, type PhpClass, type PhpFile, type PhpValue } from '../php/project.js';
import { MiddlewareConfig, middlewareUses, type MiddlewareUse } from './middleware.js';
import { singular } from './inflect.js';

const FRAMEWORK = 'laravel';
const VERBS: Record<string, string[]> = {
  get: ['GET'],
  post: ['POST'],
  put: ['PUT'],
  patch: ['PATCH'],
  delete: ['DELETE'],
  options: ['OPTIONS'],
  any: ['ANY'],
  view: ['GET'],
  redirect: ['ANY'],
  permanentRedirect: ['ANY'],
};
const RESOURCE_VERBS = new Set(['resource', 'apiResource', 'resources', 'apiResources', 'singleton', 'apiSingleton']);
const CLOSURES = new Set(['anonymous_function_creation_expression', 'arrow_function', 'anonymous_function']);

/** What a group passes to the routes inside it. */
interface Scope {
  prefix: string;
  middleware: MiddlewareUse[];
  without: string[];
  controller?: string;
  namespace?: string;
}

interface Handler {
  location?: Location;
  controller?: string;
  method?: string;
}

interface PendingRoute {
  methods: string[];
  uri: string;
  handler: Handler;
  at: Node;
  file: PhpFile;
  scope: Scope;
  middleware: MiddlewareUse[];
  without: string[];
}

const EMPTY: Scope = { prefix: '', middleware: [], without: [] };

class LaravelRoutes {
  readonly routes: PendingRoute[] = [];
  readonly diagnostics: Diagnostic[] = [];
  readonly included = new Set<string>();
  private readonly stack: string[] = [];

  constructor(readonly project: PhpProject) {}

  isRouteRoot(file: PhpFile, root: Node, isStatic: boolean): boolean {
    if (isStatic) {
      if (root.type !== 'name' && root.type !== 'qualified_name') return false;
      const fqn = this.project.resolveName(file, root.text);
      return fqn === 'Route' || fqn === 'Illuminate\\Support\\Facades\\Route' || fqn === 'Illuminate\\Routing\\Router';
    }
    return root.type === 'variable_name' && (root.text === '$router' || root.text === '$route');
  }

  /** Statements of a route file or group closure, in order. */
  /** `deep`: also the statements inside closures (`$this->routes(function () { … })` in a provider). */
  statements(file: PhpFile, statements: readonly Node[], scope: Scope, deep = false): void {
    for (const statement of statements) {
      walk(statement, (node) => {
        if (node.type === 'function_definition' || node.type === 'class_declaration') return false;
        if (CLOSURES.has(node.type)) return deep;
        if (node.type !== 'expression_statement') return true;
        return !this.expression(file, kids(node)[0], scope) && deep;
      });
    }
  }

  /** True when the expression registered routes or loaded a route file. */
  private expression(file: PhpFile, node: Node | undefined, scope: Scope): boolean {
    if (!node) return false;
    const target = unwrap(node);
    const included = this.project.includeTarget(file, target);
    if (included) {
      this.file(included, scope);
      return true;
    }
    if (/^(require|include)/.test(target.type)) {
      if (/\broutes?\b/i.test(target.text)) this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: file.source.file, line: target.startPosition.row + 1, message: `The route file ${target.text} could not be resolved; its routes are not listed.` });
      return true;
    }
    const chain = flattenChain(target);
    if (!chain || !this.isRouteRoot(file, chain.root, chain.static)) return false;
    this.chain(file, chain.links, scope);
    return true;
  }

  file(target: PhpFile, scope: Scope): void {
    this.included.add(target.source.file);
    if (this.stack.includes(target.source.file)) return;
    this.stack.push(target.source.file);
    try {
      this.statements(target, kids(target.source.tree.rootNode), scope);
    } finally {
      this.stack.pop();
    }
  }

  private chain(file: PhpFile, links: readonly ChainLink[], scope: Scope): void {
    const local: Scope = { prefix: '', middleware: [], without: [] };
    let pending: { kind: 'route'; methods: string[]; uri: PhpValue; action: Node | undefined; at: Node } | { kind: 'resource'; link: ChainLink } | undefined;
    const resourceOptions: ResourceOptions = { parameters: new Map(), shallow: false };
    for (const link of links) {
      const first = link.args[0]?.value;
      if (pending === undefined) {
        switch (link.name) {
          case 'prefix': {
            const value = first ? this.project.evaluate(file, first) : undefined;
            if (value?.kind === 'string') local.prefix = joinPath(local.prefix, value.value);
            else this.unreadable(file, link.node, 'prefix');
            continue;
          }
          case 'middleware':
            for (const arg of link.args) local.middleware.push(...middlewareUses(this.project, file, arg.value));
            continue;
          case 'withoutMiddleware':
            for (const arg of link.args) local.without.push(...middlewareUses(this.project, file, arg.value).map((use) => use.name));
            continue;
          case 'controller': {
            const value = first ? this.project.evaluate(file, first) : undefined;
            if (value?.kind === 'class') local.controller = value.fqn;
            else if (value?.kind === 'string') local.controller = this.project.resolveName(file, value.value);
            continue;
          }
          case 'namespace': {
            const value = first ? this.project.evaluate(file, first) : undefined;
            if (value?.kind === 'string') local.namespace = value.value.replace(/^\\/, '');
            continue;
          }
          case 'group': {
            this.group(file, link, merge(scope, local));
            return;
          }
          case 'match': {
            const methods = first ? this.project.strings(file, first).values.map((m) => m.toUpperCase()) : [];
            const uri = link.args[1] ? this.project.evaluate(file, link.args[1].value) : undefined;
            if (!uri) return;
            pending = { kind: 'route', methods, uri, action: link.args[2]?.value, at: link.node };
            continue;
          }
          default: {
            const verbs = VERBS[link.name];
            if (verbs && first) {
              pending = { kind: 'route', methods: verbs, uri: this.project.evaluate(file, first), action: link.args[1]?.value, at: link.node };
              continue;
            }
            if (RESOURCE_VERBS.has(link.name)) {
              pending = { kind: 'resource', link };
              const options = link.args[2]?.value;
              if (options) this.resourceArrayOptions(file, options, resourceOptions);
              continue;
            }
            continue;
          }
        }
      }
      // Modifiers after the route or resource: they apply to it alone.
      switch (link.name) {
        case 'middleware':
          for (const arg of link.args) local.middleware.push(...middlewareUses(this.project, file, arg.value));
          break;
        case 'withoutMiddleware':
          for (const arg of link.args) local.without.push(...middlewareUses(this.project, file, arg.value).map((use) => use.name));
          break;
        case 'can': {
          const ability = first ? this.project.evaluate(file, first) : undefined;
          local.middleware.push({ name: 'can', params: ability?.kind === 'string' ? [ability.value] : [], where: locate(file.source.file, link.node) });
          break;
        }
        case 'only':
        case 'except': {
          const names = link.args.flatMap((arg) => this.project.strings(file, arg.value).values);
          resourceOptions[link.name] = names;
          break;
        }
        case 'parameters': {
          const value = first ? this.project.evaluate(file, first) : undefined;
          if (value?.kind === 'array') for (const entry of value.entries) if (entry.key?.kind === 'string' && entry.value.kind === 'string') resourceOptions.parameters.set(entry.key.value, entry.value.value);
          break;
        }
        case 'parameter': {
          const from = first ? this.project.evaluate(file, first) : undefined;
          const to = link.args[1] ? this.project.evaluate(file, link.args[1].value) : undefined;
          if (from?.kind === 'string' && to?.kind === 'string') resourceOptions.parameters.set(from.value, to.value);
          break;
        }
        case 'shallow':
          resourceOptions.shallow = true;
          break;
        case 'creatable':
          resourceOptions.creatable = true;
          break;
        case 'destroyable':
          resourceOptions.destroyable = true;
          break;
        default:
          break;
      }
    }
    if (!pending) return;
    const merged = merge(scope, { ...local, middleware: [], without: [] });
    if (pending.kind === 'route') {
      if (pending.uri.kind !== 'string') {
        this.unreadable(file, pending.at, 'URI');
        return;
      }
      const handler = this.handler(file, pending.action, merged);
      this.routes.push({ methods: pending.methods, uri: joinPath(merged.prefix, pending.uri.value), handler, at: pending.at, file, scope: merged, middleware: local.middleware, without: local.without });
      return;
    }
    this.resource(file, pending.link, merged, local, resourceOptions);
  }

  private group(file: PhpFile, link: ChainLink, scope: Scope): void {
    let inner = scope;
    let body: Node | undefined;
    for (const arg of link.args) {
      const value = unwrap(arg.value);
      if (value.type === 'array_creation_expression') inner = merge(inner, this.attributes(file, value));
      else body = value;
    }
    if (!body) return;
    if (CLOSURES.has(body.type)) {
      this.statements(file, bodyStatements(body), inner);
      return;
    }
    const target = this.project.resolveFile(this.project.evaluate(file, body));
    if (target) this.file(target, inner);
    else this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: file.source.file, line: body.startPosition.row + 1, message: `The route group ${body.text} could not be resolved to a route file or closure; its routes are not listed.` });
  }

  /** `['prefix' => 'v1', 'middleware' => ['auth:api'], 'namespace' => 'Api']` */
  private attributes(file: PhpFile, node: Node): Scope {
    const out: Scope = { prefix: '', middleware: [], without: [] };
    const value = this.project.evaluate(file, node);
    if (value.kind !== 'array') return out;
    for (const entry of value.entries) {
      if (entry.key?.kind !== 'string') continue;
      switch (entry.key.value) {
        case 'prefix':
          if (entry.value.kind === 'string') out.prefix = joinPath(entry.value.value);
          else this.unreadable(file, entry.node, 'prefix');
          break;
        case 'middleware':
          out.middleware.push(...middlewareUses(this.project, file, entry.node));
          break;
        case 'excluded_middleware':
        case 'withoutMiddleware':
          out.without.push(...middlewareUses(this.project, file, entry.node).map((use) => use.name));
          break;
        case 'namespace':
          if (entry.value.kind === 'string') out.namespace = entry.value.value.replace(/^\\/, '');
          break;
        case 'controller':
          if (entry.value.kind === 'class') out.controller = entry.value.fqn;
          break;
        default:
          break;
      }
    }
    return out;
  }

  private resourceArrayOptions(file: PhpFile, node: Node, options: ResourceOptions): void {
    const value = this.project.evaluate(file, node);
    if (value.kind !== 'array') return;
    for (const entry of value.entries) {
      if (entry.key?.kind !== 'string') continue;
      const strings = (v: PhpValue): string[] => (v.kind === 'string' ? [v.value] : v.kind === 'array' ? v.entries.flatMap((e) => strings(e.value)) : []);
      if (entry.key.value === 'only' || entry.key.value === 'except') options[entry.key.value] = strings(entry.value);
      if (entry.key.value === 'parameters' && entry.value.kind === 'array') {
        for (const p of entry.value.entries) if (p.key?.kind === 'string' && p.value.kind === 'string') options.parameters.set(p.key.value, p.value.value);
      }
    }
  }

  private resource(file: PhpFile, link: ChainLink, scope: Scope, local: Scope, options: ResourceOptions): void {
    const api = link.name.startsWith('api');
    const pairs: { name: string; controller: PhpValue }[] = [];
    if (link.name === 'resources' || link.name === 'apiResources') {
      const value = link.args[0] ? this.project.evaluate(file, link.args[0].value) : undefined;
      if (value?.kind === 'array') for (const entry of value.entries) if (entry.key?.kind === 'string') pairs.push({ name: entry.key.value, controller: entry.value });
    } else {
      const name = link.args[0] ? this.project.evaluate(file, link.args[0].value) : undefined;
      const controller = link.args[1] ? this.project.evaluate(file, link.args[1].value) : { kind: 'unknown' as const, node: link.node };
      if (name?.kind === 'string') pairs.push({ name: name.value, controller });
      else this.unreadable(file, link.node, 'resource name');
    }
    const singleton = link.name.endsWith('ingleton');
    for (const pair of pairs) {
      const controller = pair.controller.kind === 'class' ? pair.controller.fqn : pair.controller.kind === 'string' ? this.controllerName(file, pair.controller.value, scope) : undefined;
      for (const action of resourceActions(pair.name, { api, singleton, ...options })) {
        const handler = controller ? this.controllerHandler(controller, action.action) : {};
        this.routes.push({ methods: action.methods, uri: joinPath(scope.prefix, action.uri), handler, at: link.node, file, scope, middleware: local.middleware, without: local.without });
      }
    }
  }

  private controllerName(file: PhpFile, name: string, scope: Scope): string {
    if (name.startsWith('\\')) return name.slice(1);
    if (scope.namespace) return `${scope.namespace}\\${name}`;
    return this.project.classOf(name) ? name : this.project.resolveName(file, name);
  }

  private controllerHandler(controller: string, method: string): Handler {
    const cls = this.project.classOf(controller);
    const found = cls ? this.project.methodOf(cls, method) : undefined;
    return {
      controller,
      method,
      ...(found ? { location: locate(found.owner.file.source.file, found.method) } : {}),
    };
  }

  private handler(file: PhpFile, action: Node | undefined, scope: Scope): Handler {
    if (!action) return {};
    const target = unwrap(action);
    if (CLOSURES.has(target.type)) return { location: locate(file.source.file, target) };
    const value = this.project.evaluate(file, target);
    if (value.kind === 'class') return this.controllerHandler(value.fqn, '__invoke');
    if (value.kind === 'array') {
      const [cls, method] = value.entries;
      if (cls?.value.kind === 'class' && method?.value.kind === 'string') return this.controllerHandler(cls.value.fqn, method.value.value);
      if (cls?.value.kind === 'string' && method?.value.kind === 'string') return this.controllerHandler(this.controllerName(file, cls.value.value, scope), method.value.value);
      // ['uses' => 'C@m', 'middleware' => ...]
      const uses = value.entries.find((entry) => entry.key?.kind === 'string' && entry.key.value === 'uses');
      if (uses?.value.kind === 'string') return this.handlerString(file, uses.value.value, scope);
      return {};
    }
    if (value.kind === 'string') return this.handlerString(file, value.value, scope);
    return {};
  }

  private handlerString(file: PhpFile, text: string, scope: Scope): Handler {
    const at = text.indexOf('@');
    if (at >= 0) return this.controllerHandler(this.controllerName(file, text.slice(0, at), scope), text.slice(at + 1));
    if (scope.controller) return this.controllerHandler(scope.controller, text);
    return this.controllerHandler(this.controllerName(file, text, scope), '__invoke');
  }

  private unreadable(file: PhpFile, node: Node, what: string): void {
    this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: file.source.file, line: node.startPosition.row + 1, message: `The route ${what} ${node.text.slice(0, 80)} cannot be read statically; the routes it declares are not listed.` });
  }
}

function merge(outer: Scope, inner: Scope): Scope {
  const namespace = inner.namespace === undefined ? outer.namespace : outer.namespace && !inner.namespace.startsWith(outer.namespace) ? `${outer.namespace}\\${inner.namespace}` : inner.namespace;
  const controller = inner.controller ?? outer.controller;
  return {
    prefix: joinPath(outer.prefix, inner.prefix),
    middleware: [...outer.middleware, ...inner.middleware],
    without: [...outer.without, ...inner.without],
    ...(controller !== undefined ? { controller } : {}),
    ...(namespace !== undefined ? { namespace } : {}),
  };
}

interface ResourceOptions {
  only?: string[];
  except?: string[];
  parameters: Map<string, string>;
  shallow: boolean;
  creatable?: boolean;
  destroyable?: boolean;
}

/** Laravel's ResourceRegistrar: the routes of `Route::resource('photos.comments', …)`. */
export function resourceActions(name: string, options: ResourceOptions & { api: boolean; singleton: boolean }): { action: string; methods: string[]; uri: string }[] {
  const segments = name.split('.').filter(Boolean);
  const parameter = (segment: string): string => options.parameters.get(segment) ?? singular(segment).replace(/-/g, '_');
  const last = segments[segments.length - 1] ?? '';
  const parents = segments.slice(0, -1).map((segment) => `${segment}/{${parameter(segment)}}`);
  const base = [...parents, last].join('/');
  const member = options.singleton ? base : `${base}/{${parameter(last)}}`;
  const shallowMember = options.singleton ? base : `${last}/{${parameter(last)}}`;
  const memberUri = options.shallow && parents.length > 0 ? shallowMember : member;
  let actions: { action: string; methods: string[]; uri: string }[];
  if (options.singleton) {
    actions = [
      ...(options.creatable && !options.api ? [{ action: 'create', methods: ['GET'], uri: `${base}/create` }] : []),
      ...(options.creatable ? [{ action: 'store', methods: ['POST'], uri: base }] : []),
      { action: 'show', methods: ['GET'], uri: base },
      ...(options.api ? [] : [{ action: 'edit', methods: ['GET'], uri: `${base}/edit` }]),
      { action: 'update', methods: ['PUT', 'PATCH'], uri: base },
      ...(options.creatable || options.destroyable ? [{ action: 'destroy', methods: ['DELETE'], uri: base }] : []),
    ];
  } else {
    actions = [
      { action: 'index', methods: ['GET'], uri: base },
      ...(options.api ? [] : [{ action: 'create', methods: ['GET'], uri: `${base}/create` }]),
      { action: 'store', methods: ['POST'], uri: base },
      { action: 'show', methods: ['GET'], uri: memberUri },
      ...(options.api ? [] : [{ action: 'edit', methods: ['GET'], uri: `${memberUri}/edit` }]),
      { action: 'update', methods: ['PUT', 'PATCH'], uri: memberUri },
      { action: 'destroy', methods: ['DELETE'], uri: memberUri },
    ];
  }
  if (options.only) {
    const only = new Set(options.only);
    actions = actions.filter((action) => only.has(action.action));
  }
  if (options.except) {
    const except = new Set(options.except);
    actions = actions.filter((action) => !except.has(action.action));
  }
  return actions;
}

/** Where routes come in: route service providers, `bootstrap/app.php`, package providers. */
function loadRoutes(routes: LaravelRoutes, project: PhpProject): void {
  const state = { bootstrapped: false };
  for (const file of project.files.values()) {
    // Both calls are written by name: a file without either name has none (no walk of every file's tree).
    if (!file.source.text.includes('withRouting') && !file.source.text.includes('loadRoutesFrom')) continue;
    walk(file.source.tree.rootNode, (node) => {
      if (node.type !== 'member_call_expression' && node.type !== 'scoped_call_expression') return true;
      const name = callName(node);
      if (name === 'withRouting') {
        state.bootstrapped = true;
        withRouting(routes, project, file, node);
        return false;
      }
      if (name === 'loadRoutesFrom') {
        const arg = argumentAt(argsOf(node), 0);
        const target = arg ? project.resolveFile(project.evaluate(file, arg)) : undefined;
        if (target) routes.file(target, EMPTY);
        return false;
      }
      return true;
    });
  }
  // Route facade calls outside route files: RouteServiceProvider::boot()/map(), package providers.
  const routeFiles = [...project.files.values()].filter((file) => /(^|\/)routes\/[^/]+\.php$/.test(file.source.file));
  const isRouteFile = new Set(routeFiles);
  for (const file of project.files.values()) {
    if (isRouteFile.has(file) || routes.included.has(file.source.file)) continue;
    if (!/\bRoute::|\$router->/.test(file.source.text)) continue;
    for (const cls of file.classes) {
      for (const method of cls.methods.values()) routes.statements(file, bodyStatements(method), EMPTY, true);
    }
  }
  // A route file nothing loads: Laravel's defaults (`api` prefix and group for routes/api.php).
  for (const file of routeFiles) {
    if (routes.included.has(file.source.file)) continue;
    const name = file.source.file.slice(file.source.file.lastIndexOf('/') + 1);
    if (name === 'api.php') routes.file(file, { prefix: '/api', middleware: [{ name: 'api', params: [], where: locate(file.source.file, file.source.tree.rootNode) }], without: [] });
    else if (name === 'web.php' || !state.bootstrapped) routes.file(file, name === 'web.php' ? { prefix: '', middleware: [{ name: 'web', params: [], where: locate(file.source.file, file.source.tree.rootNode) }], without: [] } : EMPTY);
  }
}

function argsOf(node: Node): PhpArgument[] {
  return callArguments(node);
}

/** Laravel 11+: `Application::configure()->withRouting(web: …, api: …, apiPrefix: 'api/v1', health: '/up', then: fn)`. */
function withRouting(routes: LaravelRoutes, project: PhpProject, file: PhpFile, node: Node): void {
  const args = argsOf(node);
  const prefixNode = argumentAt(args, -1, 'apiPrefix');
  const prefixValue = prefixNode ? project.evaluate(file, prefixNode) : undefined;
  const apiPrefix = prefixValue?.kind === 'string' ? prefixValue.value : 'api';
  const at = locate(file.source.file, node);
  const load = (arg: Node | undefined, scope: Scope): void => {
    if (!arg) return;
    const value = project.evaluate(file, arg);
    const values = value.kind === 'array' ? value.entries.map((entry) => entry.value) : [value];
    for (const item of values) {
      const target = project.resolveFile(item);
      if (target) routes.file(target, scope);
    }
  };
  load(argumentAt(args, 0, 'web'), { prefix: '', middleware: [{ name: 'web', params: [], where: at }], without: [] });
  load(argumentAt(args, 1, 'api'), { prefix: joinPath(apiPrefix), middleware: [{ name: 'api', params: [], where: at }], without: [] });
  const health = argumentAt(args, -1, 'health');
  const healthValue = health ? project.evaluate(file, health) : undefined;
  if (health && healthValue?.kind === 'string') {
    routes.routes.push({ methods: ['GET'], uri: joinPath(healthValue.value), handler: {}, at: health, file, scope: EMPTY, middleware: [], without: [] });
  }
  for (const name of ['then', 'using']) {
    const closure = argumentAt(args, -1, name);
    if (closure && CLOSURES.has(unwrap(closure).type)) routes.statements(file, bodyStatements(unwrap(closure)), EMPTY);
  }
}

/** Controller middleware: `$this->middleware('auth')->except([...])` in constructors, `HasMiddleware::middleware()`. */
function controllerMiddleware(project: PhpProject, cls: PhpClass, action: string): MiddlewareUse[] {
  const out: MiddlewareUse[] = [];
  const applies = (only: string[] | undefined, except: string[] | undefined): boolean => (only ? only.includes(action) : true) && !(except ?? []).includes(action);
  const constructor = project.methodOf(cls, '__construct');
  if (constructor) {
    const file = constructor.owner.file;
    walk(constructor.method, (node) => {
      if (node.type !== 'expression_statement') return true;
      const chain = flattenChain(kids(node)[0] ?? node);
      if (!chain || chain.root.text !== '$this' || chain.links[0]?.name !== 'middleware') return false;
      let only: string[] | undefined;
      let except: string[] | undefined;
      for (const link of chain.links.slice(1)) {
        const names = link.args.flatMap((arg) => project.strings(file, arg.value).values);
        if (link.name === 'only') only = names;
        if (link.name === 'except') except = names;
      }
      const first = chain.links[0];
      const options = first.args[1]?.value;
      if (options) {
        const value = project.evaluate(file, options);
        if (value.kind === 'array') {
          for (const entry of value.entries) {
            if (entry.key?.kind !== 'string') continue;
            const names = project.strings(file, entry.node).values;
            if (entry.key.value === 'only') only = names;
            if (entry.key.value === 'except') except = names;
          }
        }
      }
      if (applies(only, except) && first.args[0]) out.push(...middlewareUses(project, file, first.args[0].value));
      return false;
    });
  }
  const declared = project.methodOf(cls, 'middleware');
  if (declared && declared.method.text.includes('static')) {
    const file = declared.owner.file;
    for (const statement of bodyStatements(declared.method)) {
      if (statement.type !== 'return_statement') continue;
      const value = kids(statement)[0];
      const entries = value && unwrap(value).type === 'array_creation_expression' ? kids(unwrap(value)).map((element) => kids(element).pop()).filter((n): n is Node => n !== undefined) : [];
      for (const entry of entries) {
        const target = unwrap(entry);
        if (target.type === 'object_creation_expression') {
          const args = argsOfCreation(target);
          const only = argumentAt(args, 1, 'only');
          const except = argumentAt(args, 2, 'except');
          const middleware = argumentAt(args, 0, 'middleware');
          if (middleware && applies(only ? project.strings(file, only).values : undefined, except ? project.strings(file, except).values : undefined)) out.push(...middlewareUses(project, file, middleware));
        } else out.push(...middlewareUses(project, file, target));
      }
    }
  }
  return out;
}

function argsOfCreation(node: Node): { name?: string; value: Node; spread: boolean }[] {
  const list = kids(node).find((child) => child.type === 'arguments');
  if (!list) return [];
  return kids(list).flatMap((arg) => {
    const name = field(arg, 'name');
    const value = kids(arg).filter((child) => child !== name).pop();
    return value ? [{ ...(name ? { name: name.text } : {}), value, spread: false }] : [];
  });
}

function decide(config: MiddlewareConfig, uses: readonly MiddlewareUse[]): { auth: AuthEvidence; authorization?: AuthorizationEvidence; rateLimit?: RateLimitEvidence } {
  let auth: AuthEvidence | undefined;
  let unknown: string | undefined;
  let authorization: AuthorizationEvidence | undefined;
  let authorizer: string | undefined;
  let rateLimit: RateLimitEvidence | undefined;
  for (const use of uses) {
    const kind = config.classify(use);
    if (kind.kind === 'authenticates' && !auth) auth = { state: 'protected', mechanisms: [kind.mechanism], where: use.where, scope: 'route', detail: `middleware ${kind.detail}` };
    else if (kind.kind === 'authorizes' && !authorization) {
      authorization = { objectLevel: 'unknown', functionLevel: 'present', detail: `middleware ${kind.detail}` };
      authorizer = kind.detail;
    }
    else if (kind.kind === 'throttles' && !rateLimit) rateLimit = { state: 'present', limit: kind.limit, where: use.where, scope: 'route (Laravel throttle middleware)' };
    else if (kind.kind === 'unknown' && unknown === undefined) unknown = kind.reason;
  }
  const result = {
    auth:
      auth ??
      (unknown !== undefined || authorizer !== undefined
        ? { state: 'unknown' as const, mechanisms: ['unknown' as const], detail: unknown ?? `middleware ${authorizer ?? ''} authorizes the user; no authentication middleware is established` }
        : { state: 'unprotected' as const, mechanisms: ['none' as const], detail: 'no authentication middleware applies to this route' }),
    ...(authorization ? { authorization } : {}),
    ...(rateLimit ? { rateLimit } : {}),
  };
  return result;
}

export const laravelCollector: CodeCollector = {
  id: FRAMEWORK,
  languages: ['php'],
  enablers: ['laravel/framework', 'laravel/lumen-framework'],
  isEnabled(project, sources) {
    return phpEnabled(project, sources, this.enablers, /\bIlluminate\\Support\\Facades\\Route\b|^\s*Route::(?:get|post|group|middleware|prefix|resource|apiResource)\(/m);
  },
  collect(sources) {
    const project = phpProjectOf(sources);
    const routes = new LaravelRoutes(project);
    loadRoutes(routes, project);
    const config = new MiddlewareConfig(project);
    const endpoints: CollectedEndpoint[] = [];
    const seen = new Set<string>();
    for (const route of routes.routes) {
      const cls = route.handler.controller ? project.classOf(route.handler.controller) : undefined;
      const declared = [...config.global, ...route.scope.middleware, ...route.middleware, ...(cls && route.handler.method ? controllerMiddleware(project, cls, route.handler.method) : [])];
      const without = new Set([...route.scope.without, ...route.without].map((name) => config.classOf(name)));
      const uses = declared.flatMap((use) => config.expand(use)).filter((use) => !without.has(config.classOf(use.name)) && !without.has(use.name));
      const { auth, authorization, rateLimit } = decide(config, uses);
      const path = normalisePath(route.uri);
      const location = locate(route.file.source.file, route.at);
      for (const method of route.methods) {
        const key = `${method} ${path} ${location.file}:${location.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const endpoint = makeEndpoint({
          framework: FRAMEWORK,
          method,
          path,
          location,
          auth,
          ...(route.handler.location ? { handler: route.handler.location } : {}),
        });
        if (authorization) endpoint.authorization = authorization;
        if (rateLimit) endpoint.rateLimit = rateLimit;
        endpoint.middleware = uses.map((use) => use.where);
        endpoints.push(endpoint);
      }
    }
    return { endpoints: sortEndpoints(endpoints), diagnostics: routes.diagnostics };
  },
};
