/**
 * ruby-jwt `JWT.decode(token, key, false)`: the third argument turns signature verification off, so
 * any token a caller writes is accepted. Reading a token's header or issuer to pick the key is fine when
 * the same method then decodes the same token with verification (`JWT.decode(token, key, true, …)`).
 */
import type { SourceFile } from '../../engine/context.js';
import type { Node } from '../../parsing/parser.js';
import { field, kids, walk } from '../../collectors/code/ruby/ast.js';

export interface RubyUnverified {
  source: SourceFile;
  node: Node;
}

/** Positional arguments as written (a `{…}` payload stays one argument). */
function rawArgs(call: Node): Node[] {
  return kids(field(call, 'arguments') ?? call).filter((arg) => arg.type !== 'pair' && arg.type !== 'block_argument');
}

/** The enclosing method also decodes the same token with verification on. */
function verifiedLater(call: Node, token: string): boolean {
  let method: Node | null = call.parent;
  while (method && method.type !== 'method' && method.type !== 'singleton_method') method = method.parent;
  if (!method) return false;
  let verified = false;
  walk(method, (node) => {
    if (verified) return false;
    if (node.type === 'call' && node.id !== call.id && field(node, 'receiver')?.text === 'JWT' && field(node, 'method')?.text === 'decode') {
      const [other, , verify] = rawArgs(node);
      if (other?.text === token && verify?.type !== 'false') verified = true;
    }
    return true;
  });
  return verified;
}

export function rubyUnverifiedTokens(sources: readonly SourceFile[]): RubyUnverified[] {
  const out: RubyUnverified[] = [];
  for (const source of sources) {
    if (source.language !== 'ruby' || !/\bJWT\.decode\b/.test(source.text) || /(^|\/)(spec|test)\//.test(source.file)) continue;
    walk(source.tree.rootNode, (node) => {
      if (node.type !== 'call' || field(node, 'receiver')?.text !== 'JWT' || field(node, 'method')?.text !== 'decode') return true;
      const [token, , verify] = rawArgs(node);
      if (verify?.type === 'false' && !verifiedLater(node, token?.text ?? '')) out.push({ source, node });
      return true;
    });
  }
  return out;
}
