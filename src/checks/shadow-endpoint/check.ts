import { calibrate } from '../../analysis/openapi.js';
import { codeSource, describedBySpecs, specSource } from '../../analysis/drift.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'shadow-endpoint',
  title: 'Shadow endpoint missing from the API description',
  owasp: 'API9:2023',
  cwe: ['CWE-1059'],
  severity: 'medium',
  confidence: 'medium',
  section: 'inventory',
  targets: ['inventory'],
  rationale:
    'A route the code serves but the OpenAPI description omits is invisible to gateways, scanners, reviewers and consumers: it escapes the controls and the testing applied to the documented API, and is typically where forgotten debug, admin or legacy handlers live.',
  remediation:
    'Document the route in the OpenAPI description (with its security requirement, parameters and responses) so it is reviewed and tested like the rest, or remove it from the code if nothing should call it.',
  messages: {
    shadow: '`{{method}} {{path}}` is served by the code but is not in any OpenAPI description of this service.',
    shadowUnprotected:
      '`{{method}} {{path}}` is served by the code, is not in any OpenAPI description of this service, and no authentication applies to it.',
  },
  run(ctx, report) {
    const described = describedBySpecs(ctx);
    if (!described.any) return;
    for (const endpoint of ctx.inventory.endpoints) {
      if (endpoint.protocol !== 'rest' || specSource(endpoint)) continue;
      const code = codeSource(endpoint);
      // Only frameworks some of whose routes a spec documents: their other routes are meant to be documented too.
      if (!code || !described.frameworks.has(code.via)) continue;
      const unprotected = endpoint.auth.state === 'unprotected';
      report({
        messageId: unprotected ? 'shadowUnprotected' : 'shadow',
        data: { method: endpoint.method, path: endpoint.path },
        location: code.location,
        endpointId: endpoint.id,
        severity: calibrate(unprotected ? 'high' : 'medium', endpoint),
        evidence: { snippet: `${endpoint.method} ${endpoint.path}`, auth: endpoint.auth.state },
      });
    }
  },
});
