import { stringAt } from '../../analysis/openapi.js';
import { calibrateFor, oauthFlows, schemeUsage } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

// Client credentials must not issue refresh tokens (RFC 6749 §4.4.3) and implicit cannot; implicit is its own finding.
const REFRESHABLE = new Set(['authorizationCode', 'password']);

export default defineCheck({
  id: 'oauth-flow-without-refresh',
  title: 'OAuth flow without refresh tokens',
  owasp: 'API2:2023',
  cwe: ['CWE-613'],
  severity: 'low',
  confidence: 'medium',
  section: 'authentication',
  targets: ['openapi'],
  peerRules: ['owasp:api2:2023-short-lived-access-tokens'],
  rationale:
    'Without a refresh endpoint, clients of a user-facing flow can only stay signed in if access tokens live long; a stolen long-lived access token keeps working for its whole lifetime.',
  remediation:
    'Issue short-lived access tokens (minutes) with rotating refresh tokens, and declare the refresh endpoint on the flow: `flows: { authorizationCode: { refreshUrl: https://auth.example.com/oauth/token, … } }`.',
  messages: {
    noRefresh: 'OAuth flow `{{flow}}` of security scheme `{{scheme}}` declares no `refreshUrl`.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      if (doc.format === 'swagger-2.0') continue;
      for (const use of schemeUsage(ctx, doc)) {
        for (const flow of oauthFlows(doc, use.node)) {
          if (!REFRESHABLE.has(flow.name) || stringAt(flow.node, 'refreshUrl')) continue;
          // A flow without its required `tokenUrl` is a skeleton (doc generators such as Scramble emit
          // only the authorize URL): it documents no token endpoint at all, so a missing refresh URL
          // says nothing about whether refresh tokens are issued there.
          if (!stringAt(flow.node, 'tokenUrl')?.trim()) continue;
          report({
            messageId: 'noRefresh',
            data: { scheme: use.name, flow: flow.name },
            location: doc.locate(flow.node),
            severity: calibrateFor('low', use.operations),
            evidence: { snippet: `${flow.name}: no refreshUrl` },
            ...(use.operations.length > 0 ? { occurrences: use.operations.length } : {}),
          });
        }
      }
    }
  },
});
