import { operations } from '../../analysis/openapi.js';
import { requirementReferences, schemeUsage } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'security-scheme-unused',
  title: 'Security scheme defined but never required',
  owasp: 'API8:2023',
  cwe: ['CWE-1164'],
  severity: 'low',
  confidence: 'medium',
  section: 'authentication',
  targets: ['openapi'],
  rationale:
    'A scheme no requirement uses protects nothing: either it is a leftover that misleads readers about how the API is secured, or it is the scheme some operations were meant to require and do not.',
  remediation:
    'Reference the scheme where it applies (`security: [{ apiKeyAuth: [] }]` globally or on the operations that accept it), or delete it from `components.securitySchemes` (`securityDefinitions` in Swagger 2.0) and retire the credential type.',
  messages: {
    unused: 'Security scheme `{{scheme}}` is defined but no security requirement uses it.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      // A document that declares no operation yet (a skeleton for the next version, a shared
      // components file) leaves every scheme unused by construction: nothing could require it.
      if (operations(ctx, doc).length === 0) continue;
      const referenced = new Set(requirementReferences(ctx, doc).map((reference) => reference.name));
      for (const use of schemeUsage(ctx, doc)) {
        if (referenced.has(use.name)) continue;
        report({
          messageId: 'unused',
          data: { scheme: use.name },
          location: doc.locate(use.node),
          evidence: { snippet: `${use.name}: (unreferenced)` },
        });
      }
    }
  },
});
