import { calibrateDown, isObject } from '../../analysis/openapi.js';
import { fieldList, groupFlagged, groupSite, inputSchemas, repeatedNote, type Flagged } from '../../analysis/openapi-schema.js';
import type { JsonObject } from '../../engine/context.js';
import defineCheck from '../define-check.js';

const KEYWORDS = ['additionalProperties', 'unevaluatedProperties'] as const;

interface Gap {
  keyword: string;
  value: string;
  bounded: boolean;
  shapeless: boolean;
}

function gapOf(schema: JsonObject): Gap | undefined {
  const keyword = KEYWORDS.find((name) => schema[name] !== undefined && schema[name] !== false);
  if (keyword === undefined) return undefined;
  const value = schema[keyword];
  const bounded = typeof schema.maxProperties === 'number';
  const shapeless = value === true || (isObject(value) && Object.keys(value).length === 0);
  if (bounded && !shapeless) return undefined;
  return { keyword, value: value === true ? 'true' : '{}', bounded, shapeless };
}

export default defineCheck({
  id: 'additional-properties-unconstrained',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Input schema that accepts unconstrained additional properties',
  owasp: 'API3:2023',
  cwe: ['CWE-915', 'CWE-770'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['openapi'],
  rationale:
    'An input object whose `additionalProperties` or `unevaluatedProperties` is not false accepts fields the API never declared, which invites mass assignment, and without `maxProperties` a client can send any number of them.',
  remediation:
    'Set `additionalProperties: false` (OAS 3.0, Swagger 2.0) or `unevaluatedProperties: false` (OAS 3.1) on input objects; for real maps keep a value schema and add `maxProperties`, e.g. `additionalProperties: {type: string, maxLength: 500}` with `maxProperties: 50`.',
  messages: {
    anything: 'Schema `{{schema}}` accepts any additional property (`{{keyword}}: {{value}}`) without `maxProperties`{{repeated}}.',
    anythingBounded:
      'Schema `{{schema}}` accepts additional properties of any shape (`{{keyword}}: {{value}}`); `maxProperties` bounds only their number{{repeated}}.',
    unbounded:
      'Schema `{{schema}}` accepts any number of additional properties: `{{keyword}}` has a schema but `maxProperties` is not set{{repeated}}.',
    owner: '`{{schema}}` has {{count}} input maps that accept unconstrained additional properties: {{fields}}.',
  },
  peerRules: [
    'owasp:api3:2023-no-additionalProperties',
    'owasp:api3:2023-constrained-additionalProperties',
    'owasp:api3:2023-no-unevaluatedProperties',
    'owasp:api3:2023-constrained-unevaluatedProperties',
  ],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const flagged: Flagged[] = [];
      for (const use of inputSchemas(ctx, doc)) {
        const gap = gapOf(use.visit.node.value);
        if (gap) flagged.push({ use, severity: calibrateDown(gap.bounded ? 'low' : 'medium', use.worst) });
      }
      for (const group of groupFlagged(doc, flagged)) {
        const gap = gapOf(group.items[0]?.use.visit.node.value ?? {});
        if (!gap) continue;
        report({
          messageId: group.kind === 'owner' ? 'owner' : gap.shapeless ? (gap.bounded ? 'anythingBounded' : 'anything') : 'unbounded',
          data: {
            schema: group.label,
            keyword: gap.keyword,
            value: gap.value,
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
