import type { Node } from 'web-tree-sitter';
import { callArguments, callName, field, kids, unwrap, walk } from '../../collectors/code/php/ast.js';
import { enclosingFunction, requestOrigin } from '../../collectors/code/php/requests.js';
import { phpCalls } from '../../collectors/code/php/sinks.js';
import { phpSqlProviders } from '../../collectors/code/plugins.js';
import type { SourceFile } from '../../engine/context.js';

/** Doctrine DBAL / PDO / DQL calls taking a statement (the frameworks' facades and raw builder methods are their `phpSql` sections'). */
const STATEMENT_METHODS = ['executeQuery', 'executeStatement', 'fetchAllAssociative', 'fetchAssociative', 'fetchOne', 'fetchAllNumeric', 'createQuery', 'createNativeQuery', 'exec', 'query', 'prepare'];

interface SqlCalls {
  /** Facade name → its statement methods. */
  facades: Map<string, Set<string>>;
  /** Raw builder methods a model forwards from a static call. */
  forwarded: Set<string>;
  /** Member calls taking SQL: the check's own and the builders' raw methods. */
  members: Set<string>;
}

let sqlCalls: SqlCalls | undefined;

/** The frameworks' SQL calls joined with the check's own, once. */
function calls(): SqlCalls {
  if (sqlCalls) return sqlCalls;
  const facades = new Map<string, Set<string>>();
  const forwarded = new Set<string>();
  for (const provider of phpSqlProviders()) {
    for (const facade of provider.facades ?? []) {
      const known = facades.get(facade.name) ?? new Set<string>();
      for (const statement of facade.statements) known.add(statement);
      facades.set(facade.name, known);
    }
    for (const method of provider.rawMethods ?? []) forwarded.add(method);
  }
  sqlCalls = { facades, forwarded, members: new Set([...forwarded, ...STATEMENT_METHODS]) };
  return sqlCalls;
}

export interface PhpSqlHit {
  source: SourceFile;
  call: Node;
  origin: string;
  written: string;
}

/** A string put together from parts: interpolation, concatenation, sprintf/implode. */
function isBuilt(node: Node): boolean {
  const target = unwrap(node);
  if (target.type === 'encapsed_string' || target.type === 'heredoc') return kids(target).some((part) => !['string_content', 'string_value', 'escape_sequence', 'heredoc_start', 'heredoc_end', 'heredoc_body'].includes(part.type) || part.type === 'heredoc_body' && kids(part).some((inner) => inner.type !== 'string_content' && inner.type !== 'string_value'));
  if (target.type === 'binary_expression') return target.children.some((child) => child?.type === '.');
  if (target.type === 'function_call_expression') return /^(sprintf|vsprintf|implode|str_replace|strtr)$/.test(field(target, 'function')?.text ?? '');
  return false;
}

/** The value a variable holds at `use`: its last assignment earlier in the same function. */
function assignedValue(variable: Node, use: Node): Node | undefined {
  const fn = enclosingFunction(use);
  if (!fn) return undefined;
  let value: Node | undefined;
  walk(fn, (child) => {
    if (child.startIndex >= use.startIndex) return false;
    if (child.type === 'assignment_expression' && field(child, 'left')?.text === variable.text) value = field(child, 'right');
    if (child.type === 'augmented_assignment_expression' && field(child, 'left')?.text === variable.text) value = child;
    return true;
  });
  return value;
}

function isSink(source: SourceFile, call: Node): boolean {
  const name = callName(call) ?? '';
  const { facades, forwarded, members } = calls();
  if (call.type === 'scoped_call_expression') {
    const scope = field(call, 'scope')?.text.replace(/^\\/, '') ?? '';
    const facade = facades.get(scope) ?? facades.get(scope.replace(/^.*\\/, ''));
    // `Order::whereRaw(...)`: Eloquent forwards static calls to a query builder.
    return (facade?.has(name) ?? false) || (forwarded.has(name) && scope !== 'parent');
  }
  if (call.type !== 'member_call_expression' && call.type !== 'nullsafe_member_call_expression') return false;
  if (!members.has(name)) return false;
  // `->query()` and `->exec()` are SQL only on a connection; Eloquent's `Model::query()` takes no argument.
  if ((name === 'query' || name === 'exec' || name === 'prepare') && !/\b(?:pdo|db|conn|connection|dbh|database|mysqli)\b/i.test(field(call, 'object')?.text.replace(/^\$this->/, '').replace(/^\$/, '') ?? '')) return false;
  return source.language === 'php';
}

/** Raw SQL built from request data in the frameworks' SQL calls (their `phpSql` sections), Doctrine and PDO calls. */
export function phpSqlInjections(sources: readonly SourceFile[]): PhpSqlHit[] {
  const hits: PhpSqlHit[] = [];
  for (const source of sources) {
    if (source.language !== 'php') continue;
    // The file's calls, listed once for every PHP check (a nameless call is no sink).
    for (const { node } of phpCalls(source.tree.rootNode)) {
      if (node.type !== 'scoped_call_expression' && node.type !== 'member_call_expression' && node.type !== 'nullsafe_member_call_expression') continue;
      if (!isSink(source, node)) continue;
      const sql = callArguments(node)[0]?.value;
      if (!sql) continue;
      let built = unwrap(sql);
      if (built.type === 'variable_name') built = assignedValue(built, node) ?? built;
      const direct = built.type !== 'variable_name' && !isBuilt(built) && requestOrigin(built) !== undefined;
      if (!isBuilt(built) && !direct) continue;
      const origin = requestOrigin(built);
      if (origin === undefined) continue;
      hits.push({ source, call: node, origin, written: `${callName(node) ?? ''}(…)` });
    }
  }
  return hits;
}
