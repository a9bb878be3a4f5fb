import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';
import { LineCounter, isMap, isScalar, isSeq, parseDocument, type Node as YamlNode } from 'yaml';

/** Configuration files larger than this are not written by hand. */
const MAX_CONFIG_BYTES = 1024 * 1024;

/**
 * Reads a configuration file of the audited project (Symfony's YAML routes and security, `.env`):
 * only a regular file inside `root`, never through a link that leaves it, under 1 MiB.
 */
export function readProjectFile(root: string, relative: string): string | undefined {
  try {
    const absolute = path.resolve(root, relative);
    const realRoot = realpathSync(root);
    const real = realpathSync(absolute);
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return undefined;
    const info = lstatSync(real);
    if (!info.isFile() || info.size > MAX_CONFIG_BYTES) return undefined;
    return readFileSync(real, 'utf8');
  } catch {
    return undefined;
  }
}

/** File names in a project folder (not recursive), sorted; empty when it is absent or outside `root`. */
export function listProjectDir(root: string, relative: string): string[] {
  try {
    const realRoot = realpathSync(root);
    const real = realpathSync(path.resolve(root, relative));
    if (real !== realRoot && !real.startsWith(realRoot + path.sep)) return [];
    return readdirSync(real).sort();
  } catch {
    return [];
  }
}

/** A YAML node reduced to what the collectors read: a scalar, a map or a list, with its 1-based line. */
export interface YNode {
  line: number;
  /** For a map value: the line of its key (`homepage:`), where a reader looks for it. */
  keyLine?: number;
  scalar?: string | number | boolean | null;
  map?: Map<string, YNode>;
  items?: YNode[];
}

/** Parses YAML leniently (Symfony's `!php/const` and `!tagged_iterator` tags are kept as text). */
export function parseYaml(text: string): { root?: YNode; error?: string } {
  const lineCounter = new LineCounter();
  try {
    const document = parseDocument(text, { lineCounter, uniqueKeys: false, strict: false, prettyErrors: false });
    if (document.errors.length > 0) return { error: document.errors[0]?.message ?? 'invalid YAML' };
    const convert = (node: unknown, depth: number): YNode | undefined => {
      if (depth > 64 || node === null || typeof node !== 'object') return undefined;
      const yaml = node as YamlNode;
      const line = yaml.range ? lineCounter.linePos(yaml.range[0]).line : 0;
      if (isScalar(yaml)) {
        const value = yaml.value;
        return { line, scalar: typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' || value === null ? value : JSON.stringify(value) };
      }
      if (isMap(yaml)) {
        const map = new Map<string, YNode>();
        for (const pair of yaml.items) {
          const key = isScalar(pair.key) ? String(pair.key.value) : undefined;
          if (key === undefined) continue;
          const keyLine = pair.key && typeof pair.key === 'object' && (pair.key as YamlNode).range ? lineCounter.linePos((pair.key as YamlNode).range?.[0] ?? 0).line : line;
          const value = convert(pair.value, depth + 1) ?? { line: keyLine, scalar: null };
          value.keyLine = keyLine;
          map.set(key, value);
        }
        return { line, map };
      }
      if (isSeq(yaml)) {
        return { line, items: yaml.items.map((item) => convert(item, depth + 1)).filter((item): item is YNode => item !== undefined) };
      }
      return undefined;
    };
    const root = convert(document.contents, 0);
    return root ? { root } : {};
  } catch (error) {
    return { error: error instanceof Error ? error.message : String(error) };
  }
}

export function yString(node: YNode | undefined): string | undefined {
  if (node?.scalar === undefined || node.scalar === null) return undefined;
  return String(node.scalar);
}

/** A scalar or a list of scalars as strings (`methods: GET` and `methods: [GET, POST]`). */
export function yStrings(node: YNode | undefined): string[] {
  if (!node) return [];
  if (node.items) return node.items.flatMap((item) => (item.scalar !== undefined && item.scalar !== null ? [String(item.scalar)] : []));
  const one = yString(node);
  return one === undefined ? [] : one.split(/\s*[,|]\s*/).filter(Boolean);
}
