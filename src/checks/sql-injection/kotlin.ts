/**
 * SQL built from request data in Kotlin (Spring and Ktor): the query methods the frameworks and data-access
 * libraries declare (the plugins' `sqlSinks`: Spring's `JdbcTemplate` / `NamedParameterJdbcTemplate` /
 * `JdbcClient.sql` / R2DBC `DatabaseClient.sql`, JPA `createQuery` / `createNativeQuery`), JDBC
 * `prepareStatement` / `Statement.executeQuery|executeUpdate|execute`, and Exposed `exec(sql)` given a
 * string template or concatenation carrying request data. Bound parameters (`?`, `:name`) are safe.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { kotlinBare, kotlinFunctions, kotlinTaint, kotlinTypeOf } from '../../collectors/code/jvm/kotlin.js';
import { sharedAnalysis } from '../../collectors/code/jvm/taint.js';
import { sqlSinkProviders, typesByMethod } from '../../collectors/code/plugins.js';

export interface KotlinSqlHit {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
}

const CALLS: ReadonlySet<string> = new Set(['call_expression']);

/** JDBC's own methods that take SQL text (`Connection`'s factories, `Statement`'s executors) and Exposed's `exec`, as written in a function body. */
const JDBC_WRITTEN = ['execute\\w*', 'prepareStatement', 'prepareCall', 'exec', 'addBatch'];
const JDBC_MENTIONS = ['prepareStatement', 'createStatement', 'exec'];

interface KotlinSinks {
  /** Receiver types (simple names) by method, from the plugins' `sqlSinks`. */
  typed: Map<string, ReadonlySet<string>>;
  /** Query factories read on any receiver: the plugins' `factories` and JDBC's `prepareStatement` / `prepareCall`. */
  factories: ReadonlySet<string>;
  /** A source worth reading mentions one of these. */
  mentions: RegExp;
  /** A function worth reading calls one of these. */
  written: RegExp;
}

let sinkTable: KotlinSinks | undefined;

function sinks(): KotlinSinks {
  if (sinkTable) return sinkTable;
  const providers = sqlSinkProviders();
  const typed = typesByMethod(providers.map((provider) => provider.methods));
  const factories = new Set([...providers.flatMap((provider) => provider.factories ?? []), 'prepareStatement', 'prepareCall']);
  const mentions = [...new Set([...providers.flatMap((provider) => [...provider.mentions, ...(provider.factories ?? [])]), ...JDBC_MENTIONS])];
  const written = [...new Set([...typed.keys(), ...factories, ...JDBC_WRITTEN])];
  sinkTable = { typed, factories, mentions: new RegExp(`\\b(${mentions.join('|')})\\b`), written: new RegExp(`\\b(${written.join('|')})\\s*[(<{]`) };
  return sinkTable;
}

export function kotlinSqlInjections(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): KotlinSqlHit[] {
  const kotlin = sources.filter((source) => source.language === 'kotlin' && !/(^|\/)src\/test\//.test(source.file));
  const { typed, factories, mentions, written } = sinks();
  if (!kotlin.some((source) => mentions.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const taint = kotlinTaint(program);
  const out: KotlinSqlHit[] = [];
  for (const fn of kotlinFunctions(program)) {
    if (!fn.body || !written.test(fn.body.text)) continue;
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
      if (type !== undefined && typed.get(call.name)?.has(type)) sink = true;
      else if (factories.has(call.name)) sink = receiver !== undefined;
      else if (call.name === 'execute') sink = /createStatement\(\)/.test(receiver?.text ?? '');
      else if (/^(executeQuery|executeUpdate|executeLargeUpdate|addBatch)$/.test(call.name)) sink = /^(Statement)$/.test(type ?? '') || /createStatement\(\)/.test(receiver?.text ?? '') || statementLocal(receiver);
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
