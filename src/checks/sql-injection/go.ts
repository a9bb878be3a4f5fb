import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, named, unwrap, walk } from '../../collectors/code/go/ast.js';
import { importsOf } from '../../collectors/code/go/program.js';
import { goRequestProviders } from '../../collectors/code/plugins.js';
import { goRequestParams, qualifiedCallee } from '../../analysis/go-taint.js';
import { descendantsOf } from '../../parsing/tree-index.js';

/** database/sql, sqlx and pgx statements, and gorm's raw fragments: the SQL text argument. */
const SQL_METHODS: Record<string, number> = {
  Query: 0,
  QueryRow: 0,
  Exec: 0,
  Prepare: 0,
  QueryContext: 1,
  QueryRowContext: 1,
  ExecContext: 1,
  PrepareContext: 1,
  Queryx: 0,
  QueryRowx: 0,
  Select: 1,
  Get: 1,
  MustExec: 0,
  Raw: 0,
  Where: 0,
  Order: 0,
};
/** gorm/sqlx/database-sql receivers only: a `c.Get(…)` on a gin context is not a statement. */
const DB_RECEIVER = /^(?:\w+\.)*(?:db|DB|tx|Tx|conn|Conn|pool|Pool|orm|gorm|sqlDB|sqlxDB|database|store)$/;

/** net/http's request text, on any receiver: `r.FormValue`, `r.PostFormValue`, `r.PathValue` (and `r.URL.Query().Get`, `r.Header.Get`). */
const HTTP_READS = new Set(['FormValue', 'PostFormValue', 'PathValue']);

/** The frameworks' context reads by framework id, and their package functions that return request values (the plugins' `goRequest`). */
let frameworkTables: { reads: ReadonlyMap<string, ReadonlySet<string>>; functions: ReadonlySet<string> } | undefined;
function frameworks(): NonNullable<typeof frameworkTables> {
  if (!frameworkTables) {
    const reads = new Map<string, ReadonlySet<string>>();
    for (const { id, provider } of goRequestProviders()) if (provider.reads) reads.set(id, new Set(provider.reads));
    frameworkTables = { reads, functions: new Set(goRequestProviders().flatMap(({ provider }) => provider.functions ?? [])) };
  }
  return frameworkTables;
}

/** What tells request data in one function: its file's imports and its parameters typed as a framework's context (name → framework id). */
interface RequestScope {
  imports: ReadonlyMap<string, string>;
  params: ReadonlyMap<string, string>;
}

/**
 * Request text: net/http's reads, a framework's package function (`chi.URLParam(r, "id")`, by its import), or a read
 * of a framework's context (`c.Query("sort")` on a `*gin.Context` parameter, `c.QueryParam` on an `echo.Context`).
 */
function isRequestCall(node: Node, scope: RequestScope): boolean {
  if (node.type !== 'call_expression') return false;
  const fn = field(node, 'function');
  if (fn?.type !== 'selector_expression') return false;
  const name = field(fn, 'field')?.text ?? '';
  const operand = field(fn, 'operand')?.text ?? '';
  if (name === 'Get' && /\.URL\.Query\(\)$|\.Header$/.test(operand)) return true;
  if (HTTP_READS.has(name)) return true;
  const qualified = qualifiedCallee(scope.imports, fn);
  if (qualified !== undefined && frameworks().functions.has(qualified)) return true;
  const framework = scope.params.get(operand);
  return framework !== undefined && (frameworks().reads.get(framework)?.has(name) ?? false);
}

/** An element of a framework function's map of request values (`mux.Vars(r)["id"]`). */
function isRequestIndex(node: Node, scope: RequestScope): boolean {
  if (node.type !== 'index_expression') return false;
  const operand = field(node, 'operand');
  if (operand?.type !== 'call_expression') return false;
  const qualified = qualifiedCallee(scope.imports, field(operand, 'function'));
  return qualified !== undefined && frameworks().functions.has(qualified);
}

function requestOrigin(node: Node, locals: ReadonlyMap<string, Node>, scope: RequestScope, depth = 0): string | undefined {
  let found: string | undefined;
  walk(node, (current) => {
    if (found) return false;
    if (isRequestCall(current, scope) || isRequestIndex(current, scope)) {
      found = current.text;
      return false;
    }
    if (current.type === 'identifier' && depth === 0) {
      const assigned = locals.get(current.text);
      if (assigned) found = requestOrigin(assigned, locals, scope, depth + 1);
    }
    // `strconv.Atoi(x)`, `uuid.Parse(x)`: the value that reaches the SQL is no longer text.
    if (current.type === 'call_expression' && /^(strconv\.\w+|uuid\.(Parse|MustParse))$/.test(field(current, 'function')?.text ?? '')) return false;
    return !found;
  });
  return found;
}

/** `"… " + x` or `fmt.Sprintf("… %s", x)`: SQL text built from pieces. */
function built(node: Node): boolean {
  const current = unwrap(node);
  if (current.type === 'binary_expression') return true;
  return current.type === 'call_expression' && field(current, 'function')?.text === 'fmt.Sprintf';
}

const ASSIGNMENT_TYPES = ['short_var_declaration', 'assignment_statement'];
const CALL_TYPES = ['call_expression'];
const CLOSURE_TYPES = ['func_literal'];

/** Local assignments of one function: name → the expression last assigned to it (one hop). */
function localsOf(fn: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  // In document order, from the tree's per-type lists; assignments inside closures (`func(…) {…}`) are not the function's.
  const closures = descendantsOf(fn, CLOSURE_TYPES);
  let next = 0;
  let closureEnd = -1;
  for (const node of descendantsOf(fn, ASSIGNMENT_TYPES)) {
    for (; next < closures.length && (closures[next] as Node).startIndex <= node.startIndex; next += 1) closureEnd = Math.max(closureEnd, (closures[next] as Node).endIndex);
    if (node.startIndex < closureEnd) continue;
    const left = field(node, 'left');
    const right = field(node, 'right');
    const targets = left ? named(left) : [];
    const values = right ? named(right) : [];
    targets.forEach((target, index) => {
      const value = values.length === targets.length ? values[index] : index === 0 ? values[0] : undefined;
      if (target.type === 'identifier' && value) out.set(target.text, value);
    });
  }
  return out;
}

export interface GoSqlHit {
  call: Node;
  written: string;
  origin: string;
}

/** Statements whose SQL text is concatenated or formatted from request data in the same function. */
export function goSqlInjections(sources: readonly SourceFile[]): { source: SourceFile; hits: GoSqlHit[] }[] {
  const out: { source: SourceFile; hits: GoSqlHit[] }[] = [];
  for (const source of sources) {
    if (source.language !== 'go' || source.file.endsWith('_test.go')) continue;
    const hits: GoSqlHit[] = [];
    let imports: ReadonlyMap<string, string> | undefined;
    for (const fn of named(source.tree.rootNode)) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
      let locals: Map<string, Node> | undefined;
      let scope: RequestScope | undefined;
      // Every call of the function, closures included, in document order (the tree's per-type list, not a walk).
      for (const node of descendantsOf(fn, CALL_TYPES)) {
        const callee = field(node, 'function');
        if (callee?.type !== 'selector_expression') continue;
        const method = field(callee, 'field')?.text ?? '';
        const index = SQL_METHODS[method];
        if (index === undefined || !DB_RECEIVER.test(field(callee, 'operand')?.text ?? '')) continue;
        const query = callArgs(node)[index];
        if (!query) continue;
        locals ??= localsOf(fn);
        const text = unwrap(query);
        const expression = text.type === 'identifier' ? locals.get(text.text) : text;
        if (!expression || !built(expression)) continue;
        imports ??= importsOf(source.tree.rootNode);
        scope ??= { imports, params: goRequestParams(fn, imports) };
        const origin = requestOrigin(expression, locals, scope);
        if (origin) hits.push({ call: node, written: callee.text, origin });
      }
    }
    if (hits.length > 0) out.push({ source, hits });
  }
  return out;
}
