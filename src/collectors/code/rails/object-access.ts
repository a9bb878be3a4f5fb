/**
 * BOLA in Rails: an authenticated action (or a before_action loading its record) that fetches a
 * user-owned model straight by a request id (`Invoice.find(params[:id])`, `find_by(id: params[:id])`)
 * with no caller scope (`current_user.invoices.find`), no Pundit/CanCanCan authorisation, and no
 * condition comparing the record with the signed-in user. A model is user-owned when it
 * `belongs_to` a user, owner, account, organisation or tenant; controllers restricted to privileged
 * roles act across owners by design and are left out.
 */
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import type { Endpoint } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { ObjectAccess, ObjectAccessProvider } from '../plugin.js';
import { callArgs, callName, field, literal, literalList, walk } from '../ruby/ast.js';
import { roleRestricted } from '../ruby/authz.js';
import { RubyProject, type RubyScope } from '../ruby/project.js';
import { requestOrigin } from '../ruby/requests.js';

const OWNER = /^(user|owner|author|creator|account|organization|organisation|org|tenant|customer|member|team|company|workspace)$/;
const FINDERS = new Set(['find', 'find_by', 'find_by!', 'find_by_id', 'find_by_id!']);
const AUTHORIZE = new Set(['authorize', 'authorize!', 'policy_scope', 'can?', 'cannot?', 'authorized?', 'allowed_to?', 'authorize_resource']);
const WRITE_ACTIONS = /^(update|destroy|create|delete|archive|restore|publish|approve|reject|cancel|transfer)/;

/** Models that belong to a user, account, organisation or tenant. */
function ownedModels(project: RubyProject): Set<string> {
  const out = new Set<string>();
  for (const scope of project.scopes.values()) {
    if (scope.kind !== 'class' || !/(^|\/)app\/models\//.test(scope.file.file)) continue;
    if (scope.calls.some(({ node }) => callName(node) === 'belongs_to' && OWNER.test(literal(callArgs(node).positional[0]) ?? ''))) out.add(scope.fqn.split('::').at(-1) ?? scope.fqn);
  }
  return out;
}

/** Method bodies that run for `action`: its before_action filters (own methods) and the action itself. */
function bodies(project: RubyProject, chain: readonly RubyScope[], action: string, method: { node: Node; file: SourceFile }): { node: Node; file: SourceFile }[] {
  const out: { node: Node; file: SourceFile }[] = [];
  for (const scope of chain) {
    for (const { node } of scope.calls) {
      if (!/^(before_action|prepend_before_action)$/.test(callName(node) ?? '')) continue;
      const args = callArgs(node);
      const only = args.options.get('only');
      const except = args.options.get('except');
      if (only && !literalList(only).values.includes(action)) continue;
      if (except && literalList(except).values.includes(action)) continue;
      for (const arg of args.positional) {
        const name = literal(arg);
        const own = name ? project.findMethod(chain, name) : undefined;
        if (own) out.push(own);
      }
    }
  }
  out.push(method);
  return out;
}

/** The signed-in identity as written in conditions: `current_user`, `@current_user`, or the variable the auth filter tests. */
function identityPattern(endpoint: Endpoint): RegExp {
  const tested = /unless (@\w+|\w+\??)/.exec(endpoint.auth.detail ?? '')?.[1];
  const extra = tested ? `|${tested.replace(/[?@]/g, (char) => `\\${char}`)}\\b` : '';
  return new RegExp(`\\bcurrent_\\w+|@current_\\w+|@user\\b${extra}`);
}

/** Any authorisation call, or a condition that mentions the signed-in identity, in the bodies. */
function checked(bodies: readonly { node: Node }[], identity: RegExp): boolean {
  const state = { found: false };
  for (const { node: body } of bodies) {
    walk(body, (node) => {
      if (state.found) return false;
      if (node.type === 'call' && AUTHORIZE.has(callName(node) ?? '')) state.found = true;
      if (node.type === 'identifier' && AUTHORIZE.has(node.text) && node.parent?.type !== 'call') state.found = true;
      if (['if', 'unless', 'if_modifier', 'unless_modifier', 'conditional', 'while', 'until'].includes(node.type) && identity.test(field(node, 'condition')?.text ?? '')) state.found = true;
      if (node.type === 'binary' && /^(==|!=|&&|\|\||and|or)$/.test(field(node, 'operator')?.text ?? '') && identity.test(node.text)) state.found = true;
      return !state.found;
    });
    if (state.found) return true;
  }
  return false;
}

function accesses(ctx: CheckContext): ObjectAccess[] {
  const ruby = ctx.sources.filter((source) => source.language === 'ruby');
  if (!ruby.some((source) => /(^|\/)app\/controllers\//.test(source.file) && /params\[/.test(source.text))) return [];
  const project = new RubyProject(ruby);
  const owned = ownedModels(project);
  if (owned.size === 0) return [];
  const out: ObjectAccess[] = [];
  const seen = new Set<string>();
  // Each class's first method at a file and line, indexed once: a handler is looked up, not searched for in every class.
  const actionsAt = new Map<string, { scope: RubyScope; action: string; method: { node: Node; file: SourceFile } }[]>();
  for (const scope of project.scopes.values()) {
    if (scope.kind !== 'class') continue;
    const keys = new Set<string>();
    for (const [action, method] of scope.methods) {
      const key = `${method.file.file}:${String(method.node.startPosition.row + 1)}`;
      if (keys.has(key)) continue;
      keys.add(key);
      const list = actionsAt.get(key);
      if (list) list.push({ scope, action, method });
      else actionsAt.set(key, [{ scope, action, method }]);
    }
  }
  const restricted = new Map<RubyScope, boolean>();
  const isRestricted = (scope: RubyScope): boolean => {
    let found = restricted.get(scope);
    if (found === undefined) {
      found = roleRestricted(project, scope);
      restricted.set(scope, found);
    }
    return found;
  };
  for (const endpoint of ctx.inventory.endpoints) {
    if (endpoint.auth.state !== 'protected' || !endpoint.handler) continue;
    for (const { scope, action, method } of actionsAt.get(`${endpoint.handler.file}:${String(endpoint.handler.line)}`) ?? []) {
      if (isRestricted(scope)) continue;
      const { chain } = project.ancestry(scope);
      const runs = bodies(project, chain, action, method);
      if (checked(runs, identityPattern(endpoint))) continue;
      for (const body of runs) {
        walk(body.node, (node) => {
          if (node.type !== 'call' || !FINDERS.has(callName(node) ?? '')) return true;
          const receiver = field(node, 'receiver');
          if (receiver?.type !== 'constant' || !owned.has(receiver.text)) return true;
          const args = callArgs(node);
          const idArg = args.positional[0] ?? args.options.get('id') ?? [...args.options.values()][0];
          const origin = idArg ? requestOrigin(idArg) : undefined;
          if (!origin) return true;
          // One finding per loading site: a `set_invoice` filter shared by show/update/destroy is one missing check.
          const key = `${body.file.file}:${node.startIndex}`;
          if (seen.has(key)) return true;
          seen.add(key);
          out.push({ source: body.file, node, model: receiver.text, id: origin, write: WRITE_ACTIONS.test(action) || endpoint.method !== 'GET', endpoint });
          return true;
        });
      }
    }
  }
  return out;
}

export const railsObjectAccess: ObjectAccessProvider = { languages: ['ruby'], accesses };
