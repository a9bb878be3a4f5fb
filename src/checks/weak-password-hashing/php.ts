/**
 * Passwords hashed with a fast digest in PHP: `md5($password)`, `sha1(...)`, `hash('sha256', ...)`,
 * `crypt()` with a DES or MD5-crypt salt, and `hash_pbkdf2` with too few iterations. Whether the
 * data is a password is read from the value hashed (`$password`, `$request->input('password')`),
 * the place the result is stored (`$user->password = …`, `'password' => …`) or the function's name.
 * `password_hash()`, Laravel `Hash::make()` / `bcrypt()` and Symfony password hashers are the fix (Symfony's
 * hasher configuration is read by symfony/password-hashers.ts, the plugin's `passwordHashing` section).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { FAST_HASHES } from '../../collectors/code/php/digests.js';
import { field, literalString, unwrap } from '../../collectors/code/php/ast.js';
import { enclosingFunction } from '../../collectors/code/php/requests.js';
import { phpCalls } from '../../collectors/code/php/sinks.js';

const PASSWORD = /pass_?word|passwd|passphrase|(^|[^a-z])pwd|Password|Pwd/;
const NOT_PASSWORD = /token|nonce|email|api_?key|otp|file|content|body|payload|url|reset|remember|verif|cache|etag|signature/i;

export interface PhpWeakHash {
  node: Node;
  written: string;
  algorithm: string;
  iterations?: number;
}

/** What the result of `call` is stored in: `$x = …`, `$user->password = …`, `'password' => …`, or the function returning it. */
function destination(call: Node): string {
  let node: Node = call;
  for (let parent = node.parent; parent; node = parent, parent = parent.parent) {
    if (parent.type === 'parenthesized_expression' || parent.type === 'argument' || parent.type === 'arguments') return '';
    if (parent.type === 'assignment_expression') return field(parent, 'left')?.text ?? '';
    if (parent.type === 'array_element_initializer') return parent.namedChildren.length > 1 && parent.namedChildren[0]?.id !== node.id ? (parent.namedChildren[0]?.text ?? '') : '';
    if (parent.type === 'return_statement') {
      const fn = enclosingFunction(call);
      return fn ? (field(fn, 'name')?.text ?? '') : '';
    }
    if (parent.type === 'binary_expression' || parent.type === 'expression_statement') return '';
  }
  return '';
}

function aboutPassword(call: Node, data: Node | undefined): boolean {
  if (data && PASSWORD.test(data.text)) return !NOT_PASSWORD.test(data.text);
  const where = destination(call);
  return PASSWORD.test(where) && !NOT_PASSWORD.test(where);
}

export function phpWeakHashes(source: SourceFile): PhpWeakHash[] {
  if (source.language !== 'php' || !/\b(md5|sha1|hash|crypt|hash_pbkdf2)\s*\(/.test(source.text)) return [];
  const out: PhpWeakHash[] = [];
  for (const call of phpCalls(source.tree.rootNode)) {
    if (call.kind !== 'function') continue;
    const args = call.args.map((arg) => arg.value);
    if (call.name === 'md5' || call.name === 'sha1') {
      if (aboutPassword(call.node, args[0])) out.push({ node: call.node, written: `${call.name}()`, algorithm: call.name === 'md5' ? 'MD5' : 'SHA-1' });
    } else if (call.name === 'hash') {
      const algorithm = literalString(args[0]);
      if (algorithm && FAST_HASHES.test(algorithm) && aboutPassword(call.node, args[1])) out.push({ node: call.node, written: `hash('${algorithm}', …)`, algorithm: algorithm.toUpperCase() });
    } else if (call.name === 'crypt') {
      const salt = args[1] ? literalString(args[1]) : undefined;
      if (salt === undefined && args[1]) continue;
      // No salt, a two-character DES salt, `_` extended DES or `$1$` MD5-crypt.
      const weak = salt === undefined ? 'DES crypt (no salt)' : /^\$1\$/.test(salt) ? 'MD5-crypt' : /^(?!\$)[./0-9A-Za-z]{2}/.test(salt) || salt.startsWith('_') ? 'DES crypt' : undefined;
      if (weak && aboutPassword(call.node, args[0])) out.push({ node: call.node, written: 'crypt()', algorithm: weak });
    } else if (call.name === 'hash_pbkdf2') {
      const count = args[3] ? unwrap(args[3]) : undefined;
      const iterations = count?.type === 'integer' ? Number(count.text.replace(/_/g, '')) : undefined;
      if (iterations !== undefined && iterations < 100_000 && aboutPassword(call.node, args[1])) out.push({ node: call.node, written: 'hash_pbkdf2()', algorithm: 'PBKDF2', iterations });
    }
  }
  return out;
}
