import type { Node, Tree } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { resolveValue } from '../../../analysis/code-auth.js';
import { elementsOf, stringValue } from '../../../analysis/code.js';
import type { Endpoint } from '../../../model/types.js';
import { parentOf } from '../../../parsing/tree-index.js';
import type { RateLimitScope } from '../plugin.js';

/** Python helpers the rate-limit providers of Python frameworks share (flask/, fastapi/, django/ rate-limit.ts). */

/** A string or a list of strings, through names: `default_limits=DEFAULT_LIMITS`. */
export function strings(source: SourceFile, node: Node | undefined): string[] {
  const resolved = resolveValue(source, node);
  const single = stringValue(resolved);
  if (single !== undefined) return [single];
  return elementsOf(resolved).flatMap((element) => {
    const value = stringValue(resolveValue(source, element));
    return value === undefined ? [] : [value];
  });
}

/** The decorators of a function or class definition, each as its expression (`limiter.limit("5/minute")`). */
export function pyDecorators(definition: Node): Node[] {
  const parent = parentOf(definition);
  if (parent?.type !== 'decorated_definition') return [];
  return parent.namedChildren.filter((child): child is Node => child?.type === 'decorator').map((d) => d.namedChildren.find((c) => c?.type !== 'comment') ?? d);
}

export function enclosingClass(node: Node): Node | undefined {
  for (let current = parentOf(node); current; current = parentOf(current)) if (current.type === 'class_definition') return current;
  return undefined;
}

const classAttributes = new WeakMap<Tree, Map<number, Map<string, Node | undefined>>>();

/** `name = value` in a class body (the first assignment to the name); a class's assignments are read once, not per endpoint of the view. */
export function classAttribute(cls: Node, name: string): Node | undefined {
  let byClass = classAttributes.get(cls.tree);
  if (!byClass) {
    byClass = new Map();
    classAttributes.set(cls.tree, byClass);
  }
  let attributes = byClass.get(cls.id);
  if (!attributes) {
    attributes = new Map();
    const body = cls.childForFieldName('body');
    for (const statement of body?.namedChildren ?? []) {
      const assignment = statement?.type === 'expression_statement' ? statement.namedChildren[0] : undefined;
      if (assignment?.type !== 'assignment') continue;
      const left = assignment.childForFieldName('left')?.text;
      if (left !== undefined && !attributes.has(left)) attributes.set(left, assignment.childForFieldName('right') ?? undefined);
    }
    byClass.set(cls.id, attributes);
  }
  return attributes.get(name);
}

/** The handler's definition and its decorators, then its class's: the order the rate-limit driver asks about them. */
export function pythonHandler(scope: RateLimitScope, endpoint: Endpoint): { source: SourceFile; fn: Node; decorators: Node[] } | undefined {
  const handler = endpoint.handler;
  const source = handler ? scope.source(handler.file) : undefined;
  const fn = handler && source ? scope.nodeAt(source, handler) : undefined;
  if (!fn || !source) return undefined;
  const cls = enclosingClass(fn);
  return { source, fn, decorators: [...pyDecorators(fn), ...(cls ? pyDecorators(cls) : [])] };
}
