import type { Node } from '../../../parsing/parser.js';
import { field, kids, locate, walk } from '../../../parsing/syntax.js';

export { field, kids, locate, walk };

/** The method name of a `call` (`resources`, `before_action`), or of a bare identifier statement (`member`). */
export function callName(node: Node): string | undefined {
  if (node.type === 'call') return field(node, 'method')?.text;
  if (node.type === 'identifier') return node.text;
  return undefined;
}

/** The statements of a block (`do … end`, `{ … }`) or body. */
export function blockStatements(node: Node | undefined): Node[] {
  if (!node) return [];
  if (node.type === 'do_block' || node.type === 'block' || node.type === 'lambda') {
    const body = field(node, 'body');
    if (body && (body.type === 'block' || body.type === 'do_block')) return blockStatements(body);
    return body ? kids(body) : [];
  }
  if (node.type === 'body_statement' || node.type === 'block_body' || node.type === 'program' || node.type === 'begin_block') return kids(node);
  return [node];
}

/** Positional arguments and `key: value` / `'key' => value` options of a call. */
export interface RubyArgs {
  positional: Node[];
  options: Map<string, Node>;
  /** `'path' => 'c#a'` and `Engine => '/path'`: pairs whose key is not a symbol. */
  arrows: { key: Node; value: Node }[];
  block?: Node;
}

export function callArgs(call: Node): RubyArgs {
  const out: RubyArgs = { positional: [], options: new Map(), arrows: [] };
  if (call.type !== 'call') return out;
  const list = field(call, 'arguments');
  const block = field(call, 'block');
  if (block) out.block = block;
  if (!list) return out;
  const addPair = (pair: Node): void => {
    const key = field(pair, 'key');
    const value = field(pair, 'value');
    if (!key || !value) return;
    if (key.type === 'hash_key_symbol') out.options.set(key.text, value);
    else if (key.type === 'simple_symbol' || key.type === 'delimited_symbol') out.options.set(symbolText(key) ?? key.text, value);
    else out.arrows.push({ key, value });
  };
  for (const arg of kids(list)) {
    if (arg.type === 'pair') addPair(arg);
    else if (arg.type === 'hash') {
      for (const pair of kids(arg)) if (pair.type === 'pair') addPair(pair);
    } else if (arg.type === 'block_argument' && !out.block) out.block = arg;
    else out.positional.push(arg);
  }
  return out;
}

function symbolText(node: Node): string | undefined {
  if (node.type === 'simple_symbol') return node.text.replace(/^:/, '').replace(/^"(.*)"$/, '$1');
  if (node.type === 'delimited_symbol') return literal(node);
  return undefined;
}

/** The text of a string or symbol literal without interpolation; undefined otherwise. */
export function literal(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'simple_symbol':
      return node.text.replace(/^:/, '');
    case 'hash_key_symbol':
      return node.text;
    case 'string':
    case 'delimited_symbol':
    case 'bare_string':
    case 'bare_symbol': {
      const parts = kids(node);
      if (parts.some((part) => part.type !== 'string_content' && part.type !== 'escape_sequence')) return undefined;
      return parts.map((part) => (part.type === 'escape_sequence' ? unescape(part.text) : part.text)).join('');
    }
    case 'parenthesized_statements': {
      const inner = kids(node);
      return inner.length === 1 ? literal(inner[0]) : undefined;
    }
    default:
      return undefined;
  }
}

function unescape(text: string): string {
  return text.length === 2 ? text.slice(1) : text;
}

/** Values of a symbol/string, an array of them, `%i[]` or `%w[]`; `complete` is false when some entry is not a literal. */
export function literalList(node: Node | undefined): { values: string[]; complete: boolean } {
  if (!node) return { values: [], complete: true };
  if (node.type === 'array' || node.type === 'string_array' || node.type === 'symbol_array') {
    const values: string[] = [];
    let complete = true;
    for (const item of kids(node)) {
      const value = literal(item);
      if (value === undefined) complete = false;
      else values.push(value);
    }
    return { values, complete };
  }
  const value = literal(node);
  return value === undefined ? { values: [], complete: false } : { values: [value], complete: true };
}

/** `Api::V1::Users` of a constant or scope resolution; undefined for anything else. */
export function constantPath(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'constant') return node.text;
  if (node.type === 'scope_resolution') {
    const scope = field(node, 'scope');
    const name = field(node, 'name');
    if (!name) return undefined;
    if (!scope) return name.text;
    const left = constantPath(scope);
    return left === undefined ? undefined : `${left}::${name.text}`;
  }
  return undefined;
}

/** `users/sessions` → `Users::Sessions`. */
export function camelize(path: string): string {
  return path
    .split('/')
    .filter(Boolean)
    .map((part) => part.split('_').map((word) => word.charAt(0).toUpperCase() + word.slice(1)).join(''))
    .join('::');
}

/** `Api::V1::Users` → `api/v1/users`. */
export function underscore(name: string): string {
  return name
    .split('::')
    .map((part) => part.replace(/([a-z\d])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toLowerCase())
    .join('/');
}
