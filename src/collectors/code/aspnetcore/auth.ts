import type { AuthEvidence, AuthorizationEvidence, Location, RateLimitEvidence } from '../../../model/types.js';
import type { CsAttribute, CsClass, CsFile, CsProject } from '../csharp/project.js';
import type { AppConfig } from './config.js';

/** One piece of authorization metadata on an endpoint: an attribute or an endpoint-builder convention. */
export type AuthMark =
  | { kind: 'authorize'; policies: string[]; roles: string[]; where: Location; detail: string }
  | { kind: 'anonymous'; where: Location; detail: string }
  | { kind: 'custom'; where: Location; detail: string };

export type LimitMark = { kind: 'enable' | 'disable'; where: Location; detail: string };

const FRAMEWORK_FILTERS = new Set(['IAuthorizationFilter', 'IAsyncAuthorizationFilter', 'IActionFilter', 'IAsyncActionFilter', 'ActionFilterAttribute', 'TypeFilterAttribute', 'ServiceFilterAttribute']);
const NEUTRAL = new Set(['ApiController', 'Route', 'HttpGet', 'HttpPost', 'HttpPut', 'HttpDelete', 'HttpPatch', 'HttpHead', 'HttpOptions', 'AcceptVerbs', 'Produces', 'ProducesResponseType', 'Consumes', 'ApiExplorerSettings', 'ApiVersion', 'MapToApiVersion', 'Area', 'ActionName', 'NonAction', 'FromBody', 'FromQuery', 'FromRoute', 'FromForm', 'FromHeader', 'FromServices', 'Obsolete', 'Tags', 'EnableCors', 'DisableCors', 'ResponseCache', 'ValidateAntiForgeryToken', 'IgnoreAntiforgeryToken', 'RequestSizeLimit', 'DisableRequestSizeLimit', 'Description', 'EndpointSummary', 'EndpointDescription', 'SwaggerOperation', 'SwaggerResponse', 'ProducesDefaultResponseType', 'Controller', 'EnableRateLimiting', 'DisableRateLimiting']);

function splitList(value: string | undefined): string[] {
  return value ? value.split(',').map((item) => item.trim()).filter(Boolean) : [];
}

/** Authorization marks of attributes (on an action, a class, a lambda or a handler method). */
export function attributeMarks(project: CsProject, file: CsFile, attributes: readonly CsAttribute[], cls: CsClass | undefined, locateNode: (attribute: CsAttribute) => Location): AuthMark[] {
  const marks: AuthMark[] = [];
  for (const attribute of attributes) {
    if (NEUTRAL.has(attribute.name)) continue;
    const where = locateNode(attribute);
    const own = project.attributeClass(attribute.name, file, attribute.node.childForFieldName('name')?.text);
    const detail = `[${attribute.node.text}]`;
    if (own) {
      // A project attribute: only one deriving from the framework's AuthorizeAttribute is decided.
      if (own.name !== 'AuthorizeAttribute' && own.name !== 'Authorize' && project.inherits(own, new Set(['AuthorizeAttribute']))) {
        marks.push({ kind: 'authorize', policies: [], roles: [], where, detail: `${detail} (derives from AuthorizeAttribute)` });
      } else if (project.inherits(own, FRAMEWORK_FILTERS)) marks.push({ kind: 'custom', where, detail: `${detail}: the project's filter ${own.name} decides access at run time` });
      continue;
    }
    if (attribute.name === 'Authorize') {
      const policies = [
        ...attribute.args.filter((arg) => arg.name === undefined || arg.name === 'Policy').map((arg) => project.stringValue(arg.value, cls)),
      ];
      const roles = attribute.args.filter((arg) => arg.name === 'Roles').flatMap((arg) => splitList(project.stringValue(arg.value, cls) ?? '?'));
      if (policies.some((policy) => policy === undefined)) marks.push({ kind: 'custom', where, detail: `${detail}: the policy name is computed` });
      else marks.push({ kind: 'authorize', policies: policies.filter((policy): policy is string => policy !== undefined), roles, where, detail });
    } else if (attribute.name === 'AllowAnonymous') marks.push({ kind: 'anonymous', where, detail });
    else if (attribute.name === 'TypeFilter' || attribute.name === 'ServiceFilter') marks.push({ kind: 'custom', where, detail: `${detail}: a filter decides at run time` });
  }
  return marks;
}

export function limitMarks(attributes: readonly CsAttribute[], locateNode: (attribute: CsAttribute) => Location): LimitMark[] {
  return attributes.flatMap((attribute): LimitMark[] =>
    attribute.name === 'EnableRateLimiting' ? [{ kind: 'enable', where: locateNode(attribute), detail: `[${attribute.node.text}]` }] : attribute.name === 'DisableRateLimiting' ? [{ kind: 'disable', where: locateNode(attribute), detail: '[DisableRateLimiting]' }] : [],
  );
}

export interface Decision {
  auth: AuthEvidence;
  authorization?: AuthorizationEvidence;
}

/**
 * ASP.NET Core's rules: `[AllowAnonymous]` anywhere in the endpoint's metadata skips authorization; the
 * requirements of every `[Authorize]` / `RequireAuthorization` (and MVC's global `AuthorizeFilter`) combine;
 * the fallback policy applies only when there is no authorization metadata at all. A policy denies anonymous
 * users only through `RequireAuthenticatedUser`, `RequireRole`, `RequireClaim` or `RequireUserName` (or
 * `Roles=`); and nothing authenticates without a registered scheme.
 */
export function decide(config: AppConfig, marks: readonly AuthMark[], controller: boolean, detached?: string): Decision {
  // A project filter runs even under [AllowAnonymous] (which only skips authorization policies).
  const custom = marks.find((mark) => mark.kind === 'custom');
  const anonymous = marks.find((mark) => mark.kind === 'anonymous');
  if (anonymous && custom) return { auth: { state: 'unknown', mechanisms: ['unknown'], where: custom.where, detail: `${custom.detail} (${anonymous.detail} skips only authorization policies)` } };
  if (anonymous) return { auth: { state: 'public', mechanisms: ['none'], where: anonymous.where, scope: 'route', detail: anonymous.detail } };
  const authorize = marks.filter((mark): mark is Extract<AuthMark, { kind: 'authorize' }> => mark.kind === 'authorize');
  const filter = controller ? config.globalFilter : undefined;
  const roles = authorize.flatMap((mark) => mark.roles);
  const policies = authorize.flatMap((mark) => mark.policies);
  const authorization: AuthorizationEvidence | undefined =
    roles.length > 0 || policies.length > 0 ? { objectLevel: 'unknown', functionLevel: 'present', detail: [roles.length ? `roles ${roles.join(', ')}` : '', policies.length ? `policy ${policies.join(', ')}` : ''].filter(Boolean).join('; ') } : undefined;
  const withAuthz = (auth: AuthEvidence): Decision => ({ auth, ...(authorization ? { authorization } : {}) });

  let denying: { where: Location; detail: string; scope: 'route' | 'app' | 'global' } | undefined;
  const undecided: string[] = [];
  for (const mark of authorize) {
    let denies = mark.roles.length > 0;
    for (const policy of mark.policies) {
      const known = config.policies.get(policy);
      if (known?.deniesAnonymous) denies = true;
      else if (!known) undecided.push(`policy "${policy}" is not registered with AddPolicy in the project`);
      else undecided.push(`policy "${policy}" does not require an authenticated user`);
    }
    if (mark.policies.length === 0 && mark.roles.length === 0) {
      if (config.weakDefault) undecided.push(`the default authorization policy is replaced (${config.weakDefault.file}:${config.weakDefault.line})`);
      else denies = true;
    }
    if (denies && !denying) denying = { where: mark.where, detail: mark.detail, scope: 'route' };
  }
  if (!denying && filter?.deniesAnonymous && authorize.length === 0 && !custom) denying = { where: filter.where, detail: `global ${filter.detail}`, scope: 'app' };
  if (!denying && authorize.length === 0 && !custom && !filter && config.fallback?.deniesAnonymous && !detached) denying = { where: config.fallback.where, detail: 'FallbackPolicy requires an authenticated user', scope: 'global' };
  if (denying && !config.schemeWhere)
    return withAuthz({ state: 'unknown', mechanisms: ['unknown'], where: denying.where, detail: `${denying.detail} requires authorization, but no authentication scheme is configured (AddAuthentication().AddJwtBearer/AddCookie, AddIdentity …)` });
  if (denying) return withAuthz({ state: 'protected', mechanisms: config.mechanisms.length ? [...config.mechanisms] : ['unknown'], where: denying.where, scope: denying.scope, detail: denying.detail, ...(roles.length ? { scopes: roles } : {}) });
  if (custom) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], where: custom.where, detail: custom.detail });
  if (undecided.length > 0) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], where: authorize[0]?.where, detail: undecided.join('; ') } as AuthEvidence);
  if (filter) return { auth: { state: 'unknown', mechanisms: ['unknown'], where: filter.where, detail: `global ${filter.detail} with a policy that does not provably require an authenticated user` } };
  if (detached) return { auth: { state: 'unknown', mechanisms: ['unknown'], detail: detached } };
  if (config.fallback) return { auth: { state: 'unknown', mechanisms: ['unknown'], where: config.fallback.where, detail: 'the FallbackPolicy does not provably require an authenticated user' } };
  const middleware = config.customMiddleware[0];
  if (middleware) return { auth: { state: 'unknown', mechanisms: ['unknown'], where: middleware.where, detail: `middleware ${middleware.name} may reject requests (401/403) before the endpoint` } };
  return { auth: { state: 'unprotected', mechanisms: ['none'], detail: 'no [Authorize], RequireAuthorization, global AuthorizeFilter or FallbackPolicy applies' } };
}

export function decideLimit(config: AppConfig, marks: readonly LimitMark[]): RateLimitEvidence | undefined {
  // A project middleware that counts requests and answers 429 runs in front of every endpoint; [DisableRateLimiting]
  // turns off only the framework's limiter.
  const own = config.projectLimiter;
  const project: RateLimitEvidence | undefined = own ? { state: 'present', where: own.where, scope: `app (middleware ${own.name} counts requests and answers 429)` } : undefined;
  if (!config.rateLimiter) return project;
  if (marks.some((mark) => mark.kind === 'disable')) return project ?? { state: 'missing', where: marks.find((mark) => mark.kind === 'disable')?.where, scope: 'route ([DisableRateLimiting])' } as RateLimitEvidence;
  const enable = marks.find((mark) => mark.kind === 'enable');
  if (enable) return { state: 'present', where: enable.where, scope: `route (${enable.detail})` };
  if (config.globalLimiter) return { state: 'present', where: config.globalLimiter, scope: 'app (RateLimiterOptions.GlobalLimiter)' };
  return project;
}
