import { stringAt } from '../../analysis/openapi.js';
import { calibrateFor, schemeUsage } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const WEAK = new Map([
  ['negotiate', 'Negotiate (Kerberos/NTLM)'],
  ['ntlm', 'NTLM'],
  ['oauth', 'OAuth 1.0'],
  ['digest', 'Digest (MD5-based)'],
]);

export default defineCheck({
  id: 'insecure-http-auth-scheme',
  title: 'Outdated HTTP authentication scheme',
  owasp: 'API2:2023',
  cwe: ['CWE-327'],
  severity: 'medium',
  confidence: 'high',
  section: 'authentication',
  targets: ['openapi'],
  peerRules: ['owasp:api2:2023-auth-insecure-schemes'],
  rationale:
    'Negotiate falls back to NTLM, which is open to relay and pass-the-hash attacks; OAuth 1.0 and Digest rely on outdated signature designs and MD5. None of them gives the token scoping and expiry a modern API needs.',
  remediation:
    'Replace the scheme with OAuth 2 (`type: oauth2` with the authorization code flow and PKCE, or client credentials between services) or OpenID Connect, and turn the old scheme off at the gateway.',
  messages: {
    weak: 'Security scheme `{{scheme}}` uses the outdated {{label}} HTTP authentication scheme.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      if (doc.format === 'swagger-2.0') continue;
      for (const use of schemeUsage(ctx, doc)) {
        if (stringAt(use.node, 'type') !== 'http') continue;
        const scheme = (stringAt(use.node, 'scheme') ?? '').toLowerCase();
        const label = WEAK.get(scheme);
        if (label === undefined) continue;
        report({
          messageId: 'weak',
          data: { scheme: use.name, label },
          location: doc.locate(use.node),
          severity: calibrateFor('medium', use.operations),
          evidence: { snippet: `scheme: ${scheme}` },
          ...(use.operations.length > 0 ? { occurrences: use.operations.length } : {}),
        });
      }
    }
  },
});
