import { effectiveSecurity, operations, securitySchemes } from '../../analysis/openapi.js';
import { calibrateFor, requirementReferences } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'security-scheme-undefined',
  title: 'Security requirement naming an undefined scheme',
  owasp: 'API2:2023',
  cwe: ['CWE-306'],
  severity: 'medium',
  confidence: 'high',
  section: 'authentication',
  targets: ['openapi'],
  rationale:
    'A requirement that names a scheme the document does not define cannot be enforced: gateways and generated clients built from the spec either reject the document or silently drop the requirement, leaving the operations it was meant to protect open.',
  remediation:
    'Define the scheme under `components.securitySchemes` (`securityDefinitions` in Swagger 2.0) with exactly the name the requirement uses, or correct the requirement to the defined scheme’s name.',
  messages: {
    undefined: 'Security requirement names `{{scheme}}`, which is not defined in {{container}}.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const defined = securitySchemes(doc);
      const container = doc.format === 'swagger-2.0' ? '`securityDefinitions`' : '`components.securitySchemes`';
      const reported = new Set<string>();
      for (const reference of requirementReferences(ctx, doc)) {
        if (defined.has(reference.name) || reported.has(reference.name)) continue;
        reported.add(reference.name);
        // One finding per missing name, at its first use: every later use shares the same fix.
        const affected = operations(ctx, doc).filter((op) =>
          effectiveSecurity(op).requirements.some((requirement) => reference.name in requirement),
        );
        report({
          messageId: 'undefined',
          data: { scheme: reference.name, container },
          location: doc.locate(reference.node),
          severity: calibrateFor('medium', affected),
          evidence: { snippet: `${reference.name}: []` },
          ...(affected.length > 0 ? { occurrences: affected.length } : {}),
        });
      }
    }
  },
});
