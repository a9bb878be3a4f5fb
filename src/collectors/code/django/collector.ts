import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import type { SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, AuthMechanism, Diagnostic, Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import {
  callArgs,
  calleeName,
  decoratorsOf,
  dotted,
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
import { UNKNOWN, UNPROTECTED, analyseBody, classifyDecorator, decide, decoratorGuard, isAuthish, locate, opensWithIdentityCheck, type Guard } from '../python/guards.js';
import { concatPaths, normaliseAnglePath, regexToPath } from '../python/paths.js';
import { pythonIndex, type PyIndex, type PyModule } from '../python/project.js';
import { lookupTable } from '../../../analysis/lookup.js';
import { sharedFolders } from './folders.js';

const ID = 'django';
const HTTP = ['get', 'post', 'put', 'patch', 'delete', 'head', 'options'];
const SAFE = new Set(['GET', 'HEAD', 'OPTIONS']);
const GRAPHQL_VIEWS = new Set(['GraphQLView', 'AsyncGraphQLView', 'GraphQLAPIView']);
const URL_FUNCTIONS = new Set(['path', 're_path', 'url']);
const ROUTER_CLASSES = /^(DefaultRouter|SimpleRouter|ExtendedDefaultRouter|ExtendedSimpleRouter|NestedSimpleRouter|NestedDefaultRouter)$/;

const GENERIC_METHODS: Record<string, string[]> = lookupTable({
  ListAPIView: ['GET'],
  CreateAPIView: ['POST'],
  RetrieveAPIView: ['GET'],
  DestroyAPIView: ['DELETE'],
  UpdateAPIView: ['PUT', 'PATCH'],
  ListCreateAPIView: ['GET', 'POST'],
  RetrieveUpdateAPIView: ['GET', 'PUT', 'PATCH'],
  RetrieveDestroyAPIView: ['GET', 'DELETE'],
  RetrieveUpdateDestroyAPIView: ['GET', 'PUT', 'PATCH', 'DELETE'],
  TemplateView: ['GET'],
  ListView: ['GET'],
  DetailView: ['GET'],
  RedirectView: ['GET'],
  ArchiveIndexView: ['GET'],
  CreateView: ['GET', 'POST'],
  UpdateView: ['GET', 'POST'],
  FormView: ['GET', 'POST'],
  DeleteView: ['GET', 'POST'],
  LoginView: ['GET', 'POST'],
  LogoutView: ['POST'],
  ObtainAuthToken: ['POST'],
  TokenObtainPairView: ['POST'],
  TokenRefreshView: ['POST'],
  TokenVerifyView: ['POST'],
});
const VIEWSET_ACTIONS: Record<string, string[]> = lookupTable({
  ModelViewSet: ['list', 'create', 'retrieve', 'update', 'partial_update', 'destroy'],
  ReadOnlyModelViewSet: ['list', 'retrieve'],
  ListModelMixin: ['list'],
  CreateModelMixin: ['create'],
  RetrieveModelMixin: ['retrieve'],
  UpdateModelMixin: ['update', 'partial_update'],
  DestroyModelMixin: ['destroy'],
});
const ACTION_ROUTES: Record<string, { method: string; detail: boolean }> = lookupTable({
  list: { method: 'GET', detail: false },
  create: { method: 'POST', detail: false },
  retrieve: { method: 'GET', detail: true },
  update: { method: 'PUT', detail: true },
  partial_update: { method: 'PATCH', detail: true },
  destroy: { method: 'DELETE', detail: true },
});
const AUTH_CLASSES: Record<string, AuthMechanism> = lookupTable({
  SessionAuthentication: 'session',
  BasicAuthentication: 'basic',
  TokenAuthentication: 'api-key',
  KnoxTokenAuthentication: 'api-key',
  JWTAuthentication: 'jwt',
  JWTStatelessUserAuthentication: 'jwt',
  JWTTokenUserAuthentication: 'jwt',
  JSONWebTokenAuthentication: 'jwt',
  JWTCookieAuthentication: 'jwt',
  OAuth2Authentication: 'oauth2',
});
const PERMISSION_PROTECTS = new Set(['IsAuthenticated', 'IsAdminUser', 'DjangoModelPermissions', 'DjangoObjectPermissions']);
const MODEL_PERMISSIONS = new Set(['DjangoModelPermissions', 'DjangoObjectPermissions', 'DjangoModelPermissionsOrAnonReadOnly']);
const PERMISSION_READONLY = new Set(['IsAuthenticatedOrReadOnly', 'DjangoModelPermissionsOrAnonReadOnly']);
const PERMISSION_MECHANISM: Record<string, AuthMechanism> = lookupTable({
  HasAPIKey: 'api-key',
  TokenHasScope: 'oauth2',
  TokenHasReadWriteScope: 'oauth2',
  TokenHasResourceScope: 'oauth2',
  TokenMatchesOASRequirements: 'oauth2',
});
const PUBLIC_VIEWS = new Set(['LoginView', 'ObtainAuthToken', 'TokenObtainPairView', 'TokenRefreshView', 'TokenVerifyView', 'PasswordResetView']);
const IDENTITY = /is_authenticated|is_staff|is_superuser|request\.auth\b|has_perm|groups\./;

/**
 * A `return True` of a permission method that a caller without credentials can reach: not inside the
 * body of an `if`/`elif` whose condition tests the caller positively (`if request.user.is_authenticated:`).
 */
function unguardedTrue(fn: Node): Node | undefined {
  // `if not request.user.is_authenticated: return False` (or raise) before it turns those callers away first.
  const denials: Node[] = [];
  walk(fn, (node) => {
    if (node.type === 'function_definition' && node.id !== fn.id) return false;
    const condition = node.type === 'if_statement' ? field(node, 'condition') : undefined;
    if (condition && /^not\b/.test(condition.text.trim()) && IDENTITY.test(condition.text) && /\breturn\s+False\b|\braise\b/.test(field(node, 'consequence')?.text ?? '')) denials.push(node);
    return true;
  });
  let found: Node | undefined;
  walk(fn, (node) => {
    if (found) return false;
    if (node.type === 'function_definition' && node.id !== fn.id) return false;
    if (node.type !== 'return_statement' || node.firstNamedChild?.text !== 'True') return true;
    let guarded = denials.some((denial) => denial.endIndex <= node.startIndex);
    for (let child: Node = node, parent = node.parent; parent && parent.id !== fn.id; child = parent, parent = parent.parent) {
      if ((parent.type === 'if_statement' || parent.type === 'elif_clause') && field(parent, 'consequence')?.id === child.id) {
        const condition = field(parent, 'condition');
        if (condition && IDENTITY.test(condition.text) && !/^not\b/.test(condition.text.trim())) guarded = true;
      }
    }
    if (!guarded) found = node;
    return false;
  });
  return found;
}
const LOGIN_MIXINS = new Set(['LoginRequiredMixin', 'PermissionRequiredMixin', 'UserPassesTestMixin', 'StaffuserRequiredMixin', 'SuperuserRequiredMixin']);

interface ListSetting {
  module: PyModule;
  node: Node;
  names: string[];
}

interface Settings {
  permissions?: ListSetting;
  /** drf-spectacular's SERVE_PERMISSIONS. */
  schemaPermissions?: ListSetting;
  authentication?: ListSetting;
  loginRequiredMiddleware?: Location;
  rootUrlconfs: { name: string; module: PyModule }[];
}

type ProjectSetting = 'permissions' | 'schemaPermissions' | 'authentication' | 'loginRequiredMiddleware';
const PROJECT_SETTINGS: readonly ProjectSetting[] = ['permissions', 'schemaPermissions', 'authentication', 'loginRequiredMiddleware'];

interface Router {
  module: PyModule;
  at: Node;
  isDefault: boolean;
  trailing: string;
  registrations: Node[];
  /** drf-nested-routers: `NestedSimpleRouter(parent, r"books", lookup="book")`. */
  nested?: { parent: Node; prefix: Node | undefined; lookup: string };
  /** A project router that maps more methods to actions (`self.routes[0].mapping.update({"patch": "bulk_partial_update"})`). */
  extra?: { list: [string, string][]; detail: [string, string][] };
}

interface ViewClass {
  module: PyModule;
  node: Node;
  /** Names of every base class, project classes followed. */
  bases: Set<string>;
  methods: Map<string, { module: PyModule; fn: Node }>;
}

/** One permission list's effect on one HTTP method. */
interface PermissionOutcome {
  kind: 'protected' | 'public' | 'unknown' | 'none';
  detail: string;
  mechanism?: AuthMechanism;
}

class DjangoScan {
  readonly diagnostics: Diagnostic[] = [];
  private readonly settings: Settings = { rootUrlconfs: [] };
  private readonly routers = new Map<string, Router>();
  private readonly visiting = new Set<string>();
  private readonly out: CollectedEndpoint[] = [];
  /** Set while the router's API root view is judged. */
  private rootView = false;
  /** Views, their attributes and custom permission classes, read once: a router registration asks once per method. */
  private readonly views = new Map<PyModule, Map<number, ViewClass>>();
  private readonly attributes = new WeakMap<ViewClass, Map<string, { module: PyModule; node: Node } | undefined>>();
  private readonly customPermissions = new Map<string, PermissionOutcome>();

  constructor(private readonly index: PyIndex) {}

  run(): CollectedEndpoint[] {
    for (const module of this.index.modules) {
      if (/\bREST_FRAMEWORK\b|\bROOT_URLCONF\b|\bMIDDLEWARE\b|\bSPECTACULAR_SETTINGS\b/.test(module.source.text)) this.readSettings(module);
      if (/Router\(/.test(module.source.text)) this.findRouters(module);
    }
    // Registrations may sit in another module than the router (`from api.routers import router`).
    for (const module of this.index.modules) if (/\.register\(/.test(module.source.text)) this.findRegistrations(module);
    const urlconfs = this.index.modules.filter((module) => module.values.has('urlpatterns'));
    const included = new Set<string>();
    for (const module of urlconfs) {
      for (const target of this.includedModules(module)) included.add(target);
    }
    const declared = this.settings.rootUrlconfs
      .map(({ name, module }) => this.index.resolveModule(name, module))
      .filter((module): module is PyModule => module !== undefined);
    const roots = declared.length > 0 ? [...new Set(declared)] : urlconfs.filter((module) => !included.has(module.source.file));
    for (const module of roots) {
      if (roots.length > 1) this.settingsFor(module);
      const start = this.out.length;
      this.urlconf(module, '', []);
      // The root URLconf is the application: the inventory names it when a repository holds several projects
      // (services of a monorepo), whether they are analysed together or apart.
      for (const endpoint of this.out.slice(start)) {
        endpoint.appFile = module.source.file;
        endpoint.appFileIfSeveral = true;
      }
    }
    return this.out;
  }

  /** Every value each setting was given, by settings module: a repository may hold several Django projects. */
  private readonly settingValues: { key: ProjectSetting; file: string; value: Settings[ProjectSetting] }[] = [];

  private setting<K extends ProjectSetting>(module: PyModule, key: K, value: Settings[K]): void {
    this.settings[key] = value;
    this.settingValues.push({ key, file: module.source.file, value });
  }

  /**
   * With several root URLconfs (several Django projects), each project's routes read the settings nearest
   * to its root URLconf in the folder tree (the last one read on a tie, as with one project), not the last
   * project's: the same settings whether the projects are analysed together or apart.
   */
  private settingsFor(root: PyModule): void {
    for (const key of PROJECT_SETTINGS) {
      let best: Settings[ProjectSetting] | undefined;
      let bestShared = -1;
      for (const candidate of this.settingValues) {
        if (candidate.key !== key) continue;
        const shared = sharedFolders(candidate.file, root.source.file);
        if (shared >= bestShared) {
          best = candidate.value;
          bestShared = shared;
        }
      }
      if (best === undefined) Reflect.deleteProperty(this.settings, key);
      else (this.settings as Record<ProjectSetting, Settings[ProjectSetting]>)[key] = best;
    }
  }

  private readSettings(module: PyModule): void {
    const drf = module.values.get('REST_FRAMEWORK');
    if (drf && unwrap(drf).type === 'dictionary') {
      for (const pair of kids(unwrap(drf))) {
        if (pair.type !== 'pair') continue;
        const key = literalString(field(pair, 'key'));
        const value = field(pair, 'value');
        if (!value) continue;
        const setting: ListSetting = { module, node: pair, names: elements(value).map((e) => literalString(e) ?? dotted(e) ?? e.text) };
        if (key === 'DEFAULT_PERMISSION_CLASSES') this.setting(module, 'permissions', setting);
        if (key === 'DEFAULT_AUTHENTICATION_CLASSES') this.setting(module, 'authentication', setting);
      }
    }
    const spectacular = module.values.get('SPECTACULAR_SETTINGS');
    if (spectacular && unwrap(spectacular).type === 'dictionary') {
      for (const pair of kids(unwrap(spectacular))) {
        const value = pair.type === 'pair' ? field(pair, 'value') : undefined;
        if (value && literalString(field(pair, 'key')) === 'SERVE_PERMISSIONS') {
          this.setting(module, 'schemaPermissions', { module, node: pair, names: elements(value).map((e) => literalString(e) ?? dotted(e) ?? e.text) });
        }
      }
    }
    const middleware = module.values.get('MIDDLEWARE');
    if (middleware) {
      for (const element of elements(middleware)) {
        if (literalString(element)?.endsWith('.LoginRequiredMiddleware')) this.setting(module, 'loginRequiredMiddleware', locate(module, element));
      }
    }
    const urlconf = literalString(module.values.get('ROOT_URLCONF'));
    if (urlconf !== undefined) this.settings.rootUrlconfs.push({ name: urlconf, module });
  }

  private findRouters(module: PyModule): void {
    const nodes = this.index.nodes(module);
    for (const node of nodes.assignments) {
      {
        const left = field(node, 'left');
        const right = field(node, 'right');
        const value = right ? unwrap(right) : undefined;
        const cls = value?.type === 'call' ? this.routerClass(module, value) : undefined;
        if (left?.type === 'identifier' && value && cls) {
          const args = callArgs(value);
          const trailingNode = args.keywords.get('trailing_slash');
          const trailing = trailingNode?.text === 'False' ? '' : (literalString(trailingNode) ?? '/');
          const router: Router = { module, at: value, isDefault: cls.includes('Default'), trailing, registrations: [] };
          const extra = this.routerMappings(module, value);
          if (extra) router.extra = extra;
          const parent = args.keywords.get('parent_router') ?? args.positional[0];
          if (cls.startsWith('Nested') && parent) {
            router.nested = { parent, prefix: args.keywords.get('parent_prefix') ?? args.positional[1], lookup: literalString(args.keywords.get('lookup')) ?? 'nested_1' };
          }
          this.routers.set(`${module.source.file}:${value.startIndex}`, router);
        }
      }
    }
  }

  private findRegistrations(module: PyModule): void {
    for (const node of this.index.nodes(module).calls) {
      const fn = field(node, 'function');
      if (fn?.type !== 'attribute' || field(fn, 'attribute')?.text !== 'register') continue;
      const object = field(fn, 'object');
      const router = object ? this.routerFor(module, object) : undefined;
      router?.registrations.push(node);
    }
  }

  /** The DRF router class a call builds (a project subclass of one counts), or undefined. */
  private routerClass(module: PyModule, call: Node, depth = 0): string | undefined {
    const name = lastSegment(calleeName(call) ?? '');
    if (ROUTER_CLASSES.test(name)) return name;
    const fn = field(call, 'function');
    const resolved = fn ? this.index.resolveExpr(module, fn) : undefined;
    if (resolved?.kind !== 'def' || resolved.node.type !== 'class_definition' || depth > 0) return undefined;
    const view = this.viewClass(resolved.module, resolved.node);
    return [...view.bases].find((base) => ROUTER_CLASSES.test(base));
  }

  /**
   * A project router subclass whose `__init__` extends DRF's route mappings: `self.routes[0].mapping.update({...})`
   * for the list route, `self.routes[2]` for the detail route (SimpleRouter's order). Undefined when there is none.
   */
  private routerMappings(module: PyModule, call: Node): { list: [string, string][]; detail: [string, string][] } | undefined {
    const fn = field(call, 'function');
    const resolved = fn ? this.index.resolveExpr(module, fn) : undefined;
    if (resolved?.kind !== 'def' || resolved.node.type !== 'class_definition' || !resolved.node.text.includes('.mapping.update')) return undefined;
    const out: { list: [string, string][]; detail: [string, string][] } = { list: [], detail: [] };
    for (const node of this.index.nodes(resolved.module).calls) {
      if (node.startIndex < resolved.node.startIndex || node.endIndex > resolved.node.endIndex) continue;
      const index = /^self\.routes\[(\d+)\]\.mapping\.update$/.exec(field(node, 'function')?.text.replace(/\s+/g, '') ?? '')?.[1];
      const dict = callArgs(node).positional[0];
      if ((index !== '0' && index !== '2') || dict?.type !== 'dictionary') continue;
      for (const pair of kids(dict)) {
        if (pair.type !== 'pair') continue;
        const method = literalString(field(pair, 'key'));
        const action = literalString(field(pair, 'value'));
        if (method && action && /^(?:get|post|put|patch|delete)$/.test(method)) (index === '0' ? out.list : out.detail).push([method.toUpperCase(), action]);
      }
    }
    return out.list.length + out.detail.length > 0 ? out : undefined;
  }

  private routerFor(module: PyModule, expression: Node): Router | undefined {
    const resolved = this.index.resolveExpr(module, expression);
    if (resolved?.kind !== 'value') return undefined;
    return this.routers.get(`${resolved.module.source.file}:${unwrap(resolved.node).startIndex}`);
  }

  /** Expressions that build `urlpatterns`: its assignment, `+=` extensions and concatenations. */
  private patternParts(module: PyModule): { module: PyModule; node: Node; single?: boolean }[] {
    const parts: { module: PyModule; node: Node; single?: boolean }[] = [];
    const add = (node: Node): void => {
      const target = unwrap(node);
      if (target.type === 'binary_operator') {
        const left = field(target, 'left');
        const right = field(target, 'right');
        if (left) add(left);
        if (right) add(right);
      } else parts.push({ module, node: target });
    };
    const statements = (list: readonly Node[]): Node[] =>
      list.flatMap((statement) => {
        if (statement.type !== 'if_statement') return [statement];
        // `if settings.AUTHENTICATION_METHOD == "django": urlpatterns = [...] else: urlpatterns = [...]`: the branch of the default configuration.
        if (!/\burlpatterns\b/.test(statement.text)) return [];
        const condition = field(statement, 'condition');
        const alternatives = kids(statement).filter((child) => child.type === 'else_clause' || child.type === 'elif_clause');
        const taken = condition && alternatives.every((child) => child.type === 'else_clause') ? this.index.evalCondition(module, condition) : undefined;
        const block = taken === true ? field(statement, 'consequence') : taken === false ? (alternatives[0] ? field(alternatives[0], 'body') : undefined) : undefined;
        if (taken === undefined) {
          if (this.diagnostics.some((d) => d.file === module.source.file && d.line === statement.startPosition.row + 1)) return [];
          this.diagnostics.push({ level: 'warning', source: 'collector:django', file: module.source.file, line: statement.startPosition.row + 1, message: 'urlpatterns is built under a condition that cannot be decided statically; the routes of that block are not listed.' });
          return [];
        }
        return block ? statements(kids(block)) : [];
      });
    for (const statement of statements(kids(module.source.tree.rootNode))) {
      if (statement.type !== 'expression_statement') continue;
      const inner = statement.firstNamedChild;
      if (!inner) continue;
      const left = field(inner, 'left');
      const right = field(inner, 'right');
      if ((inner.type === 'assignment' || inner.type === 'augmented_assignment') && left?.text === 'urlpatterns' && right) add(right);
      // `urlpatterns.extend(router.urls)`, `urlpatterns.append(path(...))`, `urlpatterns.insert(0, path(...))`.
      if (inner.type === 'call') {
        const fn = field(inner, 'function');
        const verb = fn?.type === 'attribute' ? field(fn, 'attribute')?.text : undefined;
        if (fn?.type !== 'attribute' || field(fn, 'object')?.text !== 'urlpatterns') continue;
        const args = callArgs(inner).positional;
        const value = verb === 'extend' || verb === 'append' ? args[0] : verb === 'insert' ? args[1] : undefined;
        if (!value) continue;
        if (verb === 'extend') add(value);
        else parts.push({ module, node: value, single: true });
      }
    }
    return parts;
  }

  private includedModules(module: PyModule): string[] {
    const out: string[] = [];
    for (const node of this.index.nodes(module).calls) {
      if (lastSegment(calleeName(node) ?? '') !== 'include') continue;
      const target = this.includeTarget(module, node);
      if (target?.module) out.push(target.module.source.file);
    }
    return out;
  }

  private includeTarget(module: PyModule, call: Node): { module?: PyModule; list?: Node; listModule?: PyModule; router?: Node } | undefined {
    let arg = callArgs(call).positional[0];
    if (arg && unwrap(arg).type === 'tuple') arg = elements(arg)[0];
    if (!arg) return undefined;
    const name = literalString(arg);
    if (name !== undefined) {
      const target = this.index.resolveModule(name, module);
      return target ? { module: target } : undefined;
    }
    const target = unwrap(arg);
    if (target.type === 'list') return { list: target };
    if (target.type === 'attribute' && field(target, 'attribute')?.text === 'urls') return { router: target };
    const resolved = this.index.resolveExpr(module, target);
    if (resolved?.kind === 'module') return { module: resolved.module };
    if (resolved?.kind === 'value' && unwrap(resolved.node).type === 'list') return { list: unwrap(resolved.node), listModule: resolved.module };
    return undefined;
  }

  private urlconf(module: PyModule, prefix: string, wrappers: Guard[]): void {
    if (this.visiting.has(module.source.file)) return;
    this.visiting.add(module.source.file);
    for (const part of this.patternParts(module)) {
      const entry = unwrap(part.node);
      const kind = entry.type === 'call' ? lastSegment(calleeName(entry) ?? '') : '';
      if (part.single && URL_FUNCTIONS.has(kind)) this.pattern(part.module, entry, kind, prefix, wrappers);
      else if (!part.single) this.patterns(part.module, part.node, prefix, wrappers);
    }
    this.visiting.delete(module.source.file);
  }

  private patterns(module: PyModule, node: Node, prefix: string, wrappers: Guard[]): void {
    const target = unwrap(node);
    if (target.type === 'attribute' && field(target, 'attribute')?.text === 'urls') {
      const object = field(target, 'object');
      const router = object ? this.routerFor(module, object) : undefined;
      if (router) this.routerRoutes(router, prefix);
      return;
    }
    if (target.type === 'identifier') {
      const resolved = this.index.resolveExpr(module, target);
      if (resolved?.kind === 'value') this.patterns(resolved.module, resolved.node, prefix, wrappers);
      return;
    }
    if (target.type === 'call' && lastSegment(calleeName(target) ?? '') === 'format_suffix_patterns') {
      const inner = callArgs(target).positional[0];
      if (inner) this.patterns(module, inner, prefix, wrappers);
      return;
    }
    if (target.type === 'call' && !URL_FUNCTIONS.has(lastSegment(calleeName(target) ?? ''))) {
      // `urlpatterns = build_urls()` / `+ static(...)`: a list built by a call is not read.
      if (lastSegment(calleeName(target) ?? '') !== 'static') this.diagnose(module, target, `URL patterns built by ${calleeName(target) ?? 'a call'}() cannot be read statically; its routes are not listed.`);
      return;
    }
    for (const element of elements(target)) {
      const entry = unwrap(element);
      // `urlpatterns = [path(...), *router.urls, *other_patterns]`.
      if (entry.type === 'list_splat') {
        const inner = entry.firstNamedChild;
        if (inner) this.patterns(module, inner, prefix, wrappers);
        continue;
      }
      if (entry.type !== 'call') continue;
      const kind = lastSegment(calleeName(entry) ?? '');
      if (!URL_FUNCTIONS.has(kind)) continue;
      this.pattern(module, entry, kind, prefix, wrappers);
    }
  }

  private pattern(module: PyModule, entry: Node, kind: string, prefix: string, wrappers: Guard[]): void {
    const args = callArgs(entry);
    const routeNode = args.keywords.get('route') ?? args.positional[0];
    let raw = routeNode ? this.index.evalString(module, routeNode) : undefined;
    if (raw === undefined) {
      const viewNode = args.keywords.get('view') ?? args.positional[1];
      const view = viewNode ? unwrap(viewNode) : undefined;
      if (view?.type !== 'call' || lastSegment(calleeName(view) ?? '') !== 'include') {
        this.diagnose(module, entry, 'A URL pattern cannot be resolved statically; it is skipped.');
        return;
      }
      // The included routes are still served: list them without the part of the path that is not known.
      this.diagnose(module, entry, `The prefix ${routeNode?.text ?? ''} of an include() cannot be resolved statically; its routes are listed without it.`);
      raw = '';
    }
    const route = kind === 'path' ? raw : regexToPath(raw);
    const full = prefix + route;
    let view = args.keywords.get('view') ?? args.positional[1];
    if (!view) return;
    const guards = [...wrappers];
    let csrfExempt = false;
    // `login_required(views.x)`, `csrf_exempt(View.as_view())` wrap the view where it is routed.
    for (;;) {
      const target = unwrap(view);
      const schema = this.schemaView(module, target);
      if (schema) {
        const own = [...guards, ...this.drfGuards('GET', schema.permissions, undefined, !schema.permissions && schema.defaults === 'spectacular')];
        const fallback = { state: 'public' as const, mechanisms: ['none' as const], detail: `${schema.label} serves the API schema with AllowAny`, where: locate(module, entry), scope: 'route' as const };
        this.push(module, entry, 'GET', full, decide(own, fallback), undefined);
        return;
      }
      if (target.type !== 'call') break;
      const name = lastSegment(calleeName(target) ?? '');
      if (name === 'include' || name === 'as_view') break;
      const inner = callArgs(target).positional[0];
      if (!inner) break;
      if (name === 'csrf_exempt') csrfExempt = true;
      const callee = field(target, 'function');
      if (callee) guards.push(...decoratorGuard(classifyDecorator(this.index, module, callee), locate(module, target), 'route'));
      view = inner;
    }
    const target = unwrap(view);
    if (target.type === 'call' && lastSegment(calleeName(target) ?? '') === 'include') {
      const included = this.includeTarget(module, target);
      if (included?.module) this.urlconf(included.module, full, guards);
      else if (included?.list) this.patterns(included.listModule ?? module, included.list, full, guards);
      else if (included?.router) this.patterns(module, included.router, full, guards);
      else this.diagnose(module, entry, 'An include() target cannot be resolved; its routes are skipped.');
      return;
    }
    if (target.type === 'attribute' && target.text.endsWith('site.urls')) {
      this.push(module, entry, 'ANY', full, { state: 'protected', mechanisms: ['session'], detail: 'Django admin site (staff login)', where: locate(module, entry), scope: 'route' }, undefined);
      // The admin's own login form answers anonymous requests.
      const login = { state: 'public' as const, mechanisms: ['none' as const], detail: 'Django admin login form', where: locate(module, entry), scope: 'route' as const };
      for (const method of ['GET', 'POST']) this.push(module, entry, method, `${full.replace(/\/?$/, '/')}login/`, login, undefined);
      return;
    }
    if (target.type === 'call' && lastSegment(calleeName(target) ?? '') === 'as_view') {
      const fn = field(target, 'function');
      const owner = fn?.type === 'attribute' ? field(fn, 'object') : undefined;
      const resolved = owner ? this.index.resolveExpr(module, owner) : undefined;
      if (resolved?.kind === 'def' && resolved.node.type === 'class_definition') {
        this.classView(module, entry, full, this.viewClass(resolved.module, resolved.node), guards, csrfExempt, callArgs(target).positional[0]);
        return;
      }
      if (owner && GRAPHQL_VIEWS.has(lastSegment(owner.text))) {
        const auth = decide(guards, UNPROTECTED('the GraphQL view has no route-level guard'));
        this.push(module, entry, 'POST', full, withCsrf(auth, csrfExempt), undefined, 'graphql');
        return;
      }
      const external = lastSegment(owner?.text ?? '');
      const methods = GENERIC_METHODS[external] ?? ['ANY'];
      // Login and token views of Django and the DRF token packages declare AllowAny themselves.
      const qualified = resolved?.kind === 'external' ? resolved.qualified : '';
      const fallback = PUBLIC_VIEWS.has(external)
        ? { state: 'public' as const, mechanisms: ['none' as const], detail: `${external} is a login/token view`, where: locate(module, entry), scope: 'route' as const }
        : /^django\.views\.generic\b/.test(qualified) && GENERIC_METHODS[external]
          ? this.fallback(guards)
          : UNKNOWN('the view class comes from outside the project');
      for (const method of methods) this.push(module, entry, method, full, withCsrf(decide(guards, fallback), csrfExempt), undefined);
      return;
    }
    const resolved = this.index.resolveExpr(module, target);
    if (resolved?.kind === 'def' && resolved.node.type === 'function_definition') {
      this.functionView(module, entry, full, resolved.module, resolved.node, guards, csrfExempt);
      return;
    }
    this.push(module, entry, 'ANY', full, decide(guards, UNKNOWN(`the view ${target.text} cannot be resolved`)), undefined);
  }

  /**
   * API schema and docs views of drf-spectacular (`SpectacularAPIView.as_view()`, permissions from
   * `SPECTACULAR_SETTINGS["SERVE_PERMISSIONS"]`, AllowAny by default), drf-yasg
   * (`schema_view.with_ui("swagger")` / `.without_ui()` of `get_schema_view(...)`) and DRF's own
   * `get_schema_view(...)`; the last two take `permission_classes=` or the DRF default.
   */
  private schemaView(module: PyModule, target: Node): { label: string; permissions?: ListSetting; defaults: 'spectacular' | 'drf' } | undefined {
    let node = target;
    let from = module;
    if (node.type === 'identifier' || node.type === 'attribute') {
      const resolved = this.index.resolveExpr(module, node);
      if (resolved?.kind !== 'value') return undefined;
      node = unwrap(resolved.node);
      from = resolved.module;
    }
    if (node.type !== 'call') return undefined;
    const fn = field(node, 'function');
    const name = lastSegment(calleeName(node) ?? '');
    const permissionsOf = (call: Node, at: PyModule): ListSetting | undefined => {
      const list = callArgs(call).keywords.get('permission_classes');
      return list ? { module: at, node: list, names: [] } : undefined;
    };
    if (name === 'as_view' && fn?.type === 'attribute') {
      const owner = field(fn, 'object');
      const cls = owner ? lastSegment(dotted(owner) ?? '') : '';
      if (!/^Spectacular\w*View$/.test(cls)) return undefined;
      const permissions = permissionsOf(node, from);
      return { label: cls, ...(permissions ? { permissions } : {}), defaults: 'spectacular' };
    }
    const factory = (call: Node, at: PyModule): { label: string; permissions?: ListSetting; defaults: 'drf' } | undefined => {
      if (lastSegment(calleeName(call) ?? '') !== 'get_schema_view') return undefined;
      const permissions = permissionsOf(call, at);
      return { label: 'get_schema_view()', ...(permissions ? { permissions } : {}), defaults: 'drf' };
    };
    if (name === 'get_schema_view') return factory(node, from);
    if (/^(with_ui|without_ui|as_cached_view|as_view)$/.test(name) && fn?.type === 'attribute') {
      const owner = field(fn, 'object');
      const resolved = owner ? this.index.resolveExpr(from, owner) : undefined;
      const value = resolved?.kind === 'value' ? unwrap(resolved.node) : undefined;
      return value?.type === 'call' && resolved?.kind === 'value' ? factory(value, resolved.module) : undefined;
    }
    return undefined;
  }

  private functionView(module: PyModule, entry: Node, path: string, viewModule: PyModule, fn: Node, wrappers: Guard[], csrf: boolean): void {
    const guards = [...wrappers];
    let methods: string[] = ['ANY'];
    let drf = false;
    let permissions: ListSetting | undefined;
    let authentication: ListSetting | undefined;
    let csrfExempt = csrf;
    for (const decorator of decoratorsOf(fn)) {
      const target = unwrap(decorator);
      const name = lastSegment(dotted(target.type === 'call' ? (field(target, 'function') ?? target) : target) ?? '');
      const first = target.type === 'call' ? callArgs(target).positional[0] : undefined;
      if (name === 'api_view') {
        drf = true;
        methods = first ? stringList(first).map((m) => m.toUpperCase()) : ['GET'];
      } else if (name === 'require_http_methods' && first) methods = stringList(first).map((m) => m.toUpperCase());
      else if (name === 'require_GET') methods = ['GET'];
      else if (name === 'require_POST') methods = ['POST'];
      else if (name === 'require_safe') methods = ['GET', 'HEAD'];
      else if (name === 'permission_classes' && first) permissions = { module: viewModule, node: decorator, names: [] };
      else if (name === 'authentication_classes' && first) authentication = { module: viewModule, node: decorator, names: [] };
      else if (name === 'csrf_exempt') csrfExempt = true;
      else guards.push(...decoratorGuard(classifyDecorator(this.index, viewModule, decorator), locate(viewModule, decorator), 'route'));
    }
    const handler = locate(viewModule, fn);
    if (opensWithIdentityCheck(this.index, viewModule, fn)) {
      guards.push({ kind: 'protected', mechanisms: ['session'], detail: `${field(fn, 'name')?.text ?? 'the view'}() turns anonymous requests away first`, where: handler, scope: 'route' });
    } else if (!guards.some((guard) => guard.kind === 'protected')) {
      guards.push(...this.dispatchGuards(viewModule, fn, handler));
    }
    for (const method of methods) {
      const routeGuards = [...guards];
      if (drf) routeGuards.push(...this.drfGuards(method, permissions, authentication));
      const auth = decide(routeGuards, this.fallback(routeGuards));
      this.push(module, entry, method, path, withCsrf(auth, csrfExempt), handler);
    }
  }

  /**
   * `def checks(request): if request.method == "POST": return create_check(request); return get_checks(request)`:
   * a view whose every return hands the request to another project view is guarded as they are.
   */
  private dispatchGuards(module: PyModule, fn: Node, where: Location): Guard[] {
    const returns: Node[] = [];
    walk(field(fn, 'body') ?? fn, (node) => {
      if (node.type === 'function_definition' || node.type === 'class_definition' || node.type === 'lambda') return false;
      if (node.type === 'return_statement') returns.push(node);
      return node.type !== 'return_statement';
    });
    if (returns.length === 0) return [];
    const verdicts: Guard[][] = [];
    for (const statement of returns) {
      const value = statement.firstNamedChild ? unwrap(statement.firstNamedChild) : undefined;
      const callee = value?.type === 'call' ? field(value, 'function') : undefined;
      const resolved = callee ? this.index.resolveExpr(module, callee) : undefined;
      if (resolved?.kind !== 'def' || resolved.node.type !== 'function_definition' || !/\brequest\b/.test(field(value as Node, 'arguments')?.text ?? '')) return [];
      verdicts.push(decoratorsOf(resolved.node).flatMap((d) => decoratorGuard(classifyDecorator(this.index, resolved.module, d), locate(resolved.module, d), 'route')));
    }
    const protectedAll = verdicts.every((guards) => guards.some((guard) => guard.kind === 'protected'));
    if (protectedAll) {
      const mechanisms = [...new Set(verdicts.flatMap((guards) => guards.filter((g) => g.kind === 'protected').flatMap((g) => g.mechanisms)))];
      return [{ kind: 'protected', mechanisms, detail: `every branch of ${field(fn, 'name')?.text ?? 'the view'}() hands the request to a guarded view`, where, scope: 'route' }];
    }
    if (verdicts.some((guards) => guards.some((guard) => guard.kind === 'protected'))) {
      return [{ kind: 'unknown', mechanisms: ['unknown'], detail: `${field(fn, 'name')?.text ?? 'the view'}() guards some request methods only`, where, scope: 'route' }];
    }
    return [];
  }

  private fallback(guards: readonly Guard[]): AuthEvidence {
    const middleware = this.settings.loginRequiredMiddleware;
    if (middleware && !guards.some((guard) => guard.kind === 'public')) {
      return { state: 'protected', mechanisms: ['session'], detail: 'LoginRequiredMiddleware', where: middleware, scope: 'app' };
    }
    return UNPROTECTED('no decorator, mixin or permission class guards this view');
  }

  private classView(module: PyModule, entry: Node, path: string, view: ViewClass, wrappers: Guard[], csrf: boolean, actionsNode: Node | undefined): void {
    const guards = [...wrappers, ...this.classGuards(view)];
    const drf = this.isDrf(view);
    if (actionsNode && unwrap(actionsNode).type === 'dictionary') {
      for (const pair of kids(unwrap(actionsNode))) {
        if (pair.type !== 'pair') continue;
        const method = literalString(field(pair, 'key'))?.toUpperCase();
        const action = literalString(field(pair, 'value'));
        if (method === undefined || action === undefined) continue;
        this.emitMethod(module, entry, path, view, method, action, guards, drf, csrf);
      }
      return;
    }
    const methods = new Set<string>();
    for (const base of view.bases) for (const method of GENERIC_METHODS[base] ?? []) methods.add(method);
    for (const name of view.methods.keys()) if (HTTP.includes(name)) methods.add(name.toUpperCase());
    if (methods.size === 0) methods.add('ANY');
    for (const method of methods) this.emitMethod(module, entry, path, view, method, method.toLowerCase(), guards, drf, csrf);
  }

  private emitMethod(module: PyModule, entry: Node, path: string, view: ViewClass, method: string, action: string, guards: Guard[], drf: boolean, csrf: boolean, location?: Node): void {
    const fn = view.methods.get(action);
    const own = [...guards];
    if (fn) own.push(...decoratorsOf(fn.fn).flatMap((d) => decoratorGuard(classifyDecorator(this.index, fn.module, d), locate(fn.module, d), 'route')));
    if (drf) {
      // APIRootView and views declaring `_ignore_model_permissions = True` are outside model permissions.
      this.rootView = view.bases.has('APIRootView') || this.attribute(view, '_ignore_model_permissions')?.node.text === 'True';
      own.push(...this.viewPermissionGuards(view, method, fn?.fn));
      this.rootView = false;
    }
    const auth = decide(own, drf ? UNPROTECTED('no permission class applies') : this.fallback(own));
    const handler = fn ? locate(fn.module, fn.fn) : locate(view.module, view.node);
    this.push(module, location ?? entry, method, path, withCsrf(auth, csrf || this.hasCsrfExempt(view)), handler);
  }

  private hasCsrfExempt(view: ViewClass): boolean {
    return decoratorsOf(view.node).some((d) => d.text.includes('csrf_exempt'));
  }

  private viewClass(module: PyModule, node: Node): ViewClass {
    let known = this.views.get(module);
    if (!known) {
      known = new Map();
      this.views.set(module, known);
    }
    let view = known.get(node.id);
    if (!view) {
      view = this.readViewClass(module, node);
      known.set(node.id, view);
    }
    return view;
  }

  private readViewClass(module: PyModule, node: Node): ViewClass {
    const bases = new Set<string>();
    const methods = new Map<string, { module: PyModule; fn: Node }>();
    const visit = (mod: PyModule, cls: Node, depth: number): void => {
      if (depth > 6) return;
      for (const base of superclassNodes(cls)) {
        const name = lastSegment(dotted(base) ?? '');
        bases.add(name);
        const resolved = this.index.resolveExpr(mod, base);
        if (resolved?.kind === 'def' && resolved.node.type === 'class_definition') visit(resolved.module, resolved.node, depth + 1);
      }
      for (const [name, fn] of methodsOf(cls)) methods.set(name, { module: mod, fn });
    };
    visit(module, node, 0);
    return { module, node, bases, methods };
  }

  private isDrf(view: ViewClass): boolean {
    return [...view.bases].some((base) => /APIView|ViewSet|ModelMixin|^ObtainAuthToken$|^Token\w+View$/.test(base));
  }

  /** Django mixins and `@method_decorator(login_required, name="dispatch")` on the class. */
  private classGuards(view: ViewClass): Guard[] {
    const guards: Guard[] = [];
    // A project mixin whose `dispatch` turns callers without the permission away first (`if not self.has_permission(): return self.handle_no_permission()`).
    const dispatch = view.methods.get('dispatch');
    if (dispatch && opensWithIdentityCheck(this.index, dispatch.module, dispatch.fn)) {
      guards.push({ kind: 'protected', mechanisms: ['session'], detail: 'dispatch() turns callers without permission away first', where: locate(dispatch.module, dispatch.fn), scope: 'route' });
    }
    for (const base of view.bases) {
      if (LOGIN_MIXINS.has(base)) guards.push({ kind: 'protected', mechanisms: ['session'], detail: base, where: locate(view.module, view.node), scope: 'route' });
    }
    const decorated = [...decoratorsOf(view.node), ...(view.methods.get('dispatch') ? decoratorsOf(view.methods.get('dispatch')?.fn ?? view.node) : [])];
    for (const decorator of decorated) {
      const target = unwrap(decorator);
      if (target.type !== 'call' || lastSegment(calleeName(target) ?? '') !== 'method_decorator') continue;
      const args = callArgs(target);
      const name = literalString(args.keywords.get('name'));
      if (name !== undefined && name !== 'dispatch') continue;
      for (const inner of elements(args.positional[0])) {
        guards.push(...decoratorGuard(classifyDecorator(this.index, view.module, inner), locate(view.module, decorator), 'route'));
      }
    }
    return guards;
  }

  private attribute(view: ViewClass, name: string): { module: PyModule; node: Node } | undefined {
    let known = this.attributes.get(view);
    if (!known) {
      known = new Map();
      this.attributes.set(view, known);
    }
    if (known.has(name)) return known.get(name);
    const resolved = this.index.classMember(view.module, view.node, name);
    const found = resolved?.kind === 'value' ? { module: resolved.module, node: resolved.node } : undefined;
    known.set(name, found);
    return found;
  }

  private viewPermissionGuards(view: ViewClass, method: string, fn: Node | undefined): Guard[] {
    if (view.methods.has('get_permissions')) {
      const where = view.methods.get('get_permissions');
      return [{ kind: 'unknown', mechanisms: ['unknown'], detail: 'get_permissions() chooses permissions at run time', where: locate(where?.module ?? view.module, where?.fn ?? view.node), scope: 'route' }];
    }
    let permissions: ListSetting | undefined;
    const actionPermissions = fn ? actionKeyword(fn, 'permission_classes') : undefined;
    if (actionPermissions) permissions = { module: view.module, node: actionPermissions, names: [] };
    const attribute = this.attribute(view, 'permission_classes');
    if (!permissions && attribute) permissions = { module: attribute.module, node: attribute.node, names: [] };
    // A project subclass of DRF's token views (`class CustomAuthToken(ObtainAuthToken)`) keeps the
    // library view's own `permission_classes = ()`, not the settings' default.
    const library = permissions ? undefined : [...view.bases].find((base) => PUBLIC_VIEWS.has(base));
    if (library) return [{ kind: 'public', mechanisms: ['none'], detail: `${library} declares its own empty permission_classes`, where: locate(view.module, view.node), scope: 'route' }];
    const authAttribute = this.attribute(view, 'authentication_classes');
    const authentication = authAttribute ? { module: authAttribute.module, node: authAttribute.node, names: [] } : undefined;
    return this.drfGuards(method, permissions, authentication);
  }

  private drfGuards(method: string, permissions: ListSetting | undefined, authentication: ListSetting | undefined, spectacular = false): Guard[] {
    const source = permissions ?? (spectacular ? this.settings.schemaPermissions : this.settings.permissions);
    const where = source ? locate(source.module, source.node) : undefined;
    const scope = permissions ? 'route' : 'app';
    const outcome = source ? this.permissionOutcome(source, method) : { kind: 'none' as const, detail: 'DRF default AllowAny' };
    if (!where || outcome.kind === 'none') return [];
    if (outcome.kind === 'public') return [{ kind: 'public', mechanisms: ['none'], detail: outcome.detail, where, scope }];
    if (outcome.kind === 'unknown') return [{ kind: 'unknown', mechanisms: ['unknown'], detail: outcome.detail, where, scope }];
    const mechanisms = outcome.mechanism ? [outcome.mechanism] : this.authMechanisms(authentication);
    return [{ kind: 'protected', mechanisms, detail: outcome.detail, where, scope }];
  }

  private authMechanisms(authentication: ListSetting | undefined): AuthMechanism[] {
    const source = authentication ?? this.settings.authentication;
    if (!source) return ['session', 'basic'];
    const names = source.names.length > 0 ? source.names : this.classNodes(source).map((node) => dotted(node) ?? node.text);
    const out = new Set<AuthMechanism>();
    for (const name of names) {
      const mechanism = AUTH_CLASSES[lastSegment(name)];
      out.add(mechanism ?? (/jwt/i.test(name) ? 'jwt' : /token|key/i.test(name) ? 'api-key' : 'unknown'));
    }
    return out.size > 0 ? [...out] : ['unknown'];
  }

  private classNodes(setting: ListSetting): Node[] {
    const node = unwrap(setting.node);
    if (node.type === 'decorator' || node.type === 'call') {
      const call = node.type === 'decorator' ? unwrap(kids(node)[0] ?? node) : node;
      return elements(callArgs(call).positional[0]);
    }
    if (node.type === 'pair') return elements(field(node, 'value'));
    return elements(node);
  }

  private permissionOutcome(setting: ListSetting, method: string): PermissionOutcome {
    const items = setting.names.length > 0 ? setting.names.map((name) => ({ name, node: undefined })) : this.classNodes(setting).map((node) => ({ name: dotted(node) ?? node.text, node }));
    if (items.length === 0) return { kind: 'public', detail: 'permission_classes = [] (explicitly empty)' };
    const outcomes = items.map((item) => this.onePermission(setting.module, item.name, item.node, method));
    const protecting = outcomes.find((o) => o.kind === 'protected');
    if (protecting) return protecting;
    const unknown = outcomes.find((o) => o.kind === 'unknown');
    if (unknown) return unknown;
    const publicOne = outcomes.find((o) => o.kind === 'public');
    if (publicOne) return publicOne;
    return { kind: 'none', detail: 'no permission class requires authentication' };
  }

  private onePermission(module: PyModule, name: string, node: Node | undefined, method: string): PermissionOutcome {
    const target = node ? unwrap(node) : undefined;
    if (target?.type === 'binary_operator') {
      const operator = target.childForFieldName('operator')?.text;
      const left = field(target, 'left');
      const right = field(target, 'right');
      const a = left ? this.onePermission(module, dotted(left) ?? left.text, left, method) : undefined;
      const b = right ? this.onePermission(module, dotted(right) ?? right.text, right, method) : undefined;
      if (!a || !b) return { kind: 'unknown', detail: target.text };
      if (operator === '&') return a.kind === 'protected' ? a : b.kind === 'protected' ? b : { kind: 'unknown', detail: target.text };
      return a.kind === 'protected' && b.kind === 'protected' ? { kind: 'protected', detail: target.text } : { kind: 'unknown', detail: target.text };
    }
    const last = lastSegment(name);
    if (last === 'AllowAny') return { kind: 'public', detail: 'AllowAny' };
    if (this.rootView && MODEL_PERMISSIONS.has(last)) return { kind: 'none', detail: `${last} does not apply to the API root view` };
    if (PERMISSION_PROTECTS.has(last)) return { kind: 'protected', detail: last };
    if (PERMISSION_READONLY.has(last)) return SAFE.has(method) ? { kind: 'public', detail: `${last} (read-only access is anonymous)` } : { kind: 'protected', detail: last };
    const mechanism = PERMISSION_MECHANISM[last];
    if (mechanism) return { kind: 'protected', detail: last, mechanism };
    const resolved = target ? this.index.resolveExpr(module, target) : this.resolveDotted(name);
    if (resolved?.kind === 'def' && resolved.node.type === 'class_definition') return this.customPermission(resolved.module, resolved.node, last, method);
    return { kind: 'unknown', detail: `${last} cannot be analysed` };
  }

  private resolveDotted(name: string): ReturnType<PyIndex['resolveExpr']> {
    const dot = name.lastIndexOf('.');
    if (dot < 0) return undefined;
    const module = this.index.resolveModule(name.slice(0, dot));
    return module ? this.index.resolveName(module, name.slice(dot + 1)) : undefined;
  }

  private customPermission(module: PyModule, cls: Node, name: string, method: string): PermissionOutcome {
    const key = `${module.source.file}\u0000${cls.id}\u0000${name}\u0000${method}\u0000${this.rootView}`;
    let outcome = this.customPermissions.get(key);
    if (!outcome) {
      outcome = this.readCustomPermission(module, cls, name, method);
      this.customPermissions.set(key, outcome);
    }
    return outcome;
  }

  private readCustomPermission(module: PyModule, cls: Node, name: string, method: string): PermissionOutcome {
    if (this.rootView && [...this.viewClass(module, cls).bases].some((base) => MODEL_PERMISSIONS.has(base))) {
      return { kind: 'none', detail: `${name} (model permissions) does not apply to the API root view` };
    }
    const member = this.index.classMember(module, cls, 'has_permission');
    if (member?.kind !== 'def') return { kind: 'none', detail: `${name} only checks object permissions` };
    const text = member.node.text;
    // `if isinstance(request.auth, AccessToken): return super().has_permission(...)` / `else: return True`:
    // a request without credentials takes the branch that lets it through.
    const through = unguardedTrue(member.node);
    if (through) return { kind: 'unknown', detail: `${name}.has_permission returns True without checking the caller (${locate(member.module, through).file}:${locate(member.module, through).line})` };
    const readsIdentity = /is_authenticated|is_staff|is_superuser|request\.auth\b|has_perm|groups\.|request\.user\s+and\b|bool\(request\.user/.test(text);
    if (/SAFE_METHODS/.test(text) && SAFE.has(method)) return { kind: 'unknown', detail: `${name} lets safe methods through` };
    const body = analyseBody(this.index, member.module, member.node);
    if (!body.enforces && body.configGated !== undefined) return { kind: 'unknown', detail: `${name} checks the caller only when ${body.configGated} (a configuration setting, not the request)` };
    if (readsIdentity) return { kind: 'protected', detail: name };
    if (body.enforces) return { kind: 'protected', detail: name, ...(body.mechanisms.size === 1 ? { mechanism: [...body.mechanisms][0] ?? 'unknown' } : {}) };
    return isAuthish(name) ? { kind: 'unknown', detail: `${name}.has_permission cannot be analysed` } : { kind: 'unknown', detail: `${name}.has_permission cannot be analysed` };
  }

  private routerRoutes(router: Router, prefix: string): void {
    const slash = router.trailing;
    if (router.isDefault) {
      // APIRootView sets `_ignore_model_permissions`: model-permission classes let every caller see the root.
      this.rootView = true;
      const auth = decide(this.drfGuards('GET', undefined, undefined), UNPROTECTED('API root view with DRF default permissions'));
      this.rootView = false;
      this.push(router.module, router.at, 'GET', prefix, auth, undefined);
    }
    for (const call of router.registrations) {
      const args = callArgs(call);
      const prefixNode = args.keywords.get('prefix') ?? args.positional[0];
      const viewsetNode = args.keywords.get('viewset') ?? args.positional[1];
      const raw = prefixNode ? this.index.evalString(router.module, prefixNode) : undefined;
      const resolved = viewsetNode ? this.index.resolveExpr(router.module, viewsetNode) : undefined;
      if (raw === undefined || resolved?.kind !== 'def' || resolved.node.type !== 'class_definition') {
        this.diagnose(router.module, call, 'A router registration cannot be resolved statically; its routes are skipped.');
        continue;
      }
      const parents = this.nestedBase(router, new Set());
      if (parents === undefined) {
        this.diagnose(router.module, call, 'The parent route of a nested router cannot be resolved statically; its routes are skipped.');
        continue;
      }
      const base = prefix + parents + regexToPath(raw);
      const view = this.viewClass(resolved.module, resolved.node);
      const lookup = this.lookupOf(view);
      const actions = new Set<string>();
      for (const name of view.bases) for (const action of VIEWSET_ACTIONS[name] ?? []) actions.add(action);
      for (const name of view.methods.keys()) if (ACTION_ROUTES[name]) actions.add(name);
      const guards = this.classGuards(view);
      for (const action of ['list', 'create', 'retrieve', 'update', 'partial_update', 'destroy']) {
        const route = ACTION_ROUTES[action];
        if (!actions.has(action) || !route) continue;
        const path = route.detail ? `${base}/{${lookup}}${slash}` : `${base}${slash}`;
        this.emitMethod(router.module, call, path, view, route.method, action, guards, true, false);
      }
      // The router's extra mappings route to an action only when the viewset implements it (NetBox's bulk_partial_update).
      for (const [mapping, detail] of [[router.extra?.list ?? [], false], [router.extra?.detail ?? [], true]] as const) {
        for (const [method, action] of mapping) {
          if (!view.methods.has(action)) continue;
          this.emitMethod(router.module, call, detail ? `${base}/{${lookup}}${slash}` : `${base}${slash}`, view, method, action, guards, true, false);
        }
      }
      for (const [name, entry] of view.methods) {
        const decorator = decoratorsOf(entry.fn).map(unwrap).find((d) => d.type === 'call' && lastSegment(calleeName(d) ?? '') === 'action');
        if (!decorator) continue;
        const actionArgs = callArgs(decorator);
        const detail = actionArgs.keywords.get('detail')?.text === 'True';
        const urlPath = literalString(actionArgs.keywords.get('url_path')) ?? name;
        const methods = actionArgs.keywords.has('methods') ? stringList(actionArgs.keywords.get('methods')).map((m) => m.toUpperCase()) : ['GET'];
        const path = detail ? `${base}/{${lookup}}/${urlPath}${slash}` : `${base}/${urlPath}${slash}`;
        for (const method of methods) this.emitMethod(router.module, call, path, view, method, name, guards, true, false);
      }
    }
  }

  private lookupOf(view: ViewClass): string {
    return literalString(this.attribute(view, 'lookup_url_kwarg')?.node) ?? literalString(this.attribute(view, 'lookup_field')?.node) ?? 'pk';
  }

  /**
   * The path a nested router's registrations hang below (`books/{book_pk}/`), parents first; '' for
   * a plain router; undefined when the parent router, its registration or the lookup cannot be read.
   */
  private nestedBase(router: Router, seen: Set<Router>): string | undefined {
    if (!router.nested) return '';
    if (seen.has(router)) return undefined;
    seen.add(router);
    const parent = this.routerFor(router.module, router.nested.parent);
    const parentPrefix = router.nested.prefix ? this.index.evalString(router.module, router.nested.prefix) : undefined;
    if (!parent || parentPrefix === undefined) return undefined;
    const above = this.nestedBase(parent, seen);
    if (above === undefined) return undefined;
    for (const call of parent.registrations) {
      const args = callArgs(call);
      const prefixNode = args.keywords.get('prefix') ?? args.positional[0];
      const viewsetNode = args.keywords.get('viewset') ?? args.positional[1];
      if (!prefixNode || this.index.evalString(parent.module, prefixNode) !== parentPrefix || !viewsetNode) continue;
      const resolved = this.index.resolveExpr(parent.module, viewsetNode);
      if (resolved?.kind !== 'def' || resolved.node.type !== 'class_definition') return undefined;
      const kwarg = `${router.nested.lookup}_${this.lookupOf(this.viewClass(resolved.module, resolved.node))}`;
      const segment = `${regexToPath(parentPrefix)}/{${kwarg}}/`;
      return above + (parentPrefix === '' ? segment.replace(/^\//, '') : segment);
    }
    return undefined;
  }

  private push(module: PyModule, at: Node, method: string, path: string, auth: AuthEvidence, handler: Location | undefined, protocol: 'rest' | 'graphql' = 'rest'): void {
    this.out.push(
      makeEndpoint({
        framework: ID,
        method,
        path: normaliseAnglePath(concatPaths(path)),
        protocol,
        location: locate(module, at),
        auth,
        ...(handler ? { handler } : {}),
      }),
    );
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

function actionKeyword(fn: Node, keyword: string): Node | undefined {
  for (const decorator of decoratorsOf(fn)) {
    const target = unwrap(decorator);
    if (target.type === 'call' && lastSegment(calleeName(target) ?? '') === 'action') return callArgs(target).keywords.get(keyword);
  }
  return undefined;
}

function withCsrf(auth: AuthEvidence, csrfExempt: boolean): AuthEvidence {
  return csrfExempt ? { ...auth, detail: `${auth.detail ?? ''}${auth.detail ? '; ' : ''}csrf_exempt` } : auth;
}

export const djangoCollector: CodeCollector = {
  id: ID,
  languages: ['python'],
  enablers: ['django', 'djangorestframework'],
  isEnabled: (project, sources) => pythonEnabled(project, sources, [ID], /^\s*(from|import)\s+(django|rest_framework)\b/m),
  collect(sources: readonly SourceFile[]) {
    const scan = new DjangoScan(pythonIndex(sources));
    return { endpoints: sortEndpoints(scan.run()), diagnostics: scan.diagnostics };
  },
};
