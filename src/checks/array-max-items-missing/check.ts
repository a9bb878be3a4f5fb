import { calibrateDown, get, objectNode } from '../../analysis/openapi.js';
import type { JsonObject, SpecDocument, SpecNode } from '../../engine/context.js';
import {
  fieldList,
  groupFlagged,
  groupSite,
  inputSchemas,
  isNonBodyParameterSchema,
  repeatedNote,
  schemaTypes,
  type Flagged,
} from '../../analysis/openapi-schema.js';
import defineCheck from '../define-check.js';

/** `uniqueItems` over an `enum`/`const`/boolean item type: the item values bound the length. */
function uniqueEnumItems(doc: SpecDocument, schema: SpecNode<JsonObject>): boolean {
  if (schema.value.uniqueItems !== true) return false;
  const items = objectNode(get(doc, schema, 'items'));
  return items !== undefined && (items.value.enum !== undefined || items.value.const !== undefined || schemaTypes(items).has('boolean'));
}

export default defineCheck({
  id: 'array-max-items-missing',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Input array without `maxItems`',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['openapi'],
  rationale:
    'An array the API accepts without `maxItems` lets one request carry millions of elements, each parsed, validated and often written to storage, which exhausts memory and CPU.',
  remediation:
    'Add `maxItems` to every array the API accepts, sized to the real use (e.g. `maxItems: 100` for line items), and bound the `items` schema too; in a `$ref`d component the fix applies to every operation using it.',
  messages: {
    unbounded: 'Array `{{schema}}` has no `maxItems`{{repeated}}.',
    owner: '`{{schema}}` has {{count}} input arrays without `maxItems`: {{fields}}.',
  },
  peerRules: ['owasp:api4:2023-array-limit'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const flagged: Flagged[] = [];
      for (const use of inputSchemas(ctx, doc)) {
        const schema = use.visit.node;
        if (!schemaTypes(schema).has('array') || typeof schema.value.maxItems === 'number' || uniqueEnumItems(doc, schema)) continue;
        flagged.push({ use, severity: calibrateDown(isNonBodyParameterSchema(doc, schema) ? 'low' : 'medium', use.worst) });
      }
      for (const group of groupFlagged(doc, flagged)) {
        report({
          messageId: group.kind === 'owner' ? 'owner' : 'unbounded',
          data: { schema: group.label, count: group.items.length, fields: fieldList(group.fields), repeated: repeatedNote(group) },
          ...groupSite(doc, group),
        });
      }
    }
  },
});
