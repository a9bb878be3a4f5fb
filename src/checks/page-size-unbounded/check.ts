import { calibrate, operationLabel } from '../../analysis/openapi.js';
import { COPY_MIN, pageSizeParameters, worstOf, type PageSizeParameter } from '../../analysis/openapi-schema.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'page-size-unbounded',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Page-size parameter without a `maximum`',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['openapi'],
  rationale:
    'A list operation whose page size (`limit`, `per_page`, `$top`…) has no `maximum` lets one request ask for the whole collection, e.g. `?page_size=999999`, which loads every row, serialises it and makes scraping trivial.',
  remediation:
    'Add a `maximum` to the page-size parameter (e.g. `maximum: 100`) with a `default`, enforce it in the handler, and define the parameter once under `components/parameters` so every list operation shares the cap.',
  messages: {
    one: 'Page-size parameter `{{name}}` of `{{operation}}` has no `maximum`.',
    shared: 'Page-size parameter `{{name}}` has no `maximum`; {{count}} list operations use it, e.g. `{{operation}}`.',
    copies: 'Page-size parameter `{{name}}` has no `maximum`; {{copies}} list operations repeat the same definition, e.g. `{{operation}}`.',
  },
  peerRules: ['owasp:api4:2023-integer-limit', 'owasp:api4:2023-integer-limit-legacy'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      // Identical inline definitions repeated by a generator (Stripe's `limit`) are one root cause.
      const byShape = new Map<string, PageSizeParameter[]>();
      for (const entry of pageSizeParameters(ctx, doc).values()) {
        const schema = entry.schema.value;
        if (typeof schema.maximum === 'number' || typeof schema.exclusiveMaximum === 'number') continue;
        const shape = `${entry.name}\u0000${JSON.stringify(schema)}`;
        const same = byShape.get(shape);
        if (same) same.push(entry);
        else byShape.set(shape, [entry]);
      }
      for (const entries of byShape.values()) {
        const groups = entries.length >= COPY_MIN ? [entries] : entries.map((entry) => [entry]);
        for (const group of groups) {
          const [head] = group;
          const operations = group.flatMap((entry) => entry.operations);
          const [first] = operations;
          if (!head || !first) continue;
          const count = operations.length;
          report({
            messageId: group.length > 1 ? 'copies' : count === 1 ? 'one' : 'shared',
            data: { name: head.name, operation: operationLabel(first), count, copies: group.length },
            location: doc.locate(head.param),
            severity: calibrate('medium', worstOf(operations.map((op) => op.endpoint))),
            occurrences: count,
            ...(count === 1 && first.endpoint ? { endpointId: first.endpoint.id } : {}),
            evidence: { snippet: `${head.name}: ${JSON.stringify(head.schema.value)}`, operations: count },
          });
        }
      }
    }
  },
});
