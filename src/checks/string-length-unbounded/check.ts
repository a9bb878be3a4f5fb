import { calibrateDown } from '../../analysis/openapi.js';
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
import type { JsonObject } from '../../engine/context.js';
import defineCheck from '../define-check.js';

// Formats whose validators admit only short, fixed-shape values.
const BOUNDED_FORMATS = new Set(['date', 'date-time', 'time', 'uuid', 'ipv4', 'ipv6', 'int32', 'int64', 'duration']);

/** `^[A-Z]{3}$`: anchored at both ends and no `*`, `+` or open `{n,}` repetition. */
function boundedPattern(pattern: string): boolean {
  return pattern.startsWith('^') && pattern.endsWith('$') && !/(?<!\\)[*+]|\{\d+,\}/.test(pattern);
}

function lengthBound(schema: JsonObject): boolean {
  if (typeof schema.maxLength === 'number' || schema.enum !== undefined || schema.const !== undefined) return true;
  if (typeof schema.format === 'string' && BOUNDED_FORMATS.has(schema.format)) return true;
  return typeof schema.pattern === 'string' && boundedPattern(schema.pattern);
}

function restrictionOf(schema: JsonObject): string | undefined {
  if (typeof schema.format === 'string') return `\`format: ${schema.format}\``;
  return typeof schema.pattern === 'string' ? 'unanchored or open-ended `pattern`' : undefined;
}

/*
 * Spectral reports `string-limit` (no maxLength/enum/const) and `string-restricted` (no
 * format/pattern/enum/const) separately, often twice on the same property. Here one finding per
 * string says everything it lacks; a string whose length is bounded is not reported even without a
 * format, since a length-bounded free-text field is the normal case and not a resource risk.
 */
export default defineCheck({
  id: 'string-length-unbounded',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Input string without a length limit',
  owasp: 'API4:2023',
  cwe: ['CWE-770', 'CWE-20'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['openapi'],
  rationale:
    'A string the API accepts with no `maxLength`, `enum` or `const` can be megabytes long; it is parsed, logged, indexed and stored, which costs memory and storage, and without a `format` or `pattern` any content gets through to the code behind it.',
  remediation:
    'Add `maxLength` sized to the field (e.g. `maxLength: 254` for an email, `maxLength: 500` for a note), or an `enum`; add `format` or an anchored `pattern` where the value has a shape, e.g. `pattern: "^[A-Z]{3}$"` for a currency code.',
  messages: {
    unrestricted: 'String `{{schema}}` has no `maxLength`, `enum` or `const`, and no `format` or `pattern` restricts it{{repeated}}.',
    formatted: 'String `{{schema}}` has no `maxLength`, `enum` or `const`; its {{restriction}} does not bound its length{{repeated}}.',
    owner: '`{{schema}}` has {{count}} input strings without `maxLength`, `enum` or `const`: {{fields}}.',
  },
  peerRules: ['owasp:api4:2023-string-limit', 'owasp:api4:2023-string-restricted'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const flagged: Flagged[] = [];
      for (const use of inputSchemas(ctx, doc)) {
        const node = use.visit.node;
        if (!schemaTypes(node).has('string') || lengthBound(node.value)) continue;
        const base = isNonBodyParameterSchema(doc, node) || restrictionOf(node.value) !== undefined ? 'low' : 'medium';
        flagged.push({ use, severity: calibrateDown(base, use.worst) });
      }
      for (const group of groupFlagged(doc, flagged)) {
        const restriction = group.kind === 'owner' ? undefined : restrictionOf(group.items[0]?.use.visit.node.value ?? {});
        report({
          messageId: group.kind === 'owner' ? 'owner' : restriction === undefined ? 'unrestricted' : 'formatted',
          data: {
            schema: group.label,
            restriction: restriction ?? '',
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
