/**
 * Mass assignment in Ruby controllers, through strong parameters (Rails' in its `rubyParams` section) or around them:
 * - `params.permit!` / `params.require(:user).permit!`: every attribute of the request is allowed;
 * - `permit(:name, :role, :admin …)`: strong parameters that let the caller set a privileged column;
 * - request parameters reaching a model write unfiltered: `to_unsafe_h` / `to_unsafe_hash`, or raw
 *   `params[:user]` when `config.action_controller.permit_all_parameters = true` turns strong parameters off.
 * Plain `User.new(params[:user])` is not reported otherwise: Rails raises ForbiddenAttributesError.
 */
import type { SourceFile } from '../../engine/context.js';
import type { Node } from '../../parsing/parser.js';
import { callArgs, field, kids, literal, walk } from '../../collectors/code/ruby/ast.js';
import { roleRestricted } from '../../collectors/code/ruby/authz.js';
import { RubyProject, type RubyScope } from '../../collectors/code/ruby/project.js';
import { isRequestRoot } from '../../collectors/code/ruby/requests.js';
import { rubyParamsProviders } from '../../collectors/code/plugins.js';

/** Columns that grant rights, money or ownership when a caller can write them. */
const PRIVILEGED = /^(roles?|admin|is_admin|superuser|is_superuser|super_admin|staff|is_staff|permissions|privileges|access_level|verified|is_verified|email_verified|phone_verified|confirmed_at|approved|balance|credits?|owner_id|tenant_id|account_id|organization_id)$/;
const MODEL_WRITES = new Set(['new', 'create', 'create!', 'update', 'update!', 'update_attributes', 'update_attributes!', 'assign_attributes', 'attributes=', 'build', 'insert', 'upsert', 'find_or_create_by', 'find_or_create_by!', 'first_or_create', 'first_or_create!']);

export interface RubyMassAssignment {
  source: SourceFile;
  node: Node;
  kind: 'permitAll' | 'permitted' | 'unfiltered';
  fields?: string;
  body?: string;
}

/** Inside a branch that tests the user's role (`if current_user.admin?`), or a class under an `Admin::` namespace. */
function privilegedContext(node: Node): boolean {
  for (let up = node.parent; up; up = up.parent) {
    if (['if', 'unless', 'if_modifier', 'unless_modifier', 'conditional'].includes(up.type) && /\b(admin|superuser|staff|role|moderator|owner)\w*\?/.test(field(up, 'condition')?.text ?? '')) return true;
    if ((up.type === 'class' || up.type === 'module') && /(^|::)Admin(istration)?($|::)/.test(field(up, 'name')?.text ?? '')) return true;
  }
  return false;
}

/** `params.require(:user)`, `params[:user]`, `params.fetch(:user)`: request parameters as a hash. */
function rawParams(node: Node | undefined): boolean {
  let current = node;
  while (current) {
    if (isRequestRoot(current)) return true;
    if (current.type === 'element_reference') current = field(current, 'object');
    else if (current.type === 'call' && /^(require|fetch|\[\])$/.test(field(current, 'method')?.text ?? '')) current = field(current, 'receiver');
    else return false;
  }
  return false;
}

/** The innermost class around a node, as the project knows it. */
function classOf(project: RubyProject, node: Node): RubyScope | undefined {
  const names: string[] = [];
  for (let up = node.parent; up; up = up.parent) {
    if (up.type === 'class' || up.type === 'module') names.unshift(field(up, 'name')?.text ?? '');
  }
  return names.length > 0 ? project.scopes.get(names.join('::')) : undefined;
}

export function rubyMassAssignments(sources: readonly SourceFile[]): RubyMassAssignment[] {
  const ruby = sources.filter((source) => source.language === 'ruby');
  const sections = rubyParamsProviders();
  const strong = sections.flatMap((section) => (section.strong ? [section.strong] : []));
  const permitAllMethods = new Set(strong.flatMap((section) => section.permitAll));
  const permitMethods = new Set(strong.flatMap((section) => section.permit));
  /** Methods that return the request's values as a plain hash without marking anything allowed (`to_unsafe_h`). */
  const unfilteredMethods = new Set(sections.flatMap((section) => (section.unsafe ?? []).filter((method) => !permitAllMethods.has(method))));
  const mentions = new RegExp([...permitAllMethods, ...permitMethods, 'params'].map((name) => name.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')).join('|'));
  const permitAll = ruby.some((source) => strong.some((section) => section.allPermitted(source)));
  const hits: RubyMassAssignment[] = [];
  let project: RubyProject | undefined;
  const restricted = (node: Node): boolean => {
    project ??= new RubyProject(sources);
    const scope = classOf(project, node);
    return scope !== undefined && roleRestricted(project, scope);
  };
  for (const source of ruby) {
    if (!sections.some((section) => section.handlers?.(source) === true) || !mentions.test(source.text)) continue;
    walk(source.tree.rootNode, (node) => {
      if (node.type !== 'call') return true;
      const method = field(node, 'method')?.text ?? '';
      const receiver = field(node, 'receiver');
      if (permitAllMethods.has(method) && rawParams(receiver)) {
        if (!privilegedContext(node) && !restricted(node)) hits.push({ source, node, kind: 'permitAll', body: node.text });
        return true;
      }
      if (permitMethods.has(method) && rawParams(receiver)) {
        const names = new Set<string>();
        const collect = (arg: Node): void => {
          const value = literal(arg);
          if (value !== undefined) names.add(value);
          if (arg.type === 'pair') {
            const key = field(arg, 'key');
            const keyText = key?.type === 'hash_key_symbol' ? key.text : literal(key);
            if (keyText) names.add(keyText);
          }
          if (arg.type === 'hash' || arg.type === 'array') for (const inner of kids(arg)) collect(inner);
        };
        for (const arg of kids(field(node, 'arguments') ?? node)) collect(arg);
        const privileged = [...names].filter((name) => PRIVILEGED.test(name));
        if (privileged.length > 0 && !privilegedContext(node) && !restricted(node)) hits.push({ source, node, kind: 'permitted', fields: privileged.map((name) => `\`${name}\``).join(', ') });
        return true;
      }
      if (MODEL_WRITES.has(method)) {
        const [first] = callArgs(node).positional;
        if (!first) return true;
        const unsafe = first.type === 'call' && unfilteredMethods.has(field(first, 'method')?.text ?? '') && rawParams(field(first, 'receiver'));
        if (unsafe || (permitAll && rawParams(first))) hits.push({ source, node, kind: 'unfiltered', body: first.text });
      }
      return true;
    });
  }
  return hits;
}
