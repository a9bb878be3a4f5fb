import type { Node } from 'web-tree-sitter';
import type { HttpMethod, Parameter, ParamSource } from '../../../model/types.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { callArgs, callee, descendants, field, locate, named, objectProperty, unwrap } from '../js/ast.js';
import { AuthAnalyser, evidence, passportMechanism, type AppliedFact, type AuthFact } from '../js/auth.js';
import { jsEnabled } from '../js/kit.js';
import { ModuleGraph, type JsModule } from '../js/modules.js';
import { extractParameters } from '../js/params.js';
import { joinPaths, mountCovers, normalisePath } from '../js/paths.js';
import { evalString } from '../js/values.js';

const PACKAGES = ['@nestjs/core', '@nestjs/common'];
const HTTP: Record<string, string> = { Get: 'GET', Post: 'POST', Put: 'PUT', Patch: 'PATCH', Delete: 'DELETE', Head: 'HEAD', Options: 'OPTIONS', All: 'ANY' };
const PARAM_DECORATORS: Record<string, ParamSource> = { Param: 'path', Query: 'query', Body: 'body', Headers: 'header' };
const CALLS: ReadonlySet<string> = new Set(['call_expression']);

interface Decorator {
  name: string;
  args: Node[];
  node: Node;
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
  private uriVersioning = false;

  constructor(private readonly graph: ModuleGraph) {
    this.auth = new AuthAnalyser(graph);
  }

  run(): CollectedEndpoint[] {
    const controllers: { ref: ClassRef; decorators: Decorator[] }[] = [];
    for (const module of this.graph.modules.values()) {
      const text = module.source.text;
      for (const [name, binding] of module.declarations) {
        if (binding.node.type === 'class_declaration') this.classes.set(name, { module, node: binding.node });
        const value = unwrap(binding.node);
        // export const Public = () => SetMetadata(IS_PUBLIC_KEY, true);
        if (binding.path.length === 0 && /SetMetadata\s*\(/.test(value.text) && value.text.length < 300) {
          const call = descendants(value, CALLS).find((c) => callee(c)?.text === 'SetMetadata');
          const key = call ? callArgs(call)[0] : undefined;
          if (key) this.markers.set(name, [key.text, evalString(this.graph, module, key) ?? key.text]);
        }
      }
      if (!/APP_GUARD|useGlobalGuards|setGlobalPrefix|enableVersioning|@Controller|\.forRoutes\s*\(/.test(text)) continue;
      for (const call of descendants(module.source.tree.rootNode, CALLS)) {
        const fn = callee(call);
        const property = fn?.type === 'member_expression' ? field(fn, 'property')?.text : undefined;
        const args = callArgs(call);
        if (property === 'forRoutes') this.consumerRule(module, call);
        if (property === 'setGlobalPrefix' && args[0]) this.globalPrefix = evalString(this.graph, module, args[0]) ?? '{dynamic}';
        if (property === 'enableVersioning') this.uriVersioning = !/VersioningType\.(?:HEADER|MEDIA_TYPE|CUSTOM)/.test(call.text);
        if (property === 'useGlobalGuards') for (const arg of args) this.globalGuards.push({ node: arg, module, site: call });
      }
      for (const object of descendants(module.source.tree.rootNode, new Set(['object']))) {
        const provide = objectProperty(object, 'provide');
        const useClass = objectProperty(object, 'useClass') ?? objectProperty(object, 'useExisting');
        if (provide?.text === 'APP_GUARD' && useClass) this.globalGuards.push({ node: useClass, module, site: object });
      }
    }
    for (const ref of this.classes.values()) {
      const holder = ref.node.parent?.type === 'export_statement' ? ref.node.parent : undefined;
      const decorators = [...(holder ? decoratorsOf(holder) : []), ...decoratorsOf(ref.node)];
      if (decorators.some((d) => d.name === 'Controller')) controllers.push({ ref, decorators });
    }
    return controllers.flatMap(({ ref, decorators }) => this.controller(ref, decorators));
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

  private routeRefs(module: JsModule, args: readonly Node[]): RouteRef[] {
    return args.flatMap((arg): RouteRef[] => {
      const node = unwrap(arg);
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

  private guard(module: JsModule, node: Node, depth = 0): Guard {
    const current = unwrap(node);
    const never = (): boolean => false;
    if (current.type === 'call_expression' || current.type === 'new_expression') {
      const fn = callee(current);
      if (fn?.text === 'AuthGuard') {
        const arg = callArgs(current)[0];
        const strategy = arg ? evalString(this.graph, module, arg) : undefined;
        const mech = strategy ? passportMechanism(strategy) : 'unknown';
        return { fact: mech ? { verdict: 'auth', mechanisms: [mech], detail: current.text } : { verdict: 'none', mechanisms: [], detail: '' }, honours: never };
      }
      if (fn && current.type === 'new_expression') return this.guard(module, fn, depth + 1);
    }
    const ref = current.type === 'identifier' ? this.classes.get(current.text) : undefined;
    if (!ref || depth > 4) return { fact: this.auth.classify(module, current), honours: never };
    const text = ref.node.text;
    const honours = (key: string): boolean => text.includes(key);
    const heritage = named(ref.node).find((child) => child.type === 'class_heritage');
    const base = heritage ? descendants(heritage, CALLS).find((call) => callee(call)?.text === 'AuthGuard') : undefined;
    if (base) {
      const inner = this.guard(ref.module, base, depth + 1);
      // A subclass whose canActivate returns true early for some routes only weakens it; that is what `honours` captures.
      return { fact: { ...inner.fact, detail: current.text }, honours };
    }
    const parent = heritage ? named(heritage).flatMap((c) => named(c)).find((c) => c.type === 'identifier') : undefined;
    if (parent && this.classes.has(parent.text)) {
      const inner = this.guard(ref.module, parent, depth + 1);
      return { fact: { ...inner.fact, detail: current.text }, honours: (key) => honours(key) || inner.honours(key) };
    }
    const canActivate = named(named(ref.node).find((c) => c.type === 'class_body') ?? ref.node).find(
      (member) => member.type === 'method_definition' && field(member, 'name')?.text === 'canActivate',
    );
    return { fact: { ...this.auth.fromBody(ref.module, canActivate ?? ref.node, current.text, false), detail: current.text }, honours };
  }

  private guardsFrom(module: JsModule, decorators: readonly Decorator[]): { guard: Guard; where: Node }[] {
    return decorators.filter((d) => d.name === 'UseGuards').flatMap((d) => d.args.map((arg) => ({ guard: this.guard(module, arg), where: d.node })));
  }

  private publicKeys(decorators: readonly Decorator[]): { keys: string[]; node: Node } | undefined {
    for (const decorator of decorators) {
      const keys = this.markers.get(decorator.name);
      if (keys) return { keys, node: decorator.node };
      if (decorator.name === 'SetMetadata' && decorator.args[0] && decorator.args[1]?.text === 'true') return { keys: [decorator.args[0].text, decorator.args[0].text.replace(/^['"`]|['"`]$/g, '')], node: decorator.node };
    }
    return undefined;
  }

  private controller(ref: ClassRef, classDecorators: readonly Decorator[]): CollectedEndpoint[] {
    const { module } = ref;
    const controller = classDecorators.find((d) => d.name === 'Controller');
    const arg = controller?.args[0] ? unwrap(controller.args[0]) : undefined;
    let base = '';
    let version: string | undefined;
    if (arg?.type === 'object') {
      const path = objectProperty(arg, 'path');
      const versionNode = objectProperty(arg, 'version');
      base = path ? evalString(this.graph, module, path) ?? '{dynamic}' : '';
      version = versionNode ? evalString(this.graph, module, versionNode) : undefined;
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
      const decorators = pending;
      pending = [];
      const http = decorators.find((d) => d.name in HTTP);
      if (!http) continue;
      const methodPath = http.args[0] ? evalString(this.graph, module, http.args[0]) ?? '{dynamic}' : '';
      const methodVersion = decorators.find((d) => d.name === 'Version')?.args[0];
      const effectiveVersion = methodVersion ? evalString(this.graph, module, methodVersion) : version;
      const versionSegment = this.uriVersioning && effectiveVersion ? `v${effectiveVersion}` : '';
      const path = normalisePath(joinPaths(this.globalPrefix, versionSegment, base, methodPath));
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
      };
      out.push(endpoint);
    }
    return out;
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

export const nestCollector: CodeCollector = {
  id: 'nestjs',
  languages: ['typescript', 'tsx', 'javascript'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['nestjs'], PACKAGES),
  collect: (sources) => ({ endpoints: new NestCollector(ModuleGraph.of(sources)).run(), diagnostics: [] }),
};
