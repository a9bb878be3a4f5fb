import type { Node } from '../../../parsing/parser.js';
import { field, kids, locate, walk } from '../../../parsing/syntax.js';

export { field, kids, locate, walk };

/** Unwraps parentheses. */
export function unwrap(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = kids(current)[0];
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** One argument of a call: its value and, for PHP 8 named arguments, its name. */
export interface PhpArgument {
  name?: string;
  value: Node;
  /** `...$spread` */
  spread: boolean;
}

export function callArguments(call: Node): PhpArgument[] {
  const list = field(call, 'arguments') ?? kids(call).find((child) => child.type === 'arguments');
  if (!list) return [];
  const out: PhpArgument[] = [];
  for (const arg of kids(list)) {
    if (arg.type !== 'argument' && arg.type !== 'variadic_unpacking') continue;
    const name = field(arg, 'name');
    const parts = kids(arg).filter((child) => child !== name);
    const value = parts[parts.length - 1];
    if (!value) continue;
    out.push({ ...(name ? { name: name.text } : {}), value, spread: arg.type === 'variadic_unpacking' || arg.text.startsWith('...') });
  }
  return out;
}

/** The positional argument at `index`, or the named argument `name`. */
export function argumentAt(args: readonly PhpArgument[], index: number, name?: string): Node | undefined {
  if (name !== undefined) {
    const named = args.find((arg) => arg.name === name);
    if (named) return named.value;
  }
  const positional = args.filter((arg) => arg.name === undefined);
  return positional[index]?.value;
}

/** `[k => v, v2]`: the elements in order, with their keys when given. */
export interface ArrayEntry {
  key?: Node;
  value: Node;
}

export function arrayEntries(node: Node | undefined): ArrayEntry[] | undefined {
  if (!node) return undefined;
  const target = unwrap(node);
  if (target.type !== 'array_creation_expression') return undefined;
  const out: ArrayEntry[] = [];
  for (const element of kids(target)) {
    if (element.type !== 'array_element_initializer') continue;
    const parts = kids(element);
    if (parts.length >= 2 && parts[0] && parts[1]) out.push({ key: parts[0], value: parts[1] });
    else if (parts[0]) out.push({ value: parts[0] });
  }
  return out;
}

/** Text of a string literal without interpolation; undefined otherwise. */
export function literalString(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const target = unwrap(node);
  if (target.type === 'string' || target.type === 'encapsed_string' || target.type === 'nowdoc' || target.type === 'heredoc') {
    let out = '';
    for (const part of kids(target)) {
      if (part.type === 'string_content' || part.type === 'string_value') out += part.text;
      else if (part.type === 'escape_sequence') out += unescape(part.text);
      else if (part.type === 'heredoc_body' || part.type === 'nowdoc_body') {
        const inner = literalString(part);
        if (inner === undefined) return undefined;
        out += inner;
      } else if (part.type === 'heredoc_start' || part.type === 'heredoc_end') continue;
      else return undefined;
    }
    if (kids(target).length === 0) {
      // Some grammar versions keep the content unnamed.
      const raw = target.text;
      if (/^'[^']*'$|^"[^"$]*"$/.test(raw)) return raw.slice(1, -1);
    }
    return out;
  }
  return undefined;
}

function unescape(text: string): string {
  const map: Record<string, string> = { '\\n': '\n', '\\t': '\t', '\\\\': '\\', "\\'": "'", '\\"': '"', '\\$': '$' };
  return map[text] ?? text.slice(1);
}

/** True for a string with `$var` or `{$expr}` inside. */
export function isInterpolated(node: Node): boolean {
  const target = unwrap(node);
  if (target.type !== 'encapsed_string' && target.type !== 'heredoc') return false;
  let found = false;
  walk(target, (child) => {
    if (child.id !== target.id && child.isNamed && !['string_content', 'string_value', 'escape_sequence', 'heredoc_body', 'heredoc_start', 'heredoc_end'].includes(child.type)) found = true;
    return !found;
  });
  return found;
}

/** The method name of `$x->name(...)`, `X::name(...)`, `$x?->name(...)`. */
export function callName(call: Node): string | undefined {
  if (call.type === 'member_call_expression' || call.type === 'nullsafe_member_call_expression' || call.type === 'scoped_call_expression') {
    return field(call, 'name')?.text;
  }
  if (call.type === 'function_call_expression') return field(call, 'function')?.text;
  return undefined;
}

/** The receiver of a call: the object of `$x->m()`, the scope of `X::m()`. */
export function callReceiver(call: Node): Node | undefined {
  if (call.type === 'member_call_expression' || call.type === 'nullsafe_member_call_expression') return field(call, 'object');
  if (call.type === 'scoped_call_expression') return field(call, 'scope');
  return undefined;
}

export function isCall(node: Node): boolean {
  return (
    node.type === 'member_call_expression' ||
    node.type === 'nullsafe_member_call_expression' ||
    node.type === 'scoped_call_expression' ||
    node.type === 'function_call_expression'
  );
}

/** One link of a fluent chain such as `Route::prefix('v1')->middleware('auth')->group(...)`. */
export interface ChainLink {
  name: string;
  args: PhpArgument[];
  node: Node;
}

/**
 * Flattens a fluent chain, outermost call last. `root` is the node the chain starts from (the
 * scope of the first static call, or the first object), e.g. the `Route` name or `$router`.
 */
export function flattenChain(call: Node): { root: Node; links: ChainLink[]; static: boolean } | undefined {
  const links: ChainLink[] = [];
  let current: Node = unwrap(call);
  for (;;) {
    if (!isCall(current) || current.type === 'function_call_expression') return undefined;
    const name = callName(current);
    if (name === undefined) return undefined;
    links.unshift({ name, args: callArguments(current), node: current });
    const receiver = callReceiver(current);
    if (!receiver) return undefined;
    const next = unwrap(receiver);
    if (current.type === 'scoped_call_expression') return { root: next, links, static: true };
    if (isCall(next) && next.type !== 'function_call_expression') {
      current = next;
      continue;
    }
    return { root: next, links, static: false };
  }
}

/** The comment nodes right before `node` (docblocks), nearest last. */
export function leadingComments(node: Node): Node[] {
  const out: Node[] = [];
  let previous = node.previousSibling;
  while (previous && previous.type === 'comment') {
    out.unshift(previous);
    previous = previous.previousSibling;
  }
  return out;
}

/** The statements of a function or closure body. */
export function bodyStatements(fn: Node): Node[] {
  const body = field(fn, 'body');
  if (!body) return [];
  if (body.type === 'compound_statement') return kids(body);
  return [body];
}

/** `return [ 'key' => value, … ];` at the top of a PHP configuration file (Laravel's `config/*.php`). */
export function returnedConfig(root: Node): Map<string, { key: Node; value: Node }> {
  const out = new Map<string, { key: Node; value: Node }>();
  const returned = kids(root).find((node) => node.type === 'return_statement');
  const array = returned ? kids(returned)[0] : undefined;
  for (const entry of arrayEntries(array) ?? []) {
    const key = literalString(entry.key);
    if (key !== undefined && entry.key) out.set(key, { key: entry.key, value: entry.value });
  }
  return out;
}
