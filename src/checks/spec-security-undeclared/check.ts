import { operationLabel, type Operation } from '../../analysis/openapi.js';
import {
  declaresNoSecurity,
  implementedInCode,
  isDeliberatelyPublic,
  isPublicProbe,
  rootChild,
  rootNode,
  servedOperations,
} from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

/** The code that implements the operation provably lets anonymous requests through (`unprotected` or declared `public`). */
function servedOpenByCode(op: Operation): boolean {
  return implementedInCode(op) && (op.endpoint?.auth.state === 'unprotected' || op.endpoint?.auth.state === 'public');
}

export default defineCheck({
  id: 'spec-security-undeclared',
  title: 'API description that declares no authentication',
  owasp: 'API2:2023',
  cwe: ['CWE-1059'],
  severity: 'low',
  confidence: 'high',
  section: 'authentication',
  targets: ['openapi'],
  rationale:
    'A description with no security scheme and no security requirement says nothing about how callers authenticate: gateways, generated clients and reviewers built from it assume every operation is open. Generated descriptions often leave it out while the code requires login, so this is a gap in the documentation, not proof that the API is open; the code, where apisec finds it, decides each route.',
  remediation:
    'Declare how the API authenticates: define the scheme under `components.securitySchemes` (`securityDefinitions` in Swagger 2.0) and require it once at the root (`security: [{ bearerAuth: [] }]`), with `security: []` on the operations that are public on purpose. Generators can emit it: FastAPI from the `Security`/`OAuth2PasswordBearer` dependencies, drf-spectacular from `DEFAULT_AUTHENTICATION_CLASSES`, NestJS `@ApiBearerAuth()` with `DocumentBuilder().addBearerAuth()`.',
  messages: {
    undeclared: 'The description declares no security scheme and no security requirement, so none of its {{count}} operations (e.g. `{{operation}}`) says how callers authenticate.',
    undeclaredWithCode:
      'The description declares no security scheme and no security requirement, so none of its {{count}} operations (e.g. `{{operation}}`) says how callers authenticate; the code that implements {{implemented}} of them decides their authentication.',
  },
  peerRules: ['owasp:api2:2023-write-restricted', 'owasp:api2:2023-read-restricted'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      if (!declaresNoSecurity(ctx, doc)) continue;
      // An operation whose code provably applies no authentication is described as it is served: its
      // exposure is the code's finding (unauthenticated writes, sensitive reads), not a gap in the description.
      const ops = servedOperations(ctx, doc).filter((op) => !isDeliberatelyPublic(ctx, op) && !isPublicProbe(op) && !servedOpenByCode(op));
      const first = ops[0];
      if (!first) continue;
      const implemented = ops.filter(implementedInCode).length;
      report({
        messageId: implemented > 0 ? 'undeclaredWithCode' : 'undeclared',
        data: { count: ops.length, operation: operationLabel(first), implemented },
        location: doc.locate(rootChild(doc, 'paths') ?? rootNode(doc)),
        occurrences: ops.length,
        evidence: { snippet: 'security: (not declared)', operations: ops.slice(0, 10).map(operationLabel) },
      });
    }
  },
});
