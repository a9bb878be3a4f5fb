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
import { phpValidationProviders } from '../../collectors/code/plugins.js';

const WRITE = new Set(['POST', 'PUT', 'PATCH']);

/** The frameworks' body reads and validators (their `phpValidation` sections), joined once. */
interface Joined {
  frameworks: ReadonlySet<string>;
  bodyMethods: ReadonlySet<string>;
  wholeWithoutArguments: ReadonlySet<string>;
  formBags: ReadonlySet<string>;
  rawContent: ReadonlySet<string>;
  validatedRequests: readonly RegExp[];
  attributes: RegExp | undefined;
  validatorCalls: readonly RegExp[];
  facadeCalls: readonly { scope: RegExp; methods: readonly string[] }[];
}

let joined: Joined | undefined;

function frameworks(): Joined {
  if (joined) return joined;
  const sections = phpValidationProviders();
  const providers = sections.map((section) => section.provider);
  const attributes = providers.flatMap((provider) => provider.validatedAttributes ?? []);
  joined = {
    frameworks: new Set(sections.map((section) => section.id)),
    bodyMethods: new Set(providers.flatMap((provider) => provider.body?.methods ?? [])),
    wholeWithoutArguments: new Set(providers.flatMap((provider) => provider.body?.wholeWithoutArguments ?? [])),
    formBags: new Set(providers.flatMap((provider) => provider.body?.formBags ?? [])),
    rawContent: new Set(providers.flatMap((provider) => provider.body?.rawContent ?? [])),
    validatedRequests: providers.flatMap((provider) => (provider.validatedRequests ? [provider.validatedRequests] : [])),
    // `#[MapRequestPayload]`, `#[\Symfony\…\MapRequestPayload(...)]`.
    attributes: attributes.length > 0 ? new RegExp(`#\\[\\s*(?:\\\\?[\\w\\\\]*\\\\)?(${attributes.join('|')})\\b`) : undefined,
    validatorCalls: providers.flatMap((provider) => (provider.validatorCalls ? [provider.validatorCalls] : [])),
    facadeCalls: providers.flatMap((provider) => provider.facadeCalls ?? []),
  };
  return joined;
}

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
      return inner !== undefined && (inner.type === 'member_call_expression' && frameworks().rawContent.has(callName(inner) ?? '') && isRequest(unwrap(field(inner, 'object') ?? inner), requestNames));
    }
    return false;
  }
  if (node.type !== 'member_call_expression' && node.type !== 'nullsafe_member_call_expression') return false;
  const name = callName(node) ?? '';
  const object = unwrap(field(node, 'object') ?? node);
  const argumentCount = kids(field(node, 'arguments') ?? node).length;
  const { bodyMethods, wholeWithoutArguments, formBags } = frameworks();
  if (bodyMethods.has(name) && isRequest(object, requestNames)) return !wholeWithoutArguments.has(name) || argumentCount === 0;
  // A bag of the request whose `all()` is the form body (Symfony's `$request->request->all()`).
  if (name === 'all' && argumentCount === 0 && object.type === 'member_access_expression' && formBags.has(field(object, 'name')?.text ?? '')) return isRequest(unwrap(field(object, 'object') ?? object), requestNames);
  return false;
}

function isRequest(node: Node, requestNames: ReadonlySet<string>): boolean {
  if (node.type === 'variable_name') return requestNames.has(node.text);
  return node.type === 'function_call_expression' && field(node, 'function')?.text === 'request' && kids(field(node, 'arguments') ?? node).length === 0;
}

/** A call or a parameter that validates the body. */
function validates(project: PhpProject, cls: PhpClass, method: Node): boolean {
  const { attributes, validatedRequests, validatorCalls, facadeCalls } = frameworks();
  const parameters = field(method, 'parameters');
  for (const parameter of parameters ? kids(parameters) : []) {
    if (attributes?.test(parameter.text)) return true;
    const type = field(parameter, 'type')?.text.replace(/^\?/, '');
    if (!type || /^(Request|int|string|mixed|array|bool|float)$/.test(type)) continue;
    const target = project.classOf(project.resolveName(cls.file, type, cls));
    if (!target) continue;
    const { chain, external } = project.ancestry(target);
    if (validatedRequests.some((pattern) => pattern.test(external ?? '') || chain.some((each) => pattern.test(each.parent ?? '')))) return true;
  }
  let found = false;
  walk(method, (node) => {
    if (found) return false;
    if (node.type === 'member_call_expression' || node.type === 'scoped_call_expression' || node.type === 'function_call_expression') {
      const name = node.type === 'function_call_expression' ? field(node, 'function')?.text : callName(node);
      if (name && (validatorCalls.some((pattern) => pattern.test(name)) || facadeCalls.some((call) => call.methods.includes(name) && call.scope.test(field(node, 'scope')?.text ?? '')))) found = true;
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
  const endpoints = ctx.inventory.endpoints.filter((endpoint) => WRITE.has(endpoint.method) && endpoint.handler && endpoint.sources.some((source) => frameworks().frameworks.has(source.via)));
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
