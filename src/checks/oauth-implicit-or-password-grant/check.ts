import { calibrateFor, oauthFlows, schemeUsage } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'oauth-implicit-or-password-grant',
  title: 'OAuth implicit or password grant',
  owasp: 'API2:2023',
  cwe: ['CWE-522'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['openapi'],
  // The implicit grant can never have refresh tokens, so Spectral's short-lived token rule fires on it too.
  peerRules: ['owasp:api2:2023-short-lived-access-tokens'],
  rationale:
    'The implicit grant returns the access token in the redirect URL, where browser history, logs and injected scripts can read it, with no sender binding. The password grant hands the user’s password to the client application. OAuth 2.0 Security BCP (RFC 9700) forbids both.',
  remediation:
    'Replace the flow with `authorizationCode` plus PKCE (`flows: { authorizationCode: { authorizationUrl: …, tokenUrl: … } }`) for user-facing clients, or `clientCredentials` between services, and disable the old grant on the authorization server.',
  messages: {
    implicit: 'Security scheme `{{scheme}}` offers the OAuth implicit grant, which returns access tokens in the redirect URL.',
    password: 'Security scheme `{{scheme}}` offers the OAuth password grant, which hands user passwords to the client.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      for (const use of schemeUsage(ctx, doc)) {
        for (const flow of oauthFlows(doc, use.node)) {
          if (flow.name !== 'implicit' && flow.name !== 'password') continue;
          report({
            messageId: flow.name,
            data: { scheme: use.name },
            location: doc.locate(flow.node),
            severity: calibrateFor(flow.name === 'implicit' ? 'high' : 'medium', use.operations),
            evidence: { snippet: doc.format === 'swagger-2.0' ? `flow: ${flow.name}` : `flows: ${flow.name}` },
            ...(use.operations.length > 0 ? { occurrences: use.operations.length } : {}),
          });
        }
      }
    }
  },
});
