import { lineSnippet } from '../../analysis/code-transport.js';
import type { Node } from 'web-tree-sitter';
import { at, functionName, isPython, resolveValue } from '../../analysis/code-auth.js';
import { argument, type CallSite, elementsOf, enclosingFunction, factsOf, literalValue, stringValue } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { csharpWeakHashes } from './csharp.js';
import { goWeakHashes } from './go.js';
import { jvmWeakHashes } from './java.js';
import { phpWeakHashes } from './php.js';
import { passwordHashingProviders } from '../../collectors/code/plugins.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { parentOf } from '../../parsing/tree-index.js';

const PASSWORD = /pass_?word|passwd|passphrase|(^|[^a-z])pwd|(^|_)pw($|_)|Password|Pwd/;
const PY_FAST = /^hashlib\.(md5|sha1|sha224|sha256|sha384|sha512|sha3_\d+|blake2[bs])$/;
const JS_LIBS = /^(md5|sha1|js-md5|js-sha1|js-sha256|js-sha512|crypto-js\/(md5|sha1|sha256|sha512)|crypto-js\.(MD5|SHA1|SHA256|SHA512)|sha256)$/;
const WEAK_SCHEMES = /^(md5_crypt|des_crypt|bsdi_crypt|hex_md5|hex_sha1|hex_sha256|hex_sha512|plaintext|ldap_md5|ldap_sha1|ldap_plaintext|django_salted_md5|django_salted_sha1|django_des_crypt|unix_disabled|mysql323|mysql41|postgres_md5|oracle10|lmhash|nthash|msdcc)$/;
const MIN_PBKDF2_ITERATIONS = 100_000;

/** Where a hash's input or output says it is a password: the data, the variable it is stored in, or the function. */
function aboutPassword(call: Node, given: readonly (Node | undefined)[], source?: SourceFile): boolean {
  // `salted = (email + SECRET_KEY).encode(); sha1(salted)`: what a local variable holds says what is hashed.
  const data = source ? given.flatMap((node) => (node?.type === 'identifier' ? [node, resolveValue(source, node)] : [node])) : given;
  if (data.some((node) => node && PASSWORD.test(node.text))) return true;
  if (data.some((node) => node && /token|nonce|email|api_?key|otp|file|content|body|payload|url/i.test(node.text))) return false;
  let current: Node | null = parentOf(call);
  for (let i = 0; current && i < 6; i += 1, current = parentOf(current)) {
    if (['assignment', 'variable_declarator', 'assignment_expression', 'pair', 'keyword_argument'].includes(current.type)) {
      const target = current.childForFieldName('left') ?? current.childForFieldName('name') ?? current.childForFieldName('key');
      if (target && PASSWORD.test(target.text)) return true;
      break;
    }
    if (current.type === 'return_statement') break;
  }
  return PASSWORD.test(functionName(call));
}

/** `h = hashlib.sha256(); h.update(password)` / `crypto.createHash('md5').update(pw)`: the update arguments. */
function updates(source: SourceFile, call: CallSite): Node[] {
  const out: Node[] = [];
  let current: Node = call.node;
  for (let up = parentOf(current); up?.type === 'member_expression' || up?.type === 'attribute'; up = parentOf(current)) {
    const property = up.childForFieldName(up.type === 'attribute' ? 'attribute' : 'property')?.text;
    const outer = parentOf(up);
    if (outer?.type !== 'call_expression' && outer?.type !== 'call') break;
    if (property === 'update') out.push(...(outer.childForFieldName('arguments')?.namedChildren.filter((n): n is Node => n !== null) ?? []));
    current = outer;
  }
  const holder = parentOf(call.node);
  const name = holder?.type === 'assignment' || holder?.type === 'variable_declarator' ? holder.childForFieldName(holder.type === 'assignment' ? 'left' : 'name') : null;
  if (name?.type === 'identifier') {
    const scope = enclosingFunction(call.node) ?? source.tree.rootNode;
    for (const other of factsOf(source).calls) {
      if (other.written === `${name.text}.update` && other.node.startIndex >= scope.startIndex && other.node.endIndex <= scope.endIndex) out.push(...other.args);
    }
  }
  return out;
}

/** Calls that take a symmetric key: a derived value passed here is an encryption key, not a stored password hash. */
const CIPHER_KEY_SINK = /^(?:(?:node:)?crypto\.create(?:Cipheriv|Decipheriv|Hmac)|(?:\w+\.)*(?:AESGCM|AESCCM|ChaCha20Poly1305|Fernet|AES\.new|algorithms\.AES|ChaCha20_Poly1305\.new)|crypto\.subtle\.importKey)$/;

/** The name a derivation's result is known by: the variable it is stored in, or the function that returns it. */
function derivedName(call: Node): { variable?: string; fn?: string } {
  let node: Node = call;
  for (let parent = node.parent; parent; node = parent, parent = parent.parent) {
    if (parent.type === 'await_expression' || parent.type === 'await' || parent.type === 'parenthesized_expression') continue;
    if (parent.type === 'variable_declarator') return { variable: parent.childForFieldName('name')?.text ?? '' };
    if (parent.type === 'assignment' || parent.type === 'assignment_expression') return { variable: parent.childForFieldName('left')?.text ?? '' };
    if (parent.type === 'return_statement' || parent.type === 'arrow_function') return { fn: functionName(call) };
    return {};
  }
  return {};
}

/**
 * PBKDF2 also derives encryption keys from an application secret (`getKey(secret, salt)` then
 * `createCipheriv(…, key, iv)`): its iteration count is then not a password-storage question.
 */
function derivesCipherKey(source: SourceFile, call: Node): boolean {
  const { variable, fn } = derivedName(call);
  const keys = new Set<string>();
  if (variable) keys.add(variable);
  const calls = factsOf(source).calls;
  if (fn) {
    for (const other of calls) {
      if (other.written !== fn && !other.written.endsWith(`.${fn}`)) continue;
      const held = derivedName(other.node).variable;
      if (held) keys.add(held);
    }
  }
  if (keys.size === 0) return false;
  const named = (arg: Node): boolean =>
    keys.has(arg.text) || arg.descendantsOfType('identifier').some((id) => id !== null && keys.has(id.text));
  // `Fernet(base64.urlsafe_b64encode(key))`: the key may sit inside an encoding call.
  return calls.some((sink) => CIPHER_KEY_SINK.test(sink.callee) && sink.args.some(named));
}

function iterationsOf(source: SourceFile, node: Node | undefined): number | undefined {
  const value = literalValue(resolveValue(source, node));
  return typeof value === 'number' ? value : undefined;
}

export default defineCheck({
  id: 'weak-password-hashing',
  title: 'Weak password hashing',
  owasp: 'API2:2023',
  cwe: ['CWE-916', 'CWE-328', 'CWE-759'],
  severity: 'high',
  confidence: 'medium',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'MD5, SHA-1 and even salted SHA-256 are built to be fast: a GPU tries billions of guesses a second, so a leaked table of such hashes gives up most passwords within hours.',
  remediation:
    'Hash passwords with a slow, salted algorithm: Python `passlib.hash.argon2.hash(password)` / `bcrypt.hashpw(password, bcrypt.gensalt())` / Django `make_password(password)`; Node `await argon2.hash(password)` or `await bcrypt.hash(password, 12)`; Go `bcrypt.GenerateFromPassword([]byte(password), 12)` or `argon2.IDKey`; Spring Security `new BCryptPasswordEncoder(12)`, `Argon2PasswordEncoder.defaultsForSpringSecurity_v5_8()` or `PasswordEncoderFactories.createDelegatingPasswordEncoder()` instead of `MessageDigest`, `DigestUtils.md5Hex` or `NoOpPasswordEncoder`; ASP.NET Core Identity `PasswordHasher<TUser>` (PBKDF2, 100,000+ iterations) or `BCrypt.Net.BCrypt.HashPassword(password)` instead of `SHA256.HashData` / `MD5.Create().ComputeHash`; PHP `password_hash($password, PASSWORD_DEFAULT)` (or `PASSWORD_ARGON2ID`) with `password_verify()`, Laravel `Hash::make()`, Symfony `UserPasswordHasherInterface` with `algorithm: auto`, instead of `md5()`, `sha1()`, `hash(\'sha256\', …)` or `crypt()` with a DES/MD5 salt; with PBKDF2 use at least 600,000 iterations of SHA-256. Re-hash existing passwords at the next login.',
  messages: {
    fastHash: '`{{call}}` hashes a password with {{algorithm}}, a fast hash unfit for passwords.',
    iterations: '`{{call}}` derives a password hash with only {{iterations}} PBKDF2 iterations.',
    scheme: '`{{setting}}` makes {{algorithm}} the password hashing scheme.',
    encoder: '`{{call}}` stores passwords with {{algorithm}}, not a slow salted hash.',
    cost: '`{{setting}}` hashes passwords with {{algorithm}} at cost {{cost}}: every guess takes 2^{{cost}} rounds, under the minimum of 2^10.',
  },
  run(ctx, report) {
    // The frameworks' password hashing settings (Symfony's password_hashers, Django's PASSWORD_HASHERS and make_password), with this check's messages.
    for (const provider of passwordHashingProviders()) {
      for (const hit of provider.settings?.(ctx) ?? []) {
        const where = 'location' in hit ? { location: hit.location, evidence: { snippet: hit.snippet } } : at(ctx, hit.source, hit.node, hit.snippet);
        report({ messageId: hit.messageId as 'scheme' | 'iterations' | 'cost' | 'fastHash', ...(hit.data ? { data: hit.data } : {}), ...where });
      }
    }
    for (const source of ctx.sources) {
      if (source.language === 'csharp') {
        for (const hit of csharpWeakHashes(source, MIN_PBKDF2_ITERATIONS)) {
          if (hit.iterations !== undefined) report({ messageId: 'iterations', data: { call: hit.written, iterations: hit.iterations }, ...at(ctx, source, hit.node) });
          else report({ messageId: 'fastHash', data: { call: hit.written, algorithm: hit.algorithm ?? 'a fast digest' }, ...at(ctx, source, hit.node) });
        }
        continue;
      }
      if (source.language === 'java' || source.language === 'kotlin') {
        for (const hit of jvmWeakHashes(source)) {
          if (hit.kind === 'encoder') report({ messageId: 'encoder', data: { call: hit.written, algorithm: hit.algorithm }, ...jvmAt(ctx, source, hit.node) });
          else report({ messageId: 'fastHash', data: { call: hit.written, algorithm: hit.algorithm }, ...jvmAt(ctx, source, hit.node) });
        }
        continue;
      }
      if (source.language === 'php') {
        if (/(^|\/)(tests?|vendor)\//i.test(source.file)) continue;
        for (const hit of phpWeakHashes(source)) {
          const where = at(ctx, source, hit.node, lineSnippet(source, hit.node));
          if (hit.iterations !== undefined) report({ messageId: 'iterations', data: { call: hit.written, iterations: hit.iterations }, ...where });
          else report({ messageId: 'fastHash', data: { call: hit.written, algorithm: hit.algorithm }, ...where });
        }
        continue;
      }
      if (source.language === 'go') {
        if (source.file.endsWith('_test.go')) continue;
        for (const hit of goWeakHashes(source)) report({ messageId: 'fastHash', data: { call: hit.written, algorithm: hit.algorithm }, ...at(ctx, source, hit.call) });
        continue;
      }
      const py = isPython(source);
      for (const call of factsOf(source).calls) {
        const c = call.callee;
        if (py && PY_FAST.test(c)) {
          // `usedforsecurity=False` (Python 3.9+): the code itself declares a non-security digest
          // (a cache key, a session identity over the stored hash), never a password store.
          if (call.kwargs.get('usedforsecurity')?.text === 'False') continue;
          const data = [argument(call, 0, 'data') ?? argument(call, 0, 'string'), ...updates(source, call)];
          if (aboutPassword(call.node, data, source)) report({ messageId: 'fastHash', data: { call: call.written, algorithm: c.slice(8).toUpperCase() }, ...at(ctx, source, call.node) });
        } else if (py && c === 'hashlib.new') {
          const algorithm = stringValue(call.args[0]);
          if (algorithm && aboutPassword(call.node, [call.args[1], ...updates(source, call)], source)) {
            report({ messageId: 'fastHash', data: { call: call.written, algorithm: algorithm.toUpperCase() }, ...at(ctx, source, call.node) });
          }
        } else if (py && c === 'hashlib.pbkdf2_hmac') {
          const iterations = iterationsOf(source, argument(call, 3, 'iterations'));
          if (iterations !== undefined && iterations < MIN_PBKDF2_ITERATIONS && !derivesCipherKey(source, call.node)) {
            report({ messageId: 'iterations', data: { call: call.written, iterations }, ...at(ctx, source, call.node) });
          }
        } else if (py && /(^|\.)CryptContext$/.test(c)) {
          const first = stringValue(resolveValue(source, elementsOf(resolveValue(source, call.kwargs.get('schemes')))[0]));
          if (first && WEAK_SCHEMES.test(first)) report({ messageId: 'scheme', data: { setting: 'CryptContext(schemes=...)', algorithm: first }, ...at(ctx, source, call.node) });
        } else if (!py && /^(node:)?crypto\.createHash$/.test(c)) {
          const algorithm = stringValue(resolveValue(source, call.args[0]))?.toLowerCase();
          if (algorithm && /^(md4|md5|sha1|sha224|sha256|sha384|sha512|sha3-\d+|ripemd160)$/.test(algorithm) && aboutPassword(call.node, updates(source, call), source)) {
            report({ messageId: 'fastHash', data: { call: call.written, algorithm: algorithm.toUpperCase() }, ...at(ctx, source, call.node) });
          }
        } else if (!py && /^(node:)?crypto\.pbkdf2(Sync)?$/.test(c)) {
          const iterations = iterationsOf(source, call.args[2]);
          if (iterations !== undefined && iterations < MIN_PBKDF2_ITERATIONS && !derivesCipherKey(source, call.node)) {
            report({ messageId: 'iterations', data: { call: call.written, iterations }, ...at(ctx, source, call.node) });
          }
        } else if (!py && JS_LIBS.test(c) && aboutPassword(call.node, call.args, source)) {
          report({ messageId: 'fastHash', data: { call: call.written, algorithm: (/md5|sha\d+/i.exec(c)?.[0] ?? c).toUpperCase() }, ...at(ctx, source, call.node) });
        }
      }
    }
  },
});

