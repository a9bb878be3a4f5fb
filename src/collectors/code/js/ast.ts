import { Query, type Language, type Node } from 'web-tree-sitter';
import type { Location } from '../../../model/types.js';
import { charge } from '../../../parsing/budget.js';

const TRANSPARENT = new Set([
  'parenthesized_expression',
  'as_expression',
  'satisfies_expression',
  'non_null_expression',
  'await_expression',
  'type_assertion',
]);

/** Strips parentheses, `await`, and TypeScript casts that do not change the value. */
export function unwrap(node: Node): Node {
  let current = node;
  while (TRANSPARENT.has(current.type)) {
    const inner = current.namedChildren.find((child) => child !== null && !child.type.includes('type'));
    if (!inner) break;
    current = inner;
  }
  return current;
}

export function named(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

export function field(node: Node, name: string): Node | undefined {
  return node.childForFieldName(name) ?? undefined;
}

/** Arguments of a call or `new` expression (empty for a tagged template). */
export function callArgs(call: Node): Node[] {
  const args = field(call, 'arguments');
  if (!args || args.type !== 'arguments') return [];
  return named(args);
}

export function callee(call: Node): Node | undefined {
  const fn = field(call, 'function') ?? field(call, 'constructor');
  return fn ? unwrap(fn) : undefined;
}

/** `a.b.c` → ['a', 'b', 'c']; undefined when the chain holds a call or computed key. */
export function dottedName(node: Node): string[] | undefined {
  const current = unwrap(node);
  if (current.type === 'identifier' || current.type === 'this') return [current.text];
  if (current.type === 'member_expression') {
    const object = field(current, 'object');
    const property = field(current, 'property');
    if (!object || !property) return undefined;
    const base = dottedName(object);
    return base ? [...base, property.text] : undefined;
  }
  return undefined;
}

export function isFunction(node: Node): boolean {
  return (
    node.type === 'arrow_function' ||
    node.type === 'function_expression' ||
    node.type === 'function_declaration' ||
    node.type === 'function' ||
    node.type === 'method_definition' ||
    node.type === 'generator_function_declaration'
  );
}

/** The literal text of a string node, escapes kept as written (route paths rarely hold any). */
export function stringValue(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  return node.text.slice(1, -1);
}

export function propertyKey(pair: Node): string | undefined {
  const key = field(pair, 'key');
  if (!key) return undefined;
  if (key.type === 'string') return stringValue(key);
  if (key.type === 'property_identifier' || key.type === 'identifier') return key.text;
  return undefined;
}

/** Value of `key` in an object literal (`{ key: v }` or shorthand `{ key }`). */
export function objectProperty(object: Node, key: string): Node | undefined {
  if (object.type !== 'object') return undefined;
  for (const child of named(object)) {
    if (child.type === 'pair' && propertyKey(child) === key) return field(child, 'value');
    if (child.type === 'shorthand_property_identifier' && child.text === key) return child;
    if (child.type === 'method_definition' && field(child, 'name')?.text === key) return child;
  }
  return undefined;
}

const compiled = new WeakMap<Language, Map<string, Query>>();

/** Every node of the given types under `node` (itself included), in document order; matched inside the grammar's runtime. */
export function descendants(node: Node, types: ReadonlySet<string>): Node[] {
  // A file over its time budget has no descendants of interest: every stage moves on.
  if (charge(node.tree)) return [];
  const language = node.tree.language;
  let cache = compiled.get(language);
  if (!cache) {
    cache = new Map();
    compiled.set(language, cache);
  }
  const key = [...types].sort().join(' ');
  let query = cache.get(key);
  if (!query) {
    query = new Query(language, `[${[...types].map((type) => `(${type})`).join(' ')}] @node`);
    cache.set(key, query);
  }
  return query.captures(node).map((capture) => capture.node);
}

/** Where a node stands, with its end: checks tie findings to the handler whose span encloses them. */
export function locate(file: string, node: Node): Location {
  return {
    file,
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

/**
 * Where a destructured parameter binds `name`: `({ app }) => …` binds `app` from property `app`
 * of parameter 0, `({ app: server }) => …` binds `server` from it. Undefined when not bound so.
 */
export function destructuredParameter(fn: Node, name: string): { index: number; property: string } | undefined {
  const params = field(fn, 'parameters') ?? field(fn, 'parameter');
  if (!params || params.type === 'identifier') return undefined;
  const list = named(params);
  for (let index = 0; index < list.length; index += 1) {
    const param = list[index];
    if (!param) continue;
    let pattern = param.type === 'required_parameter' || param.type === 'optional_parameter' ? field(param, 'pattern') : param;
    if (pattern?.type === 'assignment_pattern') pattern = field(pattern, 'left');
    if (pattern?.type !== 'object_pattern') continue;
    for (const entry of named(pattern)) {
      if (entry.type === 'shorthand_property_identifier_pattern' && entry.text === name) return { index, property: name };
      if (entry.type === 'object_assignment_pattern' && field(entry, 'left')?.text === name) return { index, property: name };
      if (entry.type === 'pair_pattern' && field(entry, 'value')?.text === name) {
        const key = field(entry, 'key')?.text;
        if (key) return { index, property: key };
      }
    }
  }
  return undefined;
}

/** Identifiers bound by a function's parameters, in order (destructured ones as undefined). */
export function parameterNames(fn: Node): (string | undefined)[] {
  const params = field(fn, 'parameters') ?? field(fn, 'parameter');
  if (!params) return [];
  if (params.type === 'identifier') return [params.text];
  return named(params).map((param) => {
    const pattern = param.type === 'required_parameter' || param.type === 'optional_parameter' ? field(param, 'pattern') : param;
    if (pattern?.type === 'identifier') return pattern.text;
    if (pattern?.type === 'assignment_pattern') return field(pattern, 'left')?.text;
    return undefined;
  });
}

/** The expressions a function body returns (nested functions and classes excluded). */
export function returnedValues(body: Node): Node[] {
  const out: Node[] = [];
  const visit = (node: Node): void => {
    for (const child of named(node)) {
      if (isFunction(child) || child.type === 'class_declaration' || child.type === 'class') continue;
      if (child.type === 'return_statement') {
        const value = named(child)[0];
        if (value) out.push(unwrap(value));
      } else visit(child);
    }
  };
  visit(body);
  return out;
}
