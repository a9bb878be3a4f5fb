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
 */
import type { CheckContext, SourceFile } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';
import type { Node } from '../../parsing/parser.js';
import { arrayEntries, callArguments, field, kids, literalString, unwrap, walk } from '../../collectors/code/php/ast.js';
import { attributeNamed, PhpProject, type PhpClass } from '../../collectors/code/php/project.js';
import { requestOrigin } from '../../collectors/code/php/requests.js';
import { chainRoot, phpCalls, receiverClass } from '../../collectors/code/php/sinks.js';
import { doctrineModel, type DoctrineModel } from '../../collectors/code/symfony/doctrine.js';

const OWNER = /^(user|owner|author|creator|account|organization|organisation|org|tenant|customer|member|team|company|workspace|client)$/i;
const FINDERS = new Set(['find', 'findOrFail', 'findOrNew', 'findMany']);
const FIRST = new Set(['first', 'firstOrFail', 'sole', 'get']);
const ID_COLUMNS = /^(id|uuid|ulid|slug|number|code|reference|key|\w+_(id|uuid|number))$/;
/** Authorisation, or a mention of the signed-in user, anywhere in the action. */
const GUARD =
  /\$this->authorize\w*\(|Gate::|->(can|cannot|canAny|allows|denies|authorize|authorizeForUser|inspect)\(|\bpolicy\(|\bauth\(\)|Auth::|->user\(\)|\$user\b|\$this->(check|ensure|verify|assert|authori[sz]e|guard|abortUnless|abortIf)\w*\(|\bcan\(|user_id|owner_id|->owner\b|->user\b/;
const WRITE_ACTIONS = /^(update|destroy|delete|store|archive|restore|publish|approve|reject|cancel|transfer|edit)/i;

export interface PhpObjectAccess {
  source: SourceFile;
  node: Node;
  model: string;
  id: string;
  write: boolean;
  endpoint: Endpoint;
  binding: boolean;
  /** Route-model binding: the other actions of the controller that take the same model unchecked. */
  alsoIn?: string[];
  /** Symfony: the entity value resolver loads the argument; API Platform: an item operation loads it (the message names it). */
  framework?: 'symfony' | 'api-platform';
}

function shortName(fqn: string): string {
  return fqn.replace(/^.*\\/, '');
}

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

/** Request data for an id: request reads, and any scalar parameter of the action (route parameters). */
function idOrigin(node: Node, scalars: ReadonlySet<string>): string | undefined {
  const target = unwrap(node);
  if (target.type === 'variable_name' && scalars.has(target.text)) return `route parameter ${target.text}`;
  return requestOrigin(node);
}

export function phpObjectAccesses(ctx: CheckContext): PhpObjectAccess[] {
  const php = ctx.sources.filter((source) => source.language === 'php' && !/(^|\/)(tests?|vendor)\//i.test(source.file));
  if (!php.some((source) => /belongsTo/.test(source.text))) return [];
  const project = new PhpProject(php);
  const owned = ownedModels(project);
  if (owned.size === 0) return [];
  const out: PhpObjectAccess[] = [];
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
      const earlier = out.find((hit) => hit.binding && hit.model === model && hit.source === source && hit.node.parent?.parent?.parent?.parent?.id === parameter.parent?.parent?.parent?.parent?.id);
      if (earlier) {
        // Reported at the first action in the file, naming the others.
        const earlierAction = field(earlier.node.parent?.parent ?? earlier.node, 'name')?.text ?? '';
        if (parameter.startIndex < earlier.node.startIndex) Object.assign(earlier, { node: parameter, endpoint, write, alsoIn: [earlierAction, ...(earlier.alsoIn ?? [])] });
        else earlier.alsoIn = [...(earlier.alsoIn ?? []), action];
        continue;
      }
      out.push({ source, node: parameter, model, id: `{${name.replace(/^\$/, '')}}`, write, endpoint, binding: true });
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
      out.push({ source, node: call.node, model, id: origin, write, endpoint, binding: false });
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

/** Doctrine finders that load one object by its id: `find($id)`, `findOneBy(['id' => $id])`, `$em->find(Post::class, $id)`. */
const DOCTRINE_FINDERS = new Set(['find', 'findOneBy', 'findOneById', 'findOneByUuid', 'getReference']);
const DOCTRINE_ID_KEYS = /^(id|uuid|ulid|slug|number|code|reference|\w+Id|\w+_id)$/;

/**
 * The action checks the object or the caller itself: a voter asked about a subject
 * (`denyAccessUnlessGranted('EDIT', $post)`, `isGranted('view', $post)`, `$security->isGranted(…, $post)`,
 * `$accessDecisionManager->decide($token, [...], $post)`), the signed-in user read (`$this->getUser()`,
 * `$security->getUser()`, `$tokenStorage->getToken()`), or a `#[CurrentUser]` parameter used in the body.
 */
function symfonyGuarded(method: Node, body: Node): boolean {
  for (const call of phpCalls(body)) {
    if ((call.name === 'denyAccessUnlessGranted' || call.name === 'isGranted' || call.name === 'decide') && call.args.length >= 2) return true;
    if (call.name === 'getUser' || call.name === 'getToken') return true;
  }
  const parameters = field(method, 'parameters');
  for (const parameter of parameters ? kids(parameters) : []) {
    if (!kids(parameter).some((child) => child.type === 'attribute_list' && /\bCurrentUser\b/.test(child.text))) continue;
    const name = field(parameter, 'name')?.text;
    if (name && variablesOf(body).has(name)) return true;
  }
  return false;
}

function variablesOf(node: Node): Set<string> {
  const out = new Set<string>();
  walk(node, (child) => {
    if (child.type === 'variable_name') out.add(child.text);
    return true;
  });
  return out;
}

/** The entity a receiver serves: `$em->getRepository(Post::class)`, `$this->posts` typed `PostRepository`, `$postRepository`. */
function servedEntity(project: PhpProject, cls: PhpClass, doctrine: DoctrineModel, receiver: Node | undefined, use: Node): string | undefined {
  if (!receiver) return undefined;
  const target = unwrap(receiver);
  if (target.type === 'member_call_expression' && field(target, 'name')?.text === 'getRepository') {
    const arg = callArguments(target)[0]?.value;
    const value = arg ? project.evaluate(cls.file, arg) : undefined;
    return value?.kind === 'class' ? value.fqn : value?.kind === 'string' ? value.value.replace(/^\\/, '') : undefined;
  }
  const written = receiverClass(target, use);
  if (!written) return undefined;
  const fqn = project.resolveName(cls.file, written, cls);
  return doctrine.repositories.get(fqn) ?? [...doctrine.repositories].find(([repository]) => repository.endsWith(`\\${written}`))?.[1];
}

/**
 * BOLA in Symfony: an authenticated controller action that loads a user-owned Doctrine entity by a request
 * id — an entity argument resolved from the route (`show(Post $post)` for `/posts/{id}`, `#[MapEntity]`,
 * `@ParamConverter`), `$repository->find($id)`, `findOneBy(['id' => $id])`, `$em->find(Post::class, $id)` —
 * with no voter asked about the object, no read of the signed-in user, no `#[IsGranted(…, subject: …)]` and
 * no role restriction on the route. Entities are user-owned when a `ManyToOne`/`OneToOne` relation points
 * to the user class or an owner, team, organisation or tenant.
 */
export function symfonyObjectAccesses(ctx: CheckContext): PhpObjectAccess[] {
  const symfony = ctx.inventory.endpoints.filter((endpoint) => endpoint.auth.state === 'protected' && endpoint.sources.some((source) => source.via === 'symfony'));
  const endpoints = symfony.filter((endpoint) => endpoint.handler);
  if (symfony.length === 0) return [];
  const php = ctx.sources.filter((source) => source.language === 'php' && !/(^|\/)(tests?|vendor)\//i.test(source.file));
  const project = new PhpProject(php);
  const doctrine = doctrineModel(project);
  if (doctrine.owned.size === 0) return [];
  const methods = new Map<string, { cls: PhpClass; method: Node }>();
  for (const cls of project.classes.values()) {
    for (const method of cls.methods.values()) methods.set(`${cls.file.source.file}:${method.startPosition.row + 1}`, { cls, method });
  }
  const out: PhpObjectAccess[] = apiPlatformItems(project, doctrine, symfony.filter((endpoint) => !endpoint.handler));
  const seen = new Set<string>();
  for (const endpoint of endpoints) {
    // `#[IsGranted('ROLE_ADMIN')]`, a voter on a subject, an admin access_control rule: authorised outside the action.
    if (endpoint.authorization?.functionLevel === 'present' || endpoint.authorization?.objectLevel === 'present') continue;
    const found = endpoint.handler ? methods.get(`${endpoint.handler.file}:${endpoint.handler.line}`) : undefined;
    if (!found) continue;
    const { cls, method } = found;
    const body = field(method, 'body');
    if (!body || symfonyGuarded(method, body)) continue;
    const source = cls.file.source;
    const action = field(method, 'name')?.text ?? '';
    const write = WRITE_ACTIONS.test(action) || endpoint.method !== 'GET';
    const placeholders = [...endpoint.path.matchAll(/\{(\w+)\}/g)].map((match) => match[1] ?? '');
    const scalars = new Set<string>();
    const parameters = field(method, 'parameters');
    const entityParameters: { parameter: Node; entity: string; name: string }[] = [];
    for (const parameter of parameters ? kids(parameters) : []) {
      const type = field(parameter, 'type')?.text.replace(/^\?/, '');
      const name = field(parameter, 'name')?.text ?? '';
      if (!name) continue;
      if (type === undefined || /^(int|string|mixed)$/.test(type)) {
        scalars.add(name);
        continue;
      }
      if (kids(parameter).some((child) => child.type === 'attribute_list' && /\b(CurrentUser|MapRequestPayload|MapQueryString)\b/.test(child.text))) continue;
      const entity = project.resolveName(cls.file, type, cls);
      if (doctrine.entities.has(entity)) entityParameters.push({ parameter, entity, name: name.replace(/^\$/, '') });
    }
    // The entity value resolver: one entity argument, loaded from the route's placeholder (`{id}`, `{post}`, `{slug}`).
    if (entityParameters.length === 1 && placeholders.length >= 1) {
      const [only] = entityParameters;
      const mapped = only && (placeholders.length === 1 || placeholders.includes(only.name) || /MapEntity|ParamConverter/.test(only.parameter.text));
      if (only && mapped && doctrine.owned.has(only.entity)) {
        const key = `${source.file}:${only.parameter.startIndex}`;
        if (!seen.has(key)) {
          seen.add(key);
          const placeholder = placeholders.length === 1 ? placeholders[0] : only.name;
          out.push({ source, node: only.parameter, model: shortName(only.entity), id: `{${placeholder ?? only.name}}`, write, endpoint, binding: true, framework: 'symfony' });
        }
      }
    }
    for (const call of phpCalls(body)) {
      if (call.kind !== 'method' || !DOCTRINE_FINDERS.has(call.name)) continue;
      let entity: string | undefined;
      let idArg: Node | undefined;
      if (call.name === 'find' && call.args.length >= 2) {
        // `$entityManager->find(Post::class, $id)`.
        const value = call.args[0] ? project.evaluate(cls.file, call.args[0].value) : undefined;
        entity = value?.kind === 'class' ? value.fqn : undefined;
        idArg = call.args[1]?.value;
      } else {
        entity = servedEntity(project, cls, doctrine, call.receiver, call.node);
        if (call.name === 'findOneBy') {
          const criteria = call.args[0] ? arrayEntries(unwrap(call.args[0].value)) : undefined;
          // Criteria naming anything but the id (`'owner' => $this->getUser()`, `'team' => $team`) may scope the lookup.
          if (!criteria || criteria.length !== 1 || !DOCTRINE_ID_KEYS.test(literalString(criteria[0]?.key) ?? '')) continue;
          idArg = criteria[0]?.value;
        } else idArg = call.args[0]?.value;
      }
      if (!entity || !idArg || !doctrine.owned.has(entity)) continue;
      const origin = idOrigin(idArg, scalars);
      if (!origin) continue;
      const key = `${source.file}:${call.node.startIndex}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push({ source, node: call.node, model: shortName(entity), id: origin, write, endpoint, binding: false, framework: 'symfony' });
    }
  }
  return out;
}

const ITEM_EXTENSION = /(^|\\)QueryItemExtensionInterface$/;

/**
 * API Platform item operations (`GET /api/notes/{id}`, `PATCH`, `PUT`, `DELETE`) of a user-owned entity resource,
 * authenticated but with no object check: no `security` expression reading the object (`object.owner == user`,
 * `is_granted('EDIT', object)`), no role restriction, no state `provider` of the project's own (it may scope the
 * load) and no Doctrine item extension (`QueryItemExtensionInterface` adds its conditions to every item query).
 */
function apiPlatformItems(project: PhpProject, doctrine: DoctrineModel, endpoints: readonly Endpoint[]): PhpObjectAccess[] {
  if (endpoints.length === 0) return [];
  if ([...project.classes.values()].some((cls) => cls.interfaces.some((iface) => ITEM_EXTENSION.test(iface)))) return [];
  const out: PhpObjectAccess[] = [];
  for (const endpoint of endpoints) {
    if (endpoint.method === 'POST' || !/\{\w+\}$/.test(endpoint.path)) continue;
    if (endpoint.authorization?.functionLevel === 'present' || endpoint.authorization?.objectLevel === 'present') continue;
    const where = endpoint.sources.find((source) => source.via === 'symfony')?.location;
    const file = where ? project.files.get(where.file) : undefined;
    if (!file || !where) continue;
    const cls = file.classes.find((candidate) => doctrine.owned.has(candidate.fqn) && candidate.attributes.some((attribute) => attributeNamed(attribute, 'ApiResource') && attribute.name.startsWith('ApiPlatform\\')));
    if (!cls) continue;
    let operation: Node | undefined;
    walk(cls.node, (node) => {
      if (operation) return false;
      if ((node.type === 'object_creation_expression' || node.type === 'attribute') && node.startPosition.row + 1 === where.line) operation = node;
      return true;
    });
    if (!operation) continue;
    const resource = cls.attributes.find((attribute) => attributeNamed(attribute, 'ApiResource'));
    // A state provider of the project's own loads the item itself, and may scope it to the caller.
    if (/\bprovider\s*:/.test(operation.text) || (resource && /\bprovider\s*:/.test(resource.node.text.replace(operation.text, '')))) continue;
    // `#[ApiResource]` with its default operations: one finding for the resource, not one per operation.
    if (out.some((hit) => hit.node.id === operation?.id)) continue;
    const placeholder = /\{(\w+)\}$/.exec(endpoint.path)?.[1] ?? 'id';
    out.push({ source: file.source, node: operation, model: shortName(cls.fqn), id: `{${placeholder}}`, write: endpoint.method !== 'GET', endpoint, binding: true, framework: 'api-platform' });
  }
  return out;
}
