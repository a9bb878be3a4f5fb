import type { Language, Node, Tree } from 'web-tree-sitter';
import type { SourceLanguage } from './languages.js';
import { grammarOf } from './parser.js';
import { charge } from './budget.js';

/**
 * Parent links, remembered per tree for the nodes analysis asked about.
 *
 * web-tree-sitter's `node.parent` descends from the root every time (its cost is the depth times the
 * width of the tree above the node), so each node's parent is asked once and remembered: an ancestor
 * loop over many nodes of one file climbs through parents it already knows. Only asked nodes are
 * remembered, not every node of every tree.
 */
const parentMaps = new WeakMap<Tree, Map<number, Node | null>>();

/** The parent of a node (null for the root); each node's parent is computed once per tree. */
export function parentOf(node: Node | null | undefined): Node | null {
  if (!node) return null;
  // A file over its time budget has no ancestors: loops climbing its tree stop at once.
  if (charge(node.tree)) return null;
  let parents = parentMaps.get(node.tree);
  if (!parents) {
    parents = new Map();
    parentMaps.set(node.tree, parents);
  }
  const known = parents.get(node.id);
  if (known !== undefined) return known;
  const parent = node.parent;
  parents.set(node.id, parent);
  return parent;
}

/** The ancestors of a node, innermost first. */
export function* ancestorsOf(node: Node | null | undefined): Generator<Node> {
  for (let current = parentOf(node); current; current = parentOf(current)) yield current;
}

/** The innermost strict ancestor of one of the given types. */
export function closestAncestor(node: Node | null | undefined, types: ReadonlySet<string> | readonly string[]): Node | undefined {
  const set: ReadonlySet<string> = types instanceof Set ? types : new Set(types as readonly string[]);
  for (let current = parentOf(node); current; current = parentOf(current)) if (set.has(current.type)) return current;
  return undefined;
}

/**
 * Every node of a type in a tree, in document order, listed once per tree and type: analysis code
 * asks for the nodes of a type inside any subtree (`descendantsOf`) and gets a slice of that list
 * instead of a fresh walk of the subtree. Types asked together are listed in one walk.
 */
const typeLists = new WeakMap<Tree, Map<string, Node[]>>();
/**
 * The node types analysis has asked for so far, per grammar. The first question about a tree lists
 * all of them in one walk (ESLint's subscription model, learnt instead of declared): after the
 * first few files, each further tree is walked once whatever the number of checks.
 */
const askedTypes = new WeakMap<object, Set<string>>();
/**
 * The types analysis asks for across the real-world corpus (Python and JS/TS analysis goes through
 * these lists): known from the start, so the first question about a tree lists them all and later
 * stages (enrichers, checks) find their lists ready instead of walking every tree again. A type
 * missing here is learnt at its first question; names unknown to a grammar are ignored.
 */
const SEED_TYPES: readonly string[] = [
  'arrow_function', 'assert_statement', 'assignment', 'assignment_expression', 'attribute', 'binary_expression', 'boolean_operator',
  'call', 'call_expression', 'class', 'class_declaration', 'class_definition', 'comparison_operator', 'conditional_expression',
  'decorated_definition', 'decorator', 'expression_statement', 'field_definition', 'function', 'function_declaration',
  'function_definition', 'function_expression', 'generator_function_declaration', 'if_statement', 'import_from_statement',
  'import_statement', 'keyword_argument', 'lexical_declaration', 'member_expression', 'method_definition', 'new_expression',
  'optional_parameter', 'pair', 'public_field_definition', 'required_parameter', 'return_statement', 'subscript',
  'ternary_expression', 'variable_declarator',
];

/**
 * The types one language's enrichers and checks ask for (parameter lists, catch clauses, Go's local
 * bindings and closures): seeded for that grammar only, so its trees' first listing covers them,
 * while other grammars that share a name (`method_declaration`, `catch_clause`) do not list them.
 */
const SEED_BY_GRAMMAR: Partial<Record<SourceLanguage, readonly string[]>> = {
  javascript: ['catch_clause', 'formal_parameters', 'subscript_expression'],
  typescript: ['catch_clause', 'formal_parameters', 'subscript_expression'],
  tsx: ['catch_clause', 'formal_parameters', 'subscript_expression'],
  python: ['default_parameter', 'except_clause', 'parameters', 'typed_default_parameter', 'typed_parameter'],
  go: ['assignment_statement', 'func_literal', 'method_declaration', 'range_clause', 'short_var_declaration', 'var_spec'],
  ruby: ['element_reference'],
};

/** The node types a grammar has: a type it does not have is never listed, so asking for it walks no tree. */
const grammarTypes = new WeakMap<Language, ReadonlySet<string>>();

function typesOf(language: Language): ReadonlySet<string> {
  let types = grammarTypes.get(language);
  if (!types) {
    // `ERROR` is not among a grammar's types, but descendantsOfType lists it.
    types = new Set<string>([...language.types, 'ERROR']);
    grammarTypes.set(language, types);
  }
  return types;
}

/**
 * Names and literals: a tree holds several times more of them than of every other type together, so
 * a question about them inside a subtree walks that subtree only, and they are never learnt.
 */
const LEAVES: ReadonlySet<string> = new Set(['identifier', 'property_identifier', 'shorthand_property_identifier', 'field_identifier', 'type_identifier', 'string', 'string_fragment', 'string_content', 'integer', 'number', 'comment', 'escape_sequence']);

export function nodesOfTypeIn(tree: Tree, types: readonly string[]): Map<string, Node[]> {
  let asked = askedTypes.get(tree.language);
  if (!asked) {
    const grammar = grammarOf(tree.language);
    asked = new Set([...SEED_TYPES, ...((grammar && SEED_BY_GRAMMAR[grammar]) ?? [])]);
    askedTypes.set(tree.language, asked);
  }
  for (const type of types) if (!LEAVES.has(type)) asked.add(type);
  let byType = typeLists.get(tree);
  if (!byType) {
    byType = new Map();
    typeLists.set(tree, byType);
  }
  const missing = (byType.size === 0 ? [...asked] : types).filter((type) => !byType.has(type));
  if (missing.length > 0) {
    for (const type of missing) byType.set(type, []);
    const known = typesOf(tree.language);
    const walked = missing.filter((type) => known.has(type));
    if (walked.length > 0) for (const node of tree.rootNode.descendantsOfType(walked)) if (node) byType.get(node.type)?.push(node);
  }
  return byType;
}

/** Index of the first node of `list` (sorted by start) starting at or after `start`. */
function firstFrom(list: readonly Node[], start: number): number {
  let low = 0;
  let high = list.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((list[middle] as Node).startIndex < start) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** True when `node` is `root` or inside it; for nodes spanning exactly the same bytes, decided by ancestry. */
function within(root: Node, node: Node): boolean {
  if (node.startIndex !== root.startIndex || node.endIndex !== root.endIndex) return true;
  if (node.id === root.id) return true;
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.id === root.id) return true;
    if (current.startIndex !== root.startIndex || current.endIndex !== root.endIndex) return false;
  }
  return false;
}

/**
 * The nodes of the given types inside `root` (itself included), in document order, as
 * `root.descendantsOfType(types)` answers, read from the tree's per-type lists.
 */
export function descendantsOf(root: Node, types: readonly string[]): Node[] {
  if (charge(root.tree)) return [];
  const listed = typeLists.get(root.tree);
  if (types.some((type) => LEAVES.has(type) && !listed?.has(type))) {
    return root.descendantsOfType([...types]).filter((node): node is Node => node !== null);
  }
  const byType = nodesOfTypeIn(root.tree, types);
  const out: Node[] = [];
  for (const type of types) {
    const list = byType.get(type) ?? [];
    for (let index = firstFrom(list, root.startIndex); index < list.length; index++) {
      const node = list[index] as Node;
      if (node.startIndex > root.endIndex || (node.startIndex === root.endIndex && root.endIndex > root.startIndex)) break;
      if (node.endIndex <= root.endIndex && within(root, node)) out.push(node);
    }
  }
  if (types.length > 1) out.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
  return out;
}

interface Nesting {
  /** Nodes of the types, by start (outer first at equal starts). */
  nodes: Node[];
  /** Index in `nodes` of each node's innermost container among them, -1 for none. */
  outer: Int32Array;
}

const nestings = new WeakMap<Tree, Map<string, Nesting>>();

function nestingOf(tree: Tree, types: readonly string[]): Nesting {
  let byKey = nestings.get(tree);
  if (!byKey) {
    byKey = new Map();
    nestings.set(tree, byKey);
  }
  const key = types.join('\u0000');
  let nesting = byKey.get(key);
  if (nesting) return nesting;
  const byType = nodesOfTypeIn(tree, types);
  // Outer first at equal starts; nodes spanning the same bytes (a call that is its statement's whole text) by ancestry.
  const nodes = types
    .flatMap((type) => byType.get(type) ?? [])
    .sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex || (a.id === b.id ? 0 : within(a, b) ? -1 : 1));
  const outer = new Int32Array(nodes.length);
  const stack: number[] = [];
  for (let index = 0; index < nodes.length; index++) {
    const node = nodes[index] as Node;
    while (stack.length > 0 && (nodes[stack[stack.length - 1] as number] as Node).endIndex < node.endIndex) stack.pop();
    outer[index] = stack.length > 0 ? (stack[stack.length - 1] as number) : -1;
    stack.push(index);
  }
  nesting = { nodes, outer };
  byKey.set(key, nesting);
  return nesting;
}

/**
 * The strict ancestors of `node` of the given types, innermost first, as climbing `parentOf` would
 * find them, read from the tree's per-type lists: no parent links are needed, and a question costs a
 * binary search and the containers' chain.
 */
export function* ancestorsOfType(node: Node, types: readonly string[]): Generator<Node> {
  if (charge(node.tree)) return;
  const { nodes, outer } = nestingOf(node.tree, types);
  // The last node starting at or before `node`: every container of `node` is it or one of its containers.
  let index = -1;
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((nodes[middle] as Node).startIndex <= node.startIndex) {
      index = middle;
      low = middle + 1;
    } else high = middle;
  }
  for (; index >= 0; index = outer[index] as number) {
    const candidate = nodes[index] as Node;
    if (candidate.endIndex < node.endIndex || candidate.id === node.id) continue;
    // Same bytes: a child spanning its parent's whole text is no container of it.
    if (candidate.startIndex === node.startIndex && candidate.endIndex === node.endIndex && !within(candidate, node)) continue;
    yield candidate;
  }
}

/** The innermost strict ancestor of `node` of the given types. */
export function innermostOfType(node: Node, types: readonly string[]): Node | undefined {
  for (const found of ancestorsOfType(node, types)) return found;
  return undefined;
}

/** Drops the index of a tree (its nodes are about to be freed). */
export function forgetTree(tree: Tree): void {
  parentMaps.delete(tree);
  typeLists.delete(tree);
  nestings.delete(tree);
}
