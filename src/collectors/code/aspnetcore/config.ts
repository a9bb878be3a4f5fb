import type { AuthMechanism, Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import { field, invocationParts, kids, locate, walk, type CsFile, type CsProject } from '../csharp/project.js';

/** Application-wide ASP.NET Core configuration read from Program.cs / Startup.cs, wherever it is written. */

/** Authentication handlers a scheme registration adds, by builder method. */
const SCHEMES: Record<string, AuthMechanism> = {
  AddJwtBearer: 'jwt',
  // FastEndpoints.Security: AddAuthenticationJwtBearer(s => s.SigningKey = …) registers the JWT bearer handler.
  AddAuthenticationJwtBearer: 'jwt',
  AddAuthenticationCookie: 'session',
  AddMicrosoftIdentityWebApi: 'jwt',
  AddIdentityServerAuthentication: 'jwt',
  AddOAuth2Introspection: 'oauth2',
  AddBearerToken: 'unknown',
  AddCookie: 'session',
  AddIdentity: 'session',
  AddDefaultIdentity: 'session',
  AddIdentityApiEndpoints: 'session',
  AddMicrosoftIdentityWebApp: 'openid',
  AddOpenIdConnect: 'openid',
  AddNegotiate: 'unknown',
  AddCertificate: 'mtls',
  AddScheme: 'unknown',
};

/** Policy builder calls that deny an anonymous user. */
const DENIES_ANONYMOUS = new Set(['RequireAuthenticatedUser', 'RequireRole', 'RequireClaim', 'RequireUserName']);

export interface PolicyInfo {
  name: string;
  /** True when the policy provably denies anonymous users. */
  deniesAnonymous: boolean;
  where: Location;
}

export interface AppConfig {
  mechanisms: AuthMechanism[];
  schemeWhere?: Location;
  policies: Map<string, PolicyInfo>;
  /** The default policy was replaced by one that does not provably deny anonymous users. */
  weakDefault?: Location;
  fallback?: { deniesAnonymous: boolean; where: Location };
  globalFilter?: { deniesAnonymous: boolean; where: Location; detail: string };
  rateLimiter?: Location;
  globalLimiter?: Location;
  pathBase: string;
  /** `RouteTokenTransformerConvention` on [controller]/[action] tokens: the canonical slugify (`MyAccount` → `my-account`), or one apisec cannot evaluate. */
  tokenTransform?: { kind: 'kebab' | 'unknown'; where: Location };
  /** Project middleware that may answer 401/403 before routing reaches the endpoint. */
  customMiddleware: { name: string; where: Location }[];
  /** Project middleware that counts requests and answers 429 Too Many Requests: a limiter of the project's own. */
  projectLimiter?: { name: string; where: Location };
}

/** The builder calls in a chain, innermost first. */
function chainNames(node: Node): string[] {
  const names: string[] = [];
  walk(node, (child) => {
    const parts = invocationParts(child);
    if (parts) names.push(parts.name);
    return child.type !== 'lambda_expression' || child === node;
  });
  return names;
}

/** True when the policy expression (a builder chain, a lambda configuring one, or a variable holding one) denies anonymous users. */
export function deniesAnonymous(project: CsProject, file: CsFile, node: Node | undefined, depth = 0): boolean {
  if (!node || depth > 4) return false;
  let result = false;
  walk(node, (child) => {
    const parts = invocationParts(child);
    if (parts && DENIES_ANONYMOUS.has(parts.name)) result = true;
    if (parts?.name === 'RequireAssertion' && parts.args.length === 1 && assertionDenies(parts.args[0])) result = true;
    if (child.type === 'member_access_expression' && field(child, 'name')?.text === 'DefaultPolicy') result = true;
    if (child.type === 'identifier' && child.parent?.type !== 'member_access_expression' && depth < 4 && node.type === 'identifier') {
      const initializer = variableInitializer(file, child.text);
      if (initializer && deniesAnonymous(project, file, initializer, depth + 1)) result = true;
    }
    return !result;
  });
  return result;
}

/**
 * `RequireAssertion(context => context.User.IsInRole(A) || context.User.IsInRole(B))`: an assertion every way of passing
 * which needs a role, a claim or an authenticated identity of the user. An anonymous request has none (its principal
 * carries no claims), so the policy fails and the request is challenged. Negations and block bodies are not read.
 */
function assertionDenies(lambda: Node | undefined): boolean {
  if (lambda?.type !== 'lambda_expression') return false;
  const body = field(lambda, 'body');
  return body !== undefined && body.type !== 'block' && needsUser(body);
}

function needsUser(node: Node): boolean {
  if (node.type === 'parenthesized_expression') return kids(node)[0] !== undefined && needsUser(kids(node)[0] as Node);
  if (node.type === 'binary_expression') {
    const operator = field(node, 'operator')?.text ?? kids(node)[1]?.text;
    const left = field(node, 'left');
    const right = field(node, 'right');
    if (!left || !right) return false;
    if (operator === '||') return needsUser(left) && needsUser(right);
    if (operator === '&&') return needsUser(left) || needsUser(right);
    if (operator === '==' && /^true$/.test(right.text)) return needsUser(left);
    return false;
  }
  const parts = invocationParts(node);
  if (parts) return (parts.name === 'IsInRole' || parts.name === 'HasClaim') && /(?:^|\.)User$/.test(parts.receiver?.text ?? '');
  if (node.type === 'member_access_expression') return field(node, 'name')?.text === 'IsAuthenticated' && /(?:^|\.)User\??\.Identity\??$/.test(field(node, 'expression')?.text ?? '');
  return false;
}

function variableInitializer(file: CsFile, name: string): Node | undefined {
  let found: Node | undefined;
  walk(file.source.tree.rootNode, (node) => {
    if (found) return false;
    if (node.type === 'variable_declarator' && kids(node)[0]?.text === name) {
      const init = kids(node).find((child) => child.type === 'equals_value_clause');
      found = init ? kids(init)[0] : undefined;
    }
    return true;
  });
  return found;
}

const STATUS_REJECTS = /Status40[13]|StatusCode\s*=\s*40[13]\b|ChallengeAsync|ForbidAsync|Unauthorized\(/;

/** Counter updates: `count++`, `hits += 1`, `cache.IncrementAsync(key, 1)`, `Interlocked.Increment(ref n)`, `limiter.AttemptAcquire()`. */
const COUNTING_CALLS = /^(?:Increment\w*|StringIncrement\w*|HashIncrement\w*|Incr\w*|AttemptAcquire|AcquireAsync|TryAcquire\w*)$/;

/**
 * Code that counts requests and answers 429 Too Many Requests (a project throttling middleware): both read
 * from the syntax tree, so a middleware that only mentions 429 in a comment or a string is not a limiter.
 */
export function countsAndAnswersTooMany(node: Node): boolean {
  const seen = { tooMany: false, counts: false };
  walk(node, (child) => {
    if (child.type === 'comment' || child.type === 'string_literal' || child.type === 'verbatim_string_literal' || child.type === 'interpolated_string_expression') return false;
    if ((child.type === 'identifier' && /^(?:Status429TooManyRequests|TooManyRequests)$/.test(child.text)) || (child.type === 'integer_literal' && child.text === '429')) seen.tooMany = true;
    else if ((child.type === 'postfix_unary_expression' || child.type === 'prefix_unary_expression') && /\+\+/.test(child.text)) seen.counts = true;
    else if (child.type === 'assignment_expression' && kids(child).some((part) => part.type === 'assignment_operator' && part.text === '+=')) seen.counts = true;
    else if (child.type === 'invocation_expression' && COUNTING_CALLS.test(invocationParts(child)?.name ?? '')) seen.counts = true;
    return !(seen.tooMany && seen.counts);
  });
  return seen.tooMany && seen.counts;
}

function insideCors(node: Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (invocationParts(current)?.name === 'AddCors') return true;
  }
  return false;
}

export function readConfig(project: CsProject, roots: readonly { file: CsFile; node: Node }[]): AppConfig {
  const config: AppConfig = { mechanisms: [], policies: new Map(), pathBase: '', customMiddleware: [] };
  for (const { file, node: root } of roots) {
    walk(root, (node) => {
      if (node.type === 'assignment_expression') {
        const left = field(node, 'left');
        const right = field(node, 'right');
        const target = left?.type === 'member_access_expression' ? field(left, 'name')?.text : left?.text;
        if (target === 'FallbackPolicy' && right) config.fallback = { deniesAnonymous: right.text !== 'null' && deniesAnonymous(project, file, right), where: locate(file.source.file, node) };
        if (target === 'DefaultPolicy' && right && !deniesAnonymous(project, file, right)) config.weakDefault = locate(file.source.file, node);
        if (target === 'GlobalLimiter' && right) config.globalLimiter = locate(file.source.file, node);
        return true;
      }
      if (node.type === 'object_creation_expression' && /RouteTokenTransformerConvention$/.test(field(node, 'type')?.text ?? '')) {
        let transformer: string | undefined;
        walk(node, (child) => {
          if (child !== node && child.type === 'object_creation_expression') transformer ??= field(child, 'type')?.text;
          return true;
        });
        const cls = transformer ? project.classOf(transformer, file) : undefined;
        const kebab = cls !== undefined && /"\(\[a-z\]\)\(\[A-Z\]\)"\s*,\s*"\$1-\$2"\s*\)\s*\.ToLower(Invariant)?\(\)/.test(cls.node.text);
        config.tokenTransform = { kind: kebab ? 'kebab' : 'unknown', where: locate(file.source.file, node) };
        return true;
      }
      const parts = invocationParts(node);
      if (!parts) return true;
      const where = locate(file.source.file, node);
      const mechanism = SCHEMES[parts.name];
      if (mechanism !== undefined) {
        if (!config.mechanisms.includes(mechanism)) config.mechanisms.push(mechanism);
        config.schemeWhere ??= where;
      }
      // `services.AddCors(o => o.AddDefaultPolicy(…))` registers CORS policies, not authorization ones.
      if (/^(?:AddPolicy|AddDefaultPolicy|AddFallbackPolicy|SetDefaultPolicy|SetFallbackPolicy)$/.test(parts.name) && insideCors(node)) return true;
      if (parts.name === 'AddPolicy' || parts.name === 'SetFallbackPolicy' || parts.name === 'SetDefaultPolicy') {
        const name = project.stringValue(parts.args[0]);
        const body = parts.name === 'AddPolicy' ? parts.args[1] : parts.args[0];
        const denies = deniesAnonymous(project, file, body);
        if (parts.name === 'AddPolicy' && name !== undefined) config.policies.set(name, { name, deniesAnonymous: denies, where });
        if (parts.name === 'SetFallbackPolicy') config.fallback = { deniesAnonymous: denies, where };
        if (parts.name === 'SetDefaultPolicy' && !denies) config.weakDefault = where;
      }
      if (parts.name === 'AddFallbackPolicy' || parts.name === 'AddDefaultPolicy') {
        const denies = deniesAnonymous(project, file, parts.args[1]);
        if (parts.name === 'AddFallbackPolicy') config.fallback = { deniesAnonymous: denies, where };
        else if (!denies) config.weakDefault = where;
      }
      if (parts.name === 'Add' && parts.receiver && /Filters$/.test(parts.receiver.text)) {
        const arg = parts.args[0];
        if (arg?.type === 'object_creation_expression' && /AuthorizeFilter$/.test(field(arg, 'type')?.text ?? '')) {
          const ctorArgs = kids(field(arg, 'arguments') ?? arg).filter((child) => child.type === 'argument');
          const denies = ctorArgs.length === 0 || ctorArgs.some((child) => deniesAnonymous(project, file, kids(child)[0]));
          config.globalFilter = { deniesAnonymous: denies, where, detail: arg.text.slice(0, 80) };
        }
      }
      if (parts.name === 'Add' && parts.generic === 'AuthorizeFilter') config.globalFilter = { deniesAnonymous: true, where, detail: 'Filters.Add<AuthorizeFilter>()' };
      if (parts.name === 'AddRateLimiter') config.rateLimiter = where;
      if (parts.name === 'UsePathBase') {
        const base = project.stringValue(parts.args[0]);
        if (base) config.pathBase = base.replace(/\/+$/, '');
      }
      if (parts.name === 'UseMiddleware' && parts.generic) {
        const cls = project.classOf(parts.generic, file);
        if (cls && STATUS_REJECTS.test(cls.node.text)) config.customMiddleware.push({ name: cls.name, where });
        if (cls && countsAndAnswersTooMany(cls.node)) config.projectLimiter ??= { name: cls.name, where };
      }
      if (parts.name === 'Use' && parts.args.some((arg) => arg.type === 'lambda_expression' && STATUS_REJECTS.test(arg.text))) config.customMiddleware.push({ name: 'app.Use(…)', where });
      if (parts.name === 'Use' && parts.args.some((arg) => arg.type === 'lambda_expression' && countsAndAnswersTooMany(arg))) config.projectLimiter ??= { name: 'app.Use(…)', where };
      return true;
    });
  }
  return config;
}

export { chainNames };
