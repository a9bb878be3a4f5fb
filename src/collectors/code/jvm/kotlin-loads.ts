/**
 * Kotlin code that loads, changes or deletes a stored object by an id a route was given, for
 * bola-missing-ownership-check's Kotlin reading (the routes' entries are the frameworks': Spring's
 * `@PathVariable` handlers in spring/object-access.ts, Ktor's route lambdas in ktor/object-access.ts).
 * What loads a record is the frameworks' and data-access libraries' knowledge (the plugins'
 * `objectAccess.kotlinLoads`, joined): repositories by their super type (`JpaRepository<Order, Long>`)
 * and their lookups by id, DAO classes (`Order.findById(id)`), query calls whose condition compares a
 * column to the id and no owner column, the code that reads the caller, and the annotations that declare a
 * method's access decision. The model must have an owner (a `user`, `owner`, `tenant`… property or column),
 * and nothing on the way may read the caller's identity; the id is followed into the project functions it
 * is handed to (two calls deep).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import type { Endpoint } from '../../../model/types.js';
import type { HandlerObjectAccess, KotlinLoads } from '../plugin.js';
import { objectAccessProviders } from '../plugins.js';
import { descendants, firstOfType, hasAnnotation, type JvmClass, type JvmMethod } from './ast.js';
import { asCall } from './calls.js';
import { kotlinBare, kotlinTargets, kotlinTypeOf } from './kotlin.js';
import type { JvmProgram } from './values.js';

const OWNER = /^(user|owner|tenant|account|customer|author|creator|createdBy|member|organization|org|team|workspace|merchant)(Id|ID)?$/;
const OWNER_MEMBER = /\b(?:val|var)\s+(user|owner|tenant|account|customer|author|creator|createdBy|member|organization|org|team|workspace|merchant)(Id|ID)?\b/;
/** Reads of the caller whatever the framework: a project's own helpers. */
const IDENTITY = ['\\bgetCurrent\\w*User\\w*\\s*\\(', '\\bcurrentUser\\b'];
const CALLS: ReadonlySet<string> = new Set(['call_expression']);

interface LoadTable {
  repository: RegExp;
  lookups: RegExp;
  writes: Set<string>;
  dao: RegExp;
  queries: NonNullable<KotlinLoads['query']>[];
  identity: RegExp;
  guards: string[];
}

let table: LoadTable | undefined;

/** The providers' knowledge, joined once. */
function loadTable(): LoadTable {
  if (table) return table;
  const loads = objectAccessProviders().flatMap((provider) => (provider.kotlinLoads ? [provider.kotlinLoads] : []));
  const all = (pick: (each: KotlinLoads) => readonly string[] | undefined): string[] => [...new Set(loads.flatMap((each) => pick(each) ?? []))];
  table = {
    repository: new RegExp(`\\b(${all((each) => each.repositories).join('|')})\\s*<\\s*([A-Z]\\w*)`),
    lookups: new RegExp(`^(${all((each) => each.lookups).join('|')})$`),
    writes: new Set(all((each) => each.writes)),
    dao: new RegExp(all((each) => each.daoTypes).join('|')),
    queries: loads.flatMap((each) => (each.query ? [each.query] : [])),
    identity: new RegExp([...all((each) => each.identity), ...IDENTITY].join('|')),
    guards: all((each) => each.guards),
  };
  return table;
}

/** Annotations that declare a method's access decision (`@PreAuthorize`), from the providers. */
export function accessGuards(): readonly string[] {
  return loadTable().guards;
}

/** A class, or one of its ancestors, with an owner: an owner-named property, constant or (Kotlin) member. */
export function ownedClass(cls: JvmClass | undefined, program: JvmProgram): boolean {
  if (!cls) return false;
  return [cls, ...program.ancestors(cls)].some((owner) => [...owner.fields.keys(), ...owner.constants.keys()].some((name) => OWNER.test(name)) || (owner.file.language === 'kotlin' && OWNER_MEMBER.test(owner.node.text)));
}

function repositories(program: JvmProgram, repository: RegExp): Map<JvmClass, string> {
  const out = new Map<JvmClass, string>();
  for (const cls of program.classes) {
    if (cls.kind !== 'interface') continue;
    const body = firstOfType(cls.node, 'class_body');
    const header = cls.node.text.slice(0, (body?.startIndex ?? cls.node.endIndex) - cls.node.startIndex);
    const entity = repository.exec(header)?.[2];
    if (entity) out.set(cls, entity);
  }
  return out;
}

function mentions(node: Node | undefined, names: ReadonlySet<string>): boolean {
  if (!node) return false;
  const bare = kotlinBare(node);
  if (bare?.type === 'simple_identifier') return names.has(bare.text);
  return descendants(node, new Set(['simple_identifier'])).some((id) => names.has(id.text)) && !/[+]/.test(node.text);
}

/** Loads by id in route bodies, collected as a route's entry scans them; one finding per endpoint and model. */
export class KotlinLoadScanner {
  readonly out: HandlerObjectAccess[] = [];
  private readonly reported = new Set<string>();
  private readonly repos: Map<JvmClass, string>;
  private readonly table = loadTable();
  private readonly program: JvmProgram;
  private readonly sources: readonly SourceFile[];

  private readonly owners: { owned: (cls: JvmClass) => boolean; column: (name: string) => boolean };

  constructor(program: JvmProgram, sources: readonly SourceFile[]) {
    this.program = program;
    this.sources = sources;
    this.repos = repositories(program, this.table.repository);
    this.owners = { owned: (cls) => ownedClass(cls, program), column: (name) => OWNER.test(name) };
  }

  /** Accesses by id in `body` (and the project functions it hands the id to). */
  scan(body: Node, names: Set<string>, from: JvmMethod | undefined, endpoint: Endpoint | undefined, depth: number): void {
    const { program, table, reported, out } = this;
    if (table.identity.test(body.text)) return;
    for (const node of descendants(body, CALLS)) {
      const call = asCall(node);
      if (call && endpoint && from) {
        const query = table.queries.map((read) => read(program, call, names, from, this.owners)).find(Boolean);
        if (query) {
          const key = `${endpoint.id}:${query.model}`;
          if (!reported.has(key)) {
            reported.add(key);
            out.push({ source: from.file.source, node, written: query.written, model: query.model, id: [...names][0] ?? '', write: query.write, endpoint });
          }
          continue;
        }
      }
      if (!call || call.args.length === 0) continue;
      const hot = call.args.map((arg) => mentions(arg, names));
      const receiver = kotlinBare(call.receiver);
      let model: string | undefined;
      let write = false;
      if (table.lookups.test(call.name) && hot[0] && receiver?.type === 'simple_identifier') {
        const type = kotlinTypeOf(receiver.text, node, from?.owner);
        const scope = from ? { file: from.file, cls: from.owner } : undefined;
        const repo = type && scope ? program.resolveClass(type, scope) : undefined;
        const entityName = repo ? this.repos.get(repo) : undefined;
        const daoClass = !repo && scope && /^[A-Z]/.test(receiver.text) ? program.resolveClass(receiver.text, scope) : undefined;
        if (entityName && repo && ownedClass(program.resolveClass(entityName, { file: repo.file, cls: repo }), program)) model = entityName;
        else if (daoClass && daoClass.superTypes.some((name) => table.dao.test(name)) && ownedClass(daoClass, program)) model = daoClass.name;
        write = table.writes.has(call.name);
      }
      if (!model && from && depth < 2 && hot.some(Boolean)) {
        for (const target of kotlinTargets(program, node, from)) {
          if (!target.body || hasAnnotation(target.annotations, ...table.guards)) continue;
          const next = new Set(target.parameters.filter((_, index) => hot[index]).map((param) => param.name));
          if (next.size > 0) this.scan(target.body, next, target, endpoint, depth + 1);
        }
      }
      if (!model || !endpoint) continue;
      const key = `${endpoint.id}:${model}`;
      if (reported.has(key)) continue;
      reported.add(key);
      out.push({ source: (from?.file.source ?? this.sources.find((source) => source.tree === node.tree)) as SourceFile, node, written: `${receiver?.text ?? ''}.${call.name}`, model, id: call.args[0]?.text ?? '', write, endpoint });
    }
  }
}
