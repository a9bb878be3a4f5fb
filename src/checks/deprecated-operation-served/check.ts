import { calibrate, operationLabel } from '../../analysis/openapi.js';
import { announcesSunset, endpointOf, isDeprecated, servedOperations, sunsetOf } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'deprecated-operation-served',
  title: 'Deprecated operation still served with no sunset date',
  owasp: 'API9:2023',
  cwe: ['CWE-1059'],
  severity: 'low',
  confidence: 'medium',
  section: 'inventory',
  targets: ['openapi'],
  rationale:
    'A deprecated operation with no retirement date tends to live forever: it keeps receiving traffic, stops receiving fixes and reviews, and becomes the weaker door next to its replacement.',
  remediation:
    'Set a retirement date on the operation (`x-sunset-date: 2026-12-31`) and announce it in responses with the `Sunset` and `Deprecation` headers (RFC 8594, RFC 9745); remove the operation from the spec and the gateway once the date passes.',
  messages: {
    noSunset: '`{{operation}}` is deprecated but still served, with no sunset date.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      for (const op of servedOperations(ctx, doc)) {
        if (!isDeprecated(op) || sunsetOf(op) || announcesSunset(op)) continue;
        report({
          messageId: 'noSunset',
          data: { operation: operationLabel(op) },
          location: doc.locate(op.node),
          ...endpointOf(op),
          severity: calibrate('low', op.endpoint),
          evidence: { snippet: op.node.value.deprecated === true ? 'deprecated: true' : 'x-api-status: deprecated' },
          // One decision per API description: its deprecated operations without a sunset are one finding, the others its places.
          rootCause: doc.file,
        });
      }
    }
  },
});
