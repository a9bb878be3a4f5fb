/**
 * Calls in Java and Kotlin seen the same way: `recv.name(args) { lambda }`. Java's
 * `method_invocation` and Kotlin's `call_expression` (with `navigation_expression` callee,
 * `value_arguments` and a trailing `annotated_lambda`) become one shape.
 */
import type { Node } from 'web-tree-sitter';
import { field, firstOfType, kotlinArgument, named } from './ast.js';

export interface JvmCall {
  name: string;
  /** The expression the method is called on, if any. */
  receiver: Node | undefined;
  /** Positional argument expressions (Kotlin named arguments included, in order). */
  args: Node[];
  /** Kotlin named arguments. */
  named: Map<string, Node>;
  /** A trailing Kotlin lambda (`lambda_literal`). */
  lambda: Node | undefined;
  node: Node;
}

const COMMENT = /comment$/;

export function asCall(node: Node | undefined): JvmCall | undefined {
  if (!node) return undefined;
  if (node.type === 'method_invocation') {
    const name = field(node, 'name')?.text ?? '';
    const args = named(field(node, 'arguments')).filter((arg) => !COMMENT.test(arg.type));
    return { name, receiver: field(node, 'object'), args, named: new Map(), lambda: undefined, node };
  }
  if (node.type === 'call_expression') {
    const [callee, suffix] = named(node);
    if (!callee || suffix?.type !== 'call_suffix') return undefined;
    const valueArgs = firstOfType(suffix, 'value_arguments');
    const lambda = firstOfType(firstOfType(suffix, 'annotated_lambda'), 'lambda_literal');
    // `get("/x") { … }` parses as a call of a call: the trailing lambda belongs to the inner one.
    if (callee.type === 'call_expression' && !valueArgs && lambda) {
      const inner = asCall(callee);
      if (inner && !inner.lambda) return { ...inner, lambda, node };
    }
    const args: Node[] = [];
    const names = new Map<string, Node>();
    for (const arg of named(valueArgs)) {
      const { name, value } = kotlinArgument(arg);
      if (!value) continue;
      args.push(value);
      if (name) names.set(name, value);
    }
    if (callee.type === 'simple_identifier') return { name: callee.text, receiver: undefined, args, named: names, lambda, node };
    if (callee.type === 'navigation_expression') {
      const parts = named(callee);
      const name = firstOfType(parts.at(-1), 'simple_identifier')?.text ?? '';
      return { name, receiver: parts[0], args, named: names, lambda, node };
    }
    return undefined;
  }
  return undefined;
}

/** The body of a Java lambda or a Kotlin lambda literal / function body, as statements. */
export function statementsOf(node: Node | undefined): Node[] {
  if (!node) return [];
  switch (node.type) {
    case 'lambda_expression':
      return statementsOf(field(node, 'body'));
    case 'block':
    case 'statements':
    case 'constructor_body':
      return named(node).flatMap((child) => statementsOf(child));
    case 'lambda_literal':
    case 'function_body':
    case 'annotated_lambda':
      return named(node).flatMap((child) => (child.type === 'statements' || child.type === 'lambda_literal' ? statementsOf(child) : child.type === 'lambda_parameters' ? [] : [child]));
    case 'expression_statement':
    case 'jump_expression':
    case 'return_statement':
    case 'parenthesized_expression':
      return named(node);
    default:
      return [node];
  }
}

/** The parameter names of a Java lambda (`auth -> …`, `(a, b) -> …`) or Kotlin lambda literal. */
export function lambdaParameters(node: Node | undefined): string[] {
  if (!node) return [];
  if (node.type === 'lambda_expression') {
    const params = field(node, 'parameters');
    if (!params) return [];
    if (params.type === 'identifier') return [params.text];
    return named(params).map((param) => (param.type === 'identifier' ? param.text : (field(param, 'name')?.text ?? param.text)));
  }
  if (node.type === 'lambda_literal') return named(firstOfType(node, 'lambda_parameters')).map((param) => param.text);
  return [];
}

/**
 * A call chain read in execution order: `a.b().c().d()` → [b, c, d] with `a` as root.
 * Kotlin and Java alike.
 */
export function chainOf(node: Node): { root: Node | undefined; calls: JvmCall[] } {
  const calls: JvmCall[] = [];
  let current: Node | undefined = node;
  while (current) {
    if (current.type === 'parenthesized_expression') {
      current = named(current)[0];
      continue;
    }
    const call = asCall(current);
    if (!call) break;
    calls.push(call);
    current = call.receiver;
  }
  return { root: current, calls: calls.reverse() };
}

/** Whether a node is a (Java or Kotlin) lambda. */
export function isLambda(node: Node | undefined): boolean {
  return node?.type === 'lambda_expression' || node?.type === 'lambda_literal' || node?.type === 'annotated_lambda';
}

/** The method name node of a call: where it is reported (a chained call starts at its receiver, lines above). */
export function callNameNode(call: JvmCall): Node {
  const javaName = call.node.childForFieldName('name');
  if (javaName) return javaName;
  let callee = named(call.node)[0];
  if (callee?.type === 'call_expression') callee = named(callee)[0];
  if (callee?.type === 'navigation_expression') return firstOfType(named(callee).at(-1), 'simple_identifier') ?? call.node;
  return callee ?? call.node;
}
