import { calibrate } from '../../analysis/openapi.js';
import { codeSource, describedBySpecs, specSource } from '../../analysis/drift.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'zombie-endpoint',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Documented endpoint with no implementation in the code',
  owasp: 'API9:2023',
  cwe: ['CWE-1059'],
  severity: 'low',
  confidence: 'medium',
  section: 'inventory',
  targets: ['inventory'],
  rationale:
    'An operation the description still documents but the code no longer serves means the inventory is stale: either another deployment (an old version, a forgotten service) still answers it without the current controls, or consumers and gateways are configured for an API that does not exist.',
  remediation:
    'Find what serves the operation today: if an older deployment or another service still answers it, retire that deployment (or bring it under the same controls); otherwise delete the operation from the description, or mark it `deprecated: true` with an `x-sunset-date`.',
  messages: {
    zombie: '`{{method}} {{path}}` is documented in the OpenAPI description, but no route in the code serves it.',
  },
  run(ctx, report) {
    const described = describedBySpecs(ctx);
    if (!described.any) return;
    for (const endpoint of ctx.inventory.endpoints) {
      if (endpoint.protocol !== 'rest' || endpoint.path.startsWith('webhook:')) continue;
      if (!described.specApis.has(endpoint.apiId) || codeSource(endpoint)) continue;
      const spec = specSource(endpoint);
      if (!spec) continue;
      report({
        messageId: 'zombie',
        data: { method: endpoint.method, path: endpoint.path },
        location: spec.location,
        endpointId: endpoint.id,
        // A deprecated zombie still documented is a forgotten version: worth a look before the rest.
        severity: calibrate(endpoint.deprecated ? 'medium' : 'low', endpoint),
        evidence: { snippet: `${endpoint.method} ${endpoint.path}` },
      });
    }
  },
});
