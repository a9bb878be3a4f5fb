import type { Node } from 'web-tree-sitter';
import type { Location } from '../../../model/types.js';
import { descendantsOf, innermostOfType } from '../../../parsing/tree-index.js';

export function named(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

export function field(node: Node, name: string): Node | undefined {
  return node.childForFieldName(name) ?? undefined;
}

export function fields(node: Node, name: string): Node[] {
  return node.childrenForFieldName(name).filter((child): child is Node => child !== null);
}

/** Strips parentheses. */
export function unwrap(node: Node): Node {
  let current = node;
  while (current.type === 'parenthesized_expression') {
    const inner = named(current)[0];
    if (!inner) break;
    current = inner;
  }
  return current;
}

export function callArgs(call: Node): Node[] {
  const args = field(call, 'arguments');
  return args ? named(args) : [];
}

/** The text of a Go string literal (`"a\tb"` or a raw `` `a` ``), undefined for anything else. */
export function stringLiteral(node: Node): string | undefined {
  const current = unwrap(node);
  if (current.type === 'raw_string_literal') return current.text.slice(1, -1);
  if (current.type !== 'interpreted_string_literal') return undefined;
  const body = current.text.slice(1, -1);
  return body.replace(/\\(["\\/nt])/g, (_m, c: string) => (c === 'n' ? '\n' : c === 't' ? '\t' : c));
}

const CALLS = ['call_expression'];
const FUNC_LITERALS = ['func_literal'];

/**
 * The calls under `node` (itself included) that are not inside a function literal nested in it, in document order: the
 * calls `walk(node, …)` reaches, read from the tree's list of calls instead of a walk of every node.
 */
export function callsIn(node: Node): Node[] {
  const out: Node[] = [];
  for (const call of descendantsOf(node, CALLS)) {
    const closure = innermostOfType(call, FUNC_LITERALS);
    if (closure && closure.id !== node.id && closure.startIndex >= node.startIndex && closure.endIndex <= node.endIndex) continue;
    out.push(call);
  }
  return out;
}

/** Every node under `root` (itself included), not entering nested function literals unless asked. */
export function walk(root: Node, visit: (node: Node) => boolean | undefined, intoFunctions = false): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) continue;
    if (visit(node) === false) continue;
    if (!intoFunctions && node !== root && node.type === 'func_literal') continue;
    const children = named(node);
    for (let i = children.length - 1; i >= 0; i -= 1) {
      const child = children[i];
      if (child) stack.push(child);
    }
  }
}

export function locate(file: string, node: Node): Location {
  return { file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

/** The statements of a block. */
export function statements(block: Node | undefined): Node[] {
  if (!block) return [];
  const list = named(block).find((child) => child.type === 'statement_list');
  return list ? named(list) : named(block).filter((child) => child.type !== '{' && child.type !== '}');
}

/** Parameter names of a function, method or literal, in order (`_` and unnamed kept as ''). */
export function parameterNames(fn: Node): { name: string; type: string }[] {
  const params = field(fn, 'parameters');
  if (!params) return [];
  const out: { name: string; type: string }[] = [];
  for (const declaration of named(params)) {
    const type = field(declaration, 'type')?.text ?? '';
    const names = fields(declaration, 'name');
    if (names.length === 0) out.push({ name: '', type });
    for (const name of names) out.push({ name: name.text, type });
  }
  return out;
}

/** The receiver type name of a method declaration (`func (s *Server) …` → `Server`). */
export function receiverType(method: Node): string | undefined {
  const receiver = field(method, 'receiver');
  const declaration = receiver ? named(receiver)[0] : undefined;
  const type = declaration ? field(declaration, 'type') : undefined;
  if (!type) return undefined;
  const match = /([A-Za-z_]\w*)\s*(?:\[.*\])?$/.exec(type.text.replace(/^\*/, ''));
  return match?.[1];
}

export function receiverName(method: Node): string | undefined {
  const receiver = field(method, 'receiver');
  const declaration = receiver ? named(receiver)[0] : undefined;
  const name = declaration ? field(declaration, 'name') : undefined;
  return name?.text;
}

export interface GoStructField {
  name: string;
  /** The raw tag, backquotes included (`` `json:"-"` ``), or ''. */
  tag: string;
  /** The declared type as written (`map[string]any`, `*time.Time`). */
  type?: string;
}

export interface GoStruct {
  name: string;
  fields: GoStructField[];
  /** Embedded types as written (`gorm.Model`, `*Base`), with their tags. */
  embedded: GoStructField[];
  file: string;
}

const structsByTree = new WeakMap<object, readonly GoStruct[]>();

/**
 * Every struct type declared in the Go sources, in source order: its name, its named fields with their tags and its embedded types.
 * Each file is read once (four checks ask for every file's structs); the answers are shared, not to be changed.
 */
export function goStructs(sources: readonly { file: string; language: string; text: string; tree: { rootNode: Node } }[]): GoStruct[] {
  const out: GoStruct[] = [];
  for (const source of sources) {
    if (source.language !== 'go' || !source.text.includes('struct')) continue;
    let structs = structsByTree.get(source.tree);
    if (!structs) {
      structs = structsOf(source);
      structsByTree.set(source.tree, structs);
    }
    out.push(...structs);
  }
  return out;
}

const TYPE_SPECS = ['type_spec'];
/** What hides a type declaration from `structsOf`: a function literal, or another type declaration. */
const HIDING = ['func_literal', 'type_spec'];

function structsOf(source: { file: string; tree: { rootNode: Node } }): GoStruct[] {
  const out: GoStruct[] = [];
  // The type declarations a walk of the file would reach (not inside a function literal or another type declaration), in
  // document order, from the tree's list of them: no walk of every node of the file.
  for (const node of descendantsOf(source.tree.rootNode, TYPE_SPECS)) {
    if (innermostOfType(node, HIDING)) continue;
    const name = field(node, 'name')?.text;
    const type = field(node, 'type');
    if (!name || type?.type !== 'struct_type') continue;
    const list = named(type).find((child) => child.type === 'field_declaration_list');
    const declared: GoStructField[] = [];
    const embedded: GoStructField[] = [];
    for (const declaration of list ? named(list) : []) {
      if (declaration.type !== 'field_declaration') continue;
      const tag = field(declaration, 'tag')?.text ?? '';
      const names = fields(declaration, 'name');
      const type = field(declaration, 'type')?.text ?? '';
      for (const fieldName of names) declared.push({ name: fieldName.text, tag, type });
      if (names.length === 0) embedded.push({ name: field(declaration, 'type')?.text ?? '', tag });
    }
    out.push({ name, fields: declared, embedded, file: source.file });
  }
  return out;
}
