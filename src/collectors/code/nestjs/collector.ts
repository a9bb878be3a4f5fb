import type { Node } from 'web-tree-sitter';
import type { HttpMethod, Parameter, ParamSource } from '../../../model/types.js';
import type { SourceFile } from '../../../engine/context.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { callArgs, callee, descendants, field, isFunction, locate, named, objectProperty, returnedValues, unwrap } from '../js/ast.js';
import { AuthAnalyser, evidence, isLoginFlow, isOptionalStrategy, passportMechanism, strategyIndex, type AppliedFact, type AuthFact } from '../js/auth.js';
import { jsEnabled } from '../js/kit.js';
import { ModuleGraph, type JsModule } from '../js/modules.js';
import { extractParameters } from '../js/params.js';
import { joinPaths, mountCovers, normalisePath } from '../js/paths.js';
import { evalString } from '../js/values.js';
import { parentOf } from '../../../parsing/tree-index.js';
import { lookupTable } from '../../../analysis/lookup.js';
import { graphqlExport, resolverOperations, type ResolverHost } from './resolvers.js';

const PACKAGES = ['@nestjs/core', '@nestjs/common'];
const HTTP: Record<string, string> = lookupTable({ Get: 'GET', Post: 'POST', Put: 'PUT', Patch: 'PATCH', Delete: 'DELETE', Head: 'HEAD', Options: 'OPTIONS', All: 'ANY' });
const PARAM_DECORATORS: Record<string, ParamSource> = lookupTable({ Param: 'path', Query: 'query', Body: 'body', Headers: 'header' });
const CALLS: ReadonlySet<string> = new Set(['call_expression']);

/** A value bound to a parameter of a user-defined decorator or guard factory, read where the call passed it. */
interface Bound {
  node: Node;
  module: JsModule;
  env: Env | undefined;
}

/** Parameters of the factory being followed: `null` when the call passed nothing (the value is `undefined`). */
interface Env {
  params: Map<string, Bound | null>;
}

interface Decorator {
  name: string;
  args: Node[];
  /** The decorator as written on the class or method: where its effect is reported. */
  node: Node;
  /** Set for decorators inside a composite (`applyDecorators(...)`): the module and parameters they are read in. */
  module?: JsModule;
  env?: Env | undefined;
  /** The expression applied, when it is not the decorator node's own. */
  expression?: Node;
}

interface ClassRef {
  module: JsModule;
  node: Node;
}

interface Guard {
  fact: AuthFact;
  /** Metadata keys (identifier names and string values) the guard reads, e.g. IS_PUBLIC_KEY. */
  honours: (key: string) => boolean;
}

/** A route `consumer.apply(...).forRoutes(...)` names: a controller class, or a path (with a method unless ALL). */
type RouteRef = { controller: string } | { path: string; method: string | undefined };

/** `consumer.apply(AuthMiddleware).exclude(...).forRoutes(...)` in a module's `configure`. */
interface ConsumerRule {
  module: JsModule;
  middlewares: Node[];
  site: Node;
  routes: RouteRef[];
  excludes: RouteRef[];
}

function decorator(node: Node): Decorator | undefined {
  const expression = named(node)[0];
  if (!expression) return undefined;
  if (expression.type === 'call_expression') return { name: callee(expression)?.text ?? '', args: callArgs(expression), node };
  return { name: expression.text, args: [], node };
}

/** `@nestjs/passport`'s `AuthGuard`, however imported or aliased. */
function isPassportGuard(graph: ModuleGraph, module: JsModule, fn: Node): boolean {
  const resolved = graph.resolve(module, fn);
  if (resolved.kind === 'external') return resolved.specifier === '@nestjs/passport' && resolved.path.at(-1) === 'AuthGuard';
  return resolved.kind === 'unresolved' && fn.text === 'AuthGuard';
}

/** The expressions a function returns: an arrow's expression body, or its `return` statements (nested functions excluded). */
function returned(fn: Node): Node[] {
  const body = field(fn, 'body');
  if (!body) return [];
  return body.type === 'statement_block' ? returnedValues(body) : [unwrap(body)];
}

/** Binds a function's parameters to a call's arguments (defaults when omitted); rest and destructured parameters stay unbound. */
function bind(fn: Node, fnModule: JsModule, args: readonly Node[], caller: JsModule, env: Env | undefined): Env {
  const params = new Map<string, Bound | null>();
  const single = field(fn, 'parameter');
  const list = single ? [single] : named(field(fn, 'parameters') ?? fn).filter((p) => p.type !== 'type_annotation');
  list.forEach((param, index) => {
    const pattern = param.type === 'identifier' ? param : field(param, 'pattern');
    if (pattern?.type !== 'identifier') return;
    const arg = args[index];
    const fallback = field(param, 'value');
    if (arg && unwrap(arg).text !== 'undefined') params.set(pattern.text, { node: arg, module: caller, env });
    else params.set(pattern.text, fallback ? { node: fallback, module: fnModule, env: undefined } : null);
  });
  const result: Env = { params };
  // `const isPublicRoute = options?.public;` before the return: read through the same bindings.
  const body = field(fn, 'body');
  for (const statement of body?.type === 'statement_block' ? named(body) : []) {
    if (statement.type !== 'lexical_declaration' && statement.type !== 'variable_declaration') continue;
    for (const declarator of named(statement)) {
      const name = field(declarator, 'name');
      const value = field(declarator, 'value');
      // Only reads of the options (`options?.public`, `opts.flag`): a local list the body later pushes to is not a value.
      const read = value ? unwrap(value) : undefined;
      if (name?.type === 'identifier' && value && (read?.type === 'member_expression' || read?.type === 'identifier') && !params.has(name.text))
        params.set(name.text, { node: value, module: fnModule, env: result });
    }
  }
  return result;
}

/** Whether an expression is truthy, read through bound parameters; `undefined` when it cannot be told. */
function truthy(node: Node, env: Env | undefined): boolean | undefined {
  const current = unwrap(node);
  switch (current.type) {
    case 'true':
      return true;
    case 'false':
    case 'null':
    case 'undefined':
      return false;
    case 'number':
      return Number(current.text) !== 0;
    case 'string':
      return current.text.length > 2;
    case 'unary_expression':
      if (current.children[0]?.type === '!') {
        const inner = field(current, 'argument');
        const value = inner ? truthy(inner, env) : undefined;
        return value === undefined ? undefined : !value;
      }
      return undefined;
    case 'identifier': {
      if (current.text === 'undefined') return false;
      const bound = env?.params.get(current.text);
      if (bound === null) return false;
      return bound ? truthy(bound.node, bound.env) : undefined;
    }
    case 'member_expression': {
      const object = field(current, 'object');
      const key = field(current, 'property')?.text;
      if (object?.type !== 'identifier' || !key || !env?.params.has(object.text)) return undefined;
      const bound = env.params.get(object.text);
      if (!bound) return false;
      const value = unwrap(bound.node);
      if (value.type !== 'object' || named(value).some((child) => child.type === 'spread_element')) return undefined;
      const property = objectProperty(value, key);
      return property ? truthy(property, bound.env) : false;
    }
    default:
      return undefined;
  }
}

/** The file that makes a Nest application. */
const BOOTSTRAP = /\bNestFactory\.create\s*[(<]/;

function decoratorsOf(node: Node): Decorator[] {
  return node.children.flatMap((child) => (child?.type === 'decorator' ? [decorator(child)].filter((d): d is Decorator => d !== undefined) : []));
}

class NestCollector {
  private readonly auth: AuthAnalyser;
  private readonly classes = new Map<string, ClassRef>();
  /** Public-style decorator name → the metadata key it sets (identifier text and evaluated value). */
  private readonly markers = new Map<string, string[]>();
  private readonly globalGuards: { node: Node; module: JsModule; site: Node }[] = [];
  private readonly consumerRules: ConsumerRule[] = [];
  private globalPrefix = '';
  /** `setGlobalPrefix('api', { exclude: [...] })`: routes the prefix is not applied to. */
  private prefixExcludes: RouteRef[] = [];
  /** `enableVersioning({ defaultVersion, prefix })`. */
  private defaultVersions: string[] = [];
  private versionPrefix = 'v';
  /** Generated routes: Swagger UI and its JSON, the GraphQL endpoint. */
  private readonly generated: CollectedEndpoint[] = [];
  /** The bootstrap file: where `NestFactory.create` makes the application. */
  private appFile: string | undefined;
  private uriVersioning = false;

  constructor(
    private readonly graph: ModuleGraph,
    /** The modules of this application when the graph holds several (nestApplications); every module otherwise. */
    private readonly members?: ReadonlySet<string>,
  ) {
    this.auth = new AuthAnalyser(graph);
  }

  run(): CollectedEndpoint[] {
    const controllers: { ref: ClassRef; decorators: Decorator[] }[] = [];
    const resolvers: { ref: ClassRef; decorators: Decorator[] }[] = [];
    for (const module of this.graph.modules.values()) {
      if (this.members !== undefined && !this.members.has(module.file)) continue;
      const text = module.source.text;
      for (const [name, binding] of module.declarations) {
        if (binding.node.type === 'class_declaration') this.classes.set(name, { module, node: binding.node });
        const value = unwrap(binding.node);
        // export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
        // A composite (`applyDecorators(SetMetadata('roles', roles), UseGuards(...))`) is expanded where used, never a marker.
        if (binding.path.length === 0 && /SetMetadata\s*\(/.test(value.text) && !/applyDecorators\s*\(/.test(value.text) && value.text.length < 300) {
          const call = descendants(value, CALLS).find((c) => callee(c)?.text === 'SetMetadata');
          const key = call ? callArgs(call)[0] : undefined;
          if (key) this.markers.set(name, [key.text, evalString(this.graph, module, key) ?? key.text]);
        }
      }
      if (this.appFile === undefined && BOOTSTRAP.test(text)) this.appFile = module.file;
      if (!/APP_GUARD|useGlobalGuards|setGlobalPrefix|enableVersioning|@Controller|\.forRoutes\s*\(|SwaggerModule|GraphQLModule/.test(text)) continue;
      for (const call of descendants(module.source.tree.rootNode, CALLS)) {
        const fn = callee(call);
        const property = fn?.type === 'member_expression' ? field(fn, 'property')?.text : undefined;
        const args = callArgs(call);
        if (property === 'forRoutes') this.consumerRule(module, call);
        if (property === 'setGlobalPrefix' && args[0]) {
          this.globalPrefix = evalString(this.graph, module, args[0]) ?? '{dynamic}';
          const options = args[1] ? unwrap(args[1]) : undefined;
          const exclude = options?.type === 'object' ? objectProperty(options, 'exclude') : undefined;
          if (exclude && unwrap(exclude).type === 'array') this.prefixExcludes = this.routeRefs(module, named(unwrap(exclude)));
        }
        if (property === 'enableVersioning') {
          this.uriVersioning = !/VersioningType\.(?:HEADER|MEDIA_TYPE|CUSTOM)/.test(call.text);
          const options = args[0] ? unwrap(args[0]) : undefined;
          const fallback = options?.type === 'object' ? objectProperty(options, 'defaultVersion') : undefined;
          if (fallback) this.defaultVersions = this.versions(module, fallback);
          const prefix = options?.type === 'object' ? objectProperty(options, 'prefix') : undefined;
          if (prefix) this.versionPrefix = unwrap(prefix).type === 'false' ? '' : evalString(this.graph, module, prefix) ?? 'v';
        }
        if (property === 'setup' && fn?.type === 'member_expression' && /SwaggerModule$/.test(field(fn, 'object')?.text ?? '')) this.swagger(module, call);
        if (property === 'forRoot' || property === 'forRootAsync') this.graphqlModule(module, call);
        if (property === 'useGlobalGuards') for (const arg of args) this.globalGuards.push({ node: arg, module, site: call });
      }
      for (const object of descendants(module.source.tree.rootNode, new Set(['object']))) {
        const provide = objectProperty(object, 'provide');
        const useClass = objectProperty(object, 'useClass') ?? objectProperty(object, 'useExisting');
        if (provide?.text === 'APP_GUARD' && useClass) this.globalGuards.push({ node: useClass, module, site: object });
      }
    }
    for (const ref of this.classes.values()) {
      const holder = parentOf(ref.node)?.type === 'export_statement' ? parentOf(ref.node) : undefined;
      const decorators = [...(holder ? decoratorsOf(holder) : []), ...decoratorsOf(ref.node)];
      if (decorators.some((d) => d.name === 'Controller')) controllers.push({ ref, decorators });
      if (decorators.some((d) => graphqlExport(this.graph, ref.module, d.node) === 'Resolver')) resolvers.push({ ref, decorators });
    }
    let host: ResolverHost | undefined;
    return [
      ...controllers.flatMap(({ ref, decorators }) => this.controller(ref, decorators)),
      ...(resolvers.length > 0 ? resolvers.flatMap(({ ref, decorators }) => resolverOperations(host ?? (host = this.resolverHost()), ref.module, ref.node, decorators)) : []),
      ...this.generated,
    ];
  }

  /** GraphQL resolvers (nestjs/resolvers.ts) read with the controllers' decorator expansion and guard analysis. */
  private resolverHost(): ResolverHost {
    const globals = this.globalGuards.map((g) => ({ guard: this.guard(g.module, g.node), where: locate(g.module.file, g.site), node: g.node, module: g.module }));
    return {
      graph: this.graph,
      appFile: this.appFile,
      expand: (module, decorators) => this.expand(module, decorators),
      guardsFrom: (module, decorators) => this.guardsFrom(module, decorators),
      publicKeys: (decorators) => this.publicKeys(decorators),
      globals: () => globals,
      parse: decorator,
    };
  }

  /** `'1'`, `['1', '2']`, `VERSION_NEUTRAL`: the versions an expression names (`''` for neutral). */
  private versions(module: JsModule, node: Node): string[] {
    const current = unwrap(node);
    const items = current.type === 'array' ? named(current) : [current];
    return items.flatMap((item) => {
      if (/VERSION_NEUTRAL$/.test(item.text)) return [''];
      const value = evalString(this.graph, module, item);
      return value === undefined ? ['{dynamic}'] : [value];
    });
  }

  /** `SwaggerModule.setup('docs', app, document)`: the UI at `/docs` and its JSON at `/docs-json`, outside the global prefix unless `useGlobalPrefix`. */
  private swagger(module: JsModule, call: Node): void {
    const [pathArg, , , options] = callArgs(call);
    const path = pathArg ? evalString(this.graph, module, pathArg) ?? '{dynamic}' : '';
    const object = options ? unwrap(options) : undefined;
    const prefixed = object?.type === 'object' && objectProperty(object, 'useGlobalPrefix')?.text === 'true';
    const base = normalisePath(joinPaths(prefixed ? this.globalPrefix : '', path));
    for (const url of [base, `${base === '/' ? '' : base}-json`]) this.generated.push(this.generatedRoute(module, call, 'GET', url, 'rest', 'Swagger UI and its document, served by @nestjs/swagger'));
  }

  /** `GraphQLModule.forRoot({ driver, path })`: the GraphQL endpoint (GET and POST), `/graphql` by default. */
  private graphqlModule(module: JsModule, call: Node): void {
    const fn = callee(call);
    if (fn?.type !== 'member_expression' || !/GraphQLModule$/.test(field(fn, 'object')?.text ?? '')) return;
    const options = callArgs(call).map(unwrap).find((arg) => arg.type === 'object');
    const pathNode = options ? objectProperty(options, 'path') : undefined;
    const path = pathNode ? evalString(this.graph, module, pathNode) ?? '{dynamic}' : '/graphql';
    const prefixed = options !== undefined && objectProperty(options, 'useGlobalPrefix')?.text === 'true';
    const url = normalisePath(joinPaths(prefixed ? this.globalPrefix : '', path));
    for (const method of ['GET', 'POST']) this.generated.push(this.generatedRoute(module, call, method, url, 'graphql', 'GraphQL transport: authentication is decided per resolver'));
  }

  private generatedRoute(module: JsModule, site: Node, method: string, path: string, protocol: 'rest' | 'graphql', why: string): CollectedEndpoint {
    // Global guards run for controllers only: Swagger's routes and the GraphQL HTTP endpoint are not behind them.
    return {
      method: method as HttpMethod,
      path,
      protocol,
      sources: [{ kind: 'code', via: 'nestjs', location: locate(module.file, site) }],
      parameters: protocol === 'graphql' ? [{ name: 'query', in: method === 'GET' ? 'query' : 'body', required: true }] : [],
      auth: protocol === 'graphql' ? { state: 'unknown', mechanisms: ['unknown'], detail: why } : { state: 'unprotected', mechanisms: ['none'], detail: why },
      deprecated: false,
      framework: 'nestjs',
      ...(this.appFile === undefined ? {} : { appFile: this.appFile }),
    };
  }

  private consumerRule(module: JsModule, forRoutes: Node): void {
    const rule: ConsumerRule = { module, middlewares: [], site: forRoutes, routes: this.routeRefs(module, callArgs(forRoutes)), excludes: [] };
    let current = field(callee(forRoutes) ?? forRoutes, 'object');
    while (current && unwrap(current).type === 'call_expression') {
      const call = unwrap(current);
      const fn = callee(call);
      const name = fn?.type === 'member_expression' ? field(fn, 'property')?.text : undefined;
      if (name === 'apply') rule.middlewares.push(...callArgs(call));
      else if (name === 'exclude') rule.excludes.push(...this.routeRefs(module, callArgs(call)));
      current = fn?.type === 'member_expression' ? field(fn, 'object') : undefined;
    }
    if (rule.middlewares.length > 0) this.consumerRules.push(rule);
  }

  private routeRefs(module: JsModule, args: readonly Node[], depth = 0): RouteRef[] {
    return args.flatMap((arg): RouteRef[] => {
      const node = unwrap(arg);
      // `forRoutes(...authenticatedControllers)` / `forRoutes(controllers)`: the controllers of a list declared elsewhere.
      if (node.type === 'array') return depth > 4 ? [] : this.routeRefs(module, named(node), depth + 1);
      const listed = node.type === 'spread_element' ? named(node)[0] : node.type === 'identifier' && /^[a-z]/.test(node.text) ? node : undefined;
      if (listed) {
        const resolved = depth > 4 ? undefined : this.graph.resolve(module, listed);
        const value = resolved?.kind === 'node' ? unwrap(resolved.node) : undefined;
        if (resolved?.kind === 'node' && value?.type === 'array') return this.routeRefs(resolved.module, named(value), depth + 1);
        if (node.type === 'spread_element') return [];
      }
      if (node.type === 'identifier' && !/^[a-z]/.test(node.text) && evalString(this.graph, module, node) === undefined) return [{ controller: node.text }];
      if (node.type === 'object') {
        const path = objectProperty(node, 'path');
        const method = objectProperty(node, 'method');
        const value = path ? evalString(this.graph, module, path) : undefined;
        if (value === undefined) return [];
        const verb = method ? /RequestMethod\.(\w+)/.exec(method.text)?.[1] : undefined;
        return [{ path: value, method: verb === undefined || verb === 'ALL' ? undefined : verb }];
      }
      const value = evalString(this.graph, module, node);
      return value === undefined ? [] : [{ path: value, method: undefined }];
    });
  }

  /** Whether a `forRoutes` reference names this route; paths are relative to the global prefix, as Nest applies it. */
  private routeMatches(ref: RouteRef, controller: string, method: string, path: string): boolean {
    if ('controller' in ref) return ref.controller === controller;
    if (ref.method !== undefined && ref.method !== method) return false;
    const pattern = normalisePath(joinPaths(this.globalPrefix, ref.path));
    const shape = (value: string): string => value.replace(/\{[^}]+\}/g, '{}');
    if (/(?:\/\*|\/\(\.\*\)|^\/?\*)$/.test(pattern)) return mountCovers(pattern, path);
    return shape(pattern) === shape(path);
  }

  /** Passport strategy names an expression gives, `undefined` for one that cannot be read; `fn` is the factory it sits in. */
  private strategies(module: JsModule, node: Node, env: Env | undefined, fn: Node | undefined, depth = 0): (string | undefined)[] {
    const current = unwrap(node);
    if (depth > 6) return [undefined];
    if (current.type === 'array') return named(current).flatMap((item) => this.strategies(module, item, env, fn, depth + 1));
    if (current.type === 'identifier' && env?.params.has(current.text)) {
      const bound = env.params.get(current.text);
      return bound ? this.strategies(bound.module, bound.node, bound.env, undefined, depth + 1) : [undefined];
    }
    // const strategies = ['jwt']; if (options?.public) strategies.push('public'); return NestAuthGuard(strategies);
    const local =
      current.type === 'identifier' && fn
        ? descendants(fn, new Set(['variable_declarator'])).find((d) => field(d, 'name')?.text === current.text)
        : undefined;
    const initial = local ? field(local, 'value') : undefined;
    if (local && fn) {
      const out = initial ? this.strategies(module, initial, env, fn, depth + 1) : [];
      for (const call of descendants(fn, CALLS)) {
        const target = callee(call);
        if (target?.type !== 'member_expression' || field(target, 'object')?.text !== current.text) continue;
        if (field(target, 'property')?.text !== 'push') return [...out, undefined];
        let applies: boolean | undefined = true;
        for (let at: Node | null = call; at && at.id !== fn.id; at = parentOf(at)) {
          const branch = parentOf(at);
          if (branch?.type !== 'if_statement' && branch?.type !== 'ternary_expression') continue;
          const condition = field(branch, 'condition');
          if (!condition || condition.id === at.id) continue;
          const value = truthy(condition, env);
          const taken = value === undefined ? undefined : field(branch, 'alternative')?.id === at.id ? !value : value;
          if (taken === false) {
            applies = false;
            break;
          }
          if (taken === undefined) applies = undefined;
        }
        if (applies === false) continue;
        const pushed = callArgs(call).flatMap((arg) => this.strategies(module, arg, env, fn, depth + 1));
        // A push under a condition we cannot read may or may not happen: an optional strategy there makes auth unknowable.
        out.push(...(applies === undefined ? pushed.map((name) => (name !== undefined && isOptionalStrategy(name) ? undefined : name)) : pushed));
      }
      return out;
    }
    return [evalString(this.graph, module, current)];
  }

  /** `AuthGuard('jwt')` / `NestAuthGuard(['jwt', 'public'])`: protected only when every strategy is known and none lets anonymous requests in. */
  private passportGuard(module: JsModule, call: Node, env: Env | undefined, fn: Node | undefined): AuthFact {
    const arg = callArgs(call)[0];
    const strategies = arg ? this.strategies(module, arg, env, fn) : [];
    const detail = call.text.replace(/\s+/g, ' ');
    if (strategies.some((name) => name !== undefined && isOptionalStrategy(name))) return { verdict: 'maybe', mechanisms: ['unknown'], detail };
    // Inside a factory, an unreadable strategy could be an anonymous one.
    if (fn && strategies.some((name) => name === undefined)) return { verdict: 'maybe', mechanisms: ['unknown'], detail };
    // AuthGuard('google') with an OAuth2/OIDC strategy starts (or completes) a login: the route is the way in, public by design.
    const index = strategyIndex(this.graph);
    if (strategies.length > 0 && strategies.every((name) => name !== undefined && isLoginFlow(index.get(name), name)))
      return { verdict: 'public', mechanisms: ['none'], detail: `${detail} starts or completes a third-party login` };
    const mechanisms = strategies.map((name) => (name === undefined ? 'unknown' : passportMechanism(name) ?? 'unknown'));
    return { verdict: 'auth', mechanisms: mechanisms.length > 0 ? [...new Set(mechanisms)] : ['unknown'], detail };
  }

  /** A user-defined guard factory (`AuthGuard(options)` returning `NestAuthGuard(strategies)`), read with its arguments bound. */
  private factoryGuard(module: JsModule, call: Node, env: Env | undefined, depth: number): Guard | undefined {
    const fn = callee(call);
    const resolved = fn ? this.graph.resolve(module, fn) : undefined;
    if (resolved?.kind !== 'node' || !isFunction(resolved.node)) return undefined;
    const inner = bind(resolved.node, resolved.module, callArgs(call), module, env);
    const results = returned(resolved.node).map((value) => this.guard(resolved.module, value, depth + 1, inner, resolved.node));
    if (results.length === 0 || results.every((result) => result.fact.verdict === 'none')) return undefined;
    const detail = call.text.replace(/\s+/g, ' ');
    if (results.every((result) => result.fact.verdict === 'auth'))
      return { fact: { verdict: 'auth', mechanisms: [...new Set(results.flatMap((r) => r.fact.mechanisms))], detail }, honours: () => false };
    return { fact: { verdict: 'maybe', mechanisms: ['unknown'], detail }, honours: () => false };
  }

  private guard(module: JsModule, node: Node, depth = 0, env?: Env, factory?: Node): Guard {
    const current = unwrap(node);
    const never = (): boolean => false;
    if (depth > 6) return { fact: this.auth.classify(module, current), honours: never };
    if (current.type === 'call_expression' || current.type === 'new_expression') {
      const fn = callee(current);
      if (fn && current.type === 'call_expression' && isPassportGuard(this.graph, module, fn)) {
        const fact = this.passportGuard(module, current, env, factory);
        return { fact, honours: never };
      }
      if (current.type === 'call_expression') {
        const made = this.factoryGuard(module, current, env, depth);
        if (made) return made;
      }
      if (fn && current.type === 'new_expression') return this.guard(module, fn, depth + 1, env);
    }
    if (current.type === 'identifier' && env?.params.has(current.text)) {
      const bound = env.params.get(current.text);
      return bound ? this.guard(bound.module, bound.node, depth + 1, bound.env) : { fact: { verdict: 'none', mechanisms: [], detail: '' }, honours: never };
    }
    // export const AuthGuard = NestAuthGuard('jwt');  →  @UseGuards(AuthGuard)
    const target = current.type === 'identifier' || current.type === 'member_expression' ? this.graph.resolve(module, current) : undefined;
    if (target?.kind === 'node' && target.node.type === 'call_expression' && target.node.id !== current.id) {
      const inner = this.guard(target.module, target.node, depth + 1);
      if (inner.fact.verdict !== 'none') return { ...inner, fact: { ...inner.fact, detail: current.text } };
    }
    const ref =
      target?.kind === 'node' && target.node.type === 'class_declaration'
        ? { module: target.module, node: target.node }
        : current.type === 'identifier'
          ? this.classes.get(current.text)
          : undefined;
    if (!ref) return { fact: this.auth.classify(module, current), honours: never };
    // A public marker counts only where the guard reads its key in a test that lets the request through unchecked.
    const canActivate = named(named(ref.node).find((c) => c.type === 'class_body') ?? ref.node).find(
      (member) => member.type === 'method_definition' && field(member, 'name')?.text === 'canActivate',
    );
    const skips = canActivate ? this.auth.skipConditions(ref.module, canActivate) : [];
    const honours = (key: string): boolean => skips.some((condition) => condition.includes(key));
    const heritage = named(ref.node).find((child) => child.type === 'class_heritage');
    const base = heritage
      ? descendants(heritage, CALLS).find((call) => {
          const fn = callee(call);
          return fn !== undefined && isPassportGuard(this.graph, ref.module, fn);
        })
      : undefined;
    if (base) {
      const inner = this.guard(ref.module, base, depth + 1);
      // A subclass whose canActivate returns true early for some routes only weakens it; that is what `honours` captures.
      return { fact: { ...inner.fact, detail: current.text }, honours };
    }
    const parent = heritage ? named(heritage).flatMap((c) => named(c)).find((c) => c.type === 'identifier') : undefined;
    // `class ThrottlerBehindProxyGuard extends ThrottlerGuard`: a rate limiter, whatever its name says.
    const external = parent ? this.graph.resolve(ref.module, parent) : undefined;
    if (external?.kind === 'external' && external.specifier === '@nestjs/throttler') return { fact: { verdict: 'none', mechanisms: [], detail: '' }, honours };
    if (parent && this.classes.has(parent.text)) {
      const inner = this.guard(ref.module, parent, depth + 1);
      return { fact: { ...inner.fact, detail: current.text }, honours: (key) => honours(key) || inner.honours(key) };
    }
    return { fact: { ...this.auth.fromBody(ref.module, canActivate ?? ref.node, current.text, false), detail: current.text }, honours };
  }

  /**
   * Decorators as Nest applies them: a user-defined composite (`Auth(...roles)` returning `applyDecorators(...)`,
   * same file or imported) is replaced by the decorators it applies, read with its arguments bound.
   */
  private expand(module: JsModule, decorators: readonly Decorator[], depth = 0): Decorator[] {
    return decorators.flatMap((d): Decorator[] => {
      const site = d.module ?? module;
      if (depth > 4 || d.name in HTTP || ['UseGuards', 'SetMetadata', 'Controller', 'applyDecorators'].includes(d.name)) return [d];
      const expression = unwrap(d.expression ?? named(d.node)[0] ?? d.node);
      const fn = expression.type === 'call_expression' ? callee(expression) : expression;
      const resolved = fn && (fn.type === 'identifier' || fn.type === 'member_expression') ? this.graph.resolve(site, fn) : undefined;
      if (resolved?.kind !== 'node') return [d];
      let applied: Node | undefined;
      let env: Env | undefined;
      const isApply = (value: Node): boolean => value.type === 'call_expression' && callee(value)?.text === 'applyDecorators';
      if (isFunction(resolved.node) && expression.type === 'call_expression') {
        applied = returned(resolved.node).find(isApply);
        env = bind(resolved.node, resolved.module, d.args, site, d.env);
      } else if (isApply(resolved.node)) applied = resolved.node; // export const Auth = applyDecorators(...)
      if (!applied) return [d];
      const inner = callArgs(applied).flatMap((arg): Decorator[] => {
        const value = unwrap(arg);
        if (value.type === 'call_expression') return [{ name: callee(value)?.text ?? '', args: callArgs(value), node: d.node, module: resolved.module, env, expression: value }];
        if (value.type === 'identifier' || value.type === 'member_expression') return [{ name: value.text, args: [], node: d.node, module: resolved.module, env, expression: value }];
        return [];
      });
      return this.expand(module, inner, depth + 1);
    });
  }

  private guardsFrom(module: JsModule, decorators: readonly Decorator[]): { guard: Guard; where: Node }[] {
    return decorators
      .filter((d) => d.name === 'UseGuards')
      .flatMap((d) => d.args.map((arg) => ({ guard: this.guard(d.module ?? module, arg, 0, d.env), where: d.node })));
  }

  private publicKeys(decorators: readonly Decorator[]): { keys: string[]; node: Node } | undefined {
    for (const decorator of decorators) {
      const keys = this.markers.get(decorator.name);
      // Inside a composite, `PublicRoute(options?.public)` marks the route only when its argument is provably true.
      const on = !decorator.env || decorator.args.length === 0 || (decorator.args[0] !== undefined && truthy(decorator.args[0], decorator.env) === true);
      if (keys && on) return { keys, node: decorator.node };
      const flag = decorator.args[1];
      if (decorator.name === 'SetMetadata' && decorator.args[0] && flag && (decorator.env ? truthy(flag, decorator.env) === true : flag.text === 'true')) return { keys: [decorator.args[0].text, decorator.args[0].text.replace(/^['"`]|['"`]$/g, '')], node: decorator.node };
    }
    return undefined;
  }

  private controller(ref: ClassRef, written: readonly Decorator[]): CollectedEndpoint[] {
    const { module } = ref;
    const classDecorators = this.expand(module, written);
    const controller = classDecorators.find((d) => d.name === 'Controller');
    const arg = controller?.args[0] ? unwrap(controller.args[0]) : undefined;
    let base = '';
    let version: string[] | undefined;
    if (arg?.type === 'object') {
      const path = objectProperty(arg, 'path');
      const versionNode = objectProperty(arg, 'version');
      base = path ? evalString(this.graph, module, path) ?? '{dynamic}' : '';
      version = versionNode ? this.versions(module, versionNode) : undefined;
    } else if (arg) base = evalString(this.graph, module, arg) ?? '{dynamic}';
    const classGuards = this.guardsFrom(module, classDecorators);
    const classPublic = this.publicKeys(classDecorators);
    const globals = this.globalGuards.map((g) => ({ guard: this.guard(g.module, g.node), where: locate(g.module.file, g.site) }));
    const body = named(ref.node).find((child) => child.type === 'class_body');
    if (!body) return [];
    const out: CollectedEndpoint[] = [];
    let pending: Decorator[] = [];
    for (const member of body.children) {
      if (!member) continue;
      if (member.type === 'decorator') {
        const parsed = decorator(member);
        if (parsed) pending.push(parsed);
        continue;
      }
      if (member.type !== 'method_definition') {
        if (member.type !== 'comment') pending = [];
        continue;
      }
      const decorators = this.expand(module, pending);
      pending = [];
      const http = decorators.find((d) => d.name in HTTP);
      if (!http) continue;
      const methodPath = http.args[0] ? evalString(this.graph, module, http.args[0]) ?? '{dynamic}' : '';
      const methodVersion = decorators.find((d) => d.name === 'Version')?.args[0];
      const versions = methodVersion ? this.versions(module, methodVersion) : version ?? this.defaultVersions;
      const className_ = field(ref.node, 'name')?.text ?? '';
      const verb_ = HTTP[http.name] ?? '';
      for (const versionValue of this.uriVersioning && versions.length > 0 ? versions : ['']) {
        const versionSegment = versionValue === '' ? '' : `${this.versionPrefix}${versionValue}`;
        const bare = normalisePath(joinPaths(versionSegment, base, methodPath));
        const excluded = this.prefixExcludes.some((item) => this.routeMatchesBare(item, className_, verb_, bare));
        const path = normalisePath(joinPaths(excluded ? '' : this.globalPrefix, versionSegment, base, methodPath));
        const publicMarker = this.publicKeys(decorators) ?? classPublic;
        const facts: AppliedFact[] = [];
        const marker = { skipped: false };
        const consider = (guard: Guard, where: ReturnType<typeof locate>, scope: AppliedFact['scope']): void => {
          if (guard.fact.verdict === 'none') return;
          if (publicMarker && publicMarker.keys.some((key) => guard.honours(key))) {
            marker.skipped = true;
            return;
          }
          facts.push({ ...guard.fact, where, scope });
        };
        for (const g of globals) consider(g.guard, g.where, 'global');
        for (const g of classGuards) consider(g.guard, locate(module.file, g.where), 'router');
        for (const g of this.guardsFrom(module, decorators)) consider(g.guard, locate(module.file, g.where), 'route');
        const className = field(ref.node, 'name')?.text ?? '';
        const verb = HTTP[http.name] ?? '';
        for (const rule of this.consumerRules) {
          const applies = (refs: readonly RouteRef[]): boolean => refs.some((item) => this.routeMatches(item, className, verb, path));
          if (!applies(rule.routes) || applies(rule.excludes)) continue;
          for (const middleware of rule.middlewares) {
            const fact = this.auth.classify(rule.module, middleware);
            if (fact.verdict !== 'none') facts.push({ ...fact, where: locate(rule.module.file, rule.site), scope: 'router' });
          }
        }
        if (marker.skipped && publicMarker && !facts.some((fact) => fact.verdict === 'auth'))
          facts.push({ verdict: 'public', mechanisms: ['none'], detail: publicMarker.node.text, where: locate(module.file, publicMarker.node), scope: 'route' });
        const endpoint: CollectedEndpoint = {
          method: HTTP[http.name] as HttpMethod,
          path,
          protocol: 'rest',
          sources: [{ kind: 'code', via: 'nestjs', location: locate(module.file, http.node) }],
          handler: locate(module.file, member),
          parameters: this.parameters(module, member, path),
          auth: evidence(facts),
          deprecated: false,
          framework: 'nestjs',
          ...(this.appFile === undefined ? {} : { appFile: this.appFile }),
        };
        out.push(endpoint);
      }
    }
    return out;
  }

  /** `exclude` entries of `setGlobalPrefix` are written without the prefix. */
  private routeMatchesBare(ref: RouteRef, controller: string, method: string, path: string): boolean {
    if ('controller' in ref) return ref.controller === controller;
    if (ref.method !== undefined && ref.method !== method) return false;
    const pattern = normalisePath(ref.path);
    const shape = (value: string): string => value.replace(/\{[^}]+\}/g, '{}');
    if (/(?:\/\*|\/\(\.\*\)|^\/?\*)$/.test(pattern)) return mountCovers(pattern, path);
    return shape(pattern) === shape(path);
  }

  private parameters(module: JsModule, method: Node, path: string): Parameter[] {
    const found = extractParameters(path, undefined);
    const params = field(method, 'parameters');
    for (const param of params ? named(params) : []) {
      for (const decorator of decoratorsOf(param)) {
        const source = PARAM_DECORATORS[decorator.name];
        if (!source) continue;
        const name = decorator.args[0] ? evalString(this.graph, module, decorator.args[0]) : undefined;
        const label = name ?? (source === 'body' ? 'body' : field(param, 'pattern')?.text ?? source);
        if (!found.some((p) => p.name === label && p.in === source)) found.push({ name: label, in: source });
      }
    }
    return found;
  }
}

/** Files a module imports or re-exports from, resolved in the workspace. */
function importedFiles(module: JsModule): string[] {
  const files: string[] = [];
  for (const binding of module.imports.values()) if (binding.file !== undefined) files.push(binding.file);
  for (const binding of module.exports.values()) if ('from' in binding && binding.from !== undefined) files.push(binding.from);
  for (const from of module.starExports) if (from !== undefined) files.push(from);
  return files;
}

function sharedPrefix(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  let shared = 0;
  while (shared < left.length - 1 && shared < right.length - 1 && left[shared] === right[shared]) shared++;
  return shared;
}

/**
 * The Nest applications of a graph that holds several (a monorepo of services, one `NestFactory.create`
 * each): each bootstrap file with the modules its imports reach, and the modules no bootstrap reaches
 * given to the bootstrap nearest in the folder tree. Global prefix, global guards and controllers are
 * then read per application: one service's `setGlobalPrefix` or `APP_GUARD` is not another's, and its
 * `UsersController` does not hide a namesake of another service. One bootstrap or none: undefined.
 */
export function nestApplications(graph: ModuleGraph): { appFile: string; members: Set<string> }[] | undefined {
  const bootstraps = [...graph.modules.values()].filter((module) => BOOTSTRAP.test(module.source.text)).map((module) => module.file).sort();
  if (bootstraps.length < 2) return undefined;
  const apps = bootstraps.map((appFile) => {
    const members = new Set<string>([appFile]);
    const queue = [appFile];
    for (let file = queue.pop(); file !== undefined; file = queue.pop()) {
      const module = graph.modules.get(file);
      if (!module) continue;
      for (const next of importedFiles(module)) {
        if (members.has(next) || !graph.modules.has(next)) continue;
        members.add(next);
        queue.push(next);
      }
    }
    return { appFile, members };
  });
  for (const file of graph.modules.keys()) {
    if (apps.some((app) => app.members.has(file))) continue;
    let best = apps[0];
    let bestShared = -1;
    for (const app of apps) {
      const shared = sharedPrefix(app.appFile, file);
      if (shared > bestShared) {
        best = app;
        bestShared = shared;
      }
    }
    best?.members.add(file);
  }
  return apps;
}

function collectNest(sources: readonly SourceFile[]): CollectedEndpoint[] {
  const graph = ModuleGraph.of(sources);
  const apps = nestApplications(graph);
  if (apps === undefined) return new NestCollector(graph).run();
  return apps.flatMap((app) => new NestCollector(graph, app.members).run());
}

export const nestCollector: CodeCollector = {
  id: 'nestjs',
  languages: ['typescript', 'tsx', 'javascript'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['nestjs'], PACKAGES),
  collect: (sources) => ({ endpoints: collectNest(sources), diagnostics: [] }),
};
