import { stringAt } from '../../analysis/openapi.js';
import { calibrateFor, schemeUsage } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const STATES_PRACTICES = /RFC\s*8725|BCP\s*225|JWT Best Current Practices/i;

export default defineCheck({
  id: 'jwt-practices-unstated',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'JWT scheme without RFC 8725 practices',
  owasp: 'API2:2023',
  cwe: ['CWE-347'],
  severity: 'low',
  confidence: 'medium',
  section: 'authentication',
  targets: ['openapi'],
  peerRules: ['owasp:api2:2023-jwt-best-practices'],
  rationale:
    'Most JWT breaches come from validation shortcuts RFC 8725 warns about: accepting `alg: none`, taking the algorithm from the token, skipping `exp`, `aud` or `iss`. A scheme that does not commit to those practices leaves every client and gateway to guess what is enforced.',
  remediation:
    "State in the scheme's `description` that tokens follow RFC 8725 (pinned asymmetric algorithm such as RS256 or EdDSA, `exp`/`iss`/`aud` always validated, short lifetime), and enforce exactly that in the token validator.",
  messages: {
    oauth: 'OAuth 2 security scheme `{{scheme}}` does not state that its tokens follow RFC 8725 JWT best practices.',
    jwt: 'JWT bearer security scheme `{{scheme}}` does not state that its tokens follow RFC 8725 JWT best practices.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      for (const use of schemeUsage(ctx, doc)) {
        const type = stringAt(use.node, 'type');
        const description = stringAt(use.node, 'description') ?? '';
        const bearerFormat = stringAt(use.node, 'bearerFormat') ?? '';
        const isBearer = type === 'http' && (stringAt(use.node, 'scheme') ?? '').toLowerCase() === 'bearer';
        const isJwt = /\bjw[ts]\b/i.test(bearerFormat) || (isBearer && /\b(jwt|jws|json web token)/i.test(description));
        if (type !== 'oauth2' && !isJwt) continue;
        if (STATES_PRACTICES.test(description)) continue;
        report({
          messageId: type === 'oauth2' ? 'oauth' : 'jwt',
          data: { scheme: use.name },
          location: doc.locate(use.node),
          severity: calibrateFor('low', use.operations),
          evidence: { snippet: bearerFormat ? `bearerFormat: ${bearerFormat}` : `type: ${type ?? ''}` },
          ...(use.operations.length > 0 ? { occurrences: use.operations.length } : {}),
        });
      }
    }
  },
});
