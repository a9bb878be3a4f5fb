import type { Node } from 'web-tree-sitter';
import { at, objectOf, resolveValue } from '../../analysis/code-auth.js';
import { stringValue } from '../../analysis/code.js';
import { familyOf, isTestFile, lineSnippet } from '../../analysis/code-transport.js';
import { outboundRequests } from '../../analysis/outbound.js';
import defineCheck from '../define-check.js';

const NAMES = 'api[_-]?key|apikey|access[_-]?token|auth[_-]?token|token|secret|client[_-]?secret|app[_-]?secret|password|passwd|pwd|private[_-]?key';
const IN_URL = new RegExp(`[?&](${NAMES})=`, 'i');
const PARAM = new RegExp(`^(${NAMES})$`, 'i');

function paramKeys(object: Node | undefined): { key: string; node: Node }[] {
  const out: { key: string; node: Node }[] = [];
  for (const child of object?.namedChildren ?? []) {
    if (!child) continue;
    if (child.type === 'pair') {
      const key = child.childForFieldName('key');
      const text = key ? (stringValue(key) ?? (key.type === 'property_identifier' ? key.text : undefined)) : undefined;
      if (text !== undefined && PARAM.test(text)) out.push({ key: text, node: child });
    } else if (child.type === 'shorthand_property_identifier' && PARAM.test(child.text)) out.push({ key: child.text, node: child });
  }
  return out;
}

export default defineCheck({
  id: 'sensitive-value-in-outbound-query',
  // Under 50% useful precision on the real-world corpus (bench/realworld, 1 of 4 useful: tokens a third party requires in its query, front-end pages calling their own API): off unless --experimental.
  experimental: true,
  title: 'Credential sent in an outbound query string',
  owasp: 'API8:2023',
  cwe: ['CWE-598', 'CWE-532'],
  severity: 'medium',
  confidence: 'medium',
  section: 'cors-transport',
  targets: ['code'],
  rationale:
    'Query strings are written to access logs, proxy and CDN logs, APM traces and error reports on both sides of the call; an API key or password put there outlives the request and is read by everyone with access to those logs.',
  remediation:
    'Send credentials in a header: Python `requests.get(url, headers={"Authorization": f"Bearer {token}"})`; Node `fetch(url, { headers: { Authorization: `Bearer ${token}` } })` or axios `{ headers: { \'X-API-Key\': key } }`. If the provider only accepts a query parameter, keep that URL out of logs and error messages.',
  messages: {
    url: 'The outbound request `{{call}}` puts `{{name}}` in the URL query string.',
    params: 'The outbound request `{{call}}` sends `{{name}}` as a query parameter.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      const family = familyOf(source);
      if (!family || isTestFile(source.file)) continue;
      for (const outbound of outboundRequests(source)) {
        const call = `${outbound.call.written}(…)`;
        const url = resolveValue(source, outbound.url);
        const match = url ? IN_URL.exec(url.text) : null;
        if (match) {
          report({ messageId: 'url', data: { call, name: match[1] ?? '' }, ...at(ctx, source, outbound.call.node, lineSnippet(source, outbound.call.node)) });
          continue;
        }
        const params =
          family === 'python'
            ? objectOf(source, outbound.call.kwargs.get('params'))
            : objectOf(source, propertyNode(source, outbound.options, 'params') ?? propertyNode(source, outbound.options, 'searchParams') ?? propertyNode(source, outbound.options, 'qs') ?? propertyNode(source, outbound.options, 'query'));
        const sensitive = paramKeys(params)[0];
        if (sensitive) report({ messageId: 'params', data: { call, name: sensitive.key }, ...at(ctx, source, outbound.call.node, lineSnippet(source, outbound.call.node)) });
      }
    }
  },
});

function propertyNode(source: Parameters<typeof objectOf>[0], object: Node | undefined, key: string): Node | undefined {
  const found = object?.namedChildren.find((child) => child?.type === 'pair' && (child.childForFieldName('key')?.text ?? '').replace(/['"]/g, '') === key);
  const value = found?.childForFieldName('value') ?? undefined;
  return value ? resolveValue(source, value) : undefined;
}
