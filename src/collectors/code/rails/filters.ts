import type { SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, AuthMechanism, AuthorizationEvidence, Location, RateLimitEvidence } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import { callArgs, callName, field, literal, literalList, locate, walk } from '../ruby/ast.js';
import type { RubyProject, RubyScope } from '../ruby/project.js';

// Controller methods Rails itself provides, read in filters.
const RAILS_HELPERS = new Set(['params', 'flash', 'request', 'response', 'head', 'render', 'redirect_to', 'redirect_back', 'respond_to', 'url_for', 'raise', 'fail', 'throw', 'halt', 'error!', 'return', 'true', 'false', 'nil', 'puts', 'logger', 't', 'action_name', 'controller_name', 'render_to_string', 'not_found', 'require', 'format', 'root_path']);

// What a filter reads when it is about who is asking.
const IDENTITY_TEXT = /session|cookies|current_\w+|logged_in|signed_in|authenticat|authoriz|token|api_key|request\.headers|warden|@user\b|user_signed_in|login_required|require_(?:login|user)/i;

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
  /** Helpers a session-authentication gem defines for the signed-in user (`current_user`, `user_signed_in?`, Authie/Sorcery `logged_in?`). */
  sessionIdentities?: Set<string>;
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
  /** Each class-level call's name and arguments, read once: every route of a controller goes through its chain's calls. */
  private readonly read = new Map<Node, { name: string; args: ReturnType<typeof callArgs> } | undefined>();

  /** A named call's name and arguments; undefined for a call without a name. */
  private callOf(node: Node): { name: string; args: ReturnType<typeof callArgs> } | undefined {
    if (this.read.has(node)) return this.read.get(node);
    const name = callName(node);
    const found = name ? { name, args: callArgs(node) } : undefined;
    this.read.set(node, found);
    return found;
  }

  /**
   * A scope's class-level calls, with a class macro of the project (a concern's `class_methods do def
   * skip_authentication(**options) skip_before_action :authenticate_user!, **options end end`) replaced by the
   * callback calls its body makes, the options the macro was called with passed on where the body forwards them.
   */
  private expandedCalls(chain: readonly RubyScope[], scope: RubyScope): { node: Node; file: SourceFile; call: { name: string; args: ReturnType<typeof callArgs> } }[] {
    const out: { node: Node; file: SourceFile; call: { name: string; args: ReturnType<typeof callArgs> } }[] = [];
    // Bare names join the calls in source order (a reopened class keeps its files' order).
    const files = [...new Set([...scope.calls, ...(scope.bare ?? [])].map((entry) => entry.file))];
    const statements = scope.bare
      ? [...scope.calls, ...scope.bare.filter((entry) => this.project.findClassMethod(chain, entry.node.text))].sort((a, b) => files.indexOf(a.file) - files.indexOf(b.file) || a.node.startIndex - b.node.startIndex)
      : scope.calls;
    for (const { node, file } of statements) {
      const call = this.callOf(node);
      if (!call) continue;
      const macro = BEFORE.has(call.name) || SKIP.has(call.name) ? undefined : this.project.findClassMethod(chain, call.name);
      const inner = macro ? this.macroCalls(macro.node, call.args) : [];
      if (inner.length === 0) out.push({ node, file, call });
      for (const expanded of inner) out.push({ node, file, call: expanded });
    }
    return out;
  }

  private macroCalls(method: Node, outer: ReturnType<typeof callArgs>): { name: string; args: ReturnType<typeof callArgs> }[] {
    const params = field(method, 'parameters');
    const splat = params?.namedChildren.find((param) => param?.type === 'hash_splat_parameter');
    const forwarded = splat ? `**${field(splat, 'name')?.text ?? ''}` : undefined;
    const out: { name: string; args: ReturnType<typeof callArgs> }[] = [];
    for (const statement of field(method, 'body')?.namedChildren ?? []) {
      if (!statement || statement.type !== 'call' || field(statement, 'receiver')) continue;
      const call = this.callOf(statement);
      if (!call || (!BEFORE.has(call.name) && !SKIP.has(call.name))) continue;
      const passes = forwarded !== undefined && call.args.positional.some((arg) => arg.type === 'hash_splat_argument' && arg.text.replace(/\s+/g, '') === forwarded);
      const options = new Map(call.args.options);
      if (passes) for (const [key, value] of outer.options) options.set(key, value);
      out.push({ name: call.name, args: { ...call.args, positional: call.args.positional.filter((arg) => arg.type !== 'hash_splat_argument'), options } });
    }
    return out;
  }

  constructor(
    private readonly project: RubyProject,
    private readonly libraries: RailsLibraries,
  ) {}

  /**
   * Rails 8's `rate_limit to: 10, within: 3.minutes, only: :create` in the controller or an ancestor: the
   * action's requests are counted (by remote IP unless `by:` says otherwise) and refused over the limit.
   * Conditional ones (`if:` / `unless:`) and lists apisec cannot read are not evidence.
   */
  rateLimit(controller: RubyScope, action: string): RateLimitEvidence | undefined {
    const { chain } = this.project.ancestry(controller);
    for (const scope of chain) {
      for (const { node, file } of scope.calls) {
        if (callName(node) !== 'rate_limit' || field(node, 'receiver')) continue;
        const args = callArgs(node);
        const to = args.options.get('to');
        const within = args.options.get('within');
        if (!to || !within || args.options.has('if') || args.options.has('unless') || applies(action, args) !== true) continue;
        return { state: 'present', limit: `${to.text} per ${within.text}`, where: locate(file.file, node), scope: `rate_limit${args.options.has('by') ? ` by ${args.options.get('by')?.text ?? ''}` : ''}` };
      }
    }
    return undefined;
  }

  decide(controller: RubyScope, action: string): ActionDecision {
    const { chain, unresolved } = this.project.ancestry(controller);
    const method = this.project.findMethod(chain, action);
    const handler = method ? locate(method.file.file, method.node) : undefined;
    const active = new Map<string, ActiveFilter>();
    let basic: Location | undefined;
    let skipped: { name: string; where: Location } | undefined;
    let authorization: AuthorizationEvidence | undefined;
    for (const scope of chain) {
      for (const { node, file, call } of this.expandedCalls(chain, scope)) {
        const { name, args } = call;
        const condition = this.condition(args, chain, unresolved);
        const conditional = condition === 'maybe';
        if (condition === false && (BEFORE.has(name) || SKIP.has(name))) {
          // The callback never runs for this controller: a before_action is not in its chain (nor removed by a skip).
          continue;
        }
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
    if (skipped) {
      // `skip_before_action :authenticate_user!`, then `return redirect_to(sign_in_path) if current_user.blank?` in the action.
      const early = method ? this.inActionIdentityCheck(chain, method.node) : undefined;
      if (early) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `skip_before_action :${skipped.name} opts this action out of authentication, but the action answers early on \`${early}\`, an in-action check of the signed-in user` });
      return withAuthz({ state: 'public', mechanisms: ['none'], where: skipped.where, scope: 'route', detail: `skip_before_action :${skipped.name} opts this action out of authentication` });
    }
    if (unresolved && !RAILS_BASES.has(unresolved.replace(/^::/, ''))) {
      return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `the parent class ${unresolved} is not in the repository; its callbacks are not known` });
    }
    const inAction = method ? this.inActionIdentityCheck(chain, method.node) : undefined;
    if (inAction) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `no authentication callback applies, but the action answers early on \`${inAction}\`, an in-action check of the signed-in user` });
    return withAuthz({ state: 'unprotected', mechanisms: ['none'], detail: 'no authentication callback applies to this action' });
  }

  /**
   * Whether a callback's `if:` / `unless:` lets it run in this controller: true (always), false (never),
   * 'maybe' (decided at run time). Devise's `devise_controller?` is `is_a?(DeviseController)`: known
   * from the ancestry when the project does not define a method of that name.
   */
  private condition(args: ReturnType<typeof callArgs>, chain: readonly RubyScope[], unresolved: string | undefined): boolean | 'maybe' {
    let result: boolean | 'maybe' = true;
    for (const [option, wanted] of [['if', true], ['unless', false]] as const) {
      const node = args.options.get(option);
      if (!node) continue;
      const value = literal(node) === 'devise_controller?' ? this.isDeviseController(chain, unresolved) : undefined;
      if (value === undefined) result = result === false ? false : 'maybe';
      else if (value !== wanted) result = false;
    }
    return result;
  }

  private isDeviseController(chain: readonly RubyScope[], unresolved: string | undefined): boolean | undefined {
    if (this.libraries.deviseHelpers.size === 0 || this.project.findMethod(chain, 'devise_controller?')) return undefined;
    const parent = unresolved?.replace(/^::/, '');
    if (parent === undefined || RAILS_BASES.has(parent)) return false;
    if (parent === 'DeviseController' || /^Devise::\w+Controller$/.test(parent)) return true;
    return undefined;
  }

  /**
   * `return render … if !comment.is_editable_by_user?(@user)`: the action itself stops when a test
   * involving the session identity fails (the identity loaded straight from credentials, not data
   * derived from it). Returns the condition, or undefined.
   */
  private inActionIdentityCheck(chain: readonly RubyScope[], action: Node): string | undefined {
    const found: { text?: string } = {};
    walk(action, (node) => {
      if (found.text) return false;
      if (node.type !== 'if' && node.type !== 'unless' && node.type !== 'if_modifier' && node.type !== 'unless_modifier') return true;
      let condition = field(node, 'condition');
      const branch = field(node, 'consequence') ?? field(node, 'body');
      if (!condition || !branch || !/\b(render|redirect_to|head)\b/.test(branch.text) || !/\breturn\b/.test(branch.text + (node.parent?.text ?? ''))) return true;
      // The branch must run when the identity test fails: `unless X`, `if !X`, `if not X`.
      let failing = node.type === 'unless' || node.type === 'unless_modifier';
      while (condition.type === 'unary' && /^(!|not)$/.test(condition.children[0]?.text ?? '')) {
        failing = !failing;
        condition = condition.namedChildren[0] ?? condition;
        if (condition.type === 'parenthesized_statements' && condition.namedChildren.length === 1) condition = condition.namedChildren[0] ?? condition;
      }
      // `current_user.blank?` / `.nil?` fail when the identity is there; `.present?` tests it as is.
      if (condition.type === 'call' && field(condition, 'receiver') && /^(blank\?|nil\?|present\?)$/.test(callName(condition) ?? '')) {
        if (callName(condition) !== 'present?') failing = !failing;
        condition = field(condition, 'receiver') ?? condition;
      }
      if (!failing) return true;
      const identity = { found: false };
      const tested = condition;
      walk(tested, (inner) => {
        if (identity.found) return false;
        if (inner.type === 'instance_variable') {
          const values = this.ivarAssignments(chain, inner.text);
          identity.found = values.length > 0 && values.every((value) => this.readsCredentials(chain, value, 1, false));
        } else if ((inner.type === 'identifier' || (inner.type === 'call' && !field(inner, 'receiver') && !field(inner, 'arguments'))) && inner.id === tested.id) {
          // The test is on the identity itself (`current_user.blank?`, `!true_user`), not on something it is passed to:
          // `current_user`, Pretender's `true_user`, a helper the session gem defines or a project method returning one.
          identity.found = this.credentialIdentity(chain, inner, 0);
        }
        return !identity.found;
      });
      if (identity.found) found.text = (field(node, 'condition')?.text ?? '').replace(/\s+/g, ' ').slice(0, 80);
      return !found.text;
    });
    return found.text;
  }

  private judge(chain: readonly RubyScope[], name: string, depth = 0): Verdict {
    // A filter (depth 0) and the same method called as a helper are judged differently.
    const key = `${chain[chain.length - 1]?.fqn ?? ''}#${name}${depth === 0 ? '' : '+'}`;
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
    let undecidedCall = false as boolean;
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
      // A method defined nowhere in the repository (a gem's, or generated): what it does is not known.
      if (!RAILS_HELPERS.has(name) && !/_(?:path|url)$/.test(name) && !CHALLENGES[name] && !this.project.findMethod(chain, name) && !this.libraries.deviseHelpers.has(name)) undecidedCall = true;
      if (name === 'head') {
        acts = true;
        if (REJECT_STATUS.has(literal(args.positional[0]) ?? args.positional[0]?.text ?? '')) rejects = { kind: 'auth', mechanism: 'unknown', detail: `head ${args.positional[0]?.text ?? ''}` };
        return true;
      }
      if (name === 'render') {
        acts = true;
        const status = args.options.get('status');
        if (status && REJECT_STATUS.has(literal(status) ?? status.text)) rejects = { kind: 'auth', mechanism: 'unknown', detail: `render status: ${status.text}` };
        else {
          const guard = this.identityGuard(chain, node, body);
          if (guard) rejects = { kind: 'auth', mechanism: 'session', detail: `render ${status ? `status: ${status.text} ` : ''}unless ${guard}` };
        }
        return true;
      }
      if (CHALLENGES[name]) {
        rejects = { kind: 'auth', mechanism: CHALLENGES[name], detail: name };
        return false;
      }
      if (name === 'redirect_to' || name === 'raise' || name === 'fail' || name === 'throw' || name === 'error!' || name === 'halt') {
        acts = true;
        const guard = name === 'redirect_to' || name === 'raise' ? this.identityGuard(chain, node, body) : undefined;
        if (guard) rejects = { kind: 'auth', mechanism: 'session', detail: `${name} unless ${guard}` };
        else doubt = `${name} in the filter: the response it gives is not traced`;
        return true;
      }
      if (depth < 4 && (this.project.findMethod(chain, name) || this.libraries.deviseHelpers.has(name) || name === 'doorkeeper_authorize!')) {
        const inner = this.judge(chain, name, depth + 1);
        if (inner.kind === 'auth') {
          if (!underCondition(node, body)) rejects = { kind: 'auth', mechanism: inner.mechanism, detail: `${name} → ${inner.detail}` };
          else doubt = `calls ${name} only under a condition`;
        } else if (inner.kind === 'unknown') {
          acts = true;
          undecidedCall = true;
        }
      }
      return true;
    });
    if (rejects) return rejects;
    // A filter that answers on something else than who is asking (a read-only switch, a crawler
    // parameter) and reads no credential or identity is not authentication.
    // Only the filter itself: a helper it calls (`render_error`) is judged in its caller's context.
    if (depth === 0 && (doubt || acts) && !undecidedCall && !this.touchesIdentity(chain, body)) return { kind: 'none' };
    if (doubt) return { kind: 'unknown', reason: doubt };
    if (acts) return { kind: 'unknown', reason: 'the filter responds, but not provably with 401/403' };
    return { kind: 'none' };
  }

  /** The filter reads a credential or the signed-in identity (directly, or through an instance variable loaded from one). */
  private touchesIdentity(chain: readonly RubyScope[], body: Node): boolean {
    if (IDENTITY_TEXT.test(body.text)) return true;
    let found = false;
    walk(body, (node) => {
      if (found) return false;
      if (node.type === 'instance_variable') {
        const values = this.ivarAssignments(chain, node.text);
        found = values.some((value) => this.readsCredentials(chain, value, 1, false));
      }
      return !found;
    });
    return found;
  }

  /**
   * `redirect_to "/login"` (or a render) that runs exactly when the signed-in identity is missing:
   * `if @user … else <halt> end`, `<halt> unless current_user`, `return if logged_in?` before it.
   * The identity must provably come from credentials: every assignment of the instance variable in
   * the class's filters reads the session, a signed cookie, a request header or a token parameter,
   * or the method (`current_user`, `logged_in?`) does. Returns what was tested, or undefined.
   */
  private identityGuard(chain: readonly RubyScope[], halt: Node, body: Node): string | undefined {
    let tested: Node | undefined;
    let negated = false;
    let conditions = 0;
    let child: Node = halt;
    for (let up = halt.parent; up && up.id !== body.id; child = up, up = up.parent) {
      if (up.type === 'if' || up.type === 'unless' || up.type === 'if_modifier' || up.type === 'unless_modifier' || up.type === 'conditional') {
        // `if first_login? then redirect_to(new_registration_url) else redirect_to(new_session_url) end`: the request halts either way.
        if (everyBranchHalts(up)) continue;
        conditions += 1;
        const condition = field(up, 'condition');
        if (!condition || condition.id === child.id) return undefined;
        const inElse = (field(up, 'alternative')?.id ?? -1) === child.id || (up.type === 'if' && field(up, 'alternative') !== undefined && isWithin(child, field(up, 'alternative')));
        const positive = up.type === 'if' || up.type === 'if_modifier' || up.type === 'conditional';
        // The halt runs when the condition is false: `if X … else halt`, `unless X then halt`, `halt unless X`.
        negated = positive ? !inElse : inElse;
        tested = condition;
      } else if (/^(case|while|until|rescue|ensure|begin_block|block|do_block|lambda)$/.test(up.type)) return undefined;
    }
    if (conditions === 0) {
      // `return if logged_in?` (or `return true if @user`) earlier in the same statement list.
      const list = halt.parent;
      if (!list) return undefined;
      for (const statement of list.namedChildren) {
        if (!statement || statement.startIndex >= halt.startIndex) break;
        if (statement.type === 'if_modifier' && /^return\b/.test(field(statement, 'body')?.text ?? statement.namedChildren[0]?.text ?? '')) {
          tested = field(statement, 'condition');
          negated = false;
          conditions = 1;
        }
      }
    }
    if (conditions !== 1 || !tested) return undefined;
    // The halt runs when `tested` is falsy (negated false) or truthy (negated true, `if !X`, `if X.nil?`).
    let subject: Node = tested;
    let wantsMissing = !negated;
    for (;;) {
      if (subject.type === 'unary' && /^(!|not)$/.test(subject.children[0]?.text ?? '')) {
        subject = subject.namedChildren[0] ?? subject;
        wantsMissing = !wantsMissing;
      } else if (subject.type === 'call' && /^(nil\?|blank\?)$/.test(callName(subject) ?? '') && field(subject, 'receiver')) {
        subject = field(subject, 'receiver') ?? subject;
        wantsMissing = !wantsMissing;
      } else if (subject.type === 'call' && callName(subject) === 'present?' && field(subject, 'receiver')) {
        subject = field(subject, 'receiver') ?? subject;
      } else if (subject.type === 'parenthesized_statements' && subject.namedChildren.length === 1) {
        subject = subject.namedChildren[0] ?? subject;
      } else if (subject.type === 'assignment' && field(subject, 'right')) {
        // `if session_record = find_session_by_cookie`: the value assigned is tested.
        subject = field(subject, 'right') ?? subject;
      } else break;
    }
    if (!wantsMissing) return undefined;
    return this.credentialIdentity(chain, subject, 0) ? subject.text : undefined;
  }

  /** `@user` / `current_user` / `logged_in?`: an identity the class loads only from credentials. */
  private credentialIdentity(chain: readonly RubyScope[], node: Node, depth: number): boolean {
    if (depth > 3) return false;
    if (node.type === 'instance_variable') {
      const values = this.ivarAssignments(chain, node.text);
      return values.length > 0 && values.every((value) => this.readsCredentials(chain, value, depth + 1));
    }
    const name = node.type === 'identifier' ? node.text : node.type === 'call' && !field(node, 'receiver') && !field(node, 'arguments') ? callName(node) : undefined;
    if (!name) return false;
    const method = this.project.findMethod(chain, name);
    if (!method) return this.libraries.sessionIdentities?.has(name) ?? false;
    const statements = field(method.node, 'body')?.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment') ?? [];
    const last = statements.at(-1);
    if (!last || statements.length > 2) return false;
    return this.readsCredentials(chain, last, depth + 1);
  }

  /** An expression whose value comes from the session, a signed cookie, a header or a token parameter (or a proven identity). */
  private readsCredentials(chain: readonly RubyScope[], value: Node, depth: number, viaIdentity = true): boolean {
    if (depth > 4) return false;
    if ((value.type === 'assignment' || value.type === 'operator_assignment') && field(value, 'right')) return this.readsCredentials(chain, field(value, 'right') ?? value, depth, viaIdentity);
    // `find_by(id: session[:uid]) || Guest.new`, `session[:uid] ? User.find(…) : Guest.new`: a fallback that is
    // not itself from credentials makes the identity always present, so a test on it rejects nobody.
    if (value.type === 'binary' && /^(\|\||or)$/.test(field(value, 'operator')?.text ?? '')) {
      return [field(value, 'left'), field(value, 'right')].every((side) => side !== undefined && (side.type === 'nil' || this.readsCredentials(chain, side, depth + 1, viaIdentity)));
    }
    if (value.type === 'conditional' || value.type === 'if' || value.type === 'unless') {
      const branches = [field(value, 'consequence'), field(value, 'alternative')];
      if (branches.some((branch) => branch === undefined)) return false;
      return branches.every((branch) => branch !== undefined && (/^(nil|else)$/.test(branch.type) && branch.text.replace(/^else\s*/, '').trim() === 'nil' ? true : branch.type === 'nil' || this.readsCredentials(chain, branch, depth + 1, viaIdentity)));
    }
    if (value.type === 'parenthesized_statements' && value.namedChildren.length === 1 && value.namedChildren[0]) return this.readsCredentials(chain, value.namedChildren[0], depth, viaIdentity);
    const state = { found: false };
    walk(value, (node) => {
      if (state.found) return false;
      if (node.type === 'element_reference') {
        const object = field(node, 'object')?.text ?? '';
        const key = node.namedChildren[1]?.text ?? '';
        // A purpose token a mail carried (`User.find_by_token_for(:password_reset, params[:token])`, `find_signed`) opens one
        // flow (a reset, a confirmation); it is not a credential the caller signs in with.
        const purpose = object === 'params' && /^find_(?:by_token_for|signed)!?$/.test((node.parent?.type === 'argument_list' && node.parent.parent ? callName(node.parent.parent) : undefined) ?? '');
        if (object === 'session' || /^cookies(\.(signed|encrypted|permanent\.signed|permanent\.encrypted))?$/.test(object) || object === 'request.headers' || (object === 'params' && !purpose && /token|api_key|apikey|secret/i.test(key))) state.found = true;
        return !state.found;
      }
      if (node.type === 'call' && /^request\.(authorization|headers)$/.test(`${field(node, 'receiver')?.text ?? ''}.${callName(node) ?? ''}`)) state.found = true;
      if (viaIdentity && node.type === 'instance_variable' && node.parent?.type !== 'assignment' && node.parent?.type !== 'operator_assignment' && this.credentialIdentity(chain, node, depth)) state.found = true;
      if ((node.type === 'identifier' || (node.type === 'call' && !field(node, 'receiver'))) && node.parent?.type !== 'call') {
        const name = node.type === 'identifier' ? node.text : callName(node);
        if (name && (this.project.findMethod(chain, name) || this.libraries.sessionIdentities?.has(name)) && this.credentialIdentity(chain, node, depth)) state.found = true;
      }
      return !state.found;
    });
    if (state.found) return true;
    // `@user = user` after `user = User.find_by(session_token: session[:u])` in the same method.
    if (value.type === 'identifier') return this.localFromCredentials(chain, value, depth, viaIdentity);
    // `Session.find_by(id: cookie_value)` after `cookie_value = cookies.signed[:session_token]`: a local read from credentials.
    if (value.type === 'then' || value.type === 'call') {
      let local = false;
      walk(value, (node) => {
        if (local) return false;
        if (node.type === 'identifier' && ((node.parent?.type === 'pair' && field(node.parent, 'value')?.id === node.id) || node.parent?.type === 'argument_list')) local = this.localFromCredentials(chain, node, depth, viaIdentity);
        return !local;
      });
      return local;
    }
    return false;
  }

  /** A local variable whose every assignment in the enclosing method reads credentials. */
  private localFromCredentials(chain: readonly RubyScope[], value: Node, depth: number, viaIdentity: boolean): boolean {
    let method: Node | null = value.parent;
    while (method && method.type !== 'method') method = method.parent;
    if (!method) return false;
    const sources: Node[] = [];
    walk(method, (node) => {
      if (node.type === 'assignment' && field(node, 'left')?.text === value.text && field(node, 'left')?.type === 'identifier') {
        const right = field(node, 'right');
        if (right) sources.push(right);
      }
      return true;
    });
    return sources.length > 0 && sources.every((source) => this.readsCredentials(chain, source, depth + 1, viaIdentity));
  }

  /** Every value assigned to `ivar` in the class's callback methods and the methods they call (`@user = …`, `@user ||= …`). */
  private ivarAssignments(chain: readonly RubyScope[], ivar: string): Node[] {
    const names = new Set<string>();
    for (const scope of chain) {
      for (const { node } of scope.calls) {
        if (!BEFORE.has(callName(node) ?? '') && callName(node) !== 'around_action') continue;
        for (const arg of callArgs(node).positional) {
          const target = literal(arg);
          if (target) names.add(target);
        }
      }
    }
    const values: Node[] = [];
    const seen = new Set<string>();
    const visit = (name: string, depth: number): void => {
      if (seen.has(name) || depth > 2) return;
      seen.add(name);
      const method = this.project.findMethod(chain, name);
      if (!method) return;
      walk(method.node, (node) => {
        if ((node.type === 'assignment' || node.type === 'operator_assignment') && field(node, 'left')?.text === ivar) {
          const right = field(node, 'right');
          if (right) values.push(right);
        }
        if (node.type === 'call' && !field(node, 'receiver')) visit(callName(node) ?? '', depth + 1);
        if (node.type === 'identifier' && STATEMENT_PARENT.test(node.parent?.type ?? '')) visit(node.text, depth + 1);
        return true;
      });
    };
    for (const name of names) visit(name, 0);
    // The ivar written anywhere else in the class's methods before the actions run is unknown: only filters are trusted,
    // and a filter that writes it from something else (`@user = User.new`) fails the credential test above.
    return values;
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

function isWithin(node: Node, outer: Node | undefined): boolean {
  if (!outer) return false;
  return node.startIndex >= outer.startIndex && node.endIndex <= outer.endIndex;
}

const HALTS = new Set(['redirect_to', 'render', 'head', 'raise', 'fail']);

/** An `if … else … end` (or ternary) each of whose branches answers or raises: which branch runs does not decide whether the request halts. */
function everyBranchHalts(conditional: Node): boolean {
  if (conditional.type !== 'if' && conditional.type !== 'unless' && conditional.type !== 'conditional') return false;
  const consequence = field(conditional, 'consequence');
  const alternative = field(conditional, 'alternative');
  if (!consequence || !alternative || alternative.type === 'elsif') return false;
  const halts = (branch: Node): boolean => {
    let found = false;
    walk(branch, (node) => {
      if (found) return false;
      if (node.type === 'call' && !field(node, 'receiver') && HALTS.has(callName(node) ?? '')) found = true;
      return !found && !/^(if|unless|case|conditional|if_modifier|unless_modifier|block|do_block|lambda)$/.test(node.type);
    });
    return found;
  };
  return halts(consequence) && halts(alternative);
}
