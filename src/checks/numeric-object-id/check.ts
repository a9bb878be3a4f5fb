import { get, objectNode, stringAt } from '../../analysis/openapi.js';
import type { SpecDocument } from '../../engine/context.js';
import { calibrateFor, groupParameters, parameterTypes, parameterUses, type ParameterUse } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

function types(doc: SpecDocument, use: ParameterUse): string {
  return parameterTypes(doc, use.param).includes('integer') ? 'type: integer' : 'pattern of digits';
}

const CONVENTION_THRESHOLD = 10;

const ID_NAME = /^id$|(_id|Id|-id|ID)$/;

export default defineCheck({
  id: 'numeric-object-id',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Sequential numeric object id',
  owasp: 'API1:2023',
  cwe: ['CWE-639'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authorization',
  targets: ['openapi'],
  peerRules: ['owasp:api1:2023-no-numeric-ids'],
  rationale:
    'Integer ids are sequential and guessable: an attacker walks `/invoices/1001`, `/invoices/1002`… and any object whose ownership check is missing or wrong is disclosed. Random ids do not replace authorization, but they stop enumeration from being free.',
  remediation:
    'Expose random, unguessable identifiers (`type: string, format: uuid`, or a prefixed random id like `inv_3Nf…`) in URLs, keep the integer key internal, and check on every request that the caller owns the object.',
  messages: {
    numeric: 'The {{where}} parameter `{{name}}` is a numeric object id.',
    convention: 'The API identifies objects by sequential numbers: {{count}} id parameters, starting with `{{name}}`, are integers.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const flagged: ParameterUse[] = [];
      for (const use of parameterUses(ctx, doc)) {
        if ((use.in !== 'path' && use.in !== 'query') || !ID_NAME.test(use.name)) continue;
        const allowed = parameterTypes(doc, use.param);
        const schema = objectNode(get(doc, use.param, 'schema')) ?? use.param;
        const digitsOnly = allowed.includes('string') && /^\^?(\\d|\[0-9\])[+*]\$?$/.test(stringAt(schema, 'pattern') ?? '');
        if (allowed.includes('integer') || digitsOnly) flagged.push(use);
      }
      const groups = groupParameters(flagged);
      const head = groups[0];
      // Integer ids on many resources are one API-wide convention: one finding, not one per resource.
      if (head && groups.length > CONVENTION_THRESHOLD) {
        const operations = new Set(groups.flatMap((group) => group.operations));
        report({
          messageId: 'convention',
          data: { count: groups.length, name: head.first.name },
          location: doc.locate(head.first.param),
          severity: calibrateFor('medium', [...operations]),
          occurrences: operations.size,
          evidence: { snippet: `${head.first.name}: ${types(doc, head.first)}`, parameters: groups.map((group) => group.first.name) },
        });
        continue;
      }
      for (const { first, operations, definitions } of groups) {
        report({
          messageId: 'numeric',
          data: { name: first.name, where: first.in },
          location: doc.locate(first.param),
          ...(operations.length === 1 && operations[0]?.endpoint ? { endpointId: operations[0].endpoint.id } : {}),
          severity: calibrateFor(first.in === 'path' ? 'medium' : 'low', operations),
          evidence: { snippet: `${first.name}: ${types(doc, first)}`, definitions },
          ...(operations.length > 1 ? { occurrences: operations.length } : {}),
        });
      }
    }
  },
});
