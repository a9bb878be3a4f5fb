import type { SourceFile } from './context.js';

export const MARKER = 'apisec-ignore';

/** One `apisec-ignore CHECK-ID[, CHECK-ID…]: reason` comment. */
export interface InlineSuppression {
  file: string;
  /** The comment's line (1-based): it covers this line and the next. */
  line: number;
  checkIds: string[];
  /** Empty when the comment gives none: such a comment suppresses nothing. */
  reason: string;
}

/** Files whose comments start with `#` (and that are not parsed into a syntax tree). */
const HASH_COMMENTS = /(?:\.ya?ml|\.graphqls?|\.gql|\.toml|\.conf|\.cfg|\.ini|\.tf|\.sh|\.env|\.py|\.rb|(?:^|\/)Dockerfile[^/]*|(?:^|\/)\.env[^/]*)$/i;
/** Files whose comments are `//` and `/* *\/` (protobuf, when no tree is at hand). */
const SLASH_COMMENTS = /\.(?:proto|[cm]?[jt]sx?)$/i;

const DIRECTIVE = /apisec-ignore(?![\w-])[ \t]*([A-Za-z0-9_.-]+(?:[ \t]*,[ \t]*[A-Za-z0-9_.-]+)*)?[ \t]*(?::(.*))?/;

/** The directive in one comment's text, if any. */
export function parseDirective(comment: string): { checkIds: string[]; reason: string } | undefined {
  const match = DIRECTIVE.exec(comment);
  if (!match) return undefined;
  const checkIds = (match[1] ?? '')
    .split(',')
    .map((id) => id.trim())
    .filter((id) => id !== '');
  const reason = (match[2] ?? '')
    .replace(/\*\/.*$/, '')
    .replace(/-->.*$/, '')
    .trim();
  return { checkIds, reason };
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let index = text.indexOf('\n'); index >= 0; index = text.indexOf('\n', index + 1)) starts.push(index + 1);
  return starts;
}

function lineOfOffset(starts: readonly number[], offset: number): number {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const mid = (low + high + 1) >> 1;
    if ((starts[mid] ?? 0) <= offset) low = mid;
    else high = mid - 1;
  }
  return low + 1;
}

/** Where each occurrence of the marker stands: line, and the character offset in its line. */
function occurrences(text: string): { line: number; column: number; offset: number }[] {
  const starts = lineStarts(text);
  const out: { line: number; column: number; offset: number }[] = [];
  for (let offset = text.indexOf(MARKER); offset >= 0; offset = text.indexOf(MARKER, offset + MARKER.length)) {
    const line = lineOfOffset(starts, offset);
    out.push({ line, column: offset - (starts[line - 1] ?? 0), offset });
  }
  return out;
}

/** Where a `#` comment starts on a line (at the start or after a space, outside quotes), or -1. */
function hashCommentStart(lineText: string): number {
  let quote = '';
  for (let index = 0; index < lineText.length; index++) {
    const char = lineText.charAt(index);
    if (quote !== '') {
      if (char === '\\' && quote === '"') index++;
      else if (char === quote) quote = '';
    } else if ((char === '"' || char === "'") && (index === 0 || /[\s[{,:(=]/.test(lineText.charAt(index - 1)))) {
      // A quote opens a string only where a value starts: the apostrophe in `it's` does not.
      quote = char;
    } else if (char === '#' && (index === 0 || /\s/.test(lineText.charAt(index - 1)))) {
      return index;
    }
  }
  return -1;
}

/** Where a `//` or `/*` comment starts on a line, outside quotes (for files without a syntax tree), or -1. */
function slashCommentStart(lineText: string): number {
  let quote = '';
  for (let index = 0; index < lineText.length; index++) {
    const char = lineText.charAt(index);
    if (quote !== '') {
      if (char === '\\') index++;
      else if (char === quote) quote = '';
    } else if (char === '"' || char === "'" || char === '`') {
      quote = char;
    } else if (char === '/' && (lineText.charAt(index + 1) === '/' || lineText.charAt(index + 1) === '*')) {
      return index;
    }
  }
  return -1;
}

/** A line holds one directive; markers beyond the first few on one line are not looked at (hostile input stays linear). */
const MARKERS_PER_LINE = 4;

/**
 * The suppression comments of one file. A parsed source file answers from its syntax tree (only a
 * comment node counts, never a string that mentions the marker); other files by their comment
 * syntax; a file format without comments (JSON) has none.
 */
export function suppressionsIn(file: string, text: string, source?: SourceFile): InlineSuppression[] {
  if (!text.includes(MARKER)) return [];
  const commentStart = source !== undefined ? undefined : HASH_COMMENTS.test(file) ? hashCommentStart : SLASH_COMMENTS.test(file) ? slashCommentStart : undefined;
  if (source === undefined && commentStart === undefined) return [];
  const lines = text.split('\n');
  const starts = new Map<number, number>();
  const seen = new Map<number, number>();
  const done = new Set<number>();
  const out: InlineSuppression[] = [];
  for (const { line, column } of occurrences(text)) {
    const tries = (seen.get(line) ?? 0) + 1;
    seen.set(line, tries);
    if (done.has(line) || tries > MARKERS_PER_LINE) continue;
    const lineText = lines[line - 1] ?? '';
    let inComment = false;
    if (source !== undefined) {
      // web-tree-sitter counts columns in UTF-16 code units, like JavaScript strings.
      const node = source.tree.rootNode.descendantForPosition({ row: line - 1, column });
      inComment = node !== null && node.type.includes('comment');
    } else if (commentStart !== undefined) {
      let start = starts.get(line);
      if (start === undefined) {
        start = commentStart(lineText);
        starts.set(line, start);
      }
      inComment = start >= 0 && start < column;
    }
    if (!inComment) continue;
    done.add(line);
    const directive = parseDirective(lineText.slice(column));
    if (directive) out.push({ file, line, ...directive });
  }
  return out;
}

/** Every suppression comment in the texts the audit read; parsed sources answer from their trees. */
export function collectInlineSuppressions(texts: ReadonlyMap<string, string>, sources: readonly SourceFile[]): InlineSuppression[] {
  const byFile = new Map(sources.map((source) => [source.file, source]));
  const out: InlineSuppression[] = [];
  for (const [file, text] of texts) out.push(...suppressionsIn(file, text, byFile.get(file)));
  return out.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line));
}
