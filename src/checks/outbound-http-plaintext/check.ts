import type { Node } from 'web-tree-sitter';
import { isPython, resolveValue } from '../../analysis/code-auth.js';
import { callAt, optionValue, siteOf } from '../../analysis/code-input.js';
import { outboundCalls } from '../../analysis/outbound.js';
import { factsOf, stringValue } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';

const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|0\.0\.0\.0|\[?::1\]?|10\.\d+\.\d+\.\d+|192\.168\.\d+\.\d+|172\.(1[6-9]|2\d|3[01])\.\d+\.\d+|169\.254\.\d+\.\d+|[^.]+|.+\.(local|internal|localhost|svc|cluster\.local|test|example|invalid))$/i;

/** The literal start of a URL expression, following constants and the first interpolation. */
function urlPrefix(source: SourceFile, node: Node | undefined, depth = 0): string | undefined {
  if (!node || depth > 4) return undefined;
  const resolved = resolveValue(source, node) ?? node;
  const literal = stringValue(resolved);
  if (literal !== undefined) return literal;
  if (resolved.type === 'template_string' || resolved.type === 'string') {
    const first = resolved.namedChildren.find((child) => child?.type !== 'string_start');
    if (!first) return undefined;
    if (first.type === 'string_fragment' || first.type === 'string_content') return first.text;
    if (first.type === 'template_substitution' || first.type === 'interpolation') return urlPrefix(source, first.namedChildren[0] ?? undefined, depth + 1);
    return undefined;
  }
  if (resolved.type === 'binary_expression' || resolved.type === 'binary_operator') return urlPrefix(source, resolved.childForFieldName('left') ?? undefined, depth + 1);
  return undefined;
}

function plaintextHost(prefix: string | undefined): string | undefined {
  const match = prefix === undefined ? null : /^http:\/\/([^/:?#]+)/i.exec(prefix);
  const host = match?.[1];
  return host !== undefined && !LOCAL_HOST.test(host) ? host : undefined;
}

export default defineCheck({
  id: 'outbound-http-plaintext',
  title: 'Outbound API call over plain HTTP',
  owasp: 'API10:2023',
  cwe: ['CWE-319'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'A call to a third-party or partner API over `http://` sends credentials and data in clear text and accepts whatever a network attacker answers, so the response cannot be trusted.',
  remediation:
    'Call the API over `https://` and keep certificate verification on: `requests.post("https://api.partner.com/…", timeout=10)`, `axios.create({ baseURL: "https://api.partner.com" })`; move the base URL to configuration and reject `http:` values at startup.',
  messages: {
    call: '`{{call}}` calls `{{host}}` over plain HTTP.',
    base: '`{{call}}` sets a plain-HTTP base URL for `{{host}}`.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      for (const outbound of outboundCalls(source)) {
        const host = plaintextHost(urlPrefix(source, outbound.url));
        if (host) report({ messageId: 'call', data: { call: outbound.call.written, host }, ...callAt(ctx, source, outbound.call) });
      }
      for (const call of factsOf(source).calls) {
        const isClient = isPython(source) ? /^(httpx\.(Client|AsyncClient)|aiohttp\.ClientSession)$/.test(call.callee) : /^(axios\.create|got\.extend|ky\.create)$/.test(call.callee);
        if (!isClient) continue;
        const options = isPython(source) ? undefined : resolveValue(source, call.args[0]);
        const value = isPython(source) ? call.kwargs.get('base_url') : optionValue(call, options?.type === 'object' ? options : undefined, call.callee.startsWith('got') ? 'prefixUrl' : 'baseURL');
        const host = plaintextHost(urlPrefix(source, value));
        if (host && value) report({ messageId: 'base', data: { call: call.written, host }, ...siteOf(ctx, source, value) });
      }
    }
  },
});
