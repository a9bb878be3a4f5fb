import { WRITE_METHODS, calibrate, operationLabel } from '../../analysis/openapi.js';
import { calibrateFor, endpointOf, unauthenticatedOperations } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'write-operation-unauthenticated',
  title: 'Write operation without authentication',
  owasp: 'API2:2023',
  cwe: ['CWE-306'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['openapi'],
  peerRules: ['owasp:api2:2023-write-restricted'],
  rationale:
    'An operation that creates, changes or deletes data with no security requirement can be called by anyone who finds the URL. Gateways and generated clients enforce what the spec declares, so a missing requirement often means a missing check.',
  remediation:
    'Declare a security requirement for the operation (`security: [{ oauth2: [orders:write] }]`) or once at the document root (`security: [{ bearerAuth: [] }]`), remove empty `{}` alternatives, and make the server reject requests without valid credentials.',
  messages: {
    none: '`{{operation}}` declares no security requirement, and the document sets none globally.',
    empty: '`{{operation}}` turns authentication off with `security: []`.',
    anonymous: '`{{operation}}` accepts anonymous requests through an empty security requirement `{}`.',
    documentNone: 'No security requirement applies to {{count}} write operations, starting with `{{operation}}`: the document declares none.',
    documentGlobal: 'The global `security` lets anonymous callers in, and {{count}} write operations, starting with `{{operation}}`, inherit it.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const groups = unauthenticatedOperations(ctx, doc, WRITE_METHODS, false);
      for (const { op, cause } of groups.perOperation) {
        report({
          messageId: cause,
          data: { operation: operationLabel(op) },
          location: doc.locate(op.node),
          ...endpointOf(op),
          severity: calibrate('high', op.endpoint),
          evidence: { snippet: cause === 'none' ? `${op.method}: no security` : cause === 'empty' ? 'security: []' : 'security: [{}]' },
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
          severity: calibrateFor('high', ops),
          occurrences: ops.length,
          evidence: { snippet: groups.document.cause === 'none' ? 'security: (not declared)' : 'security: [{}]', operations: ops.slice(0, 10).map(operationLabel) },
        });
      }
    }
  },
});
