import type { SourceLanguage } from './languages.js';

/** Brackets and (Python) indented blocks open at once; real code stays far below. */
export const MAX_NESTING = 256;
/** Member accesses and operators chained in one statement (`a.b.c…`, `x + x + …`): each is one tree level. */
export const MAX_CHAIN = 1000;

export interface ExcessiveNesting {
  kind: 'nesting' | 'chain';
  line: number;
}

const OPERATOR_CODES = new Uint8Array(128);
for (const char of '.+-*/%&|^?:<>=!') OPERATOR_CODES[char.charCodeAt(0)] = 1;
const OPERATORS = { has: (code: number): boolean => code < 128 && OPERATOR_CODES[code] === 1 };
const NEWLINE = 10;

/**
 * Where a source text first nests deeper than the syntax-tree walkers can follow (brackets,
 * blocks, Python indentation, operator and member chains), found by one linear scan of the text
 * that skips strings and comments; undefined for ordinary code. Such a file (generated or
 * hostile) is reported and left out instead of exhausting the stack of every analysis.
 */
export function excessiveNesting(text: string, language: SourceLanguage): ExcessiveNesting | undefined {
  const python = language === 'python';
  const hashComments = python || language === 'ruby' || language === 'php';
  const slashComments = !python && language !== 'ruby';
  const indents: number[] = [0];
  let depth = 0;
  let chain = 0;
  let line = 1;
  let lineStart = true;
  let indent = 0;
  let last = 0;
  // A JS statement may go on across lines (`promise\n  .then(…)`): decided at the next line's first character.
  let endedLine = false;
  const length = text.length;
  for (let i = 0; i < length; i++) {
    const c = text.charCodeAt(i);
    if (c === NEWLINE) {
      line++;
      lineStart = true;
      indent = 0;
      if (depth === 0) {
        if (python) chain = 0;
        else endedLine = !OPERATORS.has(last);
      }
      continue;
    }
    if (lineStart) {
      if (c === 32 || c === 9 || c === 13) {
        indent++;
        continue;
      }
      lineStart = false;
      if (endedLine && !OPERATORS.has(c)) chain = 0;
      endedLine = false;
      if (python && depth === 0 && c !== 35) {
        while (indents.length > 1 && (indents[indents.length - 1] ?? 0) > indent) indents.pop();
        if (indent > (indents[indents.length - 1] ?? 0)) {
          indents.push(indent);
          if (indents.length - 1 > MAX_NESTING) return { kind: 'nesting', line };
        }
      }
    }
    if (c === 34 || c === 39 || (c === 96 && !python)) {
      const quote = text.charAt(i);
      if (python && text.startsWith(quote.repeat(3), i)) {
        const end = text.indexOf(quote.repeat(3), i + 3);
        const stop = end === -1 ? length : end + 3;
        line += countNewlines(text, i, stop);
        i = stop - 1;
        continue;
      }
      let j = i + 1;
      for (; j < length; j++) {
        const d = text.charCodeAt(j);
        if (d === 92) j++;
        else if (d === c) break;
        else if (d === NEWLINE && c !== 96) break;
      }
      line += countNewlines(text, i + 1, Math.min(j, length));
      if (text.charCodeAt(j) === NEWLINE) j--;
      i = j;
      last = c;
      continue;
    }
    if ((c === 35 && hashComments) || (c === 47 && slashComments && text.charCodeAt(i + 1) === 47)) {
      const end = text.indexOf('\n', i);
      i = (end === -1 ? length : end) - 1;
      continue;
    }
    if (c === 47 && slashComments && text.charCodeAt(i + 1) === 42) {
      const end = text.indexOf('*/', i + 2);
      const stop = end === -1 ? length : end + 2;
      line += countNewlines(text, i, stop);
      i = stop - 1;
      continue;
    }
    if (c === 40 || c === 91 || c === 123) {
      depth++;
      if (depth + indents.length - 1 > MAX_NESTING) return { kind: 'nesting', line };
      if (c === 123 && !python) chain = 0;
    } else if (c === 41 || c === 93 || c === 125) {
      if (depth > 0) depth--;
      if (c === 125 && !python) chain = 0;
    } else if (c === 59 || c === 44) {
      // `;` ends a statement; `,` separates list items, arguments and entries (width, not depth).
      chain = 0;
    } else if (OPERATORS.has(c) && !OPERATORS.has(last)) {
      if (++chain > MAX_CHAIN) return { kind: 'chain', line };
    }
    if (c !== 32 && c !== 9 && c !== 13) last = c;
  }
  return undefined;
}

/** Newlines in `text[from, to)`; looks no further than `to`, so the scan stays linear on one-line files. */
function countNewlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === NEWLINE) count++;
  return count;
}
