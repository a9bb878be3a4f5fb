import type { Node } from 'web-tree-sitter';
import { isCsTestFile, localValue } from '../../collectors/code/csharp/flow.js';
import { CsProject, enclosingClass, field, invocationParts, kids, typeName, walk, type CsFile } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';

export interface SigningSecret {
  /** The string literal holding the key, and its file. */
  literal: Node;
  literalSource: SourceFile;
  value: string;
  /** The constant it is read through, when it is one (`AuthorizationConstants.JWT_SECRET_KEY`). */
  constant?: string;
  /** `config["Jwt:Key"] ?? "…"`: the literal is only a fallback. */
  fallback?: string;
  /** Where the key is made (`new SymmetricSecurityKey(…)`). */
  call: Node;
  source: SourceFile;
}

const BYTES = /^(?:GetBytes|FromBase64String|FromHexString)$/;

function literalOf(project: CsProject, file: CsFile, node: Node | undefined, depth = 0): { literal: Node; literalSource: SourceFile; value: string; constant?: string; fallback?: string } | undefined {
  if (!node || depth > 5) return undefined;
  if (node.type === 'string_literal' || node.type === 'verbatim_string_literal' || node.type === 'raw_string_literal') {
    const value = project.stringValue(node);
    return value === undefined ? undefined : { literal: node, literalSource: file.source, value };
  }
  if (node.type === 'parenthesized_expression' || node.type === 'argument') return literalOf(project, file, kids(node)[0], depth + 1);
  if (node.type === 'binary_expression' && node.children.some((child) => child?.type === '??')) {
    const right = literalOf(project, file, field(node, 'right'), depth + 1);
    return right ? { ...right, fallback: field(node, 'left')?.text ?? '' } : undefined;
  }
  const parts = invocationParts(node);
  if (parts && BYTES.test(parts.name)) return literalOf(project, file, parts.args[0], depth + 1);
  if (node.type === 'identifier') {
    const local = localValue(node.text, node);
    if (local) return literalOf(project, file, local, depth + 1);
    const cls = enclosingClass(project, file, node);
    const constant = cls?.constants.get(node.text);
    const found = constant ? literalOf(project, file, constant, depth + 1) : undefined;
    return found ? { ...found, constant: node.text } : undefined;
  }
  if (node.type === 'member_access_expression') {
    const owner = field(node, 'expression');
    const name = field(node, 'name')?.text;
    const target = owner && name ? project.classOf(owner.text, file) : undefined;
    const constant = target && name ? target.constants.get(name) : undefined;
    const found = constant && target ? literalOf(project, target.file, constant, depth + 1) : undefined;
    return found ? { ...found, constant: node.text } : undefined;
  }
  return undefined;
}

/** Keys of `new SymmetricSecurityKey(…)` whose bytes come from a string written in the code. */
export function csharpSecrets(sources: readonly SourceFile[]): SigningSecret[] {
  const csharp = sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file));
  if (!csharp.some((source) => source.text.includes('SymmetricSecurityKey'))) return [];
  const project = new CsProject(csharp);
  const out: SigningSecret[] = [];
  for (const file of project.files) {
    if (!file.source.text.includes('SymmetricSecurityKey')) continue;
    walk(file.source.tree.rootNode, (node) => {
      if (node.type !== 'object_creation_expression' || typeName(field(node, 'type')?.text ?? '') !== 'SymmetricSecurityKey') return true;
      const arg = kids(field(node, 'arguments') ?? node).find((child) => child.type === 'argument');
      const found = literalOf(project, file, arg);
      if (found && found.value !== '') out.push({ ...found, call: node, source: file.source });
      return true;
    });
  }
  return out;
}
