import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import { bindingsFor, isPython } from '../../../analysis/code-auth.js';
import { propertyOf, stringValue } from '../../../analysis/code.js';
import type { BodySchema } from '../../../analysis/validation.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { ValidationProvider } from '../plugin.js';

/**
 * Fastify validates `request.body` against the route's `schema.body` before the handler runs. Extra
 * fields never reach the handler when the schema is a closed object (`additionalProperties: false`,
 * which Fastify's default ajv `removeAdditional: true` strips) or when ajv is configured with
 * `removeAdditional: 'all'`, which strips every field an object schema does not list.
 */

const VERBS = /^(get|post|put|patch|delete|options|all)$/;
const FUNCTIONS = new Set(['arrow_function', 'function_expression', 'function']);
const REMOVE_ALL = /\bremoveAdditional\s*:\s*(['"`])all\1/;
const stripCache = new WeakMap<CheckContext, boolean>();

/** ajv `removeAdditional: 'all'` anywhere in the JS sources: `Fastify({ ajv: { customOptions } })` or fastify-cli `options.ajv`. */
function stripsAll(ctx: CheckContext): boolean {
  let strips = stripCache.get(ctx);
  if (strips === undefined) {
    strips = ctx.sources.some((source) => !isPython(source) && /\bajv\b/.test(source.text) && REMOVE_ALL.test(source.text));
    stripCache.set(ctx, strips);
  }
  return strips;
}

function unwrap(node: Node | null | undefined): Node | undefined {
  let current = node ?? undefined;
  while (current && (current.type === 'parenthesized_expression' || current.type === 'as_expression' || current.type === 'satisfies_expression')) {
    current = current.namedChildren[0] ?? undefined;
  }
  return current;
}

/** A value as written, or the declaration a name refers to: same scope first, then any module's top-level `const`. */
function resolve(ctx: CheckContext, source: SourceFile, node: Node | null | undefined, depth = 0): Node | undefined {
  const current = unwrap(node);
  if (!current || depth > 4) return undefined;
  if (current.type === 'shorthand_property_identifier' || current.type === 'identifier') {
    const bound = bindingsFor(source, current).at(-1)?.value;
    if (bound) return resolve(ctx, source, bound, depth + 1);
    for (const other of ctx.sources) {
      if (isPython(other) || !other.text.includes(current.text)) continue;
      for (const statement of other.tree.rootNode.namedChildren) {
        const declaration = statement?.type === 'export_statement' ? statement.childForFieldName('declaration') : statement;
        if (declaration?.type !== 'lexical_declaration') continue;
        for (const declarator of declaration.namedChildren) {
          if (declarator?.type === 'variable_declarator' && declarator.childForFieldName('name')?.text === current.text) {
            return resolve(ctx, other, declarator.childForFieldName('value'), depth + 1);
          }
        }
      }
    }
    return undefined;
  }
  return current;
}

function keysOf(object: Node | undefined): string[] {
  const out: string[] = [];
  for (const child of object?.type === 'object' ? object.namedChildren : []) {
    if (child?.type === 'pair') {
      const key = child.childForFieldName('key');
      if (key) out.push(stringValue(key) ?? key.text);
    } else if (child?.type === 'shorthand_property_identifier') out.push(child.text);
  }
  return out;
}

/** `Type.Object({...}, { additionalProperties: false })` or `{ type: 'object', properties, additionalProperties: false }`. */
function describe(ctx: CheckContext, source: SourceFile, node: Node | undefined): { fields: string[]; closed: boolean } | undefined {
  const schema = resolve(ctx, source, node);
  if (!schema) return undefined;
  if (schema.type === 'call_expression') {
    const callee = schema.childForFieldName('function')?.text ?? '';
    const args = schema.childForFieldName('arguments')?.namedChildren.filter((arg): arg is Node => arg !== null) ?? [];
    if (/(?:^|\.)Strict$/.test(callee)) return describe(ctx, source, args[0]);
    if (!/(?:^|\.)Object$/.test(callee) || callee === 'Object') return undefined;
    const properties = resolve(ctx, source, args[0]);
    if (properties?.type !== 'object') return undefined;
    const options = resolve(ctx, source, args[1]);
    return { fields: keysOf(properties), closed: unwrap(propertyOf(options, 'additionalProperties'))?.text === 'false' };
  }
  if (schema.type !== 'object') return undefined;
  const properties = resolve(ctx, source, propertyOf(schema, 'properties'));
  if (properties?.type !== 'object') return undefined;
  return { fields: keysOf(properties), closed: unwrap(propertyOf(schema, 'additionalProperties'))?.text === 'false' };
}

/** The route options of the Fastify route whose inline handler contains `node`. */
function routeOptions(ctx: CheckContext, source: SourceFile, node: Node): Node | undefined {
  for (let fn = parentOf(node); fn; fn = parentOf(fn)) {
    if (!FUNCTIONS.has(fn.type)) continue;
    const parent = parentOf(fn);
    // `fastify.route({ method, url, schema, handler: async (request) => … })`
    if (parent?.type === 'pair' && parent.childForFieldName('key')?.text === 'handler' && parentOf(parent)?.type === 'object') return parentOf(parent) ?? undefined;
    // `fastify.post('/', { schema }, async (request) => …)`
    const call = parent?.type === 'arguments' ? parentOf(parent) : undefined;
    const callee = call?.type === 'call_expression' ? call.childForFieldName('function') : undefined;
    if (callee?.type === 'member_expression' && VERBS.test(callee.childForFieldName('property')?.text ?? '')) {
      const args = parent?.namedChildren.filter((arg): arg is Node => arg !== null) ?? [];
      if (args.length < 3 || args.at(-1)?.id !== fn.id) return undefined;
      const options = resolve(ctx, source, args[1]);
      return options?.type === 'object' ? options : undefined;
    }
  }
  return undefined;
}

/** The body schema that keeps unlisted fields out of the handler around `node`, if the route has one. */
function fastifyBodySchema(ctx: CheckContext, source: SourceFile, node: Node): BodySchema | undefined {
  if (isPython(source) || !source.text.includes('schema')) return undefined;
  const options = routeOptions(ctx, source, node);
  const schema = options ? resolve(ctx, source, propertyOf(options, 'schema')) : undefined;
  const body = schema?.type === 'object' ? describe(ctx, source, propertyOf(schema, 'body')) : undefined;
  if (!body) return undefined;
  if (body.closed) return { fields: body.fields, reason: 'closed' };
  if (stripsAll(ctx)) return { fields: body.fields, reason: 'removeAdditional' };
  return undefined;
}

/** Fastify's validation evidence: the route's `schema.body` when it keeps unlisted fields out of the handler. */
export const fastifyValidation: ValidationProvider = { bodySchema: fastifyBodySchema, ajvSchemaMarkers: ['fastify'], specValidation: { code: ['fastify-openapi-glue'] } };
