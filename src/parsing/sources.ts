import type { SourceFile } from '../engine/context.js';
import type { Diagnostic } from '../model/types.js';
import type { WorkspaceFile } from '../workspace/discover.js';
import { textOf, type TextReader, type TextReadResult } from '../workspace/read.js';
import type { SourceLanguage } from './languages.js';
import { parseSync, prepareLanguages, type Node, type Tree } from './parser.js';

/** Share of a file's bytes inside ERROR nodes from which its results are called incomplete. */
export const ERROR_COVERAGE_WARNING = 0.1;
const READ_AHEAD = 8;

export interface SyntaxErrorSummary {
  /** 1-based line of the first ERROR node (of the first MISSING node when there is none). */
  firstLine: number;
  /** Bytes inside outermost ERROR nodes / total bytes. */
  coverage: number;
}

/** Where a tree's syntax errors are and how much of the file they swallow; undefined for a clean tree. */
export function summariseSyntaxErrors(tree: Tree): SyntaxErrorSummary | undefined {
  const root = tree.rootNode;
  if (!root.hasError) return undefined;
  const total = Math.max(root.endIndex - root.startIndex, 1);
  let covered = 0;
  let firstError: number | undefined;
  let firstMissing: number | undefined;
  const cursor = tree.walk();
  try {
    let descend = true;
    for (;;) {
      const node: Node = cursor.currentNode;
      let enter = false;
      if (descend) {
        if (node.isError) {
          covered += node.endIndex - node.startIndex;
          firstError ??= node.startPosition.row + 1;
        } else if (node.isMissing) {
          firstMissing ??= node.startPosition.row + 1;
        } else {
          enter = node.hasError;
        }
      }
      if (enter && cursor.gotoFirstChild()) {
        descend = true;
        continue;
      }
      if (cursor.gotoNextSibling()) {
        descend = true;
        continue;
      }
      if (!cursor.gotoParent()) break;
      descend = false;
    }
  } finally {
    cursor.delete();
  }
  return { firstLine: firstError ?? firstMissing ?? root.startPosition.row + 1, coverage: covered / total };
}

/**
 * Parses every source file once. A tree with syntax errors is kept (tree-sitter recovers);
 * when errors cover much of the file, a warning says its results may be incomplete.
 */
export async function parseSources(
  files: readonly WorkspaceFile[],
  readText: TextReader,
): Promise<{ sources: SourceFile[]; diagnostics: Diagnostic[] }> {
  const targets = files.filter(
    (file): file is WorkspaceFile & { language: SourceLanguage } => file.kind === 'source' && file.language !== undefined,
  );
  const sources: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  if (targets.length === 0) return { sources, diagnostics };
  await prepareLanguages(targets.map((file) => file.language));

  // Reads run a few files ahead of the (synchronous) parser so disk and CPU overlap.
  const pending = new Map<number, Promise<TextReadResult>>();
  const schedule = (index: number): void => {
    const file = targets[index];
    if (file) pending.set(index, readText(file));
  };
  for (let index = 0; index < READ_AHEAD; index++) schedule(index);

  for (let index = 0; index < targets.length; index++) {
    const file = targets[index];
    const read = pending.get(index);
    if (!file || !read) continue;
    const result = await read;
    pending.delete(index);
    schedule(index + READ_AHEAD);
    const text = textOf(result, diagnostics);
    if (text === undefined) continue;
    let tree: Tree | undefined;
    try {
      tree = parseSync(file.language, text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      diagnostics.push({ level: 'warning', file: file.path, message: `cannot parse ${file.language} source: ${reason}`, source: 'parser' });
      continue;
    }
    if (!tree) {
      diagnostics.push({ level: 'warning', file: file.path, message: `the ${file.language} parser gave up on this file; skipped`, source: 'parser' });
      continue;
    }
    const errors = summariseSyntaxErrors(tree);
    if (errors && errors.coverage >= ERROR_COVERAGE_WARNING) {
      diagnostics.push({
        level: 'warning',
        file: file.path,
        line: errors.firstLine,
        message: `syntax error near line ${errors.firstLine}; results for this file may be incomplete`,
        source: 'parser',
      });
    }
    sources.push({ file: file.path, language: file.language, text: text, tree });
  }
  return { sources, diagnostics };
}

/** Releases the syntax trees (they live in WebAssembly memory, outside the garbage collector's reach). */
export function freeSources(sources: Iterable<SourceFile>): void {
  for (const source of sources) source.tree.delete();
}
