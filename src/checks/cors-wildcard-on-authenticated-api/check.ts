import { at } from '../../analysis/code-auth.js';
import { corsPolicies, lineSnippet, policyAt } from '../../analysis/code-transport.js';
import defineCheck from '../define-check.js';
import { csharpCorsProviders } from '../../collectors/code/plugins.js';

export default defineCheck({
  id: 'cors-wildcard-on-authenticated-api',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Wildcard CORS origin on an authenticated API',
  owasp: 'API8:2023',
  cwe: ['CWE-942'],
  severity: 'low',
  confidence: 'medium',
  section: 'cors-transport',
  targets: ['code', 'inventory'],
  rationale:
    'An API that requires authentication serves known clients, yet `*` lets every website call it from a user\'s browser and read what comes back; a token kept by the front end, an API on an internal network or a later switch to cookies turns that into data exposure.',
  remediation:
    'Replace `*` with the front ends that call the API: Express `cors({ origin: [\'https://app.example.com\'] })`; Fastify `fastify.register(cors, { origin: [\'https://app.example.com\'] })`; FastAPI `allow_origins=["https://app.example.com"]`; Flask `CORS(app, origins=["https://app.example.com"])`; Django `CORS_ALLOWED_ORIGINS`; ASP.NET Core `policy.WithOrigins("https://app.example.com")` instead of `AllowAnyOrigin()`.',
  messages: {
    wildcard: '`{{label}}` allows every origin on an API where {{count}} require authentication, e.g. `{{example}}`.',
  },
  run(ctx, report) {
    const authenticated = ctx.inventory.endpoints.filter(
      (endpoint) => endpoint.auth.state === 'protected' && endpoint.sources.some((source) => source.kind === 'code'),
    );
    const example = authenticated[0];
    if (!example) return;
    const count = authenticated.length === 1 ? '1 endpoint' : `${authenticated.length} endpoints`;
    for (const provider of csharpCorsProviders()) {
      for (const policy of provider.wildcardApplied(ctx.sources)) {
        report({ messageId: 'wildcard', data: { label: policy.label, count, example: `${example.method} ${example.path}` }, ...at(ctx, policy.source, policy.node, lineSnippet(policy.source, policy.node)) });
      }
    }
    for (const policy of corsPolicies(ctx)) {
      if (policy.origins.kind !== 'wildcard' || policy.credentials || !policy.global) continue;
      const count = authenticated.length === 1 ? '1 endpoint' : `${authenticated.length} endpoints`;
      report({ messageId: 'wildcard', data: { label: policy.label, count, example: `${example.method} ${example.path}` }, ...policyAt(ctx, policy) });
    }
  },
});
