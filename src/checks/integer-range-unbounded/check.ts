import { calibrateDown, nodeKey } from '../../analysis/openapi.js';
import {
  fieldList,
  groupFlagged,
  groupSite,
  inputSchemas,
  isNonBodyParameterSchema,
  pageSizeSchemaKeys,
  repeatedNote,
  schemaTypes,
  type Flagged,
} from '../../analysis/openapi-schema.js';
import type { JsonObject } from '../../engine/context.js';
import defineCheck from '../define-check.js';

interface Gap {
  hasMax: boolean;
  hasFormat: boolean;
  missing: string;
}

function gapOf(schema: JsonObject): Gap | undefined {
  const hasMin = typeof schema.minimum === 'number' || typeof schema.exclusiveMinimum === 'number';
  const hasMax = typeof schema.maximum === 'number' || typeof schema.exclusiveMaximum === 'number';
  if (hasMin && hasMax) return undefined;
  const hasFormat = typeof schema.format === 'string';
  const bounds = hasMin ? 'no `maximum`' : hasMax ? 'no `minimum`' : 'no `minimum` or `maximum`';
  return { hasMax, hasFormat, missing: hasFormat ? bounds : `${bounds} and no \`format\` (int32 or int64)` };
}

/*
 * One finding per integer lists every missing bound and the missing `format`, where Spectral
 * reports `integer-limit`, `integer-limit-legacy` and `integer-format` separately. An integer with
 * both bounds is not reported for its format: the bounds already fix its range. Page-size
 * parameters (`limit`, `per_page`…) belong to `page-size-unbounded`.
 */
export default defineCheck({
  id: 'integer-range-unbounded',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Input integer without a range',
  owasp: 'API4:2023',
  cwe: ['CWE-770', 'CWE-190'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['openapi'],
  rationale:
    'An integer the API accepts without `minimum` and `maximum` lets a client ask for a billion iterations, a negative quantity or a value that overflows the backend type.',
  remediation:
    'Add `minimum` and `maximum` (or the exclusive forms) that match the business range, e.g. `minimum: 1` and `maximum: 1000` for a quantity, and `format: int32` or `int64` to state the storage type.',
  messages: {
    unbounded: 'Integer `{{schema}}` has {{missing}}{{repeated}}.',
    owner: '`{{schema}}` has {{count}} input integers without `minimum` and `maximum`: {{fields}}.',
  },
  peerRules: ['owasp:api4:2023-integer-limit', 'owasp:api4:2023-integer-limit-legacy', 'owasp:api4:2023-integer-format'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const pageSizes = pageSizeSchemaKeys(ctx, doc);
      const flagged: Flagged[] = [];
      for (const use of inputSchemas(ctx, doc)) {
        const node = use.visit.node;
        if (!schemaTypes(node).has('integer') || pageSizes.has(nodeKey(node))) continue;
        const gap = gapOf(node.value);
        if (gap === undefined) continue;
        const base = gap.hasMax || isNonBodyParameterSchema(doc, node) || gap.hasFormat ? 'low' : 'medium';
        flagged.push({ use, severity: calibrateDown(base, use.worst) });
      }
      for (const group of groupFlagged(doc, flagged)) {
        const gap = gapOf(group.items[0]?.use.visit.node.value ?? {});
        report({
          messageId: group.kind === 'owner' ? 'owner' : 'unbounded',
          data: {
            schema: group.label,
            missing: gap?.missing ?? '',
            count: group.items.length,
            fields: fieldList(group.fields),
            repeated: repeatedNote(group),
          },
          ...groupSite(doc, group),
        });
      }
    }
  },
});
