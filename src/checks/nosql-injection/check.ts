import type { Node } from 'web-tree-sitter';
import { at, isPython } from '../../analysis/code-auth.js';
import { callAt, hitData, siteOf, originOf, taintedSinks, type SinkMatch } from '../../analysis/code-input.js';
import { type CallSite, nodesOfType, stringValue } from '../../analysis/code.js';
import { taintAt } from '../../analysis/taint.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { goNosqlInjections } from './go.js';
import { goSite } from '../../analysis/go-taint.js';
import { csharpNosqlInjections } from './csharp.js';
import { rubyNosqlInjections } from './ruby.js';
import { javaNoSqlInjections } from './java.js';
import { kotlinNoSqlInjections } from './kotlin.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { dataAccessProviders } from '../../collectors/code/plugins.js';

const JS_METHODS =
  /^(find|findOne|findOneAndUpdate|findOneAndDelete|findOneAndReplace|findOneAndRemove|updateOne|updateMany|deleteOne|deleteMany|replaceOne|countDocuments|count|exists|remove|aggregate)$/;
const PY_METHODS = /^(find|find_one|find_one_and_update|find_one_and_delete|find_one_and_replace|update_one|update_many|delete_one|delete_many|replace_one|count_documents|aggregate)$/;
const JS_COLLECTION = /^[A-Z]\w*$|model|collection|coll$|users|db|repo|mongo/i;
const PY_COLLECTION = /db|collection|coll\b|mongo|users|\w+s$/i;

function hasWhereKey(node: Node | undefined): boolean {
  if (node?.type !== 'object') return false;
  return node.namedChildren.some((child) => child?.type === 'pair' && /^(where|data|select|include)$/.test(stringValue(child.childForFieldName('key')) ?? child.childForFieldName('key')?.text ?? ''));
}

/** The MongoDB drivers and ODMs any framework of their language uses; the frameworks' extensions are their `dataAccess.mongoMarkers`. */
const MONGO_LIBRARIES = ['mongoose', 'mongodb', 'MongoClient', 'pymongo', 'motor', 'mongoengine', 'monk', 'mongojs'];
let mongo: RegExp | undefined;
const MONGO_FILE = /mongo-driver|mgo\.v2|globalsign\/mgo|MongoDB\.Driver|Mongoid::Document/;

function usesMongo(ctx: CheckContext): boolean {
  mongo ??= new RegExp(String.raw`\b(${[...MONGO_LIBRARIES, ...dataAccessProviders().flatMap((provider) => provider.mongoMarkers ?? [])].join('|')})\b`);
  const markers = mongo;
  const npm = ctx.project.dependencies.npm ?? [];
  const pip = Object.entries(ctx.project.dependencies).filter(([ecosystem]) => ecosystem !== 'npm').flatMap(([, names]) => names);
  return [...npm, ...pip].some((name) => markers.test(name)) || ctx.sources.some((source) => markers.test(source.text));
}

function match(source: SourceFile, call: CallSite): SinkMatch | undefined {
  const fn = call.node.childForFieldName('function');
  const py = isPython(source);
  if (fn?.type !== (py ? 'attribute' : 'member_expression')) return undefined;
  const method = fn.childForFieldName(py ? 'attribute' : 'property')?.text ?? '';
  const receiver = fn.childForFieldName('object');
  const receiverName = receiver?.type === 'call_expression' || receiver?.type === 'call' ? receiver.text : (receiver?.text.split('.').at(-1) ?? '');
  const first = call.args[0] ?? call.kwargs.get('filter');
  if (!first || first.type === 'arrow_function' || first.type === 'function_expression' || first.type === 'lambda') return undefined;
  if (py ? !PY_METHODS.test(method) || !PY_COLLECTION.test(receiverName) : !JS_METHODS.test(method) || !JS_COLLECTION.test(receiverName)) return undefined;
  if (hasWhereKey(first)) return undefined;
  return { args: [first], what: call.written };
}

export default defineCheck({
  id: 'nosql-injection',
  title: 'NoSQL query operators taken from request data',
  owasp: 'API8:2023',
  cwe: ['CWE-943'],
  severity: 'high',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'A JSON body or a parsed query string can carry objects, so `{ "password": { "$ne": null } }` turns an equality filter into an operator that matches every document (login bypass, data dump); `$where` runs caller-supplied JavaScript on the database.',
  remediation:
    'Cast each filter value to the type you expect before querying (`String(req.body.username)`, `str(data["username"])`) or validate the body with a schema (zod `z.object({ username: z.string() })`, Pydantic, Joi); enable Mongoose `sanitizeFilter` or use `express-mongo-sanitize`; never pass a request object as a filter and never use `$where`. Spring Data MongoDB: build queries with `Criteria.where("name").is(name)` and a fixed field name (map a requested sort or filter field through an allowlist), never `new BasicQuery(json)` or `Document.parse(json)` of request text, and quote user text in a regex with `Pattern.quote(q)`.',
  messages: {
    filter: '`{{call}}` uses request data (`{{origin}}`) as a query filter without casting its values to strings.',
    wrapper: '`{{call}}` passes request data (`{{origin}}`) to `{{wrapper}}`, which uses it as the `{{sink}}` filter at {{file}}:{{line}}.',
    where: 'The `$where` clause runs JavaScript built from request data (`{{origin}}`).',
    parsed: '`{{call}}` turns request text (`{{origin}}`) into a query document, so the client writes the filter and its operators (`$ne`, `$regex`, `$where`).',
    plainHash: '`{{call}}` filters with `{{origin}}`, request data in a plain hash that strong parameters do not guard, so the client can send operators (`$ne`, `$gt`, `$where`) instead of values.',
    requestMap: '`{{call}}` takes its filter from a request map (`{{origin}}`), so the client chooses the keys and operators (`$ne`, `$gt`, `$where`).',
    document: '`{{call}}` parses a MongoDB query document from request data (`{{origin}}`): the caller writes its operators (`$ne`, `$where`, `$regex`).',
    field: '`{{call}}` takes the field name from request data (`{{origin}}`): the caller can query any field, or `$where`.',
    regex: '`{{call}}` matches a regular expression taken from request data (`{{origin}}`): `.*` matches every document and a nested quantifier stalls the database.',
  },
  run(ctx, report) {
    for (const hit of javaNoSqlInjections(ctx.sources, ctx.infra)) {
      report({ messageId: hit.kind, data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.snippet), ...(hit.kind === 'regex' ? { severity: 'medium' as const } : {}) });
    }
    for (const hit of kotlinNoSqlInjections(ctx.sources, ctx.infra)) {
      report({ messageId: hit.kind, data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.node.text.split('\n')[0] ?? ''), ...(hit.kind === 'regex' ? { severity: 'medium' as const } : {}) });
    }
    if (ctx.sources.some((source) => MONGO_FILE.test(source.text))) {
      for (const hit of goNosqlInjections(ctx.sources)) {
        report({ messageId: hit.where ? 'where' : 'requestMap', data: { call: hit.written, origin: hit.origin }, ...goSite(ctx, hit.source, hit.call) });
      }
      const handlers = ctx.inventory.endpoints.flatMap((endpoint) => (endpoint.handler ? [endpoint.handler] : []));
      for (const hit of rubyNosqlInjections(ctx.sources)) {
        report({ messageId: hit.where ? 'where' : 'plainHash', data: { call: hit.written, origin: hit.origin }, ...at(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]) });
      }
      for (const hit of csharpNosqlInjections(ctx.sources, handlers)) {
        report({ messageId: hit.where ? 'where' : 'parsed', data: { call: hit.written, origin: hit.origin }, ...at(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]) });
      }
    }
    if (!usesMongo(ctx)) return;
    for (const hit of taintedSinks(ctx, { kind: 'nosql', match })) {
      report({ messageId: hit.via ? 'wrapper' : 'filter', data: hitData(hit), ...callAt(ctx, hit.source, hit.call) });
    }
    for (const source of ctx.sources) {
      const pairs = nodesOfType(source, 'pair');
      for (const pair of pairs) {
        const key = pair.childForFieldName('key');
        if (!key || (stringValue(key) ?? key.text) !== '$where') continue;
        const value = pair.childForFieldName('value');
        const taint = value ? taintAt(ctx, source, value)?.taintOf(value) : undefined;
        if (taint) report({ messageId: 'where', data: { origin: originOf(taint) }, ...siteOf(ctx, source, pair) });
      }
    }
  },
});
