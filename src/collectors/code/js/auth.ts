import type { Node } from 'web-tree-sitter';
import type { AuthEvidence, AuthMechanism, EvidenceScope, Location } from '../../../model/types.js';
import { callArgs, callee, descendants, dottedName, field, isFunction, named, objectProperty, parameterNames, returnedValues, unwrap } from './ast.js';
import { ConfigurationReader } from './configuration.js';
import { bindLocals, bindParameters, Gate, nextParameter, type Bound, type GateHooks, type GateResult } from './gate.js';
import type { JsModule, ModuleGraph, Resolved } from './modules.js';
import { externalName, evalString, evalStrings, evalTrue } from './values.js';
import { lookupTable } from '../../../analysis/lookup.js';

/**
 * What a middleware, hook, guard or handler proves about authentication:
 * `auth` it rejects unauthenticated requests; `maybe` it looks like auth but cannot be shown to reject;
 * `none` it has nothing to do with auth; `public` it marks the route public on purpose (or starts an OAuth login);
 * `optional` it reads a credential but lets requests without one through.
 */
export type Verdict = 'auth' | 'maybe' | 'none' | 'public' | 'optional';

export interface AuthFact {
  verdict: Verdict;
  mechanisms: AuthMechanism[];
  detail: string;
  /** express-unless / koa-jwt `unless`: true when the middleware skips this route. */
  skips?: (path: string, method: string) => boolean;
  /** Guards: the conditions on route metadata under which the check is skipped (a public marker's key is read there). */
  markers?: string[];
}

/** An AuthFact at the place that applies it. */
export interface AppliedFact extends AuthFact {
  where: Location;
  scope: EvidenceScope;
}

const NONE: AuthFact = { verdict: 'none', mechanisms: [], detail: '' };

const AUTHISH =
  /auth|jwt|token|session|login|logged|guard|protect|verif|api[-_]?key|passport|bearer|secure|permission|role|admin|credential|signed|acl|access/i;

/** Packages whose exports authenticate, and the mechanism; `undefined` means the export does not. */
const AUTH_PACKAGES: Record<string, (name: string, args: Node[], graph: ModuleGraph, module: JsModule) => AuthMechanism[] | undefined> = lookupTable({
  // `credentialsRequired: false` / `passthrough: true` make the token optional: the middleware never rejects.
  'express-jwt': (_name, args, graph, module) => (optionIs(args, 'credentialsRequired', 'false', graph, module) ? undefined : ['jwt']),
  'koa-jwt': (_name, args, graph, module) => (optionIs(args, 'passthrough', 'true', graph, module) ? undefined : ['jwt']),
  'hono/jwt': (name) => (/jwt/i.test(name) ? ['jwt'] : undefined),
  'hono/jwk': () => ['jwt'],
  'hono/bearer-auth': () => ['api-key'],
  'hono/basic-auth': () => ['basic'],
  'express-basic-auth': () => ['basic'],
  'koa-basic-auth': () => ['basic'],
  'express-oauth2-jwt-bearer': (name) => (/auth|requiredScopes|claim/i.test(name) ? ['oauth2'] : undefined),
  'express-openid-connect': (name, args, graph, module) => {
    if (name === 'requiresAuth') return ['openid'];
    if (name === 'auth') {
      const options = args[0] ? unwrap(args[0]) : undefined;
      const required = options?.type === 'object' ? objectProperty(options, 'authRequired') : undefined;
      if (required && !evalTrue(graph, module, required)) return undefined;
      return ['openid'];
    }
    return undefined;
  },
  'keycloak-connect': (name) => (/protect/.test(name) ? ['openid'] : undefined),
  'connect-ensure-login': (name) => (/ensureLoggedIn/.test(name) ? ['session'] : undefined),
});

/**
 * Packages whose exports are known not to authenticate (parsers, CORS, headers, logging, uploads,
 * rate limiting, validation, static files, routers, error and async helpers). Middleware from any
 * other package is code apisec does not read: it may reject unauthenticated requests, so a route
 * behind it is unknown rather than unprotected.
 */
const NON_AUTH_PACKAGES: ReadonlySet<string> = new Set([
  'express', 'body-parser', 'cors', 'helmet', 'morgan', 'compression', 'cookie-parser', 'express-session', 'cookie-session',
  'multer', 'express-fileupload', 'connect-multiparty', 'express-formidable', 'express-form-data', 'serve-static', 'serve-favicon',
  'method-override', 'hpp', 'express-mongo-sanitize', 'xss-clean', 'csurf', 'lusca', 'nocache', 'connect-timeout', 'response-time',
  'express-rate-limit', 'express-slow-down', 'rate-limiter-flexible', 'express-brute', 'koa-ratelimit', 'koa2-ratelimit',
  'express-validator', 'celebrate', 'joi', 'zod', 'yup', 'express-joi-validation', 'express-async-handler', 'express-async-errors',
  'express-winston', 'pino-http', 'express-pino-logger', 'winston', 'express-request-id', 'express-http-context', 'cls-rtracer',
  'request-ip', 'express-useragent', 'swagger-ui-express', 'redoc-express', 'express-prom-bundle', 'prom-client', 'express-status-monitor',
  'connect-history-api-fallback', 'i18next-http-middleware', 'express-sslify', 'express-enforces-ssl', 'express-ws', 'graphql-upload',
  'express-paginate', 'express-query-boolean', 'express-query-int', '@sentry/node', 'newrelic', 'elastic-apm-node',
  'prometheus-api-metrics', 'express-prometheus-middleware', 'i18n', 'connect-flash', 'express-flash',
  'koa', 'koa-body', 'koa-bodyparser', '@koa/bodyparser', '@koa/cors', 'kcors', 'koa-helmet', 'koa-logger', 'koa-compress',
  'koa-static', 'koa-mount', 'koa-router', '@koa/router', 'koa-session', '@koa/multer', 'koa-json', 'koa-views', 'koa-conditional-get',
  'koa-etag', 'koa-favicon', 'koa-pino-logger',
  'hono', 'hono/cors', 'hono/logger', 'hono/secure-headers', 'hono/etag', 'hono/pretty-json', 'hono/compress', 'hono/timing',
  'hono/body-limit', 'hono/request-id', 'hono/cache', 'hono/powered-by', 'hono/validator', 'hono/timeout', 'hono/csrf',
  'hono/serve-static', '@hono/node-server', '@hono/zod-validator', '@hono/zod-openapi', '@hono/sentry', '@hono/swagger-ui',
  'next', 'next/server',
]);

function optionIs(args: readonly Node[], key: string, literal: 'true' | 'false', graph: ModuleGraph, module: JsModule): boolean {
  const options = args[0] ? unwrap(args[0]) : undefined;
  const value = options?.type === 'object' ? objectProperty(options, key) : undefined;
  if (!value) return false;
  return literal === 'true' ? evalTrue(graph, module, value) : unwrap(value).text === 'false';
}

const PASSPORT = ['passport', 'koa-passport', '@fastify/passport'];

/** A strategy that lets every request through (passport-anonymous, a custom always-succeeding `public` strategy): auth becomes optional. */
export function isOptionalStrategy(strategy: string): boolean {
  return ['anonymous', 'public'].includes(strategy.toLowerCase());
}

export function passportMechanism(strategy: string): AuthMechanism | undefined {
  const name = strategy.toLowerCase();
  if (isOptionalStrategy(name)) return undefined;
  if (name.includes('jwt')) return 'jwt';
  if (name === 'bearer' || name.includes('oauth') || ['google', 'github', 'facebook', 'azure-ad', 'auth0', 'twitter'].includes(name)) return 'oauth2';
  if (name === 'basic' || name === 'digest') return 'basic';
  if (name.includes('api') || name.includes('key')) return 'api-key';
  if (name === 'local' || name === 'session') return 'session';
  if (name.includes('saml') || name.includes('openid') || name === 'oidc') return 'openid';
  return 'unknown';
}

/** The name a passport strategy class registers under when `passport.use` / `PassportStrategy` gives none. */
const DEFAULT_STRATEGY_NAMES: Record<string, string> = lookupTable({
  'passport-jwt': 'jwt',
  'passport-local': 'local',
  'passport-http-bearer': 'bearer',
  'passport-headerapikey': 'headerapikey',
  'passport-anonymous': 'anonymous',
  'passport-google-oauth20': 'google',
  'passport-google-oauth2': 'google',
  'passport-google-oauth': 'google',
  'passport-github': 'github',
  'passport-github2': 'github',
  'passport-facebook': 'facebook',
  'passport-twitter': 'twitter',
  'passport-oauth2': 'oauth2',
  'passport-discord': 'discord',
  'passport-gitlab2': 'gitlab',
  'passport-microsoft': 'microsoft',
  'passport-apple': 'apple',
  'passport-linkedin-oauth2': 'linkedin',
  'passport-auth0': 'auth0',
  'passport-saml': 'saml',
  '@node-saml/passport-saml': 'saml',
  'passport-openidconnect': 'openidconnect',
  'passport-steam': 'steam',
  'passport-slack': 'slack',
  'passport-bitbucket-oauth2': 'bitbucket',
  'passport-dropbox-oauth2': 'dropbox-oauth2',
});

/** Strategies whose `authenticate` starts or completes a login with a third party: the route is the login itself. */
const LOGIN_FLOW_PACKAGE = /oauth|openid|oidc|saml|google|github|facebook|twitter|discord|gitlab|microsoft|apple|linkedin|auth0|steam|slack|spotify|okta|keycloak|magic-?link|cas\b/i;
const LOGIN_FLOW_NAME = /^(?:google|github|facebook|twitter|oauth2?|oidc|openidconnect|openid|saml|discord|gitlab|microsoft|apple|linkedin|auth0|steam|slack|azure-?ad-?openidconnect|azuread-openidconnect)$/i;

/** A strategy class: the package it comes from and the exported name (`OIDCStrategy`, `BearerStrategy`). */
export interface StrategyOrigin {
  specifier: string;
  name: string;
}

export function isLoginFlow(origin: StrategyOrigin | undefined, strategy: string): boolean {
  // passport-local checks a username and password sent to the login route: the route is the login itself.
  if (origin?.specifier === 'passport-local' || (!origin && strategy === 'local')) return true;
  if (!origin) return LOGIN_FLOW_NAME.test(strategy);
  if (/bearer|jwt|headerapikey|api-?key/i.test(`${origin.specifier} ${origin.name}`)) return false;
  if (origin.specifier === 'passport-azure-ad') return /OIDC/.test(origin.name);
  if (origin.specifier === 'openid-client') return true;
  return LOGIN_FLOW_PACKAGE.test(origin.specifier);
}

/**
 * Passport strategies registered in the workspace, by name: `passport.use(new GoogleStrategy(...))`,
 * `passport.use('admin-jwt', new JwtStrategy(...))` and Nest's `extends PassportStrategy(Strategy, 'google')`.
 */
export function strategyIndex(graph: ModuleGraph): Map<string, StrategyOrigin> {
  const cached = strategyCache.get(graph);
  if (cached) return cached;
  const index = new Map<string, StrategyOrigin>();
  strategyCache.set(graph, index);
  for (const module of graph.modules.values()) {
    const text = module.source.text;
    if (!/passport/i.test(text) || !/Strategy/.test(text)) continue;
    for (const call of descendants(module.source.tree.rootNode, CALLS)) {
      const fn = callee(call);
      if (!fn) continue;
      const args = callArgs(call);
      const isUse = fn.type === 'member_expression' && field(fn, 'property')?.text === 'use' && args.some((arg) => unwrap(arg).type === 'new_expression');
      const isNest = /(?:^|\.)PassportStrategy$/.test(fn.text) && args.length >= 1;
      if (!isUse && !isNest) continue;
      const classNode = isUse ? args.map(unwrap).find((arg) => arg.type === 'new_expression') : unwrap(args[0] as Node);
      const ctor = classNode?.type === 'new_expression' ? callee(classNode) : classNode;
      if (!ctor) continue;
      const resolved = graph.resolve(module, ctor);
      if (resolved.kind !== 'external') continue;
      const origin = { specifier: resolved.specifier, name: resolved.path.at(-1) ?? 'default' };
      const nameArg = isUse ? (args.length >= 2 ? args[0] : undefined) : args[1];
      const name = nameArg ? evalString(graph, module, nameArg) : (DEFAULT_STRATEGY_NAMES[origin.specifier] ?? azureName(origin));
      if (name !== undefined && !index.has(name)) index.set(name, origin);
    }
  }
  return index;
}

function azureName(origin: StrategyOrigin): string | undefined {
  if (origin.specifier !== 'passport-azure-ad') return undefined;
  return /OIDC/.test(origin.name) ? 'azuread-openidconnect' : 'oauth-bearer';
}

const strategyCache = new WeakMap<ModuleGraph, Map<string, StrategyOrigin>>();

/** Middleware from a package apisec does not read: unknown, unless the package is known not to authenticate. */
function unreadMiddleware(specifier: string, name: string, detail: string): AuthFact {
  const pkg = packageOf(specifier);
  if (NON_AUTH_PACKAGES.has(specifier) || NON_AUTH_PACKAGES.has(pkg) || specifier.startsWith('node:')) return NONE;
  if (/session$/i.test(specifier) && !AUTHISH.test(name.replace(/session/gi, ''))) return NONE;
  return { verdict: 'maybe', mechanisms: ['unknown'], detail: `${detail} (from \`${specifier}\`, whose code apisec does not read)` };
}

function packageOf(specifier: string): string {
  return Object.keys(AUTH_PACKAGES).find((pkg) => specifier === pkg || specifier.startsWith(`${pkg}/`)) ?? specifier;
}

function summary(node: Node): string {
  const text = node.text.replace(/\s+/g, ' ');
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

const SESSION_RE = /\b(?:req|request|ctx|c)\.session\b|\.isAuthenticated\s*\(\s*\)|\bgetServerSession\s*\(|\bgetSession\s*\(|\biron-session|\bgetIronSession\s*\(/;
/** Writes that establish a session (a login handler's `req.session.user = user`, `req.session.save()`), not checks that read one. */
const SESSION_WRITE_RE = /\b(?:req|request|ctx|c)\.session(?:\.[\w$]+)*\s*=(?!=)|\b(?:req|request|ctx|c)\.session\.(?:save|regenerate|destroy)\s*\(/g;
const PASSWORD_CHECK = /\b(?:bcrypt|bcryptjs)\.compare(?:Sync)?\s*\(|\bargon2\.verify\s*\(|\b(?:check|verify|compare|validate|is(?:Valid|Correct))Password\s*\(/;
/** Reads a credential from the request (a bearer header, a cookie), whatever it does with it. */
const CREDENTIAL_READ = /\.headers\.authorization|\.headers\[\s*['"`]authorization|\.get\(\s*['"`]authorization|\.header\(\s*['"`]authorization|\bBearer\b|\.cookies\b|getCookie\s*\(/i;
const APIKEY_RE = /x-api-key|api[-_]?key|['"`]x-[\w-]*-key['"`]/i;
const BASIC_RE = /['"`]Basic\s/;
const JWT_RE = /\bjwt\.verify\s*\(|\bjwtService\.verify\w*\s*\(|\bjwtVerify\s*\(|\.jwtVerify\s*\(|\bgetToken\s*\(|\bverify\(\s*token/;
const USER_RE = /\b(?:req|request|ctx\.state|ctx\.request|ctx|context|c\.var|contextValue)\.(?:user|currentUser|auth|userId)\b|c\.get\(\s*['"`](?:user|jwtPayload)['"`]\s*\)/;
const REJECT_RE =
  /\b40[13]\b|Unauthori[sz]ed|Forbidden|UNAUTHENTICATED|AuthenticationError|ctx\.throw\s*\(|next\s*\(\s*(?:new\s|err\b|error\b|e\b|createError|[A-Z]\w*\()|\bthrow\b|\.redirect\s*\(\s*['"`][^'"`]*(?:login|signin)|\bredirect\s*\(\s*['"`][^'"`]*(?:login|signin)/;
const STRICT_REJECT_RE =
  /\b40[13]\b|Unauthori[sz]ed|Forbidden|UNAUTHENTICATED|AuthenticationError|unauthorized\s*\(|\.redirect\s*\(\s*['"`][^'"`]*(?:login|signin)|\bredirect\s*\(\s*['"`][^'"`]*(?:login|signin)/;

/** `handlerGate` for one method of a handler: none of that method's paths rejects anything. */
export const UNCHECKED = 'no rejection on this method\'s paths';

const REJECTION_STATEMENTS: ReadonlySet<string> = new Set(['throw_statement', 'return_statement', 'expression_statement']);

interface BodyFacts {
  mechanisms: Set<AuthMechanism>;
  /** A library call that rejects on its own (jwt.verify throws, passport.authenticate answers 401). */
  selfRejecting: boolean;
  userCheck: boolean;
  rejects: boolean;
  strictRejects: boolean;
  authish: boolean;
}

/** Classifies middleware-like expressions and analyses function bodies; caches per node. */
export class AuthAnalyser {
  private readonly bodies = new Map<string, BodyFacts>();
  private readonly answering = new Map<string, boolean>();

  /** Set while a route's own handler is classified: a library call there serves the route, it is not a gate in front of it. */
  private handlerPosition = false;

  readonly configuration: ConfigurationReader;

  constructor(private readonly graph: ModuleGraph) {
    this.configuration = new ConfigurationReader(graph);
  }

  /**
   * A route whose whole handler is a library call (`passport.authenticate('google')`, `Scalar({...})`):
   * it counts only when its name or package says it authenticates; an unread package is not a gate here.
   */
  classifyHandler(module: JsModule, node: Node): AuthFact {
    this.handlerPosition = true;
    try {
      return this.classify(module, node);
    } finally {
      this.handlerPosition = false;
    }
  }

  private external(specifier: string, name: string, detail: string): AuthFact {
    if (!this.handlerPosition) return unreadMiddleware(specifier, name, detail);
    return AUTHISH.test(name) && !/session$/i.test(specifier) ? { verdict: 'maybe', mechanisms: ['unknown'], detail } : NONE;
  }

  /** A middleware expression as written at a `use` / route / hook site. */
  classify(module: JsModule, node: Node, depth = 0): AuthFact {
    const current = unwrap(node);
    if (depth > 6) return NONE;
    if (current.type === 'array') {
      const facts = named(current).map((item) => this.classify(module, item, depth + 1));
      return combine(facts, summary(current));
    }
    if (current.type === 'call_expression') return this.classifyCall(module, current, depth);
    if (isFunction(current)) return this.fromBody(module, current, summary(current), false);
    const resolved = this.graph.resolve(module, current);
    return this.classifyResolved(resolved, current, depth);
  }

  private classifyResolved(resolved: Resolved, site: Node, depth: number): AuthFact {
    const detail = summary(site);
    switch (resolved.kind) {
      case 'node': {
        const target = resolved.node;
        if (isFunction(target)) return this.fromBody(resolved.module, target, detail, false);
        if (target.type === 'call_expression' || target.type === 'array') {
          const fact = this.classify(resolved.module, target, depth + 1);
          return { ...fact, detail };
        }
        if (target.type === 'class_declaration') return this.fromBody(resolved.module, target, detail, false);
        return AUTHISH.test(site.text) ? { verdict: 'maybe', mechanisms: ['unknown'], detail } : NONE;
      }
      case 'external': {
        const name = externalName(resolved) ?? '';
        const table = AUTH_PACKAGES[packageOf(resolved.specifier)];
        if (table) return NONE;
        if (PASSPORT.includes(resolved.specifier)) return NONE;
        return this.external(resolved.specifier, name, detail);
      }
      default:
        return AUTHISH.test(site.text) ? { verdict: 'maybe', mechanisms: ['unknown'], detail } : NONE;
    }
  }

  private classifyCall(module: JsModule, call: Node, depth: number): AuthFact {
    const fn = callee(call);
    const args = callArgs(call);
    const detail = summary(call);
    if (!fn) return NONE;
    if (fn.type === 'member_expression' && field(fn, 'property')?.text === 'unless') {
      const object = field(fn, 'object');
      if (!object) return NONE;
      const inner = this.classify(module, object, depth + 1);
      const options = args[0] ? unwrap(args[0]) : undefined;
      return { ...inner, detail, skips: this.unless(module, options) };
    }
    const resolved = this.graph.resolve(module, fn);
    if (resolved.kind === 'external') {
      const name = externalName(resolved) ?? '';
      if (PASSPORT.includes(resolved.specifier)) {
        if (!/authenticate$/.test(name)) return NONE;
        const strategies = args[0] ? this.strategies(module, args[0]) : [];
        // Passport tries strategies in turn; an always-succeeding one in the list lets unauthenticated requests through.
        if (strategies.some(isOptionalStrategy)) return { verdict: 'maybe', mechanisms: ['unknown'], detail };
        // `passport.authenticate('google')` starts (or, on the callback, completes) a login: the route is public by design.
        const index = strategyIndex(this.graph);
        if (strategies.length > 0 && strategies.every((name) => isLoginFlow(index.get(name), name)))
          return { verdict: 'public', mechanisms: ['none'], detail: `${detail} starts or completes a third-party login` };

        const mechanisms = strategies.map(passportMechanism).filter((mech): mech is AuthMechanism => mech !== undefined);
        if (mechanisms.length === 0) return { verdict: 'maybe', mechanisms: ['unknown'], detail };
        return { verdict: 'auth', mechanisms: dedupe(mechanisms), detail };
      }
      const table = AUTH_PACKAGES[packageOf(resolved.specifier)];
      if (table) {
        const mechanisms = table(name, args, this.graph, module);
        return mechanisms ? { verdict: 'auth', mechanisms, detail } : NONE;
      }
      // `createMiddleware(async (c, next) => …)` (hono/factory), `asyncHandler(auth.jwt)` (express-async-handler) and the
      // like: the middleware handed over is what runs.
      const wrapped = args.length === 1 && args[0] ? unwrap(args[0]) : undefined;
      if (wrapped && isFunction(wrapped) && nextParameter(wrapped)) return this.fromBody(module, wrapped, detail, false);
      if (wrapped && (wrapped.type === 'identifier' || wrapped.type === 'member_expression') && depth < 4) {
        const inner = this.graph.resolve(module, wrapped);
        if (inner.kind === 'node' && (isFunction(inner.node) || inner.node.type === 'call_expression')) {
          const fact = this.classify(module, wrapped, depth + 1);
          if (fact.verdict !== 'none') return { ...fact, detail };
        }
      }
      return this.external(resolved.specifier, name, detail);
    }
    if (resolved.kind === 'node' && isFunction(resolved.node)) {
      // `asyncHandler(auth.jwt)` of the workspace: a closure that calls the wrapped middleware with its own arguments.
      const wrappedAt = transparentWrapper(resolved.node);
      const wrapped = wrappedAt === undefined ? undefined : args[wrappedAt];
      if (wrapped && depth < 4) {
        const fact = this.classify(module, wrapped, depth + 1);
        return fact.verdict === 'none' ? NONE : { ...fact, detail };
      }
      // A middleware factory (`requireRole('admin')`, `authenticate()`): its body, returned closure included, decides.
      // Only the factory's name hints at auth: `validate(authSchemas.login)` names a schema, not a check.
      return this.fromBody(resolved.module, resolved.node, detail, false, fn.text, args);
    }
    if (resolved.kind === 'node' && resolved.node.type === 'class_declaration') return this.fromBody(resolved.module, resolved.node, detail, false);
    // Only a plain name can hint (`requireAuth` from an unread module); a chain like `body('token').isJWT()` is not one.
    // The called name, not its owner: `unprotectedRouter.allowedMethods()` is koa-router's 405 helper.
    const dotted = dottedName(fn);
    return dotted !== undefined && AUTHISH.test(dotted[dotted.length - 1] ?? '') ? { verdict: 'maybe', mechanisms: ['unknown'], detail } : NONE;
  }

  private strategies(module: JsModule, node: Node): string[] {
    const current = unwrap(node);
    if (current.type === 'array') return named(current).flatMap((item) => this.strategies(module, item));
    const value = evalString(this.graph, module, current);
    return value === undefined ? ['unknown'] : [value];
  }

  private unless(module: JsModule, options: Node | undefined): (path: string, method: string) => boolean {
    const rules: ((path: string, method: string) => boolean)[] = [];
    const paths = options?.type === 'object' ? objectProperty(options, 'path') : undefined;
    const items = paths ? (unwrap(paths).type === 'array' ? named(unwrap(paths)) : [unwrap(paths)]) : [];
    for (const item of items) {
      if (item.type === 'regex') {
        const pattern = field(item, 'pattern')?.text ?? '';
        const flags = field(item, 'flags')?.text ?? '';
        try {
          const regex = new RegExp(pattern, flags.replace(/[gy]/g, ''));
          rules.push((path) => regex.test(samplePath(path)));
        } catch {
          // An unparsable pattern excludes nothing we can prove.
        }
        continue;
      }
      if (item.type === 'object') {
        const url = objectProperty(item, 'url');
        const methods = objectProperty(item, 'methods') ?? objectProperty(item, 'method');
        const value = url ? evalString(this.graph, module, url) : undefined;
        const methodList = methods ? named(unwrap(methods)).map((m) => evalString(this.graph, module, m)?.toUpperCase()) : undefined;
        if (value !== undefined) rules.push((path, method) => samePath(value, path) && (!methodList || methodList.includes(method)));
        continue;
      }
      const value = evalString(this.graph, module, item);
      if (value !== undefined) rules.push((path) => samePath(value, path));
    }
    const methods = options?.type === 'object' ? objectProperty(options, 'method') : undefined;
    if (methods) {
      const list = (unwrap(methods).type === 'array' ? named(unwrap(methods)) : [unwrap(methods)]).map((m) => evalString(this.graph, module, m)?.toUpperCase());
      rules.push((_path, method) => list.includes(method));
    }
    return (path, method) => rules.some((rule) => rule(path, method));
  }

  /** Facts about a function (or guard class) body, following calls into local helpers. */
  private facts(module: JsModule, fn: Node, depth: number): BodyFacts {
    const key = `${module.file}:${fn.startIndex}`;
    const cached = this.bodies.get(key);
    if (cached) return cached;
    const text = fn.text;
    const facts: BodyFacts = {
      mechanisms: new Set(),
      selfRejecting: false,
      userCheck: USER_RE.test(text),
      rejects: REJECT_RE.test(text),
      strictRejects: STRICT_REJECT_RE.test(text),
      authish: AUTHISH.test(text),
    };
    this.bodies.set(key, facts);
    if (JWT_RE.test(text)) {
      facts.mechanisms.add('jwt');
      if (/\bjwt\.verify\s*\(|jwtVerify\s*\(|jwtService\.verify\w*\s*\(/.test(text)) facts.selfRejecting = true;
    }
    if (SESSION_RE.test(text.replace(SESSION_WRITE_RE, ''))) facts.mechanisms.add('session');
    if (APIKEY_RE.test(text) && /header|get\(|query/i.test(text)) facts.mechanisms.add('api-key');
    if (BASIC_RE.test(text)) facts.mechanisms.add('basic');
    if (depth < 3) {
      for (const call of descendants(fn, CALLS)) {
        const target = callee(call);
        if (!target || target.text === 'next' || target.text.length > 60) continue;
        const resolved = this.graph.resolve(module, target);
        if (resolved.kind === 'external') {
          const name = externalName(resolved) ?? '';
          if (resolved.specifier === 'jsonwebtoken' && /verify$/.test(name)) {
            facts.mechanisms.add('jwt');
            facts.selfRejecting = true;
          } else if (resolved.specifier === 'jose' && /Verify$/i.test(name)) {
            facts.mechanisms.add('jwt');
            facts.selfRejecting = true;
          } else if (PASSPORT.includes(resolved.specifier) && /authenticate$/.test(name)) {
            const arg = callArgs(call)[0];
            for (const strategy of arg ? this.strategies(module, arg) : []) {
              const mech = passportMechanism(strategy);
              if (mech) facts.mechanisms.add(mech);
            }
            facts.selfRejecting = true;
          } else if (/next-auth|@auth\//.test(resolved.specifier) && /getServerSession|^auth$|getToken|getSession/.test(name)) {
            facts.mechanisms.add(name === 'getToken' ? 'jwt' : 'session');
          }
        } else if (resolved.kind === 'node' && isFunction(resolved.node) && resolved.node.id !== fn.id) {
          const inner = this.facts(resolved.module, resolved.node, depth + 1);
          for (const mech of inner.mechanisms) facts.mechanisms.add(mech);
          facts.selfRejecting ||= inner.selfRejecting || (inner.mechanisms.size > 0 && inner.rejects);
          facts.userCheck ||= inner.userCheck;
        }
      }
    }
    return facts;
  }

  /**
   * Verdicts of `fromBody` asked outside any analysis (a route's middleware, handler or guard): the same middleware
   * function guards many routes and its gate analysis is the same for each. Only such outermost calls are kept: inside
   * an analysis, a recursion guard may hold a provisional answer (answersWhenFalsy) that a kept verdict would freeze.
   */
  private readonly verdicts = new Map<string, AuthFact>();
  /** Analyses (fromBody, handlerGate, skipConditions) under way. */
  private analysing = 0;

  /** `strict` for route handlers: only an explicit 401/403 (or login redirect) after a check counts. */
  fromBody(module: JsModule, fn: Node, detail: string, strict: boolean, name = detail, args?: readonly Node[], depth = 0): AuthFact {
    if (this.analysing > 0) return this.readBody(module, fn, detail, strict, name, args, depth);
    const key = `${module.file}\0${fn.startIndex}\0${fn.endIndex}\0${strict ? 1 : 0}${this.handlerPosition ? 1 : 0}${depth}\0${name}\0${detail}\0${args === undefined ? '-' : args.map((arg) => arg.id).join(',')}`;
    const known = this.verdicts.get(key);
    if (known) return known;
    this.analysing++;
    try {
      const fact = this.readBody(module, fn, detail, strict, name, args, depth);
      this.verdicts.set(key, fact);
      return fact;
    } finally {
      this.analysing--;
    }
  }

  /** A gate analysis counted as under way (see `verdicts`). */
  private outermost(gate: Gate): GateResult {
    this.analysing++;
    try {
      return gate.analyse();
    } finally {
      this.analysing--;
    }
  }

  private readBody(module: JsModule, fn: Node, detail: string, strict: boolean, name: string, args: readonly Node[] | undefined, depth: number): AuthFact {
    // A handler that checks a password it was sent is the login itself: its 401 answers a wrong password, not a missing session.
    if (strict && (!STRICT_REJECT_RE.test(fn.text) || PASSWORD_CHECK.test(fn.text))) return NONE;
    const facts = this.facts(module, fn, 0);
    const mechanisms = [...facts.mechanisms];
    if (strict) {
      if (facts.strictRejects && (mechanisms.length > 0 || facts.userCheck)) {
        const gated = this.configurationGated(module, fn);
        if (gated !== undefined) return { verdict: 'maybe', mechanisms: ['unknown'], detail: `${detail} rejects only when ${gated} (a configuration setting, not the request)` };
        return { verdict: 'auth', mechanisms: mechanisms.length ? mechanisms : ['unknown'], detail };
      }
      return NONE;
    }
    const looksLikeAuth = mechanisms.length > 0 || facts.userCheck || AUTHISH.test(name);
    const maybe: AuthFact = looksLikeAuth ? { verdict: 'maybe', mechanisms: ['unknown'], detail } : NONE;
    const target = this.gateOf(module, fn, args, depth);
    if (target === undefined) return maybe;
    if ('fact' in target) return { ...target.fact, detail };
    const result = new Gate(target.fn, this.hooks(target.module, depth), target.env).analyse();
    const states = result.continuations.map((continuation) => continuation.state);
    // A factory around `passport.authenticate(type, …)`: the strategy is the argument the factory was called with.
    const strategies = this.boundStrategies(target.module, target.fn, target.env);
    if (strategies.length > 0) {
      const index = strategyIndex(this.graph);
      if (strategies.every((strategy) => isLoginFlow(index.get(strategy), strategy))) return { verdict: 'public', mechanisms: ['none'], detail: `${detail} starts or completes a login` };
      const named_ = strategies.map(passportMechanism).filter((mech): mech is AuthMechanism => mech !== undefined && mech !== 'unknown');
      for (const mech of named_) if (!mechanisms.includes(mech)) mechanisms.push(mech);
      const unknownAt = mechanisms.indexOf('unknown');
      if (named_.length > 0 && unknownAt >= 0) mechanisms.splice(unknownAt, 1);
    }
    if (states.length === 0) return maybe;
    const markers = result.continuations.filter((continuation) => continuation.state === 'marker').map((continuation) => continuation.condition ?? '');
    if (states.includes('open')) {
      // A name alone (`checkAuth` that only records the caller) proves nothing either way: not authentication.
      // Reading `req.user` (a rate limiter keyed by user) is not optional authentication either: a credential must be read.
      if (mechanisms.length === 0 && !CREDENTIAL_READ.test(target.fn.text)) return NONE;
      const at = result.continuations.find((continuation) => continuation.state === 'open');
      const line = at ? ` (line ${at.node.startPosition.row + 1})` : '';
      return { verdict: 'optional', mechanisms: mechanisms.length ? mechanisms : ['unknown'], detail: `${detail} lets requests without valid credentials through${line}`, markers };
    }
    const configured = result.continuations.find((continuation) => continuation.state === 'config');
    if (configured) {
      return { verdict: 'maybe', mechanisms: ['unknown'], detail: `${detail} checks credentials only when ${configured.condition ?? result.configurations[0] ?? 'a setting holds'} (a configuration setting, not the request)`, markers };
    }
    if (states.includes('unknown')) return { ...maybe, markers };
    if (states.includes('route')) {
      // `if (request.url.startsWith('/api/auth/login')) return;`: protected everywhere else, when the test can be read.
      const tests = result.continuations.filter((continuation) => continuation.state === 'route').map((continuation) => (continuation.conditionNode ? routePredicate(this.graph, target.module, continuation.conditionNode) : undefined));
      const readable = tests.every((test): test is RoutePredicate => test !== undefined);
      if (readable && states.includes('guarded') && result.rejects && (looksLikeAuth || result.authReject))
        return { verdict: 'auth', mechanisms: mechanisms.length ? mechanisms : ['unknown'], detail, markers, skips: (path, method) => tests.some((test) => test(path, method)) };
      return { ...maybe, verdict: looksLikeAuth ? 'maybe' : 'none', detail: `${detail} skips its check for some request paths` };
    }
    if (!states.includes('guarded')) return { ...maybe, markers };
    if (result.rejects && (looksLikeAuth || result.authReject)) return { verdict: 'auth', mechanisms: mechanisms.length ? mechanisms : ['unknown'], detail, markers };
    return { ...maybe, markers };
  }

  /**
   * The configuration condition every rejection of a handler sits under (`if (config.privateMode) { if (!user) throw … }`),
   * or undefined when one rejects whatever the settings: such a handler answers anonymous callers where the setting is off.
   */
  configurationGated(module: JsModule, fn: Node): string | undefined {
    const rejections = descendants(fn, REJECTION_STATEMENTS).filter(
      (statement) => STRICT_REJECT_RE.test(statement.text) && descendants(statement, REJECTION_STATEMENTS).length === 1,
    );
    let first: string | undefined;
    for (const statement of rejections) {
      const gated = this.configuration.gate(module, statement, fn);
      if (gated === undefined) return undefined;
      first ??= gated;
    }
    return first;
  }

  /** The route-metadata conditions under which a guard method lets the request through unchecked (`if (isPublic) return true`). */
  skipConditions(module: JsModule, method: Node): string[] {
    const result = this.outermost(new Gate(method, this.hooks(module, 0)));
    return result.continuations.filter((continuation) => continuation.state === 'marker').map((continuation) => continuation.condition ?? '');
  }

  /**
   * The function that gates the request: a middleware itself (`(req, res, next)`), the closure a factory returns
   * (read with the factory's arguments bound: `auth({ optional: true })`), a guard's `canActivate`, or a hook.
   * A factory returning another middleware expression (`return passport.authenticate('jwt')`) is classified as that.
   */
  private gateOf(module: JsModule, fn: Node, args: readonly Node[] | undefined, depth: number):
    | { fn: Node; module: JsModule; env: Map<string, Bound | null> }
    | { fact: AuthFact }
    | undefined {
    if (fn.type === 'class_declaration' || fn.type === 'class') {
      const body = named(fn).find((child) => child.type === 'class_body');
      const method = body ? named(body).find((member) => member.type === 'method_definition' && /^(?:canActivate|use|handle|intercept)$/.test(field(member, 'name')?.text ?? '')) : undefined;
      return method ? { fn: method, module, env: new Map() } : undefined;
    }
    if (nextParameter(fn)) return { fn, module, env: new Map() };
    const body = field(fn, 'body');
    if (!body) return undefined;
    const values = body.type === 'statement_block' ? returnedValues(body) : [unwrap(body)];
    const env = bindParameters(fn, args ?? []);
    bindLocals(body, env);
    for (const value of values) {
      if (isFunction(value)) return { fn: value, module, env };
      if (value.type === 'identifier') {
        const local = descendants(body, new Set(['function_declaration', 'variable_declarator'])).find((d) => field(d, 'name')?.text === value.text);
        const inner = local?.type === 'variable_declarator' ? field(local, 'value') : local;
        if (inner && isFunction(unwrap(inner))) return { fn: unwrap(inner), module, env };
      }
      if ((value.type === 'call_expression' || value.type === 'array') && depth < 4) {
        const fact = this.classify(module, value, depth + 1);
        if (fact.verdict !== 'none') return { fact };
      }
    }
    return { fn, module, env: new Map() };
  }

  /**
   * `const { auth, error } = await parseRequest(request, schema)`: the helper returns `error` set to an answer like
   * `() => unauthorized()` on every path where the caller is not authenticated (read with the call's arguments bound).
   */
  private errorResult(module: JsModule, call: Node, key: string, depth: number): boolean {
    const fn = callee(call);
    if (!fn || depth > 2) return false;
    const resolved = this.graph.resolve(module, fn);
    if (resolved.kind !== 'node' || !isFunction(resolved.node)) return false;
    const body = field(resolved.node, 'body');
    if (!body || body.type !== 'statement_block') return false;
    const variables = new Set<string>();
    for (const value of returnedValues(body)) {
      if (value.type !== 'object') continue;
      const property = objectProperty(value, key);
      if (property && ['identifier', 'shorthand_property_identifier'].includes(unwrap(property).type)) variables.add(unwrap(property).text);
    }
    if (variables.size !== 1) return false;
    const env = bindParameters(resolved.node, callArgs(call));
    const gate = new Gate(resolved.node, this.hooks(resolved.module, depth + 1), env, undefined);
    gate.errorVariable = [...variables][0];
    const result = gate.analyse();
    return result.authReject && result.continuations.length > 0 && result.continuations.every((continuation) => continuation.state === 'guarded');
  }

  /**
   * A workspace helper given the response (`verifyUser({ req, res })`) that writes the 401 itself and returns
   * nothing on every path where the caller is not authenticated, and returns a value only after the check.
   */
  private answersWhenFalsy(module: JsModule, call: Node, depth: number): boolean {
    const fn = callee(call);
    if (!fn || depth > 2) return false;
    const key = `answers:${module.file}:${call.startIndex}`;
    const cached = this.answering.get(key);
    if (cached !== undefined) return cached;
    this.answering.set(key, false);
    const resolved = this.graph.resolve(module, fn);
    let answers = false;
    if (resolved.kind === 'node' && isFunction(resolved.node)) {
      const body = field(resolved.node, 'body');
      if (body?.type === 'statement_block') {
        const gate = new Gate(resolved.node, this.hooks(resolved.module, depth + 1), bindParameters(resolved.node, callArgs(call)), undefined);
        gate.falsyRejects = true;
        const result = gate.analyse();
        answers = result.authReject && result.continuations.length > 0 && result.continuations.every((continuation) => continuation.state === 'guarded');
      }
    }
    this.answering.set(key, answers);
    return answers;
  }

  /** A route handler read as a gate: every response it gives comes after a rejection that names authentication. */
  handlerGate(module: JsModule, fn: Node, method?: string): AuthFact {
    if (PASSWORD_CHECK.test(fn.text)) return NONE;
    const gate = new Gate(fn, this.hooks(module, 0), new Map(), undefined);
    gate.authOnly = true;
    gate.method = method;
    const result = this.outermost(gate);
    const states = result.continuations.map((continuation) => continuation.state);
    // Read for one method: no rejection at all on its paths (another method's branch holds the check).
    if (method !== undefined && !result.rejects && !states.includes('unknown')) return { ...NONE, detail: UNCHECKED };
    if (!result.authReject || states.length === 0 || states.some((state) => state !== 'guarded')) return NONE;
    const mechanisms = [...this.facts(module, fn, 0).mechanisms];
    return { verdict: 'auth', mechanisms: mechanisms.length > 0 ? mechanisms : ['unknown'], detail: 'check in the handler' };
  }

  /** Strategy names of `passport.authenticate(param, …)` calls in a closure whose `param` the factory's caller bound. */
  private boundStrategies(module: JsModule, fn: Node, env: Map<string, Bound | null>): string[] {
    if (env.size === 0) return [];
    const out: string[] = [];
    for (const call of descendants(fn, CALLS)) {
      const target = callee(call);
      if (!target || !/authenticate$/.test(target.text)) continue;
      const resolved = this.graph.resolve(module, target);
      if (resolved.kind !== 'external' || !PASSPORT.includes(resolved.specifier)) continue;
      const arg = callArgs(call)[0] ? unwrap(callArgs(call)[0] as Node) : undefined;
      const bound = arg?.type === 'identifier' ? env.get(arg.text) : undefined;
      const value = bound ? unwrap(bound.node) : undefined;
      if (value?.type === 'string') out.push(value.text.slice(1, -1));
    }
    return out;
  }

  private hooks(module: JsModule, depth: number): GateHooks {
    return {
      configuration: (condition, when) => this.configuration.gating(module, condition, when),
      answersWhenFalsy: (call) => this.answersWhenFalsy(module, call, depth),
      selfRejecting: (call) => this.selfRejecting(module, call, depth),
      errorResult: (call, key) => this.errorResult(module, call, key, depth),
      passes: (call, index, rejectAt) => {
        const fn = callee(call);
        if (!fn || depth > 3) return undefined;
        const resolved = this.graph.resolve(module, fn);
        if (resolved.kind !== 'node' || !isFunction(resolved.node)) return undefined;
        const names = parameterNames(resolved.node);
        const continuation = names[index];
        if (!continuation) return undefined;
        // A factory (`verifyCallback(req, resolve, reject) => async (err, user) => …`): the closure it returns uses them.
        const body = field(resolved.node, 'body');
        const values = body ? (body.type === 'statement_block' ? returnedValues(body) : [unwrap(body)]) : [];
        const target = values.find((value) => isFunction(value)) ?? resolved.node;
        const gate = new Gate(target, this.hooks(resolved.module, depth + 1), new Map(), continuation, target !== resolved.node);
        for (const at of rejectAt) {
          const name = names[at];
          if (name) gate.rejectNames.add(name);
        }
        const result = gate.analyse();
        return { states: result.continuations.map((c) => c.state), rejects: result.rejects, authReject: result.authReject };
      },
      delegate: (call) => {
        const fn = callee(call);
        if (!fn || depth > 4) return 'unknown';
        // `passport.authenticate(type, (err, user) => …)(req, res, next)`: with a custom callback passport never calls
        // `next` itself; the callback (read on its own) decides.
        if (fn.type === 'call_expression' && callArgs(fn).some((arg) => isFunction(unwrap(arg)))) {
          const inner = callee(fn);
          const target = inner ? this.graph.resolve(module, inner) : undefined;
          if (target?.kind === 'external' && PASSPORT.includes(target.specifier)) return 'ignore';
        }
        const fact = this.classify(module, fn, depth + 1);
        return fact.verdict === 'auth' ? 'auth' : fact.verdict === 'maybe' ? 'unknown' : 'open';
      },
    };
  }

  /** A call that throws (or answers 401) itself when the credential is missing or invalid. */
  private selfRejecting(module: JsModule, call: Node, depth: number): boolean {
    if (call.type !== 'call_expression') return false;
    const fn = callee(call);
    if (!fn) return false;
    const args = callArgs(call);
    const text = fn.text;
    // @fastify/jwt's `request.jwtVerify()`, @nestjs/jwt's `jwtService.verify(Async)`: both throw on a bad token.
    if (/^(?:req|request)\.jwtVerify$/.test(text) || /(?:^|\.)jwtService\.verify(?:Async)?$/.test(text)) return true;
    const resolved = this.graph.resolve(module, fn);
    if (resolved.kind === 'external') {
      const name = externalName(resolved) ?? '';
      if (resolved.specifier === 'jsonwebtoken' && /verify$/.test(name)) return !args.slice(2).some((arg) => isFunction(unwrap(arg)));
      if (resolved.specifier === 'jose' && /^(?:jwtVerify|jwtDecrypt|compactVerify)$/.test(name)) return true;
      if (/^(?:firebase-admin|google-auth-library)/.test(resolved.specifier) && /verify(?:IdToken|SessionCookie)$/.test(name)) return true;
      return false;
    }
    // `admin.auth().verifyIdToken(token)`: firebase-admin reached through a call.
    if (/\.verify(?:IdToken|SessionCookie)$/.test(text)) {
      const root = /^[\w$]+/.exec(text)?.[0];
      const base = root ? this.graph.resolveName(module, root) : undefined;
      if (base?.kind === 'external' && /^(?:firebase-admin|google-auth-library)/.test(base.specifier)) return true;
    }
    // A local helper that throws (or rejects) whenever the credential is bad: `const user = await userFromToken(req)`.
    if (resolved.kind === 'node' && isFunction(resolved.node) && depth < 3 && !nextParameter(resolved.node)) {
      const result = new Gate(resolved.node, this.hooks(resolved.module, depth + 1)).analyse();
      return result.rejects && result.continuations.length > 0 && result.continuations.every((continuation) => continuation.state === 'guarded');
    }
    return false;
  }
}

/**
 * The parameter of a wrapper `fn => (...args) => fn(...args)` (or `(req, res, next) => fn(req, res, next).catch(next)`)
 * that its returned closure calls with all of the closure's own arguments; undefined for any other function.
 */
function transparentWrapper(factory: Node): number | undefined {
  const names = parameterNames(factory);
  const body = field(factory, 'body');
  if (!body || names.length === 0) return undefined;
  const closure = (body.type === 'statement_block' ? returnedValues(body) : [unwrap(body)]).find((value) => isFunction(value));
  if (!closure) return undefined;
  const params = field(closure, 'parameters') ?? field(closure, 'parameter');
  if (!params) return undefined;
  const list = params.type === 'identifier' ? [params] : named(params);
  const rest = list.length === 1 && list[0]?.type === 'rest_pattern' ? named(list[0])[0]?.text : undefined;
  const own = parameterNames(closure);
  for (const call of descendants(closure, CALLS)) {
    const fn = callee(call);
    const index = fn?.type === 'identifier' ? names.indexOf(fn.text) : -1;
    if (index < 0) continue;
    const args = callArgs(call).map((arg) => unwrap(arg).text);
    if (rest !== undefined && args.length === 1 && args[0] === `...${rest}`) return index;
    if (rest === undefined && own.length >= 2 && own.every((name, i) => name !== undefined && args[i] === name)) return index;
  }
  return undefined;
}


const CALLS: ReadonlySet<string> = new Set(['call_expression']);

function dedupe<T>(items: readonly T[]): T[] {
  return [...new Set(items)];
}

function combine(facts: readonly AuthFact[], detail: string): AuthFact {
  const auth = facts.filter((fact) => fact.verdict === 'auth');
  if (auth.length > 0) return { verdict: 'auth', mechanisms: dedupe(auth.flatMap((fact) => fact.mechanisms)), detail };
  if (facts.some((fact) => fact.verdict === 'maybe')) return { verdict: 'maybe', mechanisms: ['unknown'], detail };
  return NONE;
}

/** A concrete path for pattern tests: `{id}` → `1`. */
export function samplePath(path: string): string {
  return path.replace(/\{[^}]+\}/g, '1');
}

function samePath(pattern: string, path: string): boolean {
  const normal = (value: string): string => (value.length > 1 ? value.replace(/\/+$/, '') : value);
  return normal(pattern.replace(/:([A-Za-z_$][\w$]*)/g, '{$1}')) === normal(path);
}

/**
 * The endpoint's AuthEvidence from the facts that apply to it, outermost first.
 * Any proven check protects; a public marker wins only when nothing applies; an unprovable one makes it unknown.
 */
export function evidence(facts: readonly AppliedFact[]): AuthEvidence {
  const auth = facts.filter((fact) => fact.verdict === 'auth');
  const first = auth[0];
  if (first) {
    const specific = dedupe(auth.flatMap((fact) => fact.mechanisms)).filter((mech) => mech !== 'unknown');
    return {
      state: 'protected',
      mechanisms: specific.length > 0 ? specific : ['unknown'],
      where: first.where,
      scope: first.scope,
      detail: auth.map((fact) => fact.detail).join('; '),
    };
  }
  const publicFact = facts.find((fact) => fact.verdict === 'public');
  if (publicFact) return { state: 'public', mechanisms: ['none'], where: publicFact.where, scope: publicFact.scope, detail: publicFact.detail };
  const maybe = facts.find((fact) => fact.verdict === 'maybe');
  if (maybe) {
    return {
      state: 'unknown',
      mechanisms: ['unknown'],
      where: maybe.where,
      scope: maybe.scope,
      detail: `${maybe.detail} looks like authentication but does not provably reject unauthenticated requests`,
    };
  }
  const optional = facts.find((fact) => fact.verdict === 'optional');
  if (optional) return { state: 'unprotected', mechanisms: ['none'], where: optional.where, scope: optional.scope, detail: `optional authentication: ${optional.detail}` };
  return { state: 'unprotected', mechanisms: ['none'], detail: 'no authentication applies to this route' };
}

type RoutePredicate = (path: string, method: string) => boolean;

/**
 * A test of the request path or method read as a predicate over routes: `url.startsWith('/auth')`, `path === '/login'`,
 * `PUBLIC.includes(req.path)`, `/^\/health/.test(req.url)`, `method === 'OPTIONS'`, with `!`, `&&`, `||`. Undefined when unreadable.
 */
function routePredicate(graph: ModuleGraph, module: JsModule, node: Node, depth = 0): RoutePredicate | undefined {
  if (depth > 8) return undefined;
  const current = unwrap(node);
  const isMethod = (value: Node): boolean => /\.method$/.test(unwrap(value).text);
  const isPath = (value: Node): boolean => /\.(?:url|path|originalUrl|baseUrl|routerPath|pathname|routeOptions\.url)$/.test(unwrap(value).text) || unwrap(value).text === 'pathname';
  switch (current.type) {
    case 'unary_expression': {
      const argument = field(current, 'argument');
      const inner = current.children[0]?.type === '!' && argument ? routePredicate(graph, module, argument, depth + 1) : undefined;
      return inner ? (path, method) => !inner(path, method) : undefined;
    }
    case 'binary_expression': {
      const operator = field(current, 'operator')?.text ?? '';
      const left = field(current, 'left');
      const right = field(current, 'right');
      if (!left || !right) return undefined;
      if (operator === '&&' || operator === '||') {
        const a = routePredicate(graph, module, left, depth + 1);
        const b = routePredicate(graph, module, right, depth + 1);
        if (!a || !b) return undefined;
        return operator === '&&' ? (p, m) => a(p, m) && b(p, m) : (p, m) => a(p, m) || b(p, m);
      }
      if (!['===', '==', '!==', '!='].includes(operator)) return undefined;
      const [subject, other] = isMethod(left) || isPath(left) ? [left, right] : [right, left];
      const value = evalString(graph, module, other);
      if (value === undefined) return undefined;
      const equal: RoutePredicate | undefined = isMethod(subject)
        ? (_p, m) => m === value.toUpperCase()
        : isPath(subject)
          ? (p) => samePath(value, p)
          : undefined;
      if (!equal) return undefined;
      return operator.startsWith('!') ? (p, m) => !equal(p, m) : equal;
    }
    case 'call_expression': {
      const fn = callee(current);
      if (fn?.type !== 'member_expression') return undefined;
      const method = field(fn, 'property')?.text ?? '';
      const object = field(fn, 'object');
      const arg = callArgs(current)[0];
      if (!object || !arg) return undefined;
      if (['startsWith', 'endsWith', 'includes'].includes(method) && isPath(object)) {
        const value = evalString(graph, module, arg);
        if (value === undefined) return undefined;
        const sample = (p: string): string => samplePath(p);
        if (method === 'startsWith') return (p) => sample(p).startsWith(value);
        if (method === 'endsWith') return (p) => sample(p).endsWith(value);
        return (p) => sample(p).includes(value);
      }
      if (method === 'includes' && (isPath(arg) || isMethod(arg))) {
        const values = evalStrings(graph, module, object);
        if (!values) return undefined;
        return isMethod(arg) ? (_p, m) => values.some((v) => v.toUpperCase() === m) : (p) => values.some((v) => samePath(v, p));
      }
      if (method === 'test' && isPath(arg)) {
        const regex = unwrap(object);
        if (regex.type !== 'regex') return undefined;
        try {
          const compiled = new RegExp(field(regex, 'pattern')?.text ?? '', (field(regex, 'flags')?.text ?? '').replace(/[gy]/g, ''));
          return (p) => compiled.test(samplePath(p));
        } catch {
          return undefined;
        }
      }
      return undefined;
    }
    default:
      return undefined;
  }
}

