import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import type { Diagnostic, EvidenceScope, HttpMethod, Location } from '../../../model/types.js';
import type { CollectedEndpoint } from '../collector.js';
import { callArgs, callee, descendants, destructuredParameter, field, isFunction, locate, named, objectProperty, parameterNames, unwrap } from './ast.js';
import { AuthAnalyser, evidence, type AppliedFact, type AuthFact } from './auth.js';
import { ModuleGraph, type JsModule } from './modules.js';
import { extractParameters } from './params.js';
import { joinPaths, mountCovers, normalisePath } from './paths.js';
import { evalStrings } from './values.js';
import { descendantsOf, parentOf } from '../../../parsing/tree-index.js';
import { HelperRoutes } from './helper-routes.js';

/**
 * Express-style routers shared by Express, Koa (koa-router) and Hono: instances created by a call,
 * registrations (`use`, verbs, `route`) kept in source order, mounts resolved across files, and
 * middleware applied only to what is registered after it on the same instance (or below it).
 */
export interface RouterDialect {
  framework: string;
  /** The instance an expression creates, if it creates one: app (a server root) or router, and its own prefix. */
  creates(graph: ModuleGraph, module: JsModule, node: Node): { app: boolean; prefix: string } | undefined;
  /** `router.routes()` → `router` (Koa); undefined when the expression is not such a wrapper. */
  unwrapMount?(node: Node): Node | undefined;
  /** koa-mount's `mount('/v1', api.routes())`: the prefix and what it mounts; undefined when the expression is not such a call. */
  mounted?(graph: ModuleGraph, module: JsModule, node: Node): { path: Node | undefined; target: Node } | undefined;
  /**
   * Routes a library middleware serves by itself where it is mounted: `express.static(dir)` / `serve-static` answer
   * `GET <mount>/{path}`, `swaggerUi.setup(spec)` answers `GET <mount>`. Undefined for other middleware.
   */
  generated?(graph: ModuleGraph, module: JsModule, node: Node): { methods: string[]; path: string }[] | undefined;
  /** Hono's `app.route(path, sub)`. */
  mountMethod?: string;
  /** koa-router's `router.get(name, path, ...)`. */
  namedRoutes?: boolean;
  /** Hono's `app.on(method, path, ...)`. */
  onMethod?: boolean;
  /**
   * @hono/zod-openapi: `app.openapi(createRoute({ method, path }), handler)` and `app.doc(path, …)`: the method and path
   * a registration call declares, when the dialect reads such calls.
   */
  declared?(graph: ModuleGraph, module: JsModule, name: string, args: readonly Node[]): { methods: string[]; path: string | undefined; handlers: Node[] }[] | undefined;
  /** Method names `declared` reads, besides the verbs. */
  declaredMethods?: readonly string[];
  /** Unmounted instances that are apps anyway (every Hono instance can serve). */
  everyRootIsApp?: boolean;
  /**
   * Properties of an app that hold a middleware stack of their own on the same server (koa-websocket's `app.ws`):
   * `app.ws.use(router.routes())` serves the router from the app's process, without the app's HTTP middleware.
   */
  sideStacks?: readonly string[];
}

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all']);
const CALL_TYPES: readonly string[] = ['call_expression'];

interface Instance {
  key: string;
  module: JsModule;
  app: boolean;
  prefix: string;
  registrations: Registration[];
  /** The app's side stacks (`app.ws`), walked with the app as their root. */
  sides?: Instance[];
}

type UseItem = { instance: string; node: Node } | { middleware: Node };

type Registration =
  | { kind: 'route'; module: JsModule; methods: string[]; path: string | undefined; handlers: Node[]; site: Node; helper?: AuthFact }
  | { kind: 'use'; module: JsModule; path: string | undefined; items: UseItem[]; site: Node }
  | { kind: 'include'; module: JsModule; instance: string; site: Node };

interface ActiveMiddleware {
  path: string;
  /** Undefined for middleware that carries no auth evidence; it is still listed on the endpoint. */
  fact: AuthFact | undefined;
  applied: Omit<AppliedFact, keyof AuthFact>;
}

interface Segment {
  property: Node;
  name: string;
  args: Node[];
  call: Node;
}

export class RouterEngine {
  private readonly instances = new Map<string, Instance>();
  private readonly targeted = new Set<string>();
  private readonly endpoints: CollectedEndpoint[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly auth: AuthAnalyser;

  constructor(
    private readonly dialect: RouterDialect,
    private readonly graph: ModuleGraph,
    auth?: AuthAnalyser,
  ) {
    this.auth = auth ?? new AuthAnalyser(graph);
    this.helperRoutes = HelperRoutes.of(graph);
  }

  run(modules: Iterable<JsModule>): CollectedEndpoint[] {
    const list = [...modules];
    // The `setup(app)` calls first, so that registrations on the parameter are recognised in any file order.
    for (const module of list) for (const call of this.calls(module)) this.scanInclude(module, call, false);
    for (const module of list) this.scan(module);
    const roots = [...this.instances.values()].filter((instance) => !this.targeted.has(instance.key));
    for (const root of roots) this.walk(root, root, '', [], new Set());
    return this.endpoints;
  }

  private instanceAt(module: JsModule, node: Node): Instance | undefined {
    const key = `${module.file}:${node.startIndex}`;
    const known = this.instances.get(key);
    if (known) return known;
    const created = this.dialect.creates(this.graph, module, node);
    if (!created) return undefined;
    const instance: Instance = { key, module, app: created.app, prefix: created.prefix, registrations: [] };
    this.instances.set(key, instance);
    return instance;
  }

  /** A function parameter that receives an instance (`module.exports = (app) => { app.get(...) }`). */
  private paramInstance(module: JsModule, fn: Node, index: number, property?: string): Instance {
    const key = `${module.file}:${fn.startIndex}:${index}${property === undefined ? '' : `.${property}`}`;
    let instance = this.instances.get(key);
    if (!instance) {
      instance = { key, module, app: false, prefix: '', registrations: [] };
      this.instances.set(key, instance);
    }
    return instance;
  }

  /** The instance an expression denotes: a variable holding one, an import, a factory call, `router.routes()`. */
  private resolveInstance(module: JsModule, node: Node, depth = 0): Instance | undefined {
    if (depth > 8) return undefined;
    let current = unwrap(node);
    const inner = this.dialect.unwrapMount?.(current);
    if (inner) current = unwrap(inner);
    const direct = this.instanceAt(module, current);
    if (direct) return direct;
    const side = current.type === 'member_expression' ? field(current, 'property')?.text : undefined;
    const owner = side !== undefined && this.dialect.sideStacks?.includes(side) ? field(current, 'object') : undefined;
    if (side !== undefined && owner) {
      const host = this.resolveInstance(module, owner, depth + 1);
      if (host) return this.sideInstance(host, side);
    }
    // Parents are costly to reach in tree-sitter: only files with a `setup(app)`-style binding are searched.
    if (current.type === 'identifier' && this.boundFiles.has(module.file)) {
      const param = this.enclosingParam(module, current);
      if (param) return param;
    }
    const resolved = this.graph.resolve(module, current);
    if (resolved.kind === 'node') {
      const target = resolved.node;
      if (target !== current) {
        const found = this.instanceAt(resolved.module, target) ?? this.resolveChained(resolved.module, target, depth);
        if (found) return found;
      }
    }
    if (current.type === 'call_expression') {
      const fn = callee(current);
      const factory = fn ? this.graph.resolve(module, fn) : undefined;
      if (factory?.kind === 'node' && isFunction(factory.node)) {
        // `app.use('/api', register(router))` where `register(router) { …; return router; }`: the argument itself.
        const passed = this.returnedParameter(factory.node);
        const arg = passed === undefined ? undefined : callArgs(current)[passed];
        if (arg) return this.resolveInstance(module, arg, depth + 1);
        return this.returnedInstance(factory.module, factory.node, depth + 1);
      }
      // `websockify(new Koa())`: a library wrapper that returns the app it is given, extended.
      const wrapped = callArgs(current)[0];
      if (factory?.kind === 'external' && wrapped && unwrap(wrapped).type === 'new_expression') return this.instanceAt(module, unwrap(wrapped));
    }
    return undefined;
  }

  private sideInstance(host: Instance, name: string): Instance {
    const key = `${host.key}#${name}`;
    let instance = this.instances.get(key);
    if (!instance) {
      instance = { key, module: host.module, app: host.app, prefix: '', registrations: [] };
      this.instances.set(key, instance);
      this.targeted.add(key);
      (host.sides ??= []).push(instance);
    }
    return instance;
  }

  /** The index of the parameter a function returns as is, if it does. */
  private returnedParameter(fn: Node): number | undefined {
    const body = field(fn, 'body');
    if (!body) return undefined;
    const names = parameterNames(fn);
    const values = body.type === 'statement_block' ? descendants(body, RETURNS).map((statement) => named(statement)[0]) : [body];
    for (const value of values) {
      const index = value && unwrap(value).type === 'identifier' ? names.indexOf(unwrap(value).text) : -1;
      if (index >= 0) return index;
    }
    return undefined;
  }

  private resolveChained(module: JsModule, node: Node, depth: number): Instance | undefined {
    // `export const slack = createSlackRoute(config)`: the instance the factory returns.
    if (node.type === 'identifier' || node.type === 'member_expression' || node.type === 'call_expression') return this.resolveInstance(module, node, depth + 1);
    return undefined;
  }

  private returnedInstance(module: JsModule, fn: Node, depth: number): Instance | undefined {
    const body = field(fn, 'body');
    if (!body) return undefined;
    if (body.type !== 'statement_block') return this.resolveInstance(module, body, depth + 1);
    for (const statement of descendants(body, RETURNS)) {
      const value = named(statement)[0];
      const found = value ? this.resolveInstance(module, value, depth + 1) : undefined;
      if (found) return found;
    }
    return undefined;
  }

  private enclosingParam(module: JsModule, identifier: Node): Instance | undefined {
    for (let scope = parentOf(identifier); scope; scope = parentOf(scope)) {
      if (!isFunction(scope)) continue;
      const index = parameterNames(scope).indexOf(identifier.text);
      if (index >= 0) {
        const key = `${module.file}:${scope.startIndex}:${index}`;
        return this.instances.get(key) ?? (this.bound.has(key) ? this.paramInstance(module, scope, index) : undefined);
      }
      // `export default ({ app }) => { app.get(...) }`, called as `loader({ app })`.
      const destructured = destructuredParameter(scope, identifier.text);
      if (destructured) {
        const key = `${module.file}:${scope.startIndex}:${destructured.index}.${destructured.property}`;
        return this.instances.get(key) ?? (this.bound.has(key) ? this.paramInstance(module, scope, destructured.index, destructured.property) : undefined);
      }
    }
    return undefined;
  }

  /** Function parameters known to receive an instance, from `setup(app)` calls; filled before registrations are read. */
  private readonly bound = new Set<string>();
  private readonly boundFiles = new Set<string>();

  private readonly callCache = new Map<string, Node[]>();

  private calls(module: JsModule): Node[] {
    let calls = this.callCache.get(module.file);
    if (!calls) {
      // The tree's shared list of calls (document order, outer first), not a query of the whole file per dialect.
      calls = descendantsOf(module.source.tree.rootNode, CALL_TYPES);
      this.callCache.set(module.file, calls);
    }
    return calls;
  }

  private scan(module: JsModule): void {
    const calls = this.calls(module);
    // Only the outermost call of a chain (`router.route('/x').get(h).post(h)`) is read; it holds the others.
    const inner = new Set<number>();
    for (const call of calls) {
      const fn = callee(call);
      const object = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
      if (object) inner.add(unwrap(object).id);
    }
    for (const call of calls) {
      if (inner.has(call.id)) {
        this.scanInclude(module, call, true);
        continue;
      }
      this.scanChain(module, call);
      this.scanInclude(module, call, true);
      this.scanHelper(module, call);
    }
  }

  private readonly helperRoutes: HelperRoutes;

  /** `createAction(router, '/api', Ctrl, action, prefix + path, method)`: routes a project helper registers (js/helper-routes.ts). */
  private scanHelper(module: JsModule, call: Node): void {
    const found = this.helperRoutes.read(module, call);
    for (const registration of found ?? []) {
      const instance = this.resolveInstance(module, registration.router);
      if (!instance) continue;
      const facts = registration.handlers.map((handler) => (isFunction(handler.node) ? this.auth.fromBody(handler.module, handler.node, 'check in the handler', true) : undefined));
      const helper: AuthFact =
        facts.length > 0 && facts.every((fact) => fact?.verdict === 'auth')
          ? (facts[0] as AuthFact)
          : registration.runsPassedCode
            ? { verdict: 'maybe', mechanisms: ['unknown'], detail: `the handler built by ${callee(call)?.text ?? 'a helper'} (it runs code passed to it, not followed)` }
            : { verdict: 'none', mechanisms: [], detail: '' };
      for (const route of registration.routes) instance.registrations.push({ kind: 'route', module, methods: [route.method], path: route.path, handlers: [], site: call, helper });
      for (const node of registration.unresolved) {
        this.diagnostics.push({
          level: 'warning',
          file: module.file,
          line: node.startPosition.row + 1,
          message: `${this.dialect.framework}: \`${node.text.replace(/\s+/g, ' ').slice(0, 60)}\` registers routes through ${callee(call)?.text ?? 'a helper'} whose method or path could not be resolved; they are not listed.`,
          source: `collector:${this.dialect.framework}`,
        });
      }
    }
  }

  /**
   * The calls of a module that may hand an instance to a workspace function (`setup(app)`, `loader({ app })`), read
   * once per module from the syntax alone: both passes over the calls (`bound` first, then the registrations) use them.
   */
  private includeSites(module: JsModule): Map<number, IncludeSite> {
    let sites = this.includeCache.get(module.file);
    if (!sites) {
      sites = new Map();
      for (const call of this.calls(module)) {
        const site = includeSite(call);
        if (site) sites.set(call.id, site);
      }
      this.includeCache.set(module.file, sites);
    }
    return sites;
  }

  private readonly includeCache = new Map<string, Map<number, IncludeSite>>();

  private scanInclude(module: JsModule, call: Node, register: boolean): void {
    const site = this.includeSites(module).get(call.id);
    if (!site) return;
    for (const { index, passed } of site.args) {
      for (const { value, property } of passed) {
        const instance = this.resolveInstance(module, value);
        if (!instance) continue;
        const target = this.graph.resolve(module, site.fn);
        if (target.kind !== 'node' || !isFunction(target.node)) break;
        const key = `${target.module.file}:${target.node.startIndex}:${index}${property === undefined ? '' : `.${property}`}`;
        this.bound.add(key);
        this.boundFiles.add(target.module.file);
        if (!register) continue;
        const param = this.paramInstance(target.module, target.node, index, property);
        param.app = instance.app;
        this.targeted.add(param.key);
        instance.registrations.push({ kind: 'include', module, instance: param.key, site: call });
      }
    }
  }

  private scanChain(module: JsModule, outer: Node): void {
    const links: Omit<Segment, 'args'>[] = [];
    let current: Node = outer;
    for (;;) {
      if (current.type !== 'call_expression') break;
      const fn = callee(current);
      if (fn?.type !== 'member_expression') break;
      const property = field(fn, 'property');
      const object = field(fn, 'object');
      if (!property || !object) break;
      links.unshift({ property, name: property.text, call: current });
      current = unwrap(object);
    }
    if (links.length === 0) return;
    const relevant = links.some(
      (segment) => VERBS.has(segment.name) || segment.name === 'use' || segment.name === 'route' || segment.name === this.dialect.mountMethod || (this.dialect.onMethod && segment.name === 'on') || (this.dialect.declaredMethods?.includes(segment.name) ?? false),
    );
    if (!relevant) return;
    const instance = this.resolveInstance(module, current);
    if (!instance) return;
    // The arguments only now: most calls of a file are not registrations.
    const segments: Segment[] = links.map((link) => ({ ...link, args: callArgs(link.call) }));
    let routePath: string | undefined;
    let routePathKnown = false;
    for (const segment of segments) {
      const site = segments.length > 1 ? segment.property : outer;
      if (segment.name === 'route' && segment.args.length === 1 && this.dialect.mountMethod !== 'route') {
        routePath = this.path(module, segment.args[0]);
        routePathKnown = true;
        continue;
      }
      if (segment.name === 'use') {
        const expanded = this.loopArgs(module, segment.args, outer);
        if (expanded) for (const args of expanded) this.addUse(instance, module, args, site);
        else this.addUse(instance, module, segment.args, site);
        continue;
      }
      if (segment.name === this.dialect.mountMethod && segment.args.length >= 2) {
        const [pathArg, target] = segment.args;
        const sub = target ? this.resolveInstance(module, target) : undefined;
        if (sub && pathArg) {
          this.targeted.add(sub.key);
          instance.registrations.push({ kind: 'use', module, path: this.path(module, pathArg), items: [{ instance: sub.key, node: target ?? pathArg }], site });
        }
        continue;
      }
      const declared = this.dialect.declaredMethods?.includes(segment.name) ? this.dialect.declared?.(this.graph, module, segment.name, segment.args) : undefined;
      if (declared) {
        for (const route of declared) {
          if (route.path === undefined) this.unresolved(module, segment.args[0] ?? segment.call, 'route path');
          instance.registrations.push({ kind: 'route', module, methods: route.methods, path: route.path ?? '{dynamic}', handlers: route.handlers, site });
        }
        continue;
      }
      if (this.dialect.onMethod && segment.name === 'on' && segment.args.length >= 3) {
        const [methodArg, pathArg, ...handlers] = segment.args;
        const methods = methodArg ? evalStrings(this.graph, module, methodArg) : undefined;
        if (methods && pathArg) instance.registrations.push({ kind: 'route', module, methods: methods.map((m) => m.toUpperCase()), path: this.path(module, pathArg), handlers, site });
        continue;
      }
      if (!VERBS.has(segment.name)) continue;
      const method = segment.name === 'del' ? 'DELETE' : segment.name === 'all' ? 'ANY' : segment.name.toUpperCase();
      let args = segment.args;
      let path: string | undefined;
      if (routePathKnown) path = routePath;
      else {
        if (this.dialect.namedRoutes && args.length >= 3 && this.path(module, args[1]) !== undefined && this.path(module, args[0]) !== undefined) args = args.slice(1);
        const first = args[0];
        if (!first) continue;
        path = this.path(module, first);
        if (path === undefined && !looksLikePath(first)) continue;
        if (path === undefined) this.unresolved(module, first, 'route path');
        args = args.slice(1);
      }
      if (args.length === 0) continue;
      // `app.options('*', cors())` answers CORS preflights for every path: neither an endpoint nor middleware for other methods.
      if (method === 'OPTIONS' && path !== undefined && /\*/.test(path)) continue;
      if (method === 'ANY' && path !== undefined && /\*/.test(path)) {
        // `app.all('/api/*', auth)` is middleware for everything below, not an endpoint.
        instance.registrations.push({ kind: 'use', module, path, items: args.map((node) => ({ middleware: node })), site });
        continue;
      }
      instance.registrations.push({ kind: 'route', module, methods: [method], path: path ?? '{dynamic}', handlers: args, site });
    }
  }

  private addUse(instance: Instance, module: JsModule, args: Node[], site: Node): void {
    let rest = args;
    let path: string | undefined;
    const first = args[0];
    if (first) {
      const value = this.path(module, first);
      if (value !== undefined) {
        path = value;
        rest = args.slice(1);
      } else if (looksLikePath(first) || (args.length >= 2 && this.prefixLike(module, first) && args.slice(1).some((arg) => this.resolveInstance(module, arg) !== undefined))) {
        // `app.use(config.apiBase, router)` whose value is not in the workspace: the routes stay, under {dynamic}.
        this.unresolved(module, first, 'mount prefix');
        path = '{dynamic}';
        rest = args.slice(1);
      }
    }
    const items: UseItem[] = [];
    for (const arg of rest) {
      const node = unwrap(arg);
      const list = node.type === 'array' ? named(node) : [node];
      for (const item of list) {
        const mount = this.dialect.mounted?.(this.graph, module, unwrap(item));
        if (mount) {
          // A mount is a `use` of its own: flush what came before so that order is kept.
          if (items.length > 0) instance.registrations.push({ kind: 'use', module, path, items: items.splice(0), site });
          const mountPath = mount.path ? this.path(module, mount.path) : '/';
          if (mount.path && mountPath === undefined) this.unresolved(module, mount.path, 'mount prefix');
          const prefix = joinPaths(path ?? '/', mountPath ?? '{dynamic}');
          const sub = this.resolveInstance(module, mount.target);
          if (sub && sub.key !== instance.key) {
            this.targeted.add(sub.key);
            instance.registrations.push({ kind: 'use', module, path: prefix, items: [{ instance: sub.key, node: mount.target }], site });
          } else instance.registrations.push({ kind: 'use', module, path: prefix, items: [{ middleware: mount.target }], site });
          continue;
        }
        const generated = this.dialect.generated?.(this.graph, module, unwrap(item));
        if (generated) {
          if (items.length > 0) instance.registrations.push({ kind: 'use', module, path, items: items.splice(0), site });
          const base = (path ?? '/').replace(/\/\*$|\/\(\.\*\)$/, '');
          for (const route of generated) instance.registrations.push({ kind: 'route', module, methods: route.methods, path: joinPaths(base, route.path), handlers: [item], site });
          continue;
        }
        const sub = this.resolveInstance(module, item);
        if (sub && sub.key !== instance.key) {
          this.targeted.add(sub.key);
          items.push({ instance: sub.key, node: item });
        } else items.push({ middleware: item });
      }
    }
    if (items.length > 0 || rest.length === 0) instance.registrations.push({ kind: 'use', module, path, items, site });
  }

  /** An expression in a `use` prefix position that is neither middleware nor a router (a setting, a helper returning a string). */
  private prefixLike(module: JsModule, node: Node): boolean {
    const current = unwrap(node);
    if (!['identifier', 'member_expression', 'call_expression', 'subscript_expression'].includes(current.type)) return false;
    if (this.resolveInstance(module, current)) return false;
    const resolved = this.graph.resolve(module, current.type === 'call_expression' ? (callee(current) ?? current) : current);
    if (resolved.kind === 'unresolved') return current.type !== 'call_expression';
    if (resolved.kind !== 'node') return false;
    const target = unwrap(resolved.node);
    if (current.type !== 'call_expression') return ['string', 'template_string', 'binary_expression', 'member_expression', 'subscript_expression'].includes(target.type);
    if (!isFunction(target)) return false;
    const body = field(target, 'body');
    const values = body ? (body.type === 'statement_block' ? descendants(body, RETURNS).map((statement) => named(statement)[0]) : [body]) : [];
    return values.length > 0 && values.every((value) => value !== undefined && ['string', 'template_string', 'binary_expression'].includes(unwrap(value).type));
  }

  /** A prefix or router found but not resolved: said, never dropped silently. */
  private unresolved(module: JsModule, node: Node, what: string): void {
    const key = `${module.file}:${node.startIndex}`;
    if (this.reported.has(key)) return;
    this.reported.add(key);
    this.diagnostics.push({
      level: 'warning',
      file: module.file,
      line: node.startPosition.row + 1,
      message: `${this.dialect.framework}: the ${what} \`${node.text.slice(0, 60)}\` could not be resolved; routes below it are listed under {dynamic}.`,
      source: `collector:${this.dialect.framework}`,
    });
  }

  private readonly reported = new Set<string>();

  /**
   * `routes.forEach((route) => router.use(route.path, route.route))` and `for (const { path, route } of routes)`:
   * the arguments once per element of the literal array the loop walks; undefined when the call is not in such a loop.
   */
  private loopArgs(module: JsModule, args: readonly Node[], call: Node): Node[][] | undefined {
    const first = args[0] ? unwrap(args[0]) : undefined;
    if (!first || (first.type !== 'member_expression' && first.type !== 'identifier') || this.path(module, first) !== undefined) return undefined;
    const loop = enclosingLoop(call);
    if (!loop) return undefined;
    const list = this.graph.resolve(module, loop.iterable);
    if (list.kind !== 'node' || list.node.type !== 'array' || list.module.file !== module.file) return undefined;
    const substitute = (element: Node, arg: Node): Node => {
      const node = unwrap(arg);
      if (loop.name !== undefined && node.type === 'member_expression' && field(node, 'object')?.text === loop.name) {
        const key = field(node, 'property')?.text;
        return (key ? objectProperty(element, key) : undefined) ?? arg;
      }
      if (node.type === 'identifier' && loop.destructured.has(node.text)) return objectProperty(element, loop.destructured.get(node.text) ?? node.text) ?? arg;
      return arg;
    };
    const rows: Node[][] = [];
    for (const item of named(list.node)) {
      const element = unwrap(item);
      if (element.type !== 'object') return undefined;
      rows.push(args.map((arg) => substitute(element, arg)));
    }
    return rows;
  }

  private path(module: JsModule, node: Node | undefined): string | undefined {
    if (!node) return undefined;
    const values = evalStrings(this.graph, module, node);
    return values?.[0];
  }

  private walk(root: Instance, instance: Instance, prefix: string, inherited: ActiveMiddleware[], stack: Set<string>): void {
    if (stack.has(instance.key) || stack.size > 32) return;
    stack.add(instance.key);
    const base = joinPaths(prefix, instance.prefix);
    const active = [...inherited];
    const scope: EvidenceScope = instance.app ? 'app' : 'router';
    for (const registration of instance.registrations) {
      if (registration.kind === 'include') {
        const target = this.instances.get(registration.instance);
        if (target) this.walk(root, target, base, active, stack);
        continue;
      }
      if (registration.kind === 'use') {
        const mountPath = normalisePath(joinPaths(base, registration.path ?? '/'));
        const local: ActiveMiddleware[] = [];
        for (const item of registration.items) {
          if ('instance' in item) {
            const target = this.instances.get(item.instance);
            if (target) this.walk(root, target, mountPath, [...active, ...local], stack);
            continue;
          }
          const fact = this.auth.classify(registration.module, item.middleware);
          local.push({ path: mountPath, fact: fact.verdict === 'none' ? undefined : fact, applied: { where: locate(registration.module.file, item.middleware), scope } });
        }
        active.push(...local);
        continue;
      }
      this.emit(root, registration, base, active);
    }
    for (const side of instance.sides ?? []) {
      side.app = instance.app;
      this.walk(root, side, base, [], stack);
    }
    stack.delete(instance.key);
  }

  private emit(root: Instance, route: Extract<Registration, { kind: 'route' }>, base: string, active: readonly ActiveMiddleware[]): void {
    const path = normalisePath(joinPaths(base, route.path ?? '/'));
    const { module } = route;
    const handlerNode = route.handlers[route.handlers.length - 1];
    const middlewares = route.handlers.slice(0, -1).flatMap((node) => (unwrap(node).type === 'array' ? named(unwrap(node)) : [node]));
    const handler = handlerNode ? this.handlerFunction(module, handlerNode) : undefined;
    for (const method of route.methods) {
      const facts: AppliedFact[] = [];
      const chain: Location[] = [];
      for (const mw of active) {
        if (!mountCovers(mw.path, path)) continue;
        chain.push(mw.applied.where);
        if (!mw.fact || mw.fact.skips?.(path, method)) continue;
        facts.push({ ...mw.fact, ...mw.applied });
      }
      for (const node of middlewares) {
        chain.push(locate(module.file, node));
        const fact = this.auth.classify(module, node);
        if (fact.verdict !== 'none') facts.push({ ...fact, where: locate(module.file, node), scope: 'route' });
      }
      if (route.helper && route.helper.verdict !== 'none') facts.push({ ...route.helper, where: locate(module.file, route.site), scope: 'route' });
      if (handler) {
        let fact = this.auth.fromBody(handler.module, handler.node, 'check in the handler', true);
        // The handler names a check and answers 401/403 somewhere: it protects the route only when every response it
        // gives comes after that check (`if (!canView(note, req.isAuthenticated())) return forbidden()` serves guests too).
        if (fact.verdict === 'auth' && this.auth.handlerGate(handler.module, handler.node).verdict !== 'auth')
          fact = { verdict: 'maybe', mechanisms: ['unknown'], detail: 'the handler answers 401/403 on some paths, but not provably on every path that serves the request' };
        // `maybe`: the handler's check runs only under a configuration setting.
        if (fact.verdict === 'auth' || fact.verdict === 'maybe') facts.push({ ...fact, where: locate(handler.module.file, handler.node), scope: 'route' });
      } else if (handlerNode && unwrap(handlerNode).type === 'call_expression' && this.externalCall(module, unwrap(handlerNode))) {
        // `router.get('/auth/google', passport.authenticate('google'))`: a library middleware is the whole route.
        const fact = this.auth.classifyHandler(module, handlerNode);
        if (fact.verdict !== 'none') facts.push({ ...fact, where: locate(module.file, handlerNode), scope: 'route' });
      }
      let auth = evidence(facts);
      if (!root.app && !this.dialect.everyRootIsApp && auth.state !== 'protected') {
        auth = { state: 'unknown', mechanisms: ['unknown'], detail: 'the router is not mounted by any app found in the workspace' };
      }
      const endpoint: CollectedEndpoint = {
        method: method as HttpMethod,
        path,
        protocol: 'rest',
        sources: [{ kind: 'code', via: this.dialect.framework, location: locate(module.file, route.site) }],
        parameters: extractParameters(path, handler?.node.text),
        auth,
        deprecated: false,
        framework: this.dialect.framework,
        appFile: root.module.file,
        middleware: chain,
      };
      if (handler) endpoint.handler = locate(handler.module.file, handler.node);
      this.endpoints.push(endpoint);
    }
  }

  private externalCall(module: JsModule, call: Node): boolean {
    const fn = callee(call);
    return fn !== undefined && this.graph.resolve(module, fn).kind === 'external';
  }

  private handlerFunction(module: JsModule, node: Node): { module: JsModule; node: Node } | undefined {
    const current = unwrap(node);
    if (isFunction(current)) return { module, node: current };
    const resolved = this.graph.resolve(module, current);
    if (resolved.kind === 'node' && isFunction(resolved.node)) return { module: resolved.module, node: resolved.node };
    if (current.type === 'call_expression') {
      // asyncHandler(fn) / catchAsync(async (req, res) => ...): the wrapped function is the handler.
      const inner = callArgs(current).find((arg) => isFunction(unwrap(arg)) || unwrap(arg).type === 'identifier' || unwrap(arg).type === 'member_expression');
      if (inner && inner.id !== node.id) return this.handlerFunction(module, inner);
    }
    return undefined;
  }
}

const RETURNS: ReadonlySet<string> = new Set(['return_statement']);

interface Loop {
  iterable: Node;
  /** The element's name (`route` in `(route) => …`), undefined when it is destructured. */
  name: string | undefined;
  /** Destructured names → the property each reads (`{ path, route: sub }` → path→path, sub→route). */
  destructured: Map<string, string>;
}

/** The nearest `array.forEach(fn)` / `array.map(fn)` callback or `for (… of array)` around a call. */
function enclosingLoop(call: Node): Loop | undefined {
  for (let scope = parentOf(call); scope; scope = parentOf(scope)) {
    if (scope.type === 'for_in_statement') {
      const iterable = field(scope, 'right');
      const left = field(scope, 'left');
      if (!iterable || !left || field(scope, 'operator')?.text !== 'of') return undefined;
      return { iterable, ...binding(left) };
    }
    if (!isFunction(scope)) continue;
    const call_ = parentOf(scope)?.type === 'arguments' ? parentOf(parentOf(scope)) : undefined;
    const fn = call_?.type === 'call_expression' ? callee(call_) : undefined;
    if (fn?.type !== 'member_expression' || !['forEach', 'map'].includes(field(fn, 'property')?.text ?? '')) return undefined;
    const iterable = field(fn, 'object');
    const params = field(scope, 'parameters') ?? field(scope, 'parameter');
    const param = params?.type === 'identifier' ? params : params ? named(params)[0] : undefined;
    const pattern = param && (param.type === 'required_parameter' || param.type === 'optional_parameter') ? field(param, 'pattern') : param;
    if (!iterable || !pattern) return undefined;
    return { iterable, ...binding(pattern) };
  }
  return undefined;
}

function binding(pattern: Node): Omit<Loop, 'iterable'> {
  const destructured = new Map<string, string>();
  if (pattern.type === 'identifier') return { name: pattern.text, destructured };
  if (pattern.type !== 'object_pattern') {
    const inner = named(pattern).find((child) => child.type === 'identifier' || child.type === 'object_pattern' || child.type === 'variable_declarator');
    const target = inner?.type === 'variable_declarator' ? field(inner, 'name') : inner;
    return target && target !== pattern ? binding(target) : { name: undefined, destructured };
  }
  for (const child of named(pattern)) {
    if (child.type === 'shorthand_property_identifier_pattern') destructured.set(child.text, child.text);
    else if (child.type === 'pair_pattern') {
      const key = field(child, 'key')?.text;
      const value = field(child, 'value');
      if (key && value?.type === 'identifier') destructured.set(value.text, key);
    }
  }
  return { name: undefined, destructured };
}

interface IncludeSite {
  fn: Node;
  /** Per argument, the values that may be an instance: the argument itself, or an object literal's identifier values. */
  args: { index: number; passed: { value: Node; property?: string }[] }[];
}

/** A call that may pass an instance to a workspace function, read from its syntax; undefined when it cannot. */
function includeSite(call: Node): IncludeSite | undefined {
  const fn = callee(call);
  if (!fn || fn.type === 'import') return undefined;
  // `plugin.install(app)`: a method of a workspace object, never a verb or `use` of an instance.
  if (fn.type === 'member_expression') {
    const method = field(fn, 'property')?.text ?? '';
    if (VERBS.has(method) || ['use', 'route', 'listen', 'set', 'get', 'on', 'routes', 'middleware', 'register', 'applyMiddleware'].includes(method)) return undefined;
    const object = field(fn, 'object');
    if (!object || !['identifier', 'member_expression'].includes(unwrap(object).type)) return undefined;
    if (!callArgs(call).some((arg) => ['identifier', 'object'].includes(unwrap(arg).type))) return undefined;
  }
  const args = callArgs(call);
  if (args.length === 0 || args.length > 3) return undefined;
  const out: IncludeSite['args'] = [];
  args.forEach((arg, index) => {
    const node = unwrap(arg);
    // `setup(app)`, or `loader({ app })` / `loader({ app: server })` for a destructured parameter.
    const passed: { value: Node; property?: string }[] =
      node.type === 'identifier'
        ? [{ value: node }]
        : node.type === 'object'
          ? named(node).flatMap((entry) => {
              if (entry.type === 'shorthand_property_identifier') return [{ value: entry, property: entry.text }];
              const key = entry.type === 'pair' ? field(entry, 'key')?.text : undefined;
              const value = entry.type === 'pair' ? field(entry, 'value') : undefined;
              return key && value?.type === 'identifier' ? [{ value, property: key }] : [];
            })
          : [];
    if (passed.length > 0) out.push({ index, passed });
  });
  return out.length > 0 ? { fn, args: out } : undefined;
}

function looksLikePath(node: Node): boolean {
  const current = unwrap(node);
  return current.type === 'string' || current.type === 'template_string' || current.type === 'binary_expression' || /^process\.env\./.test(current.text);
}

export function collectWith(dialect: RouterDialect, sources: readonly SourceFile[], graph = ModuleGraph.of(sources), filter?: (module: JsModule) => boolean): { endpoints: CollectedEndpoint[]; diagnostics: Diagnostic[] } {
  const engine = new RouterEngine(dialect, graph);
  const modules = [...graph.modules.values()].filter((module) => filter?.(module) ?? true);
  const endpoints = engine.run(modules);
  return { endpoints, diagnostics: engine.diagnostics };
}
