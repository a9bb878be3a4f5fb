import type { Node } from '../../../parsing/parser.js';
import { callName, field, kids, unwrap, walk } from './ast.js';

const REQUEST_METHODS = new Set(['input', 'get', 'query', 'post', 'all', 'json', 'string', 'str', 'collect', 'except', 'route', 'cookie', 'header', 'getContent', 'toArray', 'request']);
const SUPERGLOBALS = new Set(['$_GET', '$_POST', '$_REQUEST', '$_COOKIE', '$_SERVER', '$_FILES']);
const FUNCTIONS = new Set(['__construct', '__invoke']);

/** The function, method or closure that holds `node`. */
export function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (['method_declaration', 'function_definition', 'anonymous_function_creation_expression', 'arrow_function'].includes(current.type)) return current;
  }
  return undefined;
}

/** Variable names bound to the incoming request in a function: `Request $request`, `FormRequest $r` … */
function requestParameters(fn: Node | undefined): Set<string> {
  const out = new Set<string>(['$request']);
  const list = fn ? field(fn, 'parameters') : undefined;
  for (const parameter of list ? kids(list) : []) {
    const type = field(parameter, 'type')?.text ?? '';
    const name = field(parameter, 'name')?.text;
    if (name && /Request$/.test(type)) out.add(name.startsWith('$') ? name : `$${name}`);
  }
  return out;
}

/** Route parameters a controller action receives as untyped or string scalars (`string $sort`, `$slug`). */
function scalarParameters(fn: Node | undefined): Set<string> {
  const out = new Set<string>();
  if (fn?.type !== 'method_declaration' || FUNCTIONS.has(field(fn, 'name')?.text ?? '')) return out;
  // Only controller actions receive route parameters; a service method's string argument comes from its caller.
  const cls = fn.parent?.parent;
  const base = cls ? kids(cls).find((child) => child.type === 'base_clause')?.text ?? '' : '';
  if (cls?.type !== 'class_declaration' || !(/Controller$/.test(field(cls, 'name')?.text ?? '') || /Controller$/.test(base))) return out;
  const list = field(fn, 'parameters');
  for (const parameter of list ? kids(list) : []) {
    const type = field(parameter, 'type')?.text;
    const name = field(parameter, 'name')?.text;
    if (name && (type === undefined || type === 'string' || type === '?string' || type === 'mixed')) out.add(name.startsWith('$') ? name : `$${name}`);
  }
  return out;
}

/**
 * Reads request data straight from the request: `$request->input('q')`, `$request->sort`, `request('q')`,
 * `request()->query('q')`, `$_GET['q']`, `Input::get('q')`, `$request->query->get('q')` (Symfony).
 */
export function isRequestRead(node: Node, requestNames: ReadonlySet<string>): boolean {
  const target = unwrap(node);
  if (target.type === 'subscript_expression') {
    const base = kids(target)[0];
    return base !== undefined && (SUPERGLOBALS.has(base.text) || isRequestRead(base, requestNames));
  }
  if (target.type === 'variable_name') return SUPERGLOBALS.has(target.text);
  if (target.type === 'function_call_expression') {
    const name = field(target, 'function')?.text;
    return name === 'request' && kids(field(target, 'arguments') ?? target).length > 0;
  }
  if (target.type === 'scoped_call_expression') {
    const scope = field(target, 'scope')?.text;
    return (scope === 'Input' || scope === 'Request') && ['get', 'input', 'all', 'query'].includes(callName(target) ?? '');
  }
  if (target.type === 'member_call_expression' || target.type === 'nullsafe_member_call_expression') {
    const object = unwrap(field(target, 'object') ?? target);
    const name = callName(target) ?? '';
    // `$request->file('doc')->getClientOriginalName()`: the file name the client chose.
    if (name === 'getClientOriginalName' || name === 'getClientFilename') return isUploadedFile(object, requestNames);
    if (!REQUEST_METHODS.has(name)) return false;
    if (object.type === 'variable_name' && requestNames.has(object.text)) return true;
    if (object.type === 'function_call_expression' && field(object, 'function')?.text === 'request') return true;
    // Symfony: $request->query->get('q'), $request->request->all()
    if (object.type === 'member_access_expression') {
      const inner = unwrap(field(object, 'object') ?? object);
      return inner.type === 'variable_name' && requestNames.has(inner.text) && ['query', 'request', 'attributes', 'cookies', 'headers'].includes(field(object, 'name')?.text ?? '');
    }
    return false;
  }
  if (target.type === 'member_access_expression') {
    // `$request->sort`: Laravel's dynamic input properties.
    const object = unwrap(field(target, 'object') ?? target);
    const name = field(target, 'name')?.text ?? '';
    return object.type === 'variable_name' && requestNames.has(object.text) && !['query', 'request', 'attributes', 'headers', 'cookies', 'files', 'server'].includes(name);
  }
  return false;
}

/** `$request->file('x')`, `request()->file('x')`, `$request->files->get('x')` (Symfony). */
function isUploadedFile(node: Node, requestNames: ReadonlySet<string>): boolean {
  if (node.type !== 'member_call_expression' && node.type !== 'nullsafe_member_call_expression') return false;
  const object = unwrap(field(node, 'object') ?? node);
  const name = callName(node) ?? '';
  if (name === 'file') return (object.type === 'variable_name' && requestNames.has(object.text)) || (object.type === 'function_call_expression' && field(object, 'function')?.text === 'request');
  if (name === 'get' && object.type === 'member_access_expression' && field(object, 'name')?.text === 'files') {
    const inner = unwrap(field(object, 'object') ?? object);
    return inner.type === 'variable_name' && requestNames.has(inner.text);
  }
  return false;
}

/**
 * Where request data reaches an expression: the expression itself, or a variable assigned from it
 * earlier in the function. `sanitizer` names the calls that make a value safe for the sink at hand
 * (`escapeshellarg` for a shell, `basename` for a file path): request data inside them is not followed.
 */
export function requestOrigin(node: Node, sanitizer?: (call: Node) => boolean): string | undefined {
  const fn = enclosingFunction(node);
  const requestNames = requestParameters(fn);
  const routeParameters = scalarParameters(fn);
  const tainted = new Map<string, string>();
  if (fn) {
    walk(fn, (child) => {
      if (child.startIndex >= node.startIndex) return false;
      if (child.type !== 'assignment_expression') return true;
      const left = field(child, 'left');
      const right = field(child, 'right');
      if (left?.type === 'variable_name' && right) {
        const origin = originIn(right, requestNames, routeParameters, tainted, sanitizer);
        if (origin !== undefined) tainted.set(left.text, origin);
        else tainted.delete(left.text);
      }
      return true;
    });
  }
  return originIn(node, requestNames, routeParameters, tainted, sanitizer);
}

const CASTS = /^\((?:int|integer|float|double|bool|boolean)\)/;

function originIn(node: Node, requestNames: ReadonlySet<string>, routeParameters: ReadonlySet<string>, tainted: ReadonlyMap<string, string>, sanitizer?: (call: Node) => boolean): string | undefined {
  let found: string | undefined;
  walk(node, (child) => {
    if (found !== undefined) return false;
    if (sanitizer && sanitizer(child)) return false;
    if (child.type === 'cast_expression' && CASTS.test(child.text.replace(/\s+/g, ''))) return false;
    if (child.type === 'function_call_expression' && /^(intval|floatval|boolval|count|is_numeric|in_array|array_key_exists)$/.test(field(child, 'function')?.text ?? '')) return false;
    if (isRequestRead(child, requestNames)) {
      found = child.text.slice(0, 60);
      return false;
    }
    if (child.type === 'variable_name') {
      const origin = tainted.get(child.text) ?? (routeParameters.has(child.text) ? `route parameter ${child.text}` : undefined);
      if (origin !== undefined) found = origin;
      return false;
    }
    // `$this->users->findOneByEmail($request->email)`, `Album::find($request->id)`: what a method returns for
    // request data is a record, not the request data; only the receiver of a method carries it on
    // (`$request->string('q')->trim()`), and Laravel's string helpers (`Str::lower($q)`) pass it through.
    if (child.type === 'member_call_expression' || child.type === 'nullsafe_member_call_expression') {
      const object = field(child, 'object');
      found = object ? originIn(object, requestNames, routeParameters, tainted, sanitizer) : undefined;
      return false;
    }
    if (child.type === 'scoped_call_expression' && !/^\\?(Illuminate\\Support\\)?(Str|Arr|Stringable)$/.test(field(child, 'scope')?.text ?? '')) return false;
    if (child.type === 'object_creation_expression') return false;
    return true;
  });
  return found;
}
