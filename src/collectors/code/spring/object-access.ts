/**
 * Spring's unchecked object loads, for bola-missing-ownership-check (the plugin's `objectAccess`).
 *
 * Java: a handler takes an object id from the path (the plugins' `jvmRequest.pathIds`: `@PathVariable`,
 * JAX-RS `@PathParam`) and loads, changes or deletes that object through a Spring Data repository
 * (`repository.findById(id)`, `.getById`, `.getReferenceById`, `.getOne`, `.deleteById`) — in the
 * handler or in the service method it hands the id to — when the entity has an owner (a `user`,
 * `owner`, `tenant`, `account`… field or its id), and nothing on the way decides ownership:
 * - no caller identity is read (`@AuthenticationPrincipal`, `Principal`, `Authentication`, `Jwt`
 *   parameters, `SecurityContextHolder`) — a check written with it cannot be excluded;
 * - no `@PreAuthorize` / `@PostAuthorize` / `@PostFilter` / `@Secured` / `@RolesAllowed` on the
 *   methods or their classes (object expressions such as `hasPermission(#id, …)` or
 *   `returnObject.owner == authentication.name`, and role gates, which act across owners by design);
 * - the loaded object is not handed to a policy method (`accessChecker.check(order)`);
 * - the entity is not filtered per tenant by Hibernate (`@TenantId`, `@Filter`, `@Where`).
 * Lookups scoped in the query itself (`findByIdAndOwnerId(id, userId)`) are not id-only lookups.
 * `JdbcTemplate` statements count too when their SQL is written in the code, binds the path id, names
 * an owner column (`user_id`, `owner_id`, `tenant_id`…) outside its WHERE clause — so the rows are
 * owned — and has no owner column in the WHERE clause.
 *
 * Kotlin: a `@RestController` handler's `@PathVariable` id, followed by the Kotlin loads analysis
 * (jvm/kotlin-loads.ts), which reads Spring Data repositories (`findById`, `findByIdOrNull`,
 * `getReferenceById`, `deleteById`) through `kotlinLoads`; a handler (or its class) with
 * `@PreAuthorize`/`@PostAuthorize`/`@Secured`, or that takes the caller (`@AuthenticationPrincipal`,
 * `Principal`, `Authentication`, `Jwt`, `UserDetails`, `OAuth2User`), decides itself.
 */
import type { Node } from 'web-tree-sitter';
import type { CheckContext, InfraFile, SourceFile } from '../../../engine/context.js';
import type { Endpoint } from '../../../model/types.js';
import type { HandlerObjectAccess, KotlinLoads, ObjectAccessProvider } from '../plugin.js';
import { descendants, field, hasAnnotation, named, type JvmClass, type JvmMethod } from '../jvm/ast.js';
import { isHandler, requestTable, sharedAnalysis, type JavaTaint } from '../jvm/taint.js';
import { bare, classAt, localValue, type JvmTracer } from '../jvm/trace.js';
import { accessGuards, KotlinLoadScanner } from '../jvm/kotlin-loads.js';
import { firstHandlerIn } from '../../../analysis/endpoints.js';

const REPOSITORY = /\b(JpaRepository|CrudRepository|ListCrudRepository|PagingAndSortingRepository|ListPagingAndSortingRepository|MongoRepository|ReactiveCrudRepository|ReactiveMongoRepository|CoroutineCrudRepository|R2dbcRepository|Repository)\s*<\s*([A-Z]\w*)/;
const LOOKUPS = /^(findById|getById|getReferenceById|getOne|deleteById|findOne)$/;
const WRITES = /^(deleteById)$/;
const OWNER_FIELD = /^(user|owner|tenant|account|customer|author|creator|createdBy|member|organization|organisation|org|team|workspace|merchant|patient)(Id|ID|Uuid)?$/;
const SECURITY_ANNOTATIONS = ['PreAuthorize', 'PostAuthorize', 'PostFilter', 'PreFilter', 'Secured', 'RolesAllowed'];
const IDENTITY_PARAMS = ['AuthenticationPrincipal', 'CurrentUser', 'CurrentSecurityContext'];
const IDENTITY_TYPES = /^(Principal|Authentication|Jwt|JwtAuthenticationToken|UserDetails|OAuth2User|OidcUser|UsernamePasswordAuthenticationToken|SecurityContext)$/;
const IDENTITY_TEXT = /\bSecurityContextHolder\b|\bgetCurrent\w*(User|Account|Member)\w*\s*\(|\bcurrentUser\b|\bgetUserPrincipal\s*\(|\bgetRemoteUser\s*\(|\bisUserInRole\s*\(/;
/** Calls that answer with the record, copy it or log it: not a decision on it. */
const NOT_A_CHECK = /^(ok|of|body|status|map|orElse|orElseThrow|orElseGet|ifPresent|isPresent|get|save|saveAndFlush|delete|toDto|toDTO|toResponse|from|convert|map\w*|info|debug|warn|error|trace|println|format|valueOf|add|put|set\w*|copyProperties|success|data|build)$/;
const INVOCATIONS: ReadonlySet<string> = new Set(['method_invocation']);
const JDBC_TYPES = /^(JdbcTemplate|JdbcOperations|NamedParameterJdbcTemplate|NamedParameterJdbcOperations)$/;
const JDBC_METHODS = /^(queryForObject|queryForMap|queryForList|query|update)$/;
const OWNER_COLUMN = /\b(user|owner|tenant|account|customer|author|creator|member|organization|org|team|workspace|merchant)_?id\b|\bcreated_by\b/i;

/** A statement with owned rows looked up by id alone: `(table, write)`, or undefined. */
function ownedByIdOnly(sql: string): { table: string; write: boolean } | undefined {
  const where = sql.search(/\bwhere\b/i);
  if (where < 0) return undefined;
  const head = sql.slice(0, where);
  const conditions = sql.slice(where);
  if (OWNER_COLUMN.test(conditions) || !OWNER_COLUMN.test(head)) return undefined;
  if (!/\bid\s*=\s*(\?|:\w+)/i.test(conditions)) return undefined;
  const table = /\b(?:from|update|into)\s+([\w.]+)/i.exec(sql)?.[1];
  return table ? { table, write: /^\s*(update|delete)\b/i.test(sql) } : undefined;
}

/** The entity a repository interface manages, from its declared super type `JpaRepository<Order, Long>`. */
function repositories(tracer: JvmTracer): Map<JvmClass, string> {
  const out = new Map<JvmClass, string>();
  for (const cls of tracer.program.classes) {
    if (cls.kind !== 'interface') continue;
    const header = cls.node.text.slice(0, Math.max(0, (field(cls.node, 'body')?.startIndex ?? cls.node.endIndex) - cls.node.startIndex));
    const entity = REPOSITORY.exec(header)?.[2];
    if (entity) out.set(cls, entity);
  }
  // A repository extending another project repository manages the same entity.
  for (let round = 0; round < 3; round += 1) {
    for (const cls of tracer.program.classes) {
      if (cls.kind !== 'interface' || out.has(cls)) continue;
      const parent = tracer.program.ancestors(cls).find((ancestor) => out.has(ancestor));
      if (parent) out.set(cls, out.get(parent) ?? '');
    }
  }
  return out;
}

function ownedEntity(tracer: JvmTracer, name: string, from: JvmClass): JvmClass | undefined {
  const entity = tracer.program.resolveClass(name, { file: from.file, cls: from });
  if (!entity) return undefined;
  const chain = [entity, ...tracer.program.ancestors(entity)];
  // Hibernate tenant filters scope every query of the entity.
  if (chain.some((cls) => hasAnnotation(cls.annotations, 'TenantId', 'Filter', 'Filters', 'Where', 'SQLRestriction', 'FilterDef'))) return undefined;
  if (chain.some((cls) => [...cls.fields.keys()].some((fieldName) => OWNER_FIELD.test(fieldName)))) return entity;
  return undefined;
}

/** A method (or its class) carries a Spring Security / JSR-250 annotation: the decision is declared there. */
function annotated(method: JvmMethod): boolean {
  return [method.annotations, method.owner?.annotations ?? []].some((list) =>
    list.some((item) => {
      if (!SECURITY_ANNOTATIONS.includes(item.name)) return false;
      if (item.name !== 'PreAuthorize') return true;
      const text = item.args.get('value')?.[0]?.text.replace(/^"|"$/g, '').trim() ?? '';
      // Authentication alone decides nothing about the object.
      return !/^(isAuthenticated|isFullyAuthenticated|isRememberMe)\(\)$/.test(text);
    }),
  );
}

/** The method reads the caller's identity (so an ownership comparison cannot be ruled out). */
function readsIdentity(method: JvmMethod): boolean {
  if (method.parameters.some((param) => hasAnnotation(param.annotations, ...IDENTITY_PARAMS) || IDENTITY_TYPES.test(param.type))) return true;
  return IDENTITY_TEXT.test(method.body?.text ?? '');
}

/** The loaded object is handed to a method that is not a plain answer or copy: a policy decision on it. */
function policyCall(method: JvmMethod, call: Node): boolean {
  if (!method.body) return false;
  let holder: Node | undefined = call;
  // `repo.findById(id).orElseThrow(…)` assigned to `order`.
  while (holder.parent && (holder.parent.type === 'method_invocation' || holder.parent.type === 'parenthesized_expression' || holder.parent.type === 'cast_expression')) holder = holder.parent;
  const declarator = holder.parent?.type === 'variable_declarator' ? holder.parent : undefined;
  const assignment = holder.parent?.type === 'assignment_expression' ? holder.parent : undefined;
  const variable = declarator ? field(declarator, 'name')?.text : assignment ? field(assignment, 'left')?.text : undefined;
  if (!variable) return false;
  return descendants(method.body, INVOCATIONS).some((other) => {
    if (other.startIndex < call.endIndex) return false;
    const name = field(other, 'name')?.text ?? '';
    if (NOT_A_CHECK.test(name)) return false;
    return named(field(other, 'arguments')).some((arg) => bare(arg)?.text === variable);
  });
}

interface Reach {
  method: JvmMethod;
  /** Names in `method` that hold the path id. */
  names: Set<string>;
  chain: JvmMethod[];
}

function javaObjectAccesses(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined, endpoints: readonly Endpoint[]): HandlerObjectAccess[] {
  const { pathIds, pathIdText } = requestTable();
  if (!sources.some((source) => source.language === 'java' && pathIdText.test(source.text))) return [];
  if (!sources.some((source) => source.language === 'java' && (REPOSITORY.test(source.text) || /\bJdbcTemplate\b|\bJdbcOperations\b/.test(source.text)))) return [];
  const analysis = sharedAnalysis(sources, infra);
  const tracer = analysis.tracer;
  const repos = repositories(tracer);
  let taint: JavaTaint | undefined;
  const out: HandlerObjectAccess[] = [];
  const reported = new Set<string>();

  /** Whether `arg` is one of the id names (directly, through a cast, `String.valueOf`, `Long.parseLong` or a local copy). */
  const holdsId = (start: Node | undefined, names: Set<string>, depth = 0): boolean => {
    const node = bare(start);
    if (!node || depth > 4) return false;
    if (node.type === 'identifier') {
      if (names.has(node.text)) return true;
      const value = localValue(node.text, node);
      return value ? holdsId(value, names, depth + 1) : false;
    }
    if (node.type === 'method_invocation' && /^(valueOf|parseLong|parseInt|fromString|of)$/.test(field(node, 'name')?.text ?? '')) {
      const args = named(field(node, 'arguments'));
      return args.length === 1 && holdsId(args[0], names, depth + 1);
    }
    return false;
  };

  for (const file of tracer.program.files) {
    if (file.language !== 'java' || /(^|\/)src\/test\//.test(file.source.file)) continue;
    for (const cls of file.classes) {
      for (const handler of cls.methods) {
        if (!isHandler(handler) || !handler.body) continue;
        const ids = handler.parameters.filter((param) => hasAnnotation(param.annotations, ...pathIds));
        if (ids.length === 0) continue;
        if (annotated(handler) || readsIdentity(handler)) continue;
        const start = handler.node.startPosition.row + 1;
        const end = handler.node.endPosition.row + 1;
        const endpoint = firstHandlerIn(endpoints, file.source.file, start, end);
        if (endpoint?.authorization?.functionLevel === 'present') continue;
        const queue: Reach[] = [{ method: handler, names: new Set(ids.map((param) => param.name)), chain: [handler] }];
        for (let reach = queue.shift(); reach; reach = queue.shift()) {
          const { method, names, chain } = reach;
          if (!method.body) continue;
          const methodFile = method.file;
          for (const call of descendants(method.body, INVOCATIONS)) {
            const name = field(call, 'name')?.text ?? '';
            const args = named(field(call, 'arguments'));
            const hot = args.map((arg) => holdsId(arg, names));
            if (!hot.some(Boolean)) continue;
            const receiver = field(call, 'object');
            const receiverType = receiver ? tracer.typeOf(bare(receiver) ?? receiver, classAt(methodFile, call)) : undefined;
            const repo = receiverType ? tracer.program.resolveClass(receiverType, { file: methodFile, cls: method.owner }) : undefined;
            const entityName = repo ? repos.get(repo) : undefined;
            if (JDBC_TYPES.test(receiverType ?? '') && JDBC_METHODS.test(name) && hot.slice(1).some(Boolean)) {
              const sql = tracer.program.strings(args[0], { file: methodFile, cls: method.owner })?.[0];
              const owned = sql === undefined ? undefined : ownedByIdOnly(sql);
              if (!owned || chain.some((step) => annotated(step) || readsIdentity(step))) continue;
              const key = `${endpoint?.id ?? `${file.source.file}:${handler.name}`}:${owned.table}`;
              if (reported.has(key)) continue;
              reported.add(key);
              out.push({ source: methodFile.source, node: call, written: `${receiver?.text ?? ''}.${name}`, model: owned.table, id: args[hot.findIndex((value, index) => value && index > 0)]?.text ?? '', write: owned.write || name === 'update', endpoint });
              continue;
            }
            if (repo && entityName !== undefined) {
              if (!LOOKUPS.test(name) || args.length !== 1 || !hot[0]) continue;
              const entity = ownedEntity(tracer, entityName, repo);
              if (!entity) continue;
              if (chain.some((step) => annotated(step) || readsIdentity(step))) continue;
              if (policyCall(method, call) || (chain.length > 1 && chain.slice(0, -1).some((step) => step.body && /\b(check|verify|assert|authori[sz]e|ensure)\w*\s*\(/i.test(step.body.text)))) continue;
              const key = `${endpoint?.id ?? `${file.source.file}:${handler.name}`}:${entity.name}`;
              if (reported.has(key)) continue;
              reported.add(key);
              out.push({
                source: methodFile.source,
                node: call,
                written: `${receiver?.text ?? ''}.${name}`,
                model: entity.name,
                id: args[0]?.text ?? '',
                write: WRITES.test(name),
                endpoint,
              });
              continue;
            }
            if (chain.length >= 3) continue;
            taint ??= analysis.taint();
            for (const target of taint.targets(call, args.length, method)) {
              if (chain.includes(target)) continue;
              const next = new Set<string>();
              target.parameters.forEach((param, index) => {
                if (hot[index]) next.add(param.name);
              });
              if (next.size > 0) queue.push({ method: target, names: next, chain: [...chain, target] });
            }
          }
        }
      }
    }
  }
  return out;
}


/** The Kotlin controllers' `@PathVariable` ids, followed by the Kotlin loads analysis. */
function kotlinObjectAccesses(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined, endpoints: readonly Endpoint[]): HandlerObjectAccess[] {
  if (!sources.some((source) => source.language === 'kotlin' && /@PathVariable\b/.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const scanner = new KotlinLoadScanner(program, sources);
  const guards = accessGuards();
  for (const file of program.files) {
    if (file.language !== 'kotlin' || /(^|\/)src\/test\//.test(file.source.file)) continue;
    for (const cls of file.classes) {
      for (const handler of cls.methods) {
        if (!isHandler(handler) || !handler.body) continue;
        if ([handler.annotations, cls.annotations].some((list) => hasAnnotation(list, ...guards))) continue;
        if (handler.parameters.some((param) => hasAnnotation(param.annotations, 'AuthenticationPrincipal', 'CurrentUser') || /^(Principal|Authentication|Jwt|UserDetails|OAuth2User)$/.test(param.type))) continue;
        const ids = new Set(handler.parameters.filter((param) => hasAnnotation(param.annotations, 'PathVariable')).map((param) => param.name));
        if (ids.size === 0) continue;
        const start = handler.node.startPosition.row + 1;
        const end = handler.node.endPosition.row + 1;
        const endpoint = firstHandlerIn(endpoints, file.source.file, start, end);
        if (endpoint?.authorization?.functionLevel === 'present') continue;
        scanner.scan(handler.body, ids, handler, endpoint, 0);
      }
    }
  }
  return scanner.out;
}

/** What Spring tells the Kotlin loads analysis: Spring Data repositories, Spring Security's caller and method annotations. */
const springKotlinLoads: KotlinLoads = {
  repositories: ['JpaRepository', 'CrudRepository', 'ListCrudRepository', 'PagingAndSortingRepository', 'MongoRepository', 'ReactiveCrudRepository', 'ReactiveMongoRepository', 'CoroutineCrudRepository', 'R2dbcRepository'],
  lookups: ['findById', 'findByIdOrNull', 'getById', 'getReferenceById', 'getOne', 'deleteById'],
  writes: ['deleteById'],
  identity: ['\\bSecurityContextHolder\\b'],
  guards: ['PreAuthorize', 'PostAuthorize', 'PostFilter', 'Secured', 'RolesAllowed'],
};

export const springObjectAccess: ObjectAccessProvider = {
  languages: ['java', 'kotlin'],
  handlerAccesses: (ctx: CheckContext) => [...javaObjectAccesses(ctx.sources, ctx.infra, ctx.inventory.endpoints), ...kotlinObjectAccesses(ctx.sources, ctx.infra, ctx.inventory.endpoints)],
  kotlinLoads: springKotlinLoads,
};
