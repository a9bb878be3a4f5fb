import type { Node } from 'web-tree-sitter';
import { at, isJs, isPython } from '../../analysis/code-auth.js';
import { traceInput, type InputTrace } from '../../analysis/code-ratelimit.js';
import { enclosingFunction, factsOf, nodesOfType, propertyOf, stringValue } from '../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';

const SIZE_NAME = /(^|[^a-z])(limit|page_?size|per_?page|size|count|take|top|max_?results|first|rows|n)([^a-z]|$)|pageSize|perPage|maxResults/i;
const CAPPED = /\bmin\(|Math\.min|clamp|\ble\s*=|\blt\s*=|max_value|\.max\(|\bMAX_\w+|Max\(/;
const LIMIT_SQL = /\bLIMIT\b|\bTOP\b|\bFETCH\s+FIRST\b/i;

/** True when the value is capped on the way or compared with a bound before the sink. */
function capped(trace: InputTrace, sink: Node): boolean {
  if (trace.path.some((node) => CAPPED.test(node.text))) return true;
  const fn = enclosingFunction(sink);
  if (!fn) return false;
  const names = trace.path.filter((node) => node.type === 'identifier').map((node) => node.text);
  const body = fn.text;
  return names.some((name) => new RegExp(`\\b${name}\\s*(>=?|<=?)|(>=?|<=?)\\s*${name}\\b|\\b${name}\\s*=\\s*(min|Math\\.min)\\b`).test(body));
}

function sizeTrace(ctx: CheckContext, source: SourceFile, node: Node | undefined): InputTrace | undefined {
  const trace = traceInput(ctx, source, node);
  if (!trace) return undefined;
  if (!trace.path.some((step) => SIZE_NAME.test(step.type === 'identifier' ? step.text : (stringValue(step) ?? step.text.split(/[.[(]/).pop() ?? '')) || SIZE_NAME.test(step.text.split('.').pop() ?? ''))) return undefined;
  return trace;
}

function sinks(source: SourceFile): { sink: Node; value: Node }[] {
  const out: { sink: Node; value: Node }[] = [];
  for (const call of factsOf(source).calls) {
    const method = call.written.slice(call.written.lastIndexOf('.') + 1);
    if (/\./.test(call.written) && /^(limit|take|top|fetchmany|paginate)$/.test(method)) {
      const value = call.args[0] ?? call.kwargs.get('per_page') ?? call.kwargs.get('size');
      if (value) out.push({ sink: call.node, value });
    }
    if (isJs(source)) {
      for (const arg of call.args) {
        if (arg.type !== 'object') continue;
        for (const key of ['take', 'limit', 'first', 'pageSize', 'perPage']) {
          const value = propertyOf(arg, key);
          if (value) out.push({ sink: value, value: value.type === 'shorthand_property_identifier' ? value : value });
        }
      }
    }
    const first = call.args[0];
    if (first && /(query|execute|raw|all|get|run)$/i.test(method) && LIMIT_SQL.test(first.text)) {
      for (const sub of first.descendantsOfType(['template_substitution', 'interpolation'])) {
        const inner = sub?.namedChildren[0];
        if (inner) out.push({ sink: call.node, value: inner });
      }
      const params = call.args[1];
      for (const element of params?.namedChildren ?? []) if (element) out.push({ sink: call.node, value: element });
    }
  }
  if (isPython(source)) {
    for (const subscript of nodesOfType(source, 'subscript')) {
      const slice = subscript.namedChildren.find((child) => child?.type === 'slice');
      const parts = slice?.namedChildren.filter((child): child is Node => child !== null) ?? [];
      const upper = parts.at(-1);
      if (slice && upper && parts.length >= 1 && slice.text.includes(':') && !slice.text.trim().endsWith(':')) out.push({ sink: subscript, value: upper });
    }
  }
  return out;
}

function operands(node: Node): Node[] {
  if (node.type === 'binary_operator' || node.type === 'binary_expression') {
    return [node.childForFieldName('left'), node.childForFieldName('right')].filter((child): child is Node => child !== null).flatMap(operands);
  }
  return [node];
}

export default defineCheck({
  id: 'page-size-uncapped-in-code',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Page size taken from the request without a cap',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code'],
  specCounterparts: ['page-size-unbounded'],
  rationale:
    'A client-chosen page size that reaches the query unbounded turns one request into a full-table read: `?limit=1000000` exhausts database, memory and bandwidth, and makes scraping trivial.',
  remediation:
    'Clamp the value before it reaches the query: `page_size = min(page_size, MAX_PAGE_SIZE)` or `page_size: int = Query(20, ge=1, le=100)` (FastAPI), `const limit = Math.min(Number(req.query.limit) || 20, 100)` (JS), or declare the bound in the validator (`z.coerce.number().max(100)`, `@Max(100)`, `maximum: 100` in a Fastify schema).',
  messages: {
    uncapped: 'The value {{value}} comes from the request ({{origin}}) and sets the page size of `{{sink}}` with no upper bound.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      if (!isPython(source) && !isJs(source)) continue;
      const seen = new Set<number>();
      // One finding per request value: branches that page the same parameter share one fix.
      const origins = new Set<number>();
      for (const { sink, value } of sinks(source)) {
        for (const operand of operands(value)) {
          const trace = sizeTrace(ctx, source, operand);
          if (!trace || capped(trace, sink) || seen.has(sink.id) || origins.has(trace.origin.id)) continue;
          seen.add(sink.id);
          origins.add(trace.origin.id);
          const fn = sink.childForFieldName('function');
          const sinkText = fn ? `${fn.text.replace(/\s*\n\s*/g, '')}(…)` : (sink.text.split('\n')[0]?.trim().slice(0, 60) ?? '');
          report({ messageId: 'uncapped', data: { value: `\`${operand.text}\``, origin: `\`${trace.origin.text.slice(0, 60)}\``, sink: sinkText }, ...at(ctx, source, sink) });
        }
      }
    }
  },
});
