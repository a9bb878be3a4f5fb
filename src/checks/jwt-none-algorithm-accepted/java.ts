/**
 * Java `none` algorithms: auth0 java-jwt `Algorithm.none()` given to `JWT.require(…)` (accepted) or
 * to `sign(…)` (issued), and jjwt 0.12 `Jwts.parser().unsecured()`, which makes the parser accept
 * tokens without a signature.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { descendants, field, named } from '../../collectors/code/jvm/ast.js';
import { chainOf } from '../../collectors/code/jvm/calls.js';
import { localValue } from '../../collectors/code/jvm/trace.js';

export interface JavaNone {
  source: SourceFile;
  node: Node;
  kind: 'accepted' | 'signed';
  call: string;
}

const CALLS: ReadonlySet<string> = new Set(['method_invocation']);

function isNone(node: Node | undefined, depth = 0): boolean {
  if (!node || depth > 2) return false;
  if (node.type === 'method_invocation') return field(node, 'name')?.text === 'none' && /(^|\.)Algorithm$/.test(field(node, 'object')?.text ?? '');
  if (node.type === 'identifier') return isNone(localValue(node.text, node), depth + 1);
  return false;
}

export function javaNoneAlgorithms(sources: readonly SourceFile[]): JavaNone[] {
  const out: JavaNone[] = [];
  for (const source of sources) {
    if (source.language !== 'java' || /(^|\/)src\/test\//.test(source.file)) continue;
    const auth0 = /^import\s+com\.auth0\.jwt\b/m.test(source.text);
    const jjwt = /^import\s+io\.jsonwebtoken\b/m.test(source.text);
    if (!auth0 && !jjwt) continue;
    for (const node of descendants(source.tree.rootNode, CALLS)) {
      const name = field(node, 'name')?.text ?? '';
      const arg = named(field(node, 'arguments'))[0];
      if (auth0 && name === 'require' && field(node, 'object')?.text === 'JWT' && isNone(arg)) out.push({ source, node, kind: 'accepted', call: 'JWT.require(Algorithm.none())' });
      else if (auth0 && name === 'sign' && isNone(arg)) out.push({ source, node, kind: 'signed', call: 'sign(Algorithm.none())' });
      else if (jjwt && name === 'unsecured') {
        const { root, calls } = chainOf(node);
        if (root?.text === 'Jwts' && calls[0]?.name === 'parser') out.push({ source, node, kind: 'accepted', call: 'Jwts.parser().unsecured()' });
      }
    }
  }
  return out;
}
