/**
 * BOLA in ASP.NET Core: an authenticated action or minimal-API handler that loads a user-owned EF Core
 * entity by an id the client chose — `db.Orders.FindAsync(id)`, `_context.Set<Order>().Find(id)`,
 * `_context.Orders.FirstOrDefaultAsync(o => o.Id == id)`, `…Where(o => o.Id == id).SingleAsync()` — with
 * no condition beyond the id, no read of the caller (`User`, `HttpContext.User`, a `ClaimsPrincipal`,
 * `IAuthorizationService.AuthorizeAsync`, a current-user service) and no role or policy on the endpoint.
 * An entity is user-owned when a property names its owner (`OwnerId`, `UserId`, `BuyerId`, `TenantId`…) or
 * is a navigation to the Identity user class.
 */
import type { Node } from 'web-tree-sitter';
import { csProjectOf, isCsTestFile, localValue, parametersOf, startKey } from '../../collectors/code/csharp/flow.js';
import { CsProject, enclosingClass, field, invocationParts, kids, typeName, walk, type CsClass, type CsFile, type CsMethod } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';
import { csharpDataProviders } from '../../collectors/code/plugins.js';

const OWNER = /^(User|Owner|Author|Creator|CreatedBy|Account|Organization|Organisation|Org|Tenant|Customer|Member|Team|Company|Workspace|Client|Buyer|ApplicationUser)(Id)?$/;
/**
 * The data-access libraries' entity sets and lookups (the plugins' `csharpData`: EF Core's `DbSet<T>`, `Find`,
 * `FirstOrDefault` …, the query operators that keep the set's rows — the predicate of `Where` is read separately —
 * and `Set<T>()`).
 */
let dataList: { set: RegExp; prefixes: readonly string[]; find: ReadonlySet<string>; first: ReadonlySet<string>; pass: ReadonlySet<string>; setOf: ReadonlySet<string> } | undefined;
function data(): NonNullable<typeof dataList> {
  if (!dataList) {
    const providers = csharpDataProviders();
    const sets = providers.flatMap((provider) => provider.entitySets);
    dataList = {
      set: new RegExp(`^(?:${sets.join('|')})<(.+)>$`),
      prefixes: sets.map((name) => `${name}<`),
      find: new Set(providers.flatMap((provider) => provider.keyLookups)),
      first: new Set(providers.flatMap((provider) => provider.firstRow)),
      pass: new Set(providers.flatMap((provider) => provider.passThrough)),
      setOf: new Set(providers.flatMap((provider) => provider.setOf)),
    };
  }
  return dataList;
}
const ID_TYPES = /^(int|long|short|uint|ulong|Guid|string|int\?|long\?|Guid\?)$/;
const FUNCTIONS = new Set(['method_declaration', 'lambda_expression', 'local_function_statement', 'anonymous_method_expression']);
/** Reads of the caller: any of these in the handler may compare the object with the caller. */
const CALLER = /^(User|ClaimsPrincipal|ClaimTypes|AuthorizeAsync|GetUserId|GetUserIdentity|GetUserName|CurrentUser|_?currentUser|_?currentUserService|_?userAccessor|_?user)$/;

export interface CsObjectAccess {
  source: SourceFile;
  node: Node;
  model: string;
  id: string;
  write: boolean;
  endpoint: Endpoint;
  /** The call as the message names it (`_db.Orders.FindAsync`, `_db.Orders….FirstOrDefaultAsync`). */
  written: string;
}

function properties(cls: CsClass): { name: string; type: string }[] {
  const out: { name: string; type: string }[] = [];
  const body = field(cls.node, 'body');
  for (const member of body ? kids(body) : []) {
    if (member.type !== 'property_declaration') continue;
    const name = field(member, 'name')?.text;
    const type = field(member, 'type')?.text;
    if (name && type) out.push({ name, type });
  }
  return out;
}

/** `DbSet<Order> Orders` of every DbContext: set name → entity class name. */
function dbSets(project: CsProject): Map<string, string> {
  const out = new Map<string, string>();
  for (const cls of project.classes) {
    for (const property of properties(cls)) {
      const entity = data().set.exec(property.type)?.[1];
      if (entity) out.set(property.name, typeName(entity));
    }
  }
  return out;
}

function isIdentityUser(project: CsProject, name: string): boolean {
  const cls = project.classOf(name);
  return cls !== undefined && [cls, ...project.ancestors(cls).chain].some((each) => each.bases.some((base) => /^IdentityUser$/.test(base)));
}

/** Entities with an owner: a property `OwnerId`/`UserId`/`BuyerId`…, or a navigation to the Identity user class. */
function ownedEntities(project: CsProject, entities: Iterable<string>): Set<string> {
  const out = new Set<string>();
  for (const entity of entities) {
    const cls = project.classOf(entity);
    if (!cls) continue;
    const chain = [cls, ...project.ancestors(cls).chain];
    // `CreatedBy` beside `LastModifiedBy` in one class is an audit trail (an auditable base entity), not an owner.
    const owner = (each: CsClass): boolean => {
      const list = properties(each);
      const audit = list.some((property) => AUDIT_PAIR.test(property.name));
      return list.some((property) => (OWNER.test(property.name) && !(audit && property.name === 'CreatedBy')) || isIdentityUser(project, typeName(property.type.replace(/\?$/, ''))));
    };
    if (chain.some(owner)) out.add(entity);
  }
  return out;
}

const CANCELLATION = /^(ct|cancellationToken|token|cancel\w*)$/i;
/** Audit columns: who created or last changed a row, not who owns it. */
const AUDIT_PAIR = /^(LastModifiedBy|ModifiedBy|UpdatedBy|LastUpdatedBy)$/;

/** A value an id can be handed in: a local or parameter (`id`), or a property of a request object (`request.Id`). */
function isIdValue(node: Node): boolean {
  return node.type === 'identifier' || (node.type === 'member_access_expression' && field(node, 'expression')?.type === 'identifier');
}

/** `x => x.Id == id` (either side): the id compared, or undefined for any other predicate. */
function idOnly(lambda: Node | undefined): string | undefined {
  if (lambda?.type !== 'lambda_expression') return undefined;
  const body = field(lambda, 'body');
  if (body?.type !== 'binary_expression' || !body.children.some((child) => child?.type === '==')) return undefined;
  const left = field(body, 'left');
  const right = field(body, 'right');
  const isId = (node: Node | undefined): boolean => node?.type === 'member_access_expression' && /^(Id|\w+Id)$/.test(field(node, 'name')?.text ?? '') && !OWNER.test(field(node, 'name')?.text ?? '');
  if (isId(left) && right && isIdValue(right)) return right.text;
  if (isId(right) && left && isIdValue(left)) return left.text;
  return undefined;
}

/** The entity a query chain starts from (`_context.Orders`, `db.Set<Order>()`), and the id it filters on alone. */
function queryOf(call: Node, sets: ReadonlyMap<string, string>): { entity: string; id?: string; scoped: boolean; root: string } | undefined {
  let id: string | undefined;
  let scoped = false;
  let current: Node | undefined = call;
  for (let depth = 0; current && depth < 12; depth += 1) {
    const parts = invocationParts(current);
    if (parts) {
      if (data().setOf.has(parts.name) && parts.generic) return { entity: typeName(parts.generic), ...(id ? { id } : {}), scoped, root: current.text };
      if (current !== call && !data().pass.has(parts.name)) return undefined;
      if (parts.name === 'Where') {
        const compared = idOnly(parts.args[0]);
        if (compared && !id) id = compared;
        else scoped = true;
      }
      current = parts.receiver;
      continue;
    }
    if (current.type === 'member_access_expression') {
      const set = sets.get(field(current, 'name')?.text ?? '');
      return set ? { entity: set, ...(id ? { id } : {}), scoped, root: current.text } : undefined;
    }
    return undefined;
  }
  return undefined;
}

function readsCaller(fn: Node): boolean {
  let found = false;
  walk(fn, (node) => {
    if (found) return false;
    if (node.type === 'identifier' && CALLER.test(node.text)) found = true;
    return !found;
  });
  return found;
}

/** One lookup of an owned entity by an id alone. */
interface Lookup {
  node: Node;
  model: string;
  id: string;
  written: string;
}

/** The id a `Find`/`FindAsync` call looks up: `id`, `request.Id`, `new object[] { id }`, with an optional cancellation token. */
function findKey(args: readonly Node[]): string | undefined {
  const [first, second] = args;
  if (!first || args.length > 2) return undefined;
  if (second && !(second.type === 'identifier' && CANCELLATION.test(second.text))) return undefined;
  if (isIdValue(first)) return first.text;
  if (first.type === 'array_creation_expression' || first.type === 'implicit_array_creation_expression') {
    const initializer = kids(first).find((child) => child.type === 'initializer_expression');
    const items = initializer ? kids(initializer) : [];
    return items.length === 1 && items[0] && isIdValue(items[0]) ? items[0].text : undefined;
  }
  return undefined;
}

/**
 * Lookups of owned entities in `fn` keyed by one of `ids` alone. `typeArguments` maps a generic
 * repository's type parameter to the entity it was injected for (`EfRepository<T>` as `IRepository<Order>`).
 */
function lookupsIn(fn: Node, ids: ReadonlySet<string>, sets: ReadonlyMap<string, string>, owned: ReadonlySet<string>, typeArguments: ReadonlyMap<string, string>): Lookup[] {
  const out: Lookup[] = [];
  walk(fn, (inner) => {
    const parts = invocationParts(inner);
    if (!parts) return true;
    let query: { entity: string; id?: string; scoped: boolean; root: string } | undefined;
    let id: string | undefined;
    if (data().find.has(parts.name)) {
      query = parts.receiver ? queryOf(parts.receiver, sets) : undefined;
      id = findKey(parts.args);
    } else if (data().first.has(parts.name)) {
      query = queryOf(inner, sets);
      // `SingleOrDefaultAsync(cancellationToken)`: a token is no predicate.
      const args = parts.args.filter((arg) => !(arg.type === 'identifier' && CANCELLATION.test(arg.text)));
      id = args.length > 0 ? idOnly(args[0]) : query?.id;
      if (args.length > 0 && !id) return true;
    } else return true;
    if (!query || query.scoped || !id || !ids.has(id)) return true;
    const model = typeArguments.get(query.entity) ?? query.entity;
    if (!owned.has(model)) return true;
    const written = parts.receiver?.text === query.root ? `${query.root}.${parts.name}` : `${query.root}….${parts.name}`;
    out.push({ node: inner, model, id, written });
    return true;
  });
  return out;
}

/** The generic arguments of a type as written (`IRepository<Order>` → `Order`), outermost level only. */
function typeArgumentsOf(type: string): string[] {
  const inner = /^[\w.]+\s*<(.*)>\??$/s.exec(type.trim())?.[1];
  if (!inner) return [];
  const out: string[] = [];
  let depth = 0;
  let current = '';
  for (const char of inner) {
    if (char === '<') depth += 1;
    if (char === '>') depth -= 1;
    if (char === ',' && depth === 0) {
      out.push(current.trim());
      current = '';
    } else current += char;
  }
  out.push(current.trim());
  return out.map((each) => typeName(each));
}

/** The declared type of a field, property or constructor parameter of a class (or of its project ancestors). */
function memberType(project: CsProject, cls: CsClass, name: string): string | undefined {
  for (const each of [cls, ...project.ancestors(cls).chain]) {
    const body = field(each.node, 'body');
    for (const member of body ? kids(body) : []) {
      if (member.type === 'property_declaration' && field(member, 'name')?.text === name) return field(member, 'type')?.text;
      if (member.type !== 'field_declaration') continue;
      const declaration = kids(member).find((child) => child.type === 'variable_declaration');
      if (declaration && kids(declaration).some((child) => child.type === 'variable_declarator' && kids(child)[0]?.text === name)) return field(declaration, 'type')?.text;
    }
    const positional = kids(each.node).find((child) => child.type === 'parameter_list');
    for (const parameter of positional ? kids(positional).filter((child) => child.type === 'parameter') : []) {
      if (field(parameter, 'name')?.text === name) return field(parameter, 'type')?.text;
    }
  }
  return undefined;
}

/** The type of a call's receiver in a method: a parameter of the method, a field, property or constructor parameter of its class. */
function receiverType(project: CsProject, cls: CsClass | undefined, fn: Node, receiver: Node): string | undefined {
  const name = receiver.type === 'member_access_expression' && field(receiver, 'expression')?.type === 'this_expression' ? field(receiver, 'name')?.text : receiver.type === 'identifier' ? receiver.text : undefined;
  if (!name) return undefined;
  for (const parameter of parametersOf(fn)) {
    if (parameter.type !== 'identifier' && field(parameter, 'name')?.text === name) return field(parameter, 'type')?.text;
  }
  return cls ? memberType(project, cls, name) : undefined;
}

/** The project classes a receiver of `type` may be: the class itself, or the classes implementing the interface. */
function implementations(project: CsProject, type: string, from: CsFile): CsClass[] {
  const cls = project.classOf(type, from);
  if (!cls) return [];
  if (cls.node.type !== 'interface_declaration') return [cls];
  let index = implementorsByBase.get(project);
  if (!index) {
    index = new Map();
    for (const each of project.classes) {
      if (each.node.type === 'interface_declaration') continue;
      for (const base of new Set(each.bases)) {
        const list = index.get(base);
        if (list) list.push(each);
        else index.set(base, [each]);
      }
    }
    implementorsByBase.set(project, index);
  }
  return [...(index.get(cls.name) ?? [])];
}

function typeParameters(cls: CsClass): string[] {
  const list = field(cls.node, 'type_parameters');
  return list ? kids(list).flatMap((parameter) => (field(parameter, 'name')?.text ? [field(parameter, 'name')?.text as string] : [])) : [];
}

/** A method hop: the project method a call reaches, with the names its parameters give the ids. */
interface Hop {
  method: CsMethod;
  ids: Set<string>;
  typeArguments: Map<string, string>;
}

/** `new GetOrderQuery(id)` / `new GetOrderQuery { Id = id }`: the request's properties that hold one of `ids`. */
function requestProperties(project: CsProject, creation: Node, ids: ReadonlySet<string>): { type: string; properties: Set<string> } | undefined {
  const type = typeName(field(creation, 'type')?.text ?? '');
  const cls = project.classOf(type);
  if (!type || !cls) return undefined;
  const properties = new Set<string>();
  const argList = field(creation, 'arguments');
  const args = argList ? kids(argList).filter((arg) => arg.type === 'argument') : [];
  // Positional parameters of a record, or the parameters of a constructor assigned to properties.
  const positional = kids(cls.node).find((child) => child.type === 'parameter_list');
  const constructor = field(cls.node, 'body') ? kids(field(cls.node, 'body') as Node).find((member) => member.type === 'constructor_declaration' && parametersOf(member).length === args.length) : undefined;
  args.forEach((arg, index) => {
    const value = kids(arg).filter((part) => part.type !== 'name_colon').pop();
    if (!value || !ids.has(value.text)) return;
    const recordParameter = positional ? kids(positional).filter((child) => child.type === 'parameter')[index] : undefined;
    if (recordParameter) {
      const name = field(recordParameter, 'name')?.text;
      if (name) properties.add(name);
      return;
    }
    const parameter = constructor ? field(parametersOf(constructor)[index] as Node, 'name')?.text : undefined;
    if (!constructor || !parameter) return;
    walk(constructor, (node) => {
      if (node.type === 'assignment_expression' && field(node, 'right')?.text === parameter) {
        const left = field(node, 'left');
        const property = left?.type === 'member_access_expression' ? field(left, 'name')?.text : left?.text;
        if (property) properties.add(property);
      }
      return true;
    });
  });
  const initializer = field(creation, 'initializer');
  for (const assignment of initializer ? kids(initializer).filter((child) => child.type === 'assignment_expression') : []) {
    const right = field(assignment, 'right');
    const left = field(assignment, 'left');
    if (right && left && ids.has(right.text)) properties.add(left.text);
  }
  return properties.size > 0 ? { type, properties } : undefined;
}

/** MediatR handlers of a request type: `IRequestHandler<GetOrderQuery, OrderDto>.Handle(request, …)`. */
function requestHandlers(project: CsProject, type: string): CsMethod[] {
  const pattern = new RegExp(`^I(?:Request|Query|Command)Handler\\s*<\\s*(?:[\\w.]+\\.)?${type}\\s*[,>]`);
  return project.classes.flatMap((cls) => {
    const bases = field(cls.node, 'bases') ?? kids(cls.node).find((child) => child.type === 'base_list');
    if (!bases || !kids(bases).some((base) => pattern.test(base.text))) return [];
    return cls.methods.filter((method) => method.name === 'Handle' && method.parameters.length >= 1);
  });
}

/**
 * The project methods a function hands one of its ids to: a method of an injected repository or service
 * (resolved by the receiver's declared type, through the interface to its implementations), or the MediatR
 * handler of a request built with the id (`_mediator.Send(new GetOrderQuery(id))`).
 */
function hopsFrom(project: CsProject, fn: Node, ids: ReadonlySet<string>, typeArguments: ReadonlyMap<string, string>): { call: Node; written: string; hops: Hop[] }[] {
  const file = fileOf(project, fn);
  if (!file) return [];
  const cls = enclosingClass(project, file, fn);
  const out: { call: Node; written: string; hops: Hop[] }[] = [];
  walk(fn, (node) => {
    const parts = invocationParts(node);
    if (!parts?.receiver) return true;
    const written = `${parts.receiver.text.split('\n')[0] ?? ''}.${parts.name}`;
    if (parts.name === 'Send' || parts.name === 'SendAsync') {
      let request = parts.args[0];
      if (request?.type === 'identifier') request = localValue(request.text, node);
      if (request?.type !== 'object_creation_expression') return true;
      const built = requestProperties(project, request, ids);
      if (!built) return true;
      const hops = requestHandlers(project, built.type).flatMap((method) => {
        const parameter = method.parameters[0]?.name;
        return parameter ? [{ method, ids: new Set([...built.properties].map((property) => `${parameter}.${property}`)), typeArguments: new Map<string, string>() }] : [];
      });
      if (hops.length > 0) out.push({ call: node, written, hops });
      return true;
    }
    const positions = parts.args.flatMap((arg, index) => (ids.has(arg.text) ? [index] : []));
    if (positions.length === 0) return true;
    const type = receiverType(project, cls, fn, parts.receiver);
    if (!type) return true;
    const given = typeArgumentsOf(type).map((argument) => typeArguments.get(argument) ?? argument);
    const hops: Hop[] = [];
    for (const target of implementations(project, typeName(type), file)) {
      const parameters = typeParameters(target);
      const mapped = new Map<string, string>(parameters.length === given.length ? parameters.map((parameter, index) => [parameter, given[index] as string]) : []);
      for (const method of target.methods.filter((each) => each.name === parts.name && each.parameters.length >= parts.args.length)) {
        const names = positions.flatMap((index) => {
          const name = method.parameters[index]?.name;
          return name ? [name] : [];
        });
        if (names.length > 0) hops.push({ method, ids: new Set(names), typeArguments: mapped });
      }
    }
    if (hops.length > 0) out.push({ call: node, written, hops });
    return true;
  });
  return out;
}

function root(node: Node): Node {
  let current = node;
  while (current.parent) current = current.parent;
  return current;
}

/** Each project's files by the id of their tree's root, built once (a scan of every file per handler was quadratic). */
const filesByRoot = new WeakMap<CsProject, Map<number, CsFile>>();

/** The project file a node sits in. */
function fileOf(project: CsProject, node: Node): CsFile | undefined {
  let index = filesByRoot.get(project);
  if (!index) {
    index = new Map();
    for (const file of project.files) {
      const id = file.source.tree.rootNode.id;
      if (!index.has(id)) index.set(id, file);
    }
    filesByRoot.set(project, index);
  }
  return index.get(root(node).id);
}

/** Each project's non-interface classes by the base types they name, in project order, built once. */
const implementorsByBase = new WeakMap<CsProject, Map<string, CsClass[]>>();

/**
 * The unscoped lookups a call reaches through project methods (at most three hops), unless a method on
 * the way reads the caller (an owner filter, a current-user service, `AuthorizeAsync`).
 */
function reachedLookups(project: CsProject, hops: readonly Hop[], sets: ReadonlyMap<string, string>, owned: ReadonlySet<string>, depth: number, seen: Set<Node['id']>): Lookup[] {
  const out: Lookup[] = [];
  for (const hop of hops) {
    const fn = hop.method.node;
    if (seen.has(fn.id) || readsCaller(fn)) continue;
    seen.add(fn.id);
    out.push(...lookupsIn(fn, hop.ids, sets, owned, hop.typeArguments));
    if (depth < 3) for (const next of hopsFrom(project, fn, hop.ids, hop.typeArguments)) out.push(...reachedLookups(project, next.hops, sets, owned, depth + 1, seen));
  }
  return out;
}

export function csharpObjectAccesses(sources: readonly SourceFile[], endpoints: readonly Endpoint[]): CsObjectAccess[] {
  const candidates = endpoints.filter(
    (endpoint) =>
      endpoint.auth.state === 'protected' &&
      endpoint.handler &&
      endpoint.sources.some((source) => source.via === 'aspnetcore') &&
      endpoint.authorization?.functionLevel !== 'present' &&
      endpoint.authorization?.objectLevel !== 'present',
  );
  if (candidates.length === 0) return [];
  const csharp = sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file));
  if (!csharp.some((source) => data().prefixes.some((prefix) => source.text.includes(prefix)))) return [];
  const project = csProjectOf(sources);
  const sets = dbSets(project);
  const owned = ownedEntities(project, new Set(sets.values()));
  if (owned.size === 0) return [];
  const byFile = new Map<string, Endpoint[]>();
  for (const endpoint of candidates) {
    const file = endpoint.handler?.file ?? '';
    const list = byFile.get(file);
    if (list) list.push(endpoint);
    else byFile.set(file, [endpoint]);
  }
  const out: CsObjectAccess[] = [];
  const seen = new Set<number>();
  const none = new Map<string, string>();
  for (const source of csharp) {
    const list = byFile.get(source.file);
    if (!list) continue;
    const wanted = new Map(list.map((endpoint) => [`${endpoint.handler?.line ?? 0}:${endpoint.handler?.column ?? 1}`, endpoint]));
    const wantedLines = new Map(list.map((endpoint) => [endpoint.handler?.line ?? 0, endpoint]));
    walk(source.tree.rootNode, (node) => {
      if (!FUNCTIONS.has(node.type)) return true;
      const endpoint = wanted.get(startKey(node)) ?? (node.type === 'method_declaration' ? wantedLines.get(node.startPosition.row + 1) : undefined);
      if (!endpoint) return true;
      if (readsCaller(node)) return true;
      // Ids the client chose: scalar parameters bound from the route, the query or a form.
      const ids = new Set<string>();
      for (const parameter of parametersOf(node)) {
        const type = parameter.type === 'identifier' ? '' : (field(parameter, 'type')?.text ?? '');
        const name = (parameter.type === 'identifier' ? parameter : field(parameter, 'name'))?.text;
        // A scalar parameter of a handler is bound from the route or the query string unless it is a service.
        if (name && ID_TYPES.test(type) && !/\[\s*From(Keyed)?Services/.test(parameter.text)) ids.add(name);
      }
      if (ids.size === 0) return true;
      const write = endpoint.method !== 'GET';
      for (const lookup of lookupsIn(node, ids, sets, owned, none)) {
        if (seen.has(lookup.node.id)) continue;
        seen.add(lookup.node.id);
        out.push({ source, node: lookup.node, model: lookup.model, id: lookup.id, write, endpoint, written: lookup.written });
      }
      // The id handed to a repository, a service or a MediatR request: one finding per call of the handler.
      for (const hop of hopsFrom(project, node, ids, none)) {
        if (seen.has(hop.call.id)) continue;
        const reached = reachedLookups(project, hop.hops, sets, owned, 1, new Set());
        const first = reached[0];
        if (!first) continue;
        seen.add(hop.call.id);
        const id = [...ids].find((each) => hop.call.text.includes(each)) ?? first.id;
        out.push({ source, node: hop.call, model: first.model, id, write, endpoint, written: `${hop.written} → ${first.written}` });
      }
      return true;
    });
  }
  return out;
}
