import { isInside } from '../../analysis/code-auth.js';
import { appAt, appContext, appsOf, describeApp, endpointsOfApp, handlerOf, sourcesOf, workspaceHas, type HandlerInfo } from '../../analysis/code-transport.js';
import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';

const NO_STORE = /no-store|\bnever_cache\b|cache_control\([^)]*no_store\s*=\s*True|\bnocache\s*\(|\bnoCache\b/;

/** `no-store` set outside every handler: a middleware, hook or decorator that covers the app. */
function setGlobally(ctx: CheckContext, handlers: readonly HandlerInfo[], family: 'js' | 'python'): boolean {
  for (const { source, node } of noStoreWrites(ctx, family)) {
    if (!handlers.some((handler) => handler.source === source && isInside(node, handler.node))) return true;
  }
  return false;
}

const noStoreCache = new WeakMap<CheckContext, Map<string, { source: SourceFile; node: Node }[]>>();

/** Where the family's sources write `no-store`, found once per context rather than once per app. */
function noStoreWrites(ctx: CheckContext, family: 'js' | 'python'): { source: SourceFile; node: Node }[] {
  let byFamily = noStoreCache.get(ctx);
  if (!byFamily) noStoreCache.set(ctx, (byFamily = new Map<string, { source: SourceFile; node: Node }[]>()));
  let writes = byFamily.get(family);
  if (writes) return writes;
  writes = [];
  for (const source of sourcesOf(ctx, family)) {
    const pattern = new RegExp(NO_STORE.source, 'g');
    for (let match = pattern.exec(source.text); match; match = pattern.exec(source.text)) {
      const node = source.tree.rootNode.descendantForIndex(match.index);
      if (node) writes.push({ source, node });
    }
  }
  byFamily.set(family, writes);
  return writes;
}

export default defineCheck({
  id: 'sensitive-response-cacheable',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Sensitive responses without `Cache-Control: no-store`',
  owasp: 'API8:2023',
  cwe: ['CWE-524', 'CWE-525'],
  severity: 'low',
  confidence: 'medium',
  section: 'cors-transport',
  targets: ['code', 'inventory'],
  rationale:
    'Without `Cache-Control: no-store`, browsers, corporate proxies and CDNs may keep copies of account, payment or personal data and serve them to the next user of a shared machine or cache key.',
  remediation:
    'Send `Cache-Control: no-store` on sensitive responses, from one middleware: Express `app.use((req, res, next) => { res.set(\'Cache-Control\', \'no-store\'); next(); })` or the `nocache` package; Fastify an `onSend` hook; Django `@never_cache` or `@cache_control(no_store=True)`; FastAPI / Flask an `after_request` / HTTP middleware setting `response.headers["Cache-Control"] = "no-store"`; nginx `add_header Cache-Control "no-store" always;`.',
  messages: {
    endpoints: 'Responses of {{count}} of {{app}} may be cached: nothing sets `Cache-Control: no-store` on {{list}}.',
  },
  run(ctx, report) {
    if (workspaceHas(ctx, 'js', undefined, /Cache-Control['"]?\s+['"]?[^;]*no-store/i)) return;
    for (const app of appsOf(ctx)) {
      const endpoints = endpointsOfApp(ctx, app);
      const handlers = endpoints.flatMap((endpoint) => {
        const handler = handlerOf(ctx, endpoint);
        return handler ? [{ endpoint, handler }] : [];
      });
      if (setGlobally(appContext(ctx, app), handlers.map((entry) => entry.handler), app.family)) continue;
      const exposed = handlers.filter(
        ({ endpoint, handler }) =>
          endpoint.method.toUpperCase() === 'GET' && (endpoint.tier === 'critical' || endpoint.tier === 'high') && endpoint.auth.state !== 'public' && !NO_STORE.test(handler.routeText),
      );
      if (exposed.length === 0) continue;
      const names = exposed.map(({ endpoint }) => `\`${endpoint.method} ${endpoint.path}\``);
      const list = names.length > 4 ? `${names.slice(0, 4).join(', ')} and ${names.length - 4} more` : names.join(', ');
      report({
        messageId: 'endpoints',
        data: { app: describeApp(app), count: exposed.length === 1 ? '1 sensitive endpoint' : `${exposed.length} sensitive endpoints`, list },
        ...appAt(ctx, app),
        occurrences: exposed.length,
      });
    }
  },
});
