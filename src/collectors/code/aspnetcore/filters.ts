import type { Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import { field, invocationParts, kids, walk, type CsClass, type CsFile, type CsProject } from '../csharp/project.js';
import type { AuthMark } from './auth.js';

/**
 * Endpoint filters (`.AddEndpointFilter<T>()`, `.AddEndpointFilter(new T())`, `.AddEndpointFilter(async (context, next) => …)`).
 * A filter runs even under `.AllowAnonymous()`, so one that may turn a request away for its credentials leaves the
 * route undecided. A filter whose code is in the repository and provably never looks at credentials nor answers
 * 401/403 (it validates the arguments and answers 400/422, or passes the request on) is no authentication: it adds
 * no mark. A filter apisec cannot read (a library's, or a factory) stays undecided, whatever its name.
 */

/** Identifiers that read credentials or answer an authentication/authorization failure. */
const CREDENTIAL_WORDS = new Set([
  'User',
  'Identity',
  'IsAuthenticated',
  'Claims',
  'ClaimsPrincipal',
  'FindFirst',
  'AuthenticateAsync',
  'ChallengeAsync',
  'ForbidAsync',
  'SignInAsync',
  'Challenge',
  'Forbid',
  'Unauthorized',
  'Forbidden',
  'Status401Unauthorized',
  'Status403Forbidden',
  'UnauthorizedAccessException',
  'AuthenticationException',
  'SecurityException',
  'IAuthorizationService',
  'AuthorizeAsync',
  'Headers',
  'Cookies',
  'Query',
  'Session',
  'Connection',
  'Response',
  'Request',
  'Features',
]);

/** `Results.X(…)` / `TypedResults.X(…)` answers that are not about credentials. */
const NEUTRAL_RESULTS = new Set(['ValidationProblem', 'BadRequest', 'UnprocessableEntity', 'Problem', 'NotFound', 'Conflict', 'StatusCode']);

/** Why a filter's code may reject a request for its credentials, or undefined when it provably cannot. */
function credentialReason(project: CsProject, nodes: readonly Node[], self: CsClass | undefined, next: string | undefined, helpers: readonly Node[] = []): string | undefined {
  const seen = new Set<Node['id']>();
  // Helpers (the class's other members) are read for credentials, not for what they return.
  const pending: { node: Node; depth: number }[] = [...nodes.map((node) => ({ node, depth: 0 })), ...helpers.map((node) => ({ node, depth: 1 }))];
  let reason: string | undefined;
  while (pending.length > 0 && reason === undefined) {
    const item = pending.shift();
    if (!item || seen.has(item.node.id)) continue;
    seen.add(item.node.id);
    walk(item.node, (node) => {
      if (reason !== undefined) return false;
      if (node.type === 'comment') return false;
      if (node.type === 'identifier' && CREDENTIAL_WORDS.has(node.text)) reason = `reads or answers ${node.text}`;
      else if (node.type === 'integer_literal' && /^40[13]$/.test(node.text)) reason = `answers ${node.text}`;
      else if (node.type === 'throw_statement' || node.type === 'throw_expression') reason = 'throws (an exception handler may answer 401/403)';
      else if (node.type === 'return_statement' && item.depth === 0) {
        const value = kids(node)[0];
        if (value && !passesOn(value, next) && !neutralResult(value)) reason = `returns ${value.text.slice(0, 60)}`;
      } else if (node.type === 'invocation_expression') {
        // The project's own helpers it calls are read too (two levels); a library call cannot answer by itself.
        const parts = invocationParts(node);
        if (parts && item.depth < 2) {
          const receiverClass = parts.receiver ? undefined : self;
          for (const method of project.methodsNamed(parts.name)) {
            if (receiverClass && method.owner !== receiverClass) continue;
            const body = field(method.node, 'body');
            if (body) pending.push({ node: body, depth: item.depth + 1 });
          }
        }
      }
      return reason === undefined;
    });
  }
  return reason;
}

/** `next(context)`, `await next(context)`, `await next.Invoke(context)`. */
function passesOn(node: Node, next: string | undefined): boolean {
  const inner = node.type === 'await_expression' ? kids(node)[0] : node;
  const parts = inner ? invocationParts(inner) : undefined;
  if (!parts || next === undefined) return false;
  return (parts.name === next && !parts.receiver) || (parts.name === 'Invoke' && parts.receiver?.text === next);
}

function neutralResult(node: Node): boolean {
  const parts = invocationParts(node);
  if (!parts?.receiver || !/(?:^|\.)(?:Typed)?Results$/.test(parts.receiver.text)) return false;
  return NEUTRAL_RESULTS.has(parts.name);
}

/** The `next` parameter's name of an `InvokeAsync(context, next)` method or a `(context, next) =>` lambda. */
function nextName(parameters: Node | undefined): string | undefined {
  if (!parameters) return undefined;
  const names = kids(parameters)
    .filter((child) => child.type === 'parameter' || child.type === 'identifier')
    .map((child) => (child.type === 'parameter' ? field(child, 'name')?.text : child.text));
  return names[1];
}

function lambdaReason(project: CsProject, lambda: Node): string | undefined {
  const params = field(lambda, 'parameters');
  const body = field(lambda, 'body');
  if (!body) return 'a filter without a body';
  const next = nextName(params);
  if (body.type !== 'block') return passesOn(body, next) ? undefined : credentialReason(project, [body], undefined, next) ?? (neutralResult(body) ? undefined : `returns ${body.text.slice(0, 60)}`);
  return credentialReason(project, [body], undefined, next);
}

function classReason(project: CsProject, cls: CsClass): string | undefined {
  const chain = [cls, ...project.ancestors(cls).chain];
  const invoke = chain.flatMap((each) => each.methods).find((method) => method.name === 'InvokeAsync' && method.parameters.length === 2);
  if (!invoke) return `${cls.name} has no InvokeAsync(context, next) apisec can read`;
  if (project.ancestors(cls).external.some((base) => base !== 'IEndpointFilter')) return `${cls.name} derives from ${project.ancestors(cls).external.join(', ')}`;
  const next = invoke.parameters[1]?.name;
  const body = field(invoke.node, 'body');
  if (!body) return `${cls.name}.InvokeAsync has no body`;
  // Its other members (helpers, fields' initialisers, constructor) are read as well, without the return rule.
  const others = chain.flatMap((each) => {
    const classBody = field(each.node, 'body');
    return classBody ? kids(classBody).filter((member) => member.id !== invoke.node.id) : [];
  });
  return credentialReason(project, [body], cls, next, others);
}

/**
 * The mark an endpoint filter adds: none when its code provably never rejects for credentials, otherwise an
 * undecided one that names the filter and the reason.
 */
export function endpointFilterMark(project: CsProject, file: CsFile, name: string, args: readonly Node[], generic: string | undefined, where: Location): AuthMark | undefined {
  const undecided = (detail: string): AuthMark => ({ kind: 'custom', where, detail });
  if (name !== 'AddEndpointFilter') return undecided(`.${name}(…) may reject the request`);
  const arg = args[0];
  if (arg && (arg.type === 'lambda_expression' || arg.type === 'anonymous_method_expression')) {
    const reason = lambdaReason(project, arg);
    return reason === undefined ? undefined : undecided(`.AddEndpointFilter(…): the filter ${reason}, so it may reject the request`);
  }
  const typeName = generic ?? (arg?.type === 'object_creation_expression' ? field(arg, 'type')?.text : undefined);
  const simple = typeName?.replace(/<.*$/s, '').split('.').pop()?.trim();
  const cls = simple ? project.classOf(simple, file) : undefined;
  if (!cls) return undecided(`.AddEndpointFilter(${typeName ?? arg?.text ?? ''}): a filter apisec cannot read may reject the request`);
  const reason = classReason(project, cls);
  return reason === undefined ? undefined : undecided(`.AddEndpointFilter<${cls.name}>(): the filter ${reason}, so it may reject the request`);
}
