import type { Node } from 'web-tree-sitter';
import { isCsTestFile, localValue } from '../../collectors/code/csharp/flow.js';
import { field, invocationParts, kids, typeName, walk } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';

/** System.Security.Cryptography's fast digests, by type (`MD5`, `SHA256Managed`, `SHA1CryptoServiceProvider` …). */
const FAST = /^(MD5|SHA1|SHA256|SHA384|SHA512)(?:Managed|CryptoServiceProvider|Cng)?$/;
const NAMES: Record<string, string> = { MD5: 'MD5', SHA1: 'SHA-1', SHA256: 'SHA-256', SHA384: 'SHA-384', SHA512: 'SHA-512' };
const PASSWORD = /pass_?word|passwd|passphrase|(^|[^a-z])pwd|Password|Pwd/;
const NOT_PASSWORD = /token|nonce|email|api_?key|apikey|otp|file|content|body|payload|url|salt\b/i;

export interface CsWeakHash {
  node: Node;
  written: string;
  algorithm?: string;
  iterations?: number;
}

/** The algorithm an expression creates: `SHA256.Create()`, `new SHA1Managed()`, `MD5.Create()`, `HashAlgorithm.Create("SHA256")`. */
function algorithmOf(node: Node | undefined, depth = 0): string | undefined {
  if (!node || depth > 3) return undefined;
  if (node.type === 'object_creation_expression') return FAST.exec(typeName(field(node, 'type')?.text ?? ''))?.[1];
  if (node.type === 'identifier') return algorithmOf(localValue(node.text, node), depth + 1);
  if (node.type === 'parenthesized_expression') return algorithmOf(kids(node)[0], depth + 1);
  const parts = invocationParts(node);
  if (parts?.name !== 'Create' || !parts.receiver) return undefined;
  const type = FAST.exec(typeName(parts.receiver.text))?.[1];
  if (type) return type;
  const named = parts.args[0]?.text.replace(/^"|"$/g, '').replace(/-/g, '').toUpperCase();
  return /^(HashAlgorithm|IncrementalHash)$/.test(parts.receiver.text) && named ? FAST.exec(named)?.[1] : undefined;
}

/** The data hashed, followed through `Encoding.UTF8.GetBytes(…)`, string building and one local. */
function aboutPassword(node: Node | undefined, depth = 0): boolean {
  if (!node || depth > 4) return false;
  if (node.type === 'identifier') {
    if (PASSWORD.test(node.text)) return !NOT_PASSWORD.test(node.text);
    return aboutPassword(localValue(node.text, node), depth + 1);
  }
  if (node.type === 'member_access_expression') return PASSWORD.test(field(node, 'name')?.text ?? '') && !NOT_PASSWORD.test(node.text);
  let found = false;
  for (const child of kids(node)) {
    if (child.type === 'argument_list' || child.type === 'argument' || child.type === 'interpolation' || child.type === 'binary_expression' || child.type === 'identifier' || child.type === 'member_access_expression' || child.type === 'invocation_expression') {
      if (aboutPassword(child, depth + 1)) found = true;
    }
  }
  return found;
}

function integer(node: Node | undefined): number | undefined {
  if (!node) return undefined;
  const value = node.type === 'identifier' ? localValue(node.text, node) : node;
  return value?.type === 'integer_literal' ? Number(value.text.replace(/_/g, '')) : undefined;
}

/** Fast digests of a password and PBKDF2 with few iterations (`Rfc2898DeriveBytes`, `KeyDerivation.Pbkdf2`). */
export function csharpWeakHashes(source: SourceFile, minIterations: number): CsWeakHash[] {
  if (source.language !== 'csharp' || isCsTestFile(source.file) || !/MD5|SHA\d|Rfc2898DeriveBytes|Pbkdf2/.test(source.text)) return [];
  const out: CsWeakHash[] = [];
  walk(source.tree.rootNode, (node) => {
    const parts = invocationParts(node);
    if (parts && (parts.name === 'ComputeHash' || parts.name === 'HashData') && parts.receiver) {
      const algorithm = parts.name === 'HashData' ? FAST.exec(typeName(parts.receiver.text))?.[1] : algorithmOf(parts.receiver);
      if (algorithm && aboutPassword(parts.args[0])) out.push({ node, written: `${parts.receiver.text.replace(/\s+/g, ' ')}.${parts.name}`, algorithm: NAMES[algorithm] ?? algorithm });
      return true;
    }
    if (parts?.name === 'Pbkdf2' && /KeyDerivation$/.test(parts.receiver?.text ?? '')) {
      const argList = kids(field(node, 'arguments') ?? node).filter((child) => child.type === 'argument');
      const named = argList.find((arg) => kids(arg).some((part) => part.type === 'name_colon' && /iterationCount/.test(part.text)));
      const iterations = integer(named ? kids(named).pop() : parts.args[3]);
      if (iterations !== undefined && iterations < minIterations) out.push({ node, written: 'KeyDerivation.Pbkdf2', iterations });
      return true;
    }
    if (node.type === 'object_creation_expression' && typeName(field(node, 'type')?.text ?? '') === 'Rfc2898DeriveBytes') {
      const args = kids(field(node, 'arguments') ?? node).filter((child) => child.type === 'argument').map((arg) => kids(arg).pop());
      const iterations = integer(args[2]);
      if (iterations !== undefined && iterations < minIterations && aboutPassword(args[0]) && !derivesKey(node)) out.push({ node, written: 'new Rfc2898DeriveBytes', iterations });
    }
    return true;
  });
  return out;
}

/** `aes.Key = pbkdf2.GetBytes(32)`: a cipher key derived from a passphrase, not a stored password hash. */
function derivesKey(creation: Node): boolean {
  let fn: Node | null = creation.parent;
  while (fn && !['method_declaration', 'local_function_statement', 'lambda_expression'].includes(fn.type)) fn = fn.parent;
  return fn !== null && /\.(Key|IV)\s*=|CreateEncryptor|CreateDecryptor/.test(fn.text);
}
