import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import type { SourceFile } from '../../../engine/context.js';
import type { Diagnostic, EvidenceScope } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import {
  assignmentsIn,
  bodyOf,
  callArgs,
  calleeName,
  decoratorsOf,
  elements,
  field,
  kids,
  lastSegment,
  literalString,
  methodsOf,
  stringList,
  superclassNodes,
  unwrap,
  walk,
} from '../python/ast.js';
import { makeEndpoint, pythonEnabled, sortEndpoints } from '../python/endpoint.js';
import { UNKNOWN, UNPROTECTED, classifyDecorator, decide, decoratorGuard, hookGuard, locate, type Guard } from '../python/guards.js';
import { flaskJoin, normaliseAnglePath } from '../python/paths.js';
import { pythonIndex, type Bound, type PyIndex, type PyModule } from '../python/project.js';
import { prefixValues, registeredAlternatives } from '../python/registrations.js';
import { nodesOfTypeIn, parentOf } from '../../../parsing/tree-index.js';

const ID = 'flask';
const HTTP_METHODS = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const GRAPHQL_VIEWS = new Set(['GraphQLView', 'AsyncGraphQLView']);
const CONTAINER_CLASSES = new Set(['Flask', 'Blueprint', 'Api', 'Namespace', 'APIFairy']);
const VERBS = ['register_blueprint', 'add_url_rule', 'add_resource', 'add_namespace', 'init_app', 'before_request', 'add_api'];

type Kind = 'app' | 'blueprint' | 'api' | 'namespace' | 'apifairy';

interface Registration {
  parent: Container;
  /** Prefix given at registration; undefined keeps the child's own. */
  prefix: string | undefined;
}

const REGISTRATION_TEXT = /@\w+(?:\.\w+)*\.(?:route|get|post|put|patch|delete)\s*\(|\.(?:add_resource|add_url_rule|register_blueprint|add_namespace)\s*\(/;

interface Container {
  key: string;
  kind: Kind;
  module: PyModule;
  at: Node;
  prefix: string;
  registrations: Registration[];
  hooks: { module: PyModule; fn: Node; appWide: boolean }[];
  decorators: { module: PyModule; node: Node }[];
}

interface View {
  container: Container;
  module: PyModule;
  rule: string;
  at: Node;
  methods: string[];
  protocol: 'rest' | 'graphql';
  /** Function view, or a class whose HTTP methods each become a route. */
  fn?: Node;
  cls?: { module: PyModule; node: Node };
  /** `login_required(view)` wrappers written at registration. */
  wrappers: Node[];
  resolved: boolean;
  /** A route an extension generates (docs, spec): public unless a hook or container guard says otherwise. */
  generated?: string;
}

interface Chain {
  prefix: string;
  guards: Guard[];
  app: Container | undefined;
  reachable: boolean;
}

class FlaskScan {
  readonly diagnostics: Diagnostic[] = [];
  private readonly containers = new Map<string, Container>();
  private readonly local = new Map<string, Map<string, Container>>();
  private readonly views: View[] = [];
  private readonly pendingParents: { child: Container; module: PyModule; expression: Node }[] = [];
  /** Containers built from a project subclass, keyed like containers: the class, for alias methods. */
  private readonly subclassed = new Map<string, { module: PyModule; node: Node }>();
  private readonly aliasNoted = new Set<string>();

  constructor(private readonly index: PyIndex) {}

  run(): CollectedEndpoint[] {
    const modules = this.index.modules.filter((module) => /\b(flask|Blueprint|Flask|flask_restful|flask_restx|flask_restplus|connexion)\b/.test(module.source.text));
    for (const module of modules) this.findContainers(module);
    for (const { child, module, expression } of this.pendingParents) {
      const parent = this.containerFor(module, expression);
      if (parent) child.registrations.push({ parent, prefix: undefined });
    }
    // A module that only imports the project's blueprint (`from app.handlers import routes`) and
    // flask_login registers routes too: registration syntax is enough, the container is resolved.
    for (const module of this.index.modules) if (modules.includes(module) || REGISTRATION_TEXT.test(module.source.text)) this.findRegistrations(module);
    const out: CollectedEndpoint[] = [];
    for (const view of this.views) out.push(...this.emit(view));
    return out;
  }

  private findContainers(module: PyModule): void {
    const local = new Map<string, Container>();
    this.local.set(module.source.file, local);
    for (const node of this.index.nodes(module).assignments) {
      const left = field(node, 'left');
      const right = field(node, 'right');
      if (left?.type !== 'identifier' || !right) continue;
      const value = unwrap(right);
      // `flask_app = connexion_app.app`: the Flask app inside a connexion app is the same container.
      const inner = value.type === 'attribute' && field(value, 'attribute')?.text === 'app' ? field(value, 'object') : undefined;
      const outer = inner ? this.containerFor(module, inner) : undefined;
      if (outer?.kind === 'app') local.set(left.text, outer);
      if (value.type !== 'call') continue;
      const name = calleeName(value) ?? '';
      // `class Redash(Flask)` / `class ApiExt(Api)`: a project subclass builds the same container.
      const cls = CONTAINER_CLASSES.has(lastSegment(name)) ? lastSegment(name) : (this.projectSubclassOf(module, value) ?? lastSegment(name));
      const args = callArgs(value);
      let kind: Kind | undefined;
      let prefix = '';
      let parent: Node | undefined;
      if (cls === 'Flask' || ((cls === 'App' || cls === 'FlaskApp') && /connexion/.test(`${name} ${this.importedFrom(module, name)}`))) kind = 'app';
      else if (cls === 'Blueprint') {
        kind = 'blueprint';
        prefix = this.string(module, args.keywords.get('url_prefix')) ?? '';
      } else if (cls === 'Api' && /flask_restful|flask_restx|flask_restplus|\bApi\b/.test(module.source.text)) {
        kind = 'api';
        prefix = this.string(module, args.keywords.get('prefix')) ?? '';
        parent = args.keywords.get('app') ?? args.positional[0];
      } else if (cls === 'Namespace' || cls === 'namespace') {
        kind = 'namespace';
        const nsName = this.string(module, args.keywords.get('name') ?? args.positional[0]) ?? '';
        prefix = this.string(module, args.keywords.get('path')) ?? `/${nsName}`;
        if (cls === 'namespace') {
          const fn = field(value, 'function');
          parent = fn?.type === 'attribute' ? field(fn, 'object') : undefined;
          if (!parent) continue;
        }
      } else if (cls === 'APIFairy') {
        kind = 'apifairy';
        parent = args.keywords.get('app') ?? args.positional[0];
      }
      if (!kind) continue;
      const container: Container = { key: `${module.source.file}:${value.startIndex}`, kind, module, at: value, prefix, registrations: [], hooks: [], decorators: [] };
      for (const decorator of elements(args.keywords.get('decorators'))) container.decorators.push({ module, node: decorator });
      this.generatedViews(container, name, args);
      if (parent) this.pendingParents.push({ child: container, module, expression: parent });
      this.containers.set(container.key, container);
      local.set(left.text, container);
    }
  }

  /** flask-smorest's `Api`, imported from it or derived from it by a project class (`class Api(flask_smorest.Api)`). */
  private isSmorest(module: PyModule, qualified: string, call: Node): boolean {
    if (/smorest/.test(`${qualified} ${this.importedFrom(module, qualified)}`)) return true;
    const fn = field(call, 'function');
    let current = fn ? this.index.resolveExpr(module, fn) : undefined;
    for (let depth = 0; depth < 4 && current?.kind === 'def' && current.node.type === 'class_definition'; depth++) {
      const bases = superclassNodes(current.node);
      const from: PyModule = current.module;
      if (bases.some((base) => /smorest/.test(`${base.text} ${this.importedFrom(from, base.text)}`))) return true;
      const first = bases[0];
      current = first ? this.index.resolveExpr(from, first) : undefined;
    }
    return false;
  }

  private containerSubclasses: boolean | undefined;

  /** Whether some project class names a container class among its bases: without one, no call builds a project subclass (no callee is resolved for it). */
  private anyContainerSubclass(): boolean {
    this.containerSubclasses ??= this.index.modules.some((module) =>
      nodesOfTypeIn(module.source.tree, ['class_definition']).get('class_definition')?.some((cls) => superclassNodes(cls).some((base) => CONTAINER_CLASSES.has(lastSegment(base.text)))),
    );
    return this.containerSubclasses;
  }

  /** The Flask / flask-restful / flask-restx class a project class derives from, when the call builds one. */
  private projectSubclassOf(module: PyModule, call: Node): string | undefined {
    if (!this.anyContainerSubclass()) return undefined;
    const fn = field(call, 'function');
    const resolved = fn ? this.index.resolveExpr(module, fn) : undefined;
    if (resolved?.kind !== 'def' || resolved.node.type !== 'class_definition') return undefined;
    const visit = (from: PyModule, cls: Node, depth: number): string | undefined => {
      if (depth > 4) return undefined;
      for (const base of superclassNodes(cls)) {
        const baseName = lastSegment(base.text);
        if (CONTAINER_CLASSES.has(baseName)) return baseName;
        const next = this.index.resolveExpr(from, base);
        if (next?.kind === 'def' && next.node.type === 'class_definition') {
          const found = visit(next.module, next.node, depth + 1);
          if (found) return found;
        }
      }
      return undefined;
    };
    const found = visit(resolved.module, resolved.node, 0);
    if (found) this.subclassed.set(`${module.source.file}:${call.startIndex}`, { module: resolved.module, node: resolved.node });
    return found;
  }

  /**
   * A method of a project subclass that hands its arguments to `self.add_resource(...)` /
   * `self.add_url_rule(...)` (`def add_org_resource(self, resource, *urls, **kw)`): the verb it stands for.
   * Rules it rewrites on the way are read as written, and the method gets one diagnostic saying so.
   */
  private aliasVerb(container: Container, verb: string): string | undefined {
    const cls = this.subclassed.get(container.key);
    if (!cls) return undefined;
    const method = this.index.classMember(cls.module, cls.node, verb);
    if (method?.kind !== 'def' || method.node.type !== 'function_definition') return undefined;
    let inner: Node | undefined;
    walk(method.node, (node) => {
      if (inner || node.type !== 'call') return !inner;
      const fn = field(node, 'function');
      const name = fn?.type === 'attribute' ? field(fn, 'attribute')?.text : undefined;
      if (fn?.type === 'attribute' && field(fn, 'object')?.text === 'self' && (name === 'add_resource' || name === 'add_url_rule')) inner = node;
      return !inner;
    });
    const target = inner ? field(field(inner, 'function') as Node, 'attribute')?.text : undefined;
    if (!inner || !target) return undefined;
    const key = `${method.module.source.file}:${method.node.startIndex}`;
    if (!this.aliasNoted.has(key)) {
      this.aliasNoted.add(key);
      const rewritten = /^\s*\w+\s*=/m.test(field(method.node, 'body')?.text ?? '');
      if (rewritten) this.diagnose(method.module, method.node, `${verb}() may rewrite the rules it passes to ${target}(); its routes are listed with the rules as written.`);
    }
    return target;
  }

  /**
   * Routes an extension serves itself: flask-restx / flask-restplus `Api` its `/swagger.json`
   * (unless `add_specs=False`) and its Swagger UI at `doc` (default `/`, off with `doc=False`);
   * APIFairy its UI and spec at `APIFAIRY_UI_PATH` (`/docs`) and `APIFAIRY_APISPEC_PATH` (`/apispec.json`).
   */
  private generatedViews(container: Container, qualified: string, args: ReturnType<typeof callArgs>): void {
    const module = container.module;
    const add = (rule: string, detail: string): void => {
      this.views.push({ container, module, rule, at: container.at, methods: ['GET'], protocol: 'rest', wrappers: [], resolved: true, generated: detail });
    };
    const restx = container.kind === 'api' && /restx|restplus/.test(`${qualified} ${this.importedFrom(module, qualified)}`);
    if (restx) {
      if (args.keywords.get('add_specs')?.text !== 'False') add('/swagger.json', 'flask-restx serves its Swagger document without authentication');
      const doc = args.keywords.get('doc');
      if (doc?.text !== 'False') {
        const path = doc ? this.string(module, doc) : '/';
        if (path === undefined) this.diagnose(module, container.at, 'The Swagger UI path (doc=) of this Api cannot be resolved statically; its route is not listed.');
        else add(path, 'flask-restx serves its Swagger UI without authentication');
      }
    }
    if (container.kind === 'api' && this.isSmorest(module, qualified, container.at)) {
      // flask-smorest serves its spec and UIs only under OPENAPI_URL_PREFIX (none when unset); each UI needs its _PATH and _URL.
      const UNSET = '\u0000';
      const prefix = this.configValue('OPENAPI_URL_PREFIX', UNSET);
      const join = (...parts: string[]): string => {
        const joined = `/${parts.join('/')}`.replace(/\/{2,}/g, '/');
        return joined.length > 1 ? joined.replace(/\/$/, '') : joined;
      };
      if (prefix === undefined) this.diagnose(module, container.at, 'OPENAPI_URL_PREFIX cannot be resolved statically; the routes flask-smorest serves under it are not listed.');
      else if (prefix !== null && prefix !== UNSET) {
        const settings: [string, string | undefined][] = [['OPENAPI_JSON_PATH', 'openapi.json'], ['OPENAPI_REDOC_PATH', undefined], ['OPENAPI_SWAGGER_UI_PATH', undefined], ['OPENAPI_RAPIDOC_PATH', undefined]];
        for (const [setting, fallback] of settings) {
          const value = this.configValue(setting, fallback ?? UNSET);
          const url = fallback === undefined ? this.configValue(setting.replace(/_PATH$/, '_URL'), UNSET) : 'set';
          if (value === null || value === UNSET || url === null || url === UNSET) continue;
          if (value === undefined) this.diagnose(module, container.at, `${setting} cannot be resolved statically; the route flask-smorest serves there is not listed.`);
          else add(join(prefix, value), `flask-smorest serves ${setting} without authentication`);
        }
      }
    }
    if (container.kind === 'apifairy') {
      for (const [setting, fallback] of [['APIFAIRY_UI_PATH', '/docs'], ['APIFAIRY_APISPEC_PATH', '/apispec.json']] as const) {
        const value = this.configValue(setting, fallback);
        if (value === null) continue;
        if (value === undefined) this.diagnose(module, container.at, `${setting} cannot be resolved statically; the route APIFairy serves there is not listed.`);
        else add(value, `APIFairy serves ${setting} without authentication`);
      }
    }
  }

  /** The module an imported name comes from (`Api` imported from `flask_restx` → `flask_restx.Api`). */
  private importedFrom(module: PyModule, name: string): string {
    const head = name.split('.')[0] ?? name;
    const binding = module.imports.get(head);
    return binding ? binding.module : '';
  }

  /**
   * A Flask config key set in the project (`APIFAIRY_UI_PATH = "/docs"` in a config class,
   * `app.config["APIFAIRY_UI_PATH"] = ...`): its value, null for None, the fallback when never set,
   * undefined when set to something not known statically or to different values.
   */
  private configValue(key: string, fallback: string): string | null | undefined {
    const values = new Set<string | null | undefined>();
    for (const module of this.index.modules) {
      if (!module.source.text.includes(key)) continue;
      for (const node of this.index.nodes(module).assignments) {
        const left = field(node, 'left');
        const right = field(node, 'right');
        if (!left || !right) continue;
        const named = left.type === 'identifier' ? left.text : left.type === 'subscript' ? literalString(field(left, 'subscript')) : undefined;
        if (named !== key) continue;
        values.add(unwrap(right).type === 'none' ? null : this.string(module, right));
      }
    }
    if (values.size === 0) return fallback;
    return values.size === 1 ? [...values][0] : undefined;
  }

  private string(module: PyModule, node: Node | undefined): string | undefined {
    return node ? this.index.evalString(module, node) : undefined;
  }

  private containerFor(module: PyModule, expression: Node): Container | undefined {
    return this.index.registered(module, expression, this.containers, this.local.get(module.source.file));
  }

  private findRegistrations(module: PyModule): void {
    const nodes = this.index.nodes(module);
    for (const node of nodes.decorators) this.decorator(module, node);
    for (const node of nodes.calls) this.call(module, node);
  }

  private decorator(module: PyModule, decorator: Node): void {
    const expression = kids(decorator)[0];
    if (!expression) return;
    const callee = expression.type === 'call' ? field(expression, 'function') : expression;
    if (callee?.type !== 'attribute') return;
    const verb = field(callee, 'attribute')?.text ?? '';
    const object = field(callee, 'object');
    const container = object ? this.containerFor(module, object) : undefined;
    if (!container) return;
    const holder = parentOf(decorator);
    const definition = holder ? field(holder, 'definition') : undefined;
    if (!definition) return;
    if (verb === 'before_request' || verb === 'before_app_request') {
      container.hooks.push({ module, fn: definition, appWide: verb === 'before_app_request' });
      return;
    }
    if (verb !== 'route' && !HTTP_METHODS.includes(verb)) return;
    if (expression.type !== 'call') return;
    const args = callArgs(expression);
    const rule = this.string(module, args.keywords.get('rule') ?? args.positional[0]);
    if (rule === undefined) {
      this.diagnose(module, expression, 'A route rule cannot be resolved statically; the route is skipped.');
      return;
    }
    const methods = verb === 'route' ? stringList(args.keywords.get('methods')).map((m) => m.toUpperCase()) : [verb.toUpperCase()];
    const view: View = { container, module, rule, at: expression, methods, protocol: 'rest', wrappers: [], resolved: true };
    if (definition.type === 'class_definition') view.cls = { module, node: definition };
    else view.fn = definition;
    this.views.push(view);
  }

  private call(module: PyModule, call: Node): void {
    const fn = field(call, 'function');
    if (fn?.type !== 'attribute') return;
    let verb = field(fn, 'attribute')?.text ?? '';
    const object = field(fn, 'object');
    if (!object) return;
    if (!VERBS.includes(verb)) {
      const owner = this.subclassed.size > 0 ? this.containerFor(module, object) : undefined;
      const alias = owner ? this.aliasVerb(owner, verb) : undefined;
      if (!alias) return;
      verb = alias;
    }
    const args = callArgs(call);
    const registers = verb === 'register_blueprint' || verb === 'add_namespace';
    const childNode = registers ? args.positional[0] : verb === 'init_app' ? (args.keywords.get('app') ?? args.positional[0]) : undefined;
    const prefixNode =
      verb === 'register_blueprint' ? args.keywords.get('url_prefix')
      : verb === 'add_namespace' ? args.keywords.get('path')
      : verb === 'add_url_rule' ? (args.keywords.get('rule') ?? args.positional[0])
      : undefined;
    // `def init_app(app): app.register_blueprint(bp, url_prefix=...)`: each call site supplies the app.
    for (const [objectAt, childAt, prefixAt] of this.index.expandBindings(module, [object, childNode, prefixNode])) {
      const container = objectAt ? this.containerFor(objectAt.module, objectAt.node) : undefined;
      const child = childAt ? this.containerFor(childAt.module, childAt.node) : undefined;
      if (verb === 'init_app') {
        if (container && child && (container.kind === 'api' || container.kind === 'apifairy')) container.registrations.push({ parent: child, prefix: undefined });
        continue;
      }
      if (!container) {
        if (child && registers) this.diagnose(module, call, `${childAt?.node.text ?? 'A blueprint'} is registered on ${object.text}, which cannot be resolved to a Flask app or blueprint; its routes are listed without that registration.`);
        continue;
      }
      if (registers) {
        // `for blueprint in blueprints: app.register_blueprint(blueprint, ...)` over a parameter or a local: each element.
        const children = child ? [child] : childAt ? registeredAlternatives(this.index, childAt, (at) => this.containerFor(at.module, at.node)) : [];
        if (children.length === 0) {
          if (childAt) this.diagnose(module, call, `The blueprint passed to ${verb}() (${childAt.node.text}) cannot be resolved; its routes are not listed.`);
          continue;
        }
        const prefixes = prefixAt ? prefixValues(this.index, prefixAt) : [undefined];
        if (prefixes.length === 0) {
          this.diagnose(module, call, `${childAt?.node.text ?? 'A blueprint'} is registered under a prefix (${prefixAt?.node.text ?? ''}) that cannot be resolved statically; its routes are skipped there.`);
          continue;
        }
        for (const registered of children) for (const prefix of prefixes) registered.registrations.push({ parent: container, prefix });
        continue;
      }
      this.callOn(module, call, verb, args, container, prefixAt);
    }
  }

  private callOn(module: PyModule, call: Node, verb: string, args: ReturnType<typeof callArgs>, container: Container, ruleAt: Bound | undefined): void {
    if (verb === 'before_request') {
      const target = args.positional[0];
      const resolved = target ? this.index.resolveExpr(module, target) : undefined;
      if (resolved?.kind === 'def') container.hooks.push({ module: resolved.module, fn: resolved.node, appWide: false });
      return;
    }
    if (verb === 'add_resource') {
      const [resourceNode, ...rules] = args.positional;
      const resolved = resourceNode ? this.index.resolveExpr(module, resourceNode) : undefined;
      for (const ruleNode of rules) {
        const rule = this.string(module, ruleNode);
        if (rule === undefined) continue;
        const view: View = { container, module, rule, at: call, methods: [], protocol: 'rest', wrappers: [], resolved: resolved?.kind === 'def' };
        if (resolved?.kind === 'def') view.cls = { module: resolved.module, node: resolved.node };
        this.views.push(view);
      }
      return;
    }
    if (verb !== 'add_url_rule') return;
    const rule = ruleAt ? this.index.evalString(ruleAt.module, ruleAt.node, 0, ruleAt.env) : undefined;
    if (rule === undefined) {
      this.diagnose(module, call, 'A URL rule cannot be resolved statically; it is skipped.');
      return;
    }
    const viewNode = args.keywords.get('view_func') ?? args.positional[2];
    const methods = stringList(args.keywords.get('methods')).map((m) => m.toUpperCase());
    const view: View = { container, module, rule, at: call, methods, protocol: 'rest', wrappers: [], resolved: false };
    let target = viewNode ? unwrap(viewNode) : undefined;
    // `login_required(view)` and `bp.add_url_rule(..., view_func=jwt_required()(view))` wrap at registration.
    while (target?.type === 'call' && lastSegment(calleeName(target) ?? '') !== 'as_view') {
      const inner = callArgs(target).positional[0];
      if (!inner) break;
      view.wrappers.push(field(target, 'function') ?? target);
      target = unwrap(inner);
    }
    if (target?.type === 'call') {
      const viewClass = field(target, 'function');
      const owner = viewClass?.type === 'attribute' ? field(viewClass, 'object') : undefined;
      const resolved = owner ? this.index.resolveExpr(module, owner) : undefined;
      if (resolved?.kind === 'def') {
        view.cls = { module: resolved.module, node: resolved.node };
        view.resolved = true;
      } else if (owner && GRAPHQL_VIEWS.has(lastSegment(owner.text))) {
        view.protocol = 'graphql';
        view.resolved = true;
        view.methods = ['POST'];
      }
    } else if (target) {
      const resolved = this.index.resolveExpr(module, target);
      if (resolved?.kind === 'def') {
        view.fn = resolved.node;
        view.module = resolved.module;
        view.resolved = true;
      }
    }
    this.views.push(view);
  }

  private chains(container: Container, seen: Set<string>): Chain[] {
    if (seen.has(container.key)) return [];
    const next = new Set(seen).add(container.key);
    const own = this.containerGuards(container);
    if (container.kind === 'app') return [{ prefix: '', guards: own, app: container, reachable: true }];
    if (container.registrations.length === 0) return [{ prefix: container.prefix, guards: own, app: undefined, reachable: false }];
    const out: Chain[] = [];
    for (const registration of container.registrations) {
      for (const chain of this.chains(registration.parent, next)) {
        out.push({
          prefix: join(chain.prefix, registration.prefix ?? container.prefix),
          guards: [...chain.guards, ...own],
          app: chain.app,
          reachable: chain.reachable,
        });
      }
    }
    return out;
  }

  private containerGuards(container: Container): Guard[] {
    const scope: EvidenceScope = container.kind === 'app' ? 'app' : 'router';
    const guards: Guard[] = [];
    for (const decorator of container.decorators) {
      guards.push(...decoratorGuard(classifyDecorator(this.index, decorator.module, decorator.node), locate(decorator.module, decorator.node), scope));
    }
    return guards;
  }

  private hookGuards(container: Container, publicMarker: boolean): Guard[] {
    const guards: Guard[] = [];
    const visit = (current: Container, seen: Set<string>): void => {
      if (seen.has(current.key)) return;
      seen.add(current.key);
      for (const hook of current.hooks) {
        guards.push(...hookGuard(this.index, hook.module, hook.fn, current.kind === 'app' || hook.appWide ? 'app' : 'router', publicMarker));
      }
      for (const registration of current.registrations) visit(registration.parent, seen);
    };
    visit(container, new Set());
    // `before_app_request` on any blueprint runs for the whole app.
    for (const other of this.containers.values()) {
      for (const hook of other.hooks) if (hook.appWide && other.key !== container.key) guards.push(...hookGuard(this.index, hook.module, hook.fn, 'app', publicMarker));
    }
    return guards;
  }

  private emit(view: View): CollectedEndpoint[] {
    const out: CollectedEndpoint[] = [];
    const handlers = this.handlers(view);
    for (const chain of this.chains(view.container, new Set())) {
      const path = normaliseAnglePath(join(chain.prefix, view.rule));
      for (const handler of handlers) {
        const guards: Guard[] = [...handler.guards];
        for (const wrapper of view.wrappers) guards.push(...decoratorGuard(classifyDecorator(this.index, view.module, wrapper), locate(view.module, wrapper), 'route'));
        const publicMarker = guards.some((guard) => guard.kind === 'public');
        guards.push(...chain.guards, ...this.hookGuards(view.container, publicMarker));
        const fallback = !view.resolved
          ? UNKNOWN('the view cannot be resolved')
          : chain.reachable && view.generated
            ? { state: 'public' as const, mechanisms: ['none' as const], detail: view.generated, where: locate(view.module, view.at), scope: 'route' as const }
            : chain.reachable
            ? UNPROTECTED('no decorator, class decorator or request hook guards this route')
            : UNKNOWN('the blueprint is not registered on any app found');
        const auth = decide(guards, fallback);
        out.push(
          makeEndpoint({
            framework: ID,
            method: handler.method,
            path,
            protocol: view.protocol,
            location: locate(view.module === handler.module ? view.module : view.module, view.at),
            auth,
            ...(handler.fn ? { handler: locate(handler.module, handler.fn) } : {}),
            ...(chain.app ? { appFile: chain.app.module.source.file } : {}),
          }),
        );
      }
    }
    return out;
  }

  /** One entry per HTTP method the view answers, with the decorators that apply to that method. */
  private handlers(view: View): { method: string; fn?: Node; module: PyModule; guards: Guard[] }[] {
    if (view.fn) {
      const guards = this.decoratorGuards(view.module, decoratorsOf(view.fn), 'route');
      const methods = view.methods.length > 0 ? view.methods : ['GET'];
      return methods.map((method) => ({ method, fn: view.fn as Node, module: view.module, guards }));
    }
    if (!view.cls) return (view.methods.length > 0 ? view.methods : ['POST']).map((method) => ({ method, module: view.module, guards: [] }));
    const { module, node } = view.cls;
    const classGuards = this.decoratorGuards(module, decoratorsOf(node), 'route');
    const out: { method: string; fn?: Node; module: PyModule; guards: Guard[] }[] = [];
    const methods = this.classMethods(module, node, new Set());
    for (const [name, entry] of methods) {
      if (view.methods.length > 0 && !view.methods.includes(name.toUpperCase())) continue;
      const attribute = this.classAttribute(module, node, 'decorators');
      const methodDecorators = this.classAttribute(module, node, 'method_decorators');
      const guards = [...classGuards, ...this.decoratorGuards(entry.module, decoratorsOf(entry.fn), 'route')];
      if (attribute) guards.push(...this.decoratorGuards(attribute.module, elements(attribute.node), 'route'));
      if (methodDecorators) {
        const value = unwrap(methodDecorators.node);
        if (value.type === 'dictionary') {
          for (const pair of kids(value)) {
            if (pair.type !== 'pair' || literalString(field(pair, 'key')) !== name) continue;
            guards.push(...this.decoratorGuards(methodDecorators.module, elements(field(pair, 'value')), 'route'));
          }
        } else guards.push(...this.decoratorGuards(methodDecorators.module, elements(value), 'route'));
      }
      out.push({ method: name.toUpperCase(), fn: entry.fn, module: entry.module, guards });
    }
    return out;
  }

  private classMethods(module: PyModule, cls: Node, seen: Set<number>): Map<string, { fn: Node; module: PyModule }> {
    const out = new Map<string, { fn: Node; module: PyModule }>();
    if (seen.has(cls.id)) return out;
    seen.add(cls.id);
    for (const base of superclassNodes(cls)) {
      const resolved = this.index.resolveExpr(module, base);
      if (resolved?.kind === 'def' && resolved.node.type === 'class_definition') {
        for (const [name, entry] of this.classMethods(resolved.module, resolved.node, seen)) out.set(name, entry);
      }
    }
    for (const [name, fn] of methodsOf(cls)) if (HTTP_METHODS.includes(name)) out.set(name, { fn, module });
    return out;
  }

  private classAttribute(module: PyModule, cls: Node, name: string): { module: PyModule; node: Node } | undefined {
    const own = assignmentsIn(bodyOf(cls)).find((assignment) => assignment.name === name);
    if (own) return { module, node: own.value };
    const inherited = this.index.classMember(module, cls, name);
    return inherited?.kind === 'value' ? { module: inherited.module, node: inherited.node } : undefined;
  }

  private decoratorGuards(module: PyModule, decorators: readonly Node[], scope: EvidenceScope): Guard[] {
    return decorators.flatMap((decorator) => decoratorGuard(classifyDecorator(this.index, module, decorator), locate(module, decorator), scope));
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

function join(prefix: string, rule: string): string {
  return flaskJoin(prefix === '' ? undefined : prefix, rule);
}

export const flaskCollector: CodeCollector = {
  id: ID,
  languages: ['python'],
  enablers: ['flask', 'flask-restful', 'flask-restx', 'flask-restplus', 'connexion'],
  isEnabled: (project, sources) => pythonEnabled(project, sources, [ID], /^\s*(from|import)\s+(flask|flask_restful|flask_restx|flask_restplus)\b/m),
  collect(sources: readonly SourceFile[]) {
    const scan = new FlaskScan(pythonIndex(sources));
    return { endpoints: sortEndpoints(scan.run()), diagnostics: scan.diagnostics };
  },
};
