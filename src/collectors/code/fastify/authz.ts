import type { Node } from 'web-tree-sitter';
import { isInside, isPython } from '../../../analysis/code-auth.js';
import { FUNCTION_TYPES, helpersOf, lastSegment, namesRole, shorten } from '../../../analysis/code-authz.js';
import { factsOf, stringValue } from '../../../analysis/code.js';
import type { SourceFile } from '../../../engine/context.js';
import type { Endpoint } from '../../../model/types.js';
import { descendantsOf } from '../../../parsing/tree-index.js';
import type { AuthzProvider, AuthzScope } from '../plugin.js';

const HOOKS = /^(onRequest|preParsing|preValidation|preHandler)$/;
const DECORATE = /^(decorate|decorateRequest|decorateReply)$/;

interface Decoration {
  name: string;
  source: SourceFile;
  fn: Node;
}

const DECORATIONS = {};

/** Functions registered with `decorate` / `decorateRequest` / `decorateReply`, listed once per audit, in source order. */
function decorations(scope: AuthzScope): Decoration[] {
  return scope.memo(DECORATIONS, () => {
    const found: Decoration[] = [];
    for (const source of scope.ctx.sources) {
      if (isPython(source) || !source.text.includes('decorate')) continue;
      for (const call of factsOf(source).calls) {
        const name = stringValue(call.args[0]);
        const fn = call.args[1];
        if (DECORATE.test(lastSegment(call.callee)) && name && fn && FUNCTION_TYPES.has(fn.type)) found.push({ name, source, fn });
      }
    }
    return found;
  });
}

/**
 * A route-level hook (`{ preHandler: (request, reply) => request.isModerator(reply) }`) that calls a
 * function registered with `decorate` / `decorateRequest` / `decorateReply` whose body, or a same-file
 * helper it calls, checks a role. Hooks named for the role (`requireRole`, `isAdmin`) are already seen
 * in the route statement's text.
 */
function roleHook(scope: AuthzScope, endpoint: Endpoint, handler: Node): string | undefined {
  for (const route of endpoint.sources) {
    if (route.kind !== 'code' || route.via !== 'fastify') continue;
    const routeSource = scope.source(route.location.file);
    const statement = routeSource ? scope.statementAt(routeSource, route.location.line) : undefined;
    if (!statement) continue;
    for (const pair of descendantsOf(statement, ['pair'])) {
      const hook = pair.childForFieldName('key')?.text ?? '';
      const value = pair.childForFieldName('value');
      if (!HOOKS.test(hook) || !value || isInside(pair, handler)) continue;
      const names = new Set(descendantsOf(value, ['member_expression']).map((member) => member.childForFieldName('property')?.text ?? ''));
      for (const { name, source, fn } of decorations(scope)) {
        if (!names.has(name)) continue;
        if (checksRole(source, fn)) return `\`${hook}: ${shorten(value.text, 60).replace(/`/g, "'")}\` (role check in \`${name}\`)`;
      }
    }
  }
  return undefined;
}

const roleChecking = new WeakMap<Node, boolean>();

/** Whether a decorated function, or a same-file helper it calls, checks a role: read once per function, not per route. */
function checksRole(source: SourceFile, fn: Node): boolean {
  let checks = roleChecking.get(fn);
  if (checks === undefined) {
    checks = [fn, ...helpersOf(source, fn)].some((part) => namesRole(part.text));
    roleChecking.set(fn, checks);
  }
  return checks;
}

/** Fastify: role checks proven by a route's hooks. */
export const fastifyAuthz: AuthzProvider = {
  frameworks: ['fastify'],
  roleHook,
};
