import { createRequire } from 'node:module';
import { Language, Parser, Query, type Node, type Tree } from 'web-tree-sitter';
import type { SourceLanguage } from './languages.js';
import { csharpParseInput } from './csharp-input.js';

const require = createRequire(import.meta.url);

const WASM_NAME: Record<SourceLanguage, string> = {
  python: 'python',
  javascript: 'javascript',
  typescript: 'typescript',
  tsx: 'tsx',
  go: 'go',
  java: 'java',
  kotlin: 'kotlin',
  php: 'php',
  ruby: 'ruby',
  csharp: 'c_sharp',
};

let initialised: Promise<void> | undefined;
const languages = new Map<SourceLanguage, Promise<Language>>();
const parsers = new Map<SourceLanguage, Parser>();
const queries = new Map<string, Query>();
const loaded = new Map<SourceLanguage, Language>();

/**
 * The Emscripten module web-tree-sitter runs in. Every Node it hands out is copied through a transfer
 * buffer with the module's generic `getValue`/`setValue` (a switch on a type name, then a DataView);
 * on a little-endian host a 32-bit slot is the same as the module's `HEAP32` view (which the module
 * replaces when its memory grows), so those two are given a direct path for `i32`. Same values, a
 * fraction of the cost: a node's type or a child costs five of each.
 */
interface Binding {
  HEAP32?: Int32Array;
  getValue?: (pointer: number, type?: string) => number | bigint;
  setValue?: (pointer: number, value: number | bigint, type?: string) => void;
}

const LITTLE_ENDIAN = new Uint8Array(new Uint32Array([1]).buffer)[0] === 1;

function directI32(binding: Binding): void {
  const { getValue, setValue } = binding;
  if (!LITTLE_ENDIAN || !getValue || !setValue || !(binding.HEAP32 instanceof Int32Array)) return;
  binding.getValue = (pointer, type) => (type === 'i32' ? (binding.HEAP32 as Int32Array)[pointer >> 2] as number : getValue(pointer, type));
  binding.setValue = (pointer, value, type) => {
    if (type === 'i32') (binding.HEAP32 as Int32Array)[pointer >> 2] = value as number;
    else setValue(pointer, value, type);
  };
}

function init(): Promise<void> {
  if (!initialised) {
    const binding: Binding = {};
    initialised = Parser.init(binding).then(() => {
      directI32(binding);
    });
  }
  return initialised;
}

let loading: Promise<unknown> = Promise.resolve();

async function loadLanguage(language: SourceLanguage): Promise<Language> {
  await init();
  let pending = languages.get(language);
  if (!pending) {
    // The grammars ship as .wasm inside the npm package: nothing is built or downloaded.
    const file = require.resolve(`tree-sitter-wasms/out/tree-sitter-${WASM_NAME[language]}.wasm`);
    // Serialised across callers too (see prepareLanguages).
    pending = loading.then(() => Language.load(file));
    loading = pending.catch(() => undefined);
    languages.set(language, pending);
  }
  const lang = await pending;
  loaded.set(language, lang);
  grammars.set(lang, language);
  return lang;
}

const grammars = new WeakMap<Language, SourceLanguage>();

/** The source language a loaded grammar parses (the grammars' own names are not in their .wasm). */
export function grammarOf(language: Language): SourceLanguage | undefined {
  return grammars.get(language);
}

/** Loads the grammars needed before any synchronous parse. */
export async function prepareLanguages(needed: Iterable<SourceLanguage>): Promise<void> {
  // One at a time: loading the typescript and tsx grammars concurrently fails in web-tree-sitter 0.25.
  for (const language of new Set(needed)) await loadLanguage(language);
}

/**
 * Parses `text` (the grammar must have been prepared). Returns undefined when the parser gives up,
 * or when parsing takes longer than `timeoutMs`.
 */
export function parseSync(language: SourceLanguage, text: string, timeoutMs = Number.POSITIVE_INFINITY): Tree | undefined {
  const lang = loaded.get(language);
  if (!lang) throw new Error(`grammar for ${language} was not prepared`);
  let parser = parsers.get(language);
  if (!parser) {
    parser = new Parser();
    parser.setLanguage(lang);
    parsers.set(language, parser);
  }
  const input = language === 'kotlin' ? kotlinParseInput(text) : language === 'csharp' ? csharpParseInput(text) : text;
  if (!Number.isFinite(timeoutMs)) return withText(parser.parse(input) ?? undefined, input, text);
  const deadline = performance.now() + timeoutMs;
  // Returning true from the progress callback cancels the parse.
  const tree = parser.parse(input, null, { progressCallback: () => performance.now() > deadline });
  if (!tree) parser.reset();
  return withText(tree ?? undefined, input, text);
}

/**
 * The Kotlin grammar's scanner (tree-sitter-kotlin before fwcd/tree-sitter-kotlin#157) fails on an infix
 * call whose name starts with `e` (`Users.id eq id`, Exposed's every condition): the error swallows the
 * enclosing class. The parser reads a copy where such a name starts with `E` (same length, still an
 * identifier); the tree reads its text from the original, so every node's text and position are the file's.
 */
const KOTLIN_E_INFIX = /([\w)\]"'}][ \t]+)e(\w*)(?=[ \t]+[\w("'[{@!])/g;
const KOTLIN_E_KEYWORDS = new Set(['lse', 'num', 'xpect', 'xternal']);

export function kotlinParseInput(text: string): string {
  if (!/[ \t]e\w*[ \t]/.test(text)) return text;
  return text.replace(KOTLIN_E_INFIX, (match: string, before: string, rest: string) => (KOTLIN_E_KEYWORDS.has(rest) ? match : `${before}E${rest}`));
}

function withText(tree: Tree | undefined, input: string, text: string): Tree | undefined {
  if (tree && input !== text) (tree as unknown as { textCallback: (index: number) => string }).textCallback = (index) => text.slice(index);
  return tree;
}

export async function parse(language: SourceLanguage, text: string): Promise<Tree | undefined> {
  await loadLanguage(language);
  return parseSync(language, text);
}

/** A compiled query, cached per language and source text. */
export function query(language: SourceLanguage, source: string): Query {
  const key = `${language}\u0000${source}`;
  let compiled = queries.get(key);
  if (!compiled) {
    const lang = loaded.get(language);
    if (!lang) throw new Error(`grammar for ${language} was not prepared`);
    compiled = new Query(lang, source);
    queries.set(key, compiled);
  }
  return compiled;
}

/** 1-based line of a node. */
export function lineOf(node: Node): number {
  return node.startPosition.row + 1;
}

export type { Node, Tree };
