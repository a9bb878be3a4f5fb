import type { Node } from 'web-tree-sitter';
import type { AuthEvidence, AuthMechanism, EvidenceScope, Location } from '../../../model/types.js';
import { callArgs, callee, descendants, field, isFunction, named, objectProperty, unwrap } from './ast.js';
import type { JsModule, ModuleGraph, Resolved } from './modules.js';
import { externalName, evalString, evalTrue } from './values.js';

/**
 * What a middleware, hook, guard or handler proves about authentication:
 * `auth` it rejects unauthenticated requests; `maybe` it looks like auth but cannot be shown to reject;
 * `none` it has nothing to do with auth; `public` it marks the route public on purpose.
 */
export type Verdict = 'auth' | 'maybe' | 'none' | 'public';

export interface AuthFact {
  verdict: Verdict;
  mechanisms: AuthMechanism[];
  detail: string;
  /** express-unless / koa-jwt `unless`: true when the middleware skips this route. */
  skips?: (path: string, method: string) => boolean;
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
const AUTH_PACKAGES: Record<string, (name: string, args: Node[], graph: ModuleGraph, module: JsModule) => AuthMechanism[] | undefined> = {
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
};

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
const APIKEY_RE = /x-api-key|api[-_]?key/i;
const BASIC_RE = /['"`]Basic\s/;
const JWT_RE = /\bjwt\.verify\s*\(|\bjwtService\.verify\w*\s*\(|\bjwtVerify\s*\(|\.jwtVerify\s*\(|\bgetToken\s*\(|\bverify\(\s*token/;
const USER_RE = /\b(?:req|request|ctx\.state|ctx\.request|ctx|context|c\.var|contextValue)\.(?:user|currentUser|auth|userId)\b|c\.get\(\s*['"`](?:user|jwtPayload)['"`]\s*\)/;
const REJECT_RE =
  /\b40[13]\b|Unauthori[sz]ed|Forbidden|UNAUTHENTICATED|AuthenticationError|ctx\.throw\s*\(|next\s*\(\s*(?:new\s|err\b|error\b|e\b|createError|[A-Z]\w*\()|\bthrow\b|\.redirect\s*\(\s*['"`][^'"`]*(?:login|signin)|\bredirect\s*\(\s*['"`][^'"`]*(?:login|signin)/;
const STRICT_REJECT_RE =
  /\b40[13]\b|Unauthori[sz]ed|Forbidden|UNAUTHENTICATED|AuthenticationError|unauthorized\s*\(|\.redirect\s*\(\s*['"`][^'"`]*(?:login|signin)|\bredirect\s*\(\s*['"`][^'"`]*(?:login|signin)/;

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

  constructor(private readonly graph: ModuleGraph) {}

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
        return AUTHISH.test(name) && !/session$/i.test(resolved.specifier) ? { verdict: 'maybe', mechanisms: ['unknown'], detail } : NONE;
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
        const mechanisms = strategies.map(passportMechanism).filter((mech): mech is AuthMechanism => mech !== undefined);
        if (mechanisms.length === 0) return { verdict: 'maybe', mechanisms: ['unknown'], detail };
        return { verdict: 'auth', mechanisms: dedupe(mechanisms), detail };
      }
      const table = AUTH_PACKAGES[packageOf(resolved.specifier)];
      if (table) {
        const mechanisms = table(name, args, this.graph, module);
        return mechanisms ? { verdict: 'auth', mechanisms, detail } : NONE;
      }
      return AUTHISH.test(name) && !/session$/i.test(resolved.specifier) ? { verdict: 'maybe', mechanisms: ['unknown'], detail } : NONE;
    }
    if (resolved.kind === 'node' && isFunction(resolved.node)) {
      // A middleware factory (`requireRole('admin')`, `authenticate()`): its body, returned closure included, decides.
      // Only the factory's name hints at auth: `validate(authSchemas.login)` names a schema, not a check.
      return this.fromBody(resolved.module, resolved.node, detail, false, fn.text);
    }
    if (resolved.kind === 'node' && resolved.node.type === 'class_declaration') return this.fromBody(resolved.module, resolved.node, detail, false);
    return AUTHISH.test(fn.text) ? { verdict: 'maybe', mechanisms: ['unknown'], detail } : NONE;
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

  /** `strict` for route handlers: only an explicit 401/403 (or login redirect) after a check counts. */
  fromBody(module: JsModule, fn: Node, detail: string, strict: boolean, name = detail): AuthFact {
    if (strict && !STRICT_REJECT_RE.test(fn.text)) return NONE;
    const facts = this.facts(module, fn, 0);
    const mechanisms = [...facts.mechanisms];
    if (strict) {
      if (facts.strictRejects && (mechanisms.length > 0 || facts.userCheck)) return { verdict: 'auth', mechanisms: mechanisms.length ? mechanisms : ['unknown'], detail };
      return NONE;
    }
    if (mechanisms.length > 0 && (facts.rejects || facts.selfRejecting)) return { verdict: 'auth', mechanisms, detail };
    if (facts.userCheck && facts.rejects) return { verdict: 'auth', mechanisms: ['unknown'], detail };
    if (mechanisms.length > 0 || facts.userCheck || AUTHISH.test(name)) return { verdict: 'maybe', mechanisms: ['unknown'], detail };
    return NONE;
  }
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
  return { state: 'unprotected', mechanisms: ['none'], detail: 'no authentication applies to this route' };
}
