import { calibrate, effectiveSecurity, operationLabel, requiresAuth } from '../../analysis/openapi.js';
import { endpointOf, servedOperations } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const ADMIN_SEGMENT = /^(admins?|administration|administrators?|superusers?|backoffice|back-office)([-_.].*)?$/i;

export function isAdminPath(path: string): boolean {
  return path.split('/').some((segment) => ADMIN_SEGMENT.test(segment));
}

export default defineCheck({
  id: 'admin-shared-security-scheme',
  title: 'Admin operation secured like ordinary operations',
  owasp: 'API5:2023',
  cwe: ['CWE-285'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authorization',
  targets: ['openapi'],
  peerRules: ['owasp:api5:2023-admin-security-unique'],
  rationale:
    'When an admin operation accepts exactly the credentials and scopes that ordinary operations accept, nothing in the contract separates an administrator from any signed-in user: function-level authorization rests entirely on a role check in code that the spec cannot show and that is easy to forget on one route.',
  remediation:
    'Require something only administrators hold on admin operations: a dedicated scope (`security: [{ oauth2: [admin] }]`) or a separate scheme (an admin-only OAuth client, mTLS), and enforce that scope or scheme at the gateway as well as in the handler.',
  messages: {
    shared: 'Admin operation `{{operation}}` accepts `{{requirement}}`, the same credentials as non-admin operations.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const served = servedOperations(ctx, doc);
      // What ordinary operations accept: scheme → scopes seen with it ('' = any token); admin-named scopes are not ordinary.
      const ordinary = new Map<string, Set<string>>();
      for (const op of served) {
        if (isAdminPath(op.path)) continue;
        for (const requirement of effectiveSecurity(op).requirements) {
          for (const [scheme, scopes] of Object.entries(requirement)) {
            const seen = ordinary.get(scheme) ?? new Set<string>();
            for (const scope of scopes) if (!/admin/i.test(scope)) seen.add(scope);
            if (scopes.length === 0) seen.add('');
            ordinary.set(scheme, seen);
          }
        }
      }
      for (const op of served) {
        if (!isAdminPath(op.path)) continue;
        const security = effectiveSecurity(op);
        if (!requiresAuth(security)) continue;
        const shared = security.requirements.find((requirement) =>
          Object.entries(requirement).every(([scheme, scopes]) => {
            const seen = ordinary.get(scheme);
            return seen !== undefined && scopes.every((scope) => seen.has(scope));
          }),
        );
        if (!shared) continue;
        const requirement = Object.entries(shared)
          .map(([scheme, scopes]) => (scopes.length > 0 ? `${scheme} [${scopes.join(', ')}]` : scheme))
          .join(' + ');
        report({
          messageId: 'shared',
          data: { operation: operationLabel(op), requirement },
          location: doc.locate(op.node),
          ...endpointOf(op),
          severity: calibrate('medium', op.endpoint),
          evidence: { snippet: `security: ${requirement}` },
        });
      }
    }
  },
});
