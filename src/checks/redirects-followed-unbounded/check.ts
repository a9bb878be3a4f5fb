import { isPython, resolveValue } from '../../analysis/code-auth.js';
import { callAt, functionText, hitData, optionValue, siteOf, taintedSinks, URL_GUARD, type SinkMatch } from '../../analysis/code-input.js';
import { outboundCallOf } from '../../analysis/outbound.js';
import { type CallSite, factsOf, literalValue, nodesOfType, stringValue } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

const LIMIT = 20;

/** True when the client follows redirects for this call (each library's default included). */
function follows(source: SourceFile, call: CallSite, library: string, options: import('web-tree-sitter').Node | undefined): boolean {
  const value = (name: string): unknown => {
    const node = optionValue(call, options, name);
    return node ? literalValue(resolveValue(source, node)) : undefined;
  };
  if (isPython(source)) {
    if (library === 'httpx') return value('follow_redirects') === true;
    if (library === 'urllib') return true;
    return value('allow_redirects') !== false && !/\.head$/.test(call.callee);
  }
  if (library === 'fetch' || library === 'node-fetch' || library === 'undici') {
    const redirect = optionValue(call, options, 'redirect');
    return !redirect || stringValue(resolveValue(source, redirect)) === 'follow';
  }
  if (library === 'axios') return value('maxRedirects') !== 0 && value('beforeRedirect') === undefined;
  if (library === 'got') return value('followRedirect') !== false;
  return false;
}

export default defineCheck({
  id: 'redirects-followed-unbounded',
  title: 'Redirects followed past a URL check or without a limit',
  owasp: 'API10:2023',
  cwe: ['CWE-918', 'CWE-601'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'A URL that passed an allowlist or private-address check can still redirect to `http://169.254.169.254/` or an internal host, and the client follows it; a huge redirect limit lets an upstream keep a worker busy in a loop.',
  remediation:
    'Turn off automatic redirects for URLs that came from the caller and re-validate each hop yourself: `requests.get(url, allow_redirects=False, timeout=10)`, httpx without `follow_redirects=True`, axios `maxRedirects: 0`, `fetch(url, { redirect: "manual" })`, got `followRedirect: false`; elsewhere keep the limit small (`maxRedirects: 5`).',
  messages: {
    afterCheck: '`{{call}}` follows redirects for a URL from the request (`{{origin}}`), so the host check before it can be bypassed by a redirect.',
    limit: '`{{expression}}` lets the client follow {{limit}} redirects.',
  },
  run(ctx, report) {
    const hits = taintedSinks(ctx, {
      kind: 'url',
      match(source: SourceFile, call: CallSite): SinkMatch | undefined {
        const outbound = outboundCallOf(source, call);
        if (!outbound?.url || !follows(source, call, outbound.library, outbound.options)) return undefined;
        return { args: [outbound.url], what: call.written };
      },
      accept: (_source, call) => URL_GUARD.test(functionText(call.node)),
    });
    for (const hit of hits) {
      if (!hit.via) report({ messageId: 'afterCheck', data: hitData(hit), ...callAt(ctx, hit.source, hit.call) });
    }
    for (const source of ctx.sources) {
      const nodes = isPython(source)
        ? [...factsOf(source).calls.map((call) => call.kwargs.get('max_redirects')), ...nodesOfType(source, 'assignment').filter((node) => /\.max_redirects$/.test(node.childForFieldName('left')?.text ?? '')).map((node) => node.childForFieldName('right'))]
        : nodesOfType(source, 'pair').filter((pair) => /^(maxRedirects|follow|maxRedirections)$/.test(pair.childForFieldName('key')?.text ?? '')).map((pair) => pair.childForFieldName('value'));
      for (const node of nodes) {
        if (!node) continue;
        const value = literalValue(resolveValue(source, node));
        const infinite = node.text === 'Infinity' || node.text === 'Number.MAX_SAFE_INTEGER';
        if (!infinite && (typeof value !== 'number' || value <= LIMIT)) continue;
        const holder = parentOf(node) ?? node;
        report({ messageId: 'limit', data: { expression: holder.text.replace(/\s+/g, ' ').slice(0, 60), limit: infinite ? 'unlimited' : String(value) }, ...siteOf(ctx, source, holder) });
      }
    }
  },
});
