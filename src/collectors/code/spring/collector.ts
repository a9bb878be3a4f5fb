/**
 * Spring MVC and WebFlux routes: `@RestController` / `@Controller` classes (class-level
 * `@RequestMapping` joined with `@GetMapping`… or `@RequestMapping(method = …)`, several paths,
 * mappings inherited from superclasses and interfaces, custom stereotype annotations), functional
 * `RouterFunction`s (`route(GET("/x"), h)`, `route().GET(…)`, Kotlin `router {}` / `coRouter {}`),
 * actuator endpoints the configuration exposes, all under the context path. Authentication comes
 * from Spring Security's filter chains and method security (./security.ts).
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, Diagnostic, Location, Parameter, ParamSource } from '../../../model/types.js';
import { lookupTable } from '../../../analysis/lookup.js';
import type { CodeCollector, CollectedEndpoint, CollectorResult } from '../collector.js';
import { annotation, descendants, hasAnnotation, isJvm, jvmFiles, locate, type JvmAnnotation, type JvmClass, type JvmMethod } from '../jvm/ast.js';
import { asCall, chainOf, isLambda, statementsOf, type JvmCall } from '../jvm/calls.js';
import { JvmConfig, moduleOf, type Properties } from '../jvm/config.js';
import { JvmModules } from '../jvm/modules.js';
import { joinPaths, normaliseTemplate } from '../jvm/paths.js';
import { JvmProgram, memberName, type Scope } from '../jvm/values.js';
import { boundList, decideChains, handlerMarkers, methodAnnotationVerdict, methodSecurity, securityChains, type Chain, type Matcher, type MethodSecurity } from './security.js';

const MAPPINGS: Record<string, string | undefined> = lookupTable({
  GetMapping: 'GET',
  PostMapping: 'POST',
  PutMapping: 'PUT',
  PatchMapping: 'PATCH',
  DeleteMapping: 'DELETE',
  RequestMapping: undefined,
});
const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'TRACE']);
const STEREOTYPES = ['RestController', 'Controller'];
const SECURITY_ANNOTATIONS = ['PreAuthorize', 'Secured', 'RolesAllowed', 'PermitAll', 'DenyAll'];
const PARAMS: Record<string, ParamSource> = lookupTable({ PathVariable: 'path', RequestParam: 'query', RequestBody: 'body', RequestHeader: 'header', CookieValue: 'cookie', RequestPart: 'form' });
const ACTUATOR_ALL = ['beans', 'caches', 'conditions', 'configprops', 'env', 'health', 'info', 'loggers', 'heapdump', 'threaddump', 'metrics', 'scheduledtasks', 'mappings'];

interface Context {
  program: JvmProgram;
  config: JvmConfig;
  chains: Chain[];
  /** The applications a file is part of (see `applications`). */
  apps: Applications;
  /** Each application's filter chains, with URL lists bound from its own configuration. */
  appChains: Map<string, Chain[]>;
  methods: Map<string, MethodSecurity>;
  reactive: boolean;
  endpoints: CollectedEndpoint[];
  diagnostics: Diagnostic[];
  /** Controller routes with the annotations of their handler and its class (markers of run-time URL lists). */
  handlers: { app: string; securityPath: string; annotations: Set<string> }[];
}

interface Prefix {
  /** Before the security matchers' view of the path (servlet context path, WebFlux base path). */
  context: string;
  /** Part of the path the security matchers see (`spring.mvc.servlet.path`). */
  servlet: string;
}

/** The configuration `file` runs under in application `app`: its own module's, or the application's for a library module. */
function propertiesFor(ctx: Context, file: string, app: string): Properties {
  return ctx.apps.viaBuild(file) ? ctx.config.forSource(`${app}src/`) : ctx.config.forSource(file);
}

function prefixFor(ctx: Context, file: string, app: string): { prefix: Prefix; properties: Properties } {
  const properties = propertiesFor(ctx, file, app);
  const get = (...keys: string[]): string => {
    for (const key of keys) {
      const value = properties.get(key)?.value;
      if (value !== undefined) return JvmConfig.resolve(value, properties) ?? '';
    }
    return '';
  };
  if (ctx.reactive) return { prefix: { context: get('spring.webflux.base-path'), servlet: '' }, properties };
  return { prefix: { context: get('server.servlet.context-path', 'server.context-path'), servlet: get('spring.mvc.servlet.path', 'server.servlet-path') }, properties };
}

/** Stereotype annotations, directly or through a custom annotation declared in the workspace. */
function stereotype(cls: JvmClass, program: JvmProgram): { isController: boolean; mapping: JvmAnnotation | undefined; mappingScope: Scope } {
  let isController = hasAnnotation(cls.annotations, ...STEREOTYPES);
  let mapping = annotation(cls.annotations, 'RequestMapping');
  let mappingScope: Scope = { file: cls.file, cls };
  for (const item of cls.annotations) {
    if (STEREOTYPES.includes(item.name) || item.name === 'RequestMapping') continue;
    const declared = program.resolveClass(item.name, { file: cls.file, cls });
    if (!declared || declared === cls) continue;
    if (hasAnnotation(declared.annotations, ...STEREOTYPES)) {
      isController = true;
      if (!mapping) {
        mapping = annotation(declared.annotations, 'RequestMapping');
        mappingScope = { file: declared.file, cls: declared };
      }
    }
  }
  return { isController, mapping, mappingScope };
}

function pathsOf(found: JvmAnnotation | undefined, ctx: Context, scope: Scope, properties: Properties): string[] | undefined {
  if (!found) return [''];
  const nodes = [...(found.args.get('value') ?? []), ...(found.args.get('path') ?? [])];
  if (nodes.length === 0) return [''];
  const out: string[] = [];
  for (const node of nodes) {
    const values = ctx.program.strings(node, scope);
    if (!values) return undefined;
    for (const value of values) {
      const resolved = JvmConfig.resolve(value, properties);
      if (resolved === undefined) return undefined;
      out.push(resolved);
    }
  }
  return out;
}

function methodsOf(found: JvmAnnotation): string[] {
  const fixed = MAPPINGS[found.name];
  if (fixed) return [fixed];
  const nodes = found.args.get('method') ?? [];
  const out = nodes.map((node) => memberName(node) ?? '').filter((name) => HTTP_METHODS.has(name));
  return out.length > 0 ? out : ['ANY'];
}

/**
 * The request mapping of a handler method: `@GetMapping`… / `@RequestMapping`, or a composed
 * annotation declared in the workspace and meta-annotated with one (`@AnonymousGetMapping`).
 */
function mappingOf(method: JvmMethod, program: JvmProgram): { usage: JvmAnnotation; methods: string[] } | undefined {
  for (const usage of method.annotations) {
    if (usage.name in MAPPINGS) return { usage, methods: methodsOf(usage) };
  }
  for (const usage of method.annotations) {
    const declared = program.resolveClass(usage.name, { file: method.file, cls: method.owner });
    const meta = declared?.annotations.find((item) => item.name in MAPPINGS);
    if (declared && meta && /@interface|annotation\s+class/.test(declared.node.text.slice(0, declared.nameNode.startIndex - declared.node.startIndex))) return { usage, methods: methodsOf(meta) };
  }
  return undefined;
}

function parametersOf(method: JvmMethod, ctx: Context): Parameter[] {
  const out: Parameter[] = [];
  for (const param of method.parameters) {
    for (const item of param.annotations) {
      const where = PARAMS[item.name];
      if (!where) continue;
      const explicit = [...(item.args.get('value') ?? []), ...(item.args.get('name') ?? [])].flatMap((node) => ctx.program.strings(node, { file: method.file, cls: method.owner }) ?? []);
      const required = item.args.get('required')?.[0]?.text !== 'false' && !item.args.has('defaultValue');
      out.push({ name: where === 'body' ? 'body' : (explicit[0] ?? param.name), in: where, required: where === 'path' ? true : required, ...(param.type ? { type: param.type } : {}) });
    }
  }
  return out;
}

/**
 * The filter chains of one application, each rule's URL list bound from that application's
 * configuration (`@ConfigurationProperties` lists in a shared security module read each
 * application's own `application.yml`); a list that cannot be bound stays unresolved (unknown).
 */
function chainsFor(ctx: Context, app: string): Chain[] {
  const cached = ctx.appChains.get(app);
  if (cached) return cached;
  const properties = ctx.config.forSource(`${app}src/`);
  const out = ctx.chains
    .filter((chain) => ctx.apps.of(chain.where.file).includes(app))
    .map((chain) => {
      const origin = chain.origin;
      if (!origin) return chain;
      const bound: string[] = [];
      const expand = (matchers: Matcher[]): Matcher[] =>
        matchers.flatMap((matcher) => {
          if (matcher.pattern !== undefined || !matcher.source) return [matcher];
          const list = boundList(matcher.source, origin, ctx.program, properties);
          if (!list) return [matcher];
          bound.push(`\`${list.key}\` from ${list.where.file}:${list.where.line}`);
          return list.values.map((pattern) => ({ method: matcher.method, pattern }));
        });
      const rules = chain.rules.map((rule) => {
        if (rule.matchers === 'any') return rule;
        const before = bound.length;
        const matchers = expand(rule.matchers);
        return bound.length === before ? rule : { ...rule, matchers, detail: `${rule.detail} for the URL list ${bound.slice(before).join(', ')}` };
      });
      const scope = chain.scope ? expand(chain.scope) : undefined;
      return bound.length === 0 ? chain : { ...chain, rules, scope };
    });
  ctx.appChains.set(app, out);
  return out;
}

function authFor(ctx: Context, file: string, app: string, method: string, securityPath: string, handlerAnnotations: readonly { list: JvmAnnotation[]; scope: Scope }[]): AuthEvidence {
  const chains = chainsFor(ctx, app);
  let chain = decideChains(chains, method, securityPath);
  // Under `spring.mvc.servlet.path` ant matchers see the servlet path and MVC matchers do not: both readings must agree.
  const { prefix } = prefixFor(ctx, file, app);
  if (prefix.servlet !== '' && chain) {
    const within = decideChains(chains, method, securityPath.slice(joinPaths(prefix.servlet).length) || '/');
    if (within?.verdict !== chain.verdict) {
      chain = { verdict: 'unknown', detail: `the filter chain decides differently with and without the servlet path ${prefix.servlet} (ant vs MVC matchers)`, where: chain.where, mechanisms: [] };
    }
  }
  let methods = ctx.methods.get(app);
  if (!methods) {
    methods = methodSecurity(ctx.program, (other) => ctx.apps.of(other).includes(app));
    ctx.methods.set(app, methods);
  }
  let annotated: ReturnType<typeof methodAnnotationVerdict>;
  for (const { list, scope } of handlerAnnotations) {
    annotated = methodAnnotationVerdict(list, methods, ctx.program, scope);
    if (annotated) break;
  }
  if (chain?.verdict === 'protected') return { state: 'protected', mechanisms: chain.mechanisms, ...(chain.where ? { where: chain.where } : {}), scope: 'app', detail: chain.detail };
  if (annotated?.verdict === 'protected') {
    const available = chain?.available ?? [];
    return { state: 'protected', mechanisms: available.length > 0 ? available : ['unknown'], where: annotated.where, scope: 'route', detail: annotated.detail };
  }
  if (chain?.verdict === 'public') {
    if (annotated && annotated.verdict === 'unknown') return { state: 'unknown', mechanisms: [], where: annotated.where, scope: 'route', detail: `${chain.detail}, but ${annotated.detail}` };
    return { state: 'public', mechanisms: ['none'], ...(chain.where ? { where: chain.where } : {}), scope: 'app', detail: chain.detail };
  }
  if (annotated?.verdict === 'public' && !chain) return { state: 'public', mechanisms: ['none'], where: annotated.where, scope: 'route', detail: annotated.detail };
  if (chain) return { state: 'unknown', mechanisms: [], ...(chain.where ? { where: chain.where } : {}), detail: chain.detail };
  if (annotated) return { state: 'unknown', mechanisms: [], where: annotated.where, detail: annotated.detail };
  return { state: 'unknown', mechanisms: [], detail: chains.length === 0 ? 'no Spring Security filter chain configured in code' : 'no filter chain serves this path' };
}

function push(ctx: Context, app: string, draft: { method: string; path: string; location: Location; handler?: Location; parameters: Parameter[]; auth: AuthEvidence; generated?: true; deprecated?: boolean }): void {
  const appFile = ctx.apps.fileOf(app);
  const names = new Set(draft.parameters.filter((p) => p.in === 'path').map((p) => p.name));
  const fromPath = [...draft.path.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '').filter((name) => !names.has(name));
  ctx.endpoints.push({
    framework: 'spring',
    method: draft.method,
    path: draft.path,
    protocol: 'rest',
    sources: [{ kind: 'code', location: draft.location, via: 'spring', ...(draft.generated ? { generated: true as const } : {}) }],
    parameters: [...fromPath.map((name): Parameter => ({ name, in: 'path', required: true })), ...draft.parameters],
    auth: draft.auth,
    deprecated: draft.deprecated ?? false,
    ...(draft.handler ? { handler: draft.handler } : {}),
    // A project of one application is not named after it (the inventory tells when the workspace has others).
    ...(appFile ? { appFile, appFileIfSeveral: true as const } : {}),
  });
}

/** `name(Type,Type)`: an overridden declaration has the same; overloads of one arity differ. */
function signature(method: JvmMethod): string {
  return `${method.name}(${method.parameters.map((param) => param.type).join(',')})`;
}

function collectControllers(ctx: Context): void {
  for (const cls of ctx.program.classes) {
    if (cls.kind === 'interface' || cls.kind === 'enum') continue;
    if (/\babstract\b/.test(cls.node.children.find((child) => child?.type === 'modifiers')?.text.replace(/@\w+(\([^)]*\))?/g, '') ?? '')) continue;
    const own = stereotype(cls, ctx.program);
    if (!own.isController) continue;
    for (const app of ctx.apps.of(cls.file.source.file)) collectController(ctx, cls, own, app);
  }
}

/** One controller's routes as application `app` serves them. */
function collectController(ctx: Context, cls: JvmClass, own: ReturnType<typeof stereotype>, app: string): void {
  {
    const lineage = [cls, ...ctx.program.ancestors(cls)];
    let classMapping = own.mapping;
    let classScope = own.mappingScope;
    if (!classMapping) {
      for (const ancestor of lineage.slice(1)) {
        const found = annotation(ancestor.annotations, 'RequestMapping');
        if (found) {
          classMapping = found;
          classScope = { file: ancestor.file, cls: ancestor };
          break;
        }
      }
    }
    const { prefix, properties } = prefixFor(ctx, cls.file.source.file, app);
    const classPaths = pathsOf(classMapping, ctx, classScope, properties);
    if (!classPaths) {
      ctx.diagnostics.push({ level: 'warning', source: 'collector:spring', file: cls.file.source.file, line: (classMapping?.node.startPosition.row ?? 0) + 1, message: `The path of ${cls.name}'s @RequestMapping is not a constant: its routes are left out.` });
      return;
    }
    const classSecurity = lineage.map((item) => ({ list: item.annotations.filter((a) => SECURITY_ANNOTATIONS.includes(a.name)), scope: { file: item.file, cls: item } as Scope }));
    const seen = new Set<string>();
    // The lineage's methods by signature, in lineage order: one pass, not a scan of every method per method.
    const bySignature = new Map<string, JvmMethod[]>();
    for (const item of lineage) {
      for (const m of item.methods) {
        const key = signature(m);
        const list = bySignature.get(key);
        if (list) list.push(m);
        else bySignature.set(key, [m]);
      }
    }
    for (const holder of lineage) {
      for (const method of holder.methods) {
        // Overloads of one arity are told apart by their parameter types.
        const key = signature(method);
        if (seen.has(key)) continue;
        // The mapping may sit on an overridden declaration (an interface generated from OpenAPI).
        const same = bySignature.get(key) ?? [];
        let mapping: { usage: JvmAnnotation; methods: string[] } | undefined;
        const mapped = same.find((m) => (mapping = mappingOf(m, ctx.program)) !== undefined);
        if (!mapped || !mapping) continue;
        seen.add(key);
        const scope: Scope = { file: mapped.file, cls: mapped.owner };
        const { usage, methods: verbs } = mapping;
        const methodPaths = pathsOf(usage, ctx, scope, properties);
        if (!methodPaths) {
          ctx.diagnostics.push({ level: 'warning', source: 'collector:spring', file: mapped.file.source.file, line: usage.node.startPosition.row + 1, message: `The path of ${method.name}'s @${usage.name} is not a constant: the route is left out.` });
          continue;
        }
        const security = [
          ...same.map((m) => ({ list: m.annotations.filter((a) => SECURITY_ANNOTATIONS.includes(a.name)), scope: { file: m.file, cls: m.owner } as Scope })),
          ...classSecurity,
        ].filter((entry) => entry.list.length > 0);
        const deprecated = same.some((m) => hasAnnotation(m.annotations, 'Deprecated'));
        const marks = new Set<string>();
        for (const item of [...same.flatMap((m) => m.annotations), ...lineage.flatMap((c) => c.annotations)]) {
          marks.add(item.name);
          const declared = ctx.program.resolveClass(item.name, { file: mapped.file, cls: mapped.owner });
          for (const meta of declared?.annotations ?? []) marks.add(meta.name);
        }
        const params = parametersOf(same.find((m) => m.parameters.some((p) => p.annotations.length > 0)) ?? method, ctx);
        for (const classPath of classPaths) {
          for (const methodPath of methodPaths) {
            const route = normaliseTemplate(joinPaths(classPath, methodPath));
            const securityPath = joinPaths(prefix.servlet, route);
            const full = joinPaths(prefix.context, securityPath);
            ctx.handlers.push({ app, securityPath, annotations: marks });
            for (const verb of verbs) {
              push(ctx, app, {
                method: verb,
                path: full,
                location: locate(mapped.file, usage.node),
                handler: locate(method.file, method.nameNode),
                parameters: params,
                auth: authFor(ctx, cls.file.source.file, app, verb, securityPath, security),
                deprecated,
              });
            }
          }
        }
      }
    }
  }
}

// ---------------------------------------------------------------- functional routes

interface Predicate {
  method: string;
  path: string;
}

function predicateOf(node: Node | undefined, ctx: Context, scope: Scope): Predicate | undefined {
  if (!node) return undefined;
  const call = asCall(node);
  if (call) {
    if (HTTP_METHODS.has(call.name)) {
      const path = call.args[0] ? ctx.program.strings(call.args[0], scope)?.[0] : '';
      return path === undefined ? undefined : { method: call.name, path };
    }
    if (call.name === 'path' || call.name === 'pathPrefix') {
      const path = call.args[0] ? ctx.program.strings(call.args[0], scope)?.[0] : undefined;
      return path === undefined ? undefined : { method: 'ANY', path };
    }
    if (call.name === 'method') return { method: memberName(call.args[0]) ?? 'ANY', path: '' };
    if (call.name === 'and' && call.receiver) {
      const left = predicateOf(call.receiver, ctx, scope);
      const right = predicateOf(call.args[0], ctx, scope);
      if (!left) return right;
      if (!right) return left;
      return { method: left.method !== 'ANY' ? left.method : right.method, path: left.path + right.path };
    }
    if (/^(accept|contentType|headers|queryParam|param|all)$/.test(call.name)) return { method: 'ANY', path: '' };
  }
  if (node.type === 'parenthesized_expression') return predicateOf(node.namedChildren[0] ?? undefined, ctx, scope);
  // Kotlin `"/api" and accept(JSON)` (infix) and a bare string prefix.
  if (node.type === 'infix_expression') {
    const parts = node.namedChildren.filter((child): child is Node => child !== null);
    if (parts[1]?.text === 'and') {
      const left = predicateOf(parts[0], ctx, scope);
      const right = predicateOf(parts[2], ctx, scope);
      if (left && right) return { method: left.method !== 'ANY' ? left.method : right.method, path: left.path + right.path };
      return left ?? right;
    }
  }
  const value = ctx.program.strings(node, scope);
  if (value?.[0] !== undefined) return { method: 'ANY', path: value[0] };
  return undefined;
}

interface RouteSink {
  (method: string, path: string, at: Node, handler: Node | undefined): void;
}

function handlerArg(call: JvmCall): Node | undefined {
  return call.args.at(-1) ?? call.lambda;
}

/** A Java router expression: `route(GET("/a"), h).andRoute(…)`, `nest(path("/x"), …)`, `route().GET(…).build()`. */
function javaRouter(node: Node, ctx: Context, scope: Scope, base: string, sink: RouteSink, depth = 0): void {
  if (depth > 20) return;
  const { calls } = chainOf(node);
  for (const call of calls) {
    switch (call.name) {
      case 'route':
      case 'andRoute':
        if (call.args.length >= 2) {
          const predicate = predicateOf(call.args[0], ctx, scope);
          if (predicate) sink(predicate.method, base + predicate.path, routeAt(call), handlerArg(call));
        }
        break;
      case 'nest':
      case 'andNest': {
        const predicate = predicateOf(call.args[0], ctx, scope);
        const inner = call.args[1];
        if (predicate && inner) {
          if (isLambda(inner)) for (const statement of statementsOf(inner)) javaRouter(statement, ctx, scope, base + predicate.path, sink, depth + 1);
          else javaRouter(inner, ctx, scope, base + predicate.path, sink, depth + 1);
        }
        break;
      }
      case 'path': {
        const prefix = call.args[0] ? ctx.program.strings(call.args[0], scope)?.[0] : undefined;
        const inner = call.args[1];
        if (prefix !== undefined && inner) {
          if (isLambda(inner)) for (const statement of statementsOf(inner)) javaRouter(statement, ctx, scope, base + prefix, sink, depth + 1);
          else javaRouter(inner, ctx, scope, base + prefix, sink, depth + 1);
        }
        break;
      }
      case 'and':
      case 'add':
        if (call.args[0]) javaRouter(call.args[0], ctx, scope, base, sink, depth + 1);
        break;
      default:
        if (HTTP_METHODS.has(call.name) && call.receiver && call.args.length >= 1) {
          // Builder: `.GET("/x", h)`, `.GET("/x", accept(JSON), h)`, `.GET(h)`.
          const path = call.args.length >= 2 ? ctx.program.strings(call.args[0], scope)?.[0] : '';
          if (path !== undefined) sink(call.name, base + path, routeAt(call), handlerArg(call));
        }
    }
  }
}

/** Where a route of a Java chain is written: the method's name (`.GET(` on its own line), not the chain's first line. */
function routeAt(call: JvmCall): Node {
  return call.node.type === 'method_invocation' ? (call.node.childForFieldName('name') ?? call.node) : call.node;
}

/** A Kotlin `router { … }` / `coRouter { … }` body. */
function kotlinRouter(lambda: Node, ctx: Context, scope: Scope, base: string, sink: RouteSink, depth = 0): void {
  if (depth > 20) return;
  for (const statement of statementsOf(lambda)) {
    const call = asCall(statement);
    if (!call) continue;
    if (HTTP_METHODS.has(call.name) && !call.receiver) {
      const first = call.args[0];
      const path = first && (first.type === 'string_literal' || ctx.program.strings(first, scope)) ? ctx.program.strings(first, scope)?.[0] : '';
      if (path !== undefined) sink(call.name, base + path, call.node, call.lambda ?? call.args.at(-1));
    } else if (call.name === 'nest' && call.lambda) {
      const predicate = call.receiver ? predicateOf(call.receiver, ctx, scope) : undefined;
      if (predicate) kotlinRouter(call.lambda, ctx, scope, base + predicate.path, sink, depth + 1);
    } else if ((call.name === 'path' || call.name === 'accept') && call.lambda) {
      const predicate = predicateOf(asCall(statement) ? call.args[0] : undefined, ctx, scope);
      kotlinRouter(call.lambda, ctx, scope, base + (call.name === 'path' ? (predicate?.path ?? '') : ''), sink, depth + 1);
    } else if (call.name === 'add' && call.args[0]) {
      javaRouter(call.args[0], ctx, scope, base, sink, depth + 1);
    }
  }
}

const CALL_TYPES = new Set(['call_expression']);

function collectFunctional(ctx: Context): void {
  for (const cls of ctx.program.classes) {
    for (const method of cls.methods) collectFunctionalIn(ctx, method, { file: cls.file, cls });
  }
  for (const file of ctx.program.files) for (const fn of file.functions) collectFunctionalIn(ctx, fn, { file });
}

function collectFunctionalIn(ctx: Context, method: JvmMethod, scope: Scope): void {
  if (!method.body) return;
  const isBean = hasAnnotation(method.annotations, 'Bean');
  const sink: RouteSink = (verb, path, at, handler) => {
    const route = normaliseTemplate(joinPaths(path));
    for (const app of ctx.apps.of(method.file.source.file)) {
      const { prefix } = prefixFor(ctx, method.file.source.file, app);
      const securityPath = joinPaths(prefix.servlet, route);
      push(ctx, app, {
        method: verb,
        path: joinPaths(prefix.context, securityPath),
        location: locate(method.file, at),
        ...(handler ? { handler: locate(method.file, handler) } : {}),
        parameters: [],
        auth: authFor(ctx, method.file.source.file, app, verb, securityPath, []),
      });
    }
  };
  if (method.file.language === 'kotlin') {
    const routers = descendants(method.body, CALL_TYPES).map(asCall).filter((call): call is JvmCall => call !== undefined && (call.name === 'router' || call.name === 'coRouter') && call.lambda !== undefined && !call.receiver);
    if (routers.length === 0) {
      if (isBean && method.returnType === 'RouterFunction') for (const statement of statementsOf(method.body)) javaRouter(statement, ctx, scope, '', sink);
      return;
    }
    if (!isBean && !/\bbean\s*\{/.test(method.body.text)) return;
    for (const router of routers) if (router.lambda) kotlinRouter(router.lambda, ctx, scope, '', sink);
    return;
  }
  if (!isBean || method.returnType !== 'RouterFunction') return;
  for (const statement of statementsOf(method.body)) javaRouter(statement, ctx, scope, '', sink);
}

// ---------------------------------------------------------------- actuator

function collectActuator(ctx: Context, project: ProjectInfo, infra: readonly InfraFile[]): void {
  const hasActuator = (project.dependencies.maven ?? []).includes('spring-boot-starter-actuator');
  const seen = new Set<string>();
  for (const file of infra) {
    if (!/(^|\/)(application|bootstrap)[^/]*\.(properties|ya?ml)$/.test(file.file) || /(^|\/)src\/test\//.test(file.file)) continue;
    const properties = ctx.config.forSource(file.file);
    const include = properties.get('management.endpoints.web.exposure.include');
    if (!include || seen.has(include.where.file)) continue;
    seen.add(include.where.file);
    if (!hasActuator && project.dependencies.maven !== undefined && !project.dependencies.maven.some((dep) => dep.includes('actuator'))) continue;
    const exclude = new Set((properties.get('management.endpoints.web.exposure.exclude')?.value ?? '').split(',').map((item) => item.trim()));
    const ids = include.value.split(',').map((item) => item.trim().replace(/^"|"$/g, '')).filter(Boolean);
    const exposed = (ids.includes('*') ? ACTUATOR_ALL : ids).filter((id) => !exclude.has(id));
    const base = JvmConfig.resolve(properties.get('management.endpoints.web.base-path')?.value ?? '/actuator', properties) ?? '/actuator';
    const separatePort = properties.has('management.server.port');
    for (const app of ctx.apps.of(file.file)) {
      const { prefix } = prefixFor(ctx, file.file, app);
      for (const id of exposed) {
        const route = joinPaths(base, id);
        const securityPath = joinPaths(prefix.servlet, route);
        push(ctx, app, {
          method: 'GET',
          path: separatePort ? route : joinPaths(prefix.context, securityPath),
          location: include.where,
          parameters: [],
          auth: authFor(ctx, file.file, app, 'GET', securityPath, []),
          generated: true,
        });
      }
    }
  }
}

/**
 * URL lists read at run time from the handlers carrying a marker annotation (`@Anonymous`,
 * `@AnonymousAccess`) become the paths of those handlers, so the rule they feed can be decided.
 * Returns whether a list was resolved.
 */
function resolveRuntimeLists(ctx: Context): boolean {
  let resolved = false;
  for (const chain of ctx.chains) {
    const origin = chain.origin;
    if (!origin) continue;
    // A shared module's chain serves several applications, each with its own handlers: left unresolved.
    const [app, ...others] = ctx.apps.of(chain.where.file);
    if (app === undefined || others.length > 0) continue;
    const expand = (matchers: Matcher[]): Matcher[] =>
      matchers.flatMap((matcher) => {
        if (matcher.pattern !== undefined || !matcher.source) return [matcher];
        const markers = handlerMarkers(matcher.source, origin, ctx.program);
        if (markers.length === 0) return [matcher];
        resolved = true;
        const paths = [...new Set(ctx.handlers.filter((h) => h.app === app && markers.some((m) => h.annotations.has(m))).map((h) => h.securityPath))];
        return paths.map((pattern) => ({ method: matcher.method, pattern }));
      });
    for (const rule of chain.rules) if (rule.matchers !== 'any') rule.matchers = expand(rule.matchers);
    if (chain.scope) chain.scope = expand(chain.scope);
  }
  return resolved;
}

interface Applications {
  /** The applications a file is part of; a library module no application provably includes stands for itself. */
  of: (file: string) => string[];
  /** Whether the file's applications come from the build's module graph (a shared library module). */
  viaBuild: (file: string) => boolean;
  /** The `@SpringBootApplication` file of an application, when the workspace holds several. */
  fileOf: (app: string) => string | undefined;
}

/** `scanBasePackages` / `@ComponentScan` packages of an application class, else its own package. */
function scanPackages(cls: JvmClass, program: JvmProgram): string[] {
  const scope: Scope = { file: cls.file, cls };
  const nodes = [
    ...(annotation(cls.annotations, 'SpringBootApplication')?.args.get('scanBasePackages') ?? []),
    ...['value', 'basePackages'].flatMap((key) => annotation(cls.annotations, 'ComponentScan')?.args.get(key) ?? []),
  ];
  const out: string[] = [];
  for (const node of nodes) {
    const values = program.strings(node, scope);
    if (!values) return [cls.file.pkg];
    out.push(...values);
  }
  // `@ComponentScan(basePackageClasses = {CommonConfig.class, App.class})`, `scanBasePackageClasses = [App::class]`: each class's package.
  const classNodes = [
    ...(annotation(cls.annotations, 'SpringBootApplication')?.args.get('scanBasePackageClasses') ?? []),
    ...(annotation(cls.annotations, 'ComponentScan')?.args.get('basePackageClasses') ?? []),
  ];
  for (const node of classNodes) {
    const packages = classLiteralPackages(node, scope, program);
    if (!packages) return [cls.file.pkg];
    out.push(...packages);
  }
  return out.length > 0 ? out : [cls.file.pkg];
}

/** The packages of the classes an annotation value names (`A.class`, `{A.class, B.class}`, `[A::class]`); undefined when one cannot be told. */
function classLiteralPackages(node: Node, scope: Scope, program: JvmProgram): string[] | undefined {
  const text = node.text.trim();
  const list = /^[{[]/.test(text) ? text.slice(1, -1).split(',') : [text];
  const out: string[] = [];
  for (const item of list) {
    const name = /^\s*([\w.]+?)\s*(?:\.class|::class(?:\.java)?)\s*$/.exec(item)?.[1];
    if (!name) {
      if (item.trim() === '') continue;
      return undefined;
    }
    const found = program.resolveClass(name, scope);
    const qualified = found ? found.qualified : scope.file.imports.get(name) ?? (name.includes('.') ? name : undefined);
    const pkg = found ? found.file.pkg : qualified?.split('.').slice(0, -1).join('.');
    if (!pkg) return undefined;
    out.push(pkg);
  }
  return out;
}

/**
 * An application's main class: `@SpringBootApplication`, or the older spelling of it, `@EnableAutoConfiguration`
 * (with `@Configuration` / `@SpringBootConfiguration` and usually `@ComponentScan`) on a class that has a `main`
 * method (Java, a Kotlin companion object) or sits beside a top-level Kotlin `fun main`.
 */
function isApplicationClass(cls: JvmClass): boolean {
  if (hasAnnotation(cls.annotations, 'SpringBootApplication')) return true;
  if (!hasAnnotation(cls.annotations, 'EnableAutoConfiguration') || !hasAnnotation(cls.annotations, 'Configuration', 'SpringBootConfiguration')) return false;
  return /\bstatic\s+(?:public\s+)?void\s+main\s*\(|\bfun\s+main\s*\(/.test(cls.node.text) || cls.file.functions.some((fn) => fn.name === 'main');
}

/**
 * Which applications a file belongs to: the module holding a `@SpringBootApplication` class; a
 * library module belongs to each application whose build depends on it (pom.xml / build.gradle,
 * transitively) and whose component scan covers the file's package; failing that, to the only
 * application when there is one, else to itself.
 */
function applications(program: JvmProgram, modules: JvmModules): Applications {
  const mains = program.classes.filter(isApplicationClass);
  const apps = new Map<string, { file: string; packages: string[] }>();
  for (const cls of mains) {
    const module = moduleOf(cls.file.source.file);
    const known = apps.get(module);
    if (known) known.packages.push(...scanPackages(cls, program));
    else apps.set(module, { file: cls.file.source.file, packages: scanPackages(cls, program) });
  }
  const packageOf = new Map(program.files.map((file) => [file.source.file, file.pkg]));
  const [only] = apps.keys();
  const cache = new Map<string, { apps: string[]; viaBuild: boolean }>();
  const resolve = (file: string): { apps: string[]; viaBuild: boolean } => {
    const module = moduleOf(file);
    if (apps.has(module)) return { apps: [module], viaBuild: false };
    const key = `${module}\0${packageOf.get(file) ?? ''}`;
    const cached = cache.get(key);
    if (cached) return cached;
    let out: string[] = [];
    const pkg = packageOf.get(file);
    if (modules.known && pkg !== undefined) {
      out = [...apps].filter(([app, info]) => modules.classPath(app).has(module) && info.packages.some((base) => pkg === base || pkg.startsWith(`${base}.`))).map(([app]) => app);
    }
    const found = out.length > 0 ? { apps: out, viaBuild: true } : { apps: apps.size === 1 && only !== undefined ? [only] : [module], viaBuild: false };
    cache.set(key, found);
    return found;
  };
  return {
    of: (file) => resolve(file).apps,
    viaBuild: (file) => resolve(file).viaBuild,
    fileOf: (app) => apps.get(app)?.file,
  };
}

export const springCollector: CodeCollector = {
  id: 'spring',
  languages: ['java', 'kotlin'],
  enablers: ['spring-boot-starter-web', 'spring-boot-starter-webflux', 'spring-webmvc', 'spring-webflux'],
  isEnabled(project: ProjectInfo, sources: readonly SourceFile[]): boolean {
    if (project.frameworks.includes('spring')) return true;
    if ((project.dependencies.maven ?? []).some((dep) => /^spring-(boot-starter-web|boot-starter-webflux|webmvc|webflux)$/.test(dep))) return true;
    return sources.some((source) => isJvm(source) && /import\s+org\.springframework\.(web|stereotype)\b/.test(source.text));
  },
  collect(sources: readonly SourceFile[], project: ProjectInfo, _specs?: unknown, infra?: readonly InfraFile[]): CollectorResult {
    const program = new JvmProgram(jvmFiles(sources));
    const maven = project.dependencies.maven ?? [];
    const apps = applications(program, new JvmModules(infra));
    const ctx: Context = {
      program,
      config: new JvmConfig(infra),
      chains: securityChains(program, (a, b) => apps.of(a).some((app) => apps.of(b).includes(app))),
      apps,
      appChains: new Map(),
      methods: new Map(),
      reactive: maven.some((dep) => dep === 'spring-boot-starter-webflux' || dep === 'spring-webflux') && !maven.some((dep) => dep === 'spring-boot-starter-web' || dep === 'spring-webmvc'),
      endpoints: [],
      diagnostics: [],
      handlers: [],
    };
    collectControllers(ctx);
    if (resolveRuntimeLists(ctx)) {
      ctx.endpoints = [];
      ctx.handlers = [];
      ctx.appChains.clear();
      collectControllers(ctx);
    }
    collectFunctional(ctx);
    collectActuator(ctx, project, infra ?? []);
    return { endpoints: ctx.endpoints, diagnostics: ctx.diagnostics };
  },
};
