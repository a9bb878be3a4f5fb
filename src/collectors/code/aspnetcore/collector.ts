import type { Diagnostic, Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { makeEndpoint, sortEndpoints } from '../python/endpoint.js';
import { CsProject, attributesOf, enclosingClass, field, invocationParts, kids, locate, walk, type CsAttribute, type CsClass, type CsFile, type CsMethod } from '../csharp/project.js';
import { csProjectOf } from '../csharp/flow.js';
import { attributeMarks, decide, decideLimit, limitMarks, type AuthMark, type LimitMark } from './auth.js';
import { readConfig, type AppConfig } from './config.js';
import { endpointFilterMark } from './filters.js';

const FRAMEWORK = 'aspnetcore';
const VERB_ATTRIBUTES: Record<string, string> = { HttpGet: 'GET', HttpPost: 'POST', HttpPut: 'PUT', HttpDelete: 'DELETE', HttpPatch: 'PATCH', HttpHead: 'HEAD', HttpOptions: 'OPTIONS' };
const MAP_VERBS: Record<string, string[]> = { MapGet: ['GET'], MapPost: ['POST'], MapPut: ['PUT'], MapDelete: ['DELETE'], MapPatch: ['PATCH'] };
const STRING_ARGUMENT = new Set(['string_literal', 'verbatim_string_literal', 'interpolated_string_expression', 'identifier', 'member_access_expression', 'binary_expression']);
const patternFirst = (first: Node): boolean => STRING_ARGUMENT.has(first.type);
/**
 * Endpoint-builder calls that map routes of the framework or a library: the SPA fallback (`MapFallback`,
 * `MapFallbackToFile`: every method, `{*path:nonfile}` unless a pattern is given), the OpenAPI document
 * (`MapOpenApi`), the Scalar UI (`MapScalarApiReference`) and an MCP server's streamable HTTP endpoint
 * (`MapMcp` from ModelContextProtocol.AspNetCore: POST, GET and DELETE on its pattern).
 */
const BUILT_IN_ROUTES: Record<string, { pattern: string; takesPattern: (first: Node) => boolean; routes: (pattern: string) => [string, string][]; docs?: true }> = {
  MapFallback: { pattern: '{*path:nonfile}', takesPattern: patternFirst, routes: (pattern) => [['ANY', pattern]] },
  // MapFallbackToFile("index.html") names a file; MapFallbackToFile(pattern, file) a pattern first.
  MapFallbackToFile: { pattern: '{*path:nonfile}', takesPattern: () => false, routes: (pattern) => [['ANY', pattern]] },
  MapOpenApi: { pattern: '/openapi/{documentName}.json', takesPattern: patternFirst, routes: (pattern) => [['GET', pattern]], docs: true },
  MapScalarApiReference: { pattern: '/scalar', takesPattern: patternFirst, routes: (pattern) => [['GET', pattern]], docs: true },
  MapMcp: { pattern: '', takesPattern: patternFirst, routes: (pattern) => [['POST', pattern], ['GET', pattern], ['DELETE', pattern]] },
};
const CONTROLLER_BASES = new Set(['ControllerBase', 'Controller', 'ODataController']);
const BUILDER_TYPES = new Set(['IEndpointRouteBuilder', 'WebApplication', 'RouteGroupBuilder', 'IApplicationBuilder']);

/** `{id:int}`, `{id?}`, `{*rest}`, `{**rest}`, `{id=5}`, `{id:regex(^\d{{3}}$)}` become `{id}`. */
export function normaliseTemplate(raw: string): string {
  let out = '';
  for (let index = 0; index < raw.length; index += 1) {
    const char = raw.charAt(index);
    if (char !== '{') {
      out += char;
      continue;
    }
    let depth = 1;
    let end = index + 1;
    while (end < raw.length && depth > 0) {
      if (raw[end] === '{') depth += 1;
      else if (raw[end] === '}') depth -= 1;
      end += 1;
    }
    const inner = raw.slice(index + 1, end - 1);
    const name = /^\**([A-Za-z_][A-Za-z0-9_]*)/.exec(inner)?.[1] ?? inner;
    out += `{${name}}`;
    index = end - 1;
  }
  return out;
}

export function joinRoute(...parts: readonly string[]): string {
  const segments = parts.flatMap((part) => part.split('/')).filter((segment) => segment !== '' && segment !== '~');
  return `/${segments.join('/')}`;
}

interface Group {
  parent?: Group;
  prefix: string;
  marks: AuthMark[];
  limits: LimitMark[];
  /** Why the conventions of this builder cannot be known (a group passed in from unresolved code). */
  detached?: string;
}

interface MinimalRoute {
  methods: string[];
  path: string;
  group: Group;
  marks: AuthMark[];
  limits: LimitMark[];
  at: Location;
  handler?: Location;
  /** Answered by middleware (`UseHealthChecks`), not an endpoint: before or after `UseAuthorization()` in the pipeline. */
  pipeline?: 'before-authorization' | 'after-authorization';
  /** A route the framework or a library serves by itself (the OpenAPI document, a docs UI). */
  generated?: true;
}

type Value = { kind: 'group'; group: Group } | { kind: 'route'; route: MinimalRoute } | { kind: 'controllers'; group: Group };

class Collector {
  readonly config: AppConfig;
  readonly diagnostics: Diagnostic[] = [];
  readonly routes: MinimalRoute[] = [];
  readonly controllerConventions: Group[] = [];
  private readonly visited = new Set<Node['id']>();
  private depth = 0;
  /** `UseAuthorization()` was met on the application: middleware added after it runs behind the fallback policy. */
  private authorizationInPipeline = false;
  /** Routes from this index on were found by the sweep of builder-taking methods no resolved code calls. */
  private sweptFrom = Number.POSITIVE_INFINITY;
  /** Routes (by index) mapped from a library file's own entry (top-level statements, Configure, Main). */
  private readonly fromLibrary = new Set<number>();

  constructor(
    readonly project: CsProject,
    /** The files of one application (its project directory, plus shared libraries when there is one application). */
    readonly files: readonly CsFile[],
    configRoots: readonly { file: CsFile; node: Node }[],
    /** The application's host file (Program.cs) and its directory, when the scope is one application. */
    readonly host?: { file: string; dir: string },
  ) {
    this.config = readConfig(project, configRoots);
  }

  /**
   * The host is the application: the inventory names it when the workspace holds several (services of a monorepo),
   * whether they are analysed together or apart. A controller, a route mapped from a file's own entry, or a route
   * only the sweep found, outside the host's directory belongs to a library: with several applications in one unit
   * it is the library scope's, unnamed, so it is unnamed here too (a library may be analysed with one application
   * or with several).
   */
  private name(endpoint: CollectedEndpoint, file: string, reached: boolean): void {
    if (!this.host || (!reached && !inDirectory(file, this.host.dir))) return;
    endpoint.appFile = this.host.file;
    endpoint.appFileIfSeveral = true;
  }

  // ---- minimal APIs -------------------------------------------------------------------------------------

  run(): void {
    const root: Group = { prefix: '', marks: [], limits: [] };
    for (const file of this.files) {
      const start = this.routes.length;
      const globals = kids(file.source.tree.rootNode).filter((node) => node.type === 'global_statement');
      if (globals.length > 0) this.block(file, globals, new Map(), root);
      for (const cls of file.classes) {
        for (const method of cls.methods) {
          if (method.name === 'Configure' || method.name === 'Main') this.method(file, method, new Map(), root);
        }
      }
      if (this.host && !inDirectory(file.source.file, this.host.dir)) for (let index = start; index < this.routes.length; index += 1) this.fromLibrary.add(index);
    }
    // Builder-taking methods no resolved code calls (registered by reflection, an interface loop …).
    this.sweptFrom = this.routes.length;
    for (const file of this.files) {
      for (const cls of file.classes) {
        for (const method of cls.methods) {
          if (this.visited.has(method.node.id)) continue;
          // A type a project reflection helper scans for was mapped by it, or excluded by its filter (abstract).
          if (this.scannedBases.size > 0 && this.project.inherits(cls, this.scannedBases)) continue;
          const param = method.parameters.find((each) => BUILDER_TYPES.has(each.type));
          if (!param || !/\bMap(Get|Post|Put|Delete|Patch|Methods|Group)\b/.test(method.node.text)) continue;
          // A RouteGroupBuilder, or an IEndpointRouteBuilder (a group is one too), handed over by code apisec
          // could not follow may carry a prefix and conventions (`RequireAuthorization`) it cannot see.
          const unseen = param.type === 'RouteGroupBuilder' || param.type === 'IEndpointRouteBuilder';
          const detached: Group = unseen ? { prefix: '', marks: [], limits: [], detached: `builder passed to ${cls.name}.${method.name} by code apisec could not follow; its prefix and conventions are unknown` } : root;
          const env = new Map<string, Value>([[param.name, { kind: 'group', group: detached }]]);
          this.method(file, method, env, root);
          if (unseen) this.diagnostics.push({ level: 'info', source: `collector:${FRAMEWORK}`, file: file.source.file, line: method.node.startPosition.row + 1, message: `${cls.name}.${method.name} maps routes on a group whose caller was not found; paths may lack the group prefix.` });
        }
      }
    }
  }

  private method(file: CsFile, method: CsMethod, env: Map<string, Value>, root: Group): Value | undefined {
    if (this.depth > 12) return undefined;
    this.visited.add(method.node.id);
    const body = field(method.node, 'body');
    if (!body) return undefined;
    this.depth += 1;
    try {
      for (const param of method.parameters) if (!env.has(param.name) && (param.type === 'WebApplication' || param.type === 'IEndpointRouteBuilder') && method.name === 'Configure') env.set(param.name, { kind: 'group', group: root });
      if (body.type === 'arrow_expression_clause') return this.expression(file, kids(body)[0], env, root);
      return this.block(file, kids(body), env, root);
    } finally {
      this.depth -= 1;
    }
  }

  /** Statements in order; returns the value of a `return`. */
  private block(file: CsFile, statements: readonly Node[], env: Map<string, Value>, root: Group): Value | undefined {
    let returned: Value | undefined;
    for (const statement of statements) {
      walk(statement, (node) => {
        if (node.type === 'local_function_statement' || node.type === 'class_declaration') return false;
        if (node.type === 'variable_declarator') {
          const name = kids(node)[0]?.text;
          const init = kids(node).find((child) => child.type === 'equals_value_clause');
          const value = init ? this.expression(file, kids(init)[0], env, root) : undefined;
          if (name && value) env.set(name, value);
          return false;
        }
        if (node.type === 'return_statement') {
          const value = this.expression(file, kids(node)[0], env, root);
          returned ??= value;
          return false;
        }
        if (node.type === 'invocation_expression') {
          this.expression(file, node, env, root);
          return false;
        }
        if (node.type === 'expression_statement' && node.hasError && this.recover(file, node, env)) return false;
        return true;
      });
    }
    return returned;
  }

  private expression(file: CsFile, node: Node | undefined, env: Map<string, Value>, root: Group): Value | undefined {
    if (!node) return undefined;
    if (node.type === 'identifier') return env.get(node.text);
    if (node.type === 'parenthesized_expression') return this.expression(file, kids(node)[0], env, root);
    if (node.type === 'await_expression') return this.expression(file, kids(node)[0], env, root);
    const parts = invocationParts(node);
    if (!parts) return undefined;
    const cls = enclosingClass(this.project, file, node);
    if (parts.name === 'Build' && parts.args.length === 0 && parts.receiver && /builder|Builder/.test(parts.receiver.text) && !/Policy/.test(parts.receiver.text)) return { kind: 'group', group: root };
    if ((parts.name === 'Create' || parts.name === 'CreateBuilder') && parts.receiver?.text === 'WebApplication' && parts.name === 'Create') return { kind: 'group', group: root };
    if (parts.name === 'UseEndpoints' || parts.name === 'UseRouter') {
      for (const arg of parts.args) {
        if (arg.type !== 'lambda_expression') continue;
        const params = field(arg, 'parameters');
        const name = params ? kids(params)[0] : kids(arg).find((child) => child.type === 'identifier');
        const paramName = name?.type === 'parameter' ? field(name, 'name')?.text : name?.text;
        const inner = new Map(env);
        if (paramName) inner.set(paramName, { kind: 'group', group: root });
        const body = field(arg, 'body');
        if (body?.type === 'block') this.block(file, kids(body), inner, root);
        else this.expression(file, body, inner, root);
      }
      return undefined;
    }
    const receiver = parts.receiver ? this.expression(file, parts.receiver, env, root) : undefined;
    const where = locate(file.source.file, node);
    if (receiver?.kind === 'group') {
      const group = receiver.group;
      const first = parts.args[0];
      const stringy = !first || ['string_literal', 'verbatim_string_literal', 'interpolated_string_expression', 'binary_expression'].includes(first.type) || (first.type === 'identifier' && this.localDeclarator(first) !== undefined);
      // `app.MapGroup(this)`: the project's own MapGroup(this WebApplication, EndpointGroupBase) extension.
      const wrapsGroup = parts.name === 'MapGroup' && !stringy && this.project.stringValue(first, cls) === undefined && this.project.methodsNamed('MapGroup').some((method) => /^\(\s*this\s/.test(field(method.node, 'parameters')?.text ?? '') && method.parameters[1]?.type !== 'string');
      if (parts.name === 'MapGroup' && !wrapsGroup) {
        const prefix = this.project.stringValue(parts.args[0], cls) ?? (this.scanning ? this.scannedString(parts.args[0], this.scanning) : undefined);
        if (prefix === undefined) this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: file.source.file, line: where.line, message: `MapGroup prefix ${parts.args[0]?.text ?? ''} is computed; its routes are listed without it.` });
        return { kind: 'group', group: { parent: group, prefix: prefix ?? '', marks: [], limits: [] } };
      }
      const verbs = MAP_VERBS[parts.name] ?? (parts.name === 'MapMethods' ? this.methodList(parts.args[1], cls) : parts.name === 'MapHealthChecks' ? ['GET'] : parts.name === 'MapForwarder' ? ['ANY'] : undefined);
      if (verbs || (parts.name === 'Map' && parts.args.length >= 2 && parts.args[1]?.type === 'lambda_expression')) {
        const wrapped = MAP_VERBS[parts.name] && this.project.stringValue(parts.args[0], cls) === undefined ? this.passThrough(parts.name, parts.args) : undefined;
        const pattern = this.project.stringValue(wrapped?.pattern ?? parts.args[0], cls);
        if (pattern === undefined) {
          this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: file.source.file, line: where.line, message: `${parts.name} with a computed pattern ${parts.args[0]?.text ?? ''}; the route is not listed.` });
          return undefined;
        }
        const handlerNode = wrapped ? wrapped.handler : parts.args[parts.name === 'MapMethods' ? 2 : 1];
        const handler = this.handler(file, handlerNode);
        const route: MinimalRoute = { methods: verbs ?? ['ANY'], path: pattern, group, marks: [...handler.marks], limits: [...handler.limits], at: where, ...(handler.location ? { handler: handler.location } : {}) };
        // Conventions the wrapper adds on its own are not modelled: the route is left undecided.
        if (wrapped && /\b(RequireAuthorization|AllowAnonymous|AddEndpointFilter\w*)\s*\(/.test(field(wrapped.wrapper.node, 'body')?.text ?? '')) route.marks.push({ kind: 'custom', where, detail: `the project's ${wrapped.wrapper.owner.name}.${parts.name} wrapper adds authorization metadata` });
        this.routes.push(route);
        // A wrapper that returns its builder (`return builder;`) chains further Map calls on the group.
        if (wrapped?.returnsSelf) return receiver;
        return { kind: 'route', route };
      }
      if (parts.name === 'UseFastEndpoints' && !this.projectMethod('UseFastEndpoints')) {
        this.mapFastEndpoints(file, parts.args[0], group);
        return receiver;
      }
      if (parts.name === 'MapCarter' && !this.projectMethod('MapCarter')) {
        this.mapCarter(group, root);
        return receiver;
      }
      if (parts.name === 'UseAuthorization' && parts.args.length === 0) this.authorizationInPipeline = true;
      if (parts.name === 'UseHealthChecks' && !this.projectMethod(parts.name)) {
        // HealthCheckMiddleware answers on its path in the pipeline, whatever the method; no endpoint metadata reaches it.
        const path = this.project.stringValue(parts.args[0], cls);
        if (path === undefined) this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: file.source.file, line: where.line, message: `UseHealthChecks with a computed path ${parts.args[0]?.text ?? ''}; it is not listed.` });
        else this.routes.push({ methods: ['GET'], path, group, marks: [], limits: [], at: where, pipeline: this.authorizationInPipeline ? 'after-authorization' : 'before-authorization' });
        return receiver;
      }
      const builtIn = BUILT_IN_ROUTES[parts.name];
      if (builtIn && !this.projectMethod(parts.name)) {
        // Routes a framework or library maps by itself: one group, so `.RequireAuthorization()` after the call covers them all.
        const first = parts.args[0];
        const written = first && builtIn.takesPattern(first) ? this.project.stringValue(first, cls) : builtIn.pattern;
        if (written === undefined) {
          this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: file.source.file, line: where.line, message: `${parts.name} with a computed pattern ${first?.text ?? ''}; its routes are not listed.` });
          return undefined;
        }
        const mapped: Group = { parent: group, prefix: '', marks: [], limits: [] };
        for (const [verb, path] of builtIn.routes(written)) this.routes.push({ methods: [verb], path, group: mapped, marks: [], limits: [], at: where, ...(builtIn.docs ? { generated: true as const } : {}) });
        return { kind: 'group', group: mapped };
      }
      if (parts.name === 'MapIdentityApi') {
        // ASP.NET Core Identity's API endpoints (IdentityApiEndpointRouteBuilderExtensions); `/manage` requires authorization.
        const manage: Group = { parent: group, prefix: '/manage', marks: [{ kind: 'authorize', policies: [], roles: [], where, detail: 'MapIdentityApi: /manage group RequireAuthorization()' }], limits: [] };
        const add = (target: Group, verb: string, path: string): void => {
          this.routes.push({ methods: [verb], path, group: target, marks: [], limits: [], at: where });
        };
        for (const path of ['/register', '/login', '/refresh', '/resendConfirmationEmail', '/forgotPassword', '/resetPassword']) add(group, 'POST', path);
        add(group, 'GET', '/confirmEmail');
        add(manage, 'POST', '/2fa');
        add(manage, 'GET', '/info');
        add(manage, 'POST', '/info');
        return { kind: 'group', group };
      }
      if (parts.name === 'MapControllers' || parts.name === 'MapDefaultControllerRoute' || parts.name === 'MapControllerRoute') {
        const conventions: Group = { parent: group, prefix: '', marks: [], limits: [] };
        this.controllerConventions.push(conventions);
        if (parts.name !== 'MapControllers') this.diagnostics.push({ level: 'info', source: `collector:${FRAMEWORK}`, file: file.source.file, line: where.line, message: `${parts.name}: conventionally routed actions (without [Route]/[Http*] templates) are not listed.` });
        return { kind: 'controllers', group: conventions };
      }
    }
    if (receiver) {
      const marks = receiver.kind === 'route' ? receiver.route.marks : receiver.group.marks;
      const limits = receiver.kind === 'route' ? receiver.route.limits : receiver.group.limits;
      if (parts.name === 'RequireAuthorization') {
        const policies: string[] = [];
        let computed = false;
        let inline = false;
        let denies = parts.args.length === 0;
        for (const arg of parts.args) {
          const name = this.project.stringValue(arg, cls);
          if (name !== undefined) policies.push(name);
          else if (arg.type === 'lambda_expression' || arg.type === 'object_creation_expression' || arg.type === 'invocation_expression') {
            inline = true;
            denies ||= this.policyDenies(arg);
          } else computed = true;
        }
        if (inline && !denies) {
          marks.push({ kind: 'custom', where, detail: `.RequireAuthorization(${parts.args.map((arg) => arg.text).join(', ').slice(0, 60)}): the inline policy does not provably require an authenticated user` });
          return receiver;
        }
        if (computed && policies.length === 0 && !denies) marks.push({ kind: 'custom', where, detail: `RequireAuthorization(${parts.args.map((arg) => arg.text).join(', ')}): the policy is computed` });
        else marks.push({ kind: 'authorize', policies, roles: denies && parts.args.length > 0 ? ['(inline policy)'] : [], where, detail: `.RequireAuthorization(${parts.args.map((arg) => arg.text).join(', ').slice(0, 60)})` });
        return receiver;
      }
      if (parts.name === 'AllowAnonymous') {
        marks.push({ kind: 'anonymous', where, detail: '.AllowAnonymous()' });
        return receiver;
      }
      if (parts.name === 'RequireRateLimiting') {
        limits.push({ kind: 'enable', where, detail: `.RequireRateLimiting(${parts.args.map((arg) => arg.text).join(', ')})` });
        return receiver;
      }
      if (parts.name === 'DisableRateLimiting') {
        limits.push({ kind: 'disable', where, detail: '.DisableRateLimiting()' });
        return receiver;
      }
      if (parts.name === 'AddEndpointFilter' || parts.name === 'AddEndpointFilterFactory') {
        const mark = endpointFilterMark(this.project, file, parts.name, parts.args, parts.generic, where);
        if (mark) marks.push(mark);
        return receiver;
      }
      if (!this.projectMethod(parts.name) && receiver.kind === 'group' && /^Map[A-Z]/.test(parts.name)) {
        // A library's `app.MapHub<T>("/hub")`, `app.MapGrpcService<T>()` … returns the convention builder of its own
        // endpoints: conventions written after it (`.RequireAuthorization(…)`) are theirs, not the application's.
        this.diagnostics.push({ level: 'info', source: `collector:${FRAMEWORK}`, file: file.source.file, line: where.line, message: `${parts.name}: endpoints a library maps are not listed; conventions on its builder apply to them only.` });
        return { kind: 'group', group: { parent: receiver.group, prefix: '', marks: [], limits: [] } };
      }
      // Endpoint builders are fluent (WithName, Produces, HasApiVersion, NewVersionedApi …): a framework call returns its receiver.
      if (!this.projectMethod(parts.name)) return receiver;
    }
    // A project method: bind builder arguments (an extension's `this` or a plain parameter) and follow it.
    const named = this.project.methodsNamed(parts.name, parts.receiver && !receiver ? parts.receiver.text : undefined);
    // Two services of one repository may each declare a method of the same name (`app.MapTodos()` in the API and in
    // the web front's proxy): the application's own declaration is the one it calls.
    const own = named.filter((method) => this.files.includes(method.owner.file));
    const candidates = own.length > 0 ? own : named;
    const target = candidates.find((method) => method.parameters.length >= parts.args.length) ?? candidates[0];
    const argValues = parts.args.map((arg) => this.expression(file, arg, env, root));
    if (target && (receiver || argValues.some(Boolean))) {
      const inner = new Map<string, Value>();
      const isExtension = target.node.text.includes('this ') && receiver !== undefined && /\(\s*this\s/.test(field(target.node, 'parameters')?.text ?? '');
      const values = isExtension ? [receiver, ...argValues] : argValues;
      target.parameters.forEach((param, index) => {
        const value = values[index];
        if (value) inner.set(param.name, value);
      });
      const scan = this.scanOf(target);
      if (scan) return this.mapScanned(target, inner, scan, root);
      return this.method(target.owner.file, target, inner, root);
    }
    return undefined;
  }

  /**
   * FastEndpoints' `app.UseFastEndpoints(c => c.Endpoints.RoutePrefix = "api")` maps every concrete `Endpoint<…>` /
   * `EndpointWithoutRequest` class by the verbs and routes its `Configure()` declares. Its endpoints require an
   * authenticated user unless `AllowAnonymous()` is called (the framework's documented default).
   */
  private mapFastEndpoints(file: CsFile, config: Node | undefined, group: Group): void {
    const prefixMatch = config ? /RoutePrefix\s*=\s*("(?:[^"\\]|\\.)*")/.exec(config.text) : null;
    const prefix = prefixMatch?.[1] ? (JSON.parse(prefixMatch[1]) as string) : '';
    if (config && !prefixMatch && /RoutePrefix/.test(config.text)) this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: file.source.file, line: config.startPosition.row + 1, message: 'UseFastEndpoints: the route prefix is computed; routes are listed without it.' });
    const target: Group = { parent: group, prefix, marks: [], limits: [] };
    const bases = new Set(['Endpoint', 'EndpointWithoutRequest', 'EndpointWithMapping']);
    this.scannedBases.add('Endpoint');
    for (const cls of this.project.classes) {
      if (cls.node.type === 'interface_declaration' || cls.modifiers.includes('abstract') || !this.project.inherits(cls, bases)) continue;
      const configure = [cls, ...this.project.ancestors(cls).chain].flatMap((each) => each.methods).find((each) => each.name === 'Configure' && each.parameters.length === 0);
      const body = configure ? field(configure.node, 'body') : undefined;
      if (!configure || !body) continue;
      const verbs: string[] = [];
      const paths: string[] = [];
      const marks: AuthMark[] = [];
      const state: { at?: Location; anonymous: boolean; grouped: boolean } = { anonymous: false, grouped: false };
      walk(body, (node) => {
        const parts = invocationParts(node);
        if (!parts || (parts.receiver && parts.receiver.type !== 'this_expression')) return true;
        const where = locate(cls.file.source.file, node);
        const strings = parts.args.map((arg) => this.project.stringValue(arg, cls));
        const verb = { Get: 'GET', Post: 'POST', Put: 'PUT', Delete: 'DELETE', Patch: 'PATCH' }[parts.name];
        if (verb || parts.name === 'Routes') {
          if (verb) verbs.push(verb);
          state.at ??= where;
          for (const [index, value] of strings.entries()) {
            if (value !== undefined) paths.push(value);
            else this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: cls.file.source.file, line: where.line, message: `${cls.name}: the route ${parts.args[index]?.text ?? ''} is computed; it is not listed.` });
          }
        } else if (parts.name === 'Verbs') {
          state.at ??= where;
          for (const arg of parts.args) {
            const name = /(?:Http\.)?(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)$/i.exec(arg.text)?.[1];
            if (name) verbs.push(name.toUpperCase());
          }
        } else if (parts.name === 'AllowAnonymous') {
          if (parts.args.length === 0) state.anonymous = true;
          else marks.push({ kind: 'custom', where, detail: `${cls.name}: AllowAnonymous(${parts.args.map((arg) => arg.text).join(', ')}) for some verbs only` });
        } else if (parts.name === 'Roles' || parts.name === 'Policies' || parts.name === 'Claims' || parts.name === 'Permissions' || parts.name === 'ClaimsAll' || parts.name === 'PermissionsAll') {
          const named = strings.filter((value): value is string => value !== undefined);
          marks.push({ kind: 'authorize', policies: parts.name === 'Policies' ? named : [], roles: parts.name === 'Roles' ? named : [], where, detail: `${cls.name}: ${parts.name}(${parts.args.map((arg) => arg.text).join(', ').slice(0, 60)})` });
        } else if (parts.name === 'Group') {
          state.grouped = true;
          marks.push({ kind: 'custom', where, detail: `${cls.name}: Group<${parts.generic ?? ''}>() adds a prefix and conventions apisec does not read` });
        }
        return true;
      });
      const at = state.at;
      if (!at || verbs.length === 0) continue;
      if (state.grouped) this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: cls.file.source.file, line: at.line, message: `${cls.name}: a FastEndpoints Group<…>() prefix is not read; the route is listed without it.` });
      if (state.anonymous) marks.push({ kind: 'anonymous', where: at, detail: `${cls.name}: AllowAnonymous() in Configure()` });
      else if (!marks.some((mark) => mark.kind === 'authorize')) marks.push({ kind: 'authorize', policies: [], roles: [], where: at, detail: `${cls.name}: FastEndpoints endpoints require an authenticated user unless AllowAnonymous() is called` });
      const handle = [cls, ...this.project.ancestors(cls).chain].flatMap((each) => each.methods).find((each) => each.name === 'HandleAsync' || each.name === 'ExecuteAsync');
      for (const path of paths) this.routes.push({ methods: [...new Set(verbs)], path, group: target, marks: [...marks], limits: [], at, ...(handle ? { handler: locate(handle.owner.file.source.file, handle.node) } : {}) });
    }
  }

  /**
   * Carter's `app.MapCarter()` calls `AddRoutes(app)` on every `ICarterModule` of the application; a `CarterModule`
   * subclass maps on a group with the prefix given to `base("/prefix")` and the conventions its constructor adds.
   */
  private mapCarter(group: Group, root: Group): void {
    const carter = new Set(['ICarterModule', 'CarterModule']);
    for (const name of carter) this.scannedBases.add(name);
    for (const cls of this.project.classes) {
      if (cls.node.type === 'interface_declaration' || cls.modifiers.includes('abstract') || !this.project.inherits(cls, carter)) continue;
      const method = [cls, ...this.project.ancestors(cls).chain].flatMap((each) => each.methods).find((each) => each.name === 'AddRoutes' && field(each.node, 'body') !== undefined);
      const param = method?.parameters.find((each) => BUILDER_TYPES.has(each.type));
      if (!method || !param) continue;
      let target = group;
      const body = field(cls.node, 'body');
      const ctor = body ? kids(body).find((member) => member.type === 'constructor_declaration') : undefined;
      if (ctor) {
        const initializer = kids(ctor).find((child) => child.type === 'constructor_initializer');
        const argList = initializer ? kids(initializer).find((child) => child.type === 'argument_list') : undefined;
        const first = argList ? kids(argList).find((child) => child.type === 'argument') : undefined;
        const prefix = first ? this.project.stringValue(kids(first).pop(), cls) : undefined;
        const where = locate(cls.file.source.file, ctor);
        target = { parent: group, prefix: prefix ?? '', marks: [], limits: [] };
        if (first && prefix === undefined) this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: cls.file.source.file, line: where.line, message: `${cls.name}: the CarterModule prefix ${first.text} is computed; its routes are listed without it.` });
        const ctorBody = field(ctor, 'body')?.text ?? '';
        if (/\bRequireAuthorization\s*\(\s*\)/.test(ctorBody)) target.marks.push({ kind: 'authorize', policies: [], roles: [], where, detail: `${cls.name}: this.RequireAuthorization() in the CarterModule constructor` });
        else if (/\b(RequireAuthorization|AllowAnonymous|AddEndpointFilter\w*|RequireHost)\s*\(/.test(ctorBody)) target.marks.push({ kind: 'custom', where, detail: `${cls.name}: conventions set in the CarterModule constructor are not modelled` });
      }
      this.method(method.owner.file, method, new Map([[param.name, { kind: 'group', group: target }]]), root);
    }
  }

  // ---- endpoint groups registered by reflection (`MapEndpoints()` over an `IEndpointGroup` / base class) ----

  /** The class being mapped by a reflection helper: its `GetType().Name`, `type.Name` and properties are known. */
  private scanning: CsClass | undefined;
  private readonly scannedBases = new Set<string>();

  /**
   * A project helper that scans an assembly for the types deriving from one project type (`typeof(X)` with
   * `IsAssignableTo`/`IsAssignableFrom`/`IsSubclassOf`/`GetInterfaces`) and maps each one's builder method.
   */
  private scanOf(method: CsMethod): { base: CsClass; entry: CsMethod } | undefined {
    const body = field(method.node, 'body');
    if (!body || !/\b(GetTypes|GetExportedTypes|DefinedTypes)\b/.test(body.text) || !/\b(IsAssignableTo|IsAssignableFrom|IsSubclassOf|GetInterfaces?)\b/.test(body.text)) return undefined;
    let base: CsClass | undefined;
    let entryName: string | undefined;
    walk(body, (node) => {
      if (node.type === 'type_of_expression' && !base) {
        const type = kids(node).find((child) => child.type !== '(' && child.type !== ')' && child.type !== 'typeof');
        const found = type ? this.project.classOf(type.text, method.owner.file) : undefined;
        if (found && found.methods.some((each) => each.parameters.some((param) => BUILDER_TYPES.has(param.type)))) base = found;
      }
      const parts = invocationParts(node);
      if (parts?.name === 'GetMethod') entryName ??= this.project.stringValue(parts.args[0], method.owner);
      return true;
    });
    if (!base) return undefined;
    const found = base;
    const entries = found.methods.filter((each) => each.parameters.some((param) => BUILDER_TYPES.has(param.type)));
    const entry = entries.find((each) => each.name === entryName) ?? (entryName === undefined ? entries.find((each) => new RegExp(`\\.${each.name}\\s*\\(`).test(body.text)) : undefined);
    return entry ? { base: found, entry } : undefined;
  }

  /** Every concrete project class deriving from the scanned type, mapped through the helper as the helper maps it. */
  private mapScanned(helper: CsMethod, env: Map<string, Value>, scan: { base: CsClass; entry: CsMethod }, root: Group): Value | undefined {
    const body = field(helper.node, 'body');
    const concrete = this.project.classes.filter((cls) => cls !== scan.base && cls.node.type !== 'interface_declaration' && !cls.modifiers.includes('abstract') && !cls.modifiers.includes('static') && this.project.inherits(cls, new Set([scan.base.name])));
    let result: Value | undefined;
    this.scannedBases.add(scan.base.name);
    const terms = body ? this.scanFilter(body) : [];
    const unread = new Set<string>();
    for (const cls of concrete) {
      if (terms.some((term) => this.filterTerm(term, cls, unread) === false)) continue;
      const inner = new Map(env);
      const previous = this.scanning;
      this.scanning = cls;
      try {
        result = this.method(helper.owner.file, helper, inner, root) ?? result;
        // The builder handed to the class's method: an argument of the `Invoke(null, [group])` / `instance.Map(group)` call.
        let handed: Value | undefined;
        if (body) {
          walk(body, (node) => {
            const parts = invocationParts(node);
            if (!handed && parts && (parts.name === scan.entry.name || parts.name === 'Invoke')) {
              for (const arg of parts.args) {
                walk(arg, (child) => {
                  const value = child.type === 'identifier' ? inner.get(child.text) : undefined;
                  if (!handed && value?.kind === 'group') handed = value;
                  return !handed;
                });
              }
            }
            return !handed;
          });
        }
        const own = [cls, ...this.project.ancestors(cls).chain].flatMap((each) => each.methods).find((each) => each.name === scan.entry.name && !each.modifiers.includes('abstract') && field(each.node, 'body') !== undefined);
        const param = own?.parameters.find((each) => BUILDER_TYPES.has(each.type));
        if (own && param && handed) this.method(own.owner.file, own, new Map([[param.name, handed]]), root);
        else if (own) this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: own.owner.file.source.file, line: own.node.startPosition.row + 1, message: `${cls.name}.${own.name} is mapped by ${helper.owner.name}.${helper.name} by reflection, but the builder it receives could not be followed.` });
      } finally {
        this.scanning = previous;
      }
    }
    if (unread.size > 0) this.diagnostics.push({ level: 'info', source: `collector:${FRAMEWORK}`, file: helper.owner.file.source.file, line: helper.node.startPosition.row + 1, message: `${helper.owner.name}.${helper.name}: the scan's filter ${[...unread].join(', ').slice(0, 120)} is not evaluated; every concrete ${scan.base.name} type is listed.` });
    return result;
  }

  /** The `&&` terms of the helper's `.Where(t => …)` filter over the scanned types. */
  private scanFilter(body: Node): Node[] {
    const terms: Node[] = [];
    walk(body, (node) => {
      const parts = invocationParts(node);
      if (parts?.name === 'Where' && parts.args[0]?.type === 'lambda_expression') {
        const split = (expr: Node | undefined): void => {
          if (!expr) return;
          if (expr.type === 'parenthesized_expression') {
            split(kids(expr)[0]);
            return;
          }
          if (expr.type === 'binary_expression' && expr.children.some((child) => child?.type === '&&')) {
            split(field(expr, 'left'));
            split(field(expr, 'right'));
            return;
          }
          terms.push(expr);
        };
        split(field(parts.args[0], 'body'));
      }
      return true;
    });
    return terms;
  }

  /** Whether a concrete class passes one filter term: false excludes it; undefined when the term is not read. */
  private filterTerm(term: Node, cls: CsClass, unread: Set<string>): boolean | undefined {
    const text = term.text.replace(/\s+/g, ' ');
    // Kind tests every concrete project class passes; the base test itself.
    if (/^(!\s*\w+\.(IsAbstract|IsInterface|IsGenericTypeDefinition)|\w+\.IsClass|\w+\.IsPublic|\w+\s+is\s+\{[^}]*\})$/.test(text) && !/\b(IsAbstract|IsInterface|IsClass):\s*(true)/.test(text)) return true;
    if (/\b(IsAssignableTo|IsAssignableFrom|IsSubclassOf|GetInterfaces?)\b/.test(text)) return true;
    // An attribute that opts a type out (`t.GetCustomAttribute<SkipAttribute>() == null`, `!t.IsDefined(typeof(Skip))`).
    const attribute = /GetCustomAttribute<(\w+)>\(\)\s*(==|is)\s*null|!\s*\w+\.IsDefined\(\s*typeof\((\w+)\)/.exec(text);
    const name = attribute?.[1] ?? attribute?.[3];
    if (name) return !cls.attributes.some((each) => each.name === name || `${each.name}Attribute` === name || each.name === name.replace(/Attribute$/, ''));
    const naming = /^\w+\.Name\.(EndsWith|StartsWith)\("([^"]*)"\)$/.exec(text);
    if (naming?.[2] !== undefined) return naming[1] === 'EndsWith' ? cls.name.endsWith(naming[2]) : cls.name.startsWith(naming[2]);
    unread.add(text);
    return undefined;
  }

  /** A group prefix the reflection helper computes for the class being mapped (`$"/api/{type.Name}"`, a `RoutePrefix` property …). */
  private scannedString(node: Node | undefined, cls: CsClass, depth = 0): string | undefined {
    if (!node || depth > 8) return undefined;
    const known = this.project.stringValue(node, cls);
    if (known !== undefined) return known;
    switch (node.type) {
      case 'parenthesized_expression':
        return this.scannedString(kids(node)[0], cls, depth + 1);
      case 'as_expression':
      case 'cast_expression':
        return this.scannedString(kids(node).find((child) => child.type !== 'predefined_type' && child.type !== 'as' && child.type !== '(' && child.type !== ')' && child.type !== 'identifier') ?? kids(node)[0], cls, depth + 1);
      case 'binary_expression': {
        const left = this.scannedString(field(node, 'left'), cls, depth + 1);
        const right = this.scannedString(field(node, 'right'), cls, depth + 1);
        if (node.children.some((child) => child?.type === '??')) return left ?? right;
        return node.children.some((child) => child?.type === '+') && left !== undefined && right !== undefined ? left + right : undefined;
      }
      case 'interpolated_string_expression': {
        let out = '';
        for (const part of kids(node)) {
          if (part.type === 'interpolated_string_text' || part.type === 'string_content') out += part.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
          else if (part.type === 'interpolation') {
            const value = this.scannedString(kids(part).find((child) => child.type !== '{' && child.type !== '}'), cls, depth + 1);
            if (value === undefined) return undefined;
            out += value;
          }
        }
        return out;
      }
      case 'identifier': {
        const declarator = this.localDeclarator(node);
        const init = declarator ? kids(declarator).find((child) => child.type === 'equals_value_clause') : undefined;
        if (init) return this.scannedString(kids(init)[0], cls, depth + 1);
        return this.propertyValue(cls, node.text);
      }
      case 'member_access_expression': {
        const name = field(node, 'name')?.text ?? '';
        const owner = field(node, 'expression');
        if (owner?.type === 'type_of_expression') return name === 'Name' ? kids(owner).find((child) => child.type !== '(' && child.type !== ')' && child.type !== 'typeof')?.text : undefined;
        // `type.Name`, `GetType().Name`, `group.GetType().Name`: the scanned class's name.
        if (name === 'Name') return cls.name;
        return this.propertyValue(cls, name);
      }
      case 'conditional_access_expression':
      case 'invocation_expression': {
        // `type.GetProperty(nameof(IEndpointGroup.RoutePrefix))?.GetValue(null)`: the class's own property, if it has one.
        let property: string | undefined;
        walk(node, (child) => {
          const parts = invocationParts(child);
          if (parts?.name === 'GetProperty' || parts?.name === 'GetField') property ??= this.project.stringValue(parts.args[0], cls);
          return property === undefined;
        });
        const parts = invocationParts(node);
        if (property === undefined && parts?.name === 'Replace' && parts.receiver) {
          const text = this.scannedString(parts.receiver, cls, depth + 1);
          const from = this.project.stringValue(parts.args[0], cls);
          const to = this.project.stringValue(parts.args[1], cls);
          return text !== undefined && from !== undefined && to !== undefined ? text.split(from).join(to) : undefined;
        }
        return property !== undefined ? this.propertyValue(cls, property) : undefined;
      }
      default:
        return undefined;
    }
  }

  /** The declarator of a local variable named by `node`, in its enclosing method. */
  private localDeclarator(node: Node): Node | undefined {
    let scope: Node | null = node.parent;
    while (scope && scope.type !== 'method_declaration' && scope.type !== 'local_function_statement') scope = scope.parent;
    let found: Node | undefined;
    if (scope) {
      walk(scope, (child) => {
        if (!found && child.type === 'variable_declarator' && kids(child)[0]?.text === node.text && child.startIndex < node.startIndex) found = child;
        return found === undefined;
      });
    }
    return found;
  }

  /** A string property, field or constant of a class or its project bases (`public static string RoutePrefix => "/api/x";`). */
  private propertyValue(cls: CsClass, name: string): string | undefined {
    for (const each of [cls, ...this.project.ancestors(cls).chain]) {
      const constant = each.constants.get(name);
      if (constant) return this.project.stringValue(constant, each);
      const body = field(each.node, 'body');
      for (const member of body ? kids(body) : []) {
        if (member.type !== 'property_declaration' || field(member, 'name')?.text !== name) continue;
        const arrow = kids(member).find((child) => child.type === 'arrow_expression_clause');
        const init = kids(member).find((child) => child.type === 'equals_value_clause');
        const value = arrow ? kids(arrow)[0] : init ? kids(init)[0] : undefined;
        if (!value) {
          // `{ get { return "/x"; } }`
          const returned = member.text.match(/return\s+("(?:[^"\\]|\\.)*")\s*;/);
          if (returned?.[1]) return JSON.parse(returned[1]) as string;
        }
        return value ? this.project.stringValue(value, each) : undefined;
      }
    }
    return undefined;
  }

  /**
   * A project extension that wraps a framework `Map{Verb}` with other parameters (`MapGet(this IEndpointRouteBuilder b,
   * Delegate handler, string pattern = "")` calling `b.MapGet(pattern, handler)`): the caller's pattern and handler.
   */
  private passThrough(name: string, args: readonly Node[]): { pattern: Node; handler?: Node; wrapper: CsMethod; returnsSelf: boolean } | undefined {
    for (const method of this.project.methodsNamed(name)) {
      const list = field(method.node, 'parameters');
      const body = field(method.node, 'body');
      if (!list || !body || !/^\(\s*this\s/.test(list.text)) continue;
      const params = kids(list).filter((child) => child.type === 'parameter');
      const own = params.slice(1);
      if (args.length > own.length || args.length === 0) continue;
      if (/^string\b/.test(field(own[0] ?? list, 'type')?.text ?? '')) continue;
      const self = field(params[0] ?? list, 'name')?.text;
      let call: ReturnType<typeof invocationParts>;
      walk(body, (node) => {
        const parts = invocationParts(node);
        if (!call && parts?.name === name && parts.receiver?.text === self) call = parts;
        return call === undefined;
      });
      if (!call) continue;
      const resolve = (arg: Node | undefined): Node | undefined => {
        if (arg?.type !== 'identifier') return undefined;
        const index = own.findIndex((param) => field(param, 'name')?.text === arg.text);
        if (index < 0) return undefined;
        const init = own[index] ? kids(own[index]).find((child) => child.type === 'equals_value_clause') : undefined;
        return args[index] ?? (init ? kids(init)[0] : undefined);
      };
      const pattern = resolve(call.args[0]);
      const handler = resolve(call.args[1]);
      if (!pattern) continue;
      this.visited.add(method.node.id);
      const returnsSelf = self !== undefined && new RegExp(`\\breturn\\s+${self}\\s*;`).test(body.text);
      return { pattern, wrapper: method, returnsSelf, ...(handler ? { handler } : {}) };
    }
    return undefined;
  }

  /**
   * The grammar does not know lambdas with an explicit return type (`async Task<Results<Ok, NotFound>> (…) =>`)
   * and breaks the statement; the route's receiver, verb and pattern are still at its start. Anything else
   * written on the statement that could carry authorization leaves the route undecided.
   */
  private recover(file: CsFile, node: Node, env: Map<string, Value>): boolean {
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)\s*\.\s*(Map(?:Get|Post|Put|Delete|Patch|Methods))\s*\(\s*("(?:[^"\\]|\\.)*")(?:\s*,\s*(?:new\s*(?:string)?\s*\[\s*\]\s*\{([^}]*)\}|\[([^\]]*)\]))?/.exec(node.text);
    if (!match) return false;
    const receiver = env.get(match[1] ?? '');
    const listed = (match[4] ?? match[5])?.split(',').map((item) => httpMethodName(item.trim()));
    const verbs = match[2] === 'MapMethods' ? (listed?.every((verb): verb is string => verb !== undefined) ? listed : undefined) : MAP_VERBS[match[2] ?? ''];
    if (receiver?.kind !== 'group' || !verbs) return false;
    const at = locate(file.source.file, node);
    const marks: AuthMark[] = /\[\s*(Authorize|AllowAnonymous)|RequireAuthorization|AllowAnonymous\(|AddEndpointFilter/.test(node.text) ? [{ kind: 'custom', where: at, detail: 'authorization metadata on a statement apisec could not parse' }] : [];
    this.routes.push({ methods: verbs, path: JSON.parse(match[3] ?? '""') as string, group: receiver.group, marks, limits: [], at });
    return true;
  }

  /** An inline policy denies anonymous users: directly, or through a project extension method (`pb.RequireCurrentUser()`). */
  private policyDenies(node: Node, depth = 0): boolean {
    if (depth > 3) return false;
    if (/\b(RequireAuthenticatedUser|RequireRole|RequireClaim|RequireUserName)\s*\(/.test(node.text)) return true;
    let found = false;
    walk(node, (child) => {
      const parts = invocationParts(child);
      if (parts && !found) {
        for (const method of this.project.methodsNamed(parts.name)) {
          const body = field(method.node, 'body');
          if (body && this.policyDenies(body, depth + 1)) found = true;
        }
      }
      return !found;
    });
    return found;
  }

  /** `new[] { "GET", "HEAD" }`, `["GET"]`, `[HttpMethods.Options]`. */
  private methodList(node: Node | undefined, cls: CsClass | undefined): string[] | undefined {
    const literal = this.project.stringList(node, cls);
    if (literal) return literal.map((verb) => verb.toUpperCase());
    if (!node) return undefined;
    const items: string[] = [];
    walk(node, (child) => {
      if (child.type === 'member_access_expression') {
        const verb = httpMethodName(child.text);
        if (verb) items.push(verb);
        return false;
      }
      return true;
    });
    return items.length > 0 ? items : undefined;
  }

  private projectMethod(name: string): boolean {
    return this.project.methodsNamed(name).length > 0;
  }

  private handler(file: CsFile, node: Node | undefined): { marks: AuthMark[]; limits: LimitMark[]; location?: Location } {
    if (!node) return { marks: [], limits: [] };
    const at = (attribute: CsAttribute): Location => locate(file.source.file, attribute.node);
    if (node.type === 'lambda_expression' || node.type === 'anonymous_method_expression') {
      const attributes = attributesOf(node);
      const cls = enclosingClass(this.project, file, node);
      return { marks: attributeMarks(this.project, file, attributes, cls, at), limits: limitMarks(attributes, at), location: locate(file.source.file, node) };
    }
    const name = node.type === 'member_access_expression' ? field(node, 'name')?.text : node.type === 'identifier' ? node.text : undefined;
    const owner = node.type === 'member_access_expression' ? field(node, 'expression')?.text : undefined;
    const method = name ? this.project.methodsNamed(name, owner)[0] : undefined;
    if (!method) return { marks: [], limits: [] };
    const methodFile = method.owner.file;
    const located = (attribute: CsAttribute): Location => locate(methodFile.source.file, attribute.node);
    return {
      marks: attributeMarks(this.project, methodFile, method.attributes, method.owner, located),
      limits: limitMarks(method.attributes, located),
      location: locate(methodFile.source.file, method.node),
    };
  }

  // ---- controllers ----------------------------------------------------------------------------------------

  isController(cls: CsClass): boolean {
    if (cls.node.type !== 'class_declaration' || cls.modifiers.includes('abstract') || cls.modifiers.includes('static')) return false;
    if (!cls.modifiers.includes('public')) return false;
    const chain = [cls, ...this.project.ancestors(cls).chain];
    if (chain.some((each) => each.attributes.some((attribute) => attribute.name === 'NonController'))) return false;
    if (cls.name.endsWith('Controller')) return true;
    if (chain.some((each) => each.attributes.some((attribute) => attribute.name === 'Controller' || attribute.name === 'ApiController'))) return true;
    // Ardalis.ApiEndpoints' EndpointBaseAsync.WithRequest<T>.WithActionResult<R> is an [ApiController] ControllerBase.
    if (/^\s*:?\s*EndpointBase(?:Async|Sync)?\b/.test(field(cls.node, 'bases')?.text ?? '')) return true;
    return this.project.inherits(cls, CONTROLLER_BASES);
  }

  controllers(): CollectedEndpoint[] {
    const out: CollectedEndpoint[] = [];
    const transform = this.config.tokenTransform;
    if (transform?.kind === 'unknown') this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file: transform.where.file, line: transform.where.line, message: 'RouteTokenTransformerConvention with a transformer apisec cannot evaluate: [controller]/[action] tokens are listed untransformed.' });
    for (const cls of this.files.flatMap((file) => file.classes)) {
      if (!this.isController(cls)) continue;
      const chain = [cls, ...this.project.ancestors(cls).chain];
      const classRoutes = chain.find((each) => each.attributes.some((attribute) => attribute.name === 'Route'))?.attributes.filter((attribute) => attribute.name === 'Route') ?? [];
      const area = chain.flatMap((each) => each.attributes).find((attribute) => attribute.name === 'Area');
      const controllerName = cls.name.replace(/Controller$/, '');
      const areaName = area ? this.project.stringValue(area.args[0]?.value, cls) : undefined;
      const classMarks = chain.flatMap((each) => attributeMarks(this.project, each.file, each.attributes, each, (attribute) => locate(each.file.source.file, attribute.node)));
      const classLimits = chain.flatMap((each) => limitMarks(each.attributes, (attribute) => locate(each.file.source.file, attribute.node)));
      const seenActions = new Set<string>();
      let conventional = 0;
      for (const owner of chain) {
        for (const method of owner.methods) {
          if (!method.modifiers.includes('public') || method.modifiers.includes('static') || method.modifiers.includes('abstract')) continue;
          if (method.attributes.some((attribute) => attribute.name === 'NonAction')) continue;
          const signature = `${method.name}/${method.parameters.length}`;
          if (seenActions.has(signature)) continue;
          seenActions.add(signature);
          const routes = this.actionRoutes(owner, method, classRoutes, controllerName, areaName);
          if (routes === undefined) {
            conventional += 1;
            continue;
          }
          const file = owner.file;
          const at = (attribute: CsAttribute): Location => locate(file.source.file, attribute.node);
          const marks = [...attributeMarks(this.project, file, method.attributes, owner, at), ...classMarks, ...this.controllerConventions.flatMap((group) => groupMarks(group))];
          const limits = [...limitMarks(method.attributes, at), ...classLimits, ...this.controllerConventions.flatMap((group) => groupLimits(group))];
          const { auth, authorization } = decide(this.config, marks, true);
          const rateLimit = decideLimit(this.config, limits);
          const location = locate(file.source.file, method.node);
          for (const route of routes) {
            const endpoint = makeEndpoint({ framework: FRAMEWORK, method: route.method, path: normaliseTemplate(joinRoute(this.config.pathBase, route.path)), location: owner === cls ? location : locate(cls.file.source.file, cls.node), auth, handler: location });
            if (authorization) endpoint.authorization = authorization;
            if (rateLimit) endpoint.rateLimit = rateLimit;
            this.name(endpoint, cls.file.source.file, false);
            out.push(endpoint);
          }
        }
      }
      if (conventional > 0 && this.controllerConventions.length > 0 && classRoutes.length === 0)
        this.diagnostics.push({ level: 'info', source: `collector:${FRAMEWORK}`, file: cls.file.source.file, line: cls.node.startPosition.row + 1, message: `${cls.name}: ${conventional} action(s) without attribute routes rely on conventional routing and are not listed.` });
    }
    return out;
  }

  /** Method+path pairs of an action, or undefined when it has no attribute route. */
  private actionRoutes(owner: CsClass, method: CsMethod, classRoutes: readonly CsAttribute[], controllerName: string, areaName: string | undefined): { method: string; path: string }[] | undefined {
    const actionNameAttr = method.attributes.find((attribute) => attribute.name === 'ActionName');
    const actionName = (actionNameAttr ? this.project.stringValue(actionNameAttr.args[0]?.value, owner) : undefined) ?? method.name.replace(/Async$/, '');
    const transform = (value: string): string => (this.config.tokenTransform?.kind === 'kebab' ? value.replace(/([a-z])([A-Z])/g, '$1-$2').toLowerCase() : value);
    const tokens = (template: string): string =>
      template.replace(/\[controller\]/gi, transform(controllerName)).replace(/\[action\]/gi, transform(actionName)).replace(/\[area\]/gi, transform(areaName ?? '[area]'));
    const verbTemplates: { method: string; template?: string }[] = [];
    const routeTemplates: string[] = [];
    for (const attribute of method.attributes) {
      const verb = VERB_ATTRIBUTES[attribute.name];
      const positional = attribute.args.find((arg) => arg.name === undefined || arg.name === 'template');
      if (verb) verbTemplates.push({ method: verb, ...(positional ? { template: this.project.stringValue(positional.value, owner) ?? '' } : {}) });
      else if (attribute.name === 'AcceptVerbs') {
        const route = attribute.args.find((arg) => arg.name === 'Route');
        const template = route ? this.project.stringValue(route.value, owner) : undefined;
        for (const arg of attribute.args.filter((each) => each.name === undefined)) {
          for (const value of this.project.stringList(arg.value, owner) ?? []) verbTemplates.push({ method: value.toUpperCase(), ...(template !== undefined ? { template } : {}) });
        }
      } else if (attribute.name === 'Route') routeTemplates.push(positional ? (this.project.stringValue(positional.value, owner) ?? '') : '');
    }
    const templated = verbTemplates.filter((each) => each.template !== undefined);
    const bare = verbTemplates.filter((each) => each.template === undefined);
    const methods = bare.length > 0 ? bare.map((each) => each.method) : verbTemplates.length === 0 ? ['ANY'] : [];
    const actionLevel: { method: string; template: string }[] = [
      ...templated.map((each) => ({ method: each.method, template: each.template ?? '' })),
      ...routeTemplates.flatMap((template) => (methods.length > 0 ? methods : ['ANY']).map((verb) => ({ method: verb, template }))),
    ];
    if (actionLevel.length === 0 && bare.length > 0) for (const verb of methods) actionLevel.push({ method: verb, template: '' });
    if (actionLevel.length === 0 && classRoutes.length > 0) actionLevel.push({ method: 'ANY', template: '' });
    if (classRoutes.length === 0 && templated.length === 0 && routeTemplates.length === 0) return undefined;
    const prefixes = classRoutes.length > 0 ? classRoutes.map((attribute) => this.project.stringValue(attribute.args.find((arg) => arg.name === undefined || arg.name === 'template')?.value, owner) ?? '') : [''];
    const out: { method: string; path: string }[] = [];
    for (const action of actionLevel) {
      const absolute = action.template.startsWith('/') || action.template.startsWith('~/');
      for (const prefix of absolute ? [''] : prefixes) out.push({ method: action.method, path: tokens(joinRoute(prefix, action.template)) });
    }
    return out;
  }

  minimal(): CollectedEndpoint[] {
    const out: CollectedEndpoint[] = [];
    for (const [index, route] of this.routes.entries()) {
      const groups: Group[] = [];
      for (let group: Group | undefined = route.group; group; group = group.parent) groups.unshift(group);
      const detached = groups.find((group) => group.detached)?.detached;
      const marks = [...route.marks, ...groups.flatMap((group) => group.marks)];
      const limits = [...route.limits, ...groups.flatMap((group) => group.limits)];
      const config = route.pipeline ? pipelineConfig(this.config, route) : this.config;
      const { auth, authorization } = decide(config, marks, false, detached);
      const rateLimit = decideLimit(this.config, limits);
      const path = normaliseTemplate(joinRoute(this.config.pathBase, ...groups.map((group) => group.prefix), route.path));
      for (const method of route.methods) {
        const endpoint = makeEndpoint({ framework: FRAMEWORK, method, path, location: route.at, auth, ...(route.handler ? { handler: route.handler } : {}) });
        if (route.generated) endpoint.sources = endpoint.sources.map((source) => ({ ...source, generated: true as const }));
        if (authorization) endpoint.authorization = authorization;
        if (rateLimit) endpoint.rateLimit = rateLimit;
        if (!this.fromLibrary.has(index)) this.name(endpoint, route.at.file, index < this.sweptFrom);
        out.push(endpoint);
      }
    }
    return out;
  }
}

/**
 * The configuration in front of middleware that answers by itself (`UseHealthChecks`): before UseAuthorization() the
 * fallback policy does not run for it (after it, it does: no endpoint means no metadata); project middleware added
 * later in the same file never sees its requests.
 */
function pipelineConfig(config: AppConfig, route: MinimalRoute): AppConfig {
  const copy = { ...config, customMiddleware: config.customMiddleware.filter((middleware) => middleware.where.file !== route.at.file || middleware.where.line < route.at.line) };
  if (route.pipeline === 'before-authorization') delete copy.fallback;
  return copy;
}

/** `"GET"` or ASP.NET Core's `HttpMethods.Get` constant. */
function httpMethodName(text: string): string | undefined {
  const literal = /^"([A-Za-z]+)"$/.exec(text);
  if (literal) return literal[1]?.toUpperCase();
  const constant = /^(?:Microsoft\.AspNetCore\.Http\.)?HttpMethods\.(Get|Post|Put|Delete|Patch|Head|Options|Trace|Connect)$/.exec(text);
  return constant?.[1]?.toUpperCase();
}

function groupMarks(group: Group): AuthMark[] {
  const out: AuthMark[] = [];
  for (let current: Group | undefined = group; current; current = current.parent) out.push(...current.marks);
  return out;
}

function groupLimits(group: Group): LimitMark[] {
  const out: LimitMark[] = [];
  for (let current: Group | undefined = group; current; current = current.parent) out.push(...current.limits);
  return out;
}

const ENTRY = /\bWebApplication\.Create(?:Builder|SlimBuilder|EmptyBuilder)?\s*\(|\bUseStartup\s*<|\bclass\s+Startup\b/;
/** The file that builds and runs the host (Program.cs), rather than the Startup class it names. */
const HOST = /\bWebApplication\.Create(?:Builder|SlimBuilder|EmptyBuilder)?\s*\(|\bUseStartup\s*<|\bCreateDefaultBuilder\s*\(|\bnew\s+(?:Web)?HostBuilder\s*\(/;

function directoryOf(file: string): string {
  const index = file.lastIndexOf('/');
  return index < 0 ? '' : file.slice(0, index);
}

function inDirectory(file: string, dir: string): boolean {
  return dir === '' || file.startsWith(`${dir}/`);
}

/**
 * One scope per application: the directory of a file that creates the host (Program.cs, Startup.cs) holds
 * the application; files outside every application directory are shared libraries. An application's
 * configuration is read from its own files and from the library methods it calls (AddDefaultAuthentication-style).
 */
function applications(project: CsProject): { files: CsFile[]; configRoots: { file: CsFile; node: Node }[]; host?: { file: string; dir: string } }[] {
  const entries = project.files.filter((file) => ENTRY.test(file.source.text));
  const dirs = [...new Set(entries.map((file) => directoryOf(file.source.file)))].sort((a, b) => b.length - a.length);
  // The application's name: the file of its directory that builds the host (Program.cs), else its Startup class's.
  const hosts = new Map<string, string>();
  const ranked = entries.map((file) => ({ file: file.source.file, builds: HOST.test(file.source.text) }));
  for (const { file } of ranked.sort((a, b) => Number(b.builds) - Number(a.builds) || (a.file < b.file ? -1 : 1))) {
    const dir = directoryOf(file);
    if (!hosts.has(dir)) hosts.set(dir, file);
  }
  const inDir = (file: CsFile, dir: string): boolean => inDirectory(file.source.file, dir);
  // Each file's application directory, found once (a scan of every file per application was quadratic in a unit's apps).
  const byOwner = new Map<string | undefined, CsFile[]>();
  for (const file of project.files) {
    const dir = dirs.find((each) => inDir(file, each));
    const list = byOwner.get(dir);
    if (list) list.push(file);
    else byOwner.set(dir, [file]);
  }
  const libraries = byOwner.get(undefined) ?? [];
  const host = (dir: string | undefined): { host?: { file: string; dir: string } } => {
    const file = dir === undefined ? undefined : hosts.get(dir);
    return file === undefined || dir === undefined ? {} : { host: { file, dir } };
  };
  if (dirs.length <= 1) return [{ files: project.files, configRoots: project.files.map((file) => ({ file, node: file.source.tree.rootNode })), ...host(dirs[0]) }];
  const scopes = dirs.map((dir) => {
    const files = byOwner.get(dir) ?? [];
    const called = new Set<string>();
    for (const file of files) {
      walk(file.source.tree.rootNode, (node) => {
        const parts = invocationParts(node);
        if (parts) called.add(parts.name);
        return true;
      });
    }
    const libraryMethods = libraries.flatMap((file) => file.classes.flatMap((cls) => cls.methods.filter((method) => called.has(method.name)).map((method) => ({ file, node: method.node }))));
    return { files, configRoots: [...files.map((file) => ({ file, node: file.source.tree.rootNode })), ...libraryMethods], ...host(dir) };
  });
  if (libraries.length > 0) scopes.push({ files: libraries, configRoots: libraries.map((file) => ({ file, node: file.source.tree.rootNode })) });
  return scopes;
}

export const aspnetcoreCollector: CodeCollector = {
  id: FRAMEWORK,
  languages: ['csharp'],
  enablers: ['Microsoft.AspNetCore.App', 'Microsoft.NET.Sdk.Web'],
  isEnabled(_project, sources) {
    return sources.some((source) => source.language === 'csharp' && /\bMicrosoft\.AspNetCore\b|\bWebApplication\.Create|\bControllerBase\b|\[ApiController\]/.test(source.text));
  },
  collect(sources) {
    const project = csProjectOf(sources, true);
    const endpoints: CollectedEndpoint[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const app of applications(project)) {
      const collector = new Collector(project, app.files, app.configRoots, app.host);
      collector.run();
      endpoints.push(...collector.controllers(), ...collector.minimal());
      diagnostics.push(...collector.diagnostics);
    }
    const kept = new Map<string, number>();
    const unique: CollectedEndpoint[] = [];
    for (const endpoint of endpoints) {
      const location = endpoint.sources[0]?.location;
      const key = `${endpoint.method} ${endpoint.path} ${location?.file ?? ''}:${location?.line ?? 0}`;
      const at = kept.get(key);
      const current = at === undefined ? undefined : unique[at];
      if (at === undefined || current === undefined) {
        kept.set(key, unique.length);
        unique.push(endpoint);
      } else if (endpoint.appFile !== undefined && (current.appFile === undefined || endpoint.appFile < current.appFile)) {
        // A shared library's route several applications map (`app.MapDefaultEndpoints()`) is listed once, as the
        // application whose host sorts first maps it: the same whether the applications are analysed together or apart.
        unique[at] = endpoint;
      }
    }
    return { endpoints: sortEndpoints(unique), diagnostics };
  },
};
