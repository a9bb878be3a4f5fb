/**
 * BOLA in Laravel: an authenticated controller action that loads a user-owned Eloquent model by a
 * request id — `Invoice::findOrFail($id)`, `Invoice::where('id', $request->input('id'))->first()`,
 * or implicit route-model binding (`show(Invoice $invoice)` for `/invoices/{invoice}`) — with no
 * policy (`$this->authorize`, `Gate::`, `->can()`, `authorizeResource`, a form request whose
 * `authorize()` checks something, a `can:` middleware), no query scoped to the caller
 * (`$request->user()->invoices()->findOrFail($id)`, `where('user_id', auth()->id())`) and no condition
 * that mentions the signed-in user. A model is user-owned when it `belongsTo` a user, owner, team,
 * organisation, account or tenant; models with a global scope or their own `resolveRouteBinding`
 * are left out (they may scope every query), and so are routes behind a role or ability middleware.
 * Read by bola-missing-ownership-check through the plugin's `objectAccess` section.
 */
import type { CheckContext } from '../../../engine/context.js';
import type { Endpoint } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { ObjectAccess, ObjectAccessProvider } from '../plugin.js';
import { callArguments, field, kids, literalString, unwrap, walk } from '../php/ast.js';
import { idOrigin, shortName, WRITE_ACTIONS } from '../php/object-access.js';
import { phpProjectOf, type PhpClass, type PhpProject } from '../php/project.js';
import { chainRoot, phpCalls } from '../php/sinks.js';

const OWNER = /^(user|owner|author|creator|account|organization|organisation|org|tenant|customer|member|team|company|workspace|client)$/i;
const FINDERS = new Set(['find', 'findOrFail', 'findOrNew', 'findMany']);
const FIRST = new Set(['first', 'firstOrFail', 'sole', 'get']);
const ID_COLUMNS = /^(id|uuid|ulid|slug|number|code|reference|key|\w+_(id|uuid|number))$/;
/** Authorisation, or a mention of the signed-in user, anywhere in the action. */
const GUARD =
  /\$this->authorize\w*\(|Gate::|->(can|cannot|canAny|allows|denies|authorize|authorizeForUser|inspect)\(|\bpolicy\(|\bauth\(\)|Auth::|->user\(\)|\$user\b|\$this->(check|ensure|verify|assert|authori[sz]e|guard|abortUnless|abortIf)\w*\(|\bcan\(|user_id|owner_id|->owner\b|->user\b/;

/** Models with an owner relation, without a global scope or custom route binding. */
function ownedModels(project: PhpProject): Set<string> {
  const out = new Set<string>();
  for (const cls of project.classes.values()) {
    const text = cls.node.text;
    if (!text.includes('belongsTo')) continue;
    if (/addGlobalScope|#\[ScopedBy|resolveRouteBinding|BelongsToTenant|TenantScope/.test(text)) continue;
    const owned = [...cls.methods].some(([name, method]) => {
      const state = { found: false };
      walk(method, (node) => {
        if (state.found) return false;
        if (node.type !== 'member_call_expression' || field(node, 'name')?.text !== 'belongsTo') return true;
        const target = callArguments(node)[0]?.value;
        const targetName = target ? unwrap(target).text.replace(/::class$/, '').replace(/^.*\\/, '') : '';
        state.found = OWNER.test(name) || OWNER.test(targetName);
        return !state.found;
      });
      return state.found;
    });
    if (owned) out.add(shortName(cls.fqn));
  }
  return out;
}

/** The controller class is authorised as a whole: `authorizeResource` or `can:` middleware in its constructor or `middleware()`. */
function classAuthorised(project: PhpProject, cls: PhpClass): boolean {
  return project.ancestry(cls).chain.some((current) => {
    const constructor = current.methods.get('__construct');
    const middleware = current.methods.get('middleware');
    return [constructor, middleware].some((method) => method !== undefined && /authorizeResource|can:|role:|permission:|Authorize::using|new Middleware\(\s*['"]can:/.test(method.text));
  });
}

/** A form request parameter whose `authorize()` does more than `return true;`. */
function formRequestAuthorises(project: PhpProject, cls: PhpClass, method: Node): boolean {
  const parameters = field(method, 'parameters');
  for (const parameter of parameters ? kids(parameters) : []) {
    const type = field(parameter, 'type')?.text;
    if (!type || /^\??(Request|int|string|mixed|array|bool|float)$/.test(type)) continue;
    const fqn = project.resolveName(cls.file, type.replace(/^\?/, ''), cls);
    const target = project.classOf(fqn);
    if (!target) continue;
    const authorize = project.methodOf(target, 'authorize');
    if (!authorize) continue;
    const body = field(authorize.method, 'body')?.text.replace(/\s+/g, ' ') ?? '';
    if (!/^\{ return true; \}$/.test(body)) return true;
  }
  return false;
}

/**
 * A route middleware written as `can:…`, `role:…`, `permission:…`, `ability:…` or `Authorize::using(…)`,
 * or a project middleware class whose `handle()` reads a route parameter by name (`$request->route('server')`):
 * it can compare the bound object with the caller before the action runs.
 */
function middlewareAuthorises(ctx: CheckContext, project: PhpProject, endpoint: Endpoint): boolean {
  return (endpoint.middleware ?? []).some((where) => {
    const source = ctx.sources.find((candidate) => candidate.file === where.file);
    const line = source?.text.split('\n')[where.line - 1];
    const text = line?.slice(Math.max(0, (where.column ?? 1) - 1)) ?? '';
    if (/^\W{0,3}(can|role|roles|permission|ability|abilities|scope|scopes):|^Authorize::using/.test(text)) return true;
    const name = /^\\?([\w\\]+)::class/.exec(text)?.[1]?.replace(/^.*\\/, '');
    if (!name) return false;
    return [...project.classes.values()].some((cls) => cls.name === name && /\$\w+->route\(\s*['"]|->parameter\(\s*['"]/.test(project.methodOf(cls, 'handle')?.method.text ?? ''));
  });
}

function laravelObjectAccesses(ctx: CheckContext): ObjectAccess[] {
  const php = ctx.sources.filter((source) => source.language === 'php' && !/(^|\/)(tests?|vendor)\//i.test(source.file));
  if (!php.some((source) => /belongsTo/.test(source.text))) return [];
  const project = phpProjectOf(ctx.sources, true);
  const owned = ownedModels(project);
  if (owned.size === 0) return [];
  const out: ObjectAccess[] = [];
  const seen = new Set<string>();
  const methods = new Map<string, { cls: PhpClass; method: Node }>();
  for (const cls of project.classes.values()) {
    for (const method of cls.methods.values()) methods.set(`${cls.file.source.file}:${method.startPosition.row + 1}`, { cls, method });
  }
  for (const endpoint of ctx.inventory.endpoints) {
    if (endpoint.auth.state !== 'protected' || !endpoint.handler) continue;
    // `can:` / role middleware on the route: authorised (function-level, and often object-level) outside the action.
    if (endpoint.authorization?.functionLevel === 'present' || endpoint.authorization?.objectLevel === 'present' || middlewareAuthorises(ctx, project, endpoint)) continue;
    const found = methods.get(`${endpoint.handler.file}:${endpoint.handler.line}`);
    if (!found) continue;
    const { cls, method } = found;
    const body = field(method, 'body');
    if (!body || GUARD.test(body.text) || classAuthorised(project, cls) || formRequestAuthorises(project, cls, method)) continue;
    const action = field(method, 'name')?.text ?? '';
    const write = WRITE_ACTIONS.test(action) || endpoint.method !== 'GET';
    const source = cls.file.source;
    const scalars = new Set<string>();
    const parameters = field(method, 'parameters');
    const pathParameters = new Set([...endpoint.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? ''));
    for (const parameter of parameters ? kids(parameters) : []) {
      const type = field(parameter, 'type')?.text.replace(/^\?/, '');
      const name = field(parameter, 'name')?.text ?? '';
      if (!name) continue;
      if (type === undefined || /^(int|string|mixed)$/.test(type)) {
        scalars.add(name);
        continue;
      }
      // Implicit route-model binding: `{invoice}` in the path and `Invoice $invoice` in the action.
      const model = shortName(type);
      if (!owned.has(model) || !pathParameters.has(name.replace(/^\$/, '')) || pathParameters.size > 1) continue;
      const key = `${source.file}:${parameter.startIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      // One finding per controller and model: the binding is one loading site, however many actions take it.
      const earlier = out.find((hit) => hit.loader === 'route-binding' && hit.model === model && hit.source === source && hit.node.parent?.parent?.parent?.parent?.id === parameter.parent?.parent?.parent?.parent?.id);
      if (earlier) {
        // Reported at the first action in the file, naming the others.
        const earlierAction = field(earlier.node.parent?.parent ?? earlier.node, 'name')?.text ?? '';
        if (parameter.startIndex < earlier.node.startIndex) Object.assign(earlier, { node: parameter, endpoint, write, alsoIn: [earlierAction, ...(earlier.alsoIn ?? [])] });
        else earlier.alsoIn = [...(earlier.alsoIn ?? []), action];
        continue;
      }
      out.push({ source, node: parameter, model, id: `{${name.replace(/^\$/, '')}}`, write, endpoint, loader: 'route-binding' });
    }
    for (const call of phpCalls(body)) {
      const chain = chainRoot(call);
      if (!chain || call.kind === 'new' || call.kind === 'function') continue;
      const model = chain.root;
      if (!owned.has(model) || chain.links.at(-1) !== call.name) continue;
      let idArg: Node | undefined;
      if (FINDERS.has(call.name)) idArg = call.args[0]?.value;
      else if (FIRST.has(call.name)) {
        // `Invoice::where('id', $id)->firstOrFail()`
        const where = chain.links.indexOf('where');
        const whereCall = where >= 0 ? findLink(call.node, chain.links.length - 1 - where) : undefined;
        const args = whereCall ? callArguments(whereCall) : [];
        if (args.length === 2 && ID_COLUMNS.test(literalString(args[0]?.value) ?? '')) idArg = args[1]?.value;
      }
      if (!idArg) continue;
      const origin = idOrigin(idArg, scalars);
      if (!origin) continue;
      const key = `${source.file}:${call.node.startIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ source, node: call.node, model, id: origin, write, endpoint });
    }
  }
  return out;
}

/** The call `steps` receivers down a fluent chain from `call`. */
function findLink(call: Node, steps: number): Node | undefined {
  let current: Node | undefined = call;
  for (let i = 0; i < steps && current; i += 1) {
    const step: Node = current;
    const receiver: Node | undefined = field(step, 'object') ?? field(step, 'scope') ?? undefined;
    current = receiver ? unwrap(receiver) : undefined;
  }
  return current;
}

export const laravelObjectAccess: ObjectAccessProvider = { languages: ['php'], accesses: laravelObjectAccesses };
