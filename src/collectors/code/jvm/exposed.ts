/**
 * JetBrains Exposed, the Kotlin SQL library any JVM framework's code may use: a data-access library family
 * of the Kotlin loads analysis (the plugins' `objectAccess.kotlinLoads`, read by ./kotlin-loads.ts).
 * - DAO: an entity class (`class Order(id: EntityID<Int>) : IntEntity(id)`) whose companion's
 *   `Order.findById(id)` loads a record;
 * - DSL: a query whose condition compares a column to the id and names no owner column:
 *   `Orders.select { Orders.id eq id }` (before 0.46), `Orders.selectAll().where { … }`,
 *   `Orders.update({ … }) { … }`, `Orders.deleteWhere { … }`, on a table object (`object Orders : IntIdTable()`).
 */
import type { Node } from 'web-tree-sitter';
import type { KotlinLoads } from '../plugin.js';
import { descendants } from './ast.js';
import { asCall, type JvmCall } from './calls.js';
import { kotlinBare } from './kotlin.js';

const IDENTIFIERS: ReadonlySet<string> = new Set(['simple_identifier']);
/** DSL calls that take a condition: `select { … }` (before 0.46), `where { … }`, `update({ … })`, `deleteWhere { … }`. */
const DSL_CONDITIONS = /^(select|where|andWhere|update|deleteWhere|deleteIgnoreWhere)$/;
const TABLES = /^(Table|IdTable|IntIdTable|LongIdTable|UIntIdTable|ULongIdTable|UUIDTable|CompositeIdTable)$/;

/** The table object at the start of a query chain: `Orders` in `Orders.selectAll().where { … }`. */
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
 * The condition of a DSL call when it compares a column to one of `names` (`Orders.id eq id`) and names no
 * owner column: the lambda of `select`/`where`/`deleteWhere`, the first argument of `update` or of
 * `where(op)`. Read from identifiers, since tree-sitter-kotlin recovers `{ T.id eq id }` with an error node.
 */
function idOnlyCondition(call: JvmCall, names: ReadonlySet<string>, ownerColumn: (name: string) => boolean): boolean {
  const condition = call.name === 'update' ? (call.named.get('where') ?? call.args[0]) : (call.lambda ?? call.args[0]);
  if (!condition || (call.name === 'update' && condition.type !== 'lambda_literal')) return false;
  const identifiers = descendants(condition, IDENTIFIERS);
  if (!identifiers.some((id) => id.text === 'eq' || id.text === 'inList')) return false;
  if (identifiers.some((id) => ownerColumn(id.text))) return false;
  return identifiers.some((id) => names.has(id.text) && id.parent?.type !== 'navigation_suffix');
}

export const exposedLoads: KotlinLoads = {
  lookups: ['findById'],
  daoTypes: ['Entity$'],
  query(program, call, names, from, owners) {
    if (!DSL_CONDITIONS.test(call.name) || !idOnlyCondition(call, names, owners.column)) return undefined;
    const tableName = queryTable(call);
    const table = tableName && /^[A-Z]/.test(tableName.text) ? program.resolveClass(tableName.text, { file: from.file, cls: from.owner }) : undefined;
    if (!table || !table.superTypes.some((name) => TABLES.test(name)) || !owners.owned(table)) return undefined;
    return { model: table.name, written: `${tableName?.text ?? ''}.${call.name}`, write: /^(update|delete)/.test(call.name) };
  },
};
