/**
 * SQL built from request data in Kotlin (Spring and Ktor): `JdbcTemplate` / `NamedParameterJdbcTemplate`
 * / `JdbcClient.sql` / R2DBC `DatabaseClient.sql`, JPA `createQuery` / `createNativeQuery`, JDBC
 * `prepareStatement` / `Statement.executeQuery|executeUpdate|execute`, and Exposed `exec(sql)` given a
 * string template or concatenation carrying request data. Bound parameters (`?`, `:name`) are safe.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { kotlinBare, kotlinFunctions, kotlinTaint, kotlinTypeOf } from '../../collectors/code/jvm/kotlin.js';
import { sharedAnalysis } from '../../collectors/code/jvm/taint.js';

export interface KotlinSqlHit {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
}

const JDBC_TEMPLATE = /^(JdbcTemplate|NamedParameterJdbcTemplate|JdbcOperations|NamedParameterJdbcOperations)$/;
const TEMPLATE_METHODS = /^(query|queryForObject|queryForList|queryForMap|queryForRowSet|queryForStream|update|batchUpdate|execute)$/;
const CALLS: ReadonlySet<string> = new Set(['call_expression']);

export function kotlinSqlInjections(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): KotlinSqlHit[] {
  const kotlin = sources.filter((source) => source.language === 'kotlin' && !/(^|\/)src\/test\//.test(source.file));
  if (!kotlin.some((source) => /\b(JdbcTemplate|JdbcOperations|JdbcClient|DatabaseClient|createQuery|createNativeQuery|prepareStatement|createStatement|exec)\b/.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const taint = kotlinTaint(program);
  const out: KotlinSqlHit[] = [];
  for (const fn of kotlinFunctions(program)) {
    if (!fn.body || !/\b(query\w*|update|batchUpdate|execute\w*|sql|createQuery|createNativeQuery|prepareStatement|prepareCall|exec|addBatch)\s*[(<{]/.test(fn.body.text)) continue;
    const exposed = [...fn.file.imports.values(), ...fn.file.wildcards].some((name) => name.startsWith('org.jetbrains.exposed'));
    for (const node of descendants(fn.body, CALLS)) {
      const call = asCall(node);
      const sql = call?.args[0];
      if (!call || !sql) continue;
      // `jdbcTemplate.query(sql) { rs, _ -> … }` is a call of a call: report the inner one.
      if (node.parent?.type === 'call_expression' && named0(node.parent)?.id === node.id) continue;
      const receiver = kotlinBare(call.receiver);
      const type = receiver?.type === 'simple_identifier' ? kotlinTypeOf(receiver.text, node, fn.owner) : undefined;
      let sink = false;
      if (TEMPLATE_METHODS.test(call.name)) sink = JDBC_TEMPLATE.test(type ?? '') || (/^(execute|executeQuery|executeUpdate|addBatch)$/.test(call.name) && /createStatement\(\)/.test(receiver?.text ?? ''));
      else if (/^(executeQuery|executeUpdate|executeLargeUpdate|addBatch)$/.test(call.name)) sink = /^(Statement)$/.test(type ?? '') || /createStatement\(\)/.test(receiver?.text ?? '') || statementLocal(receiver);
      else if (call.name === 'sql') sink = /^(JdbcClient|DatabaseClient)$/.test(type ?? '');
      else if (/^(createQuery|createNativeQuery|createSQLQuery|prepareStatement|prepareCall)$/.test(call.name)) sink = receiver !== undefined;
      else if (call.name === 'exec') sink = exposed;
      if (!sink) continue;
      const origin = taint.origin(sql);
      if (origin) out.push({ source: fn.file.source, node, call: `${receiver ? `${receiver.text}.` : ''}${call.name}`, origin });
    }
  }
  return out;
}

function named0(node: Node): Node | undefined {
  return node.namedChildren[0] ?? undefined;
}

/** `val statement = connection.createStatement()` (or `.use { statement -> … }` on it is left out). */
function statementLocal(receiver: Node | undefined): boolean {
  if (receiver?.type !== 'simple_identifier') return false;
  for (let scope = receiver.parent; scope; scope = scope.parent) {
    if (scope.type !== 'function_declaration') continue;
    return descendants(scope, new Set(['property_declaration'])).some((property) => property.text.includes(`${receiver.text} =`) && /createStatement\(\)/.test(property.text));
  }
  return false;
}
