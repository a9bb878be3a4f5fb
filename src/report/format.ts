import type { Endpoint, Location, Severity } from '../model/types.js';
import { SEVERITIES } from '../model/types.js';

/** Tables longer than this go into a collapsed `<details>` block. */
export const COLLAPSE_ROWS = 300;

/** An inline code span that survives backticks in `text` (CommonMark: a longer fence). */
export function code(text: string): string {
  const flat = text.replace(/\s*\n\s*/g, ' ');
  if (flat === '') return '` `';
  const longest = Math.max(0, ...(flat.match(/`+/g) ?? []).map((run) => run.length));
  const fence = '`'.repeat(longest + 1);
  const pad = flat.startsWith('`') || flat.endsWith('`') ? ' ' : '';
  return `${fence}${pad}${flat}${pad}${fence}`;
}

/** Plain text made inert: no emphasis, links, HTML or code spans. */
export function text(value: string): string {
  return value.replace(/\s*\n\s*/g, ' ').replace(/([\\`*_[\]<>#|])/g, '\\$1');
}

/** A table cell: one line, pipes escaped (GFM honours `\|` inside code spans too). */
export function cell(markdown: string): string {
  return markdown.replace(/\s*\n\s*/g, ' ').replace(/(?<!\\)\|/g, '\\|');
}

/** Authored markdown (messages, remediations) flattened to one paragraph. */
export function prose(markdown: string): string {
  return markdown.replace(/\s*\n\s*/g, ' ').trim();
}

export function table(headers: readonly string[], rows: readonly (readonly string[])[], collapseLabel?: string): string {
  const lines = [
    `| ${headers.join(' | ')} |`,
    `| ${headers.map(() => '---').join(' | ')} |`,
    ...rows.map((row) => `| ${row.map((value) => (value === '' ? ' ' : cell(value))).join(' | ')} |`),
  ];
  const body = lines.join('\n');
  if (rows.length <= COLLAPSE_ROWS || collapseLabel === undefined) return body;
  return `<details>\n<summary>${collapseLabel}</summary>\n\n${body}\n\n</details>`;
}

export function locationLabel(location: Location): string {
  // Line 0: a place that is not a line of a file (a live finding's URL).
  return location.line > 0 ? `${location.file}:${location.line}` : location.file;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

export function percent(part: number, whole: number): string {
  if (whole === 0) return '0%';
  return `${Math.round((part / whole) * 100)}%`;
}

export function severityRank(severity: Severity): number {
  return SEVERITIES.indexOf(severity);
}

export function capitalize(value: string): string {
  return value.charAt(0).toUpperCase() + value.slice(1);
}

const METHOD_RANK: Record<string, number> = { DELETE: 0, PUT: 1, PATCH: 2, POST: 3 };

/** DELETE, PUT, PATCH, POST first: the methods that change state. */
export function methodRank(method: string): number {
  return METHOD_RANK[method.toUpperCase()] ?? 4;
}

export function compareStrings(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

export function endpointLabel(endpoint: Pick<Endpoint, 'method' | 'path'>): string {
  return `${endpoint.method} ${endpoint.path}`;
}

/** "3 critical, 1 high" with zero counts left out; `none` when all are zero. */
export function countList(counts: Iterable<readonly [string, number]>, none = 'none'): string {
  const parts = [...counts].filter(([, count]) => count > 0).map(([label, count]) => `${count} ${label}`);
  return parts.length === 0 ? none : parts.join(', ');
}
