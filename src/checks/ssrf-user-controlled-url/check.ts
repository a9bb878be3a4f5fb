import { callAt, functionText, hitData, taintedSinks, URL_GUARD, type SinkMatch } from '../../analysis/code-input.js';
import { outboundCallOf } from '../../analysis/outbound.js';
import type { CallSite } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { goSsrf } from './go.js';
import { javaSsrf } from './java.js';
import { kotlinSsrf } from './kotlin.js';
import { phpSsrf } from './php.js';
import { connectsThroughPinnedAgent } from './js.js';
import { at } from '../../analysis/code-auth.js';
import { lineSnippet } from '../../analysis/code-transport.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { goSite } from '../../analysis/go-taint.js';

function match(source: SourceFile, call: CallSite): SinkMatch | undefined {
  const outbound = outboundCallOf(source, call);
  if (!outbound?.url) return undefined;
  return { args: [outbound.url], what: call.written };
}

export default defineCheck({
  id: 'ssrf-user-controlled-url',
  title: 'Server-side request to a URL from the request',
  owasp: 'API7:2023',
  cwe: ['CWE-918'],
  severity: 'high',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  specCounterparts: ['ssrf-url-input'],
  rationale:
    'When the service fetches a URL the caller chose, the caller can make it reach internal services, the cloud metadata endpoint (`169.254.169.254`) or localhost admin ports from inside the network.',
  remediation:
    'Accept only URLs whose scheme is `https` and whose host is on an allowlist, resolve the host and reject private, loopback and link-local addresses (`ipaddress.ip_address(addr).is_private`), and do not follow redirects to other hosts; in Node use `request-filtering-agent` or `ssrf-req-filter` as the HTTP agent; in PHP check `parse_url($url, PHP_URL_HOST)` against an allowlist before `Http::get($url)` / Guzzle, or give the client a fixed `base_uri` (`Http::baseUrl(config(\'services.x.url\'))`) and pass only a path.',
  messages: {
    direct: '`{{call}}` fetches a URL taken from the request (`{{origin}}`) without an allowlist or private-address check.',
    wrapper: '`{{call}}` passes a URL from the request (`{{origin}}`) to `{{wrapper}}`, which fetches it with `{{sink}}` at {{file}}:{{line}} without an allowlist.',
  },
  run(ctx, report) {
    const hits = taintedSinks(ctx, {
      kind: 'url',
      match,
      accept: (source, call) => !URL_GUARD.test(functionText(call.node)) && !connectsThroughPinnedAgent(ctx, source, call),
    });
    for (const hit of hits) {
      report({ messageId: hit.via ? 'wrapper' : 'direct', data: hitData(hit), ...callAt(ctx, hit.source, hit.call) });
    }
    for (const hit of goSsrf(ctx.sources)) {
      const data = { call: hit.written, origin: hit.origin };
      if (!hit.via) report({ messageId: 'direct', data, ...goSite(ctx, hit.source, hit.call) });
      else {
        const sink = { wrapper: hit.via.wrapper, sink: hit.via.sinkWritten, file: hit.via.source.file, line: hit.via.sink.startPosition.row + 1 };
        report({ messageId: 'wrapper', data: { ...data, ...sink }, ...goSite(ctx, hit.source, hit.call), confidence: 'medium' });
      }
    }
    for (const hit of kotlinSsrf(ctx.sources, ctx.infra)) {
      report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.node.text.split('\n')[0] ?? '') });
    }
    for (const hit of javaSsrf(ctx.sources, ctx.infra)) {
      report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.snippet) });
    }
    for (const hit of phpSsrf(ctx.sources)) {
      report({ messageId: 'direct', data: { call: hit.call, origin: hit.origin }, ...at(ctx, hit.source, hit.node, lineSnippet(hit.source, hit.node)) });
    }
  },
});
