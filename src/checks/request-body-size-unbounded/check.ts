import type { Node } from 'web-tree-sitter';
import { at, isJs, isPython, objectOf, option, resolveValue } from '../../analysis/code-auth.js';
import { factsOf, literalValue, nodesOfType } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { lookupTable } from '../../analysis/lookup.js';

const MB = 1024 * 1024;
const UNITS: Record<string, number> = lookupTable({ b: 1, kb: 1024, k: 1024, mb: MB, m: MB, gb: 1024 * MB, g: 1024 * MB });

/** Bytes from `'50mb'`, `52428800`, `50 * 1024 * 1024`, `Infinity`; undefined when unknown. */
export function byteSize(source: SourceFile, node: Node | undefined, depth = 0): number | undefined {
  if (!node || depth > 5) return undefined;
  const resolved = resolveValue(source, node) ?? node;
  if (resolved.text === 'Infinity' || resolved.text === 'Number.MAX_SAFE_INTEGER') return Infinity;
  const value = literalValue(resolved);
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?|[kmg])\s*$/i.exec(value);
    if (!match) return undefined;
    return Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase() || 'b'] ?? 1);
  }
  if ((resolved.type === 'binary_expression' || resolved.type === 'binary_operator') && resolved.childForFieldName('operator')?.text === '*') {
    const left = byteSize(source, resolved.childForFieldName('left') ?? undefined, depth + 1);
    const right = byteSize(source, resolved.childForFieldName('right') ?? undefined, depth + 1);
    return left === undefined || right === undefined ? undefined : left * right;
  }
  return undefined;
}

function human(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'no limit';
  if (bytes >= 1024 * MB) return `${Math.round((bytes / (1024 * MB)) * 10) / 10} GB`;
  if (bytes >= MB) return `${Math.round((bytes / MB) * 10) / 10} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}

const PARSERS = /^(express|body-parser|koa-body|@koa\/bodyparser|koa-bodyparser)\.(json|urlencoded|text|raw)$|^(koa-bodyparser|@koa\/bodyparser|koa-body)(\.default|\.bodyParser)?$/;

export default defineCheck({
  id: 'request-body-size-unbounded',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Request body size unbounded or very large',
  owasp: 'API4:2023',
  cwe: ['CWE-770', 'CWE-400'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'Every request body is buffered and parsed before the handler runs; a limit of tens of megabytes (or none) lets a few concurrent clients exhaust memory and CPU with oversized JSON, a cheap denial of service.',
  remediation:
    'Keep the parser limit close to the largest legitimate payload, and raise it only on the routes that need more: `express.json({ limit: "100kb" })`, `Fastify({ bodyLimit: 1048576 })`, `DATA_UPLOAD_MAX_MEMORY_SIZE = 2621440` (Django), `app.config["MAX_CONTENT_LENGTH"] = 16 * 1024 * 1024` (Flask), `client_max_body_size 1m;` (nginx); stream large uploads instead of buffering them.',
  messages: {
    parser: '`{{call}}` accepts request bodies of up to {{size}}.',
    nginx: '`client_max_body_size {{value}}` lets the proxy pass request bodies of {{size}} to the app.',
    django: '`DATA_UPLOAD_MAX_MEMORY_SIZE = {{value}}` removes Django\'s limit on the size of request bodies read into memory.',
    flask: 'The Flask app accepts file uploads ({{upload}}) but `MAX_CONTENT_LENGTH` is never set, so request bodies have no size limit.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      if (isJs(source)) {
        for (const call of factsOf(source).calls) {
          const options = objectOf(source, call.args[0]);
          let limitNode: Node | undefined;
          let threshold = MB;
          if (PARSERS.test(call.callee)) {
            limitNode = option(source, options, 'limit') ?? option(source, options, 'jsonLimit') ?? option(source, options, 'formLimit');
            if (/\.raw$/.test(call.callee)) threshold = 10 * MB;
          } else if (/^(fastify(\.default|\.fastify)?|Fastify)$/.test(call.callee) || /\.useBodyParser$/.test(call.written)) {
            const target = /\.useBodyParser$/.test(call.written) ? objectOf(source, call.args[1]) : options;
            limitNode = option(source, target, /\.useBodyParser$/.test(call.written) ? 'limit' : 'bodyLimit');
          }
          const size = byteSize(source, limitNode);
          if (!limitNode || size === undefined || size <= threshold) continue;
          report({ messageId: 'parser', data: { call: `${call.written}(…)`, size: human(size) }, ...at(ctx, source, call.node), severity: size >= 10 * MB ? 'medium' : 'low' });
        }
      } else if (isPython(source)) {
        for (const node of nodesOfType(source, 'assignment')) {
          if (node.childForFieldName('left')?.text !== 'DATA_UPLOAD_MAX_MEMORY_SIZE') continue;
          const right = node.childForFieldName('right') ?? undefined;
          const size = right?.type === 'none' ? Infinity : byteSize(source, right);
          if (size !== undefined && size > 10 * MB) report({ messageId: 'django', data: { value: right?.text ?? '' }, ...at(ctx, source, node) });
        }
      }
    }
    const python = ctx.sources.filter(isPython);
    const flaskApps = python.flatMap((source) => factsOf(source).calls.filter((call) => call.callee === 'flask.Flask').map((call) => ({ source, call })));
    const upload = python.find((source) => /\brequest\.files\b/.test(source.text));
    const configured = python.some((source) => /MAX_CONTENT_LENGTH|MAX_FORM_MEMORY_SIZE/.test(source.text)) || ctx.infra.some((file) => /MAX_CONTENT_LENGTH/.test(file.text));
    const app = flaskApps[0];
    if (app && upload && !configured) {
      report({ messageId: 'flask', data: { upload: `\`request.files\` in ${upload.file}` }, ...at(ctx, app.source, app.call.node) });
    }
    for (const file of ctx.infra) {
      if (file.kind !== 'nginx') continue;
      for (const match of file.text.matchAll(/^\s*client_max_body_size\s+(\S+?);/gm)) {
        const value = match[1] ?? '';
        const number = /^(\d+)([kmg]?)$/i.exec(value);
        const size = value === '0' ? Infinity : number ? Number(number[1]) * (UNITS[(number[2] ?? '').toLowerCase()] ?? 1) : undefined;
        if (size === undefined || size <= 100 * MB) continue;
        const line = file.text.slice(0, match.index).split('\n').length + (match[0].startsWith('\n') ? 1 : 0);
        report({ messageId: 'nginx', data: { value, size: human(size) }, location: { file: file.file, line }, evidence: { snippet: match[0].trim() }, key: `${file.file}:${value}` });
      }
    }
  },
});
