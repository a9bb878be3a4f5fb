/**
 * Java `none` algorithms: auth0 java-jwt `Algorithm.none()` given to `JWT.require(…)` (accepted) or
 * to `sign(…)` (issued), and jjwt 0.12 `Jwts.parser().unsecured()`, which makes the parser accept
 * tokens without a signature.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { descendants, field, named } from '../../collectors/code/jvm/ast.js';
import { asCall, chainOf } from '../../collectors/code/jvm/calls.js';
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

/** Kotlin: `JWT.require(Algorithm.none())`, `.sign(Algorithm.none())`, through a local `val`. */
function kotlinNone(source: SourceFile): JavaNone[] {
  const out: JavaNone[] = [];
  const isNoneKt = (node: Node | undefined): boolean => {
    const call = asCall(node);
    return !!call && call.name === 'none' && /(^|\.)Algorithm$/.test(call.receiver?.text ?? '');
  };
  const locals = new Set<string>();
  for (const declaration of descendants(source.tree.rootNode, new Set(['property_declaration']))) {
    const kids = named(declaration);
    const name = named(kids.find((child) => child.type === 'variable_declaration'))[0]?.text;
    if (name && isNoneKt(kids.at(-1))) locals.add(name);
  }
  const none = (node: Node | undefined): boolean => isNoneKt(node) || (node?.type === 'simple_identifier' && locals.has(node.text));
  for (const node of descendants(source.tree.rootNode, new Set(['call_expression']))) {
    const call = asCall(node);
    if (!call) continue;
    if (call.name === 'require' && call.receiver?.text === 'JWT' && none(call.args[0])) out.push({ source, node, kind: 'accepted', call: 'JWT.require(Algorithm.none())' });
    else if (call.name === 'sign' && none(call.args[0])) out.push({ source, node, kind: 'signed', call: 'sign(Algorithm.none())' });
  }
  return out;
}

export function javaNoneAlgorithms(sources: readonly SourceFile[]): JavaNone[] {
  const out: JavaNone[] = [];
  for (const source of sources) {
    if (/(^|\/)src\/test\//.test(source.file)) continue;
    if (source.language === 'kotlin' && /^import\s+com\.auth0\.jwt\b/m.test(source.text)) out.push(...kotlinNone(source));
    if (source.language !== 'java') continue;
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
