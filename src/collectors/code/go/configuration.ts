import type { Node, Tree } from 'web-tree-sitter';
import { parentOf } from '../../../parsing/tree-index.js';
import { callArgs, field, named, parameterNames, unwrap } from './ast.js';

const LITERALS: ReadonlySet<string> = new Set(['int_literal', 'float_literal', 'interpreted_string_literal', 'raw_string_literal', 'true', 'false', 'nil']);
const FUNCTIONS: ReadonlySet<string> = new Set(['func_literal', 'function_declaration', 'method_declaration']);
/** Calls that read the process's configuration by name: the environment and viper's getters. */
const CONFIG_CALLS = /^(?:os\.(?:Getenv|LookupEnv)|viper\.(?:Get\w*|IsSet))$/;

/**
 * Conditions on configuration rather than on the request (the Go side of js/configuration.ts): a middleware that
 * denies only when such a condition holds (`if cfg.PrivateMode { if r.Header.Get("Authorization") == "" { 401 } }`)
 * lets requests through on the deployments configured otherwise. The function that serves the request is the one
 * around the condition: its parameters (`w`, `r`, `c`) and its locals are request data; what it reads from outer
 * scopes (the middleware factory's parameters, the receiver's fields, package-level variables and constants) was
 * fixed when the server was set up, and `os.Getenv` / viper read configuration by name.
 */
export function readsConfigurationOnly(expression: Node, depth = 0): boolean {
  if (depth > 6) return false;
  const current = unwrap(expression);
  if (LITERALS.has(current.type)) return true;
  switch (current.type) {
    case 'unary_expression': {
      const operand = field(current, 'operand');
      return operand !== undefined && current.children[0]?.type === '!' && readsConfigurationOnly(operand, depth + 1);
    }
    case 'binary_expression': {
      const left = field(current, 'left');
      const right = field(current, 'right');
      return left !== undefined && right !== undefined && readsConfigurationOnly(left, depth + 1) && readsConfigurationOnly(right, depth + 1);
    }
    case 'call_expression': {
      const fn = field(current, 'function');
      return fn !== undefined && CONFIG_CALLS.test(fn.text) && callArgs(current).every((arg) => readsConfigurationOnly(arg, depth + 1));
    }
    case 'identifier':
    case 'selector_expression': {
      let root = current;
      while (root.type === 'selector_expression') {
        const operand = field(root, 'operand');
        if (!operand) return false;
        root = unwrap(operand);
      }
      if (root.type !== 'identifier') return false;
      const local = localValue(root);
      if (local === null) return false;
      return local === undefined || readsConfigurationOnly(local, depth + 1);
    }
    default:
      return false;
  }
}

/**
 * What `identifier` is inside the function serving the request: `null` for one of its parameters or a local bound
 * in a way apisec does not follow, the value of a local declared once (`enabled := cfg.Private`), undefined for a
 * name from an outer scope.
 */
function localValue(identifier: Node): Node | null | undefined {
  let fn: Node | null = parentOf(identifier);
  while (fn && !FUNCTIONS.has(fn.type)) fn = parentOf(fn);
  if (!fn) return undefined;
  if (parameterNames(fn).some((param) => param.name === identifier.text)) return null;
  const body = field(fn, 'body');
  if (!body) return undefined;
  const local = localsOf(fn, body).get(identifier.text);
  if (!local) return undefined;
  if (local.other || local.values.length > 1) return null;
  return local.values[0];
}

const localsByTree = new WeakMap<Tree, Map<number, Map<string, { values: Node[]; other: boolean }>>>();

/**
 * The assignments of a function's body (closures excluded), by assigned name: the values given, and whether
 * one was not a plain value (a range, a multi-value call). One walk per function, not one per name asked.
 */
function localsOf(fn: Node, body: Node): Map<string, { values: Node[]; other: boolean }> {
  let byFn = localsByTree.get(fn.tree);
  if (!byFn) {
    byFn = new Map();
    localsByTree.set(fn.tree, byFn);
  }
  const known = byFn.get(fn.id);
  if (known) return known;
  const locals = new Map<string, { values: Node[]; other: boolean }>();
  const visit = (node: Node): void => {
    for (const child of named(node)) {
      if (child.type === 'func_literal') continue;
      if (child.type === 'short_var_declaration' || child.type === 'assignment_statement' || child.type === 'var_spec' || child.type === 'range_clause') {
        const left = field(child, 'left') ?? field(child, 'name');
        const names = left ? named(left).concat(left.type === 'identifier' ? [left] : []) : [];
        const right = field(child, 'right') ?? field(child, 'value');
        const values = right ? (right.type === 'expression_list' ? named(right) : [right]) : [];
        const done = new Set<string>();
        names.forEach((name, at) => {
          // The first position of a name in the statement, as a search for it would find.
          if (done.has(name.text)) return;
          done.add(name.text);
          let entry = locals.get(name.text);
          if (!entry) {
            entry = { values: [], other: false };
            locals.set(name.text, entry);
          }
          const value = names.length === values.length ? values[at] : undefined;
          if (value && child.type !== 'range_clause') entry.values.push(value);
          else entry.other = true;
        });
      }
      visit(child);
    }
  };
  visit(body);
  byFn.set(fn.id, locals);
  return locals;
}

/** `condition` (or a part of it that must hold for it to be `when`) reads configuration only: its text. */
export function configurationPart(condition: Node, when: boolean): string | undefined {
  const current = unwrap(condition);
  if (readsConfigurationOnly(current)) return current.text;
  if (current.type === 'unary_expression' && current.children[0]?.type === '!') {
    const operand = field(current, 'operand');
    return operand ? configurationPart(operand, !when) : undefined;
  }
  if (current.type !== 'binary_expression') return undefined;
  const operator = field(current, 'operator')?.text;
  if ((operator === '&&' && when) || (operator === '||' && !when)) {
    const left = field(current, 'left');
    const right = field(current, 'right');
    return (left ? configurationPart(left, when) : undefined) ?? (right ? configurationPart(right, when) : undefined);
  }
  return undefined;
}
