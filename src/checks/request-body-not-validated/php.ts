/**
 * Request bodies read without validation in PHP: a Laravel or Symfony write action (POST/PUT/PATCH) that
 * reads the whole body — `$request->all()`, `->input()`, `->only([...])`, `->post()`, `->json()`, `request()->all()`,
 * Symfony `$request->request->all()`, `$request->toArray()`, `json_decode($request->getContent())`,
 * `$request->getPayload()` — with no validation: no form request parameter (a class extending Laravel's
 * `FormRequest`), no `$request->validate()` / `$this->validate()` / `Validator::make()` / `validator()`, no
 * Symfony validator call, `#[MapRequestPayload]` DTO or submitted form checked with `isValid()`, and not handed to a
 * project method that validates it. Reads of one field (`input('name')`, a CSRF token) are not a body.
 */
import type { Node } from '../../parsing/parser.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';
import { callName, field, kids, unwrap, walk } from '../../collectors/code/php/ast.js';
import { phpProjectOf, type PhpClass, type PhpProject } from '../../collectors/code/php/project.js';
import { receiverClass } from '../../collectors/code/php/sinks.js';

/** Reads of the whole body (or several fields): `all()`, `input()`, `only([...])`, `json()`, `toArray()`. One field (`input('name')`) is not a body. */
const BODY_METHODS = new Set(['all', 'input', 'only', 'except', 'post', 'json', 'collect', 'toArray', 'getPayload']);
const WHOLE_WITHOUT_ARGUMENTS = new Set(['input', 'post', 'json', 'collect']);
const WRITE = new Set(['POST', 'PUT', 'PATCH']);
const FORM_REQUEST = /(^|\\)FormRequest$/;

export interface PhpBodyUse {
  source: SourceFile;
  node: Node;
  endpoint: Endpoint;
}

/** `$request->all()`, `request()->input()`, `$request->request->all()`, `json_decode($request->getContent())`: the whole body. */
function bodyRead(node: Node, requestNames: ReadonlySet<string>): boolean {
  if (node.type === 'function_call_expression') {
    const name = field(node, 'function')?.text;
    if (name === 'request') return false;
    if (name === 'json_decode') {
      const first = kids(field(node, 'arguments') ?? node)[0];
      const inner = first ? unwrap(kids(first)[0] ?? first) : undefined;
      return inner !== undefined && (inner.type === 'member_call_expression' && callName(inner) === 'getContent' && isRequest(unwrap(field(inner, 'object') ?? inner), requestNames));
    }
    return false;
  }
  if (node.type !== 'member_call_expression' && node.type !== 'nullsafe_member_call_expression') return false;
  const name = callName(node) ?? '';
  const object = unwrap(field(node, 'object') ?? node);
  const argumentCount = kids(field(node, 'arguments') ?? node).length;
  if (BODY_METHODS.has(name) && isRequest(object, requestNames)) return !WHOLE_WITHOUT_ARGUMENTS.has(name) || argumentCount === 0;
  // Symfony's `$request->request->all()`: the form body.
  if (name === 'all' && argumentCount === 0 && object.type === 'member_access_expression' && field(object, 'name')?.text === 'request') return isRequest(unwrap(field(object, 'object') ?? object), requestNames);
  return false;
}

function isRequest(node: Node, requestNames: ReadonlySet<string>): boolean {
  if (node.type === 'variable_name') return requestNames.has(node.text);
  return node.type === 'function_call_expression' && field(node, 'function')?.text === 'request' && kids(field(node, 'arguments') ?? node).length === 0;
}

/** A call or a parameter that validates the body. */
function validates(project: PhpProject, cls: PhpClass, method: Node): boolean {
  const parameters = field(method, 'parameters');
  for (const parameter of parameters ? kids(parameters) : []) {
    if (/#\[\s*(?:\\?[\w\\]*\\)?(MapRequestPayload|MapQueryString)\b/.test(parameter.text)) return true;
    const type = field(parameter, 'type')?.text.replace(/^\?/, '');
    if (!type || /^(Request|int|string|mixed|array|bool|float)$/.test(type)) continue;
    const target = project.classOf(project.resolveName(cls.file, type, cls));
    if (!target) continue;
    const { chain, external } = project.ancestry(target);
    if (FORM_REQUEST.test(external ?? '') || chain.some((each) => FORM_REQUEST.test(each.parent ?? ''))) return true;
  }
  let found = false;
  walk(method, (node) => {
    if (found) return false;
    if (node.type === 'member_call_expression' || node.type === 'scoped_call_expression' || node.type === 'function_call_expression') {
      const name = node.type === 'function_call_expression' ? field(node, 'function')?.text : callName(node);
      if (name && /^(validate\w*|isValid|validator|make)$/.test(name) && (name !== 'make' || /^\\?(Illuminate\\Support\\Facades\\)?Validator$/.test(field(node, 'scope')?.text ?? ''))) found = true;
    }
    return !found;
  });
  return found;
}

/**
 * The body is handed to a project method that validates it (`(new UpdateUserProfileInformation())->update($user,
 * $request->input())`, Fortify's actions calling `Validator::make($input, …)->validate()`): one call deep.
 */
function validatedByCallee(project: PhpProject, cls: PhpClass, use: Node): boolean {
  let call: Node | null = use.parent;
  while (call && (call.type === 'argument' || call.type === 'arguments' || call.type === 'parenthesized_expression')) call = call.parent;
  if (!call || (call.type !== 'member_call_expression' && call.type !== 'scoped_call_expression' && call.type !== 'function_call_expression')) return false;
  const name = call.type === 'function_call_expression' ? field(call, 'function')?.text : callName(call);
  if (!name) return false;
  // The receiver's class when it is written (`new X()`, `X::m()`, a typed property or parameter), else every project method of that name.
  const receiver = call.type === 'member_call_expression' ? field(call, 'object') : call.type === 'scoped_call_expression' ? field(call, 'scope') : undefined;
  const target = receiver ? unwrap(receiver) : undefined;
  const written = target?.type === 'object_creation_expression' ? kids(target).find((child) => child.type === 'name' || child.type === 'qualified_name')?.text : target?.type === 'name' || target?.type === 'qualified_name' ? target.text : target ? receiverClass(target, call) : undefined;
  const known = written ? project.classOf(project.resolveName(cls.file, written, cls)) : undefined;
  const candidates = (known ? [known] : [...project.classes.values()]).flatMap((each) => {
    const method = project.methodOf(each, name)?.method;
    return method && each !== cls ? [{ owner: each, method }] : [];
  });
  return candidates.length > 0 && candidates.every(({ owner, method }) => validates(project, owner, method));
}

function requestParameters(method: Node): Set<string> {
  const out = new Set<string>(['$request']);
  const parameters = field(method, 'parameters');
  for (const parameter of parameters ? kids(parameters) : []) {
    const type = field(parameter, 'type')?.text ?? '';
    const name = field(parameter, 'name')?.text;
    if (name && /Request$/.test(type)) out.add(name);
  }
  return out;
}

export function phpUnvalidatedBodies(ctx: CheckContext): PhpBodyUse[] {
  const endpoints = ctx.inventory.endpoints.filter((endpoint) => WRITE.has(endpoint.method) && endpoint.handler && endpoint.sources.some((source) => source.via === 'laravel' || source.via === 'symfony'));
  if (endpoints.length === 0) return [];
  const project = phpProjectOf(ctx.sources, true);
  const methods = new Map<string, { cls: PhpClass; method: Node }>();
  for (const cls of project.classes.values()) {
    for (const method of cls.methods.values()) methods.set(`${cls.file.source.file}:${method.startPosition.row + 1}`, { cls, method });
  }
  const out: PhpBodyUse[] = [];
  const seen = new Set<Node['id']>();
  for (const endpoint of endpoints) {
    const found = methods.get(`${endpoint.handler?.file ?? ''}:${endpoint.handler?.line ?? 0}`);
    if (!found || seen.has(found.method.id)) continue;
    seen.add(found.method.id);
    const body = field(found.method, 'body');
    if (!body) continue;
    const requestNames = requestParameters(found.method);
    let use: Node | undefined;
    walk(body, (node) => {
      if (use) return false;
      if (bodyRead(node, requestNames)) use = node;
      return !use;
    });
    if (!use || validates(project, found.cls, found.method) || validatedByCallee(project, found.cls, use)) continue;
    out.push({ source: found.cls.file.source, node: use, endpoint });
  }
  return out;
}
