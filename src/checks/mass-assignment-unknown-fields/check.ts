import { calibrate, nodeKey, objectNode, operationLabel, requestSchemas, type Operation } from '../../analysis/openapi.js';
import {
  aggregates,
  BODY_WRITE_METHODS,
  exampleList,
  pathOperations,
  pathsLocation,
  schemaLabel,
  schemaTypes,
  worstOf,
} from '../../analysis/openapi-schema.js';
import type { JsonObject, SpecDocument, SpecNode } from '../../engine/context.js';
import defineCheck from '../define-check.js';

type Openness = 'closed' | 'open' | 'explicit' | 'not-object';

const COMPOSITIONS = ['allOf', 'oneOf', 'anyOf'] as const;

/**
 * `closed` when unknown fields are rejected: `additionalProperties: false` or
 * `unevaluatedProperties: false`, or every member of a composition is closed. An explicit
 * non-false keyword is `additional-properties-unconstrained`'s finding, not this one.
 */
function openness(doc: SpecDocument, raw: SpecNode, depth = 0): Openness {
  const node = objectNode(doc.resolve(raw));
  if (!node || depth > 8) return 'not-object';
  const schema: JsonObject = node.value;
  if (schema.additionalProperties === false || schema.unevaluatedProperties === false) return 'closed';
  if (schema.additionalProperties !== undefined || schema.unevaluatedProperties !== undefined) return 'explicit';
  const types = schemaTypes(node);
  if (types.has('array')) {
    const items = doc.child(node, 'items');
    return items ? openness(doc, items, depth + 1) : 'not-object';
  }
  for (const keyword of COMPOSITIONS) {
    const list = doc.child(node, keyword);
    if (!list || !Array.isArray(list.value) || list.value.length === 0) continue;
    const members: Openness[] = [];
    for (let index = 0; index < list.value.length; index += 1) {
      const member = doc.child(list, index);
      if (member) members.push(openness(doc, member, depth + 1));
    }
    const objects = members.filter((member) => member !== 'not-object');
    if (objects.length === 0) continue;
    if (objects.includes('explicit')) return 'explicit';
    return objects.every((member) => member === 'closed') ? 'closed' : 'open';
  }
  return types.has('object') || schema.properties !== undefined ? 'open' : 'not-object';
}

interface Site {
  schema: SpecNode;
  operations: Operation[];
}

export default defineCheck({
  id: 'mass-assignment-unknown-fields',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Write request body that accepts unknown fields',
  owasp: 'API3:2023',
  cwe: ['CWE-915'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authorization',
  targets: ['openapi'],
  rationale:
    'A POST, PUT or PATCH body schema that does not reject unknown fields lets clients send properties the operation never declared; when the handler binds the body to a model, fields such as `role` or `price` are written straight through (mass assignment).',
  remediation:
    'Close write bodies: add `additionalProperties: false` to the body schema (OAS 3.0, Swagger 2.0) or `unevaluatedProperties: false` next to an `allOf` (OAS 3.1), and validate requests against the spec so unknown fields are rejected with a 400.',
  messages: {
    inline: 'The request body of `{{operation}}` accepts unknown fields: its schema does not set `{{keyword}}`.',
    one: 'Request body schema `{{schema}}` of `{{operation}}` accepts unknown fields: it does not set `{{keyword}}`.',
    shared: 'Request body schema `{{schema}}` accepts unknown fields (no `{{keyword}}`); {{count}} write operations use it, e.g. `{{operation}}`.',
    document:
      'Unknown fields are accepted by {{lacking}} of {{total}} write request bodies (no `{{keyword}}`), e.g. {{examples}}.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const keyword = doc.format === 'openapi-3.1' ? 'unevaluatedProperties: false' : 'additionalProperties: false';
      const open = new Map<string, Site>();
      const closed = new Set<string>();
      for (const op of pathOperations(ctx, doc)) {
        if (!BODY_WRITE_METHODS.has(op.method)) continue;
        for (const root of requestSchemas(op)) {
          const state = openness(doc, root);
          const key = nodeKey(root);
          if (state === 'closed') closed.add(key);
          if (state !== 'open') continue;
          const site = open.get(key) ?? { schema: root, operations: [] };
          if (!site.operations.includes(op)) site.operations.push(op);
          open.set(key, site);
        }
      }
      const sites = [...open.values()];
      const total = sites.length + closed.size;
      if (aggregates(sites.length, total)) {
        const operations = sites.flatMap((site) => site.operations);
        report({
          messageId: 'document',
          data: {
            lacking: sites.length,
            total,
            keyword,
            examples: exampleList(sites.map((site) => schemaLabel(doc, site.schema))),
          },
          location: pathsLocation(doc),
          severity: calibrate('medium', worstOf(operations.map((op) => op.endpoint))),
          occurrences: operations.length,
          evidence: { schemas: sites.length, operations: operations.length, examples: operations.slice(0, 5).map(operationLabel) },
        });
        continue;
      }
      for (const site of sites) {
        const [first] = site.operations;
        if (!first) continue;
        const count = site.operations.length;
        const label = schemaLabel(doc, site.schema);
        report({
          messageId: count > 1 ? 'shared' : label.startsWith(operationLabel(first)) ? 'inline' : 'one',
          data: { schema: label, operation: operationLabel(first), count, keyword },
          location: doc.locate(site.schema),
          severity: calibrate('medium', worstOf(site.operations.map((op) => op.endpoint))),
          occurrences: count,
          ...(count === 1 && first.endpoint ? { endpointId: first.endpoint.id } : {}),
          evidence: { snippet: schemaLabel(doc, site.schema), operations: count },
        });
      }
    }
  },
});
