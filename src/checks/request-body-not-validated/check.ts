import { nodesOfType, relativeImport, sourceByFile } from '../../analysis/code.js';
import type { Node } from 'web-tree-sitter';
import { at, isJs, isPython } from '../../analysis/code-auth.js';
import { isWriteMethod } from '../../analysis/code-input.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';
import { validationProviders } from '../../collectors/code/plugins.js';
import defineCheck from '../define-check.js';
import { phpUnvalidatedBodies } from './php.js';
import { descendantsOf, parentOf } from '../../parsing/tree-index.js';

const FUNCTION_TYPES = ['function_definition', 'function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition'];
const JS_BODY = /^(req|request|ctx\.request|c\.req|event)\.body$/;
const JS_BODY_CALL = /^(request|req|c\.req)\.(json|formData)$/;
const PY_BODY = /^(request|self\.request)\.(json|form|data|POST|body)$/;
const PY_BODY_CALL = /^(request|self\.request)\.(get_json|json|form)$/;
/** Webhook receivers that authenticate the payload by signature. */
const SIGNED = /hmac|compare_digest|timingSafeEqual|constructEvent|construct_event|verify_?signature|verifySignature|webhooks?\.verify/i;
/** Calls and middleware that validate a body against a schema. */
const VALIDATION =
  /\.(parse|safeParse|parseAsync|safeParseAsync|validate|validateAsync|validateSync|is_valid|load|loads|model_validate|model_validate_json|parse_obj|parse_raw|validate_python|validate_on_submit)\(|validationResult\(|matchedData\(|checkSchema\(|celebrate\(|\b(body|check)\(\s*['"]|\bvalidate\w*\(|\bvalidator\b|\bschema\s*:|\bajv\b|plainToInstance|plainToClass|jsonschema|Serializer\(|validate\s*=\s*True|\w+Form\(|\bSchema\(\)|TypeAdapter|\bzValidator\(|\bvalibot\b/;
let projectValidation: RegExp | undefined;

function codeText(node: Node): string {
  let out = '';
  let cursor = node.startIndex;
  for (const comment of node.descendantsOfType('comment')) {
    if (!comment) continue;
    out += node.text.slice(cursor - node.startIndex, comment.startIndex - node.startIndex);
    cursor = comment.endIndex;
  }
  return out + node.text.slice(cursor - node.startIndex);
}

interface FunctionSpan {
  fn: Node;
  /** First line of the function, its decorators included. */
  start: number;
  defLine: number;
  endLine: number;
  length: number;
}

const spans = new WeakMap<SourceFile, FunctionSpan[]>();

/** The file's functions with their lines, read once per file (handlers are matched to them per endpoint). */
function functionSpans(source: SourceFile): FunctionSpan[] {
  let found = spans.get(source);
  if (!found) {
    found = nodesOfType(source, FUNCTION_TYPES).map((fn) => {
      const fnParent = parentOf(fn);
      const defLine = fn.startPosition.row + 1;
      const start = fnParent?.type === 'decorated_definition' ? fnParent.startPosition.row + 1 : defLine;
      return { fn, start, defLine, endLine: fn.endPosition.row + 1, length: fn.endIndex - fn.startIndex };
    });
    spans.set(source, found);
  }
  return found;
}

function handlerNode(source: SourceFile, endpoint: Endpoint): Node | undefined {
  const handler = endpoint.handler;
  if (!handler) return undefined;
  let best: FunctionSpan | undefined;
  for (const span of functionSpans(source)) {
    if (handler.line < span.start || handler.line > span.defLine) continue;
    if (handler.endLine !== undefined && span.endLine !== handler.endLine) continue;
    if (!best || span.length < best.length) best = span;
  }
  return best?.fn;
}

/** A logger or console call: a body passed straight to it is printed, not processed. */
const LOG_CALL = /^(console|(this\.)?_?log(ger)?|logging|(self\.)?_?logger|\w*[Ll]ogger)\.(debug|info|warn|warning|error|log|trace|silly|verbose|exception|critical)$|^print$/;

function onlyLogged(node: Node): boolean {
  const args = parentOf(node);
  if (args?.type !== 'arguments' && args?.type !== 'argument_list') return false;
  return LOG_CALL.test(parentOf(args)?.childForFieldName('function')?.text ?? '');
}

function bodyUse(source: SourceFile, fn: Node): Node | undefined {
  const py = isPython(source);
  const types = py ? ['attribute', 'call'] : ['member_expression', 'call_expression'];
  for (const node of descendantsOf(fn, types)) {
    // The text tests first: most of a handler's members and calls are not the body, and climbing to
    // their parents (onlyLogged) costs a descent from the root of the tree for each.
    if (node.type === 'call' || node.type === 'call_expression') {
      const callee = node.childForFieldName('function')?.text ?? '';
      if ((py ? PY_BODY_CALL : JS_BODY_CALL).test(callee) && !onlyLogged(node)) return node;
    } else if ((py ? PY_BODY : JS_BODY).test(node.text) && !onlyLogged(node)) {
      const parent = parentOf(node);
      if ((parent?.type !== 'call' && parent?.type !== 'call_expression') || parent.childForFieldName('function')?.id !== node.id) return node;
    }
  }
  return undefined;
}

/** Nest: a `@Body()` parameter typed as a plain object (a DTO class is validated by a ValidationPipe). */
function nestUntypedBody(fn: Node): Node | undefined {
  for (const param of fn.childForFieldName('parameters')?.namedChildren ?? []) {
    if (!param || !param.namedChildren.some((child) => child?.type === 'decorator' && /^@Body\(/.test(child.text))) continue;
    const type = (param.childForFieldName('type')?.text ?? '').replace(/^:\s*/, '');
    if (type === '' || /^(any|unknown|object|Record<.*>|\{[\s\S]*\})$/.test(type)) return param;
  }
  return undefined;
}

function registration(fn: Node, fnText: string): string {
  const args = parentOf(fn);
  const call = parentOf(args);
  return args?.type === 'arguments' && call ? codeText(call).replace(fnText, '') : '';
}

const MAX_RESOLVED_TEXT = 20_000;
const REGISTRATION = /^(get|post|put|patch|delete|del|all|head|options|route|use)$/;

const definitions = new WeakMap<SourceFile, Map<string, Node>>();

/**
 * The text of what `name` is bound to at the top of a module: a const, a function, an `exports.name =`
 * (the first such binding in the file; the file's bindings are indexed once, not searched per name).
 */
function definitionText(source: SourceFile, name: string): string | undefined {
  let byName = definitions.get(source);
  if (!byName) {
    byName = new Map();
    for (const node of nodesOfType(source, ['variable_declarator', 'function_declaration', 'assignment_expression'])) {
      let bound: string | undefined;
      if (node.type === 'assignment_expression') {
        const left = node.childForFieldName('left')?.text ?? '';
        bound = left.startsWith('exports.') ? left.slice('exports.'.length) : left.startsWith('module.exports.') ? left.slice('module.exports.'.length) : undefined;
      } else {
        bound = node.childForFieldName('name')?.text;
      }
      if (bound !== undefined && !byName.has(bound)) byName.set(bound, node);
    }
    definitions.set(source, byName);
  }
  return byName.get(name)?.text;
}

interface RegistrationCall {
  call: Node;
  startRow: number;
  endRow: number;
  length: number;
  /** Largest end row of this call and every call before it (in start order): where a backward scan may stop. */
  reach: number;
}

const registrations = new WeakMap<SourceFile, RegistrationCall[]>();

/** The file's route registration calls (`router.get(…)`, `app.use(…)`), by start row, listed once per file. */
function registrationCalls(source: SourceFile): RegistrationCall[] {
  let found = registrations.get(source);
  if (!found) {
    found = nodesOfType(source, ['call_expression'])
      .filter((call) => REGISTRATION.test(call.childForFieldName('function')?.childForFieldName('property')?.text ?? ''))
      .map((call) => ({ call, startRow: call.startPosition.row, endRow: call.endPosition.row, length: call.endIndex - call.startIndex, reach: 0 }))
      .sort((a, b) => a.startRow - b.startRow);
    let reach = -1;
    for (const entry of found) {
      reach = Math.max(reach, entry.endRow);
      entry.reach = reach;
    }
    registrations.set(source, found);
  }
  return found;
}

/** The shortest registration call spanning `row` (the first in the file among equals). */
function registrationAt(source: SourceFile, row: number): Node | undefined {
  const calls = registrationCalls(source);
  // Last call starting on or before the row; then backwards while an earlier call may still reach it.
  let low = 0;
  let high = calls.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if ((calls[middle]?.startRow ?? 0) <= row) low = middle + 1;
    else high = middle;
  }
  let best: RegistrationCall | undefined;
  for (let index = low - 1; index >= 0; index--) {
    const entry = calls[index];
    if (!entry || entry.reach < row) break;
    if (entry.endRow < row) continue;
    if (!best || entry.length < best.length || (entry.length === best.length && entry.call.startIndex < best.call.startIndex)) best = entry;
  }
  return best?.call;
}

/**
 * The route's own middleware, resolved to their definitions: express-validator chains
 * (`validators.signup = [body('email').isEmail(), …]`) and the middleware that rejects on their
 * result (`helpers.verify` calling `validationResult(req)`) usually live in other modules.
 */
function routeMiddlewareText(ctx: CheckContext, endpoint: Endpoint): string {
  const out: string[] = [];
  for (const declared of endpoint.sources) {
    if (declared.kind !== 'code') continue;
    const source = sourceByFile(ctx, declared.location.file);
    if (!source || !isJs(source)) continue;
    const call = registrationAt(source, declared.location.line - 1);
    const args = call?.childForFieldName('arguments');
    if (!args) continue;
    let size = 0;
    // Identifiers that are a member expression's object (`validators` in `validators.signup`): the member
    // comes before its object in document order, so its object is known without climbing to a parent.
    const objects = new Set<number>();
    for (const reference of args.descendantsOfType(['member_expression', 'identifier'])) {
      if (!reference || size > MAX_RESOLVED_TEXT) break;
      if (reference.type === 'identifier' && objects.has(reference.id)) continue;
      const object = reference.type === 'member_expression' ? reference.childForFieldName('object') : reference;
      if (reference.type === 'member_expression' && object) objects.add(object.id);
      const property = reference.type === 'member_expression' ? reference.childForFieldName('property')?.text : undefined;
      if (object?.type !== 'identifier') continue;
      const imported = relativeImport(ctx, source, object.text);
      const name = property ?? imported?.exported ?? object.text;
      const text = imported ? definitionText(imported.module, name) : definitionText(source, name);
      if (text) {
        out.push(text);
        size += text.length;
      }
    }
  }
  return out.join('\n');
}

/** The project validates every body against its OpenAPI document: openapi-backend, or a framework's way (the validation providers' `specValidation`). */
function projectValidates(ctx: CheckContext): boolean {
  const frameworks = validationProviders().flatMap((provider) => (provider.specValidation ? [provider.specValidation] : []));
  projectValidation ??= new RegExp([...frameworks.flatMap((entry) => entry.code), 'openapi-backend'].join('|'));
  const code = projectValidation;
  const npm = ctx.project.dependencies.npm ?? [];
  return ctx.sources.some((source) => isJs(source) && code.test(source.text)) || frameworks.some((entry) => (entry.npm ?? []).some((name) => npm.includes(name)));
}

function decoratorsOf(fn: Node): string {
  const fnParent = parentOf(fn);
  return fnParent?.type === 'decorated_definition' ? fnParent.namedChildren.filter((child) => child?.type === 'decorator').map((child) => child?.text ?? '').join('\n') : '';
}

export default defineCheck({
  id: 'request-body-not-validated',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Request body used without schema validation',
  owasp: 'API8:2023',
  cwe: ['CWE-20'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'Without a schema, a write endpoint accepts any shape: wrong types, objects where strings are expected (NoSQL operators), extra fields that reach the model (mass assignment) and oversized values, and every downstream query has to defend itself.',
  remediation:
    'Validate the body against a schema before using it: FastAPI a Pydantic model parameter (`async def create(body: PaymentIn)`); Flask `PaymentSchema().load(request.get_json())` (marshmallow) or `PaymentIn.model_validate(request.get_json())`; DRF `serializer.is_valid(raise_exception=True)`; Express `const body = PaymentIn.parse(req.body)` (zod) or `celebrate({ [Segments.BODY]: schema })`; Fastify a route `schema: { body }`; NestJS a DTO class with class-validator decorators and `ValidationPipe({ whitelist: true, forbidNonWhitelisted: true })`; Laravel a form request parameter (`public function store(StoreInvoiceRequest $request)`) or `$request->validate([...])` and `$request->validated()` instead of `$request->all()`; Symfony `#[MapRequestPayload] InvoiceInput $input` with constraints, or `$validator->validate($dto)`.',
  messages: {
    unvalidated: 'The `{{method}} {{path}}` handler reads `{{expression}}` without validating it against a schema.',
  },
  run(ctx, report) {
    for (const hit of phpUnvalidatedBodies(ctx)) {
      report({
        messageId: 'unvalidated',
        data: { method: hit.endpoint.method, path: hit.endpoint.path, expression: hit.node.text.replace(/\s+/g, ' ').slice(0, 60) },
        ...at(ctx, hit.source, hit.node),
        endpointId: hit.endpoint.id,
        key: hit.endpoint.id,
        rootCause: 'php',
      });
    }
    const projectWide = projectValidates(ctx);
    const byFile = new Map(ctx.sources.map((source) => [source.file, source]));
    for (const endpoint of ctx.inventory.endpoints) {
      if (!isWriteMethod(endpoint.method) || !endpoint.handler) continue;
      const source = byFile.get(endpoint.handler.file);
      if (!source || (isJs(source) && projectWide)) continue;
      const fn = handlerNode(source, endpoint);
      if (!fn) continue;
      const use = bodyUse(source, fn) ?? (isJs(source) ? nestUntypedBody(fn) : undefined);
      if (!use) continue;
      const fnText = codeText(fn);
      const evidence = `${fnText}\n${registration(fn, fnText)}\n${decoratorsOf(fn)}`;
      if (VALIDATION.test(evidence) || SIGNED.test(evidence)) continue;
      if (isJs(source) && VALIDATION.test(routeMiddlewareText(ctx, endpoint))) continue;
      report({
        messageId: 'unvalidated',
        data: { method: endpoint.method, path: endpoint.path, expression: use.text.replace(/\s+/g, ' ').slice(0, 60) },
        ...at(ctx, source, use),
        endpointId: endpoint.id,
        key: endpoint.id,
        // Reading bodies without a schema is a habit of the code base: one finding listing every handler.
        rootCause: isPython(source) ? 'python' : 'javascript',
      });
    }
  },
});
