/**
 * Spring Security as configured in code: `SecurityFilterChain` / `SecurityWebFilterChain` beans and
 * `WebSecurityConfigurerAdapter.configure(HttpSecurity)` (lambda DSL, chained DSL with `and()`,
 * Kotlin `http { authorizeHttpRequests { authorize(…) } }`), `web.ignoring()`, and method security
 * (`@PreAuthorize`, `@Secured`, `@RolesAllowed`) with the switch that turns it on. Rules are kept in
 * declared order: the first rule that matches a request decides.
 */
import type { Node } from 'web-tree-sitter';
import type { AuthMechanism, Location } from '../../../model/types.js';
import { annotation, descendants, hasAnnotation, locate, named, type JvmAnnotation, type JvmClass, type JvmMethod } from '../jvm/ast.js';
import { asCall, callNameNode, chainOf, isLambda, lambdaParameters, statementsOf, type JvmCall } from '../jvm/calls.js';
import { antCoverage, type Coverage } from '../jvm/paths.js';
import { memberName, type JvmProgram, type Scope } from '../jvm/values.js';

export type Verdict = 'public' | 'protected' | 'unknown';

export interface Matcher {
  method: string | undefined;
  /** undefined: not a constant (a list read at run time). */
  pattern: string | undefined;
  /** The expression of a pattern that is not a constant. */
  source?: Node;
}

export interface Rule {
  /** `'any'` for `anyRequest()` / `anyExchange()`. */
  matchers: Matcher[] | 'any';
  verdict: Verdict;
  detail: string;
  where: Location;
}

export interface Chain {
  where: Location;
  /** Why the chain is not provably in force, when it is not. */
  notApplied: string | undefined;
  order: number;
  /** Paths the chain serves (`securityMatcher`); undefined: every request. */
  scope: Matcher[] | undefined;
  rules: Rule[];
  mechanisms: AuthMechanism[];
  /** `web.ignoring()`: requests that bypass every chain. */
  ignoring?: true;
  /** The configuration method the chain is built in. */
  origin?: { cls: JvmClass; method: JvmMethod };
  /** `csrf().disable()`, `csrf(AbstractHttpConfigurer::disable)`, Kotlin `csrf { disable() }`. */
  csrfDisabled?: Location;
  /** `sessionCreationPolicy(SessionCreationPolicy.STATELESS)`. */
  stateless?: true;
  /** Log-in configurers that keep the user in a cookie session (`formLogin`, `oauth2Login`, `rememberMe`, `saml2Login`). */
  sessionLogins?: string[];
  /** A `SecurityFilterChain` bean that never calls authorizeHttpRequests / authorizeRequests / authorizeExchange: no authorization filter, every request goes on. */
  authorizesNothing?: true;
}

export interface MethodSecurity {
  prePost: boolean;
  secured: boolean;
  jsr250: boolean;
  where: Location | undefined;
}

const LOWEST = 2147483647;
const CHAIN_TYPES = new Set(['SecurityFilterChain', 'SecurityWebFilterChain']);
const HTTP_TYPES = new Set(['HttpSecurity', 'ServerHttpSecurity']);
const ADAPTERS = new Set(['WebSecurityConfigurerAdapter', 'ResourceServerConfigurerAdapter']);
const CONFIG_ANNOTATIONS = ['Configuration', 'EnableWebSecurity', 'EnableWebFluxSecurity', 'EnableResourceServer', 'SpringBootApplication', 'TestConfiguration'];
const AUTHORIZE = new Set(['authorizeRequests', 'authorizeHttpRequests', 'authorizeExchange']);
const MATCHERS = new Set(['requestMatchers', 'antMatchers', 'mvcMatchers', 'regexMatchers', 'pathMatchers', 'securityMatcher', 'securityMatchers', 'antMatcher', 'mvcMatcher', 'regexMatcher']);
const ANY = new Set(['anyRequest', 'anyExchange']);
const PUBLIC_ACTIONS = new Set(['permitAll', 'anonymous']);
const PROTECTED_ACTIONS = new Set(['authenticated', 'fullyAuthenticated', 'hasRole', 'hasAnyRole', 'hasAuthority', 'hasAnyAuthority', 'denyAll', 'rememberMe']);
const MECHANISMS: Record<string, AuthMechanism> = Object.freeze(
  Object.assign(Object.create(null) as Record<string, AuthMechanism>, {
    httpBasic: 'basic',
    formLogin: 'session',
    oauth2ResourceServer: 'jwt',
    oauth2Login: 'oauth2',
    oauth2Client: 'oauth2',
    saml2Login: 'unknown',
    x509: 'mtls',
    jee: 'unknown',
    rememberMe: 'session',
    addFilterBefore: 'unknown',
    addFilterAfter: 'unknown',
    addFilterAt: 'unknown',
    addFilter: 'unknown',
    apply: 'unknown',
  }),
);

type Mode = 'http' | 'authorize' | 'scope' | 'web';

interface Walk {
  chain: Chain;
  program: JvmProgram;
  scope: Scope;
  /** Names bound to a DSL object (method and lambda parameters, local variables). */
  names: Map<string, Mode>;
}

function orderOf(list: readonly JvmAnnotation[], program: JvmProgram, scope: Scope): number | undefined {
  const found = annotation(list, 'Order');
  const value = found?.args.get('value')?.[0];
  if (!value) return undefined;
  const text = value.text.replace(/\s/g, '');
  if (/^-?\d+$/.test(text)) return Number(text);
  if (/HIGHEST_PRECEDENCE$/.test(text)) return -LOWEST - 1;
  if (/LOWEST_PRECEDENCE$/.test(text)) return LOWEST;
  const match = /HIGHEST_PRECEDENCE([+-]\d+)$/.exec(text);
  if (match) return -LOWEST - 1 + Number(match[1]);
  void program;
  void scope;
  return undefined;
}

/** The matchers a `requestMatchers(…)`-style call names: `(HttpMethod.GET, "/a", "/b")`, `("/a")`, `(HttpMethod.POST)`. */
function matchersOf(call: JvmCall, walk: Walk): Matcher[] {
  let method: string | undefined;
  const out: Matcher[] = [];
  for (const arg of call.args) {
    const name = memberName(arg);
    if ((arg.type === 'field_access' || arg.type === 'navigation_expression') && /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|TRACE)$/.test(name ?? '')) {
      method = name;
      continue;
    }
    // Spring Boot's actuator matchers: `EndpointRequest.toAnyEndpoint()`, `EndpointRequest.to(HealthEndpoint::class.java)`,
    // `EndpointRequest.to("health", "info")` under the default base path /actuator (`excluding(…)`: not read).
    const actuator = /^EndpointRequest\s*\.\s*(toAnyEndpoint|to)\s*\(([^()]*(?:\([^()]*\))?[^()]*)\)\s*$/.exec(arg.text);
    if (actuator) {
      const ids = actuator[1] === 'to' ? actuator[2]?.split(',').map((id) => /^\s*"([\w-]+)"\s*$/.exec(id)?.[1] ?? /^\s*(\w+?)Endpoint(?:::class(?:\.java)?|\.class)\s*$/.exec(id)?.[1]?.replace(/^\w/, (c) => c.toLowerCase())) ?? [] : [];
      if (actuator[1] === 'toAnyEndpoint') out.push({ method, pattern: '/actuator/**' });
      else if (ids.length > 0 && ids.every((id) => id !== undefined)) for (const id of ids) out.push({ method, pattern: `/actuator/${id}/**` });
      else out.push({ method, pattern: undefined, source: arg });
      continue;
    }
    // `antMatcher("/x")`, `AntPathRequestMatcher("/x")`, `pathMatchers("/x")` nested inside.
    const inner = asCall(arg) ?? (arg.type === 'object_creation_expression' ? undefined : undefined);
    if (inner && /Matcher|pathMatchers|antMatcher|mvc|regex/i.test(inner.name)) {
      out.push(...matchersOf(inner, walk));
      continue;
    }
    if (arg.type === 'object_creation_expression') {
      const args = named(arg).find((child) => child.type === 'argument_list');
      const values = named(args).map((child) => walk.program.strings(child, walk.scope));
      const pattern = values[0]?.[0];
      const httpMethod = values[1]?.[0];
      out.push({ method: httpMethod, pattern });
      continue;
    }
    const values = walk.program.strings(arg, walk.scope);
    if (values) for (const value of values) out.push({ method, pattern: value });
    else out.push({ method, pattern: undefined, source: arg });
  }
  if (out.length === 0 && method) out.push({ method, pattern: '/**' });
  return out.map((matcher) => ({ ...matcher, method: matcher.method ?? method }));
}

/** `hasRole('A') and isAuthenticated()` — what a SpEL expression requires of an anonymous caller. */
export function spelVerdict(expression: string): Verdict {
  const text = expression.trim();
  const anyOf = text.split(/\s+or\s+|\|\|/i);
  const part = (term: string): Verdict => {
    const allOf = term.split(/\s+and\s+|&&/i).map((atom) => {
      let bare = atom.trim();
      while (bare.startsWith('(') && bare.endsWith(')')) bare = bare.slice(1, -1).trim();
      // A parenthesis split off by `or`/`and` inside a group.
      return bare.replace(/^\(+/, '').replace(/^([^()]*\([^()]*\))\)+$/, '$1');
    });
    if (allOf.some((atom) => /^(hasRole|hasAnyRole|hasAuthority|hasAnyAuthority|isAuthenticated|isFullyAuthenticated|isRememberMe)\s*\(/.test(atom) || /^(denyAll|isFullyAuthenticated|isAuthenticated)(\(\))?$/.test(atom)))
      return 'protected';
    if (allOf.every((atom) => /^(permitAll(\(\))?|isAnonymous\(\))$/.test(atom))) return 'public';
    return 'unknown';
  };
  const verdicts = anyOf.map(part);
  if (verdicts.every((verdict) => verdict === 'protected')) return 'protected';
  if (verdicts.some((verdict) => verdict === 'public')) return 'public';
  return 'unknown';
}

function actionOf(call: JvmCall, walk: Walk): { verdict: Verdict; detail: string } | undefined {
  if (PUBLIC_ACTIONS.has(call.name)) return { verdict: 'public', detail: `${call.name}()` };
  if (PROTECTED_ACTIONS.has(call.name)) {
    const arg = call.args.map((item) => walk.program.strings(item, walk.scope)?.join(', ') ?? item.text).join(', ');
    return { verdict: 'protected', detail: `${call.name}(${arg})` };
  }
  if (call.name === 'access') {
    const expression = call.args[0] ? walk.program.strings(call.args[0], walk.scope)?.[0] : undefined;
    return { verdict: expression ? spelVerdict(expression) : 'unknown', detail: `access(${expression ?? call.args[0]?.text ?? ''})` };
  }
  if (call.name === 'hasIpAddress') return { verdict: 'unknown', detail: 'hasIpAddress(): an address is not a credential' };
  return undefined;
}

/** Kotlin DSL `authorize("/x", permitAll)`, `authorize(HttpMethod.GET, "/x", hasRole("A"))`, `authorize(anyRequest, authenticated)`. */
function kotlinAuthorize(call: JvmCall, walk: Walk): void {
  const args = call.args;
  const last = args.at(-1);
  if (!last) return;
  const lastCall = asCall(last);
  const actionName = lastCall?.name ?? memberName(last) ?? '';
  const action = lastCall ? actionOf(lastCall, walk) : actionOf({ name: actionName, receiver: undefined, args: [], named: new Map(), lambda: undefined, node: last }, walk);
  const verdict = action ?? { verdict: 'unknown' as Verdict, detail: last.text };
  const targets = args.slice(0, -1);
  let matchers: Matcher[] | 'any' = [];
  let method: string | undefined;
  for (const target of targets) {
    const name = memberName(target) ?? '';
    if (ANY.has(name)) matchers = 'any';
    else if ((target.type === 'navigation_expression' || target.type === 'field_access') && /^(GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS)$/.test(name)) method = name;
    else if (matchers !== 'any') {
      const inner = asCall(target);
      if (inner) matchers.push(...matchersOf(inner, walk));
      else {
        const values = walk.program.strings(target, walk.scope);
        if (values) matchers.push(...values.map((pattern) => ({ method: undefined, pattern })));
        else matchers.push({ method: undefined, pattern: undefined, source: target });
      }
    }
  }
  if (matchers !== 'any') matchers = matchers.map((matcher) => ({ ...matcher, method: matcher.method ?? method }));
  walk.chain.rules.push({ matchers, ...verdict, where: locate(walk.scope.file, call.node) });
}

function disabled(call: JvmCall, next: JvmCall | undefined): boolean {
  if (next?.name === 'disable') return true;
  return call.args.some((arg) => /\bdisable\b/.test(arg.text)) || (call.lambda !== undefined && /\bdisable\s*\(/.test(call.lambda.text));
}

/** Walks one statement or expression of a configuration method, in order. */
function walkNode(node: Node, walk: Walk, implicit: Mode | undefined): void {
  // Local variables bound to a DSL object: `var registry = http.authorizeRequests();`.
  if (node.type === 'property_declaration') {
    const kids = named(node);
    const name = kids.find((child) => child.type === 'variable_declaration')?.text;
    const value = kids.at(-1);
    if (value && value.type !== 'variable_declaration') {
      const mode = walkExpression(value, walk, implicit);
      if (name && mode) walk.names.set(name, mode);
    }
    return;
  }
  if (node.type === 'local_variable_declaration') {
    for (const child of named(node)) {
      if (child.type === 'variable_declarator') {
        const name = child.childForFieldName('name')?.text;
        const value = child.childForFieldName('value');
        if (value) {
          const mode = walkExpression(value, walk, implicit);
          if (name && mode) walk.names.set(name, mode);
        }
      }
    }
    return;
  }
  const statements = statementsOf(node);
  if (statements.length !== 1 || statements[0] !== node) {
    for (const statement of statements) walkNode(statement, walk, implicit);
    return;
  }
  walkExpression(node, walk, implicit);
}

/** Walks a call chain; returns the DSL object the chain ends on. */
function walkExpression(node: Node, walk: Walk, implicit: Mode | undefined): Mode | undefined {
  const { root, calls } = chainOf(node);
  if (calls.length === 0) {
    // Nested blocks (if, try, for) are walked in order.
    for (const child of named(node)) if (child.type !== 'lambda_expression') walkNode(child, walk, implicit);
    return undefined;
  }
  let mode: Mode | undefined = root ? walk.names.get(root.text) : implicit;
  if (root?.type === 'this' || root?.type === 'this_expression') mode = undefined;
  let pending: Matcher[] | 'any' | undefined;
  calls.forEach((call, index) => {
    const next = calls[index + 1];
    const lambdaArg = call.lambda ?? call.args.find((arg) => isLambda(arg));
    const enter = (inner: Mode): void => {
      if (!lambdaArg) return;
      const params = lambdaParameters(lambdaArg);
      const saved = new Map(walk.names);
      for (const param of params) walk.names.set(param, inner);
      // A Kotlin lambda without parameters names its one argument `it`: `authorizeHttpRequests { it.requestMatchers(…).permitAll() }`.
      if (params.length === 0 && lambdaArg.type === 'lambda_literal') walk.names.set('it', inner);
      for (const statement of statementsOf(lambdaArg)) walkNode(statement, walk, call.lambda ? inner : undefined);
      walk.names.clear();
      for (const [key, value] of saved) walk.names.set(key, value);
    };
    if (mode === undefined && call.receiver === undefined && walk.names.get(call.name) === 'http' && call.lambda) {
      // Kotlin `http { … }`.
      enter('http');
      return;
    }
    switch (mode) {
      case 'http':
        if (AUTHORIZE.has(call.name)) {
          if (lambdaArg) enter('authorize');
          else mode = 'authorize';
        } else if (call.name === 'securityMatcher' || call.name === 'antMatcher' || call.name === 'mvcMatcher' || call.name === 'regexMatcher') {
          walk.chain.scope = [...(walk.chain.scope ?? []), ...matchersOf(call, walk)];
        } else if (call.name === 'securityMatchers' || call.name === 'requestMatchers' || call.name === 'requestMatcher') {
          if (lambdaArg) enter('scope');
          else if (call.args.length === 0) mode = 'scope';
          else walk.chain.scope = [...(walk.chain.scope ?? []), ...matchersOf(call, walk)];
        } else if (call.name === 'csrf') {
          if (disabled(call, next) || /\bdisable\b/.test(call.lambda?.text ?? '')) walk.chain.csrfDisabled ??= locate(walk.scope.file, callNameNode(call));
        } else if (call.name === 'sessionManagement' || call.name === 'sessionCreationPolicy') {
          const text = `${call.lambda?.text ?? ''}${call.args.map((arg) => arg.text).join('')}${next?.args.map((arg) => arg.text).join('') ?? ''}`;
          if (/\bSTATELESS\b/.test(text)) walk.chain.stateless = true;
          if (lambdaArg) enter('web');
        } else if (call.name in MECHANISMS) {
          if (/^(formLogin|oauth2Login|rememberMe|saml2Login)$/.test(call.name) && !disabled(call, next)) walk.chain.sessionLogins = [...(walk.chain.sessionLogins ?? []), call.name];
          if (!disabled(call, next)) {
            let mechanism = MECHANISMS[call.name] ?? 'unknown';
            if (call.name.startsWith('addFilter')) mechanism = /jwt/i.test(call.args[0]?.text ?? '') ? 'jwt' : 'unknown';
            if (call.name === 'oauth2ResourceServer' && /opaque/i.test(`${call.lambda?.text ?? ''}${call.args.map((a) => a.text).join('')}${next?.name ?? ''}`)) mechanism = 'oauth2';
            if (!walk.chain.mechanisms.includes(mechanism)) walk.chain.mechanisms.push(mechanism);
          }
          if (lambdaArg) enter('web');
        } else if (lambdaArg) enter('web');
        break;
      case 'authorize':
        if (MATCHERS.has(call.name)) pending = matchersOf(call, walk);
        else if (ANY.has(call.name)) pending = 'any';
        else if (call.name === 'authorize') kotlinAuthorize(call, walk);
        else if (call.name === 'and') mode = 'http';
        else {
          const action = actionOf(call, walk);
          if (action && pending !== undefined) {
            walk.chain.rules.push({ matchers: pending, ...action, where: locate(walk.scope.file, call.node) });
            pending = undefined;
          } else if (lambdaArg) enter('authorize');
        }
        break;
      case 'scope':
        if (MATCHERS.has(call.name)) walk.chain.scope = [...(walk.chain.scope ?? []), ...matchersOf(call, walk)];
        else if (call.name === 'and') mode = 'http';
        break;
      case 'web':
        if (call.name === 'ignoring') mode = 'web';
        else if (MATCHERS.has(call.name) && calls.some((c) => c.name === 'ignoring')) {
          walk.chain.scope = [...(walk.chain.scope ?? []), ...matchersOf(call, walk)];
        }
        break;
      default:
        // Calls on anything else: walk their lambdas with the same bindings (`urls.forEach(url -> auth.antMatchers(url).permitAll())`).
        for (const arg of [...call.args, ...(call.lambda ? [call.lambda] : [])]) {
          if (!isLambda(arg)) continue;
          for (const statement of statementsOf(arg)) walkNode(statement, walk, implicit);
        }
    }
  });
  return mode;
}

function isApplied(cls: JvmClass, program: JvmProgram): string | undefined {
  if (hasAnnotation(cls.annotations, ...CONFIG_ANNOTATIONS)) return undefined;
  // An inner configuration class of a configuration class is still a @Configuration only if annotated itself.
  void program;
  return `${cls.name} is not annotated @Configuration / @EnableWebSecurity: the chain is not provably registered`;
}

function chainFrom(method: JvmMethod, cls: JvmClass, program: JvmProgram, kind: 'bean' | 'adapter' | 'web'): Chain {
  const scope: Scope = { file: cls.file, cls };
  let notApplied = isApplied(cls, program);
  if (kind !== 'adapter' && !notApplied && !hasAnnotation(method.annotations, 'Bean')) notApplied = `${method.name}() is not a @Bean: the chain is not provably registered`;
  const isResourceServer = cls.superTypes.includes('ResourceServerConfigurerAdapter') || hasAnnotation(cls.annotations, 'EnableResourceServer');
  const order = orderOf(method.annotations, program, scope) ?? orderOf(cls.annotations, program, scope) ?? (kind === 'adapter' ? (isResourceServer ? 3 : 100) : LOWEST);
  const chain: Chain = {
    where: locate(cls.file, method.nameNode),
    notApplied,
    order,
    scope: undefined,
    rules: [],
    mechanisms: isResourceServer ? ['oauth2'] : [],
    ...(kind === 'web' ? { ignoring: true as const } : {}),
    origin: { cls, method },
  };
  const names = new Map<string, Mode>();
  for (const param of method.parameters) {
    if (HTTP_TYPES.has(param.type)) names.set(param.name, 'http');
    if (param.type === 'WebSecurity') names.set(param.name, 'web');
  }
  const walk: Walk = { chain, program, scope, names };
  if (kind === 'web') {
    // `return web -> web.ignoring().requestMatchers(…)` / `return (web) -> { … }`.
    for (const statement of statementsOf(method.body)) {
      const lambdas = [statement, ...named(statement)].filter((node) => isLambda(node));
      for (const lambda of lambdas) {
        for (const param of lambdaParameters(lambda)) names.set(param, 'web');
        for (const inner of statementsOf(lambda)) walkNode(inner, walk, 'web');
      }
      walkNode(statement, walk, undefined);
    }
  } else for (const statement of statementsOf(method.body)) walkNode(statement, walk, undefined);
  // `http.httpBasic(withDefaults()); http.csrf(...); return http.build();` with no authorization configurer (nor a
  // custom configurer applied, which could add one): Spring Security builds no AuthorizationFilter for the chain.
  if (kind === 'bean' && method.body && !/authoriz|\.apply\s*\(|\.with\s*\(/i.test(method.body.text)) chain.authorizesNothing = true;
  return chain;
}

/** Every filter chain the workspace configures, sorted by order (declared order within one order). */
export function securityChains(program: JvmProgram, sameApp: (a: string, b: string) => boolean = () => true): Chain[] {
  const chains: Chain[] = [];
  for (const cls of program.classes) {
    const extendsAdapter = cls.superTypes.some((type) => ADAPTERS.has(type)) || program.ancestors(cls).some((ancestor) => ADAPTERS.has(ancestor.name));
    for (const method of cls.methods) {
      const takesHttp = method.parameters.some((param) => HTTP_TYPES.has(param.type));
      if (CHAIN_TYPES.has(method.returnType) || (takesHttp && hasAnnotation(method.annotations, 'Bean'))) chains.push(chainFrom(method, cls, program, 'bean'));
      else if (extendsAdapter && method.name === 'configure' && takesHttp) chains.push(chainFrom(method, cls, program, 'adapter'));
      else if (method.returnType === 'WebSecurityCustomizer') chains.push(chainFrom(method, cls, program, 'web'));
      else if (extendsAdapter && method.name === 'configure' && method.parameters.some((param) => param.type === 'WebSecurity')) {
        const chain = chainFrom(method, cls, program, 'web');
        chain.notApplied = isApplied(cls, program);
        chains.push(chain);
      }
    }
  }
  // `@EnableResourceServer` without a configurer that configures HttpSecurity: Spring Security OAuth's
  // ResourceServerConfiguration (order 3) requires authentication for every request.
  for (const cls of program.classes) {
    const enabled = annotation(cls.annotations, 'EnableResourceServer');
    if (!enabled || !hasAnnotation(cls.annotations, ...CONFIG_ANNOTATIONS)) continue;
    const configured = chains.some((chain) => chain.order === 3 && chain.mechanisms.includes('oauth2') && !chain.ignoring && sameApp(chain.where.file, cls.file.source.file));
    if (configured) continue;
    chains.push({
      where: locate(cls.file, enabled.node),
      notApplied: undefined,
      order: 3,
      scope: undefined,
      rules: [{ matchers: 'any', verdict: 'protected', detail: '@EnableResourceServer default (anyRequest().authenticated())', where: locate(cls.file, enabled.node) }],
      mechanisms: ['oauth2'],
    });
  }
  return chains.map((chain, index) => ({ chain, index })).sort((a, b) => (a.chain.ignoring ? -1 : 0) - (b.chain.ignoring ? -1 : 0) || a.chain.order - b.chain.order || a.index - b.index).map((entry) => entry.chain);
}

/** `@EnableMethodSecurity`, `@EnableGlobalMethodSecurity(prePostEnabled = true, …)`, `@EnableReactiveMethodSecurity`. */
const enablers = new WeakMap<JvmProgram, { cls: JvmClass; found: JvmAnnotation }[]>();

/** The program's classes annotated to enable method security, in class order: listed once per program, not once per application. */
function methodSecurityEnablers(program: JvmProgram): { cls: JvmClass; found: JvmAnnotation }[] {
  let list = enablers.get(program);
  if (!list) {
    list = [];
    for (const cls of program.classes) {
      const found = annotation(cls.annotations, 'EnableMethodSecurity', 'EnableGlobalMethodSecurity', 'EnableReactiveMethodSecurity');
      if (found) list.push({ cls, found });
    }
    enablers.set(program, list);
  }
  return list;
}

export function methodSecurity(program: JvmProgram, inApp: (file: string) => boolean = () => true): MethodSecurity {
  const result: MethodSecurity = { prePost: false, secured: false, jsr250: false, where: undefined };
  for (const { cls, found } of methodSecurityEnablers(program)) {
    if (!inApp(cls.file.source.file)) continue;
    const flag = (name: string, fallback: boolean): boolean => {
      const value = found.args.get(name)?.[0]?.text;
      return value === undefined ? fallback : value === 'true';
    };
    const modern = found.name !== 'EnableGlobalMethodSecurity';
    result.prePost ||= flag('prePostEnabled', modern);
    result.secured ||= flag('securedEnabled', false);
    result.jsr250 ||= flag('jsr250Enabled', false);
    result.where ??= locate(cls.file, found.node);
  }
  return result;
}

function matcherCoverage(matcher: Matcher, method: string, path: string): Coverage {
  if (matcher.method && method !== 'ANY' && matcher.method !== method) return 'none';
  const pathCoverage = matcher.pattern === undefined ? 'some' : antCoverage(matcher.pattern, path);
  if (pathCoverage === 'none') return 'none';
  if (matcher.method && method === 'ANY') return 'some';
  return pathCoverage;
}

export function coverage(matchers: Matcher[] | 'any', method: string, path: string): Coverage {
  if (matchers === 'any') return 'all';
  let best: Coverage = 'none';
  for (const matcher of matchers) {
    const found = matcherCoverage(matcher, method, path);
    if (found === 'all') return 'all';
    if (found === 'some') best = 'some';
  }
  return best;
}

export interface ChainDecision {
  verdict: Verdict;
  detail: string;
  where: Location | undefined;
  mechanisms: AuthMechanism[];
  /** The authentication mechanisms the deciding chain configures, whatever the rule. */
  available?: AuthMechanism[];
}

function decideInChain(chain: Chain, method: string, path: string): ChainDecision {
  if (chain.ignoring) return { verdict: 'public', detail: 'web.ignoring(): the request bypasses Spring Security', where: chain.where, mechanisms: ['none'] };
  if (chain.authorizesNothing) return { verdict: 'public', detail: `the filter chain at ${chain.where.file}:${chain.where.line} configures no authorization (no authorizeHttpRequests): every request goes on`, where: chain.where, mechanisms: ['none'] };
  const partial: Rule[] = [];
  for (const rule of chain.rules) {
    const found = coverage(rule.matchers, method, path);
    if (found === 'none') continue;
    if (found === 'some') {
      partial.push(rule);
      continue;
    }
    const differing = partial.find((earlier) => earlier.verdict !== rule.verdict);
    if (differing) {
      return {
        verdict: 'unknown',
        detail: `an earlier rule (${differing.detail}, ${differing.where.file}:${differing.where.line}) may match part of this route before ${rule.detail}`,
        where: differing.where,
        mechanisms: [],
      };
    }
    if (rule.verdict === 'protected' && chain.mechanisms.length === 0)
      return { verdict: 'unknown', detail: `${rule.detail} but the filter chain configures no authentication mechanism`, where: rule.where, mechanisms: [] };
    return {
      verdict: rule.verdict,
      detail: `${rule.detail} (filter chain ${chain.where.file}:${chain.where.line})`,
      where: rule.where,
      mechanisms: rule.verdict === 'public' ? ['none'] : chain.mechanisms,
      available: chain.mechanisms,
    };
  }
  const [first] = partial;
  if (first) return { verdict: 'unknown', detail: `only a rule that may match part of this route applies (${first.detail})`, where: first.where, mechanisms: [] };
  return { verdict: 'unknown', detail: `no authorization rule of the filter chain at ${chain.where.file}:${chain.where.line} matches this route`, where: chain.where, mechanisms: [] };
}

/** The verdict of the filter chains for one request shape; `path` excludes the context path. */
export function decideChains(chains: readonly Chain[], method: string, path: string): ChainDecision | undefined {
  const earlier: { chain: Chain; decision: ChainDecision }[] = [];
  for (const chain of chains) {
    if (chain.ignoring && chain.scope === undefined) continue;
    const scoped = chain.scope === undefined ? 'all' : coverage(chain.scope, method, path);
    if (scoped === 'none') continue;
    if (chain.notApplied) {
      if (scoped === 'all' && earlier.length === 0) return { verdict: 'unknown', detail: chain.notApplied, where: chain.where, mechanisms: [] };
      continue;
    }
    const decision = decideInChain(chain, method, path);
    if (scoped === 'some') {
      earlier.push({ chain, decision });
      continue;
    }
    const differing = earlier.find((entry) => entry.decision.verdict !== decision.verdict);
    if (differing) return { verdict: 'unknown', detail: `the filter chain at ${differing.chain.where.file}:${differing.chain.where.line} may serve part of this route first`, where: differing.chain.where, mechanisms: [] };
    return decision;
  }
  const [first] = earlier;
  if (first) return { verdict: 'unknown', detail: `only the filter chain at ${first.chain.where.file}:${first.chain.where.line} may serve part of this route`, where: first.chain.where, mechanisms: [] };
  return undefined;
}

/** Method-security annotations of a handler (method first, then its class). */
export function methodAnnotationVerdict(
  annotations: readonly JvmAnnotation[],
  enabled: MethodSecurity,
  program: JvmProgram,
  scope: Scope,
): { verdict: Verdict; detail: string; where: Location } | undefined {
  for (const found of annotations) {
    const where = locate(scope.file, found.node);
    const values = (found.args.get('value') ?? []).flatMap((node) => program.strings(node, scope) ?? []);
    const off = (flag: string): { verdict: Verdict; detail: string; where: Location } => ({
      verdict: 'unknown',
      detail: `@${found.name} without method security enabled (${flag}): the annotation is not enforced`,
      where,
    });
    if (found.name === 'PreAuthorize') {
      if (!enabled.prePost) return off('@EnableMethodSecurity / prePostEnabled');
      const expression = values[0];
      const verdict = expression ? spelVerdict(expression) : 'unknown';
      return { verdict, detail: `@PreAuthorize("${expression ?? '?'}")`, where };
    }
    if (found.name === 'Secured') {
      if (!enabled.secured) return off('securedEnabled');
      if (values.length === 0) return { verdict: 'unknown', detail: '@Secured with attributes that are not constants', where };
      const anonymous = values.some((value) => value === 'IS_AUTHENTICATED_ANONYMOUSLY' || value === 'ROLE_ANONYMOUS');
      return { verdict: anonymous ? 'public' : 'protected', detail: `@Secured(${values.join(', ')})`, where };
    }
    if (found.name === 'RolesAllowed' || found.name === 'DenyAll' || found.name === 'PermitAll') {
      if (!enabled.jsr250) return off('jsr250Enabled');
      if (found.name === 'PermitAll') return { verdict: 'public', detail: '@PermitAll', where };
      return { verdict: 'protected', detail: found.name === 'DenyAll' ? '@DenyAll' : `@RolesAllowed(${values.join(', ')})`, where };
    }
  }
  return undefined;
}

const HANDLER_SCAN = /\bgetHandlerMethods\s*\(/;

/** The class names an identifier stands for in a configuration method: a class, a field's type, a local's initialiser. */
function classesNamed(name: string, origin: { cls: JvmClass; method: JvmMethod }, program: JvmProgram, depth = 0): JvmClass[] {
  const scope: Scope = { file: origin.cls.file, cls: origin.cls };
  const out: JvmClass[] = [];
  const direct = program.resolveClass(name, scope);
  if (direct) out.push(direct);
  const fieldType = origin.cls.fields.get(name);
  const typed = fieldType ? program.resolveClass(fieldType, scope) : undefined;
  if (typed) out.push(typed);
  // A parameter of the configuration method (`SecurityFilterChain chain(HttpSecurity http, OpenPaths paths)`).
  const paramType = origin.method.parameters.find((param) => param.name === name)?.type;
  const injected = paramType ? program.resolveClass(paramType, scope) : undefined;
  if (injected) out.push(injected);
  if (depth < 2 && origin.method.body) {
    for (const declaration of descendants(origin.method.body, LOCALS)) {
      for (const declarator of named(declaration)) {
        const local = declarator.childForFieldName('name')?.text ?? (declarator.type === 'variable_declaration' ? declarator.text : undefined);
        if (local !== name) continue;
        const value = declarator.childForFieldName('value') ?? (declaration.type === 'property_declaration' ? named(declaration).at(-1) : undefined);
        const root = value ? chainOf(value).root : undefined;
        if (root && root.text !== name) out.push(...classesNamed(root.text, origin, program, depth + 1));
      }
    }
  }
  return out;
}

const LOCALS: ReadonlySet<string> = new Set(['local_variable_declaration', 'property_declaration']);

/**
 * The marker annotations a run-time URL list is built from: `permitAllUrl.getUrls()` or
 * `AnonTagUtils.getAnonymousUrl(ctx)` reach a class that scans `getHandlerMethods()` for handlers
 * annotated `@Anonymous` (`X.class` of an annotation type declared in the workspace).
 */
export function handlerMarkers(source: Node, origin: { cls: JvmClass; method: JvmMethod }, program: JvmProgram): string[] {
  const names: string[] = [];
  for (let node: Node | null = source; node && node.id !== origin.method.node.id; node = node.parent) {
    if (!asCall(node) && node.id !== source.id) continue;
    const root = chainOf(node).root;
    if (root && /^[A-Za-z_$][\w$]*$/.test(root.text) && !names.includes(root.text)) names.push(root.text);
  }
  const markers = new Set<string>();
  for (const name of names) {
    for (const cls of classesNamed(name, origin, program)) {
      const text = cls.node.text;
      if (!HANDLER_SCAN.test(text)) continue;
      for (const match of text.matchAll(/\b([A-Z][\w$]*)\s*(?:\.class|::class)\b/g)) {
        const declared = match[1] ? program.resolveClass(match[1], { file: cls.file, cls }) : undefined;
        if (declared && /@interface|annotation\s+class/.test(declared.node.text.slice(0, declared.nameNode.startIndex - declared.node.startIndex))) markers.add(declared.name);
      }
    }
    if (markers.size > 0) break;
  }
  return [...markers];
}

/** A URL list bound from configuration: its values, and the key and file they come from. */
export interface BoundList {
  values: string[];
  key: string;
  where: Location;
}

/** `@ConfigurationProperties(prefix = "secure.ignored")` / `("secure.ignored")` / `(value = …)`: the prefix. */
function propertiesPrefix(list: readonly JvmAnnotation[], program: JvmProgram, scope: Scope): string | undefined {
  const found = annotation(list, 'ConfigurationProperties');
  if (!found) return undefined;
  const node = found.args.get('prefix')?.[0] ?? found.args.get('value')?.[0];
  return node ? program.strings(node, scope)?.[0] : undefined;
}

/** `ignoreUrls` → `ignore-urls` (Spring Boot's relaxed binding reads both). */
function kebab(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();
}

/** `key[0]`, `key[1]` … (YAML lists, indexed properties) or a comma-separated `key=a,b`. */
function listValue(key: string, properties: ReadonlyMap<string, { value: string; where: Location }>): BoundList | undefined {
  const values: string[] = [];
  let where: Location | undefined;
  for (let index = 0; properties.has(`${key}[${index}]`); index += 1) {
    const item = properties.get(`${key}[${index}]`);
    if (!item) break;
    where ??= item.where;
    values.push(item.value);
  }
  const whole = properties.get(key);
  if (values.length === 0 && whole) {
    values.push(...whole.value.split(',').map((item) => item.trim()).filter(Boolean));
    where = whole.where;
  }
  if (values.length === 0 || !where) return undefined;
  if (values.some((value) => value.includes('${'))) return undefined;
  return { values, key, where: whole?.where ?? where };
}

/** The collection a loop variable or lambda parameter named `name` iterates, between `from` and the method. */
function iterated(from: Node, name: string, stop: Node): Node | undefined {
  for (let node: Node | null = from.parent; node && node.id !== stop.id; node = node.parent) {
    if (node.type === 'enhanced_for_statement' && node.childForFieldName('name')?.text === name) return node.childForFieldName('value') ?? undefined;
    if (isLambda(node) && lambdaParameters(node).includes(name)) {
      // `list.forEach(url -> …)`, `list.stream().forEach(…)`.
      const call = node.parent?.type === 'argument_list' ? node.parent.parent : node.parent;
      const found = call ? asCall(call) : undefined;
      if (found?.name === 'forEach' && found.receiver) {
        const stream = asCall(found.receiver);
        return stream?.name === 'stream' && stream.receiver ? stream.receiver : found.receiver;
      }
      return undefined;
    }
  }
  return undefined;
}

/**
 * A matcher argument that is a list bound from the application's configuration: `for (String url :
 * ignoreUrlsConfig.getUrls()) registry.antMatchers(url).permitAll()`, `urls.getUrls().forEach(…)`,
 * `requestMatchers(props.getUrls().toArray(new String[0]))`, where the holder's class (or the `@Bean`
 * method that creates it) carries `@ConfigurationProperties(prefix = …)`. The values come from the
 * application's own configuration; undefined when any step cannot be followed.
 */
export function boundList(
  source: Node,
  origin: { cls: JvmClass; method: JvmMethod },
  program: JvmProgram,
  properties: ReadonlyMap<string, { value: string; where: Location }>,
): BoundList | undefined {
  let expression: Node | undefined = source;
  if (source.type === 'identifier') expression = iterated(source, source.text, origin.method.node);
  if (!expression) return undefined;
  // `x.getUrls().toArray(new String[0])`, `x.getUrls().toArray(String[]::new)`.
  let call = asCall(expression);
  if (call?.name === 'toArray' && call.receiver) {
    expression = call.receiver;
    call = asCall(expression);
  }
  let holder: Node | undefined;
  let property: string | undefined;
  if (call && call.args.length === 0 && call.receiver && /^(get|is)[A-Z]/.test(call.name)) {
    holder = call.receiver;
    const bare = call.name.replace(/^(get|is)/, '');
    property = bare.charAt(0).toLowerCase() + bare.slice(1);
  } else if (expression.type === 'field_access' || expression.type === 'navigation_expression') {
    const kids = named(expression);
    holder = kids[0];
    property = kids.at(-1)?.text.replace(/^\./, '');
  }
  if (!holder || !property || !/^[A-Za-z_$][\w$]*$/.test(holder.text)) return undefined;
  for (const cls of classesNamed(holder.text, origin, program)) {
    if (!cls.fields.has(property)) continue;
    const scope: Scope = { file: cls.file, cls };
    let prefix = propertiesPrefix(cls.annotations, program, scope);
    if (prefix === undefined) {
      // `@Bean @ConfigurationProperties(prefix = …) IgnoreUrls ignoreUrls() { return new IgnoreUrls(); }`.
      for (const other of program.classes) {
        for (const method of other.methods) {
          if (method.returnType !== cls.name || !hasAnnotation(method.annotations, 'Bean')) continue;
          prefix ??= propertiesPrefix(method.annotations, program, { file: other.file, cls: other });
        }
      }
    }
    if (prefix === undefined) continue;
    for (const name of new Set([property, kebab(property)])) {
      const found = listValue(`${prefix}.${name}`, properties);
      if (found) return found;
    }
  }
  return undefined;
}
