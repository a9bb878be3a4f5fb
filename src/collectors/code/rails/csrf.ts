/**
 * Rails controllers that turn CSRF protection off (`skip_before_action :verify_authenticity_token`,
 * `skip_forgery_protection`) for state-changing actions that still act as the user of the cookie
 * session: Devise's `current_user` / `authenticate_user!` / `user_signed_in?`, `warden`, or an
 * application `current_user` that reads `session[...]` or signed cookies. An action that skips CSRF
 * and authenticates only with an API key or bearer token is not a gap; nor is
 * `protect_from_forgery with: :null_session`, which empties the session of unverified requests.
 * Read by csrf-disabled-with-session-auth through the plugin's `csrf` section.
 */
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import type { CsrfProvider, FrameworkFinding } from '../plugin.js';
import { callArgs, callName, field, kids, literal, literalList, walk } from '../ruby/ast.js';
import { RubyProject, type RubyScope } from '../ruby/project.js';

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface RailsCsrfGap {
  source: SourceFile;
  node: Node;
  /** `POST /x`, … the session-using routes left without CSRF protection. */
  routes: string[];
  /** What ties the action to the session (`current_user`). */
  via: string;
}

interface Skip {
  scope: RubyScope;
  node: Node;
  file: SourceFile;
  only?: string[];
  except?: string[];
}

function skipOf(scope: RubyScope, node: Node, file: SourceFile): Skip | undefined {
  const name = callName(node);
  const args = callArgs(node);
  const targets = args.positional.map((arg) => literal(arg));
  const skips = (name === 'skip_before_action' && targets.includes('verify_authenticity_token')) || name === 'skip_forgery_protection';
  if (!skips) return undefined;
  // `if:` / `unless:` conditions make it partial; a condition we cannot read is still a skip for some requests.
  const only = args.options.get('only');
  const except = args.options.get('except');
  return {
    scope,
    node,
    file,
    ...(only ? { only: literalList(only).values } : {}),
    ...(except ? { except: literalList(except).values } : {}),
  };
}

function skipped(skip: Skip, action: string): boolean {
  if (skip.only && !skip.only.includes(action)) return false;
  if (skip.except?.includes(action)) return false;
  return true;
}

/** Before-action names still applying to `action` in the class chain (`skip_before_action` honoured). */
function remainingFilters(chain: readonly RubyScope[], action: string): string[] {
  const out: string[] = [];
  for (const scope of chain) {
    for (const { node } of scope.calls) {
      const name = callName(node);
      if (name !== 'before_action' && name !== 'prepend_before_action' && name !== 'skip_before_action') continue;
      const args = callArgs(node);
      const only = args.options.get('only');
      const except = args.options.get('except');
      if (only && !literalList(only).values.includes(action)) continue;
      if (except && literalList(except).values.includes(action)) continue;
      for (const target of args.positional.map((arg) => literal(arg))) {
        if (!target) continue;
        if (name === 'skip_before_action') {
          const index = out.indexOf(target);
          if (index >= 0) out.splice(index, 1);
        } else out.push(target);
      }
    }
  }
  return out;
}

/** The session identity a method body uses, following the class's own methods it calls (two levels). */
function sessionUse(project: RubyProject, chain: readonly RubyScope[], body: Node, devise: boolean, depth = 0, seen = new Set<number>()): string | undefined {
  // `devise` false: only a direct `session[...]` / signed-cookie read counts (a filter like `set_time_zone` that merely reads `current_user` does not authenticate).
  if (seen.has(body.id) || depth > 2) return undefined;
  seen.add(body.id);
  let found: string | undefined;
  walk(body, (node) => {
    if (found) return false;
    if (node.type === 'element_reference' && field(node, 'object')?.text === 'session') {
      found = node.text;
      return false;
    }
    if (node.type === 'call' && /^cookies\.(signed|encrypted)$/.test(field(node, 'receiver')?.text ?? '')) {
      found = node.text;
      return false;
    }
    const name = node.type === 'identifier' ? node.text : node.type === 'call' && !field(node, 'receiver') ? field(node, 'method')?.text : undefined;
    if (!name || (node.type === 'identifier' && node.parent?.type === 'call' && field(node.parent, 'method')?.id === node.id && field(node.parent, 'receiver'))) return true;
    const own = project.findMethod(chain, name);
    if (own) {
      const inner = sessionUse(project, chain, own.node, devise, depth + 1, seen);
      if (inner) found = inner === name ? name : `${name} → ${inner}`;
      return !found;
    }
    if (devise && (/^current_[a-z_]+$/.test(name) || /^(authenticate_[a-z_]+!|[a-z_]+_signed_in\?|warden)$/.test(name))) {
      found = name;
      return false;
    }
    return true;
  });
  return found;
}

function railsCsrfGaps(ctx: CheckContext): RailsCsrfGap[] {
  if (!ctx.sources.some((source) => source.language === 'ruby' && /verify_authenticity_token|skip_forgery_protection/.test(source.text))) return [];
  const project = new RubyProject(ctx.sources);
  const devise = (ctx.project.dependencies.rubygems ?? []).includes('devise') || project.files.some((file) => /\bdevise_for\b/.test(file.text));
  const gaps = new Map<number, RailsCsrfGap>();
  for (const scope of project.scopes.values()) {
    if (scope.kind !== 'class') continue;
    const { chain } = project.ancestry(scope);
    // A bare `skip_forgery_protection` is an identifier statement, not a call the project records.
    const bare = (member: RubyScope): Skip[] =>
      kids(field(member.node, 'body') ?? member.node).flatMap((node) => (node.type === 'identifier' && node.text === 'skip_forgery_protection' ? [{ scope: member, node, file: member.file }] : []));
    const skips = chain.flatMap((member) => [...member.calls.flatMap(({ node, file }) => skipOf(member, node, file) ?? []), ...bare(member)]);
    if (skips.length === 0) continue;
    for (const [action, method] of chain.flatMap((member) => [...member.methods.entries()])) {
      const skip = skips.find((candidate) => skipped(candidate, action));
      if (!skip) continue;
      const routes = ctx.inventory.endpoints.filter(
        (endpoint) => WRITE_METHODS.has(endpoint.method) && endpoint.handler?.file === method.file.file && endpoint.handler.line === method.node.startPosition.row + 1,
      );
      if (routes.length === 0) continue;
      let via = sessionUse(project, chain, method.node, devise);
      if (!via) {
        for (const filter of remainingFilters(chain, action)) {
          const own = project.findMethod(chain, filter);
          // A filter authenticates from the session when it is Devise's `authenticate_user!` or reads the session itself.
          via = own ? sessionUse(project, chain, own.node, false) : devise && /^authenticate_[a-z_]+!$/.test(filter) ? filter : undefined;
          if (via) break;
        }
      }
      if (!via) continue;
      const gap = gaps.get(skip.node.id) ?? { source: skip.file, node: skip.node, routes: [], via };
      for (const endpoint of routes) {
        const label = `${endpoint.method} ${endpoint.path}`;
        if (!gap.routes.includes(label)) gap.routes.push(label);
      }
      gaps.set(skip.node.id, gap);
    }
  }
  return [...gaps.values()];
}

export const railsCsrf: CsrfProvider = {
  messages: {
    rails: '`{{skip}}` turns CSRF protection off for {{routes}}, which act as the user of the session cookie (`{{via}}`).',
  },
  gaps(ctx: CheckContext): FrameworkFinding[] {
    return railsCsrfGaps(ctx).map((gap) => {
      const routes = gap.routes.length > 3 ? `${gap.routes.slice(0, 3).map((route) => `\`${route}\``).join(', ')} and ${gap.routes.length - 3} more` : gap.routes.map((route) => `\`${route}\``).join(', ');
      return { messageId: 'rails', data: { skip: gap.node.text.split('\n')[0] ?? '', routes, via: gap.via }, source: gap.source, node: gap.node };
    });
  },
};
