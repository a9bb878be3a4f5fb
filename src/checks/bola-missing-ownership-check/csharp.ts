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
import { isCsTestFile, parametersOf, startKey } from '../../collectors/code/csharp/flow.js';
import { CsProject, field, invocationParts, kids, typeName, walk, type CsClass } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';

const OWNER = /^(User|Owner|Author|Creator|CreatedBy|Account|Organization|Organisation|Org|Tenant|Customer|Member|Team|Company|Workspace|Client|Buyer|ApplicationUser)(Id)?$/;
const FIND = new Set(['Find', 'FindAsync']);
const FIRST = /^(First|FirstOrDefault|Single|SingleOrDefault)(Async)?$/;
/** Query operators that keep the set's rows (the predicate of `Where` is read separately). */
const PASS = /^(Include|ThenInclude|AsNoTracking|AsTracking|AsSplitQuery|AsQueryable|Where|IgnoreQueryFilters|TagWith|OrderBy|OrderByDescending)$/;
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
      const entity = /^DbSet<(.+)>$/.exec(property.type)?.[1];
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
    if (chain.some((each) => properties(each).some((property) => OWNER.test(property.name) || isIdentityUser(project, typeName(property.type.replace(/\?$/, '')))))) out.add(entity);
  }
  return out;
}

/** `x => x.Id == id` (either side): the id compared, or undefined for any other predicate. */
function idOnly(lambda: Node | undefined): string | undefined {
  if (lambda?.type !== 'lambda_expression') return undefined;
  const body = field(lambda, 'body');
  if (body?.type !== 'binary_expression' || !body.children.some((child) => child?.type === '==')) return undefined;
  const left = field(body, 'left');
  const right = field(body, 'right');
  const isId = (node: Node | undefined): boolean => node?.type === 'member_access_expression' && /^(Id|\w+Id)$/.test(field(node, 'name')?.text ?? '') && !OWNER.test(field(node, 'name')?.text ?? '');
  if (isId(left) && right?.type === 'identifier') return right.text;
  if (isId(right) && left?.type === 'identifier') return left.text;
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
      if (parts.name === 'Set' && parts.generic) return { entity: typeName(parts.generic), ...(id ? { id } : {}), scoped, root: current.text };
      if (current !== call && !PASS.test(parts.name)) return undefined;
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
  if (!csharp.some((source) => source.text.includes('DbSet<'))) return [];
  const project = new CsProject(csharp);
  const sets = dbSets(project);
  const owned = ownedEntities(project, new Set(sets.values()));
  if (owned.size === 0) return [];
  const byFile = new Map<string, Endpoint[]>();
  for (const endpoint of candidates) {
    const file = endpoint.handler?.file ?? '';
    byFile.set(file, [...(byFile.get(file) ?? []), endpoint]);
  }
  const out: CsObjectAccess[] = [];
  const seen = new Set<number>();
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
      walk(node, (inner) => {
        const parts = invocationParts(inner);
        if (!parts || seen.has(inner.id)) return true;
        let query: { entity: string; id?: string; scoped: boolean; root: string } | undefined;
        let id: string | undefined;
        if (FIND.has(parts.name)) {
          query = parts.receiver ? queryOf(parts.receiver, sets) : undefined;
          const first = parts.args[0];
          id = parts.args.length === 1 && first?.type === 'identifier' ? first.text : undefined;
        } else if (FIRST.test(parts.name)) {
          query = queryOf(inner, sets);
          id = parts.args.length > 0 ? idOnly(parts.args[0]) : query?.id;
          if (parts.args.length > 0 && !id) return true;
        } else return true;
        if (!query || query.scoped || !id || !ids.has(id) || !owned.has(query.entity)) return true;
        seen.add(inner.id);
        const written = parts.receiver?.text === query.root ? `${query.root}.${parts.name}` : `${query.root}….${parts.name}`;
        out.push({ source, node: inner, model: query.entity, id, write: endpoint.method !== 'GET', endpoint, written });
        return true;
      });
      return true;
    });
  }
  return out;
}
