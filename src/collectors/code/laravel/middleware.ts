import type { AuthMechanism, Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import { callArguments, callName, field, isCall, kids, locate, unwrap, walk } from '../php/ast.js';
import type { PhpClass, PhpFile, PhpProject, PhpValue } from '../php/project.js';
import { FRAMEWORK_MIDDLEWARE } from './framework-middleware.js';

/** Laravel's own aliases (Illuminate\Foundation\Http\Kernel and Laravel 11's Middleware defaults). */
const DEFAULT_ALIASES: Record<string, string> = {
  auth: 'Illuminate\\Auth\\Middleware\\Authenticate',
  'auth.basic': 'Illuminate\\Auth\\Middleware\\AuthenticateWithBasicAuth',
  'auth.session': 'Illuminate\\Session\\Middleware\\AuthenticateSession',
  'cache.headers': 'Illuminate\\Http\\Middleware\\SetCacheHeaders',
  can: 'Illuminate\\Auth\\Middleware\\Authorize',
  guest: 'Illuminate\\Auth\\Middleware\\RedirectIfAuthenticated',
  'password.confirm': 'Illuminate\\Auth\\Middleware\\RequirePassword',
  precognitive: 'Illuminate\\Foundation\\Http\\Middleware\\HandlePrecognitiveRequests',
  signed: 'Illuminate\\Routing\\Middleware\\ValidateSignature',
  throttle: 'Illuminate\\Routing\\Middleware\\ThrottleRequests',
  verified: 'Illuminate\\Auth\\Middleware\\EnsureEmailIsVerified',
  bindings: 'Illuminate\\Routing\\Middleware\\SubstituteBindings',
};

/** Middleware classes that reject a request without valid credentials, by the mechanism they accept. */
const AUTHENTICATING: Record<string, AuthMechanism | 'guard'> = {
  'Illuminate\\Auth\\Middleware\\Authenticate': 'guard',
  'Illuminate\\Auth\\Middleware\\AuthenticateWithBasicAuth': 'basic',
  'Laravel\\Sanctum\\Http\\Middleware\\CheckAbilities': 'api-key',
  'Laravel\\Sanctum\\Http\\Middleware\\CheckForAnyAbility': 'api-key',
  'Laravel\\Passport\\Http\\Middleware\\CheckClientCredentials': 'oauth2',
  'Laravel\\Passport\\Http\\Middleware\\CheckClientCredentialsForAnyScope': 'oauth2',
  'Laravel\\Passport\\Http\\Middleware\\CheckScopes': 'oauth2',
  'Laravel\\Passport\\Http\\Middleware\\CheckForAnyScope': 'oauth2',
  'Laravel\\Passport\\Http\\Middleware\\CheckToken': 'oauth2',
  'Laravel\\Passport\\Http\\Middleware\\CheckTokenForAnyScope': 'oauth2',
  'Tymon\\JWTAuth\\Http\\Middleware\\Authenticate': 'jwt',
  'Tymon\\JWTAuth\\Http\\Middleware\\RefreshToken': 'jwt',
  'Tymon\\JWTAuth\\Http\\Middleware\\AuthenticateAndRenew': 'jwt',
  'PHPOpenSourceSaver\\JWTAuth\\Http\\Middleware\\Authenticate': 'jwt',
  'PHPOpenSourceSaver\\JWTAuth\\Http\\Middleware\\AuthenticateAndRenew': 'jwt',
};

/** Authorization middleware: they check what an (often already authenticated) user may do. */
const AUTHORIZING = new Set([
  'Illuminate\\Auth\\Middleware\\Authorize',
  'Spatie\\Permission\\Middleware\\RoleMiddleware',
  'Spatie\\Permission\\Middleware\\PermissionMiddleware',
  'Spatie\\Permission\\Middleware\\RoleOrPermissionMiddleware',
  'Spatie\\Permission\\Middlewares\\RoleMiddleware',
  'Spatie\\Permission\\Middlewares\\PermissionMiddleware',
  'Spatie\\Permission\\Middlewares\\RoleOrPermissionMiddleware',
]);
const AUTHORIZING_ALIASES = new Set(['can', 'role', 'permission', 'role_or_permission', 'ability', 'abilities', 'scope', 'scopes']);

const THROTTLING = new Set(['Illuminate\\Routing\\Middleware\\ThrottleRequests', 'Illuminate\\Routing\\Middleware\\ThrottleRequestsWithRedis']);

/** One middleware applied to a route, as written (`'auth:sanctum'`, `EnsureTokenIsValid::class`). */
export interface MiddlewareUse {
  /** Alias or fully qualified class name. */
  name: string;
  params: string[];
  where: Location;
  /** The expression could not be read statically. */
  unreadable?: boolean;
}

export type MiddlewareKind =
  | { kind: 'authenticates'; mechanism: AuthMechanism; detail: string }
  | { kind: 'authorizes'; detail: string }
  | { kind: 'throttles'; limit: string }
  | { kind: 'neutral' }
  | { kind: 'unknown'; reason: string };

/** Laravel's middleware configuration: aliases, groups and the global stack. */
export class MiddlewareConfig {
  readonly aliases = new Map<string, string>(Object.entries(DEFAULT_ALIASES));
  /** Laravel's own `web` and `api` groups hold framework middleware only (sessions, CSRF, bindings). */
  readonly groups = new Map<string, MiddlewareUse[]>([
    ['web', []],
    ['api', []],
  ]);
  readonly global: MiddlewareUse[] = [];
  /** Guard name → driver, from config/auth.php. */
  readonly guards = new Map<string, string>([
    ['web', 'session'],
    ['sanctum', 'sanctum'],
  ]);
  defaultGuard = 'web';
  /** Named limiters: `RateLimiter::for('api', fn …)` → where it is defined. */
  readonly limiters = new Map<string, string>();
  private readonly verdicts = new Map<string, MiddlewareKind>();

  constructor(private readonly project: PhpProject) {
    for (const file of project.files.values()) {
      for (const cls of file.classes) if (project.extendsClass(cls, 'Illuminate\\Foundation\\Http\\Kernel')) this.readKernel(cls);
      if (/(^|\/)bootstrap\/app\.php$/.test(file.source.file)) this.readBootstrap(file);
      if (/(^|\/)config\/auth\.php$/.test(file.source.file)) this.readAuthConfig(file);
      if (file.source.text.includes('RateLimiter::for')) this.readLimiters(file);
    }
  }

  private uses(file: PhpFile, node: Node | undefined): MiddlewareUse[] {
    if (!node) return [];
    return middlewareUses(this.project, file, node);
  }

  private readKernel(cls: PhpClass): void {
    const file = cls.file;
    const global = cls.properties.get('middleware');
    if (global) this.global.push(...this.uses(file, global));
    const groups = cls.properties.get('middlewareGroups');
    if (groups) this.readGroups(file, groups);
    for (const property of ['routeMiddleware', 'middlewareAliases']) {
      const node = cls.properties.get(property);
      if (node) this.readAliases(file, node);
    }
  }

  private readGroups(file: PhpFile, node: Node): void {
    const value = this.project.evaluate(file, node);
    if (value.kind !== 'array') return;
    for (const entry of value.entries) {
      if (entry.key?.kind !== 'string') continue;
      this.groups.set(entry.key.value, [...(this.groups.get(entry.key.value) ?? []), ...this.uses(file, entry.node)]);
    }
  }

  private readAliases(file: PhpFile, node: Node): void {
    const value = this.project.evaluate(file, node);
    if (value.kind !== 'array') return;
    for (const entry of value.entries) {
      if (entry.key?.kind === 'string' && entry.value.kind === 'class') this.aliases.set(entry.key.value, entry.value.fqn);
    }
  }

  /** Laravel 11+: `->withMiddleware(function (Middleware $middleware) { $middleware->alias([...]); ... })`. */
  private readBootstrap(file: PhpFile): void {
    walk(file.source.tree.rootNode, (node) => {
      if (node.type !== 'member_call_expression') return true;
      const object = field(node, 'object');
      if (object?.type !== 'variable_name') return true;
      const name = callName(node);
      const args = kidsOfArguments(node);
      switch (name) {
        case 'alias':
          if (args[0]) this.readAliases(file, args[0].value);
          break;
        case 'api':
        case 'web': {
          for (const arg of args) {
            if (arg.name === 'remove') continue;
            this.groups.set(name, [...(this.groups.get(name) ?? []), ...this.uses(file, arg.value)]);
          }
          break;
        }
        case 'appendToGroup':
        case 'prependToGroup':
        case 'group': {
          const group = args[0] ? this.project.evaluate(file, args[0].value) : undefined;
          if (group?.kind === 'string' && args[1]) this.groups.set(group.value, [...(this.groups.get(group.value) ?? []), ...this.uses(file, args[1].value)]);
          break;
        }
        case 'throttleApi': {
          const limiter = args[0] ? this.project.evaluate(file, args[0].value) : undefined;
          const use: MiddlewareUse = { name: 'throttle', params: [limiter?.kind === 'string' ? limiter.value : 'api'], where: locate(file.source.file, node) };
          this.groups.set('api', [...(this.groups.get('api') ?? []), use]);
          break;
        }
        case 'append':
        case 'prepend':
        case 'use':
          for (const arg of args) this.global.push(...this.uses(file, arg.value));
          break;
        default:
          break;
      }
      return true;
    });
  }

  private readLimiters(file: PhpFile): void {
    walk(file.source.tree.rootNode, (node) => {
      if (node.type !== 'scoped_call_expression' || callName(node) !== 'for' || !/^\\?(?:Illuminate\\Support\\Facades\\)?RateLimiter$/.test(field(node, 'scope')?.text ?? '')) return true;
      const name = kidsOfArguments(node)[0];
      const value = name ? this.project.evaluate(file, name.value) : undefined;
      if (value?.kind === 'string') this.limiters.set(value.value, `${file.source.file}:${String(node.startPosition.row + 1)}`);
      return false;
    });
  }

  /** `throttle:60,1` as written; `throttle:api` with the place of its `RateLimiter::for('api')`. */
  private throttleLimit(params: readonly string[]): string {
    const [first = 'default'] = params;
    const defined = params.length === 1 ? this.limiters.get(first) : undefined;
    return defined !== undefined ? `${first} (RateLimiter::for at ${defined})` : params.join(',') || 'default';
  }

  private readAuthConfig(file: PhpFile): void {
    const returned = kids(file.source.tree.rootNode).find((node) => node.type === 'return_statement');
    const expression = returned ? kids(returned)[0] : undefined;
    if (!expression) return;
    const config = this.project.evaluate(file, expression);
    const defaults = entryOf(config, 'defaults');
    const guard = entryOf(defaults, 'guard');
    if (guard?.kind === 'string') this.defaultGuard = guard.value;
    const guards = entryOf(config, 'guards');
    if (guards?.kind !== 'array') return;
    for (const entry of guards.entries) {
      const driver = entryOf(entry.value, 'driver');
      if (entry.key?.kind === 'string' && driver?.kind === 'string') this.guards.set(entry.key.value, driver.value);
    }
  }

  /** The middleware a name stands for: a group's members, or itself. */
  expand(use: MiddlewareUse, seen = new Set<string>()): MiddlewareUse[] {
    const group = this.groups.get(use.name);
    if (!group || use.params.length > 0 || seen.has(use.name)) return [use];
    seen.add(use.name);
    return group.flatMap((member) => this.expand(member, seen));
  }

  classOf(name: string): string {
    return this.aliases.get(name) ?? name;
  }

  /** What one middleware does to an unauthenticated request. */
  classify(use: MiddlewareUse): MiddlewareKind {
    if (use.unreadable) return { kind: 'unknown', reason: `middleware \`${use.name}\` cannot be read statically` };
    const fqn = this.classOf(use.name);
    const known = AUTHENTICATING[fqn];
    const label = use.params.length > 0 ? `${use.name}:${use.params.join(',')}` : use.name;
    if (known === 'guard') return { kind: 'authenticates', mechanism: this.guardMechanism(use.params), detail: label };
    if (known) return { kind: 'authenticates', mechanism: known, detail: label };
    if (AUTHORIZING.has(fqn) || (fqn === use.name && AUTHORIZING_ALIASES.has(use.name))) return { kind: 'authorizes', detail: label };
    if (THROTTLING.has(fqn)) return { kind: 'throttles', limit: this.throttleLimit(use.params) };
    const cls = this.project.classOf(fqn);
    if (cls) {
      if (this.project.extendsClass(cls, 'Illuminate\\Auth\\Middleware\\Authenticate')) {
        return { kind: 'authenticates', mechanism: this.guardMechanism(use.params), detail: `${label} (${cls.name} extends Laravel's Authenticate)` };
      }
      const parent = this.project.ancestry(cls).external;
      if (parent && AUTHENTICATING[parent]) {
        const mechanism = AUTHENTICATING[parent];
        return { kind: 'authenticates', mechanism: mechanism === 'guard' ? this.guardMechanism(use.params) : mechanism, detail: `${label} (extends ${parent})` };
      }
      if (parent && AUTHORIZING.has(parent)) return { kind: 'authorizes', detail: label };
      if (parent && THROTTLING.has(parent)) return { kind: 'throttles', limit: this.throttleLimit(use.params) };
      return this.custom(cls, label);
    }
    if (frameworkNeutral(fqn)) return { kind: 'neutral' };
    if (fqn === use.name && !fqn.includes('\\')) return { kind: 'unknown', reason: `middleware alias \`${use.name}\` is not registered in the project` };
    return { kind: 'unknown', reason: `middleware ${fqn} is outside the project` };
  }

  private guardMechanism(params: readonly string[]): AuthMechanism {
    const guards = params.length > 0 ? params : [this.defaultGuard];
    const mechanisms = new Set(guards.map((guard) => DRIVER_MECHANISM[this.guards.get(guard) ?? ''] ?? 'unknown'));
    return mechanisms.size === 1 ? ([...mechanisms][0] ?? 'unknown') : 'unknown';
  }

  /**
   * A project middleware class: it passes every request on when its `handle()` never rejects; it
   * authenticates when it rejects a request that has no user; anything else is not decided.
   */
  private custom(cls: PhpClass, label: string): MiddlewareKind {
    const cached = this.verdicts.get(cls.fqn);
    if (cached) return cached;
    // A cycle through `parent::handle` is not decided.
    this.verdicts.set(cls.fqn, { kind: 'unknown', reason: `middleware ${label} (${cls.fqn}) delegates to itself` });
    const handle = this.project.methodOf(cls, 'handle');
    let verdict: MiddlewareKind;
    const external = this.project.ancestry(cls).external;
    const identity = new IdentityReader(this.project, cls);
    const context: BodyContext = {
      delegates: handle ? this.parentPassesOn(handle.owner) : false,
      method: (name) => this.project.methodOf(cls, name)?.method,
    };
    if (!handle && external !== undefined && frameworkNeutral(external)) verdict = { kind: 'neutral' };
    else if (!handle) verdict = { kind: 'unknown', reason: `middleware ${cls.fqn} has no handle() method in the project` };
    else if (!rejects(handle.method, context) || rejectsOnlyUsers(handle.method, identity, context)) verdict = { kind: 'neutral' };
    else if (rejectsGuests(handle.method, identity, context)) verdict = { kind: 'authenticates', mechanism: 'unknown', detail: `${label} (${cls.name}::handle rejects requests without a user)` };
    // It answers on something else than who is asking (an unfinished setup, maintenance): nothing in the
    // class reads a user, session, cookie, header or token, and the request goes to nothing but `$next`.
    else if (!IDENTITY_TEXT.test(cls.node.text) && !HANDS_REQUEST_ON.test(cls.node.text.replace(/\$next\s*\(\s*\$request\b/g, ''))) verdict = { kind: 'neutral' };
    else verdict = { kind: 'unknown', reason: `middleware ${label} (${cls.fqn}) may reject requests; whether it authenticates is not decided` };
    this.verdicts.set(cls.fqn, verdict);
    return verdict;
  }

  /**
   * `parent::handle($request, $next)` in a class's own `handle()`: the parent passes a request without
   * credentials on when it is framework middleware known not to authenticate (the catalogue), or a
   * project class whose own verdict is neutral.
   */
  private parentPassesOn(owner: PhpClass): boolean {
    if (owner.parent === undefined) return false;
    const parent = this.project.classOf(owner.parent);
    if (!parent) return frameworkNeutral(owner.parent);
    return this.custom(parent, parent.name).kind === 'neutral';
  }
}

// What a middleware reads when it is about who is asking.
const IDENTITY_TEXT = /->user\(|->user\b|Auth::|\bauth\(|guard|session|bearerToken|Authorization|cookie|token|api[_-]?key|password|->header\(|login|Sanctum|Passport|jwt|->ip\(|signature/i;
// The request handed to a helper, which may check credentials: `$this->check($request)`, `verify($request)`.
const HANDS_REQUEST_ON = /[(,]\s*\$request\s*[,)]/;

/** Framework and well-known package middleware that never authenticate (the catalogue in framework-middleware.ts). */
function frameworkNeutral(fqn: string): boolean {
  if (AUTHENTICATING[fqn] !== undefined || AUTHORIZING.has(fqn) || THROTTLING.has(fqn)) return false;
  return Object.hasOwn(FRAMEWORK_MIDDLEWARE, fqn);
}

const DRIVER_MECHANISM: Record<string, AuthMechanism> = {
  session: 'session',
  token: 'api-key',
  sanctum: 'api-key',
  passport: 'oauth2',
  jwt: 'jwt',
};

function entryOf(value: PhpValue | undefined, key: string): PhpValue | undefined {
  if (value?.kind !== 'array') return undefined;
  return value.entries.find((entry) => entry.key?.kind === 'string' && entry.key.value === key)?.value;
}

function kidsOfArguments(call: Node): { name?: string; value: Node }[] {
  const list = field(call, 'arguments');
  if (!list) return [];
  return kids(list).flatMap((arg) => {
    const name = field(arg, 'name');
    const value = kids(arg).filter((child) => child !== name).pop();
    return value ? [{ ...(name ? { name: name.text } : {}), value }] : [];
  });
}

/** Middleware named by an expression: `'auth'`, `['auth:api', X::class]`, `'auth:api,web'`. */
export function middlewareUses(project: PhpProject, file: PhpFile, node: Node): MiddlewareUse[] {
  const out: MiddlewareUse[] = [];
  const visit = (value: PhpValue, at: Node): void => {
    if (value.kind === 'string') {
      const [name = '', params = ''] = splitOnce(value.value, ':');
      out.push({ name, params: params ? params.split(',').map((p) => p.trim()) : [], where: locate(file.source.file, at) });
    } else if (value.kind === 'class') out.push({ name: value.fqn, params: [], where: locate(file.source.file, at) });
    else if (value.kind === 'array') for (const entry of value.entries) visit(entry.value, entry.node);
    else if (value.kind === 'unknown') {
      const target = unwrap(value.node);
      // `X::class . ':param'` and `Middleware::using(...)` helpers name a class with parameters.
      if (target.type === 'binary_expression') {
        const left = field(target, 'left');
        const right = field(target, 'right');
        const head = left ? project.evaluate(file, left) : undefined;
        const tail = right ? project.evaluate(file, right) : undefined;
        if (head?.kind === 'class' && tail?.kind === 'string') {
          out.push({ name: head.fqn, params: tail.value.replace(/^:/, '').split(',').filter(Boolean), where: locate(file.source.file, at) });
          return;
        }
      }
      if (isCall(target) && target.type === 'scoped_call_expression') {
        const scope = field(target, 'scope');
        const cls = scope ? project.resolveName(file, scope.text) : '';
        const args = kidsOfArguments(target).map((arg) => project.evaluate(file, arg.value));
        if (callName(target) === 'using' || callName(target) === 'with') {
          const params = args.flatMap((arg) => (arg.kind === 'string' ? [arg.value] : []));
          out.push({ name: cls, params, where: locate(file.source.file, at) });
          return;
        }
      }
      out.push({ name: target.text, params: [], where: locate(file.source.file, at), unreadable: true });
    }
  };
  visit(project.evaluate(file, node), node);
  return out;
}

function splitOnce(text: string, separator: string): [string, string] {
  const index = text.indexOf(separator);
  return index < 0 ? [text, ''] : [text.slice(0, index), text.slice(index + 1)];
}

const REJECTING_CALLS = new Set(['abort', 'abort_if', 'abort_unless']);
const NESTED_FUNCTIONS = new Set(['anonymous_function_creation_expression', 'anonymous_function', 'arrow_function', 'function_definition', 'class_declaration']);

/** How a middleware body is read: whether `parent::handle()` passes requests on, and the class's own methods it may call. */
interface BodyContext {
  delegates: boolean;
  /** `$this->check($request)` / `self::verify()` / `static::x()`: the method in the class, when there is one. */
  method(name: string): Node | undefined;
}

/**
 * True when a body can end a request itself: abort(), throw, or a returned value that is not `$next(...)`,
 * here or in a method of the class it calls (`$this->ensureToken()` that throws).
 */
function rejects(body: Node, context: BodyContext, seen = new Set<number>()): boolean {
  let found = false;
  seen.add(body.id);
  walk(body, (node) => {
    if (found) return false;
    // A closure's own `return` (`Inertia::share(fn () => …)`) does not end the request.
    if (node.id !== body.id && NESTED_FUNCTIONS.has(node.type)) return false;
    if (node.type === 'throw_expression' || node.type === 'throw_statement') found = true;
    else if (node.type === 'function_call_expression' && REJECTING_CALLS.has(field(node, 'function')?.text ?? '')) found = true;
    else if (node.type === 'return_statement') {
      const value = kids(node)[0];
      if (value && !passesOn(value, context.delegates)) found = true;
    } else if (seen.size < 8) {
      // A method it calls: its `return` answers the caller, not the request; what it throws or aborts ends the request.
      const callee = ownMethod(node, context);
      if (callee && !seen.has(callee.id)) {
        seen.add(callee.id);
        if (containsAbort(callee, context, seen)) found = true;
      }
    }
    return !found;
  });
  return found;
}

function containsAbort(method: Node, context: BodyContext, seen: Set<number>): boolean {
  let found = false;
  walk(method, (node) => {
    if (found) return false;
    if (node.id !== method.id && NESTED_FUNCTIONS.has(node.type)) return false;
    if (node.type === 'throw_expression' || node.type === 'throw_statement') found = true;
    else if (node.type === 'function_call_expression' && REJECTING_CALLS.has(field(node, 'function')?.text ?? '')) found = true;
    else if (isCall(node) && callName(node) === 'authenticate') found = true;
    else {
      const callee = ownMethod(node, context);
      if (callee && !seen.has(callee.id)) {
        seen.add(callee.id);
        if (containsAbort(callee, context, seen)) found = true;
      }
    }
    return !found;
  });
  return found;
}

function ownMethod(node: Node, context: BodyContext): Node | undefined {
  if (node.type === 'member_call_expression' && field(node, 'object')?.text === '$this') return context.method(callName(node) ?? '');
  if (node.type === 'scoped_call_expression' && /^(self|static)$/.test(field(node, 'scope')?.text ?? '')) return context.method(callName(node) ?? '');
  return undefined;
}

/** `return $next($request)`, or `return parent::handle($request, $next)` when the parent is known to pass requests on. */
function passesOn(value: Node, delegates: boolean): boolean {
  const target = unwrap(value);
  if (target.type === 'function_call_expression' && field(target, 'function')?.text === '$next') return true;
  if (target.type === 'variable_name') return true;
  if (delegates && isParentHandle(target)) return true;
  // `$next($request)->header(...)`, `tap($next($request), …)`, `tap(parent::handle($request, $next), …)`
  let next = false;
  walk(target, (node) => {
    if (node.type === 'function_call_expression' && field(node, 'function')?.text === '$next') next = true;
    else if (delegates && isParentHandle(node)) next = true;
    return !next;
  });
  return next;
}

function isParentHandle(node: Node): boolean {
  return node.type === 'scoped_call_expression' && field(node, 'scope')?.text === 'parent' && callName(node)?.toLowerCase() === 'handle';
}

// Auth contracts a middleware gets injected (`private AuthManager $auth`, `protected Guard $guard`).
const AUTH_TYPES = /^\\?(?:Illuminate\\(?:Auth\\AuthManager|Contracts\\Auth\\(?:Factory|Guard|StatefulGuard))|AuthManager|Factory|Guard|StatefulGuard)$/;
const AUTH_FACADES = new Set(['Illuminate\\Support\\Facades\\Auth', 'Auth']);

/**
 * Reads a middleware condition for what it is worth to a request that carries no credentials:
 * `$request->user()`, `auth()->check()`, `Auth::guard($g)->check()`, `$this->auth->user()` are falsy
 * for it and `…->guest()` is true; `!`, `||`, `&&`, `=== null` and `?->` combine them. Anything else
 * is not known.
 */
class IdentityReader {
  private readonly authProperties = new Set<string>(['auth']);

  constructor(
    private readonly project: PhpProject,
    private readonly cls: PhpClass,
  ) {
    walk(cls.node, (node) => {
      if (node.type === 'property_promotion_parameter' || node.type === 'property_declaration') {
        const type = field(node, 'type')?.text.replace(/^\?/, '') ?? '';
        if (!type) return false;
        const resolved = project.resolveName(cls.file, type);
        if (!AUTH_TYPES.test(resolved) && !AUTH_TYPES.test(type)) return false;
        const names = node.type === 'property_promotion_parameter' ? [field(node, 'name')] : kids(node).filter((child) => child.type === 'property_element').map((element) => kids(element)[0]);
        for (const name of names) if (name) this.authProperties.add(name.text.replace(/^\$/, ''));
        return false;
      }
      return true;
    });
  }

  /** The value of a condition for a request without a user: true, false, or undefined when not known. */
  guestValue(node: Node): boolean | undefined {
    const target = unwrap(node);
    switch (target.type) {
      case 'unary_op_expression': {
        if (field(target, 'operator')?.text !== '!') return undefined;
        const inner = field(target, 'argument') ?? kids(target).at(-1);
        const value = inner ? this.guestValue(inner) : undefined;
        return value === undefined ? undefined : !value;
      }
      case 'binary_expression': {
        const operator = field(target, 'operator')?.text.toLowerCase() ?? '';
        const left = field(target, 'left');
        const right = field(target, 'right');
        if (!left || !right) return undefined;
        if (operator === '||' || operator === 'or') {
          const first = this.guestValue(left);
          if (first === true) return true;
          const second = this.guestValue(right);
          if (first === false) return second;
          return second === true ? true : undefined;
        }
        if (operator === '&&' || operator === 'and') {
          const first = this.guestValue(left);
          if (first === false) return false;
          const second = this.guestValue(right);
          if (first === true) return second;
          return second === false ? false : undefined;
        }
        if (['===', '==', '!==', '!='].includes(operator)) {
          const nullSide = unwrap(right).type === 'null' ? left : unwrap(left).type === 'null' ? right : undefined;
          if (!nullSide || !this.isIdentity(nullSide)) return undefined;
          return operator.startsWith('!') ? false : true;
        }
        return undefined;
      }
      case 'function_call_expression': {
        const args = field(target, 'arguments');
        const only = args ? kids(args).filter((child) => child.type === 'argument') : [];
        const argument = only.length === 1 && only[0] ? kids(only[0]).at(-1) : undefined;
        if (/^\\?(is_null|empty)$/.test(field(target, 'function')?.text ?? '') && argument && this.isIdentity(argument)) return true;
        return undefined;
      }
      default:
        if (this.isGuestCall(target)) return true;
        return this.isIdentity(target) ? false : undefined;
    }
  }

  /** `…->guest()` on an auth source. */
  private isGuestCall(node: Node): boolean {
    return (node.type === 'member_call_expression' || node.type === 'scoped_call_expression') && callName(node) === 'guest' && this.isAuthSource(node, false);
  }

  /** An expression that is null or false for a request without a user. */
  private isIdentity(node: Node): boolean {
    const target = unwrap(node);
    if (target.type === 'nullsafe_member_access_expression' || target.type === 'nullsafe_member_call_expression') {
      const object = field(target, 'object');
      return object !== undefined && this.isIdentity(object);
    }
    if (target.type !== 'member_call_expression' && target.type !== 'scoped_call_expression') return false;
    const name = callName(target);
    if (name === 'user') return this.isAuthSource(target, true);
    if (name === 'check' || name === 'id') return this.isAuthSource(target, false);
    return false;
  }

  /** The receiver of `user()` / `check()` / `guest()`: an auth manager, a guard, or (for `user()`) the request. */
  private isAuthSource(call: Node, requestToo: boolean): boolean {
    if (call.type === 'scoped_call_expression') {
      const scope = field(call, 'scope')?.text ?? '';
      return AUTH_FACADES.has(this.project.resolveName(this.cls.file, scope)) || AUTH_FACADES.has(scope.replace(/^\\/, ''));
    }
    const object = field(call, 'object');
    if (!object) return false;
    const target = unwrap(object);
    if (requestToo && target.type === 'variable_name' && target.text === '$request') return true;
    if (target.type === 'function_call_expression') return /^\\?auth$/.test(field(target, 'function')?.text ?? '');
    if (target.type === 'member_access_expression') {
      return field(target, 'object')?.text === '$this' && this.authProperties.has(field(target, 'name')?.text ?? '');
    }
    if ((target.type === 'member_call_expression' || target.type === 'scoped_call_expression') && callName(target) === 'guard') return this.isAuthSource(target, false);
    return false;
  }
}

/** `guest`-style middleware: every way it ends a request is under a condition false for a request without a user, so it turns signed-in users away. */
function rejectsOnlyUsers(method: Node, identity: IdentityReader, context: BodyContext): boolean {
  const seen = { other: false, guarded: 0 };
  walk(method, (node) => {
    if (seen.other) return false;
    if (node.id !== method.id && NESTED_FUNCTIONS.has(node.type)) return false;
    if (node.type === 'if_statement') {
      const condition = field(node, 'condition');
      const body = field(node, 'body');
      if (condition && identity.guestValue(condition) === false && body && !field(node, 'alternative') && kids(node).every((child) => child.type !== 'else_clause' && child.type !== 'else_if_clause')) {
        if (rejects(body, context)) seen.guarded++;
        return false;
      }
      return true;
    }
    if (node.type === 'throw_expression' || (node.type === 'function_call_expression' && REJECTING_CALLS.has(field(node, 'function')?.text ?? ''))) seen.other = true;
    else if (node.type === 'return_statement') {
      const value = kids(node)[0];
      if (value && !passesOn(value, context.delegates)) seen.other = true;
    } else {
      const callee = ownMethod(node, context);
      if (callee && containsAbort(callee, context, new Set([method.id]))) seen.other = true;
    }
    return !seen.other;
  });
  return !seen.other && seen.guarded > 0;
}

/**
 * `if (! $request->user()) { abort(401); }` (or a condition true for every request without a user,
 * `!$request->user() || !$request->user()->is_admin`), or `Auth::authenticate()`, as one of the
 * body's own statements, with no earlier statement that can return first.
 */
function rejectsGuests(method: Node, identity: IdentityReader, context: BodyContext): boolean {
  const body = field(method, 'body');
  for (const statement of body ? kids(body) : []) {
    if (statement.type === 'if_statement') {
      const condition = field(statement, 'condition');
      const consequence = field(statement, 'body');
      if (condition && identity.guestValue(condition) === true && consequence && rejects(consequence, context)) return true;
    }
    if (statement.type === 'expression_statement') {
      // `abort_if(Auth::guest(), 401)`, `abort_unless(auth()->check() && …, 403)`
      const call = kids(statement)[0];
      const name = call?.type === 'function_call_expression' ? field(call, 'function')?.text : undefined;
      const condition = call && (name === 'abort_if' || name === 'abort_unless') ? callArguments(call)[0]?.value : undefined;
      if (condition && identity.guestValue(condition) === (name === 'abort_if')) return true;
      const found = { authenticates: false };
      walk(statement, (node) => {
        if (isCall(node) && callName(node) === 'authenticate') found.authenticates = true;
        return !found.authenticates && !['anonymous_function_creation_expression', 'arrow_function'].includes(node.type);
      });
      if (found.authenticates) return true;
    }
    // `if ($request->is('health')) return $next($request);` before the check lets those requests through.
    if (returnsEarly(statement)) return false;
  }
  return false;
}

function returnsEarly(statement: Node): boolean {
  let found = false;
  walk(statement, (node) => {
    if (found) return false;
    if (NESTED_FUNCTIONS.has(node.type)) return false;
    if (node.type === 'return_statement') found = true;
    return !found;
  });
  return found;
}
