import { load } from 'js-yaml';
import { indexJson, lineStarts, offsetAt, parseYaml, positionOf, type LineIndex } from './line-index.js';

/** One parsed JSON or YAML file: its value and, on demand, source positions of its nodes. */
export interface ParsedSource {
  file: string;
  value: unknown;
  /** 1-based line and column of the node at `segments` (its key, for an object member). */
  position(segments: readonly string[]): { line: number; column: number };
  /** YAML documents in the file when more than one (only the first non-empty one is `value`). */
  documents?: number;
}

function positions(text: string, index: () => LineIndex, value: unknown): ParsedSource['position'] {
  let starts: Uint32Array | undefined;
  return (segments) => {
    starts ??= lineStarts(text);
    return positionOf(starts, offsetAt(index(), value, segments));
  };
}

export type ParseOutcome = { source: ParsedSource } | { empty: true } | { error: { line: number; message: string; syntax: 'JSON' | 'YAML' } };

export function parseSource(file: string, text: string): ParseOutcome {
  if (text.trim() === '') return { empty: true };
  const lower = file.toLowerCase();
  const json = lower.endsWith('.json') || (!lower.endsWith('.yaml') && !lower.endsWith('.yml') && /^\s*[{[]/.test(text));
  if (json) {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (error) {
      return { error: { line: jsonErrorLine(text, error), message: errorMessage(error), syntax: 'JSON' } };
    }
    let index: LineIndex | undefined;
    // The 20 MB specs are indexed only when a position is first asked for.
    return { source: { file, value, position: positions(text, () => (index ??= indexJson(text, value)), value) } };
  }
  const parsed = parseYaml(text, file);
  if ('error' in parsed) return { error: { ...parsed.error, syntax: 'YAML' } };
  const { index } = parsed;
  const source: ParsedSource = { file, value: parsed.value, position: positions(text, () => index, parsed.value) };
  if (parsed.documents > 1) source.documents = parsed.documents;
  return { source };
}

function errorMessage(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s+in JSON at position \d+.*$/s, '').replace(/,\s*".*" is not valid JSON$/s, '');
}

function jsonErrorLine(text: string, error: unknown): number {
  const message = error instanceof Error ? error.message : '';
  const explicit = /\(line (\d+) column \d+\)/.exec(message);
  if (explicit?.[1]) return Number(explicit[1]);
  const position = /at position (\d+)/.exec(message);
  if (!position?.[1]) return yamlErrorLine(text) ?? 1;
  const end = Number(position[1]);
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1 && i < end; i = text.indexOf('\n', i + 1)) line++;
  return line;
}

/** JSON is YAML's flow syntax: when V8 names no position, js-yaml's error mark gives the line. */
function yamlErrorLine(text: string): number | undefined {
  try {
    load(text);
  } catch (error) {
    if (typeof error === 'object' && error !== null && 'mark' in error) {
      const mark: unknown = error.mark;
      if (typeof mark === 'object' && mark !== null && 'line' in mark && typeof mark.line === 'number') return mark.line + 1;
    }
  }
  return undefined;
}
