import { corsPolicies, developmentOnly, judgeOriginRegex, policyAt } from '../../analysis/code-transport.js';
import defineCheck from '../define-check.js';
import { at } from '../../analysis/code-auth.js';
import { rackCorsGaps } from './ruby.js';
import { goReflections } from './go.js';

export default defineCheck({
  id: 'cors-origin-reflected',
  title: 'Request origin reflected in CORS with credentials',
  owasp: 'API8:2023',
  cwe: ['CWE-942', 'CWE-346'],
  severity: 'high',
  confidence: 'high',
  section: 'cors-transport',
  targets: ['code', 'inventory'],
  rationale:
    'Echoing the request\'s `Origin` into `Access-Control-Allow-Origin` while allowing credentials lets any website a signed-in user visits send authenticated requests to the API and read the responses: account data, tokens, payment details.',
  remediation:
    'Check the origin against an explicit allowlist before allowing it: Express `cors({ origin: [\'https://app.example.com\'], credentials: true })` or an `origin(origin, cb)` callback that calls `cb(null, allowed.includes(origin))`; FastAPI `allow_origins=["https://app.example.com"]` instead of `allow_origin_regex=".*"`; nginx `map $http_origin $cors_origin { "https://app.example.com" $http_origin; default ""; }`; rack-cors `origins "https://app.example.com", %r{\\Ahttps://[a-z0-9-]+\\.example\\.com\\z}` (anchored) instead of `%r{.*}` or a block returning true; Go rs/cors, gin-contrib/cors, echo `AllowOrigins: []string{"https://app.example.com"}` or an `AllowOriginFunc` that looks the origin up in an allowlist, gorilla `handlers.AllowedOrigins([]string{…})`, and a hand-written middleware that sets the header only `if allowed[origin]`.',
  messages: {
    reflected: 'The CORS policy `{{label}}` allows every origin, with credentials, through {{how}}.',
    regex: 'The origin pattern `{{pattern}}` matches any origin, and `{{label}}` allows credentials.',
  },
  run(ctx, report) {
    for (const gap of rackCorsGaps(ctx.sources)) {
      if (gap.kind === 'regex') report({ messageId: 'regex', data: { pattern: gap.pattern, label: gap.label }, ...at(ctx, gap.source, gap.node) });
      else report({ messageId: 'reflected', data: { how: 'an origins block that always returns true', label: gap.label }, ...at(ctx, gap.source, gap.node) });
    }
    for (const hit of goReflections(ctx.sources)) {
      report({ messageId: 'reflected', data: { how: hit.how, label: hit.label }, ...at(ctx, hit.source, hit.node) });
    }
    for (const policy of corsPolicies(ctx)) {
      if (!policy.credentials) continue;
      // `if (isProduction) { allowlist } else { origin: true }`: the development branch never serves users.
      if (policy.node && 'tree' in policy.source && developmentOnly(policy.source, policy.node)) continue;
      if (policy.origins.kind === 'reflect') {
        report({ messageId: 'reflected', data: { how: policy.origins.how, label: policy.label }, ...policyAt(ctx, policy) });
        continue;
      }
      if (policy.origins.kind !== 'list') continue;
      for (const entry of policy.origins.entries) {
        if (!entry.regex || judgeOriginRegex(entry.value, entry.regex.flags, entry.regex.semantics)?.kind !== 'any') continue;
        report({ messageId: 'regex', data: { pattern: entry.value, label: policy.label }, ...policyAt(ctx, policy, entry.node) });
      }
    }
  },
});
