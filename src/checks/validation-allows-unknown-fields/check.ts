import type { Node } from 'web-tree-sitter';
import { isPython } from '../../analysis/code-auth.js';
import { callAt, isWriteMethod, siteOf } from '../../analysis/code-input.js';
import { factsOf, literalValue, nodesOfType, stringValue, validatesEnvironment } from '../../analysis/code.js';
import type { CheckContext } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { validationProviders } from '../../collectors/code/plugins.js';
import { innermostOfType, parentOf } from '../../parsing/tree-index.js';

/** Pydantic models and marshmallow schemas that a write endpoint takes as its body. */
function bodyTypes(ctx: CheckContext): Set<string> {
  const names = new Set<string>();
  for (const endpoint of ctx.inventory.endpoints) {
    if (!isWriteMethod(endpoint.method)) continue;
    for (const parameter of endpoint.parameters) if (parameter.in === 'body' && parameter.type) names.add(parameter.type);
  }
  return names;
}

/** The variable a schema expression is assigned to (`const envSchema = Joi.object(…).unknown()`). */
function boundName(node: Node): string {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.type === 'variable_declarator') return current.childForFieldName('name')?.text ?? '';
    if (current.type === 'statement_block' || current.type === 'program') return '';
  }
  return '';
}

function enclosingClass(node: Node): Node | undefined {
  return innermostOfType(node, ['class_definition']);
}

function marshmallowUsedOnRequests(ctx: CheckContext, name: string): boolean {
  const pattern = new RegExp(`\\b${name}\\s*\\([^)]*\\)\\s*\\.\\s*load\\s*\\(\\s*(request\\.|data\\b|payload\\b|body\\b)`);
  return ctx.sources.some((source) => isPython(source) && pattern.test(source.text));
}

export default defineCheck({
  id: 'validation-allows-unknown-fields',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Request validator accepts unknown fields',
  owasp: 'API3:2023',
  cwe: ['CWE-915', 'CWE-20'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  specCounterparts: ['mass-assignment-unknown-fields'],
  rationale:
    'A schema that lets undeclared properties through passes them on to whatever consumes the validated object, so `role`, `is_admin` or `tenant_id` sent by a client can reach the model even though the schema never mentions them.',
  remediation:
    'Reject (or strip) unknown properties at the validator: zod `.strict()` (or the default strip) instead of `.passthrough()`; Joi without `.unknown(true)`/`allowUnknown: true` (add `stripUnknown: true` if needed); NestJS `new ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })`; Pydantic `model_config = ConfigDict(extra="forbid")`; marshmallow `class Meta: unknown = RAISE`; ajv `additionalProperties: false`.',
  messages: {
    passthrough: '`{{call}}` lets properties that the zod schema does not declare through.',
    joiUnknown: '`{{call}}` makes the Joi schema accept unknown keys.',
    allowUnknown: '`allowUnknown: true` makes Joi validation accept unknown keys.',
    validationPipe: '`{{call}}` is created without `whitelist: true`, so DTOs keep properties they do not declare.',
    ajv: '`additionalProperties: true` lets the JSON schema accept undeclared properties.',
    pydantic: 'The Pydantic model `{{name}}` keeps undeclared fields (`extra="allow"`) and is the body of a write endpoint.',
    marshmallow: 'The marshmallow schema `{{name}}` loads unknown fields (`unknown = INCLUDE`).',
  },
  run(ctx, report) {
    const bodies = bodyTypes(ctx);
    const keepsUnknown = validationProviders().flatMap((provider) => (provider.unknownFields ? [provider.unknownFields(ctx)] : []));
    // ajv itself, a `schema`, or a framework that validates with ajv (the validation providers' `ajvSchemaMarkers`: Fastify).
    const ajvSchemas = new RegExp(String.raw`\b(${['ajv', 'Ajv', ...validationProviders().flatMap((provider) => provider.ajvSchemaMarkers ?? []), 'schema'].join('|')})\b`);
    for (const source of ctx.sources) {
      if (isPython(source)) {
        for (const node of nodesOfType(source, ['assignment', 'keyword_argument', 'pair'])) {
          const key = node.type === 'keyword_argument' ? node.childForFieldName('name')?.text : node.type === 'pair' ? stringValue(node.childForFieldName('key')) : node.childForFieldName('left')?.text;
          // Only `extra` and `unknown` settings are read: the value and the enclosing class are looked up for those alone.
          if (key !== 'extra' && key !== 'unknown') continue;
          const valueNode = node.childForFieldName(node.type === 'assignment' ? 'right' : 'value');
          const value = valueNode ? (stringValue(valueNode) ?? valueNode.text) : '';
          const cls = enclosingClass(node);
          const name = cls?.childForFieldName('name')?.text ?? '';
          if (key === 'extra' && /^(allow|Extra\.allow)$/.test(value) && cls && !/BaseSettings/.test(cls.childForFieldName('superclasses')?.text ?? '') && bodies.has(name)) {
            report({ messageId: 'pydantic', data: { name }, ...siteOf(ctx, source, node) });
          } else if (key === 'unknown' && /^(INCLUDE|marshmallow\.INCLUDE)$/.test(value)) {
            if (cls && node.type === 'assignment') report({ messageId: 'marshmallow', data: { name }, ...siteOf(ctx, source, node) });
            else if (node.type === 'keyword_argument' && marshmallowUsedOnRequests(ctx, name)) report({ messageId: 'marshmallow', data: { name }, ...siteOf(ctx, source, node) });
          }
        }
        continue;
      }
      for (const call of factsOf(source).calls) {
        const fn = call.node.childForFieldName('function');
        const method = fn?.type === 'member_expression' ? (fn.childForFieldName('property')?.text ?? '') : '';
        const receiver = fn?.childForFieldName('object')?.text ?? '';
        if (method === 'passthrough' && call.args.length === 0 && /\bz\.|object\(/.test(receiver)) {
          report({ messageId: 'passthrough', data: { call: '.passthrough()' }, ...callAt(ctx, source, call) });
        } else if (method === 'unknown' && /Joi|object\(|keys\(/.test(receiver) && (call.args.length === 0 || literalValue(call.args[0]) === true) && !validatesEnvironment(ctx.sources, boundName(call.node))) {
          report({ messageId: 'joiUnknown', data: { call: `.unknown(${call.args[0]?.text ?? ''})` }, ...callAt(ctx, source, call) });
        }
      }
      for (const validators of keepsUnknown) {
        for (const validator of validators(source)) report({ messageId: 'validationPipe', data: { call: validator.call }, ...siteOf(ctx, source, validator.node) });
      }
      for (const pair of nodesOfType(source, 'pair')) {
        const key = pair.childForFieldName('key');
        if (!key) continue;
        const name = stringValue(key) ?? key.text;
        if (literalValue(pair.childForFieldName('value')) !== true) continue;
        if (name === 'allowUnknown') report({ messageId: 'allowUnknown', ...siteOf(ctx, source, pair) });
        else if (name === 'additionalProperties' && ajvSchemas.test(source.text)) report({ messageId: 'ajv', ...siteOf(ctx, source, pair) });
      }
    }
  },
});
