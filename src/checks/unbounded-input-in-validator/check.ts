import type { Node } from 'web-tree-sitter';
import { isPython } from '../../analysis/code-auth.js';
import { isWriteMethod, siteOf } from '../../analysis/code-input.js';
import { factsOf, identifiersNamed, nodesOfType, relativeImport, stringValue, validatesEnvironment } from '../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

const ZOD_BOUNDED = /^(max|length|uuid|cuid|cuid2|ulid|datetime|date|time|ip|nanoid|base64|emoji|duration)$/;
const JOI_BOUNDED = /^(max|length|valid|guid|uuid|isoDate|isoDuration|hex|creditCard|ip|hostname)$/;

/** `z.string().trim().max(5)` → base `z.string`, methods `trim`, `max`. */
function chain(node: Node): { base: string; methods: string[] } {
  const methods: string[] = [];
  let current: Node = node;
  while (current.type === 'call_expression') {
    const fn: Node | null = current.childForFieldName('function');
    if (fn?.type !== 'member_expression') break;
    const object = fn.childForFieldName('object');
    if (object?.type !== 'call_expression') return { base: fn.text, methods: methods.reverse() };
    methods.push(fn.childForFieldName('property')?.text ?? '');
    current = object;
  }
  return { base: '', methods: methods.reverse() };
}

/** The calls of a validator chain with their arguments: `Joi.string().custom(objectId)` → custom(objectId). */
function chainCalls(node: Node): { method: string; args: Node[] }[] {
  const out: { method: string; args: Node[] }[] = [];
  let current: Node | null = node;
  while (current?.type === 'call_expression') {
    const fn: Node | null = current.childForFieldName('function');
    if (fn?.type !== 'member_expression') break;
    const args = (current.childForFieldName('arguments')?.namedChildren ?? []).filter((arg): arg is Node => arg !== null);
    out.push({ method: fn.childForFieldName('property')?.text ?? '', args });
    current = fn.childForFieldName('object');
  }
  return out;
}

/** `/^[0-9a-f]{24}$/`: anchored at both ends, with no unbounded repetition, so it caps the length. */
export function regexCapsLength(pattern: string): boolean {
  if (!pattern.startsWith('^') || !pattern.endsWith('$') || pattern.endsWith('\\$')) return false;
  const bare = pattern.replace(/\\./g, 'x').replace(/\[[^\]]*\]/g, 'x');
  return !/[*+]|\{\d*,\}/.test(bare);
}

function regexLiteral(node: Node | undefined): string | undefined {
  if (node?.type !== 'regex') return undefined;
  return node.childForFieldName('pattern')?.text ?? node.namedChildren.find((child) => child?.type === 'regex_pattern')?.text;
}

function functionNamed(source: SourceFile, name: string): Node | undefined {
  for (const node of nodesOfType(source, ['function_declaration', 'variable_declarator'])) {
    if (node.childForFieldName('name')?.text !== name) continue;
    if (node.type === 'function_declaration') return node;
    const value = node.childForFieldName('value');
    if (value?.type === 'arrow_function' || value?.type === 'function_expression' || value?.type === 'function') return value;
  }
  return undefined;
}

/** The function a refinement names, in this file or in the relative module it is imported from. */
function refinementFunction(ctx: CheckContext, source: SourceFile, arg: Node): Node | undefined {
  if (arg.type === 'arrow_function' || arg.type === 'function_expression' || arg.type === 'function') return arg;
  if (arg.type !== 'identifier') return undefined;
  const local = functionNamed(source, arg.text);
  if (local) return local;
  const imported = relativeImport(ctx, source, arg.text);
  if (imported) return functionNamed(imported.module, imported.exported ?? arg.text);
  return undefined;
}

/** A refinement that rejects long values: an anchored, bounded pattern, or a `value.length > N` test. */
function refinementCapsLength(fn: Node): boolean {
  for (const regex of fn.descendantsOfType('regex')) {
    const pattern = regex ? regexLiteral(regex) : undefined;
    if (pattern !== undefined && regexCapsLength(pattern)) return true;
  }
  for (const comparison of fn.descendantsOfType('binary_expression')) {
    const operator = comparison?.childForFieldName('operator')?.text;
    const left = comparison?.childForFieldName('left')?.text ?? '';
    const right = comparison?.childForFieldName('right')?.text ?? '';
    if ((operator === '>' || operator === '>=') && /\.length$/.test(left) && /^\d+$/.test(right)) return true;
    if ((operator === '<' || operator === '<=') && /^\d+$/.test(left) && /\.length$/.test(right)) return true;
  }
  return false;
}

/** Joi `.pattern(/^…$/)` / `.custom(fn)`, zod `.regex(/^…$/)` / `.refine(fn)` that cap the value's length. */
function refinedToBoundedLength(ctx: CheckContext, source: SourceFile, value: Node): boolean {
  for (const { method, args } of chainCalls(value)) {
    if (method === 'pattern' || method === 'regex') {
      const pattern = regexLiteral(args[0]);
      if (pattern !== undefined && regexCapsLength(pattern)) return true;
    } else if (method === 'custom' || method === 'refine' || method === 'superRefine') {
      const fn = args[0] ? refinementFunction(ctx, source, args[0]) : undefined;
      if (fn && refinementCapsLength(fn)) return true;
    }
  }
  return false;
}

function pairsOf(object: Node | undefined): { name: string; value: Node }[] {
  const out: { name: string; value: Node }[] = [];
  for (const child of object?.namedChildren ?? []) {
    if (child?.type !== 'pair') continue;
    const key = child.childForFieldName('key');
    const value = child.childForFieldName('value');
    if (key && value) out.push({ name: stringValue(key) ?? key.text, value });
  }
  return out;
}

const REQUEST_PARTS = /^(body|query|params|headers|cookies)$/;

/**
 * The schema's name: its variable, or its key. A request part inside a route's validation object
 * (`const createUser = { body: Joi.object(…) }`) is named after the object: `createUser.body`.
 */
function schemaName(call: Node): string {
  for (let current = parentOf(call); current; current = parentOf(current)) {
    if (current.type === 'variable_declarator') return current.childForFieldName('name')?.text ?? '';
    if (current.type === 'pair') {
      const key = stringValue(current.childForFieldName('key')) ?? current.childForFieldName('key')?.text ?? '';
      const holder = parentOf(parentOf(current) ?? current);
      if (REQUEST_PARTS.test(key) && holder?.type === 'variable_declarator') return `${holder.childForFieldName('name')?.text ?? ''}.${key}`;
      return key;
    }
    if (current.type === 'statement_block' || current.type === 'program') return '';
  }
  return '';
}

/** Validation middleware and wrappers that take a request schema: `validate(schema)`, `celebrate({...})`, `zValidator('json', schema)`. */
const VALIDATING_CALL = /^(?:validate\w*|celebrate|zValidator|tbValidator|vValidator|validator|validateRequest|withValidation|parseBody|useValidation)$/i;
const PARSE_METHOD = /^(?:parse|safeParse|parseAsync|safeParseAsync|validate|validateAsync|assert|attempt)$/;
const REQUEST_DATA = /\b(?:req|request|ctx\.request|c\.req|event|body|query|params|payload|input)\b/;
const REQUEST_KEYS = /^(?:body|query|params|querystring|headers|request|json|form)$/;
const RESPONSE_KEYS = /^(?:responses?|output|result)$/;

/** Where a reference to a schema sits, by its shape: a request validator, a request parse, a request part of a route schema. */
function referenceValidatesRequest(reference: Node): boolean {
  let node: Node = reference;
  const parent = parentOf(reference);
  if (parent?.type === 'member_expression' && parent.childForFieldName('property')?.id === reference.id) node = parent;
  // `Schema.parse(req.body)`
  const member = parentOf(node);
  if (member?.type === 'member_expression' && member.childForFieldName('object')?.id === node.id) {
    const method = member.childForFieldName('property')?.text ?? '';
    const call = parentOf(member);
    if (PARSE_METHOD.test(method) && call?.type === 'call_expression' && REQUEST_DATA.test(call.childForFieldName('arguments')?.text ?? '')) return true;
  }
  let depth = 0;
  for (let current = parentOf(node); current && depth < 8; current = parentOf(current), depth += 1) {
    if (current.type === 'pair') {
      const key = stringValue(current.childForFieldName('key')) ?? current.childForFieldName('key')?.text ?? '';
      if (RESPONSE_KEYS.test(key)) return false;
      if (REQUEST_KEYS.test(key) || /Segments\.(?:BODY|QUERY|PARAMS|HEADERS)/.test(key)) return true;
    } else if (current.type === 'call_expression') {
      const callee = current.childForFieldName('function');
      const name = callee?.type === 'member_expression' ? (callee.childForFieldName('property')?.text ?? '') : (callee?.text ?? '');
      if (VALIDATING_CALL.test(name)) return true;
    } else if (current.type === 'statement_block' || current.type === 'program' || current.type === 'class_body') {
      return false;
    }
  }
  return false;
}

const requestUses = new WeakMap<CheckContext, Map<string, boolean>>();

/** Whether any reference to the schema (or to the validation object holding it) validates request data; decided once per name. */
function usedForRequests(ctx: CheckContext, qualified: string): boolean {
  if (qualified === '') return false;
  const name = qualified.split('.')[0] ?? qualified;
  let uses = requestUses.get(ctx);
  if (!uses) {
    uses = new Map();
    requestUses.set(ctx, uses);
  }
  let used = uses.get(name);
  if (used === undefined) {
    used = referencedForRequests(ctx, name);
    uses.set(name, used);
  }
  return used;
}

function referencedForRequests(ctx: CheckContext, name: string): boolean {
  const word = new RegExp(`\\b${name.replace(/[$]/g, '\\$')}\\b`);
  for (const source of ctx.sources) {
    if (isPython(source) || !word.test(source.text)) continue;
    for (const reference of identifiersNamed(source, name)) if (referenceValidatesRequest(reference)) return true;
  }
  return false;
}

function jsSchemas(ctx: CheckContext, source: SourceFile): { node: Node; name: string; fields: string[] }[] {
  const out: { node: Node; name: string; fields: string[] }[] = [];
  for (const call of factsOf(source).calls) {
    const zod = /^(z|zod)\.object$|^zod\.z\.object$|^zod\.object$/.test(call.callee) || call.written === 'z.object';
    const joi = /^(Joi|joi)\.object$|^joi\.object$|\.keys$/.test(call.written) && /Joi|joi/.test(call.written + (call.node.childForFieldName('function')?.text ?? ''));
    if (!zod && !joi) continue;
    const fields: string[] = [];
    for (const { name, value } of pairsOf(call.args[0])) {
      const { base, methods } = chain(value);
      const bounded = methods.some((method) => (zod ? ZOD_BOUNDED : JOI_BOUNDED).test(method));
      if (bounded || refinedToBoundedLength(ctx, source, value)) continue;
      if (base === 'z.string' || base === 'Joi.string') fields.push(name);
      else if (base === 'z.array' || base === 'Joi.array') fields.push(`${name}[]`);
    }
    if (fields.length === 0) continue;
    const name = schemaName(call.node);
    if (usedForRequests(ctx, name) && !validatesEnvironment(ctx.sources, name.split('.')[0] ?? name)) out.push({ node: call.node, name: name || 'schema', fields });
  }
  return out;
}

const BODY_PARAMETER_TYPE = /@Body\([^)]*\)\s*\w+\s*:\s*(\w+)/g;
const bodyTypes = new WeakMap<CheckContext, Set<string>>();

/**
 * Whether some file declares a `@Body() dto: Name` parameter. The type names after every `@Body(…) x:`
 * of the project are read once per audit (it was a regular expression per class over every file).
 */
function usedAsBody(ctx: CheckContext, name: string): boolean {
  // A name with characters outside \w keeps the former per-name scan (its own regular expression semantics).
  if (!/^\w+$/.test(name)) return ctx.sources.some((other) => new RegExp(`@Body\\([^)]*\\)\\s*\\w+\\s*:\\s*${name}\\b`).test(other.text));
  let types = bodyTypes.get(ctx);
  if (!types) {
    types = new Set();
    for (const other of ctx.sources) {
      if (!other.text.includes('@Body(')) continue;
      for (const match of other.text.matchAll(BODY_PARAMETER_TYPE)) if (match[1]) types.add(match[1]);
    }
    bodyTypes.set(ctx, types);
  }
  return types.has(name);
}

function nestDtos(ctx: CheckContext, source: SourceFile): { node: Node; name: string; fields: string[] }[] {
  const out: { node: Node; name: string; fields: string[] }[] = [];
  for (const cls of nodesOfType(source, 'class_declaration')) {
    const name = cls.childForFieldName('name')?.text;
    const body = cls.childForFieldName('body');
    if (!name || !body) continue;
    if (!usedAsBody(ctx, name)) continue;
    const fields: string[] = [];
    let decorators: string[] = [];
    for (const member of body.namedChildren) {
      if (!member) continue;
      if (member.type === 'decorator') {
        decorators.push(member.text);
        continue;
      }
      if (member.type !== 'public_field_definition') continue;
      const own = [...decorators, ...member.namedChildren.filter((child) => child?.type === 'decorator').map((child) => child?.text ?? '')].join(' ');
      decorators = [];
      const field = member.childForFieldName('name')?.text ?? '';
      if (/@IsString\(/.test(own) && !/@(MaxLength|Length|IsUUID|IsIn|IsEnum|IsISO8601|IsDateString|Matches)\(/.test(own)) fields.push(field);
      else if (/@IsArray\(/.test(own) && !/@ArrayMaxSize\(/.test(own)) fields.push(`${field}[]`);
    }
    if (fields.length > 0) out.push({ node: cls, name, fields });
  }
  return out;
}

function pydanticModels(ctx: CheckContext, source: SourceFile, bodies: ReadonlySet<string>): { node: Node; name: string; fields: string[] }[] {
  const out: { node: Node; name: string; fields: string[] }[] = [];
  for (const cls of nodesOfType(source, 'class_definition')) {
    const name = cls.childForFieldName('name')?.text;
    const body = cls.childForFieldName('body');
    if (!name || !body || !bodies.has(name) || !/BaseModel|SQLModel/.test(cls.childForFieldName('superclasses')?.text ?? '')) continue;
    const fields: string[] = [];
    for (const statement of body.namedChildren) {
      const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
      if (assignment?.type !== 'assignment') continue;
      const field = assignment.childForFieldName('left')?.text ?? '';
      const type = assignment.childForFieldName('type')?.text ?? '';
      const value = assignment.childForFieldName('right')?.text ?? '';
      const bounded = /max_length|max_items|constr\(|conlist\(|StringConstraints|Literal\[|EmailStr|HttpUrl|AnyUrl|UUID/.test(type + value);
      if (bounded) continue;
      if (/^(Optional\[)?str\]?(\s*\|\s*None)?$/.test(type)) fields.push(field);
      else if (/^(Optional\[)?(List|list|Sequence|set|Set)\[/.test(type)) fields.push(`${field}[]`);
    }
    if (fields.length > 0) out.push({ node: cls, name, fields });
  }
  return out;
}

export default defineCheck({
  id: 'unbounded-input-in-validator',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Request schema with unbounded strings or arrays',
  owasp: 'API4:2023',
  cwe: ['CWE-770', 'CWE-1284'],
  severity: 'low',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'A validator that accepts strings and arrays of any length lets one request carry megabytes into every field, so parsing, storage, logging and downstream calls grow with whatever the client sends.',
  remediation:
    'Give every string and array in request schemas an upper bound: zod `z.string().max(200)`, `z.array(item).max(100)`; Joi `Joi.string().max(200)`, `Joi.array().max(100)`; class-validator `@MaxLength(200)`, `@ArrayMaxSize(100)`; Pydantic `Field(max_length=200)` or `Annotated[str, StringConstraints(max_length=200)]`, `conlist(Item, max_length=100)`.',
  messages: {
    fields: 'The request schema `{{name}}` accepts unbounded values for {{fields}}.',
  },
  run(ctx, report) {
    const bodies = new Set<string>();
    for (const endpoint of ctx.inventory.endpoints) {
      if (!isWriteMethod(endpoint.method)) continue;
      for (const parameter of endpoint.parameters) if (parameter.in === 'body' && parameter.type) bodies.add(parameter.type);
    }
    for (const source of ctx.sources) {
      const library = isPython(source) ? 'pydantic' : undefined;
      const schemas = isPython(source) ? pydanticModels(ctx, source, bodies) : [...jsSchemas(ctx, source), ...nestDtos(ctx, source)];
      for (const schema of schemas) {
        // One habit of the project (no length bounds in its validators) is one root cause, listing every schema.
        const rootCause = library ?? (schema.node.type === 'class_declaration' ? 'class-validator' : /\b(?:z|zod)\./.test(schema.node.text) ? 'zod' : 'joi');
        report({
          rootCause,
          messageId: 'fields',
          data: { name: schema.name, fields: schema.fields.map((field) => `\`${field}\``).join(', ') },
          occurrences: schema.fields.length,
          ...siteOf(ctx, source, schema.node, `${schema.name}: ${schema.fields.join(', ')}`),
        });
      }
    }
  },
});
