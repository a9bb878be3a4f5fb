import { stringAt } from '../../analysis/openapi.js';
import { calibrateFor, schemeUsage } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'http-basic-auth',
  title: 'HTTP Basic authentication',
  owasp: 'API2:2023',
  cwe: ['CWE-522'],
  severity: 'medium',
  confidence: 'high',
  section: 'authentication',
  targets: ['openapi'],
  peerRules: ['owasp:api2:2023-no-http-basic'],
  rationale:
    'HTTP Basic sends a long-lived username and password (or secret key) with every request, merely base64-encoded. One leaked request, log line or proxy capture gives an attacker the credential itself, with no expiry and no scope.',
  remediation:
    'Replace the `type: http, scheme: basic` scheme with OAuth 2 (`type: oauth2` with the authorization code or client credentials flow) or short-lived bearer tokens (`type: http, scheme: bearer`), and retire the Basic credentials.',
  messages: {
    basic: 'Security scheme `{{scheme}}` uses HTTP Basic, which sends a reusable password with every request.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      for (const use of schemeUsage(ctx, doc)) {
        const type = stringAt(use.node, 'type')?.toLowerCase();
        const scheme = stringAt(use.node, 'scheme')?.toLowerCase() ?? '';
        const basic = doc.format === 'swagger-2.0' ? type === 'basic' : type === 'http' && scheme.includes('basic');
        if (!basic) continue;
        report({
          messageId: 'basic',
          data: { scheme: use.name },
          location: doc.locate(use.node),
          severity: calibrateFor('medium', use.operations),
          evidence: { snippet: doc.format === 'swagger-2.0' ? 'type: basic' : `scheme: ${scheme}` },
          ...(use.operations.length > 0 ? { occurrences: use.operations.length } : {}),
        });
      }
    }
  },
});
