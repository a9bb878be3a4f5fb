/**
 * Sizes of request bodies and uploads, shared by request-body-size-unbounded, upload-without-limits and the
 * frameworks' `bodyLimit` sections (src/collectors/code/<framework>/body-limit.ts).
 */
import type { Node } from 'web-tree-sitter';
import { resolveValue } from './code-auth.js';
import { literalValue } from './code.js';
import type { SourceFile } from '../engine/context.js';
import { lookupTable } from './lookup.js';

export const MB = 1024 * 1024;
export const UNITS: Record<string, number> = lookupTable({ b: 1, kb: 1024, k: 1024, mb: MB, m: MB, gb: 1024 * MB, g: 1024 * MB });

/** Bytes from `'50mb'`, `52428800`, `50 * 1024 * 1024`, `Infinity`; undefined when unknown. */
export function byteSize(source: SourceFile, node: Node | undefined, depth = 0): number | undefined {
  if (!node || depth > 5) return undefined;
  const resolved = resolveValue(source, node) ?? node;
  if (resolved.text === 'Infinity' || resolved.text === 'Number.MAX_SAFE_INTEGER') return Infinity;
  const value = literalValue(resolved);
  if (typeof value === 'number') return value;
  if (typeof value === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?b?|[kmg])\s*$/i.exec(value);
    if (!match) return undefined;
    return Number(match[1]) * (UNITS[(match[2] ?? 'b').toLowerCase() || 'b'] ?? 1);
  }
  if ((resolved.type === 'binary_expression' || resolved.type === 'binary_operator') && resolved.childForFieldName('operator')?.text === '*') {
    const left = byteSize(source, resolved.childForFieldName('left') ?? undefined, depth + 1);
    const right = byteSize(source, resolved.childForFieldName('right') ?? undefined, depth + 1);
    return left === undefined || right === undefined ? undefined : left * right;
  }
  return undefined;
}

/** `2 MB`, `1.5 GB`, `512 KB`, `no limit`. */
export function humanSize(bytes: number): string {
  if (!Number.isFinite(bytes)) return 'no limit';
  if (bytes >= 1024 * MB) return `${Math.round((bytes / (1024 * MB)) * 10) / 10} GB`;
  if (bytes >= MB) return `${Math.round((bytes / MB) * 10) / 10} MB`;
  return `${Math.round(bytes / 1024)} KB`;
}
