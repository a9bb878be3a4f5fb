import { calibrate, effectiveSecurity, operationLabel } from '../../analysis/openapi.js';
import { endpointOf, isSensitiveOptOut, rootChild, servedOperations } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'sensitive-operation-opts-out-of-auth',
  title: 'Sensitive operation exempted from authentication',
  owasp: 'API2:2023',
  cwe: ['CWE-306'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['openapi'],
  rationale:
    'An operation-level `security: []` or `{}` switches authentication off for that operation alone. On users, payments, orders, tokens or admin functions this is rarely intended: it is usually a copy-paste from a public endpoint, and it exposes the most valuable data and actions to anonymous callers.',
  remediation:
    'Remove the operation-level `security: []` (so the global requirement applies) or replace it with the requirement the operation needs, e.g. `security: [{ oauth2: [users:write] }]`; if the operation really is public, list it in the apisec config under `publicEndpoints`.',
  messages: {
    overrides: '`{{operation}}` handles sensitive data but overrides the global security requirement with `{{declared}}`.',
    declares: '`{{operation}}` handles sensitive data but declares `{{declared}}`, which lets anonymous callers in.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const global = rootChild(doc, 'security');
      const globalRequiresAuth =
        global !== undefined && Array.isArray(global.value) && global.value.length > 0 && !global.value.some((entry) => typeof entry === 'object' && entry !== null && Object.keys(entry).length === 0);
      for (const op of servedOperations(ctx, doc)) {
        if (!isSensitiveOptOut(ctx, op)) continue;
        const security = effectiveSecurity(op);
        const declared = security.requirements.length === 0 ? 'security: []' : 'security: [{}]';
        report({
          messageId: globalRequiresAuth ? 'overrides' : 'declares',
          data: { operation: operationLabel(op), declared },
          location: doc.locate(security.node ?? op.node),
          ...endpointOf(op),
          severity: calibrate('high', op.endpoint),
          evidence: { snippet: declared },
        });
      }
    }
  },
});
