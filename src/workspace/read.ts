import { readFileSync } from 'node:fs';
import type { Diagnostic } from '../model/types.js';
import type { WorkspaceFile } from './discover.js';

export type ReadResult = { text: string } | { diagnostic: Diagnostic };
/**
 * What consumers accept as a reader: `readTextFile` itself, or a wrapper (e.g. a cache) that
 * reports its own diagnostics and answers `undefined` for a file it could not read.
 */
export type TextReadResult = ReadResult | string | undefined;
export type TextReader = (file: WorkspaceFile) => Promise<TextReadResult>;

/** The text out of a reader's answer; a diagnostic it carries goes to `diagnostics`. */
export function textOf(result: TextReadResult, diagnostics: Diagnostic[]): string | undefined {
  if (result === undefined || typeof result === 'string') return result;
  if ('diagnostic' in result) {
    diagnostics.push(result.diagnostic);
    return undefined;
  }
  return result.text;
}

const SNIFF_BYTES = 8 * 1024;
/** Share of undecodable characters above which a file is treated as binary rather than mis-encoded text. */
const MAX_INVALID_RATIO = 0.02;

function diagnostic(file: WorkspaceFile, message: string): { diagnostic: Diagnostic } {
  return { diagnostic: { level: 'warning', file: file.path, message, source: 'workspace' } };
}

/** Decodes bytes as text; undefined when they look binary. */
export function decodeText(bytes: Uint8Array): string | undefined {
  if (bytes.length >= 2) {
    // UTF-16 files contain NUL bytes for ASCII text, so their BOM is checked before the NUL sniff.
    if (bytes[0] === 0xff && bytes[1] === 0xfe) return new TextDecoder('utf-16le').decode(bytes.subarray(2));
    if (bytes[0] === 0xfe && bytes[1] === 0xff) return new TextDecoder('utf-16be').decode(bytes.subarray(2));
  }
  if (bytes.subarray(0, SNIFF_BYTES).includes(0)) return undefined;
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(bytes);
  } catch {
    text = new TextDecoder('utf-8', { ignoreBOM: true }).decode(bytes);
    let invalid = 0;
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 0xfffd) invalid++;
    if (invalid / Math.max(text.length, 1) > MAX_INVALID_RATIO) return undefined;
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/**
 * Reads a workspace file as UTF-8 text (BOM stripped); binary or unreadable files become a diagnostic.
 * Read synchronously: source files are small and local, and the promise API's open, stat, read and
 * close steps cost several times the CPU of one read (the whole read of a large tree's sources).
 */
export function readTextFile(file: WorkspaceFile): Promise<ReadResult> {
  return Promise.resolve(readTextFileSync(file));
}

function readTextFileSync(file: WorkspaceFile): ReadResult {
  let bytes: Buffer;
  try {
    bytes = readFileSync(file.absolute);
  } catch (error) {
    const code = error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
    const reason = code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? String(error));
    return diagnostic(file, `cannot read file (${reason}); skipped`);
  }
  const text = decodeText(bytes);
  if (text === undefined) return diagnostic(file, 'binary file, skipped');
  return { text };
}
