import { calibrate } from '../../analysis/openapi.js';
import { codeSource, shadowScope, specSource } from '../../analysis/drift.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'shadow-endpoint',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
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
    partial:
      'The OpenAPI description covers {{matched}} of the {{total}} routes of the {{via}} code, so it reads as a partial description rather than the API\'s contract: the {{count}} other routes (e.g. `{{first}}`) are not reported one by one as shadow endpoints.',
  },
  run(ctx, report) {
    const scope = shadowScope(ctx);
    for (const endpoint of scope.shadows) {
      const code = codeSource(endpoint);
      if (!code || specSource(endpoint)) continue;
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
    for (const { via, matched, unmatched } of scope.partial) {
      const first = unmatched[0];
      const spec = matched.map(specSource).find((source) => source !== undefined);
      if (!first || !spec) continue;
      report({
        messageId: 'partial',
        data: { matched: matched.length, total: matched.length + unmatched.length, via, count: unmatched.length, first: `${first.method} ${first.path}` },
        location: spec.location,
        severity: 'info',
        occurrences: unmatched.length,
        key: `partial ${via}`,
        evidence: { snippet: unmatched.slice(0, 10).map((endpoint) => `${endpoint.method} ${endpoint.path}`).join(', ') },
      });
    }
  },
});
