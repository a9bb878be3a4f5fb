/**
 * firebase/php-jwt 5.x `JWT::decode($jwt, $key, ['HS256', 'RS256'])`: one key accepted under both an
 * HMAC and a public-key algorithm lets a caller sign with the public key as the HMAC secret
 * (algorithm confusion). Version 6 binds each key to one algorithm (`new Key($material, 'RS256')`).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { arrayEntries, literalString } from '../../collectors/code/php/ast.js';
import { phpCalls, resolveLocal, scopeName } from '../../collectors/code/php/sinks.js';

export interface PhpMixedAlgorithms {
  source: SourceFile;
  node: Node;
  algorithms: string[];
}

export function phpMixedAlgorithms(sources: readonly SourceFile[]): PhpMixedAlgorithms[] {
  const out: PhpMixedAlgorithms[] = [];
  for (const source of sources) {
    if (source.language !== 'php' || !source.text.includes('JWT::decode') || /(^|\/)(tests?|vendor)\//i.test(source.file)) continue;
    for (const call of phpCalls(source.tree.rootNode)) {
      if (call.kind !== 'static' || scopeName(call) !== 'JWT' || call.name !== 'decode') continue;
      const list = call.args.filter((arg) => arg.name === undefined)[2]?.value ?? call.args.find((arg) => arg.name === 'allowed_algs')?.value;
      const entries = list ? arrayEntries(resolveLocal(list, call.node)) : undefined;
      const algorithms = (entries ?? []).map((entry) => literalString(entry.value)).filter((name): name is string => name !== undefined);
      if (algorithms.some((name) => /^HS/i.test(name)) && algorithms.some((name) => /^(RS|ES|PS|EdDSA)/i.test(name))) out.push({ source, node: call.node, algorithms });
    }
  }
  return out;
}
