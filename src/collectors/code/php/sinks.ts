/**
 * What the PHP injection checks (command injection, path traversal, SSRF) share: the calls of a file
 * with their names, the fixed text a built value starts with, the variables a value is assigned
 * from, the conditions of a function that test a value, and the class a receiver denotes.
 */
import type { Node } from '../../../parsing/parser.js';
import { callArguments, callName, field, flattenChain, kids, literalString, unwrap, walk, type PhpArgument } from './ast.js';
import { enclosingFunction } from './requests.js';
import { descendantsOf } from '../../../parsing/tree-index.js';

export interface PhpCallSite {
  node: Node;
  /** Function or method name; for `new X(...)` the class name as written. */
  name: string;
  kind: 'function' | 'method' | 'static' | 'new';
  /** `X` of `X::m()`, the object text of `$x->m()`. */
  receiver?: Node;
  args: PhpArgument[];
}

const CALL_TYPE_LIST = ['function_call_expression', 'member_call_expression', 'nullsafe_member_call_expression', 'scoped_call_expression', 'object_creation_expression'];

const callsByTree = new WeakMap<object, Map<number, readonly PhpCallSite[]>>();

/**
 * Every call and `new` of a tree, in source order. Listed once per node asked about (about ten checks
 * ask for every PHP file's calls); the list is shared, not to be changed.
 */
export function phpCalls(root: Node): readonly PhpCallSite[] {
  let byRoot = callsByTree.get(root.tree);
  if (!byRoot) {
    byRoot = new Map();
    callsByTree.set(root.tree, byRoot);
  }
  let calls = byRoot.get(root.id);
  if (!calls) {
    calls = listCalls(root);
    byRoot.set(root.id, calls);
  }
  return calls;
}

/** The calls and `new`s under `root` in document order, read from the tree's per-type lists (the walk this replaces visited every node). */
function listCalls(root: Node): PhpCallSite[] {
  const out: PhpCallSite[] = [];
  for (const node of descendantsOf(root, CALL_TYPE_LIST)) {
    if (node.type === 'object_creation_expression') {
      const type = kids(node).find((child) => child.type === 'name' || child.type === 'qualified_name');
      if (type) out.push({ node, name: type.text.replace(/^.*\\/, ''), kind: 'new', args: callArguments(node) });
      continue;
    }
    const name = callName(node);
    if (name === undefined) continue;
    const kind = node.type === 'function_call_expression' ? 'function' : node.type === 'scoped_call_expression' ? 'static' : 'method';
    const receiver = kind === 'static' ? field(node, 'scope') : kind === 'method' ? field(node, 'object') : undefined;
    out.push({ node, name: kind === 'function' ? name.replace(/^\\/, '') : name, kind, ...(receiver ? { receiver } : {}), args: callArguments(node) });
  }
  return out;
}

/** The class name of a static call's scope, without namespace. */
export function scopeName(call: PhpCallSite): string {
  return call.kind === 'static' && call.receiver ? call.receiver.text.replace(/^.*\\/, '') : '';
}

/** The root of a fluent chain: `Http` of `Http::withToken($t)->get($u)`, `Storage` of `Storage::disk('s3')->get($p)`. */
export function chainRoot(call: PhpCallSite): { root: string; links: string[] } | undefined {
  const chain = flattenChain(call.node);
  if (!chain) return undefined;
  return { root: chain.static ? chain.root.text.replace(/^.*\\/, '') : chain.root.text, links: chain.links.map((link) => link.name) };
}

/**
 * The leftmost part of a string built by concatenation or interpolation: a literal's text, or the
 * node itself when the value starts with something else (a variable, a call).
 */
export function leadingPart(node: Node): { literal?: string; node?: Node } {
  const target = unwrap(node);
  if (target.type === 'binary_expression' && target.children.some((child) => child?.type === '.')) {
    const left = field(target, 'left') ?? kids(target)[0];
    return left ? leadingPart(left) : {};
  }
  if (target.type === 'encapsed_string' || target.type === 'heredoc') {
    const first = kids(target)[0];
    if (!first) return { literal: '' };
    if (first.type === 'string_content' || first.type === 'string_value') return { literal: first.text };
    return { node: first };
  }
  if (target.type === 'function_call_expression' && /^v?sprintf$/.test(field(target, 'function')?.text ?? '')) {
    const format = literalString(callArguments(target)[0]?.value);
    if (format !== undefined) return { literal: format.split('%')[0] ?? '' };
  }
  const literal = literalString(target);
  if (literal !== undefined) return { literal };
  return { node: target };
}

/** The value a plain variable was last assigned before `use` in its function. */
export function assignedBefore(variable: Node, use: Node): Node | undefined {
  const fn = enclosingFunction(use);
  if (!fn) return undefined;
  let value: Node | undefined;
  walk(fn, (child) => {
    if (child.startIndex >= use.startIndex) return false;
    if (child.type === 'assignment_expression' && field(child, 'left')?.text === variable.text) value = field(child, 'right') ?? undefined;
    return true;
  });
  return value;
}

/** Follows `$url = …;` back to the expression, once or twice. */
export function resolveLocal(node: Node, use: Node = node, depth = 0): Node {
  const target = unwrap(node);
  if (target.type !== 'variable_name' || depth > 2) return target;
  const value = assignedBefore(target, use);
  return value ? resolveLocal(value, use, depth + 1) : target;
}

/**
 * The conditions of a function that can reject a request: `if` / `elseif` / `while` conditions,
 * ternaries, `match(true)` arms and the first argument of `abort_if`, `abort_unless`, `throw_if`,
 * `throw_unless`, `assert`.
 */
export function conditionsOf(fn: Node | undefined): Node[] {
  if (!fn) return [];
  const out: Node[] = [];
  walk(fn, (node) => {
    if (node.type === 'if_statement' || node.type === 'else_if_clause' || node.type === 'while_statement') {
      const condition = field(node, 'condition') ?? kids(node).find((child) => child.type === 'parenthesized_expression');
      if (condition) out.push(condition);
    } else if (node.type === 'conditional_expression') {
      const condition = field(node, 'condition') ?? kids(node)[0];
      if (condition) out.push(condition);
    } else if (node.type === 'function_call_expression' && /^(abort_if|abort_unless|throw_if|throw_unless|assert)$/.test(field(node, 'function')?.text ?? '')) {
      const first = callArguments(node)[0]?.value;
      if (first) out.push(first);
    }
    return true;
  });
  return out;
}

/** Variables whose text appears in `node` (`$path`, `$this->dir`). */
export function variablesIn(node: Node): Set<string> {
  const out = new Set<string>();
  walk(node, (child) => {
    if (child.type === 'variable_name' && child.text !== '$this') out.add(child.text);
    return true;
  });
  return out;
}

/** Names of the classes that `$this->prop`, `$param` or `$local = new X()` hold at `use`, as written (no namespace). */
export function receiverClass(receiver: Node, use: Node): string | undefined {
  const target = unwrap(receiver);
  const fn = enclosingFunction(use);
  if (target.type === 'member_access_expression' && unwrap(field(target, 'object') ?? target).text === '$this') {
    const property = field(target, 'name')?.text;
    let cls: Node | null = fn?.parent ?? null;
    while (cls && cls.type !== 'class_declaration' && cls.type !== 'trait_declaration') cls = cls.parent;
    if (!cls || !property) return undefined;
    let found: string | undefined;
    walk(cls, (node) => {
      if (found) return false;
      if (node.type === 'property_declaration') {
        const element = kids(node).find((child) => child.type === 'property_element');
        const name = element ? kids(element).find((child) => child.type === 'variable_name')?.text : undefined;
        if (name === `$${property}`) found = typeName(node);
      } else if (node.type === 'property_promotion_parameter') {
        if (field(node, 'name')?.text === `$${property}` || kids(node).find((child) => child.type === 'variable_name')?.text === `$${property}`) found = typeName(node);
      } else if (node.type === 'assignment_expression' && field(node, 'left')?.text === `$this->${property}`) {
        found = createdClass(field(node, 'right'));
      }
      return true;
    });
    return found;
  }
  if (target.type === 'variable_name' && fn) {
    const parameters = field(fn, 'parameters');
    for (const parameter of parameters ? kids(parameters) : []) {
      const name = field(parameter, 'name')?.text ?? kids(parameter).find((child) => child.type === 'variable_name')?.text;
      if (name === target.text) return typeName(parameter);
    }
    const value = assignedBefore(target, use);
    return value ? createdClass(value) : undefined;
  }
  return createdClass(target);
}

function typeName(declaration: Node): string | undefined {
  const type = field(declaration, 'type') ?? kids(declaration).find((child) => child.type === 'named_type' || child.type === 'optional_type' || child.type === 'union_type');
  if (!type) return undefined;
  return type.text.replace(/^\?/, '').split('|')[0]?.replace(/^.*\\/, '').trim();
}

/** `new Client(...)` → `Client`; `HttpClient::create()` → `HttpClientInterface`. */
function createdClass(value: Node | undefined | null): string | undefined {
  if (!value) return undefined;
  const target = unwrap(value);
  if (target.type === 'object_creation_expression') {
    const type = kids(target).find((child) => child.type === 'name' || child.type === 'qualified_name');
    return type?.text.replace(/^.*\\/, '');
  }
  if (target.type === 'scoped_call_expression' && field(target, 'scope')?.text.replace(/^.*\\/, '') === 'HttpClient' && /^create/.test(field(target, 'name')?.text ?? '')) return 'HttpClientInterface';
  return undefined;
}

export { callName };
