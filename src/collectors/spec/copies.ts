import type { JsonValue, SpecDocument } from '../../engine/context.js';
import type { Diagnostic } from '../../model/types.js';

const METHODS = new Set(['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace']);

function isObject(value: JsonValue | undefined): value is { [key: string]: JsonValue } {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What makes two documents one API: their title, version and the operations they declare. */
function signature(spec: SpecDocument): string | undefined {
  const info = spec.root['info'];
  const paths = spec.root['paths'];
  if (!isObject(info) || !isObject(paths)) return undefined;
  const operations: string[] = [];
  for (const [path, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of Object.keys(item)) if (METHODS.has(method.toLowerCase())) operations.push(`${method.toLowerCase()} ${path}`);
  }
  if (operations.length === 0) return undefined;
  operations.sort();
  return JSON.stringify([spec.format, info['title'] ?? null, info['version'] ?? null, operations]);
}

/** The copy to audit: the hand-written YAML before generated JSON, then the shallowest path. */
function preference(a: SpecDocument, b: SpecDocument): number {
  const yaml = (spec: SpecDocument): number => (/\.ya?ml$/i.test(spec.file) ? 0 : 1);
  const depth = (spec: SpecDocument): number => spec.file.split('/').length;
  return yaml(a) - yaml(b) || depth(a) - depth(b) || (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
}

const copiesOf = new WeakMap<SpecDocument, string[]>();

/** The files of the copies dropped in favour of `spec` (code that loads a copy by name still finds it). */
export function specCopyFiles(spec: SpecDocument): readonly string[] {
  return copiesOf.get(spec) ?? [];
}

/**
 * Projects keep several copies of one specification (the source YAML, a generated JSON, a copy
 * bundled for a client or a test plugin). Each copy would repeat every spec finding and every
 * operation: the copies are audited once, from the preferred one, and a note names the others.
 */
export function dedupeSpecCopies(specs: readonly SpecDocument[]): { specs: SpecDocument[]; diagnostics: Diagnostic[] } {
  const groups = new Map<string, SpecDocument[]>();
  const kept: SpecDocument[] = [];
  for (const spec of specs) {
    const key = signature(spec);
    if (key === undefined) {
      kept.push(spec);
      continue;
    }
    const group = groups.get(key);
    if (group) group.push(spec);
    else groups.set(key, [spec]);
  }
  const diagnostics: Diagnostic[] = [];
  const dropped = new Set<SpecDocument>();
  for (const group of groups.values()) {
    const [chosen, ...copies] = [...group].sort(preference);
    if (!chosen) continue;
    copiesOf.set(chosen, copies.map((copy) => copy.file));
    for (const copy of copies) {
      dropped.add(copy);
      diagnostics.push({
        level: 'info',
        file: copy.file,
        message: `same API as ${chosen.file} (same title, version and operations); audited once, from ${chosen.file}`,
        source: 'spec',
      });
    }
  }
  return { specs: specs.filter((spec) => !dropped.has(spec)), diagnostics };
}
