import type { Node } from 'web-tree-sitter';
import { isPython } from '../../analysis/code-auth.js';
import { callAt, callsFunction, functionNameOf, type FunctionRef } from '../../analysis/code-input.js';
import { outboundCalls } from '../../analysis/outbound.js';
import { factsOf, type CallSite } from '../../analysis/code.js';
import { functionTaint, rootFunction, type FunctionTaint, type SourcePredicate } from '../../analysis/taint.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';

const PY_STORE = /\.objects\.(create|get_or_create|update_or_create|bulk_create)$|\.(insert_one|insert_many|replace_one|update_one|update_many|bulk_write)$|(^|\.)(insert|update)\(.*\)\.values$/;
const PY_RENDER = /(^|\.)(render_template_string|Markup|mark_safe|HTMLResponse)$/;
const JS_STORE = /\.(create|createMany|insertOne|insertMany|bulkCreate|save|upsert|insert|replaceOne|updateOne)$/;
const JS_STORE_RECEIVER = /^[A-Z]\w*$|prisma\.\w+|repo|repository|Repository|collection|Model|model|knex|db|trx/;
const JS_RENDER = /^(res|reply)\.(send|write)$/;
const ORM_BASE = /\bclass\s+(\w+)\s*\(\s*(models\.Model|db\.Model|Base|DeclarativeBase|Document|Model)\s*[,)]|class\s+(\w+)\s*\(\s*SQLModel\s*,\s*table\s*=\s*True/g;

function ormModels(ctx: CheckContext): Set<string> {
  const names = new Set<string>();
  for (const source of ctx.sources) {
    if (!isPython(source)) continue;
    for (const match of source.text.matchAll(ORM_BASE)) {
      const name = match[1] ?? match[3];
      if (name) names.add(name);
    }
  }
  return names;
}

function argumentNodes(call: CallSite): Node[] {
  return (call.node.childForFieldName('arguments')?.namedChildren ?? []).filter((arg): arg is Node => arg !== null && arg.type !== 'comment');
}

function isSink(source: SourceFile, call: CallSite, models: ReadonlySet<string>): 'store' | 'render' | undefined {
  if (isPython(source)) {
    if (PY_STORE.test(call.callee) || models.has(call.callee)) return 'store';
    if (PY_RENDER.test(call.callee)) return 'render';
    return undefined;
  }
  const fn = call.node.childForFieldName('function');
  const receiver = fn?.type === 'member_expression' ? (fn.childForFieldName('object')?.text ?? '') : '';
  if (JS_STORE.test(call.written) && JS_STORE_RECEIVER.test(receiver)) return 'store';
  if (JS_RENDER.test(call.written) && /\.type\(\s*['"]html['"]\s*\)|text\/html/.test(rootFunction(call.node)?.text ?? '')) return 'render';
  return undefined;
}

/** Functions that return an outbound response (`def get_user(id): return requests.get(...).json()`). */
function responseReturners(ctx: CheckContext, predicate: SourcePredicate): (FunctionRef & { fn: Node })[] {
  const out: (FunctionRef & { fn: Node })[] = [];
  for (const source of ctx.sources) {
    const roots = new Map<number, Node>();
    for (const outbound of outboundCalls(source)) {
      const fn = rootFunction(outbound.call.node);
      if (fn) roots.set(fn.id, fn);
    }
    for (const fn of roots.values()) {
      const named = functionNameOf(fn);
      if (!named) continue;
      const facts = functionTaint(ctx, source, fn, 'response', predicate);
      const body = fn.childForFieldName('body');
      const returns = [...fn.descendantsOfType('return_statement'), ...(fn.type === 'arrow_function' && body && body.type !== 'statement_block' ? [body] : [])];
      if (returns.some((node) => node && (facts.isTainted(node) || node.namedChildren.some((child) => facts.isTainted(child))))) out.push({ source, fn, ...named });
    }
  }
  return out;
}

export default defineCheck({
  id: 'third-party-response-trusted',
  title: 'Third-party API response stored or rendered without validation',
  owasp: 'API10:2023',
  cwe: ['CWE-20', 'CWE-1287'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'Data from a partner or third-party API is as untrusted as user input: a compromised or buggy upstream can inject extra fields into your models, oversized values or markup that becomes stored XSS.',
  remediation:
    'Validate the response against a schema before using it and copy only the fields you need: `Partner.model_validate(resp.json())` (Pydantic), `PartnerSchema().load(resp.json())` (marshmallow), `const partner = PartnerResponse.parse(res.data)` (zod); escape anything that is rendered.',
  messages: {
    store: '`{{call}}` stores data from the `{{origin}}` response without validating it.',
    render: '`{{call}}` renders data from the `{{origin}}` response without validating or escaping it.',
  },
  run(ctx, report) {
    const models = ormModels(ctx);
    const outboundIds = new Map<SourceFile, Map<number, string>>();
    for (const source of ctx.sources) {
      outboundIds.set(source, new Map(outboundCalls(source).map((outbound) => [outbound.call.node.id, outbound.call.written])));
    }
    const direct: SourcePredicate = (source, node) => outboundIds.get(source)?.get(node.id);
    const returners = responseReturners(ctx, direct);
    const callsById = new Map<SourceFile, Map<number, CallSite>>();
    const callAtNode = (source: SourceFile, node: Node): CallSite | undefined => {
      let byId = callsById.get(source);
      if (!byId) {
        byId = new Map(factsOf(source).calls.map((call) => [call.node.id, call]));
        callsById.set(source, byId);
      }
      return byId.get(node.id);
    };
    const predicate: SourcePredicate = (source, node) => {
      const own = direct(source, node);
      if (own !== undefined) return own;
      if (returners.length === 0 || (node.type !== 'call' && node.type !== 'call_expression')) return undefined;
      const call = callAtNode(source, node);
      return call && returners.some((ref) => ref.fn.id !== rootFunction(node)?.id && callsFunction(source, call, ref)) ? call.written : undefined;
    };
    for (const source of ctx.sources) {
      const cache = new Map<number, FunctionTaint>();
      for (const call of factsOf(source).calls) {
        const kind = isSink(source, call, models);
        if (!kind) continue;
        const fn = rootFunction(call.node);
        if (!fn) continue;
        let facts = cache.get(fn.id);
        if (!facts) {
          facts = functionTaint(ctx, source, fn, 'response', predicate);
          cache.set(fn.id, facts);
        }
        const arg = argumentNodes(call).find((node) => facts.isTainted(node));
        const taint = facts.taintOf(arg);
        if (!taint) continue;
        report({ messageId: kind, data: { call: call.written, origin: taint.origin.split('(')[0] ?? taint.origin }, ...callAt(ctx, source, call) });
      }
    }
  },
});
