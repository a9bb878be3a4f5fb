/**
 * Function-level authorisation in Rails controllers: a class whose actions are restricted to
 * privileged users (a role-testing before_action that halts, CanCanCan `load_and_authorize_resource`,
 * Pundit `after_action :verify_authorized`) or that lives under an `Admin::` namespace.
 */
import type { Node } from '../../../parsing/parser.js';
import { callArgs, callName, field, literal, walk } from './ast.js';
import type { RubyProject, RubyScope } from './project.js';

const ROLE_TEST = /(^|\.)(admin|superuser|super_admin|staff|moderator|owner|manager)\w*\?$|^(has_role\?|can\?|cannot\?)$/;
const HALTS = /^(render|redirect_to|redirect_back|head|raise|forbidden!|unauthorized!|access_denied!|permission_denied)$/;

/** A filter method that tests the user's role and stops the request: `unless current_user.admin? then render … end`. */
export function roleGate(body: Node): boolean {
  const seen = { tests: false, halts: false };
  walk(body, (node) => {
    if (node.type === 'call' || node.type === 'identifier') {
      const name = node.type === 'call' ? (field(node, 'method')?.text ?? '') : node.text;
      if (ROLE_TEST.test(name)) seen.tests = true;
      if (HALTS.test(name)) seen.halts = true;
    }
    return true;
  });
  return seen.tests && seen.halts;
}

/** The class restricts its actions to privileged users: a role-testing before_action, CanCanCan or Pundit authorisation, an Admin namespace. */
export function roleRestricted(project: RubyProject, scope: RubyScope): boolean {
  if (/(^|::)Admin(istration)?::/.test(scope.fqn)) return true;
  const { chain } = project.ancestry(scope);
  for (const member of chain) {
    for (const { node } of member.calls) {
      const name = callName(node);
      if (name === 'load_and_authorize_resource' || name === 'authorize_resource' || (name === 'after_action' && /verify_authorized/.test(node.text))) return true;
      if (name !== 'before_action' && name !== 'prepend_before_action') continue;
      for (const arg of callArgs(node).positional) {
        const target = literal(arg);
        const own = target ? project.findMethod(chain, target) : undefined;
        if (own && roleGate(own.node)) return true;
      }
    }
  }
  return false;
}
