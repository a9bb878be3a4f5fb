import type { Node } from 'web-tree-sitter';
import { at, isPython } from '../../analysis/code-auth.js';
import { callAt, hitData, taintedSinks, type SinkMatch } from '../../analysis/code-input.js';
import type { CallSite } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { csharpSqlInjections } from './csharp.js';
import { goSqlInjections } from './go.js';
import { phpSqlInjections } from './php.js';
import { rubySqlInjections } from './ruby.js';
import { javaSqlInjections } from './java.js';
import { kotlinSqlInjections } from './kotlin.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';

const PY_EXECUTE = /^(execute|executemany|executescript|exec_driver_sql|mogrify|fetch|fetchrow|fetchval|read_sql|read_sql_query)$/;
const JS_RECEIVER =
  /^(pool|client|conn|connection|db|database|pg|mysql|sql|sqlite|knex|sequelize|manager|entityManager|em|dataSource|datasource|queryRunner|repo|repository|\w+Repository|\w+Repo|trx|tx|transaction|prisma|this)$/i;
const JS_QUERY = /^(query|execute|exec|run|all|get|prepare|raw|unsafe)$/;
const KNEX_RAW = /^(whereRaw|orWhereRaw|andWhereRaw|havingRaw|orderByRaw|groupByRaw|joinRaw|selectRaw|fromRaw)$/;
const QUERY_BUILDER = /^(where|andWhere|orWhere|having|andHaving|orHaving|orderBy|addOrderBy|select|addSelect|groupBy|setParameter)$/;

function lastSegment(node: Node | null | undefined): string {
  if (!node) return '';
  if (node.type === 'member_expression') return node.childForFieldName('property')?.text ?? '';
  if (node.type === 'attribute') return node.childForFieldName('attribute')?.text ?? '';
  if (node.type === 'call_expression' || node.type === 'call') return lastSegment(node.childForFieldName('function'));
  return node.text;
}

/** The methods matchPython reads: one of them ends the callee as written, or the call is none of them. */
const PY_METHOD_END = /(?:raw|extra|execute|executemany|executescript|exec_driver_sql|mogrify|fetch|fetchrow|fetchval|read_sql|read_sql_query)$/;

function matchPython(call: CallSite): SinkMatch | undefined {
  const first = call.args[0];
  if (/(^|\.)RawSQL$/.test(call.callee) && first) return { args: [first], what: call.written };
  if (!PY_METHOD_END.test(call.written)) return undefined;
  const fn = call.node.childForFieldName('function');
  const method = fn?.type === 'attribute' ? (fn.childForFieldName('attribute')?.text ?? '') : '';
  if (method === 'raw' && /objects|manager/i.test(fn?.childForFieldName('object')?.text ?? '') && first) return { args: [first], what: call.written };
  if (method === 'extra') {
    const args = ['where', 'select', 'tables', 'order_by'].map((name) => call.kwargs.get(name)).filter((node): node is Node => node !== undefined);
    return args.length > 0 ? { args, what: call.written } : undefined;
  }
  if (PY_EXECUTE.test(method)) {
    const query = call.kwargs.get('statement') ?? call.kwargs.get('sql') ?? call.kwargs.get('query') ?? first;
    if (/^(subprocess|os|self\.executor|executor|loop)\b/.test(fn?.childForFieldName('object')?.text ?? '')) return undefined;
    // `Job.fetch(job_id)` (python-rq), `Model.fetch(...)`: a class method loading an object, not a database cursor.
    if (/^fetch/.test(method) && /^(?:[\w.]+\.)?[A-Z]\w*$/.test(fn?.childForFieldName('object')?.text ?? '')) return undefined;
    return query ? { args: [query], what: call.written } : undefined;
  }
  return undefined;
}

function matchJs(call: CallSite): SinkMatch | undefined {
  const fn = call.node.childForFieldName('function');
  if (fn?.type !== 'member_expression') return undefined;
  const method = fn.childForFieldName('property')?.text ?? '';
  const receiver = fn.childForFieldName('object');
  const first = call.args[0];
  if (!first) return undefined;
  if (/^\$(queryRawUnsafe|executeRawUnsafe)$/.test(method)) return { args: [first], what: call.written };
  if (KNEX_RAW.test(method) || (method === 'literal' && /^(sequelize|Sequelize)$/.test(lastSegment(receiver)))) return { args: [first], what: call.written };
  if (QUERY_BUILDER.test(method) && /createQueryBuilder|QueryBuilder/.test(receiver?.text ?? '')) return { args: [first], what: call.written };
  if (JS_QUERY.test(method) && JS_RECEIVER.test(lastSegment(receiver))) {
    if (method === 'get' && first.type !== 'template_string' && first.type !== 'binary_expression' && first.type !== 'identifier') return undefined;
    return { args: [first], what: call.written };
  }
  return undefined;
}

export default defineCheck({
  id: 'sql-injection',
  title: 'SQL built from request data',
  owasp: 'API8:2023',
  cwe: ['CWE-89'],
  severity: 'critical',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'A query assembled from request data with f-strings, `%`, `+`, `.format` or template literals lets a caller change the SQL itself: read other tenants\' rows, bypass login or drop tables.',
  remediation:
    'Pass values as bound parameters and keep the SQL text constant: `cursor.execute("SELECT * FROM users WHERE id = %s", (user_id,))`, SQLAlchemy `text("… WHERE id = :id")` with `{"id": user_id}`, Django `Model.objects.raw("… WHERE id = %s", [user_id])`, node-postgres `pool.query("… WHERE id = $1", [id])`, knex `whereRaw("id = ?", [id])`, Prisma `$queryRaw` tagged templates, Go `db.QueryContext(ctx, "… WHERE id = $1", id)` gorm `db.Where("name = ?", name)`; EF Core `FromSql($"… WHERE id = {id}")` / `FromSqlInterpolated` (the interpolation becomes parameters) or `FromSqlRaw("… WHERE id = {0}", id)`, ADO.NET `cmd.Parameters.AddWithValue("@id", id)`, Dapper `conn.Query<T>("… WHERE id = @Id", new { Id = id })`, Active Record `where("name = ?", params[:q])` or `where(name: params[:q])` with `sanitize_sql_like` for LIKE patterns. Java: `jdbcTemplate.query("… WHERE id = ?", mapper, id)`, JPA `em.createQuery("… WHERE u.name = :name").setParameter("name", name)`, JDBC `PreparedStatement` with `?`, MyBatis `#{name}` instead of `${name}`. Map identifiers (table, column, sort order) through a fixed allowlist; never take them from the request.',
  messages: {
    direct: '`{{call}}` runs SQL built from request data (`{{origin}}`).',
    wrapper: '`{{call}}` passes request data (`{{origin}}`) to `{{wrapper}}`, which builds the SQL run by `{{sink}}` at {{file}}:{{line}}.',
    mybatis: 'MyBatis substitutes `{{call}}` into the SQL text of `{{origin}}`, and request data reaches that parameter.',
    wrapperKeys:
      '`{{call}}` passes request data (`{{origin}}`) to `{{wrapper}}`, which writes its keys into the SQL run by `{{sink}}` at {{file}}:{{line}} as column names, so a crafted key rewrites the statement.',
  },
  run(ctx, report) {
    const hits = taintedSinks(ctx, {
      kind: 'sql',
      match: (source: SourceFile, call: CallSite) => (isPython(source) ? matchPython(call) : matchJs(call)),
    });
    for (const hit of hits) {
      report({
        messageId: hit.via ? (hit.via.keys ? 'wrapperKeys' : 'wrapper') : 'direct',
        data: hitData(hit),
        ...callAt(ctx, hit.source, hit.call),
        ...(hit.via ? { confidence: 'medium' as const, severity: 'high' as const } : {}),
      });
    }
    for (const { source, hits } of goSqlInjections(ctx.sources)) {
      for (const hit of hits) report({ messageId: 'direct', data: { call: hit.written, origin: hit.origin }, ...at(ctx, source, hit.call, hit.call.text.split('\n')[0]) });
    }
    const handlers = ctx.inventory.endpoints.flatMap((endpoint) => (endpoint.handler ? [endpoint.handler] : []));
    for (const hit of csharpSqlInjections(ctx.sources, handlers)) {
      const data = { call: hit.written, origin: hit.origin, ...(hit.via ? { wrapper: hit.via.wrapper, sink: hit.via.sink, file: hit.via.file, line: String(hit.via.line) } : {}) };
      report({ messageId: hit.via ? 'wrapper' : 'direct', data, ...at(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]), ...(hit.via ? { confidence: 'medium' as const, severity: 'high' as const } : {}) });
    }
    for (const hit of phpSqlInjections(ctx.sources)) {
      report({ messageId: 'direct', data: { call: hit.written, origin: hit.origin }, ...at(ctx, hit.source, hit.call, hit.call.text.split('\n')[0]) });
    }
    for (const hit of rubySqlInjections(ctx.sources)) {
      report({ messageId: 'direct', data: { call: hit.written, origin: hit.origin }, ...at(ctx, hit.source, hit.call, hit.call.text.split('\n')[0]) });
    }
    for (const hit of javaSqlInjections(ctx.sources, ctx.infra)) {
      if (hit.source && hit.node) report({ messageId: hit.call.startsWith('$') ? 'mybatis' : 'direct', data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.snippet) });
      else if (hit.location) report({ messageId: 'mybatis', data: { call: hit.call, origin: hit.origin }, location: hit.location, evidence: { snippet: hit.snippet } });
    }
    for (const hit of kotlinSqlInjections(ctx.sources, ctx.infra)) {
      report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]) });
    }
  },
});
