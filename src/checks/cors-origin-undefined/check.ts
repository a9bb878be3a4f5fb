import { calibrate, operationLabel, responseHeaders, responses } from '../../analysis/openapi.js';
import { aggregates, endpointData, exampleList, pathOperations, pathsLocation, worstOf } from '../../analysis/openapi-schema.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'cors-origin-undefined',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'CORS origin not documented',
  owasp: 'API8:2023',
  cwe: ['CWE-942'],
  severity: 'low',
  confidence: 'low',
  section: 'cors-transport',
  targets: ['openapi'],
  rationale:
    'When no response declares `Access-Control-Allow-Origin`, the spec does not say which websites may call the API from a browser, so nobody reviews the CORS policy and gateways often fall back to reflecting any origin.',
  remediation:
    'Declare `Access-Control-Allow-Origin` on the responses (in a shared `components/headers` entry) with the allowed origin, e.g. `https://app.example.com`, and configure the server or gateway with the same explicit allowlist; never reflect the request origin together with credentials.',
  messages: {
    operation: 'No response of `{{operation}}` declares an `Access-Control-Allow-Origin` header.',
    document: 'No `Access-Control-Allow-Origin` response header is declared by {{lacking}} of {{total}} operations, so the CORS policy is undocumented, e.g. {{examples}}.',
  },
  peerRules: ['owasp:api8:2023-define-cors-origin'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const ops = pathOperations(ctx, doc);
      const lacking = ops.filter((op) => ![...responses(op).values()].some((response) => responseHeaders(op, response).has('access-control-allow-origin')));
      if (aggregates(lacking.length, ops.length)) {
        report({
          messageId: 'document',
          data: { lacking: lacking.length, total: ops.length, examples: exampleList(lacking.map(operationLabel)) },
          location: pathsLocation(doc),
          severity: calibrate('low', worstOf(lacking.map((op) => op.endpoint))),
          occurrences: lacking.length,
          evidence: { operations: lacking.length, examples: lacking.slice(0, 5).map(operationLabel) },
        });
        continue;
      }
      for (const op of lacking) {
        report({
          messageId: 'operation',
          data: { operation: operationLabel(op) },
          location: doc.locate(op.node),
          severity: calibrate('low', op.endpoint),
          ...endpointData(op),
        });
      }
    }
  },
});
