import { CORE_SCHEMA, Type, YAMLException, loadAll, type State } from 'js-yaml';

/**
 * Source offsets of a parsed document's keys and items, keyed by the parsed containers themselves
 * (a key's offset for object members, the item's start for array items).
 */
export type ContainerOffsets = Map<string, number> | number[];
export interface LineIndex {
  get(container: object): ContainerOffsets | undefined;
}

/** Offset of the node reached from `root` by `segments`; the nearest ancestor's when absent (0 for the root). */
export function offsetAt(index: LineIndex, root: unknown, segments: readonly string[]): number {
  let value = root;
  let offset = 0;
  for (const segment of segments) {
    if (typeof value !== 'object' || value === null) return offset;
    const offsets = index.get(value);
    let next: unknown;
    let childOffset: number | undefined;
    if (Array.isArray(value)) {
      if (!/^\d+$/.test(segment)) return offset;
      const position = Number(segment);
      next = value[position];
      childOffset = Array.isArray(offsets) ? offsets[position] : undefined;
    } else {
      if (!Object.hasOwn(value, segment)) return offset;
      next = (value as Record<string, unknown>)[segment];
      // A key brought in by a YAML merge (`<<: *base`) is located at the merge key.
      childOffset = offsets instanceof Map ? (offsets.get(segment) ?? offsets.get('<<')) : undefined;
    }
    if (next === undefined) return offset;
    offset = childOffset ?? offset;
    value = next;
  }
  return offset;
}

/** Start offsets of every line. */
export function lineStarts(text: string): Uint32Array {
  let count = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) count++;
  const starts = new Uint32Array(count);
  let line = 1;
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts[line++] = i + 1;
  return starts;
}

/** 1-based line and column of an offset. */
export function positionOf(starts: Uint32Array, offset: number): { line: number; column: number } {
  let low = 0;
  let high = starts.length - 1;
  while (low < high) {
    const middle = (low + high + 1) >>> 1;
    if ((starts[middle] ?? 0) <= offset) low = middle;
    else high = middle - 1;
  }
  return { line: low + 1, column: offset - (starts[low] ?? 0) + 1 };
}

/**
 * Indexes JSON text against the value `JSON.parse` made of it, lazily: a container's members are
 * located the first time it is asked for, by a shallow scan from its opening bracket, which also
 * records where its child containers start. Only the containers on looked-up paths are indexed,
 * so the 20 MB specs never hold a map per object.
 */
export function indexJson(text: string, root: unknown): LineIndex {
  return new LazyJsonIndex(text, root);
}

const QUOTE = 34;
const BACKSLASH = 92;

class LazyJsonIndex {
  private readonly indexed = new WeakMap<object, ContainerOffsets>();
  private readonly starts = new WeakMap<object, number>();

  constructor(
    private readonly text: string,
    root: unknown,
  ) {
    if (typeof root === 'object' && root !== null) this.starts.set(root, this.space(0));
  }

  get(container: object): ContainerOffsets | undefined {
    const known = this.indexed.get(container);
    if (known) return known;
    const start = this.starts.get(container);
    if (start === undefined) return undefined;
    let offsets: ContainerOffsets | undefined;
    try {
      offsets = Array.isArray(container) ? this.array(start, container as unknown[]) : this.object(start, container as Record<string, unknown>);
    } catch {
      return undefined;
    }
    this.indexed.set(container, offsets);
    return offsets;
  }

  private object(start: number, target: Record<string, unknown>): Map<string, number> {
    const offsets = new Map<string, number>();
    let pos = this.space(start + 1);
    if (this.text.charCodeAt(pos) === 125) return offsets;
    for (;;) {
      pos = this.space(pos);
      const keyStart = pos;
      const end = this.stringEnd(pos);
      const raw = this.text.slice(pos + 1, end);
      const key = raw.includes('\\') ? (JSON.parse(this.text.slice(pos, end + 1)) as string) : raw;
      offsets.set(key, keyStart);
      pos = this.space(this.space(end + 1) + 1);
      const child = Object.hasOwn(target, key) ? target[key] : undefined;
      if (typeof child === 'object' && child !== null) this.starts.set(child, pos);
      pos = this.space(this.skip(pos));
      if (this.text.charCodeAt(pos++) !== 44) return offsets;
    }
  }

  private array(start: number, target: unknown[]): number[] {
    const offsets: number[] = [];
    let pos = this.space(start + 1);
    if (this.text.charCodeAt(pos) === 93) return offsets;
    for (let i = 0; ; i++) {
      pos = this.space(pos);
      offsets.push(pos);
      const child = target[i];
      if (typeof child === 'object' && child !== null) this.starts.set(child, pos);
      pos = this.space(this.skip(pos));
      if (this.text.charCodeAt(pos++) !== 44) return offsets;
    }
  }

  /** The offset just past the value starting at `pos`. */
  private skip(pos: number): number {
    const text = this.text;
    let c = text.charCodeAt(pos);
    if (c === QUOTE) return this.stringEnd(pos) + 1;
    if (c !== 123 && c !== 91) {
      while (c === c && c !== 44 && c !== 125 && c !== 93 && c !== 32 && c !== 10 && c !== 13 && c !== 9) c = text.charCodeAt(++pos);
      return pos;
    }
    let depth = 0;
    for (;;) {
      c = text.charCodeAt(pos);
      if (c === QUOTE) pos = this.stringEnd(pos);
      else if (c === 123 || c === 91) depth++;
      else if (c === 125 || c === 93) {
        if (--depth === 0) return pos + 1;
      } else if (c !== c) throw new Error('unexpected end of JSON');
      pos++;
    }
  }

  /** The offset of the closing quote of the string opening at `pos`. */
  private stringEnd(pos: number): number {
    let end = pos + 1;
    for (;;) {
      end = this.text.indexOf('"', end);
      if (end === -1) throw new Error('unterminated string');
      let slashes = 0;
      while (this.text.charCodeAt(end - 1 - slashes) === BACKSLASH) slashes++;
      if (slashes % 2 === 0) return end;
      end++;
    }
  }

  private space(pos: number): number {
    const text = this.text;
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 32 || c === 10 || c === 13 || c === 9) pos++;
      else return pos;
    }
  }
}

// js-yaml's core schema resolves no timestamps (dates stay strings, as in JSON); merge keys are added back.
const MERGE = new Type('tag:yaml.org,2002:merge', {
  kind: 'scalar',
  resolve: (data: unknown) => data === '<<' || data === null,
});
const SCHEMA = CORE_SCHEMA.extend({ implicit: [MERGE] });

interface Frame {
  open: number;
  keys: Map<string, number> | undefined;
  items: number[] | undefined;
}

/** `documents` counts the YAML documents in the stream; only the first non-empty one is `value`. */
export type ParsedYaml = { value: unknown; index: LineIndex; documents: number } | { error: { line: number; message: string } };

/**
 * Parses YAML with js-yaml and records lines through its parse-event listener.
 *
 * The `yaml` package keeps exact ranges but took ~0.8 s on the 3 MB Stripe spec against ~0.2 s
 * for js-yaml. js-yaml reports an `open`/`close` event per node: a node that closes right before
 * a `:` is a mapping key (located where it opened); any other child of a sequence is an item.
 * Containers are indexed by identity, so aliases and merge keys resolve to their anchor's place.
 */
export function parseYaml(text: string, filename: string): ParsedYaml {
  const index = new WeakMap<object, ContainerOffsets>();
  const stack: Frame[] = [];
  const listener = (event: 'open' | 'close', state: State): void => {
    if (event === 'open') {
      stack.push({ open: state.position, keys: undefined, items: undefined });
      return;
    }
    const frame = stack.pop();
    if (!frame) return;
    const result: unknown = state.result;
    if (typeof result === 'object' && result !== null && !index.has(result)) {
      if (Array.isArray(result)) {
        if (frame.items?.length === result.length) index.set(result, frame.items);
      } else index.set(result, frame.keys ?? new Map<string, number>());
    }
    const parent = stack[stack.length - 1];
    if (!parent) return;
    const key = typeof result === 'string' ? result : typeof result === 'number' || typeof result === 'boolean' ? String(result) : undefined;
    if (key !== undefined && isKeyEnd(state.input, state.position)) {
      parent.keys ??= new Map<string, number>();
      parent.keys.set(key, frame.open);
    } else {
      (parent.items ??= []).push(frame.open);
    }
  };
  try {
    // `json: true` lets a repeated key override the earlier one (as JSON.parse does) instead of failing the file.
    // A stream of several documents (`---`) is read, not rejected: the first non-empty one is the file's value.
    const documents = loadAll(text, null, { schema: SCHEMA, filename, json: true, listener: function (event, state) { listener(event, state); } });
    const value = documents.find((document) => document !== null && document !== undefined) ?? documents[0];
    return { value, index, documents: documents.length };
  } catch (error) {
    if (error instanceof YAMLException) {
      // Not every YAMLException carries a mark (the multi-document one has none).
      const mark = error.mark as { line?: unknown } | undefined;
      const line = typeof mark?.line === 'number' ? mark.line + 1 : 1;
      return { error: { line, message: error.reason || error.message } };
    }
    if (error instanceof RangeError) return { error: { line: 1, message: 'the document nests too deeply to be read' } };
    return { error: { line: 1, message: error instanceof Error ? error.message : String(error) } };
  }
}

function isKeyEnd(input: string, position: number): boolean {
  let p = position;
  let c = input.charCodeAt(p);
  while (c === 32 || c === 9) c = input.charCodeAt(++p);
  return c === 58;
}
