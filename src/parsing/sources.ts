import type { SourceFile } from '../engine/context.js';
import type { Diagnostic } from '../model/types.js';
import type { WorkspaceFile } from '../workspace/discover.js';
import { textOf, type TextReader, type TextReadResult } from '../workspace/read.js';
import type { SourceLanguage } from './languages.js';
import type { FileBudget } from './budget.js';
import { MAX_CHAIN, MAX_NESTING, excessiveNesting } from './nesting.js';
import { parseSync, prepareLanguages, type Node, type Tree } from './parser.js';

/** Share of a file's bytes inside ERROR nodes from which its results are called incomplete. */
export const ERROR_COVERAGE_WARNING = 0.1;
const READ_AHEAD = 8;

export interface SyntaxErrorSummary {
  /** 1-based line of the first token the parser could not place (or of the first MISSING node). */
  firstLine: number;
  /** Share of the file's bytes inside ERROR nodes that no well-formed subtree accounts for. */
  coverage: number;
}

/**
 * Where a tree's syntax errors are and how much of the file they swallow; undefined for a clean tree.
 * tree-sitter often wraps a broken file in one ERROR node that still holds complete statements
 * (queries match those as usual), so only the loose tokens inside ERROR nodes count as lost,
 * and the reported line is the first loose token rather than the ERROR node's start.
 */
export function summariseSyntaxErrors(tree: Tree): SyntaxErrorSummary | undefined {
  const root = tree.rootNode;
  if (!root.hasError) return undefined;
  const total = Math.max(root.endIndex - root.startIndex, 1);
  let lost = 0;
  let firstLine: number | undefined;
  let firstErrorLine: number | undefined;
  // Explicit stack: error paths can be thousands of nodes deep in generated code.
  const stack: { node: Node; loose: boolean }[] = [{ node: root, loose: false }];
  for (let entry = stack.pop(); entry; entry = stack.pop()) {
    const { node, loose } = entry;
    if (node.isMissing || loose) {
      firstLine ??= node.startPosition.row + 1;
      continue;
    }
    const children = node.children;
    if (node.isError) {
      firstErrorLine ??= node.startPosition.row + 1;
      let accounted = 0;
      for (const child of children) {
        if (child && (child.childCount > 0 || child.isError)) accounted += child.endIndex - child.startIndex;
      }
      lost += node.endIndex - node.startIndex - accounted;
      if (children.length === 0) firstLine ??= node.startPosition.row + 1;
    }
    for (let index = children.length - 1; index >= 0; index--) {
      const child = children[index];
      if (!child) continue;
      if (child.isError || child.isMissing || (child.childCount > 0 && child.hasError)) stack.push({ node: child, loose: false });
      else if (node.isError && child.childCount === 0) stack.push({ node: child, loose: true });
    }
  }
  return { firstLine: firstLine ?? firstErrorLine ?? root.startPosition.row + 1, coverage: lost / total };
}

/**
 * Parses every source file once. A tree with syntax errors is kept (tree-sitter recovers);
 * when errors cover much of the file, a warning says its results may be incomplete.
 */
export async function parseSources(
  files: readonly WorkspaceFile[],
  readText: TextReader,
  budget?: FileBudget,
): Promise<{ sources: SourceFile[]; diagnostics: Diagnostic[] }> {
  const targets = files.filter(
    (file): file is WorkspaceFile & { language: SourceLanguage } => file.kind === 'source' && file.language !== undefined,
  );
  const sources: SourceFile[] = [];
  const diagnostics: Diagnostic[] = [];
  if (targets.length === 0) return { sources, diagnostics };
  // One grammar at a time: loading typescript and tsx concurrently fails in web-tree-sitter 0.25
  // ("bad export type for 'tree_sitter_typescript_external_scanner_create'").
  for (const language of new Set(targets.map((file) => file.language))) await prepareLanguages([language]);

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
    const deep = excessiveNesting(text, file.language);
    if (deep) {
      const what = deep.kind === 'nesting' ? `nests more than ${MAX_NESTING} levels deep` : `chains more than ${MAX_CHAIN} operators in one statement`;
      diagnostics.push({ level: 'warning', file: file.path, line: deep.line, message: `the code ${what} at line ${deep.line}; the file is not analysed (its routes and findings are missing)`, source: 'parser' });
      continue;
    }
    let tree: Tree | undefined;
    const started = performance.now();
    try {
      tree = parseSync(file.language, text, budget?.limitMs);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      diagnostics.push({ level: 'warning', file: file.path, message: `cannot parse ${file.language} source: ${reason}`, source: 'parser' });
      continue;
    }
    if (!tree) {
      const over = budget !== undefined && performance.now() - started >= budget.limitMs;
      const message = over
        ? `parsing this ${file.language} file took longer than the per-file budget of ${seconds(budget.limitMs)}; skipped`
        : `the ${file.language} parser gave up on this file; skipped`;
      diagnostics.push({ level: 'warning', file: file.path, message, source: over ? 'budget' : 'parser' });
      continue;
    }
    budget?.register(tree, file.path, performance.now() - started);
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

export function seconds(ms: number): string {
  return ms >= 10_000 ? `${Math.round(ms / 1000)} s` : `${(ms / 1000).toFixed(1)} s`;
}

/** Releases the syntax trees (they live in WebAssembly memory, outside the garbage collector's reach). */
export function freeSources(sources: Iterable<SourceFile>): void {
  for (const source of sources) source.tree.delete();
}
