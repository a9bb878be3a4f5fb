import {
  calibrate,
  effectiveSecurity,
  get,
  operationLabel,
  parameters,
  requestSchemas,
  responses,
  type Operation,
} from '../../analysis/openapi.js';
import { aggregates, endpointData, exampleList, pathOperations, pathsLocation, worstOf } from '../../analysis/openapi-schema.js';
import type { JsonObject, SpecNode } from '../../engine/context.js';
import defineCheck from '../define-check.js';

type Need = 'validation' | 'unauthorized' | 'server';

const LABEL: Record<Need, string> = { validation: '`400`/`422`', unauthorized: '`401`', server: '`500`' };
const CODES: Record<Need, RegExp> = { validation: /^(400|422|4xx)$/i, unauthorized: /^(401|4xx)$/i, server: /^(500|5xx)$/i };

interface Gaps {
  op: Operation;
  missing: Need[];
  bodiless: Need[];
  hasDefault: boolean;
}

function list(items: readonly string[], conjunction: 'or' | 'and'): string {
  if (items.length <= 1) return items.join('');
  return `${items.slice(0, -1).join(', ')} ${conjunction} ${items.at(-1) ?? ''}`;
}

function hasBody(op: Operation, response: SpecNode<JsonObject>): boolean {
  return op.doc.format === 'swagger-2.0' ? get(op.doc, response, 'schema') !== undefined : get(op.doc, response, 'content') !== undefined;
}

/**
 * Which error responses an operation needs: a validation error when it takes input, a 401 when
 * it requires credentials, a 500 always. `default` does not count, as for Spectral, but lowers
 * the severity: the error shape is documented, only the codes are not.
 */
function gapsOf(op: Operation): Gaps {
  const declared = responses(op);
  const needs: Need[] = ['server'];
  if (parameters(op).length > 0 || requestSchemas(op).length > 0) needs.unshift('validation');
  if (effectiveSecurity(op).requirements.some((requirement) => Object.keys(requirement).length > 0)) needs.splice(needs.length - 1, 0, 'unauthorized');
  const missing: Need[] = [];
  const bodiless: Need[] = [];
  for (const need of needs) {
    const matches = [...declared].filter(([code]) => CODES[need].test(code));
    if (matches.length === 0) missing.push(need);
    else if (!matches.some(([, response]) => hasBody(op, response))) bodiless.push(need);
  }
  return { op, missing, bodiless, hasDefault: declared.has('default') };
}

function problems(gaps: Gaps): string {
  const parts: string[] = [];
  if (gaps.missing.length > 0) parts.push(`declares no ${list(gaps.missing.map((need) => LABEL[need]), 'or')} response`);
  if (gaps.bodiless.length > 0) parts.push(`declares ${list(gaps.bodiless.map((need) => LABEL[need]), 'and')} without a body schema`);
  const text = parts.join(', and ');
  return gaps.missing.length > 0 && gaps.hasDefault ? `${text} (only a \`default\` response)` : text;
}

export default defineCheck({
  id: 'error-responses-undefined',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Error responses not declared',
  owasp: 'API8:2023',
  cwe: ['CWE-209', 'CWE-755'],
  severity: 'low',
  confidence: 'high',
  section: 'input-validation',
  targets: ['openapi'],
  rationale:
    'When an operation declares no `400`/`422`, `401` or `500` response with a schema, nothing fixes what the API returns on bad input, missing credentials or a crash, so framework defaults leak stack traces and internal details, and contract tests cannot catch it.',
  remediation:
    'Declare `400` (or `422`), `401` for operations that require credentials, and `500`, each referencing a shared error schema such as RFC 9457 `application/problem+json` under `components/responses`, and return only that shape from the error handler.',
  messages: {
    operation: '`{{operation}}` {{problems}}.',
    document: 'Error responses are undeclared in {{lacking}} of {{total}} operations ({{summary}}), e.g. {{examples}}.',
  },
  peerRules: ['owasp:api8:2023-define-error-validation', 'owasp:api8:2023-define-error-responses-401', 'owasp:api8:2023-define-error-responses-500'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const ops = pathOperations(ctx, doc);
      const lacking = ops.map(gapsOf).filter((gaps) => gaps.missing.length > 0 || gaps.bodiless.length > 0);
      if (aggregates(lacking.length, ops.length)) {
        const counts = (['validation', 'unauthorized', 'server'] as const)
          .map((need) => [need, lacking.filter((gaps) => gaps.missing.includes(need) || gaps.bodiless.includes(need)).length] as const)
          .filter(([, count]) => count > 0)
          .map(([need, count]) => `${count} without a ${LABEL[need]}`);
        report({
          messageId: 'document',
          data: {
            lacking: lacking.length,
            total: ops.length,
            summary: counts.join(', '),
            examples: exampleList(lacking.map((gaps) => operationLabel(gaps.op))),
          },
          location: pathsLocation(doc),
          severity: calibrate(lacking.every((gaps) => gaps.hasDefault) ? 'info' : 'low', worstOf(lacking.map((gaps) => gaps.op.endpoint))),
          occurrences: lacking.length,
          evidence: { operations: lacking.length, examples: lacking.slice(0, 5).map((gaps) => operationLabel(gaps.op)) },
        });
        continue;
      }
      for (const gaps of lacking) {
        report({
          messageId: 'operation',
          data: { operation: operationLabel(gaps.op), problems: problems(gaps) },
          location: doc.locate(gaps.op.node),
          severity: calibrate(gaps.hasDefault ? 'info' : 'low', gaps.op.endpoint),
          ...endpointData(gaps.op),
        });
      }
    }
  },
});
