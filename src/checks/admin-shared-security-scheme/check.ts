import { calibrate, effectiveSecurity, operationLabel, requiresAuth, type Operation } from '../../analysis/openapi.js';
import { calibrateFor, endpointOf, servedOperations } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const ADMIN_SEGMENT = /^(admins?|administration|administrators?|superusers?|backoffice|back-office)([-_.].*)?$/i;

/**
 * A path inside an admin area. An admin word as the last segment right after a path parameter
 * (`/teams/{id}/members/{userId}/admin`, `/users/{id}/admin`) names a role granted on that record,
 * an operation of whoever manages the record, not an administrators' area.
 */
export function isAdminPath(path: string): boolean {
  const segments = path.split('/').filter((segment) => segment !== '');
  return segments.some((segment, index) => {
    if (!ADMIN_SEGMENT.test(segment)) return false;
    const onRecord = index === segments.length - 1 && index > 0 && (segments[index - 1] ?? '').includes('{');
    return !onRecord;
  });
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
    sharedMany:
      'Admin operations of this document ({{count}}, starting with `{{operation}}`) accept `{{requirement}}`, the same credentials as non-admin operations.',
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
      // One root cause per document and requirement: the contract gives its admin area the ordinary credentials.
      const groups = new Map<string, Operation[]>();
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
        const group = groups.get(requirement);
        if (group) group.push(op);
        else groups.set(requirement, [op]);
      }
      for (const [requirement, ops] of groups) {
        const [first] = ops;
        if (!first) continue;
        report({
          messageId: ops.length > 1 ? 'sharedMany' : 'shared',
          data: { operation: operationLabel(first), requirement, count: ops.length },
          location: doc.locate(first.node),
          ...endpointOf(first),
          severity: ops.length > 1 ? calibrateFor('medium', ops) : calibrate('medium', first.endpoint),
          ...(ops.length > 1 ? { occurrences: ops.length } : {}),
          evidence: { snippet: `security: ${requirement}` },
        });
      }
    }
  },
});
