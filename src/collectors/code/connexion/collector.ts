import { posix } from 'node:path';
import {
  effectiveSecurity,
  entries,
  get,
  getObject,
  HTTP_METHODS,
  isObject,
  objectNode,
  parameters as specParameters,
  securitySchemes,
  stringAt,
  type Operation,
} from '../../../analysis/openapi.js';
import type { JsonObject, SourceFile, SpecDocument, SpecNode } from '../../../engine/context.js';
import type { AuthEvidence, AuthMechanism, Diagnostic, Location, Parameter, ParamSource } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { callArgs, calleeName, decoratorsOf, field, lastSegment, unwrap, walk } from '../python/ast.js';
import { makeEndpoint, pythonEnabled, sortEndpoints } from '../python/endpoint.js';
import { analyseBody, classifyDecorator, decide, decoratorGuard, locate, UNKNOWN, UNPROTECTED, type Guard } from '../python/guards.js';
import { pythonIndex, type PyIndex, type PyModule, type Resolved } from '../python/project.js';
import { lookupTable } from '../../../analysis/lookup.js';
import { pyValues } from '../python/values.js';
import { docsOptions, specFiles } from './options.js';
import { specCopyFiles } from '../../spec/copies.js';

const ID = 'connexion';
const APP_CLASSES = new Set(['App', 'FlaskApp', 'AsyncApp', 'AioHttpApp']);
const METHOD_RESOLVERS = new Set(['MethodResolver', 'MethodViewResolver']);

interface ConnexionApp {
  key: string;
  module: PyModule;
  /** `specification_dir`; undefined when it is not a constant. */
  specDir: string | undefined;
  /** The constructor call, for its Swagger UI options. */
  call: Node;
}

type Resolver =
  | { kind: 'default' }
  | { kind: 'relative'; root: string }
  /** `RestyResolver`; `views` for `MethodResolver` / `MethodViewResolver` (`api.pets.PetsView.get`). */
  | { kind: 'resty'; module: string; collection: string; views?: 'method' | 'view' }
  /** Operations with an `operationId` resolve as usual; the others are named by code we do not model. */
  | { kind: 'partial'; name: string }
  | { kind: 'custom'; name: string };

/** What a dotted name (`operationId`, `x-bearerInfoFunc`) designates in the project. */
type Target =
  | { kind: 'function'; module: PyModule; node: Node }
  /** Resolves, but to a class, instance, alias or wrapper whose call cannot be followed. */
  | { kind: 'opaque'; detail: string }
  /** The package is the project's, the attribute is not there: connexion fails to import it. */
  | { kind: 'missing' }
  /** Outside the project (an installed package). */
  | { kind: 'external' };

interface SchemeVerdict {
  verified: boolean;
  mechanism: AuthMechanism;
  detail: string;
  where?: Location;
}

class ConnexionScan {
  readonly diagnostics: Diagnostic[] = [];
  private readonly apps = new Map<string, ConnexionApp>();
  private readonly local = new Map<string, Map<string, ConnexionApp>>();
  private readonly schemeMemo = new Map<string, SchemeVerdict>();

  constructor(
    private readonly index: PyIndex,
    private readonly specs: readonly SpecDocument[],
  ) {}

  run(): CollectedEndpoint[] {
    const modules = this.index.modules.filter((module) => module.source.text.includes('connexion'));
    for (const module of modules) this.findApps(module);
    const out: CollectedEndpoint[] = [];
    for (const module of this.index.modules) {
      if (!module.source.text.includes('add_api')) continue;
      for (const call of this.index.nodes(module).calls) {
        const fn = field(call, 'function');
        if (fn?.type !== 'attribute' || field(fn, 'attribute')?.text !== 'add_api') continue;
        const object = field(fn, 'object');
        const app = object ? this.appFor(module, object) : undefined;
        if (app) out.push(...this.addApi(app, module, call));
      }
    }
    return out;
  }

  private findApps(module: PyModule): void {
    const local = new Map<string, ConnexionApp>();
    this.local.set(module.source.file, local);
    for (const node of this.index.nodes(module).assignments) {
      const left = field(node, 'left');
      const right = field(node, 'right');
      if (left?.type !== 'identifier' || !right) continue;
      const app = this.constructed(module, unwrap(right));
      if (app) local.set(left.text, app);
    }
  }

  /** `connexion.App(__name__, specification_dir=…)` and its siblings, imported from connexion. */
  private constructed(module: PyModule, value: Node): ConnexionApp | undefined {
    if (value.type !== 'call') return undefined;
    const fn = field(value, 'function');
    if (!fn || !APP_CLASSES.has(lastSegment(calleeName(value) ?? ''))) return undefined;
    const resolved = this.index.resolveExpr(module, fn);
    if (resolved?.kind !== 'external' || !/^connexion(\.|$)/.test(resolved.qualified)) return undefined;
    const key = `${module.source.file}:${value.startIndex}`;
    const known = this.apps.get(key);
    if (known) return known;
    const specDirNode = callArgs(value).keywords.get('specification_dir');
    const specDir = specDirNode ? this.index.evalString(module, specDirNode) : '';
    const app: ConnexionApp = { key, module, specDir, call: value };
    this.apps.set(key, app);
    return app;
  }

  private appFor(module: PyModule, expression: Node): ConnexionApp | undefined {
    const target = unwrap(expression);
    if (target.type === 'call') return this.constructed(module, target);
    if (target.type === 'identifier') {
      const found = this.local.get(module.source.file)?.get(target.text);
      if (found) return found;
    }
    const resolved = this.index.resolveExpr(module, target);
    if (resolved?.kind !== 'value') return undefined;
    return this.constructed(resolved.module, unwrap(resolved.node));
  }

  private addApi(app: ConnexionApp, module: PyModule, call: Node): CollectedEndpoint[] {
    const args = callArgs(call);
    const specNode = args.keywords.get('specification') ?? args.positional[0];
    const direct = specNode ? this.index.evalString(module, specNode) : undefined;
    // `add_api(parser.specification)` of a parser or loader given a path constant: the file it read.
    const specNames = direct !== undefined ? [direct] : specNode ? specFiles(this.index, module, specNode) : [];
    if (specNames.length === 0) {
      this.diagnose(module, call, '`add_api` names its specification with an expression that cannot be resolved statically; its operations are not listed from code.');
      return [];
    }
    const doc = specNames.map((name) => this.findSpec(app, name)).find((found) => found !== undefined);
    if (!doc) {
      this.diagnose(module, call, `\`add_api\` loads \`${specNames.join('`, `')}\`, which is not among the OpenAPI documents found in the workspace; its operations are not listed from code.`);
      return [];
    }
    const resolver = this.resolver(module, args.keywords.get('resolver'));
    const where = locate(module, call);
    const docs = docsOptions(this.index, [{ module: app.module, call: app.call }, { module, call }]);
    const out: CollectedEndpoint[] = [];
    for (const basePath of this.basePaths(module, call, doc)) {
      for (const op of specOperations(doc)) {
        const endpoint = this.operation(app, doc, op, basePath, resolver, where);
        if (endpoint) out.push(endpoint);
      }
      // connexion's own routes for this API: Swagger UI and the specification, served without authentication.
      const generated: [boolean, string, string][] = [
        [docs.ui, '/ui/', 'connexion serves its Swagger UI without authentication'],
        [docs.spec, doc.format === 'swagger-2.0' ? '/swagger.json' : '/openapi.json', 'connexion serves the specification without authentication'],
      ];
      for (const [on, path, detail] of generated) {
        if (!on) continue;
        const endpoint = makeEndpoint({ framework: ID, method: 'GET', path: joinPath(basePath, path), location: where, auth: { state: 'public', mechanisms: ['none'], scope: 'route', detail, where }, appFile: app.module.source.file });
        endpoint.sources = endpoint.sources.map((source) => ({ ...source, generated: true }));
        out.push(endpoint);
      }
    }
    return out;
  }

  /** connexion reads the spec from `specification_dir`, relative to the app's module, or as given. */
  private findSpec(app: ConnexionApp, specName: string): SpecDocument | undefined {
    const appDir = posix.dirname(app.module.source.file);
    const candidates: string[] = [];
    if (app.specDir !== undefined && !app.specDir.startsWith('/')) candidates.push(posix.join(appDir, app.specDir, specName));
    candidates.push(posix.join(appDir, specName), posix.normalize(specName));
    for (const candidate of candidates) {
      // A generated JSON copy (`openapi.json` beside `api.spec.yaml`) is audited as the copy kept.
      const found = this.specs.find((doc) => doc.file === candidate) ?? this.specs.find((doc) => specCopyFiles(doc).includes(candidate));
      if (found) return found;
    }
    // `specification_dir` built at run time (`os.path.join(basedir, "openapi")`): accept a single file of that name.
    const tail = `/${posix.normalize(specName).replace(/^(\.\.\/)+/, '')}`;
    const bySuffix = this.specs.filter((doc) => `/${doc.file}`.endsWith(tail));
    return bySuffix.length === 1 ? bySuffix[0] : undefined;
  }

  /** Every base path `add_api` is given (`for api_url in config.api_urls: app.add_api(..., base_path=api_url)`). */
  private basePaths(module: PyModule, call: Node, doc: SpecDocument): string[] {
    const node = callArgs(call).keywords.get('base_path');
    if (node && unwrap(node).type !== 'none') {
      const value = this.index.evalString(module, node);
      if (value !== undefined) return [value];
      const values = pyValues(this.index).strings({ module, node });
      if (values.length > 0) return values;
      this.diagnose(module, call, '`add_api` is given a `base_path` that cannot be resolved statically; the specification\'s own base path is used instead.');
    }
    return [specBasePath(doc)];
  }

  private resolver(module: PyModule, node: Node | undefined): Resolver {
    if (!node || unwrap(node).type === 'none') return { kind: 'default' };
    const target = unwrap(node);
    const name = target.type === 'call' ? (calleeName(target) ?? target.text) : target.text;
    const cls = lastSegment(name);
    const args = target.type === 'call' ? callArgs(target) : undefined;
    const first = args ? (args.keywords.get('default_module_name') ?? args.keywords.get('root_path') ?? args.positional[0]) : undefined;
    const root = first ? this.index.evalString(module, first) : undefined;
    if (cls === 'RelativeResolver') return root === undefined ? { kind: 'custom', name } : { kind: 'relative', root };
    if ((cls === 'RestyResolver' || METHOD_RESOLVERS.has(cls)) && args) {
      const collectionNode = args.keywords.get('collection_endpoint_name');
      const collection = collectionNode && cls === 'RestyResolver' ? this.index.evalString(module, collectionNode) : 'search';
      if (root === undefined || collection === undefined) return { kind: 'partial', name };
      const views = cls === 'MethodViewResolver' ? 'view' : cls === 'MethodResolver' ? 'method' : undefined;
      return { kind: 'resty', module: root, collection, ...(views ? { views } : {}) };
    }
    if (cls === 'Resolver' && args?.positional.length === 0 && args.keywords.size === 0) return { kind: 'default' };
    return { kind: 'custom', name };
  }

  private operation(app: ConnexionApp, doc: SpecDocument, op: Operation, basePath: string, resolver: Resolver, addApi: Location): CollectedEndpoint | undefined {
    const operationId = stringAt(op.node, 'operationId');
    const controller =
      stringAt(op.node, 'x-openapi-router-controller') ??
      stringAt(op.pathItem, 'x-openapi-router-controller') ??
      stringAt(op.node, 'x-swagger-router-controller') ??
      stringAt(op.pathItem, 'x-swagger-router-controller');
    const label = `${op.method.toUpperCase()} ${op.path}`;
    let names: string[] = [];
    let unresolved: string | undefined;
    if (resolver.kind === 'custom') unresolved = `\`${resolver.name}\` maps operations to functions in a way that is not modelled`;
    else if (operationId !== undefined) {
      const owner = controller ?? (resolver.kind === 'relative' ? resolver.root : undefined);
      names = [owner === undefined ? operationId : `${owner}.${operationId}`];
    } else if (resolver.kind === 'resty') names = restyNames(resolver, op, controller);
    else if (resolver.kind === 'partial') unresolved = `\`${resolver.name}\` derives the handler's name from the path`;
    else {
      this.diagnoseSpec(doc, op, `${label} has no \`operationId\`, so the resolver cannot name a handler for it; connexion refuses to start, and the operation is listed from the specification only.`);
      return undefined;
    }

    let handler: { module: PyModule; node: Node } | undefined;
    const [firstName] = names;
    if (firstName !== undefined) {
      const targets = names.map((name) => resolveDotted(this.index, name));
      const target = targets.find((candidate) => candidate.kind === 'function') ?? targets[0] ?? { kind: 'missing' };
      if (target.kind === 'function') handler = target;
      else if (target.kind === 'missing') {
        this.diagnoseSpec(doc, op, `${label} is handled by \`${firstName}\`, which is not defined in the project; the operation is listed from the specification only.`);
        return undefined;
      } else unresolved = target.kind === 'opaque' ? target.detail : `the handler \`${firstName}\` is outside the project`;
    }

    const auth = handler ? this.auth(doc, op, handler) : UNKNOWN(`${unresolved ?? 'the handler is not resolved'}, so what serves ${label} cannot be confirmed`);
    const summary = stringAt(op.node, 'summary') ?? stringAt(op.pathItem, 'summary');
    const tags = Array.isArray(op.node.value.tags) ? op.node.value.tags.filter((tag): tag is string => typeof tag === 'string') : [];
    return makeEndpoint({
      framework: ID,
      method: op.method.toUpperCase(),
      path: joinPath(basePath, op.path),
      location: handler ? locate(handler.module, handler.node) : addApi,
      auth,
      parameters: parametersOf(op),
      appFile: app.module.source.file,
      deprecated: op.node.value.deprecated === true,
      ...(handler ? { handler: locate(handler.module, handler.node) } : {}),
      ...(operationId !== undefined ? { operationId } : {}),
      ...(summary !== undefined ? { summary } : {}),
      tags,
    });
  }

  /**
   * connexion enforces the spec's security itself, but only through the scheme's `x-*InfoFunc`:
   * a requirement counts as protection only where that function resolves in the project.
   */
  private auth(doc: SpecDocument, op: Operation, handler: { module: PyModule; node: Node }): AuthEvidence {
    const spec = this.specAuth(doc, op);
    // Decorators on the handler (`@requires_role`) run after connexion's own checks and can only add protection.
    const guards = decoratorsOf(handler.node).flatMap((decorator) =>
      decoratorGuard(classifyDecorator(this.index, handler.module, decorator), locate(handler.module, decorator), 'route'),
    );
    if (guards.length === 0) return spec;
    if (spec.state === 'unprotected') return decide(guards, spec);
    const fromSpec: Guard = {
      kind: spec.state === 'public' ? 'public' : spec.state,
      mechanisms: spec.mechanisms,
      detail: spec.detail ?? '',
      where: spec.where ?? locate(handler.module, handler.node),
      scope: spec.scope ?? 'route',
      ...(spec.scopes ? { scopes: spec.scopes } : {}),
    };
    return decide([fromSpec, ...guards], spec);
  }

  private specAuth(doc: SpecDocument, op: Operation): AuthEvidence {
    const security = effectiveSecurity(op);
    const at = security.node ? doc.locate(security.node) : undefined;
    if (security.requirements.length === 0) {
      if (security.declaredAt === 'operation') {
        return { state: 'public', mechanisms: ['none'], scope: 'route', detail: '`security: []` opts the operation out of authentication', ...(at ? { where: at } : {}) };
      }
      return UNPROTECTED(security.declaredAt === 'global' ? 'the specification\'s global `security` is empty' : 'the specification declares no security requirement for this operation');
    }
    if (security.requirements.some((requirement) => Object.keys(requirement).length === 0)) {
      return { state: 'public', mechanisms: ['none'], scope: security.declaredAt === 'operation' ? 'route' : 'app', detail: 'an empty security requirement `{}` allows anonymous access', ...(at ? { where: at } : {}) };
    }
    const schemes = securitySchemes(doc);
    const verified: SchemeVerdict[] = [];
    const scopes = new Set<string>();
    for (const requirement of security.requirements) {
      const verdicts = Object.keys(requirement).map((name) => this.scheme(doc, schemes, name));
      // In an AND requirement one verified scheme is enough: connexion runs every function it has.
      const passing = verdicts.filter((verdict) => verdict.verified);
      if (passing.length === 0) {
        const first = verdicts[0];
        return UNKNOWN(first ? first.detail : 'the security requirement names no scheme');
      }
      verified.push(...passing);
      for (const list of Object.values(requirement)) for (const scope of list) scopes.add(scope);
    }
    const first = verified[0];
    return {
      state: 'protected',
      mechanisms: [...new Set(verified.map((verdict) => verdict.mechanism))].sort(),
      scope: security.declaredAt === 'operation' ? 'route' : 'app',
      detail: [...new Set(verified.map((verdict) => verdict.detail))].join('; '),
      ...(first?.where ? { where: first.where } : {}),
      ...(scopes.size > 0 ? { scopes: [...scopes].sort() } : {}),
    };
  }

  private scheme(doc: SpecDocument, schemes: Map<string, SpecNode<JsonObject>>, name: string): SchemeVerdict {
    const key = `${doc.file}\u0000${name}`;
    const cached = this.schemeMemo.get(key);
    if (cached) return cached;
    const verdict = this.judgeScheme(schemes.get(name), name);
    this.schemeMemo.set(key, verdict);
    return verdict;
  }

  private judgeScheme(scheme: SpecNode<JsonObject> | undefined, name: string): SchemeVerdict {
    if (!scheme) return { verified: false, mechanism: 'unknown', detail: `\`${name}\` is not a declared security scheme` };
    const mechanism = mechanismOf(scheme.value);
    const extension = infoExtension(scheme.value);
    if (extension === undefined) return { verified: false, mechanism, detail: `connexion does not verify the \`${name}\` scheme's type` };
    const funcName = stringAt(scheme, extension);
    if (funcName === undefined) {
      if (extension === 'x-tokenInfoFunc' && stringAt(scheme, 'x-tokenInfoUrl') !== undefined) {
        return { verified: false, mechanism, detail: `the \`${name}\` scheme sends tokens to \`x-tokenInfoUrl\`, whose answer cannot be checked here` };
      }
      return { verified: false, mechanism, detail: `the \`${name}\` scheme has no \`${extension}\`: connexion then depends on an environment variable or skips the scheme` };
    }
    const target = resolveDotted(this.index, funcName);
    if (target.kind !== 'function') {
      const why = target.kind === 'external' ? 'is outside the project' : target.kind === 'missing' ? 'is not defined in the project' : 'cannot be followed';
      return { verified: false, mechanism, detail: `\`${extension}: ${funcName}\` of the \`${name}\` scheme ${why}` };
    }
    if (acceptsAnything(target.node)) {
      return { verified: false, mechanism, detail: `\`${funcName}\` (\`${extension}\` of \`${name}\`) returns a value for every credential without checking it` };
    }
    const decodesJwt = mechanism === 'oauth2' && stringAt(scheme, 'scheme')?.toLowerCase() === 'bearer' && analyseBody(this.index, target.module, target.node).mechanisms.has('jwt');
    return {
      verified: true,
      mechanism: decodesJwt ? 'jwt' : mechanism,
      detail: `the \`${name}\` scheme is verified by \`${funcName}\` (\`${extension}\`)`,
      where: locate(target.module, target.node),
    };
  }

  private diagnose(module: PyModule, node: Node, message: string): void {
    this.diagnostics.push({ level: 'info', file: module.source.file, line: node.startPosition.row + 1, message, source: `collector:${ID}` });
  }

  private diagnoseSpec(doc: SpecDocument, op: Operation, message: string): void {
    this.diagnostics.push({ level: 'info', file: op.node.file, line: doc.lineOf(op.node.pointer, op.node.file), message, source: `collector:${ID}` });
  }
}

function specOperations(doc: SpecDocument): Operation[] {
  const out: Operation[] = [];
  const root: SpecNode = { value: doc.root, file: doc.file, pointer: '' };
  for (const [path, item] of entries(doc, doc.child(root, 'paths'))) {
    const pathItem = objectNode(item);
    if (!pathItem) continue;
    for (const method of HTTP_METHODS) {
      const node = getObject(doc, pathItem, method);
      if (node) out.push({ doc, path, method, node, pathItem, isWebhook: false, endpoint: undefined });
    }
  }
  return out;
}

/** Without `base_path`, connexion serves under the first server's path (2.0: `basePath`). */
function specBasePath(doc: SpecDocument): string {
  if (doc.format === 'swagger-2.0') return typeof doc.root.basePath === 'string' ? doc.root.basePath : '';
  const servers = doc.root.servers;
  const first = Array.isArray(servers) ? servers[0] : undefined;
  if (!isObject(first) || typeof first.url !== 'string') return '';
  const variables = isObject(first.variables) ? first.variables : {};
  const url = first.url.replace(/\{([^}]+)\}/g, (whole, name: string) => {
    const variable = variables[name];
    return isObject(variable) && typeof variable.default === 'string' ? variable.default : whole;
  });
  const path = url.replace(/^[a-z][a-z0-9+.-]*:\/\/[^/]*/i, '');
  return path.startsWith('/') ? path : '';
}

function joinPath(base: string, path: string): string {
  const prefix = base.replace(/\/+$/, '');
  return prefix === '' ? path : `${prefix.startsWith('/') ? '' : '/'}${prefix}${path.startsWith('/') ? '' : '/'}${path}`;
}

/**
 * RestyResolver names: connexion 3 joins every literal segment (`/pets/{id}/photos` → `api.pets.photos.get`),
 * connexion 2 only the first (`api.pets.get`); both are tried, in that order.
 */
function restyNames(resolver: { module: string; collection: string; views?: 'method' | 'view' }, op: Operation, controller: string | undefined): string[] {
  const segments = op.path.split('/').filter((segment) => segment !== '');
  const isVar = (segment: string): boolean => segment.startsWith('{') && segment.endsWith('}');
  const last = segments[segments.length - 1];
  const literal = segments.filter((segment) => !isVar(segment));
  const firstSegment = /^\/?([\w-]*)(\/*)(.*)$/.exec(op.path);
  const v2Resource = firstSegment?.[1] ?? '';
  const candidates = [
    { resource: literal.join('.').replace(/-/g, '_'), collection: literal.length > 0 && last !== undefined && !isVar(last) },
    { resource: v2Resource.replace(/-/g, '_'), collection: v2Resource !== '' && (firstSegment?.[3] ?? '') === '' },
  ];
  const names = candidates.map(({ resource, collection }) => {
    const module = controller ?? (resource === '' ? resolver.module : `${resolver.module}.${resource}`);
    const fn = op.method === 'get' && collection ? resolver.collection : op.method;
    if (!resolver.views) return `${module}.${fn}`;
    // MethodResolver: `module.ResourceView.fn`; MethodViewResolver dispatches on the HTTP method.
    const dot = module.lastIndexOf('.');
    const view = `${camelize(module.slice(dot + 1))}View`;
    return `${module.slice(0, Math.max(dot, 0))}.${view}.${resolver.views === 'view' ? op.method : fn}`;
  });
  return [...new Set(names)];
}

function camelize(name: string): string {
  return name.replace(/(?:^|_)(.)/g, (_whole, letter: string) => letter.toUpperCase());
}

/** Follows a dotted name the way connexion imports it: the longest importable module, then attributes. */
function resolveDotted(index: PyIndex, name: string): Target {
  const parts = name.split('.');
  if (parts.length < 2 || parts.some((part) => part === '')) return { kind: 'missing' };
  for (let cut = parts.length - 1; cut >= 1; cut--) {
    const module = index.resolveModule(parts.slice(0, cut).join('.'));
    if (!module) continue;
    let current: Resolved | undefined = { kind: 'module', module };
    for (const attribute of parts.slice(cut)) {
      current = member(index, current, attribute);
      if (!current) return { kind: 'missing' };
    }
    if (current.kind === 'external') return { kind: 'external' };
    if (current.kind === 'def' && current.node.type === 'function_definition') return { kind: 'function', module: current.module, node: current.node };
    return { kind: 'opaque', detail: `\`${name}\` is not a plain function` };
  }
  const top = `.${parts[0] ?? ''}.`;
  return index.modules.some((module) => `.${module.name}.`.includes(top)) ? { kind: 'missing' } : { kind: 'external' };
}

function member(index: PyIndex, owner: Resolved, attribute: string): Resolved | undefined {
  if (owner.kind === 'external') return { kind: 'external', qualified: `${owner.qualified}.${attribute}` };
  if (owner.kind === 'module') {
    const inner = index.resolveName(owner.module, attribute);
    if (inner) return inner;
    const submodule = index.resolveModule(`${owner.module.name}.${attribute}`, owner.module);
    return submodule ? { kind: 'module', module: submodule } : undefined;
  }
  const cls = index.classBehind(owner);
  return cls ? index.classMember(cls.module, cls.node, attribute) : undefined;
}

function infoExtension(scheme: JsonObject): string | undefined {
  const type = typeof scheme.type === 'string' ? scheme.type.toLowerCase() : '';
  const httpScheme = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : '';
  if (type === 'oauth2' || type === 'openidconnect') return 'x-tokenInfoFunc';
  if (type === 'basic' || (type === 'http' && httpScheme === 'basic')) return 'x-basicInfoFunc';
  if (type === 'http' && httpScheme === 'bearer') return 'x-bearerInfoFunc';
  if (type === 'apikey') return 'x-apikeyInfoFunc';
  return undefined;
}

/** As the OpenAPI collector reads schemes, so merged endpoints agree on the mechanism. */
function mechanismOf(scheme: JsonObject): AuthMechanism {
  const type = typeof scheme.type === 'string' ? scheme.type.toLowerCase() : '';
  if (type === 'http') {
    const name = typeof scheme.scheme === 'string' ? scheme.scheme.toLowerCase() : '';
    if (name === 'basic' || name === 'digest') return 'basic';
    if (name === 'bearer') return typeof scheme.bearerFormat === 'string' && /jwt/i.test(scheme.bearerFormat) ? 'jwt' : 'oauth2';
    return 'unknown';
  }
  if (type === 'basic') return 'basic';
  if (type === 'apikey') return scheme.in === 'cookie' ? 'session' : 'api-key';
  if (type === 'oauth2') return 'oauth2';
  if (type === 'openidconnect') return 'openid';
  return 'unknown';
}

const DECIDING = new Set(['if_statement', 'try_statement', 'raise_statement', 'conditional_expression', 'call', 'match_statement', 'assert_statement', 'boolean_operator', 'comparison_operator', 'while_statement', 'for_statement', 'with_statement']);

/** `def check(token): return {"sub": "admin"}`: an info function that never looks at the credential. */
function acceptsAnything(fn: Node): boolean {
  const body = field(fn, 'body');
  if (!body) return false;
  const seen = { decides: false, returnsValue: false };
  walk(body, (node) => {
    if (DECIDING.has(node.type)) seen.decides = true;
    if (node.type === 'return_statement') {
      const value = node.firstNamedChild;
      if (!value || value.type === 'none') seen.decides = true;
      else seen.returnsValue = true;
    }
    return !seen.decides;
  });
  return !seen.decides && seen.returnsValue;
}

const PARAM_SOURCES: Record<string, ParamSource> = lookupTable({ path: 'path', query: 'query', header: 'header', cookie: 'cookie', formData: 'form' });

function parametersOf(op: Operation): Parameter[] {
  const out: Parameter[] = [];
  for (const param of specParameters(op)) {
    const name = stringAt(param, 'name');
    const where = stringAt(param, 'in');
    if (name === undefined || where === undefined) continue;
    if (where === 'body') {
      out.push(...bodyProperties(op.doc, get(op.doc, param, 'schema')));
      continue;
    }
    const source = PARAM_SOURCES[where];
    if (!source) continue;
    const schema = objectNode(get(op.doc, param, 'schema')) ?? param;
    const type = stringAt(schema, 'type');
    out.push({ name, in: source, ...(param.value.required === true ? { required: true } : {}), ...(type !== undefined ? { type } : {}) });
  }
  const content = getObject(op.doc, getObject(op.doc, op.node, 'requestBody'), 'content');
  const media = content ? (entries(op.doc, content).find(([type]) => type.includes('json')) ?? entries(op.doc, content)[0]) : undefined;
  if (media) out.push(...bodyProperties(op.doc, get(op.doc, media[1], 'schema')));
  return out;
}

function bodyProperties(doc: SpecDocument, schema: SpecNode | undefined): Parameter[] {
  const object = objectNode(schema);
  if (!object) return [];
  const required = Array.isArray(object.value.required) ? object.value.required : [];
  return entries(doc, doc.child(object, 'properties')).map(([name, property]): Parameter => {
    const type = stringAt(property, 'type');
    return { name, in: 'body', ...(required.includes(name) ? { required: true } : {}), ...(type !== undefined ? { type } : {}) };
  });
}

export const connexionCollector: CodeCollector = {
  id: ID,
  languages: ['python'],
  enablers: ['connexion'],
  isEnabled: (project, sources) =>
    (project.dependencies.pypi ?? []).includes('connexion') || pythonEnabled(project, sources, [ID], /^\s*(from|import)\s+connexion\b/m),
  collect(sources: readonly SourceFile[], _project, specs = []) {
    const scan = new ConnexionScan(pythonIndex(sources), specs);
    return { endpoints: sortEndpoints(scan.run()), diagnostics: scan.diagnostics };
  },
};
