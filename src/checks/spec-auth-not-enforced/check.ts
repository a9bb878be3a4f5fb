import { credentialEntry, isAuthFlowPath } from '../../analysis/credential-entry.js';
import { codeSource } from '../../analysis/drift.js';
import { isPublicProbe } from '../../analysis/openapi-security.js';
import { calibrate, effectiveSecurity, operations, requiresAuth } from '../../analysis/openapi.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'spec-auth-not-enforced',
  title: 'Authentication documented in the spec but not enforced by the code',
  owasp: 'API2:2023',
  cwe: ['CWE-306'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  // The spec's claims, judged against the routes' code (a credential-entry handler is exempt).
  targets: ['openapi', 'code'],
  rationale:
    'Consumers, gateways and reviewers trust the description: when it says an operation needs credentials but the route that implements it runs no authentication, anyone who calls the service directly (bypassing a gateway, from inside the network, or after a gateway change) gets in.',
  remediation:
    'Apply the authentication middleware, dependency or guard to the route itself (e.g. `router.get(path, requireAuth, handler)`, `Depends(get_current_user)`, `@UseGuards(JwtAuthGuard)`), not only at the gateway, and keep the spec and the code in step with a contract test.',
  messages: {
    notEnforced:
      '`{{method}} {{path}}` requires `{{schemes}}` in the OpenAPI description, but no authentication applies to the route that implements it.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      for (const op of operations(ctx, doc)) {
        const endpoint = op.endpoint;
        // Only a provable absence counts: `unknown` code evidence never fires.
        if (!endpoint || endpoint.auth.state !== 'unprotected') continue;
        const code = codeSource(endpoint);
        if (!code) continue;
        const security = effectiveSecurity(op);
        if (!requiresAuth(security)) continue;
        // A login, token refresh or SSO step cannot require the credential it hands out, nor a health
        // probe: when the operation only inherits the document's default `security`, the spec is wrong.
        if (security.declaredAt === 'global' && (isPublicProbe(endpoint) || isAuthFlowPath(endpoint.path) || credentialEntry(ctx, endpoint))) continue;
        const schemes = [...new Set(security.requirements.flatMap((requirement) => Object.keys(requirement)))].join(' or ');
        report({
          messageId: 'notEnforced',
          data: { method: endpoint.method, path: endpoint.path, schemes },
          location: code.location,
          endpointId: endpoint.id,
          severity: calibrate('high', endpoint),
          evidence: { snippet: `${endpoint.method} ${endpoint.path}`, spec: doc.locate(op.node).line },
        });
      }
    }
  },
});
