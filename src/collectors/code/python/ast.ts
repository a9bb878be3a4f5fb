import type { Node } from '../../../parsing/parser.js';
import { walk } from '../../../parsing/syntax.js';

export function kids(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null);
}

export function field(node: Node, name: string): Node | undefined {
  return node.childForFieldName(name) ?? undefined;
}

/** Unwraps parentheses, `await` and `Annotated`-free wrappers that do not change what an expression names. */
export function unwrap(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression' || current.type === 'await') {
    const inner = current.namedChildren.find((child): child is Node => child !== null && child.type !== 'comment');
    if (!inner) break;
    current = inner;
  }
  return current;
}

/** `a`, `a.b.c` for identifiers and attribute chains; undefined for anything else. */
export function dotted(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const target = unwrap(node);
  if (target.type === 'identifier') return target.text;
  if (target.type === 'attribute') {
    const object = field(target, 'object');
    const attribute = field(target, 'attribute');
    const head = dotted(object);
    return head !== undefined && attribute ? `${head}.${attribute.text}` : undefined;
  }
  return undefined;
}

export function lastSegment(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? name : name.slice(dot + 1);
}

export interface CallArgs {
  positional: Node[];
  keywords: Map<string, Node>;
}

export function callArgs(call: Node): CallArgs {
  const positional: Node[] = [];
  const keywords = new Map<string, Node>();
  const list = field(call, 'arguments');
  if (!list) return { positional, keywords };
  for (const arg of kids(list)) {
    if (arg.type === 'comment') continue;
    if (arg.type === 'keyword_argument') {
      const name = field(arg, 'name');
      const value = field(arg, 'value');
      if (name && value) keywords.set(name.text, value);
    } else {
      positional.push(arg);
    }
  }
  return { positional, keywords };
}

/** The argument at `index`, or the keyword `name`. */
export function argument(args: CallArgs, index: number, name: string): Node | undefined {
  return args.keywords.get(name) ?? (index >= 0 ? args.positional[index] : undefined);
}

export function calleeName(call: Node): string | undefined {
  return call.type === 'call' ? dotted(field(call, 'function')) : undefined;
}

export { walk };

export function decoratorsOf(definition: Node): Node[] {
  const parent = definition.parent;
  if (parent?.type !== 'decorated_definition') return [];
  return kids(parent)
    .filter((child) => child.type === 'decorator')
    .map((decorator) => kids(decorator).find((child) => child.type !== 'comment'))
    .filter((expression): expression is Node => expression !== undefined);
}

/** The line a definition starts on, decorators included. */
export function definitionStart(definition: Node): Node {
  const parent = definition.parent;
  return parent?.type === 'decorated_definition' ? parent : definition;
}

export interface Param {
  name: string;
  node: Node;
  type?: Node;
  value?: Node;
}

export function paramsOf(func: Node): Param[] {
  const list = field(func, 'parameters');
  if (!list) return [];
  const out: Param[] = [];
  for (const param of kids(list)) {
    if (param.type === 'identifier') out.push({ name: param.text, node: param });
    else if (param.type === 'typed_parameter') {
      const name = kids(param).find((child) => child.type === 'identifier');
      const type = field(param, 'type');
      if (name) out.push({ name: name.text, node: param, ...(type ? { type } : {}) });
    } else if (param.type === 'default_parameter' || param.type === 'typed_default_parameter') {
      const name = field(param, 'name');
      const type = field(param, 'type');
      const value = field(param, 'value');
      if (name) out.push({ name: name.text, node: param, ...(type ? { type } : {}), ...(value ? { value } : {}) });
    }
  }
  return out;
}

/** Elements of a list / tuple / set literal; a single expression otherwise. */
export function elements(node: Node | undefined): Node[] {
  if (!node) return [];
  const target = unwrap(node);
  if (target.type === 'list' || target.type === 'tuple' || target.type === 'set' || target.type === 'expression_list') {
    return kids(target).filter((child) => child.type !== 'comment');
  }
  return [target];
}

/** A plain string literal's value (no interpolation); undefined for anything else. */
export function literalString(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const target = unwrap(node);
  if (target.type === 'concatenated_string') {
    let out = '';
    for (const part of kids(target)) {
      const value = literalString(part);
      if (value === undefined) return undefined;
      out += value;
    }
    return out;
  }
  if (target.type !== 'string') return undefined;
  let out = '';
  for (const part of kids(target)) {
    if (part.type === 'interpolation') return undefined;
    if (part.type === 'string_content') out += part.text;
  }
  return out;
}

export function isFString(node: Node): boolean {
  const start = node.children.find((child) => child?.type === 'string_start');
  return start !== undefined && start !== null && /f/i.test(start.text);
}

/** Body statements of a class or function. */
export function bodyOf(definition: Node): Node[] {
  const body = field(definition, 'body');
  return body ? kids(body) : [];
}

/** `name = value` / `name: T = value` statements directly in a block. */
export function assignmentsIn(statements: readonly Node[]): { name: string; value: Node; node: Node }[] {
  const out: { name: string; value: Node; node: Node }[] = [];
  for (const statement of statements) {
    if (statement.type !== 'expression_statement') continue;
    const assignment = statement.firstNamedChild;
    if (assignment?.type !== 'assignment') continue;
    const left = field(assignment, 'left');
    const right = field(assignment, 'right');
    if (left?.type === 'identifier' && right) out.push({ name: left.text, value: right, node: assignment });
  }
  return out;
}

export function methodsOf(classDef: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const statement of bodyOf(classDef)) {
    const def = statement.type === 'decorated_definition' ? field(statement, 'definition') : statement;
    if (def?.type !== 'function_definition') continue;
    const name = field(def, 'name');
    if (name) out.set(name.text, def);
  }
  return out;
}

/** Base classes, a subscripted generic base (`GenericAPIView[Any]`, `Generic[T]`) given as the class it subscripts. */
export function superclassNodes(classDef: Node): Node[] {
  const list = field(classDef, 'superclasses');
  if (!list) return [];
  return kids(list)
    .filter((child) => child.type !== 'keyword_argument' && child.type !== 'comment')
    .map((child) => (child.type === 'subscript' ? (field(child, 'value') ?? child) : child));
}

export function integerValue(node: Node | undefined): number | undefined {
  if (node?.type !== 'integer') return undefined;
  const value = Number(node.text);
  return Number.isFinite(value) ? value : undefined;
}

/** The string literals of a list or tuple (`["GET", "POST"]`); other elements are skipped. */
export function stringList(node: Node | undefined): string[] {
  return elements(node)
    .map((element) => literalString(element))
    .filter((value): value is string => value !== undefined);
}
