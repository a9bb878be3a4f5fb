/**
 * golang-jwt (and its dgrijalva/form3tech forks) with the `none` algorithm: a keyfunc that returns
 * `jwt.UnsafeAllowNoneSignatureType` (tokens with `alg: none` then verify), `jwt.WithValidMethods`
 * listing `"none"`, and tokens issued with `jwt.SigningMethodNone`. Comparing a token's method with
 * `jwt.SigningMethodNone` to reject it is not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, named, stringLiteral, unwrap, walk } from '../../collectors/code/go/ast.js';

const JWT_PACKAGES = /"github\.com\/(golang-jwt\/jwt|dgrijalva\/jwt-go|form3tech-oss\/jwt-go)(\/v\d+)?"/;

export interface GoNone {
  node: Node;
  kind: 'accepted' | 'signed';
  call: string;
  algorithms: string;
}

function selectorField(node: Node | undefined): string | undefined {
  const bare = node ? unwrap(node) : undefined;
  return bare?.type === 'selector_expression' ? field(bare, 'field')?.text : undefined;
}

export function goNoneAlgorithms(source: SourceFile): GoNone[] {
  if (source.language !== 'go' || source.file.endsWith('_test.go') || !JWT_PACKAGES.test(source.text) || !/UnsafeAllowNoneSignatureType|SigningMethodNone|WithValidMethods/.test(source.text)) return [];
  const out: GoNone[] = [];
  walk(
    source.tree.rootNode,
    (node) => {
      if (node.type === 'return_statement') {
        const list = named(node)[0];
        const values = list?.type === 'expression_list' ? named(list) : list ? [list] : [];
        const none = values.find((value) => selectorField(value) === 'UnsafeAllowNoneSignatureType');
        if (none) out.push({ node: none, kind: 'accepted', call: 'keyfunc', algorithms: none.text });
        return true;
      }
      if (node.type !== 'call_expression') return true;
      const name = selectorField(field(node, 'function')) ?? field(node, 'function')?.text;
      const args = callArgs(node);
      if ((name === 'NewWithClaims' || name === 'New') && selectorField(args[0]) === 'SigningMethodNone') {
        out.push({ node, kind: 'signed', call: field(node, 'function')?.text ?? name, algorithms: args[0]?.text ?? '' });
      } else if (name === 'WithValidMethods') {
        const literals: Node[] = [];
        walk(node, (inner) => {
          if (inner.type === 'interpreted_string_literal' || inner.type === 'raw_string_literal') literals.push(inner);
          return true;
        });
        if (literals.some((literal) => stringLiteral(literal)?.toLowerCase() === 'none')) out.push({ node, kind: 'accepted', call: field(node, 'function')?.text ?? name, algorithms: args[0]?.text ?? '' });
      }
      return true;
    },
    true,
  );
  return out;
}
