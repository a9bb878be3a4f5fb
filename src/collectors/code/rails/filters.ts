import type { SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, AuthMechanism, AuthorizationEvidence, Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import { callArgs, callName, field, literal, literalList, locate, walk } from '../ruby/ast.js';
import type { RubyProject, RubyScope } from '../ruby/project.js';

/** Bases Rails provides: no callback comes from them. */
const RAILS_BASES = new Set(['ActionController::Base', 'ActionController::API', 'ActionController::Metal']);
const BEFORE = new Set(['before_action', 'prepend_before_action', 'append_before_action', 'before_filter', 'prepend_before_filter']);
const SKIP = new Set(['skip_before_action', 'skip_before_filter', 'skip_action_callback']);
const STATEMENT_PARENT = /^(body_statement|block_body|then|else|begin|if_modifier|unless_modifier|binary|parenthesized_statements)$/;
const REJECT_STATUS = new Set(['unauthorized', '401', 'forbidden', '403']);
const CHALLENGES: Record<string, AuthMechanism> = {
  authenticate_or_request_with_http_token: 'api-key',
  authenticate_or_request_with_http_basic: 'basic',
  authenticate_or_request_with_http_digest: 'basic',
  request_http_token_authentication: 'api-key',
  request_http_basic_authentication: 'basic',
  request_http_digest_authentication: 'basic',
};

/** What the project's gems and routes say about library filters. */
export interface RailsLibraries {
  /** `authenticate_user!` and the like, one per `devise_for` mapping, when Devise is a dependency. */
  deviseHelpers: Set<string>;
  doorkeeper: boolean;
}

interface ActiveFilter {
  name: string;
  /** The inline body of a lambda or block filter. */
  inline?: { node: Node; file: SourceFile };
  where: Location;
  conditional: boolean;
}

type Verdict = { kind: 'auth'; mechanism: AuthMechanism; detail: string } | { kind: 'none' } | { kind: 'unknown'; reason: string };

export interface ActionDecision {
  auth: AuthEvidence;
  authorization?: AuthorizationEvidence;
  handler?: Location;
}

function applies(action: string, args: ReturnType<typeof callArgs>): boolean | 'maybe' {
  const only = args.options.get('only');
  const except = args.options.get('except');
  if (only) {
    const list = literalList(only);
    if (list.values.includes(action)) return true;
    return list.complete ? false : 'maybe';
  }
  if (except) {
    const list = literalList(except);
    if (list.values.includes(action)) return false;
    return list.complete ? true : 'maybe';
  }
  return true;
}

/** Decides the auth state of `controller#action` from its callback chain. */
export class RailsFilters {
  private readonly verdicts = new Map<string, Verdict>();

  constructor(
    private readonly project: RubyProject,
    private readonly libraries: RailsLibraries,
  ) {}

  decide(controller: RubyScope, action: string): ActionDecision {
    const { chain, unresolved } = this.project.ancestry(controller);
    const method = this.project.findMethod(chain, action);
    const handler = method ? locate(method.file.file, method.node) : undefined;
    const active = new Map<string, ActiveFilter>();
    let basic: Location | undefined;
    let skipped: { name: string; where: Location } | undefined;
    let authorization: AuthorizationEvidence | undefined;
    for (const scope of chain) {
      for (const { node, file } of scope.calls) {
        const name = callName(node);
        if (!name) continue;
        const args = callArgs(node);
        const conditional = args.options.has('if') || args.options.has('unless');
        if (BEFORE.has(name)) {
          const on = applies(action, args);
          const targets: { name: string; inline?: { node: Node; file: SourceFile } }[] = [];
          for (const arg of args.positional) {
            const symbol = literal(arg);
            if (symbol !== undefined) targets.push({ name: symbol });
            else if (arg.type === 'lambda') targets.push({ name: `lambda@${file.file}:${arg.startPosition.row + 1}`, inline: { node: arg, file } });
          }
          if (args.block) targets.push({ name: `block@${file.file}:${node.startPosition.row + 1}`, inline: { node: args.block, file } });
          for (const target of targets) {
            active.delete(target.name);
            if (on === false) continue;
            active.set(target.name, { ...target, where: locate(file.file, node), conditional: conditional || on === 'maybe' });
          }
        } else if (SKIP.has(name)) {
          const on = applies(action, args);
          if (on === false) continue;
          for (const arg of args.positional) {
            const symbol = literal(arg);
            if (symbol === undefined) continue;
            const filter = active.get(symbol);
            if (!filter) continue;
            if (conditional || on === 'maybe') filter.conditional = true;
            else {
              active.delete(symbol);
              if (this.judge(chain, symbol).kind === 'auth') skipped = { name: symbol, where: locate(file.file, node) };
            }
          }
        } else if (name === 'http_basic_authenticate_with') {
          const on = applies(action, args);
          if (on === true && !conditional) basic = locate(file.file, node);
        } else if (name === 'load_and_authorize_resource' || name === 'authorize_resource') {
          if (applies(action, args) === true) authorization = { objectLevel: 'present', functionLevel: 'present', detail: `CanCanCan ${name}` };
        } else if (name === 'after_action' && args.positional.some((arg) => literal(arg) === 'verify_authorized')) {
          if (applies(action, args) === true && !authorization) authorization = { objectLevel: 'unknown', functionLevel: 'present', detail: 'Pundit after_action :verify_authorized' };
        }
      }
    }
    if (method && !authorization) {
      walk(method.node, (node) => {
        if (authorization) return false;
        const name = callName(node);
        if (node.type === 'call' && !field(node, 'receiver') && (name === 'authorize' || name === 'authorize!')) {
          authorization = { objectLevel: 'present', functionLevel: 'present', detail: name === 'authorize' ? 'Pundit authorize' : 'CanCanCan authorize!' };
        }
        return true;
      });
    }
    const withAuthz = (auth: AuthEvidence): ActionDecision => ({ auth, ...(authorization ? { authorization } : {}), ...(handler ? { handler } : {}) });
    if (basic) return withAuthz({ state: 'protected', mechanisms: ['basic'], where: basic, scope: 'router', detail: 'http_basic_authenticate_with' });
    const doubts: string[] = [];
    for (const filter of active.values()) {
      const verdict = filter.inline ? this.judgeBody(chain, filter.inline.node, 0) : this.judge(chain, filter.name);
      if (verdict.kind === 'auth') {
        if (!filter.conditional) return withAuthz({ state: 'protected', mechanisms: [verdict.mechanism], where: filter.where, scope: 'router', detail: `before_action ${filter.inline ? '(inline)' : `:${filter.name}`}: ${verdict.detail}` });
        doubts.push(`before_action :${filter.name} applies only under a condition`);
      } else if (verdict.kind === 'unknown') doubts.push(`before_action ${filter.inline ? '(inline)' : `:${filter.name}`}: ${verdict.reason}`);
    }
    if (doubts.length > 0) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: doubts.join('; ') });
    if (skipped) return withAuthz({ state: 'public', mechanisms: ['none'], where: skipped.where, scope: 'route', detail: `skip_before_action :${skipped.name} opts this action out of authentication` });
    if (unresolved && !RAILS_BASES.has(unresolved.replace(/^::/, ''))) {
      return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `the parent class ${unresolved} is not in the repository; its callbacks are not known` });
    }
    return withAuthz({ state: 'unprotected', mechanisms: ['none'], detail: 'no authentication callback applies to this action' });
  }

  private judge(chain: readonly RubyScope[], name: string, depth = 0): Verdict {
    const key = `${chain[chain.length - 1]?.fqn ?? ''}#${name}`;
    const cached = this.verdicts.get(key);
    if (cached) return cached;
    let verdict: Verdict;
    const method = this.project.findMethod(chain, name);
    if (method) {
      this.verdicts.set(key, { kind: 'unknown', reason: `:${name} is recursive` });
      verdict = this.judgeBody(chain, method.node, depth);
    } else if (this.libraries.deviseHelpers.has(name)) verdict = { kind: 'auth', mechanism: 'session', detail: 'Devise' };
    else if (name === 'doorkeeper_authorize!' && this.libraries.doorkeeper) verdict = { kind: 'auth', mechanism: 'oauth2', detail: 'Doorkeeper' };
    else if (CHALLENGES[name]) verdict = { kind: 'auth', mechanism: CHALLENGES[name], detail: name };
    else verdict = { kind: 'unknown', reason: `:${name} is not defined in the repository` };
    this.verdicts.set(key, verdict);
    return verdict;
  }

  /** Whether a filter's body provably rejects a request (401/403, an HTTP challenge, a proven filter called unconditionally). */
  private judgeBody(chain: readonly RubyScope[], body: Node, depth: number): Verdict {
    let rejects: Verdict | undefined;
    let doubt: string | undefined;
    let acts = false as boolean;
    walk(body, (node) => {
      if (rejects) return false;
      if (node.type !== 'call' && node.type !== 'identifier') return true;
      if (node.type === 'identifier' && !STATEMENT_PARENT.test(node.parent?.type ?? '')) return true;
      if (node.type === 'call' && field(node, 'receiver')) {
        const receiver = field(node, 'receiver')?.text ?? '';
        if (receiver === 'warden' && callName(node) === 'authenticate!') rejects = { kind: 'auth', mechanism: 'session', detail: 'warden.authenticate!' };
        return true;
      }
      const name = callName(node);
      if (!name) return true;
      const args = callArgs(node);
      if (name === 'head') {
        acts = true;
        if (REJECT_STATUS.has(literal(args.positional[0]) ?? args.positional[0]?.text ?? '')) rejects = { kind: 'auth', mechanism: 'unknown', detail: `head ${args.positional[0]?.text ?? ''}` };
        return true;
      }
      if (name === 'render') {
        acts = true;
        const status = args.options.get('status');
        if (status && REJECT_STATUS.has(literal(status) ?? status.text)) rejects = { kind: 'auth', mechanism: 'unknown', detail: `render status: ${status.text}` };
        return true;
      }
      if (CHALLENGES[name]) {
        rejects = { kind: 'auth', mechanism: CHALLENGES[name], detail: name };
        return false;
      }
      if (name === 'redirect_to' || name === 'raise' || name === 'fail' || name === 'throw' || name === 'error!' || name === 'halt') {
        acts = true;
        doubt = `${name} in the filter: the response it gives is not traced`;
        return true;
      }
      if (depth < 4 && (this.project.findMethod(chain, name) || this.libraries.deviseHelpers.has(name) || name === 'doorkeeper_authorize!')) {
        const inner = this.judge(chain, name, depth + 1);
        if (inner.kind === 'auth') {
          if (!underCondition(node, body)) rejects = { kind: 'auth', mechanism: inner.mechanism, detail: `${name} → ${inner.detail}` };
          else doubt = `calls ${name} only under a condition`;
        } else if (inner.kind === 'unknown') acts = true;
      }
      return true;
    });
    if (rejects) return rejects;
    if (doubt) return { kind: 'unknown', reason: doubt };
    if (acts) return { kind: 'unknown', reason: 'the filter responds, but not provably with 401/403' };
    return { kind: 'none' };
  }
}

function underCondition(node: Node, top: Node): boolean {
  for (let current = node.parent; current && current.id !== top.id; current = current.parent) {
    if (/^(if|unless|case|conditional|if_modifier|unless_modifier|while|until|rescue|binary)$/.test(current.type)) {
      if (current.type === 'binary' && !current.text.includes('||')) return true;
      if (current.type !== 'binary') return true;
    }
  }
  return false;
}
