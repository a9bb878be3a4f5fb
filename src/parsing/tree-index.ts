import type { Node, Tree } from 'web-tree-sitter';
import { charge, overBudget } from './budget.js';

/**
 * Parent links for a syntax tree, built once per tree in one cursor walk.
 *
 * web-tree-sitter's `node.parent` descends from the root every time, scanning the children of
 * every node on the way: one call costs the depth times the width of the tree above the node, so an
 * ancestor loop over every node of a long file (minified bundles, thousands of routes in one
 * module) is quadratic. Analysis code asks `parentOf(node)` instead, which is one map lookup.
 */
const parentMaps = new WeakMap<Tree, Map<number, Node>>();

function buildParents(tree: Tree): Map<number, Node> {
  const parents = new Map<number, Node>();
  const cursor = tree.walk();
  const stack: Node[] = [];
  let steps = 0;
  try {
    for (;;) {
      // The walk charges the file's budget as it goes: on a file that runs out, it stops (the
      // partial map is never read: `parentOf` answers null for such a file).
      if ((++steps & 15) === 0 && charge(tree)) break;
      if (cursor.gotoFirstChild()) {
        // Only nodes with children become parents: leaves are never materialised.
        cursor.gotoParent();
        const node = cursor.currentNode;
        cursor.gotoFirstChild();
        stack.push(node);
        parents.set(cursor.nodeId, node);
        continue;
      }
      let done = false;
      for (;;) {
        const parent = stack[stack.length - 1];
        if (parent && cursor.gotoNextSibling()) {
          parents.set(cursor.nodeId, parent);
          break;
        }
        if (!cursor.gotoParent()) {
          done = true;
          break;
        }
        stack.pop();
      }
      if (done) break;
    }
  } finally {
    cursor.delete();
  }
  return parents;
}

function parentsOf(tree: Tree): Map<number, Node> {
  let parents = parentMaps.get(tree);
  if (!parents) {
    parents = buildParents(tree);
    parentMaps.set(tree, parents);
  }
  return parents;
}

/** The parent of a node (null for the root), in constant time once the tree is indexed. */
export function parentOf(node: Node | null | undefined): Node | null {
  if (!node) return null;
  // A file over its time budget has no ancestors: loops climbing its tree stop at once.
  if (charge(node.tree)) return null;
  const parents = parentsOf(node.tree);
  // The walk that built the index may have used up the budget: its map is partial.
  if (overBudget(node.tree)) return null;
  const parent = parents.get(node.id);
  if (parent) return parent;
  // Not indexed: the root, or a node the walk never met (it meets every node of the tree it was built on).
  return node.id === node.tree.rootNode.id ? null : node.parent;
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

/** Drops the index of a tree (its nodes are about to be freed). */
export function forgetTree(tree: Tree): void {
  parentMaps.delete(tree);
}
