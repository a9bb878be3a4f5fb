/**
 * Passwords hashed with a fast digest in PHP: `md5($password)`, `sha1(...)`, `hash('sha256', ...)`,
 * `crypt()` with a DES or MD5-crypt salt, and `hash_pbkdf2` with too few iterations. Whether the
 * data is a password is read from the value hashed (`$password`, `$request->input('password')`),
 * the place the result is stored (`$user->password = …`, `'password' => …`) or the function's name.
 * `password_hash()`, Laravel `Hash::make()` / `bcrypt()` and Symfony password hashers are the fix.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { parseYaml, yString, yStrings } from '../../collectors/code/php/config-files.js';
import { field, literalString, unwrap } from '../../collectors/code/php/ast.js';
import { enclosingFunction } from '../../collectors/code/php/requests.js';
import { phpCalls } from '../../collectors/code/php/sinks.js';

const PASSWORD = /pass_?word|passwd|passphrase|(^|[^a-z])pwd|Password|Pwd/;
const NOT_PASSWORD = /token|nonce|email|api_?key|otp|file|content|body|payload|url|reset|remember|verif|cache|etag|signature/i;
const FAST_HASHES = /^(md2|md4|md5|sha1|sha224|sha256|sha384|sha512(\/2\d\d)?|sha3-\d+|ripemd\d+|whirlpool|tiger\d+,\d|crc32b?|fnv\w+|xxh\w+|murmur\w+)$/i;

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

export interface SymfonyWeakHasher {
  file: string;
  line: number;
  /** The setting as written (`algorithm: md5`, `cost: 4`). */
  setting: string;
  kind: 'scheme' | 'cost' | 'iterations';
  algorithm: string;
  value?: number;
}

/** Hashers that only ever hash users written in the configuration itself (the `in_memory` provider). */
const IN_MEMORY_USERS = /^\\?Symfony\\Component\\Security\\Core\\User\\(InMemoryUser|User)$/;
const SLOW = /^(auto|native|bcrypt|sodium|argon2i|argon2id)$/i;
const MIN_BCRYPT_COST = 10;

/**
 * Symfony `security.yaml`: `password_hashers:` (legacy `encoders:`) that store passwords in plain text,
 * with a message digest (`md5`, `sha1`, `sha512` …), with PBKDF2 under 100,000 iterations (Symfony's
 * default is 1,000) or with bcrypt under cost 10. `auto` / `native` / `bcrypt` / `sodium` / `argon2*`
 * are fine; a hasher named only in another's `migrate_from` verifies old hashes and re-hashes them
 * with the strong one; `when@test:` / `when@dev:` overrides and the in-memory user class are not read, nor a named
 * hasher (`MailToken:`) no user class selects with `getPasswordHasherName()`.
 */
export function symfonyWeakHashers(infra: readonly InfraFile[], sources: readonly SourceFile[] = []): SymfonyWeakHasher[] {
  const out: SymfonyWeakHasher[] = [];
  if (!infra.some((file) => file.kind === 'symfony-security')) return out;
  // A named hasher (`MailToken: sha1`) hashes whatever the code gives it (tokens, keys): it stores passwords only
  // when a user class names it from `getPasswordHasherName()` / `getEncoderName()`.
  const passwordHashers = new Set<string>();
  for (const source of sources) {
    if (source.language !== 'php' || !/function\s+get(?:PasswordHasher|Encoder)Name/.test(source.text)) continue;
    for (const match of source.text.matchAll(/function\s+get(?:PasswordHasher|Encoder)Name\s*\([^)]*\)[^{]*\{([^}]*)\}/g)) {
      for (const returned of (match[1] ?? '').matchAll(/return\s+['"]([\w.-]+)['"]/g)) passwordHashers.add(returned[1] ?? '');
    }
  }
  for (const file of infra) {
    if (file.kind !== 'symfony-security' || /(^|\/)(tests?|vendor)\//i.test(file.file)) continue;
    const security = parseYaml(file.text).root?.map?.get('security');
    for (const key of ['password_hashers', 'encoders']) {
      const hashers = security?.map?.get(key)?.map;
      if (!hashers) continue;
      const migrated = new Set<string>();
      for (const hasher of hashers.values()) for (const name of yStrings(hasher.map?.get('migrate_from'))) migrated.add(name);
      for (const [name, hasher] of hashers) {
        if (IN_MEMORY_USERS.test(name) || migrated.has(name)) continue;
        if (!name.includes('\\') && !passwordHashers.has(name)) continue;
        const algorithmNode = hasher.map ? hasher.map.get('algorithm') : hasher;
        if (hasher.map?.has('id')) continue;
        const algorithm = yString(algorithmNode)?.toLowerCase();
        if (!algorithm || !algorithmNode) continue;
        const line = algorithmNode.keyLine ?? algorithmNode.line;
        const setting = hasher.map ? `algorithm: ${algorithm}` : `${name}: ${algorithm}`;
        if (algorithm === 'plaintext') out.push({ file: file.file, line, setting, kind: 'scheme', algorithm: 'plain text (no hashing)' });
        else if (FAST_HASHES.test(algorithm)) out.push({ file: file.file, line, setting, kind: 'scheme', algorithm: `${algorithm.toUpperCase()} (a fast message digest)` });
        else if (algorithm === 'pbkdf2') {
          const iterationsNode = hasher.map?.get('iterations');
          const iterations = iterationsNode === undefined ? 1000 : typeof iterationsNode.scalar === 'number' ? iterationsNode.scalar : undefined;
          if (iterations !== undefined && iterations < 100_000) {
            out.push({ file: file.file, line: iterationsNode ? (iterationsNode.keyLine ?? iterationsNode.line) : line, setting: iterationsNode ? `iterations: ${iterations}` : 'algorithm: pbkdf2', kind: 'iterations', algorithm: 'PBKDF2', value: iterations });
          }
        } else if (SLOW.test(algorithm)) {
          const costNode = hasher.map?.get('cost');
          const cost = typeof costNode?.scalar === 'number' ? costNode.scalar : undefined;
          if (costNode && cost !== undefined && cost < MIN_BCRYPT_COST) out.push({ file: file.file, line: costNode.keyLine ?? costNode.line, setting: `cost: ${cost}`, kind: 'cost', algorithm, value: cost });
        }
      }
    }
  }
  return out;
}
