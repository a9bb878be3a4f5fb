import type { Location } from '../../../model/types.js';
import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import { CsProject, field, invocationParts, kids, typeName, walk } from './project.js';

/** C# value flow shared by the checks: request data in handlers, local values, environment guards, `#if DEBUG`. */

const FUNCTION_TYPES = new Set(['method_declaration', 'local_function_statement', 'lambda_expression', 'anonymous_method_expression', 'constructor_declaration']);

/** Types whose values cannot carry SQL or markup: numbers, ids, flags, dates. */
const SCALAR = /^(?:int|uint|long|ulong|short|ushort|byte|sbyte|bool|decimal|double|float|char|Guid|DateTime|DateTimeOffset|DateOnly|TimeOnly|TimeSpan|Int16|Int32|Int64|UInt32|UInt64|Boolean|Decimal|Double|Single)\??$/;
/** Parameters the framework injects rather than binds from the request. */
const INJECTED = /^(?:HttpContext|HttpRequest|HttpResponse|CancellationToken|ClaimsPrincipal|IFormFile|IFormFileCollection|ILogger|IConfiguration|IServiceProvider|IMediator|ISender|LinkGenerator)$/;
/** String methods that keep their receiver's content. */
const STRING_KEEPS = new Set(['ToString', 'Trim', 'TrimStart', 'TrimEnd', 'ToLower', 'ToUpper', 'ToLowerInvariant', 'ToUpperInvariant', 'Replace', 'Substring', 'PadLeft', 'PadRight', 'Normalize', 'First', 'FirstOrDefault', 'Single', 'Last']);
/** `string.Join`, `string.Format`, `string.Concat`: the result holds every argument. */
const STRING_BUILDS = new Set(['Join', 'Format', 'Concat']);
/** `Request.Query["q"]`, `Request.Form["x"]`, `Request.Headers["h"]` … */
const REQUEST_COLLECTIONS = new Set(['Query', 'Form', 'Headers', 'Cookies', 'RouteValues', 'QueryString', 'Path', 'Body']);

/** Test projects (`tests/`, `Foo.Tests/`, `Foo.FunctionalTests/`): their code never serves a request. */
export function isCsTestFile(file: string): boolean {
  return /(?:^|\/)(?:[Tt]ests?|[^/]*[.-](?:\w*Tests?|Specs?))\//.test(file);
}

const projects = { withTests: new WeakMap<readonly SourceFile[], CsProject>(), withoutTests: new WeakMap<readonly SourceFile[], CsProject>() };

/**
 * The C# project of a unit's sources (its test files left out unless `tests`), read once for the collector and
 * every check that asks with the same list: each used to read every file's classes again.
 */
export function csProjectOf(sources: readonly SourceFile[], tests = false): CsProject {
  const cache = tests ? projects.withTests : projects.withoutTests;
  let project = cache.get(sources);
  if (!project) {
    project = new CsProject(tests ? sources : sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file)));
    cache.set(sources, project);
  }
  return project;
}

export function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (FUNCTION_TYPES.has(current.type)) return current;
  return undefined;
}

const startsByList = new WeakMap<readonly Location[], Map<string, ReadonlySet<string>>>();
const NO_STARTS: ReadonlySet<string> = new Set();

/**
 * Start positions (`line:column`, 1-based) of the handlers the inventory knows in `file`. The list is
 * grouped by file once (checks ask for every C# file: filtering the whole list per file was files × handlers).
 */
export function handlerStarts(handlers: readonly Location[], file: string): ReadonlySet<string> {
  let byFile = startsByList.get(handlers);
  if (!byFile) {
    const grouped = new Map<string, Set<string>>();
    for (const handler of handlers) {
      let starts = grouped.get(handler.file);
      if (!starts) {
        starts = new Set();
        grouped.set(handler.file, starts);
      }
      starts.add(`${handler.line}:${handler.column ?? 1}`);
    }
    byFile = grouped;
    startsByList.set(handlers, byFile);
  }
  return byFile.get(file) ?? NO_STARTS;
}

export function startKey(node: Node): string {
  return `${node.startPosition.row + 1}:${node.startPosition.column + 1}`;
}

export function parametersOf(fn: Node): Node[] {
  const list = field(fn, 'parameters') ?? kids(fn).find((child) => child.type === 'parameter_list');
  if (list?.type === 'parameter_list') return kids(list).filter((child) => child.type === 'parameter');
  // `x => …`: a single untyped parameter.
  return list?.type === 'identifier' ? [list] : [];
}

function parameterType(parameter: Node): string {
  if (parameter.type === 'identifier') return '';
  return field(parameter, 'type')?.text ?? '';
}

function attributeNames(parameter: Node): string[] {
  return kids(parameter)
    .filter((child) => child.type === 'attribute_list')
    .flatMap((list) => kids(list).map((attribute) => typeName(field(attribute, 'name')?.text ?? '').replace(/Attribute$/, '')));
}

/** True when a handler parameter is bound from the request (route, query, body, form, header), not injected. */
export function boundFromRequest(parameter: Node, isService: (type: string) => boolean): boolean {
  const attributes = attributeNames(parameter);
  if (attributes.some((name) => name === 'FromServices' || name === 'FromKeyedServices')) return false;
  if (attributes.some((name) => /^From(Query|Route|Body|Form|Header)$/.test(name) || name === 'AsParameters')) return !SCALAR.test(typeName(parameterType(parameter)));
  const type = parameterType(parameter);
  const simple = typeName(type).replace(/\?$/, '');
  if (type === '' || SCALAR.test(simple) || INJECTED.test(simple) || /^ILogger$/.test(simple)) return false;
  // An interface or a DbContext is a service the container hands over.
  if (/^I[A-Z]/.test(simple) || isService(simple)) return false;
  return true;
}

export interface Origin {
  /** The request expression as written (`name`, `Request.Query["q"]`, `dto.Filter`). */
  text: string;
  /** A parameter of a method that is not a handler: the caller decides what it holds. */
  parameter?: { fn: Node; index: number };
}

export interface FlowOptions {
  /** Handler start positions in this file (see handlerStarts). */
  handlers: ReadonlySet<string>;
  /** Project types that are injected services (DbContext subclasses, repositories behind interfaces). */
  isService?: (type: string) => boolean;
  /** Property type of a project type, when known; a scalar property of a bound DTO is not text. */
  propertyType?: (owner: string, property: string) => string | undefined;
  /** Follow parameters of ordinary methods too (reported as `parameter` origins). */
  parameters?: boolean;
}

function declaredType(fn: Node, name: string): string | undefined {
  for (const parameter of parametersOf(fn)) {
    const id = parameter.type === 'identifier' ? parameter : field(parameter, 'name');
    if (id?.text === name) return parameterType(parameter);
  }
  return undefined;
}

/** The last value given to local `name` before `use` in the function that holds it. */
export function localValue(name: string, use: Node): Node | undefined {
  const fn = enclosingFunction(use);
  if (!fn) return undefined;
  let value: Node | undefined;
  walk(fn, (child) => {
    if (child.startIndex >= use.startIndex) return false;
    if (child !== fn && FUNCTION_TYPES.has(child.type) && child.type !== 'lambda_expression') return false;
    if (child.type === 'variable_declarator' && kids(child)[0]?.text === name) {
      const init = kids(child).find((part) => part.type === 'equals_value_clause');
      value = init ? kids(init)[0] : undefined;
    }
    if (child.type === 'assignment_expression' && field(child, 'left')?.text === name) {
      const operator = kids(child).find((part) => part.type === 'assignment_operator')?.text;
      // `sql += " AND x = " + q;` keeps the earlier text and adds more: the addition decides.
      value = operator === '+=' ? child : field(child, 'right');
    }
    return true;
  });
  return value;
}

/** The declared type of local `name` (`FormattableString sql = $"…"`), when written. */
export function localType(name: string, use: Node): string | undefined {
  const fn = enclosingFunction(use);
  if (!fn) return undefined;
  let type: string | undefined;
  walk(fn, (child) => {
    if (child.startIndex >= use.startIndex) return false;
    if (child.type === 'variable_declaration') {
      const declared = kids(child)[0];
      if (kids(child).some((part) => part.type === 'variable_declarator' && kids(part)[0]?.text === name)) type = declared?.type === 'implicit_type' ? undefined : declared?.text;
    }
    return true;
  });
  return type ?? declaredType(fn, name);
}

/**
 * Where the text of `node` comes from the request: a handler parameter bound from the request, a
 * `Request.Query[…]`-style read, a property of a bound model, through locals, concatenation,
 * interpolation and string methods. Numbers, ids and parsed values are not text and stop the flow.
 */
export function requestOrigin(node: Node | undefined, options: FlowOptions, depth = 0): Origin | undefined {
  if (!node || depth > 6) return undefined;
  switch (node.type) {
    case 'parenthesized_expression':
    case 'argument':
    case 'interpolation':
      return requestOrigin(kids(node)[0], options, depth + 1);
    case 'cast_expression': {
      const type = field(node, 'type')?.text ?? '';
      return SCALAR.test(typeName(type)) ? undefined : requestOrigin(field(node, 'value') ?? kids(node).pop(), options, depth + 1);
    }
    case 'interpolated_string_expression':
      for (const part of kids(node).filter((child) => child.type === 'interpolation')) {
        const found = requestOrigin(part, options, depth + 1);
        if (found) return found;
      }
      return undefined;
    case 'binary_expression':
    case 'assignment_expression': {
      const parts = node.type === 'binary_expression' ? [field(node, 'left'), field(node, 'right')] : [field(node, 'left'), field(node, 'right')];
      const operator = node.children.find((child) => child !== null && !child.isNamed)?.type ?? kids(node).find((child) => child.type === 'assignment_operator')?.text;
      if (operator !== '+' && operator !== '??' && operator !== '+=') return undefined;
      if (node.type === 'assignment_expression') {
        const left = field(node, 'left');
        const earlier = left?.type === 'identifier' ? localValue(left.text, node) : undefined;
        return requestOrigin(field(node, 'right'), options, depth + 1) ?? requestOrigin(earlier, options, depth + 1);
      }
      for (const part of parts) {
        const found = requestOrigin(part, options, depth + 1);
        if (found) return found;
      }
      return undefined;
    }
    case 'conditional_expression':
      return requestOrigin(field(node, 'consequence'), options, depth + 1) ?? requestOrigin(field(node, 'alternative'), options, depth + 1);
    case 'identifier':
      return identifierOrigin(node, options, depth);
    case 'element_access_expression': {
      const target = field(node, 'expression');
      if (target?.type === 'member_access_expression' && REQUEST_COLLECTIONS.has(field(target, 'name')?.text ?? '') && isRequest(field(target, 'expression'), node)) return { text: node.text };
      // `values[0]` of request values is request data.
      return requestOrigin(target, options, depth + 1);
    }
    case 'member_access_expression': {
      const name = field(node, 'name')?.text ?? '';
      const receiver = field(node, 'expression');
      if (REQUEST_COLLECTIONS.has(name) && isRequest(receiver, node)) return { text: node.text };
      if (name === 'Length' || name === 'Count') return undefined;
      const found = receiver ? requestOrigin(receiver, options, depth + 1) : undefined;
      if (!found || !receiver) return undefined;
      const owner = receiver.type === 'identifier' ? receiverType(receiver, node) : undefined;
      const type = owner ? options.propertyType?.(typeName(owner).replace(/\?$/, ''), name) : undefined;
      if (type && SCALAR.test(typeName(type))) return undefined;
      return { ...found, text: found.parameter ? found.text : node.text };
    }
    case 'invocation_expression': {
      const parts = invocationParts(node);
      if (!parts) return undefined;
      if (STRING_BUILDS.has(parts.name) && /^(?:string|String|System\.String)$/.test(parts.receiver?.text ?? '')) {
        for (const arg of parts.args) {
          const found = requestOrigin(arg, options, depth + 1);
          if (found) return found;
        }
        return undefined;
      }
      if (STRING_KEEPS.has(parts.name) && parts.receiver) return requestOrigin(parts.receiver, options, depth + 1);
      return undefined;
    }
    default:
      return undefined;
  }
}

function receiverType(identifier: Node, use: Node): string | undefined {
  return localType(identifier.text, use);
}

/** `Request`, `HttpContext.Request`, `context.Request`, or a parameter declared `HttpRequest`. */
function isRequest(node: Node | undefined, use: Node): boolean {
  if (!node) return false;
  if (node.type === 'identifier') return node.text === 'Request' || typeName(localType(node.text, use) ?? '') === 'HttpRequest';
  return node.type === 'member_access_expression' && field(node, 'name')?.text === 'Request';
}

function identifierOrigin(node: Node, options: FlowOptions, depth: number): Origin | undefined {
  const name = node.text;
  for (let fn = enclosingFunction(node); fn; fn = enclosingFunction(fn)) {
    const parameters = parametersOf(fn);
    const index = parameters.findIndex((parameter) => (parameter.type === 'identifier' ? parameter : field(parameter, 'name'))?.text === name);
    if (index >= 0) {
      const parameter = parameters[index];
      if (!parameter) return undefined;
      if (options.handlers.has(startKey(fn))) return boundFromRequest(parameter, options.isService ?? (() => false)) ? { text: name } : undefined;
      if (options.parameters && fn.type === 'method_declaration' && !SCALAR.test(typeName(parameterType(parameter)))) return { text: name, parameter: { fn, index } };
      return undefined;
    }
    const value = localValue(name, node);
    if (value && isStringBuilder(value)) return builderOrigin(name, value, node, options, depth);
    if (value) {
      const declared = localType(name, node);
      if (declared && SCALAR.test(typeName(declared))) return undefined;
      return requestOrigin(value, options, depth + 1);
    }
    if (fn.type !== 'lambda_expression' && fn.type !== 'anonymous_method_expression' && fn.type !== 'local_function_statement') break;
  }
  return undefined;
}

/** `new StringBuilder(…)`. */
export function isStringBuilder(node: Node): boolean {
  return node.type === 'object_creation_expression' && typeName(field(node, 'type')?.text ?? '') === 'StringBuilder';
}

/** What a StringBuilder local holds at `use`: its constructor text and every `Append*` before it in the function. */
function builderOrigin(name: string, creation: Node, use: Node, options: FlowOptions, depth: number): Origin | undefined {
  const parts = [...kids(field(creation, 'arguments') ?? creation).filter((child) => child.type === 'argument')];
  const fn = enclosingFunction(use);
  if (fn) {
    walk(fn, (child) => {
      if (child.startIndex >= use.startIndex) return false;
      const call = invocationParts(child);
      if (call && /^(?:Append|AppendLine|AppendFormat|Insert)$/.test(call.name) && chainStart(call.receiver) === name) parts.push(...call.args);
      return true;
    });
  }
  for (const part of parts) {
    const found = requestOrigin(part, options, depth + 1);
    if (found) return found;
  }
  return undefined;
}

/** The variable a fluent chain starts from (`sb` in `sb.Append(a).Append(b)`). */
function chainStart(node: Node | undefined): string | undefined {
  let current = node;
  while (current) {
    if (current.type === 'identifier') return current.text;
    const call = invocationParts(current);
    current = call ? call.receiver : current.type === 'member_access_expression' ? field(current, 'expression') : undefined;
  }
  return undefined;
}

/** Every method's call sites by name, for one hop from a handler into a method that builds SQL. */
export function callsNamed(sources: readonly SourceFile[], names: ReadonlySet<string>): { source: SourceFile; call: Node; name: string; args: Node[] }[] {
  const out: { source: SourceFile; call: Node; name: string; args: Node[] }[] = [];
  for (const source of sources) {
    if (source.language !== 'csharp') continue;
    walk(source.tree.rootNode, (node) => {
      const parts = invocationParts(node);
      if (parts && names.has(parts.name)) out.push({ source, call: node, name: parts.name, args: parts.args });
      return true;
    });
  }
  return out;
}

const DEV_TEST = /\bIsDevelopment\s*\(\s*\)|\bIsEnvironment\s*\(\s*(?:"Development"|Environments\.Development)\s*\)|EnvironmentName\s*==\s*(?:"Development"|Environments\.Development)/;
const NOT_DEV_TEST = /^!\s*\(?\s*[\w.]*\.?IsDevelopment\s*\(\s*\)\s*\)?$|\bIsProduction\s*\(\s*\)|\bIsStaging\s*\(\s*\)/;

/**
 * True when `node` only runs in development: inside `if (env.IsDevelopment())` (or the else of
 * `if (!env.IsDevelopment())` / `if (env.IsProduction())`), or compiled only under `#if DEBUG`.
 */
export function developmentOnly(source: SourceFile, node: Node): boolean {
  for (let child = node, parent = node.parent; parent; child = parent, parent = parent.parent) {
    if (parent.type !== 'if_statement') continue;
    const condition = field(parent, 'condition')?.text.trim() ?? '';
    const inThen = field(parent, 'consequence')?.id === child.id;
    const inElse = field(parent, 'alternative')?.id === child.id;
    const negated = NOT_DEV_TEST.test(condition);
    if (inThen && !negated && DEV_TEST.test(condition) && !/\|\|/.test(condition.replace(/\|\|\s*[\w.]*(?:IsEnvironment|EnvironmentName)[^|]*/g, ''))) return true;
    if (inElse && negated) return true;
  }
  return debugDirective(source, node) || debugOnlyMethod(node);
}

/** Symbols only debug and local builds define: `DEBUG`, and `DEBUG || LOCAL`-style alternatives of them. */
const DEBUG_SYMBOLS = /^\(?\s*(DEBUG|LOCAL|DEV|DEVELOPMENT)\s*\)?(\s*\|\|\s*\(?\s*(DEBUG|LOCAL|DEV|DEVELOPMENT)\s*\)?)*$/;
const NOT_DEBUG = /^!\s*\(?\s*DEBUG\s*\)?$/;

/**
 * True when the line of `node` sits in a `#if DEBUG` (or `#if DEBUG || LOCAL`, `#elif DEBUG`) block or
 * in the `#else` of `#if !DEBUG`: release builds do not compile it.
 */
export function debugDirective(source: SourceFile, node: Node): boolean {
  if (!source.text.includes('#')) return false;
  const lines = source.text.split('\n').slice(0, node.startPosition.row);
  const stack: { debug: boolean; notDebug: boolean }[] = [];
  for (const raw of lines) {
    const line = raw.trim().replace(/\s*\/\/.*$/, '');
    const open = /^#\s*if\s+(.*)$/.exec(line);
    if (open) {
      const condition = (open[1] ?? '').trim();
      stack.push({ debug: DEBUG_SYMBOLS.test(condition), notDebug: NOT_DEBUG.test(condition) });
      continue;
    }
    const top = stack[stack.length - 1];
    const elif = /^#\s*elif\s+(.*)$/.exec(line);
    if (elif && top) {
      top.debug = DEBUG_SYMBOLS.test((elif[1] ?? '').trim());
      top.notDebug = false;
    } else if (/^#\s*else\b/.test(line) && top) top.debug = top.notDebug;
    else if (/^#\s*endif\b/.test(line)) stack.pop();
  }
  return stack.some((entry) => entry.debug);
}

/** True inside a method marked `[Conditional("DEBUG")]`: the compiler drops every call to it from release builds. */
export function debugOnlyMethod(node: Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type !== 'method_declaration' && current.type !== 'local_function_statement') continue;
    return kids(current).some((child) => child.type === 'attribute_list' && /\bConditional(Attribute)?\s*\(\s*"DEBUG"\s*\)/.test(child.text));
  }
  return false;
}

/** Services the container injects: project classes deriving from a DbContext, and interfaces. */
export function serviceTypes(project: CsProject): (type: string) => boolean {
  const contexts = new Set(['DbContext', 'IdentityDbContext', 'IdentityUserContext', 'ApiAuthorizationDbContext', 'ControllerBase', 'Controller']);
  return (type: string): boolean => {
    const cls = project.classOf(type);
    if (!cls) return false;
    return cls.node.type === 'interface_declaration' || project.inherits(cls, contexts);
  };
}

/** A property's declared type in a project class or record (`record Filter(string Name, int Page)` too). */
export function propertyTypes(project: CsProject): (owner: string, property: string) => string | undefined {
  return (owner: string, property: string): string | undefined => {
    const cls = project.classOf(owner);
    if (!cls) return undefined;
    for (const each of [cls, ...project.ancestors(cls).chain]) {
      const body = field(each.node, 'body');
      for (const member of body ? kids(body) : []) {
        if (member.type === 'property_declaration' && field(member, 'name')?.text === property) return field(member, 'type')?.text;
      }
      const positional = kids(each.node).find((child) => child.type === 'parameter_list');
      for (const parameter of positional ? kids(positional).filter((child) => child.type === 'parameter') : []) {
        if (field(parameter, 'name')?.text === property) return field(parameter, 'type')?.text;
      }
    }
    return undefined;
  };
}

/** True when a lambda, local function or method (body or `=>` clause) returns `true` whatever it is given. */
export function alwaysTrue(fn: Node | undefined): boolean {
  if (!fn) return false;
  const body = field(fn, 'body') ?? kids(fn).find((child) => child.type === 'block' || child.type === 'arrow_expression_clause') ?? kids(fn).pop();
  if (!body) return false;
  if (body.type === 'boolean_literal') return body.text === 'true';
  if (body.type === 'arrow_expression_clause') return kids(body)[0]?.text === 'true';
  if (body.type !== 'block') return false;
  const returns: Node[] = [];
  walk(body, (node) => {
    if (node !== body && FUNCTION_TYPES.has(node.type)) return false;
    if (node.type === 'return_statement') returns.push(node);
    return true;
  });
  return returns.length > 0 && returns.every((statement) => kids(statement)[0]?.text === 'true');
}

/** The function a delegate argument stands for: a lambda, or a method group resolved in the file. */
export function delegateTarget(node: Node | undefined, root: Node): Node | undefined {
  if (!node) return undefined;
  if (node.type === 'lambda_expression' || node.type === 'anonymous_method_expression') return node;
  if (node.type !== 'identifier') return undefined;
  let found: Node | undefined;
  walk(root, (child) => {
    if (found) return false;
    if ((child.type === 'local_function_statement' || child.type === 'method_declaration') && field(child, 'name')?.text === node.text) found = child;
    return true;
  });
  return found;
}
