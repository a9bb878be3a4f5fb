/**
 * Java and Kotlin password hashing with fast digests: `MessageDigest.getInstance("MD5" | "SHA-1" |
 * "SHA-256" …)` fed a password (`digest(password.getBytes())` or `update(…)` on the same digest),
 * commons-codec `DigestUtils.md5Hex|sha1Hex|sha256Hex(password)`, Guava
 * `Hashing.md5()|sha256().hashString(password, …)`, and the frameworks' encoders and digests (the plugins'
 * `passwordHashing.jvmEncoders`: Spring Security's password encoders that are fast or plain by type,
 * `NoOpPasswordEncoder`, `MessageDigestPasswordEncoder`, `StandardPasswordEncoder`, `Md4PasswordEncoder`,
 * `LdapShaPasswordEncoder`; Spring's `DigestUtils.md5DigestAsHex`).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { descendants, field, named } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { enclosingMethod, localValue } from '../../collectors/code/jvm/trace.js';
import { passwordHashingProviders } from '../../collectors/code/plugins.js';

export interface JvmWeakHash {
  node: Node;
  written: string;
  algorithm: string;
  kind: 'fastHash' | 'encoder';
}

const PASSWORD = /pass_?word|passwd|passphrase|(^|[^a-z])pwd|Password|Pwd/;
const NOT_PASSWORD = /token|nonce|email|api_?key|otp|file|content|body|payload|url|salt\b/i;
const DIGESTS: Record<string, string> = { MD5: 'MD5', MD2: 'MD2', 'SHA-1': 'SHA-1', SHA1: 'SHA-1', SHA: 'SHA-1', 'SHA-224': 'SHA-224', 'SHA-256': 'SHA-256', SHA256: 'SHA-256', 'SHA-384': 'SHA-384', 'SHA-512': 'SHA-512', SHA512: 'SHA-512' };
const CODEC = ['md5Hex', 'md5', 'sha1Hex', 'sha1', 'sha256Hex', 'sha256', 'sha384Hex', 'sha512Hex', 'sha512', 'shaHex', 'md2Hex'];
const GUAVA = /^(md5|sha1|sha256|sha384|sha512)$/;

interface Encoders {
  files: RegExp;
  weak: Record<string, string>;
  instances: { type: string; method: string; receiver: RegExp }[];
  legacy: Set<string>;
  clients: RegExp | undefined;
  digests: Set<string>;
}

let encoders: Encoders | undefined;

/** The frameworks' weak encoders and digests (the plugins' `passwordHashing.jvmEncoders`), joined with the digest libraries' own names. */
function frameworkEncoders(): Encoders {
  if (encoders) return encoders;
  const sections = passwordHashingProviders().flatMap((provider) => (provider.jvmEncoders ? [provider.jvmEncoders] : []));
  const clients = sections.flatMap((section) => section.clientConfigurers ?? []);
  encoders = {
    files: new RegExp(['MessageDigest', 'DigestUtils', String.raw`Hashing\.`, ...sections.flatMap((section) => section.mentions)].join('|')),
    weak: Object.assign({}, ...sections.map((section) => section.weak)) as Record<string, string>,
    instances: sections.flatMap((section) => Object.entries(section.instances ?? {}).map(([type, method]) => ({ type, method, receiver: new RegExp(`(^|\\.)${type}$`) }))),
    legacy: new Set(sections.flatMap((section) => section.legacyRegistrations ?? [])),
    clients: clients.length > 0 ? new RegExp(`\\b(${clients.join('|')})\\b`) : undefined,
    digests: new Set([...CODEC, ...sections.flatMap((section) => section.digests ?? [])]),
  };
  return encoders;
}

const CALLS: ReadonlySet<string> = new Set(['method_invocation', 'call_expression', 'object_creation_expression']);

/**
 * The encoder an OAuth2 authorization server checks its clients' secrets with
 * (`configure(AuthorizationServerSecurityConfigurer oauthServer)`): machine credentials configured
 * in memory, not a table of user passwords.
 */
function clientSecrets(node: Node, clients: RegExp | undefined): boolean {
  const method = enclosingMethod(node);
  return clients !== undefined && clients.test(field(method, 'parameters')?.text ?? '');
}

function aboutPassword(data: readonly Node[]): boolean {
  return data.some((node) => PASSWORD.test(node.text) && !NOT_PASSWORD.test(node.text));
}

function algorithmOf(node: Node | undefined): string | undefined {
  const text = node?.text.replace(/^"|"$/g, '').toUpperCase() ?? '';
  return DIGESTS[text] ?? (/MessageDigestAlgorithms\.(MD5|SHA_1|SHA_256|SHA_512)/i.exec(node?.text ?? '') ? (node?.text.split('.').at(-1) ?? '').replace('_', '-') : undefined);
}

/** The variable a `MessageDigest.getInstance(…)` result is stored in. */
function holder(call: Node): string | undefined {
  const parent = call.parent;
  if (parent?.type === 'variable_declarator') return field(parent, 'name')?.text;
  if (parent?.type === 'assignment_expression') return field(parent, 'left')?.text;
  if (parent?.type === 'property_declaration') return named(named(parent).find((child) => child.type === 'variable_declaration')).find((child) => child.type === 'simple_identifier')?.text;
  return undefined;
}

export function jvmWeakHashes(source: SourceFile): JvmWeakHash[] {
  if ((source.language !== 'java' && source.language !== 'kotlin') || /(^|\/)src\/test\//.test(source.file)) return [];
  const { files, weak: weakEncoders, instances, legacy: registrations, clients, digests } = frameworkEncoders();
  if (!files.test(source.text)) return [];
  const out: JvmWeakHash[] = [];
  for (const node of descendants(source.tree.rootNode, CALLS)) {
    if (node.type === 'object_creation_expression') {
      const type = field(node, 'type')?.text.split('.').at(-1) ?? '';
      const weak = weakEncoders[type];
      // `encoders.put("MD5", new MessageDigestPasswordEncoder("MD5"))`: a legacy id a DelegatingPasswordEncoder still verifies, not the one it stores with.
      const legacy = node.parent?.type === 'argument_list' && node.parent.parent?.type === 'method_invocation' && registrations.has(field(node.parent.parent, 'name')?.text ?? '');
      if (weak && !legacy && !clientSecrets(node, clients)) out.push({ node, written: `new ${type}`, algorithm: weak, kind: 'encoder' });
      continue;
    }
    const call = asCall(node);
    if (!call) continue;
    const receiver = call.receiver?.text ?? '';
    const instance = instances.find((candidate) => call.name === candidate.method && candidate.receiver.test(receiver));
    if (instance) {
      if (clientSecrets(node, clients)) continue;
      out.push({ node, written: `${instance.type}.${instance.method}()`, algorithm: weakEncoders[instance.type] ?? '', kind: 'encoder' });
      continue;
    }
    if (call.name === 'getInstance' && /(^|\.)MessageDigest$/.test(receiver)) {
      const algorithm = algorithmOf(call.args[0]) ?? (call.args[0]?.type === 'identifier' ? algorithmOf(localValue(call.args[0].text, call.args[0])) : undefined);
      const name = holder(node);
      const method = enclosingMethod(node) ?? node.parent;
      if (!algorithm || !method) continue;
      // `md.digest(password.getBytes())`, `md.update(password.getBytes())`, or a chained `.digest(…)`.
      const data: Node[] = [];
      const outer = node.parent?.type === 'method_invocation' || node.parent?.type === 'navigation_expression' ? asCall(node.parent.type === 'method_invocation' ? node.parent : (node.parent.parent ?? undefined)) : undefined;
      if (outer && /^(digest|update)$/.test(outer.name)) data.push(...outer.args);
      if (name) {
        for (const use of descendants(method, CALLS)) {
          const inner = asCall(use);
          if (inner && /^(digest|update)$/.test(inner.name) && inner.receiver?.text === name) data.push(...inner.args);
        }
      }
      if (aboutPassword(data)) out.push({ node, written: node.text.replace(/\s+/g, ''), algorithm, kind: 'fastHash' });
      continue;
    }
    if (digests.has(call.name) && /(^|\.)DigestUtils$/.test(receiver) && aboutPassword(call.args)) {
      out.push({ node, written: `DigestUtils.${call.name}`, algorithm: call.name.replace(/Hex$|DigestAsHex$|Digest$/, '').toUpperCase(), kind: 'fastHash' });
      continue;
    }
    if (/^(hashString|hashBytes|hashUnencodedChars)$/.test(call.name) && call.receiver && aboutPassword(call.args)) {
      const inner = asCall(call.receiver);
      if (inner && GUAVA.test(inner.name) && /(^|\.)Hashing$/.test(inner.receiver?.text ?? '')) out.push({ node, written: `Hashing.${inner.name}().${call.name}`, algorithm: inner.name.toUpperCase(), kind: 'fastHash' });
    }
  }
  return out;
}
