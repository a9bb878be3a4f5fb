import { calibrate, operationLabel } from '../../analysis/openapi.js';
import { calibrateFor, endpointOf, unauthenticatedOperations } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const READ_METHODS = new Set(['get', 'head']);

export default defineCheck({
  id: 'read-operation-unauthenticated',
  title: 'Read operation without authentication',
  owasp: 'API2:2023',
  cwe: ['CWE-306'],
  severity: 'medium',
  confidence: 'high',
  section: 'authentication',
  targets: ['openapi'],
  peerRules: ['owasp:api2:2023-read-restricted'],
  rationale:
    'A read operation with no security requirement discloses its data to anyone who finds the URL, and enumeration tools find URLs quickly. Gateways and generated clients enforce what the spec declares, so a missing requirement often means a missing check.',
  remediation:
    'Declare a security requirement for the operation (`security: [{ oauth2: [orders:read] }]`) or once at the document root (`security: [{ bearerAuth: [] }]`), and make the server reject requests without valid credentials.',
  messages: {
    none: '`{{operation}}` declares no security requirement, and the document sets none globally.',
    empty: '`{{operation}}` turns authentication off with `security: []`.',
    documentNone: 'No security requirement applies to {{count}} read operations, starting with `{{operation}}`: the document declares none.',
    documentGlobal: 'The global `security` is empty, and {{count}} read operations, starting with `{{operation}}`, inherit it.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const groups = unauthenticatedOperations(ctx, doc, READ_METHODS, true);
      for (const { op, cause } of groups.perOperation) {
        report({
          messageId: cause === 'none' ? 'none' : 'empty',
          data: { operation: operationLabel(op) },
          location: doc.locate(op.node),
          ...endpointOf(op),
          severity: calibrate('medium', op.endpoint),
          evidence: { snippet: cause === 'none' ? `${op.method}: no security` : 'security: []' },
        });
      }
      if (groups.document) {
        const ops = groups.document.operations.map((entry) => entry.op);
        const first = ops[0];
        if (!first) continue;
        report({
          messageId: groups.document.cause === 'none' ? 'documentNone' : 'documentGlobal',
          data: { count: ops.length, operation: operationLabel(first) },
          location: doc.locate(groups.document.at),
          severity: calibrateFor('medium', ops),
          occurrences: ops.length,
          evidence: { snippet: groups.document.cause === 'none' ? 'security: (not declared)' : 'security: []', operations: ops.slice(0, 10).map(operationLabel) },
        });
      }
    }
  },
});
