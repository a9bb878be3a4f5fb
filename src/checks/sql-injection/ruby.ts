/**
 * SQL injection in Ruby (Active Record, Sequel-style connections): a raw SQL fragment built from
 * request data by interpolation (`"… #{params[:q]}"`), `+` or `format`, given to a method that takes
 * SQL text, or request text handed straight to a method that runs it (`find_by_sql(params[:sql])`,
 * `Arel.sql(params[:sort])`). Bound values (`where("name = ?", q)`, `where(name: q)`) are safe.
 * `order`/`reorder`/`pluck` are left out: Active Record 6+ rejects anything but column names there
 * unless the text is wrapped in `Arel.sql`, which is reported itself.
 */
import type { Node } from '../../parsing/parser.js';
import { field, kids, walk } from '../../collectors/code/ruby/ast.js';
import { localValue, requestOrigin } from '../../collectors/code/ruby/requests.js';
import type { SourceFile } from '../../engine/context.js';
import { nodesOfType } from '../../analysis/code.js';

/** Methods whose first argument may be an SQL fragment. */
const FRAGMENT = new Set([
  'where', 'rewhere', 'not', 'having', 'group', 'select', 'joins', 'left_joins', 'left_outer_joins', 'from', 'lock',
  'find_by', 'find_by!', 'exists?', 'update_all', 'delete_all', 'delete_by', 'destroy_by', 'calculate', 'sum', 'average', 'minimum', 'maximum', 'count',
]);
/** Methods whose first argument is a whole statement, or raw SQL by definition. */
const STATEMENT = new Set([
  'find_by_sql', 'count_by_sql', 'execute', 'exec_query', 'exec_update', 'exec_delete', 'exec_insert', 'select_all', 'select_one',
  'select_value', 'select_values', 'select_rows', 'insert', 'update', 'delete', 'query', 'fetch', 'run',
]);
/** Receivers that are a database connection for the generic STATEMENT names (`update`, `query`, `run` are common elsewhere). */
const CONNECTION = /(^|\.)(connection|conn|db|DB|database|pg|mysql|client|sequel|raw_connection|ActiveRecord::Base\.connection|lease_connection)$/;
const ALWAYS_SQL = new Set(['find_by_sql', 'count_by_sql', 'execute', 'exec_query', 'exec_update', 'exec_delete', 'exec_insert', 'select_all', 'select_one', 'select_value', 'select_values', 'select_rows']);

export interface RubySqlHit {
  source: SourceFile;
  call: Node;
  origin: string;
  written: string;
}

function args(call: Node): Node[] {
  const list = field(call, 'arguments');
  return list ? kids(list).filter((arg) => arg.type !== 'block_argument') : [];
}

/** The parts of a string put together at run time: interpolations, `+` operands, `format` arguments, `%` operands, `[...].join`. */
function builtParts(node: Node): Node[] | undefined {
  if (node.type === 'string' || node.type === 'heredoc_body' || node.type === 'subshell') {
    const parts: Node[] = [];
    walk(node, (child) => {
      if (child.type === 'interpolation') {
        parts.push(child);
        return false;
      }
      return true;
    });
    return parts.length > 0 ? parts : undefined;
  }
  if (node.type === 'heredoc_beginning') {
    // The body of `<<~SQL` follows the statement; tree-sitter keeps it as a later sibling.
    for (let next = node.parent?.nextSibling ?? null; next; next = next.nextSibling) {
      if (next.type === 'heredoc_body') return builtParts(next);
    }
    let up: Node | null = node.parent;
    while (up && !kids(up).some((child) => child.type === 'heredoc_body')) up = up.parent;
    const body = up ? kids(up).find((child) => child.type === 'heredoc_body') : undefined;
    return body ? builtParts(body) : undefined;
  }
  if (node.type === 'binary') {
    const operator = field(node, 'operator')?.text;
    if (operator === '+' || operator === '<<' || operator === '%') {
      const left = field(node, 'left');
      const right = field(node, 'right');
      const textual = [left, right].some((side) => side && (side.type === 'string' || side.type === 'binary' || builtParts(side) !== undefined));
      return textual ? ([left, right].filter(Boolean) as Node[]) : undefined;
    }
    return undefined;
  }
  if (node.type === 'call') {
    const method = field(node, 'method')?.text ?? '';
    if ((method === 'format' || method === 'sprintf') && !field(node, 'receiver')) return args(node).slice(1);
    const receiver = field(node, 'receiver');
    if (method === 'join' && receiver?.type === 'array') return kids(receiver);
  }
  if (node.type === 'parenthesized_statements') {
    const inner = kids(node);
    return inner.length === 1 && inner[0] ? builtParts(inner[0]) : undefined;
  }
  return undefined;
}

function isSink(call: Node): { first: Node; statement: boolean } | undefined {
  const method = field(call, 'method')?.text ?? '';
  const receiver = field(call, 'receiver');
  const first = args(call)[0];
  if (!first) return undefined;
  // `Arel.sql(text)`, `Arel::Nodes::SqlLiteral.new(text)`: raw SQL by definition.
  if (method === 'sql' && receiver?.text === 'Arel') return { first, statement: true };
  if (method === 'new' && /(^|::)SqlLiteral$/.test(receiver?.text ?? '')) return { first, statement: true };
  // Sequel `Sequel.lit(text)` / `Sequel.lit(text)`: a literal SQL fragment.
  if (method === 'lit' && receiver?.text === 'Sequel') return { first, statement: true };
  if (!receiver) return undefined;
  if (ALWAYS_SQL.has(method)) return { first, statement: true };
  if (STATEMENT.has(method)) return CONNECTION.test(receiver.text) ? { first, statement: true } : undefined;
  if (FRAGMENT.has(method)) {
    // `count(:id)`, `sum(:amount)` take a column; only text built at run time is a fragment.
    return { first, statement: false };
  }
  return undefined;
}

/** SQL text built from request data, or request text run as SQL, in Ruby files. */
export function rubySqlInjections(sources: readonly SourceFile[]): RubySqlHit[] {
  const hits: RubySqlHit[] = [];
  for (const source of sources) {
    if (source.language !== 'ruby' || /(^|\/)(spec|test|db\/migrate)\//.test(source.file)) continue;
    if (!/params|request\./.test(source.text)) continue;
    // The file's calls and element references from its shared per-type lists, in document order (outer first).
    const nodes = [...nodesOfType(source, 'element_reference'), ...nodesOfType(source, 'call')].sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
    for (const node of nodes) {
      // Sequel `DB["SELECT … #{params[:id]}"]`: a dataset from raw SQL.
      if (node.type === 'element_reference' && CONNECTION.test(field(node, 'object')?.text ?? '')) {
        const sql = kids(node)[1];
        const parts = sql ? builtParts(sql) : undefined;
        const origin = parts?.map((part) => requestOrigin(part)).find((found) => found !== undefined);
        if (origin) hits.push({ source, call: node, origin, written: `${field(node, 'object')?.text ?? ''}[…]` });
        continue;
      }
      if (node.type !== 'call') continue;
      const sink = isSink(node);
      if (!sink) continue;
      let sql = sink.first.type === 'array' ? kids(sink.first)[0] : sink.first;
      if (!sql) continue;
      if (sql.type === 'identifier') sql = localValue(sql, node) ?? sql;
      const parts = builtParts(sql);
      let origin: string | undefined;
      if (parts) {
        for (const part of parts) {
          origin = requestOrigin(part);
          if (origin) break;
        }
      } else if (sink.statement && sql.type !== 'hash' && sql.type !== 'pair') {
        origin = requestOrigin(sql);
      }
      if (!origin) continue;
      const receiver = field(node, 'receiver');
      const method = field(node, 'method')?.text ?? '';
      hits.push({ source, call: node, origin, written: receiver?.type === 'constant' || receiver?.type === 'scope_resolution' ? `${receiver.text}.${method}(…)` : `${method}(…)` });
    }
  }
  return hits;
}
