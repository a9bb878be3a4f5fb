import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, named, walk } from '../../collectors/code/go/ast.js';
import { importsOf } from '../../collectors/code/go/program.js';

const FAST: Record<string, Record<string, string>> = {
  'crypto/md5': { Sum: 'MD5', New: 'MD5' },
  'crypto/sha1': { Sum: 'SHA-1', New: 'SHA-1' },
  'crypto/sha256': { Sum256: 'SHA-256', Sum224: 'SHA-224', New: 'SHA-256', New224: 'SHA-224' },
  'crypto/sha512': { Sum512: 'SHA-512', Sum384: 'SHA-384', New: 'SHA-512', New384: 'SHA-384' },
};
const PASSWORD = /pass_?word|passwd|passphrase|(^|[^a-z])pwd|Password|Pwd/;
const NOT_PASSWORD = /token|nonce|email|api_?key|otp|file|content|body|payload|url/i;

export interface GoWeakHash {
  call: Node;
  written: string;
  algorithm: string;
}

/** What a `sha256.New()` hasher is fed: the arguments of `h.Write(…)` / `io.WriteString(h, …)` in the same function. */
function writesTo(fn: Node, name: string): Node[] {
  const out: Node[] = [];
  walk(fn, (node) => {
    if (node.type !== 'call_expression') return true;
    const callee = field(node, 'function')?.text ?? '';
    const args = callArgs(node);
    if (callee === `${name}.Write` || callee === `${name}.WriteString`) out.push(...args);
    if (callee === 'io.WriteString' && args[0]?.text === name && args[1]) out.push(args[1]);
    return true;
  });
  return out;
}

function aboutPassword(data: readonly Node[]): boolean {
  return data.some((node) => PASSWORD.test(node.text) && !NOT_PASSWORD.test(node.text));
}

/** Fast digests of a password (`sha256.Sum256([]byte(password))`, `md5.New()` fed the password). */
export function goWeakHashes(source: SourceFile): GoWeakHash[] {
  if (!/crypto\/(md5|sha1|sha256|sha512)/.test(source.text)) return [];
  const imports = importsOf(source.tree.rootNode);
  const out: GoWeakHash[] = [];
  for (const fn of named(source.tree.rootNode)) {
    if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
    walk(
      fn,
      (node) => {
        if (node.type !== 'call_expression') return true;
        const callee = field(node, 'function');
        if (callee?.type !== 'selector_expression') return true;
        const path = imports.get(field(callee, 'operand')?.text ?? '') ?? '';
        const algorithm = FAST[path]?.[field(callee, 'field')?.text ?? ''];
        if (!algorithm) return true;
        let data = callArgs(node);
        if (data.length === 0) {
          // `h := sha256.New()`: what is written into h.
          const holder = node.parent?.parent;
          const target = holder?.type === 'short_var_declaration' || holder?.type === 'assignment_statement' ? field(holder, 'left') : undefined;
          const name = target ? named(target)[0]?.text : undefined;
          data = name ? writesTo(fn, name) : [];
        }
        if (aboutPassword(data)) out.push({ call: node, written: callee.text, algorithm });
        return true;
      },
      true,
    );
  }
  return out;
}
