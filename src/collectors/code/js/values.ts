import type { Node } from 'web-tree-sitter';
import { callArgs, callee, field, named, stringValue, unwrap } from './ast.js';
import type { JsModule, ModuleGraph, Resolved } from './modules.js';

/** `express`'s `Router` is reached as `express.Router`, `default.Router` or `Router`: the path without `default`. */
export function externalName(resolved: Resolved): string | undefined {
  if (resolved.kind !== 'external') return undefined;
  return resolved.path.filter((part) => part !== 'default').join('.');
}

export function isExternal(resolved: Resolved, packages: readonly string[], name?: RegExp): boolean {
  if (resolved.kind !== 'external') return false;
  if (!packages.some((pkg) => resolved.specifier === pkg || resolved.specifier.startsWith(`${pkg}/`))) return false;
  return name === undefined || name.test(externalName(resolved) ?? '');
}

/** Evaluates a string-valued expression: literals, template literals, `+`, constants in this or imported files. */
export function evalString(graph: ModuleGraph, module: JsModule, node: Node, depth = 0): string | undefined {
  if (depth > 16) return undefined;
  const current = unwrap(node);
  switch (current.type) {
    case 'string':
      return stringValue(current);
    case 'number':
      return current.text;
    case 'template_string': {
      let out = '';
      for (const child of current.namedChildren) {
        if (!child) continue;
        if (child.type === 'string_fragment' || child.type === 'escape_sequence') out += child.text;
        else if (child.type === 'template_substitution') {
          const inner = named(child)[0];
          const value = inner ? evalString(graph, module, inner, depth + 1) : undefined;
          if (value === undefined) return undefined;
          out += value;
        }
      }
      return out;
    }
    case 'binary_expression': {
      if (field(current, 'operator')?.text !== '+') return undefined;
      const left = field(current, 'left');
      const right = field(current, 'right');
      if (!left || !right) return undefined;
      const a = evalString(graph, module, left, depth + 1);
      const b = a === undefined ? undefined : evalString(graph, module, right, depth + 1);
      return a === undefined || b === undefined ? undefined : a + b;
    }
    case 'call_expression': {
      // path.posix.join('/api', 'v1') and [..].join('/') show up in route prefixes.
      const fn = callee(current);
      const name = fn?.text ?? '';
      if (/(?:^|\.)join$/.test(name) && /path/.test(name)) {
        const parts = callArgs(current).map((arg) => evalString(graph, module, arg, depth + 1));
        if (parts.some((part) => part === undefined)) return undefined;
        return parts.join('/').replace(/\/{2,}/g, '/');
      }
      if (name === 'String') {
        const arg = callArgs(current)[0];
        return arg ? evalString(graph, module, arg, depth + 1) : undefined;
      }
      return undefined;
    }
    case 'identifier':
    case 'member_expression':
    case 'shorthand_property_identifier': {
      const resolved = graph.resolve(module, current);
      if (resolved.kind !== 'node' || resolved.node === current) return undefined;
      return evalString(graph, resolved.module, resolved.node, depth + 1);
    }
    default:
      return undefined;
  }
}

/** Evaluates a string or an array of strings (`[ '/a', '/b' ]`). */
export function evalStrings(graph: ModuleGraph, module: JsModule, node: Node): string[] | undefined {
  let current = unwrap(node);
  if (current.type === 'identifier' || current.type === 'member_expression') {
    const resolved = graph.resolve(module, current);
    if (resolved.kind === 'node' && resolved.node.type === 'array') {
      module = resolved.module;
      current = resolved.node;
    }
  }
  if (current.type === 'array') {
    const values = named(current).map((item) => evalString(graph, module, item));
    return values.every((value): value is string => value !== undefined) ? values : undefined;
  }
  const single = evalString(graph, module, current);
  return single === undefined ? undefined : [single];
}

/** True when the expression is a literal boolean `true` (or a constant holding it). */
export function evalTrue(graph: ModuleGraph, module: JsModule, node: Node): boolean {
  const current = unwrap(node);
  if (current.type === 'true') return true;
  if (current.type === 'identifier' || current.type === 'member_expression') {
    const resolved = graph.resolve(module, current);
    return resolved.kind === 'node' && resolved.node !== current && resolved.node.type === 'true';
  }
  return false;
}
