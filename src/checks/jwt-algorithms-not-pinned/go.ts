import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { goJwtOption, goJwtParses, goKeyfuncBody } from '../../analysis/go-jwt.js';
import { field, walk } from '../../collectors/code/go/ast.js';

/** The key function reads `token.Method` (type switch, assertion, `Alg()` comparison) or the `alg` header. */
function checksMethod(body: Node): boolean {
  let found = false;
  walk(body, (node) => {
    if (found) return false;
    if (node.type === 'selector_expression' && field(node, 'field')?.text === 'Method') found = true;
    if (node.type === 'index_expression' && /Header$/.test(field(node, 'operand')?.text ?? '') && /"alg"/.test(field(node, 'index')?.text ?? '')) found = true;
    return !found;
  }, true);
  return found;
}

/**
 * golang-jwt verification with a key function that never looks at `token.Method`, no
 * `jwt.WithValidMethods(…)` and no `ValidMethods` on the parser. Key functions that cannot be read
 * (another package, a variable of unknown origin) and option lists passed as `opts...` are left alone.
 */
export function goUnpinned(sources: readonly SourceFile[]): { source: SourceFile; call: Node; written: string }[] {
  const out: { source: SourceFile; call: Node; written: string }[] = [];
  for (const parse of goJwtParses(sources)) {
    if (parse.library !== 'golang-jwt' || parse.method === 'ParseUnverified' || parse.opaque) continue;
    if (goJwtOption(parse, 'WithValidMethods') || parse.parserFields.has('ValidMethods')) continue;
    const body = goKeyfuncBody(parse);
    if (!body || checksMethod(body)) continue;
    out.push({ source: parse.source, call: parse.call, written: parse.written });
  }
  return out;
}
