import type { Node } from 'web-tree-sitter';
import type { HttpMethod } from '../../../model/types.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { callArgs, callee, descendants, field, isFunction, locate, named, objectProperty, parameterNames, unwrap } from '../js/ast.js';
import { AuthAnalyser, evidence, type AppliedFact, type AuthFact } from '../js/auth.js';
import { jsEnabled } from '../js/kit.js';
import { joinFile, ModuleGraph, type JsModule } from '../js/modules.js';
import { extractParameters } from '../js/params.js';
import { joinPaths, normalisePath } from '../js/paths.js';
import { evalString, evalStrings, externalName } from '../js/values.js';
import { parentOf } from '../../../parsing/tree-index.js';

const PACKAGES = ['fastify'];
const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'all']);
const AUTH_HOOKS = new Set(['onRequest', 'preParsing', 'preValidation', 'preHandler']);
const CALLS: ReadonlySet<string> = new Set(['call_expression']);

/** A Fastify encapsulation context: the root instance's scope, or a plugin function and its instance parameter. */
interface Context {
  module: JsModule;
  scope: Node;
  name: string;
  key: string;
}

interface Child {
  context: Context;
  prefix: string;
  encapsulated: boolean;
  /** @fastify/autoload `autohooks` plugins whose hooks wrap this child. */
  hooks?: Context[];
}

const AUTOLOAD = ['@fastify/autoload', 'fastify-autoload'];
const SCRIPT = /\.(?:[cm]?[jt]sx?)$/;

interface RouteDecl {
  module: JsModule;
  methods: string[];
  url: string;
  options: Node | undefined;
  handler: Node | undefined;
  site: Node;
  protocol?: 'graphql';
}

interface Gathered {
  hooks: AppliedFact[];
  routes: RouteDecl[];
  children: Child[];
}

class FastifyCollector {
  private readonly auth: AuthAnalyser;
  private readonly decorations = new Map<string, { module: JsModule; node: Node }>();
  private readonly gathered = new Map<string, Gathered>();
  private readonly endpoints: CollectedEndpoint[] = [];

  constructor(private readonly graph: ModuleGraph) {
    this.auth = new AuthAnalyser(graph);
  }

  run(): CollectedEndpoint[] {
    const roots: Context[] = [];
    for (const module of this.graph.modules.values()) {
      if (!module.source.text.includes('fastify') && !module.source.text.includes('decorate')) continue;
      for (const call of descendants(module.source.tree.rootNode, CALLS)) {
        const fn = callee(call);
        if (!fn) continue;
        if (fn.type === 'member_expression' && field(fn, 'property')?.text === 'decorate') {
          const [nameArg, value] = callArgs(call);
          const name = nameArg ? evalString(this.graph, module, nameArg) : undefined;
          if (name && value) this.decorations.set(name, { module, node: value });
          continue;
        }
        const resolved = this.graph.resolve(module, fn);
        if (resolved.kind !== 'external' || resolved.specifier !== 'fastify' || !['', 'fastify', 'Fastify'].includes(externalName(resolved) ?? '-')) continue;
        const declarator = parentOf(call)?.type === 'variable_declarator' ? parentOf(call) : parentOf(parentOf(call))?.type === 'variable_declarator' ? parentOf(parentOf(call)) : undefined;
        const name = declarator ? field(declarator, 'name')?.text : undefined;
        if (!name) continue;
        let scope: Node = module.source.tree.rootNode;
        for (let up = parentOf(call); up; up = parentOf(up)) if (isFunction(up)) {
          scope = up;
          break;
        }
        roots.push({ module, scope, name, key: `${module.file}:${call.startIndex}` });
      }
    }
    for (const root of roots) this.walk(root, '', [], new Set(), root.module.file);
    return this.endpoints;
  }

  private gather(context: Context): Gathered {
    const cached = this.gathered.get(context.key);
    if (cached) return cached;
    const result: Gathered = { hooks: [], routes: [], children: [] };
    this.gathered.set(context.key, result);
    const { module } = context;
    const visit = (node: Node): void => {
      for (const child of named(node)) {
        if (isFunction(child) && child.id !== context.scope.id && parameterNames(child)[0] === context.name) continue;
        if (child.type === 'call_expression') this.inspect(context, child, result);
        visit(child);
      }
    };
    visit(context.scope);
    void module;
    return result;
  }

  private inspect(context: Context, call: Node, result: Gathered): void {
    const fn = callee(call);
    if (fn?.type !== 'member_expression') return;
    const object = field(fn, 'object');
    const method = field(fn, 'property')?.text ?? '';
    if (!object || unwrap(object).text !== context.name) return;
    const args = callArgs(call);
    const { module } = context;
    if (method === 'addHook') {
      const [hookArg, hookFn] = args;
      const hook = hookArg ? evalString(this.graph, module, hookArg) : undefined;
      if (!hook || !AUTH_HOOKS.has(hook) || !hookFn) return;
      const fact = this.classify(module, hookFn);
      if (fact.verdict !== 'none') result.hooks.push({ ...fact, where: locate(module.file, call), scope: 'router' });
      return;
    }
    if (method === 'register') {
      const [pluginArg, options] = args;
      if (!pluginArg) return;
      const generated = this.generated(module, pluginArg, options, call);
      if (generated) {
        result.routes.push(...generated);
        return;
      }
      const loaded = this.autoload(module, pluginArg, options);
      if (loaded) {
        result.children.push(...loaded.children);
        result.routes.push(...loaded.routes);
        return;
      }
      const child = this.plugin(module, pluginArg);
      if (!child) return;
      const optionsNode = options ? unwrap(options) : undefined;
      const prefixNode = optionsNode?.type === 'object' ? objectProperty(optionsNode, 'prefix') : undefined;
      const prefix = prefixNode ? evalString(this.graph, module, prefixNode) ?? '{dynamic}' : '';
      result.children.push({ context: child.context, prefix, encapsulated: child.encapsulated });
      return;
    }
    if (method === 'route') {
      const options = args[0] ? unwrap(args[0]) : undefined;
      if (options?.type !== 'object') return;
      const methodNode = objectProperty(options, 'method');
      const urlNode = objectProperty(options, 'url') ?? objectProperty(options, 'path');
      const methods = methodNode ? evalStrings(this.graph, module, methodNode) : undefined;
      const url = urlNode ? evalString(this.graph, module, urlNode) : undefined;
      if (!methods || url === undefined) return;
      result.routes.push({ module, methods: methods.map((m) => m.toUpperCase()), url, options, handler: objectProperty(options, 'handler'), site: call });
      return;
    }
    if (!VERBS.has(method)) return;
    const [urlArg, second, third] = args;
    const url = urlArg ? evalString(this.graph, module, urlArg) : undefined;
    if (url === undefined || !second) return;
    const options = third ? unwrap(second) : unwrap(second).type === 'object' ? unwrap(second) : undefined;
    const handler = third ?? (options && options.type === 'object' ? objectProperty(options, 'handler') : second);
    result.routes.push({ module, methods: [method === 'all' ? 'ANY' : method.toUpperCase()], url, options, handler, site: call });
  }

  /**
   * `register(autoload, { dir })`: every script under `dir` is a plugin whose default export is registered
   * with its folder as prefix (`_id` folders become `:id`); with `autoHooks`, an `autohooks` file's hooks wrap
   * the plugins of its folder (and of its subfolders with `cascadeHooks`).
   */
  private autoload(module: JsModule, pluginArg: Node, options: Node | undefined): { children: Child[]; routes: RouteDecl[] } | undefined {
    const resolved = this.graph.resolve(module, unwrap(pluginArg));
    if (resolved.kind !== 'external' || !AUTOLOAD.includes(resolved.specifier)) return undefined;
    const object = options ? unwrap(options) : undefined;
    if (object?.type !== 'object') return { children: [], routes: [] };
    const dirNode = objectProperty(object, 'dir');
    const dir = dirNode ? this.directory(module, dirNode) : undefined;
    if (dir === undefined) return { children: [], routes: [] };
    const routes: RouteDecl[] = [];
    const prefixNode = objectProperty(object, 'prefix');
    const prefix = prefixNode ? evalString(this.graph, module, prefixNode) ?? '{dynamic}' : '';
    const autoHooks = objectProperty(object, 'autoHooks')?.text === 'true';
    const cascade = objectProperty(object, 'cascadeHooks')?.text === 'true';
    const hooks = new Map<string, Context>();
    const plugins: { folder: string; context: Context; encapsulated: boolean }[] = [];
    for (const candidate of this.graph.modules.values()) {
      if (!candidate.file.startsWith(`${dir}/`) || !SCRIPT.test(candidate.file) || /\.d\.[cm]?ts$|\.(?:test|spec)\.[^/]+$/.test(candidate.file)) continue;
      const relative = candidate.file.slice(dir.length + 1);
      const slash = relative.lastIndexOf('/');
      const folder = slash < 0 ? '' : relative.slice(0, slash);
      const exported = this.graph.exported(candidate, 'default');
      // `export default fastifyStatic` with `export const autoConfig = { prefix: '/uploads' }`: a library plugin, registered as is.
      if (exported.kind === 'external') {
        const site = named(candidate.source.tree.rootNode).find((statement) => statement.type === 'export_statement' && statement.children.some((c) => c?.type === 'default'));
        const generated = site ? this.generatedFor(candidate, exported.specifier, this.autoConfig(candidate), site) : undefined;
        const folderPath = folder.split('/').filter(Boolean).map((segment) => (segment.startsWith('_') ? `:${segment.slice(1)}` : segment)).join('/');
        for (const route of generated ?? []) routes.push({ ...route, url: joinPaths(prefix, folderPath, route.url) });
        continue;
      }
      if (exported.kind !== 'node') continue;
      const plugin = this.plugin(exported.module, exported.node);
      if (!plugin) continue;
      if (/^autohooks\./.test(relative.slice(slash + 1))) {
        if (autoHooks) hooks.set(folder, plugin.context);
        continue;
      }
      plugins.push({ folder, ...plugin });
    }
    const children = plugins.map(({ folder, context, encapsulated }) => {
      const segments = folder === '' ? [] : folder.split('/');
      const wrapping: Context[] = [];
      for (let depth = cascade ? 0 : segments.length; depth <= segments.length; depth++) {
        const hook = hooks.get(segments.slice(0, depth).join('/'));
        if (hook) wrapping.push(hook);
      }
      const path = segments.map((segment) => (segment.startsWith('_') ? `:${segment.slice(1)}` : segment)).join('/');
      return { context, prefix: joinPaths(prefix, path === '' ? '' : `/${path}`), encapsulated, hooks: wrapping };
    });
    return { children, routes };
  }

  /** @fastify/autoload's `export const autoConfig`: an options object, or a function returning one. */
  private autoConfig(module: JsModule): Node | undefined {
    const config = this.graph.exported(module, 'autoConfig');
    if (config.kind !== 'node') return undefined;
    const value = unwrap(config.node);
    if (value.type === 'object') return value;
    if (!isFunction(value)) return undefined;
    const body = field(value, 'body');
    if (body && body.type !== 'statement_block') return unwrap(body);
    const returned = body ? named(body).find((statement) => statement.type === 'return_statement') : undefined;
    const result = returned ? named(returned)[0] : undefined;
    return result ? unwrap(result) : undefined;
  }

  /**
   * Routes a plugin serves by itself: @fastify/static (`prefix/{path}`), @fastify/swagger-ui (`routePrefix`, `/json`, `/yaml`),
   * mercurius (`path`, GET and POST). Undefined for other plugins.
   */
  private generated(module: JsModule, pluginArg: Node, options: Node | undefined, site: Node): RouteDecl[] | undefined {
    const resolved = this.graph.resolve(module, unwrap(pluginArg));
    if (resolved.kind !== 'external') return undefined;
    return this.generatedFor(module, resolved.specifier, options, site);
  }

  private generatedFor(module: JsModule, specifier: string, options: Node | undefined, site: Node): RouteDecl[] | undefined {
    const object = options ? unwrap(options) : undefined;
    const option = (key: string, fallback: string): string => {
      const value = object?.type === 'object' ? objectProperty(object, key) : undefined;
      return value ? evalString(this.graph, module, value) ?? '{dynamic}' : fallback;
    };
    const route = (methods: string[], url: string): RouteDecl => ({ module, methods, url, options: undefined, handler: undefined, site });
    switch (specifier) {
      case '@fastify/static':
      case 'fastify-static':
        return [route(['GET'], joinPaths(option('prefix', '/'), '{path}'))];
      case '@fastify/swagger-ui':
      case 'fastify-swagger-ui': {
        const base = option('routePrefix', '/documentation');
        return [route(['GET'], base), route(['GET'], joinPaths(base, 'json')), route(['GET'], joinPaths(base, 'yaml'))];
      }
      case 'mercurius':
        return [{ ...route(['GET', 'POST'], option('path', '/graphql')), protocol: 'graphql' }];
      default:
        return undefined;
    }
  }

  /** The folder `path.join(__dirname, 'routes')` (or `import.meta.dirname`, `resolve`) names, relative to the workspace. */
  private directory(module: JsModule, node: Node): string | undefined {
    const current = unwrap(node);
    if (current.type !== 'call_expression') return undefined;
    const fn = callee(current);
    const name = fn?.type === 'member_expression' ? field(fn, 'property')?.text : fn?.text;
    if (name !== 'join' && name !== 'resolve') return undefined;
    const [base, ...rest] = callArgs(current);
    if (!base || !/^(?:__dirname|import\.meta\.dirname)$/.test(unwrap(base).text)) return undefined;
    const parts = rest.map((part) => evalString(this.graph, module, part));
    if (parts.some((part) => part === undefined)) return undefined;
    const slash = module.file.lastIndexOf('/');
    return joinFile(slash < 0 ? '' : module.file.slice(0, slash), parts.join('/'));
  }

  /** The plugin a `register` call loads, and whether fastify-plugin lifts its encapsulation. */
  private plugin(module: JsModule, node: Node, encapsulated = true, depth = 0): { context: Context; encapsulated: boolean } | undefined {
    if (depth > 6) return undefined;
    const current = unwrap(node);
    if (isFunction(current)) {
      const name = parameterNames(current)[0];
      if (!name) return undefined;
      return { context: { module, scope: current, name, key: `${module.file}:${current.startIndex}` }, encapsulated };
    }
    if (current.type === 'call_expression') {
      const fn = callee(current);
      const wrapper = fn ? this.graph.resolve(module, fn) : undefined;
      const inner = callArgs(current)[0];
      if (wrapper?.kind === 'external' && wrapper.specifier === 'fastify-plugin' && inner) return this.plugin(module, inner, false, depth + 1);
      const loaded = this.graph.requireTarget(module, current);
      if (loaded?.kind === 'namespace') {
        const exported = this.graph.exported(loaded.module, 'default');
        if (exported.kind === 'node') return this.plugin(exported.module, exported.node, encapsulated, depth + 1);
        return undefined;
      }
    }
    const resolved = this.graph.resolve(module, current);
    if (resolved.kind === 'node' && resolved.node.id !== current.id) return this.plugin(resolved.module, resolved.node, encapsulated, depth + 1);
    return undefined;
  }

  private classify(module: JsModule, node: Node): AuthFact {
    const current = unwrap(node);
    if (current.type === 'array') {
      const facts = named(current).map((item) => this.classify(module, item));
      const auth = facts.filter((fact) => fact.verdict === 'auth');
      if (auth.length > 0) return { verdict: 'auth', mechanisms: [...new Set(auth.flatMap((fact) => fact.mechanisms))], detail: current.text };
      return facts.find((fact) => fact.verdict === 'maybe') ?? { verdict: 'none', mechanisms: [], detail: '' };
    }
    if (current.type === 'member_expression') {
      const property = field(current, 'property')?.text ?? '';
      const decorated = this.decorations.get(property);
      if (decorated) return { ...this.auth.classify(decorated.module, decorated.node), detail: current.text };
    }
    if (current.type === 'call_expression') {
      const fn = callee(current);
      // @fastify/auth: `fastify.auth([a, b])` passes when one of them does; proven only when each of them is.
      if (fn?.type === 'member_expression' && field(fn, 'property')?.text === 'auth') {
        const list = callArgs(current)[0];
        const items = list && unwrap(list).type === 'array' ? named(unwrap(list)) : [];
        const facts = items.map((item) => this.classify(module, item));
        if (facts.length > 0 && facts.every((fact) => fact.verdict === 'auth'))
          return { verdict: 'auth', mechanisms: [...new Set(facts.flatMap((fact) => fact.mechanisms))], detail: current.text };
        return { verdict: 'maybe', mechanisms: ['unknown'], detail: current.text };
      }
    }
    return this.auth.classify(module, current);
  }

  private ownHooks(context: Context, seen: Set<string>): AppliedFact[] {
    if (seen.has(context.key)) return [];
    seen.add(context.key);
    const gathered = this.gather(context);
    return [...gathered.hooks, ...gathered.children.filter((child) => !child.encapsulated).flatMap((child) => this.ownHooks(child.context, seen))];
  }

  private walk(context: Context, prefix: string, inherited: AppliedFact[], stack: Set<string>, appFile: string): void {
    if (stack.has(context.key) || stack.size > 32) return;
    stack.add(context.key);
    const gathered = this.gather(context);
    const hooks = [...inherited, ...this.ownHooks(context, new Set())];
    for (const route of gathered.routes) this.emit(route, prefix, hooks, appFile);
    for (const child of gathered.children) {
      const wrapping = (child.hooks ?? []).flatMap((hook) => this.ownHooks(hook, new Set()));
      this.walk(child.context, joinPaths(prefix, child.prefix), [...hooks, ...wrapping], stack, appFile);
    }
    stack.delete(context.key);
  }

  private emit(route: RouteDecl, prefix: string, hooks: readonly AppliedFact[], appFile: string): void {
    const path = normalisePath(joinPaths(prefix, route.url));
    const { module } = route;
    // An `onRequest` hook that lets some URLs through (`if (request.url.startsWith('/api/auth')) return`) does not apply to them.
    const facts: AppliedFact[] = hooks.filter((hook) => !route.methods.every((method) => hook.skips?.(path, method)));
    if (route.options?.type === 'object') {
      for (const hook of AUTH_HOOKS) {
        const value = objectProperty(route.options, hook);
        if (!value) continue;
        const fact = this.classify(module, value);
        if (fact.verdict !== 'none') facts.push({ ...fact, where: locate(module.file, value), scope: 'route' });
      }
    }
    let handler: { module: JsModule; node: Node } | undefined;
    if (route.handler) {
      const current = unwrap(route.handler);
      if (isFunction(current)) handler = { module, node: current };
      else {
        const resolved = this.graph.resolve(module, current);
        if (resolved.kind === 'node' && isFunction(resolved.node)) handler = { module: resolved.module, node: resolved.node };
      }
    }
    if (handler) {
      const fact = this.auth.fromBody(handler.module, handler.node, 'check in the handler', true);
      // `maybe`: the handler's check runs only under a configuration setting.
      if (fact.verdict === 'auth' || fact.verdict === 'maybe') facts.push({ ...fact, where: locate(handler.module.file, handler.node), scope: 'route' });
    }
    for (const method of route.methods) {
      const endpoint: CollectedEndpoint = {
        method: method as HttpMethod,
        path,
        protocol: route.protocol ?? 'rest',
        sources: [{ kind: 'code', via: 'fastify', location: locate(module.file, route.site) }],
        parameters: extractParameters(path, handler?.node.text),
        auth: evidence(facts),
        deprecated: false,
        framework: 'fastify',
        appFile,
      };
      if (handler) endpoint.handler = locate(handler.module.file, handler.node);
      this.endpoints.push(endpoint);
    }
  }
}

export const fastifyCollector: CodeCollector = {
  id: 'fastify',
  languages: ['javascript', 'typescript', 'tsx'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['fastify'], PACKAGES),
  collect: (sources) => ({ endpoints: new FastifyCollector(ModuleGraph.of(sources)).run(), diagnostics: [] }),
};
