/**
 * BOLA in Kotlin: a route takes an object id from the path — a Spring `@PathVariable` parameter, or a
 * Ktor `call.parameters["id"]` read in the route's lambda — and loads, changes or deletes that object
 * by id alone: a Spring Data repository (`findById`, `findByIdOrNull`, `getReferenceById`, `deleteById`),
 * an Exposed DAO entity (`Order.findById(id)`), or an Exposed DSL query whose condition compares a column to
 * the id (`Orders.select { Orders.id eq id }`, `Orders.selectAll().where { … }`, `Orders.update({ … }) { … }`,
 * `Orders.deleteWhere { … }`) and no owner column — of a model with an owner (`user`, `owner`, `tenant`… property or column), when the route never reads the
 * caller's identity (Ktor `call.principal<…>()` / `call.authentication`, Spring `@AuthenticationPrincipal`,
 * `Principal`, `SecurityContextHolder`) and carries no `@PreAuthorize`/`@PostAuthorize`/`@Secured`.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';
import { descendants, firstOfType, hasAnnotation, type JvmClass, type JvmMethod } from '../../collectors/code/jvm/ast.js';
import { asCall, type JvmCall } from '../../collectors/code/jvm/calls.js';
import { kotlinBare, kotlinTargets, kotlinTypeOf } from '../../collectors/code/jvm/kotlin.js';
import { isHandler, sharedAnalysis } from '../../collectors/code/jvm/taint.js';
import type { JvmProgram } from '../../collectors/code/jvm/values.js';
import type { JavaObjectAccess } from './java.js';
import { firstHandlerIn } from '../../analysis/endpoints.js';

const REPOSITORY = /\b(JpaRepository|CrudRepository|ListCrudRepository|PagingAndSortingRepository|MongoRepository|ReactiveCrudRepository|ReactiveMongoRepository|CoroutineCrudRepository|R2dbcRepository)\s*<\s*([A-Z]\w*)/;
const LOOKUPS = /^(findById|findByIdOrNull|getById|getReferenceById|getOne|deleteById)$/;
const OWNER = /^(user|owner|tenant|account|customer|author|creator|createdBy|member|organization|org|team|workspace|merchant)(Id|ID)?$/;
const OWNER_MEMBER = /\b(?:val|var)\s+(user|owner|tenant|account|customer|author|creator|createdBy|member|organization|org|team|workspace|merchant)(Id|ID)?\b/;
const IDENTITY = /\bcall\.(principal|authentication)\b|\bprincipal\s*<|\bSecurityContextHolder\b|\bgetCurrent\w*User\w*\s*\(|\bcurrentUser\b/;
const SECURITY_ANNOTATIONS = ['PreAuthorize', 'PostAuthorize', 'PostFilter', 'Secured', 'RolesAllowed'];
const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const IDENTIFIERS: ReadonlySet<string> = new Set(['simple_identifier']);
/** Exposed DSL calls that take a condition: `select { … }` (before 0.46), `where { … }`, `update({ … })`, `deleteWhere { … }`. */
const DSL_CONDITIONS = /^(select|where|andWhere|update|deleteWhere|deleteIgnoreWhere)$/;
const EXPOSED_TABLES = /^(Table|IdTable|IntIdTable|LongIdTable|UIntIdTable|ULongIdTable|UUIDTable|CompositeIdTable)$/;

function repositories(program: JvmProgram): Map<JvmClass, string> {
  const out = new Map<JvmClass, string>();
  for (const cls of program.classes) {
    if (cls.kind !== 'interface') continue;
    const body = firstOfType(cls.node, 'class_body');
    const header = cls.node.text.slice(0, (body?.startIndex ?? cls.node.endIndex) - cls.node.startIndex);
    const entity = REPOSITORY.exec(header)?.[2];
    if (entity) out.set(cls, entity);
  }
  return out;
}

function owned(cls: JvmClass | undefined, program: JvmProgram): boolean {
  if (!cls) return false;
  return [cls, ...program.ancestors(cls)].some((owner) => [...owner.fields.keys(), ...owner.constants.keys()].some((name) => OWNER.test(name)) || (owner.file.language === 'kotlin' && OWNER_MEMBER.test(owner.node.text)));
}

/** The names holding the path id in a Ktor route lambda: `val id = call.parameters["id"]…`. */
function ktorIds(lambda: Node): Set<string> {
  const out = new Set<string>();
  for (const property of descendants(lambda, new Set(['property_declaration']))) {
    const name = firstOfType(firstOfType(property, 'variable_declaration'), 'simple_identifier')?.text;
    if (name && /\bcall\.parameters\s*\[|\bcall\.parameters\.getOrFail\s*\(/.test(property.text)) out.add(name);
  }
  return out;
}

function mentions(node: Node | undefined, names: ReadonlySet<string>): boolean {
  if (!node) return false;
  const bare = kotlinBare(node);
  if (bare?.type === 'simple_identifier') return names.has(bare.text);
  return descendants(node, new Set(['simple_identifier'])).some((id) => names.has(id.text)) && !/[+]/.test(node.text);
}

/** The table object at the start of an Exposed query chain: `Orders` in `Orders.selectAll().where { … }`. */
function queryTable(call: JvmCall): Node | undefined {
  let receiver = kotlinBare(call.receiver);
  for (let depth = 0; receiver && depth < 4; depth += 1) {
    if (receiver.type === 'simple_identifier') return receiver;
    const inner = asCall(receiver);
    if (!inner || !/^(select|selectAll|slice)$/.test(inner.name)) return undefined;
    receiver = kotlinBare(inner.receiver);
  }
  return undefined;
}

/**
 * The condition of an Exposed DSL call when it compares a column to one of `names` (`Orders.id eq id`) and
 * names no owner column: the lambda of `select`/`where`/`deleteWhere`, the first argument of `update` or of
 * `where(op)`. Read from identifiers, since tree-sitter-kotlin recovers `{ T.id eq id }` with an error node.
 */
function idOnlyCondition(call: JvmCall, names: ReadonlySet<string>): boolean {
  const condition = call.name === 'update' ? (call.named.get('where') ?? call.args[0]) : (call.lambda ?? call.args[0]);
  if (!condition || (call.name === 'update' && condition.type !== 'lambda_literal')) return false;
  const identifiers = descendants(condition, IDENTIFIERS);
  if (!identifiers.some((id) => id.text === 'eq' || id.text === 'inList')) return false;
  if (identifiers.some((id) => OWNER.test(id.text))) return false;
  return identifiers.some((id) => names.has(id.text) && id.parent?.type !== 'navigation_suffix');
}

export function kotlinObjectAccesses(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined, endpoints: readonly Endpoint[]): JavaObjectAccess[] {
  if (!sources.some((source) => source.language === 'kotlin' && (/@PathVariable\b/.test(source.text) || /call\.parameters/.test(source.text)))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const repos = repositories(program);
  const out: JavaObjectAccess[] = [];
  const reported = new Set<string>();

  /** Accesses by id in `body` (and the project functions it hands the id to). */
  const scan = (body: Node, names: Set<string>, from: JvmMethod | undefined, endpoint: Endpoint | undefined, depth: number): void => {
    if (IDENTITY.test(body.text)) return;
    for (const node of descendants(body, CALLS)) {
      const call = asCall(node);
      if (call && endpoint && from && DSL_CONDITIONS.test(call.name) && idOnlyCondition(call, names)) {
        const tableName = queryTable(call);
        const table = tableName && /^[A-Z]/.test(tableName.text) ? program.resolveClass(tableName.text, { file: from.file, cls: from.owner }) : undefined;
        if (table && table.superTypes.some((name) => EXPOSED_TABLES.test(name)) && owned(table, program)) {
          const key = `${endpoint.id}:${table.name}`;
          if (!reported.has(key)) {
            reported.add(key);
            out.push({ source: from.file.source, node, written: `${tableName?.text ?? ''}.${call.name}`, model: table.name, id: [...names][0] ?? '', write: /^(update|delete)/.test(call.name), endpoint });
          }
          continue;
        }
      }
      if (!call || call.args.length === 0) continue;
      const hot = call.args.map((arg) => mentions(arg, names));
      const receiver = kotlinBare(call.receiver);
      let model: string | undefined;
      let write = false;
      if (LOOKUPS.test(call.name) && hot[0] && receiver?.type === 'simple_identifier') {
        const type = kotlinTypeOf(receiver.text, node, from?.owner);
        const scope = from ? { file: from.file, cls: from.owner } : undefined;
        const repo = type && scope ? program.resolveClass(type, scope) : undefined;
        const entityName = repo ? repos.get(repo) : undefined;
        const daoClass = !repo && scope && /^[A-Z]/.test(receiver.text) ? program.resolveClass(receiver.text, scope) : undefined;
        if (entityName && repo && owned(program.resolveClass(entityName, { file: repo.file, cls: repo }), program)) model = entityName;
        else if (daoClass && daoClass.superTypes.some((name) => /Entity$/.test(name)) && owned(daoClass, program)) model = daoClass.name;
        write = call.name === 'deleteById';
      }
      if (!model && from && depth < 2 && hot.some(Boolean)) {
        for (const target of kotlinTargets(program, node, from)) {
          if (!target.body || hasAnnotation(target.annotations, ...SECURITY_ANNOTATIONS)) continue;
          const next = new Set(target.parameters.filter((_, index) => hot[index]).map((param) => param.name));
          if (next.size > 0) scan(target.body, next, target, endpoint, depth + 1);
        }
      }
      if (!model || !endpoint) continue;
      const key = `${endpoint.id}:${model}`;
      if (reported.has(key)) continue;
      reported.add(key);
      out.push({ source: (from?.file.source ?? sources.find((source) => source.tree === node.tree)) as SourceFile, node, written: `${receiver?.text ?? ''}.${call.name}`, model, id: call.args[0]?.text ?? '', write, endpoint });
    }
  };

  // Spring Kotlin controllers.
  for (const file of program.files) {
    if (file.language !== 'kotlin' || /(^|\/)src\/test\//.test(file.source.file)) continue;
    for (const cls of file.classes) {
      for (const handler of cls.methods) {
        if (!isHandler(handler) || !handler.body) continue;
        if ([handler.annotations, cls.annotations].some((list) => hasAnnotation(list, ...SECURITY_ANNOTATIONS))) continue;
        if (handler.parameters.some((param) => hasAnnotation(param.annotations, 'AuthenticationPrincipal', 'CurrentUser') || /^(Principal|Authentication|Jwt|UserDetails|OAuth2User)$/.test(param.type))) continue;
        const ids = new Set(handler.parameters.filter((param) => hasAnnotation(param.annotations, 'PathVariable')).map((param) => param.name));
        if (ids.size === 0) continue;
        const start = handler.node.startPosition.row + 1;
        const end = handler.node.endPosition.row + 1;
        const endpoint = firstHandlerIn(endpoints, file.source.file, start, end);
        if (endpoint?.authorization?.functionLevel === 'present') continue;
        scan(handler.body, ids, handler, endpoint, 0);
      }
    }
  }
  // Ktor route lambdas (each file's lambdas listed once, not per route), by line and column: the first
  // listed lambda starting there, and the first on each line for a handler recorded without a column.
  const lambdas = new Map<string, { at: Map<string, Node>; onLine: Map<number, Node> }>();
  const lambdasOf = (file: (typeof program.files)[number]): { at: Map<string, Node>; onLine: Map<number, Node> } => {
    let index = lambdas.get(file.source.file);
    if (!index) {
      index = { at: new Map(), onLine: new Map() };
      for (const node of descendants(file.source.tree.rootNode, new Set(['lambda_literal']))) {
        const { row, column } = node.startPosition;
        if (!index.at.has(`${row + 1}:${column + 1}`)) index.at.set(`${row + 1}:${column + 1}`, node);
        if (!index.onLine.has(row + 1)) index.onLine.set(row + 1, node);
      }
      lambdas.set(file.source.file, index);
    }
    return index;
  };
  const filesByName = new Map(program.files.map((file) => [file.source.file, file] as const));
  for (const endpoint of endpoints) {
    if (!endpoint.handler || !endpoint.sources.some((source) => source.via === 'ktor') || !endpoint.parameters.some((param) => param.in === 'path')) continue;
    const file = filesByName.get(endpoint.handler.file);
    if (!file) continue;
    const index = lambdasOf(file);
    const lambda = endpoint.handler.column === undefined ? index.onLine.get(endpoint.handler.line) : index.at.get(`${endpoint.handler.line}:${endpoint.handler.column}`);
    if (!lambda) continue;
    const ids = ktorIds(lambda);
    if (ids.size === 0) continue;
    const fn = [...file.functions, ...file.classes.flatMap((cls) => cls.methods)].find((candidate) => candidate.node.startIndex <= lambda.startIndex && lambda.endIndex <= candidate.node.endIndex);
    scan(lambda, ids, fn, endpoint, 0);
  }
  return out;
}
