import type { Location } from '../model/types.js';
import type { Node } from './parser.js';

/** Syntax-tree helpers every language's analysis shares. */

/** Named children, comments left out. */
export function kids(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

export function field(node: Node, name: string): Node | undefined {
  return node.childForFieldName(name) ?? undefined;
}

export function locate(file: string, node: Node): Location {
  return { file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

/** Depth-first pre-order walk with a cursor (no recursion); `visit` returns false to skip a subtree. */
export function walk(root: Node, visit: (node: Node) => boolean | undefined): void {
  const cursor = root.walk();
  try {
    let descend = true;
    for (;;) {
      if (descend) {
        const enter = visit(cursor.currentNode) !== false;
        if (enter && cursor.gotoFirstChild()) continue;
      }
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (!cursor.gotoParent() || cursor.currentNode.id === root.id) break;
      descend = false;
    }
  } finally {
    cursor.delete();
  }
}
