import { calibrate, nodeKey, operationLabel, responseHeaders, responses, type Operation } from '../../analysis/openapi.js';
import { aggregates, exampleList, pathOperations, pathsLocation, pointerSegments, worstOf } from '../../analysis/openapi-schema.js';
import type { JsonObject, SpecNode } from '../../engine/context.js';
import defineCheck from '../define-check.js';

interface Site {
  response: SpecNode<JsonObject>;
  operations: Operation[];
}

export default defineCheck({
  id: 'rate-limit-retry-after-missing',
  title: '`429` response without `Retry-After`',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'low',
  confidence: 'high',
  section: 'rate-limiting',
  targets: ['openapi'],
  rationale:
    'A `429 Too Many Requests` response without a `Retry-After` header leaves clients guessing when to retry, so well-meaning ones poll in a tight loop and add to the overload the limit was meant to prevent.',
  remediation:
    'Declare a `Retry-After` header (seconds, `type: integer`) on the `429` response, ideally once in a shared `components/responses/TooManyRequests` that every operation references.',
  messages: {
    inline: 'The `429` response of `{{operation}}` does not declare a `Retry-After` header.',
    shared: 'The `429` response `{{response}}` does not declare a `Retry-After` header; {{count}} operations use it, e.g. `{{operation}}`.',
    document: 'No `Retry-After` header is declared by {{lacking}} `429` responses, e.g. in {{examples}}.',
  },
  peerRules: ['owasp:api4:2023-rate-limit-retry-after'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const sites = new Map<string, Site>();
      let total = 0;
      for (const op of pathOperations(ctx, doc)) {
        const response = responses(op).get('429');
        if (!response) continue;
        total += 1;
        if (responseHeaders(op, response).has('retry-after')) continue;
        const key = nodeKey(response);
        const site = sites.get(key) ?? { response, operations: [] };
        site.operations.push(op);
        sites.set(key, site);
      }
      const list = [...sites.values()];
      if (aggregates(list.length, total)) {
        const operations = list.flatMap((site) => site.operations);
        report({
          messageId: 'document',
          data: { lacking: list.length, examples: exampleList(operations.map(operationLabel)) },
          location: pathsLocation(doc),
          severity: calibrate('low', worstOf(operations.map((op) => op.endpoint))),
          occurrences: operations.length,
          evidence: { operations: operations.length, examples: operations.slice(0, 5).map(operationLabel) },
        });
        continue;
      }
      for (const site of list) {
        const [first] = site.operations;
        if (!first) continue;
        const count = site.operations.length;
        const inline = site.response.pointer.startsWith('/paths/');
        report({
          messageId: inline && count === 1 ? 'inline' : 'shared',
          data: { operation: operationLabel(first), response: pointerSegments(site.response.pointer).at(-1) ?? '', count },
          location: doc.locate(site.response),
          severity: calibrate('low', worstOf(site.operations.map((op) => op.endpoint))),
          occurrences: count,
          ...(count === 1 && first.endpoint ? { endpointId: first.endpoint.id } : {}),
        });
      }
    }
  },
});
