/** Paths of JVM routes: joining class and method mappings, and matching Spring's Ant-style patterns. */

/** Joins path parts with single slashes; `''` parts are skipped; the result starts with `/`. */
export function joinPaths(...parts: readonly string[]): string {
  const joined = parts
    .filter((part) => part !== '' && part !== '/')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
  const trailing = parts.length > 0 && (parts.at(-1) ?? '').length > 1 && (parts.at(-1) ?? '').endsWith('/');
  return `/${joined}${trailing && joined !== '' ? '/' : ''}`;
}

/** `{id:\\d+}` → `{id}`, Ktor `{id?}`/`{path...}` → `{id}`; regex bodies may hold braces. */
export function normaliseTemplate(path: string): string {
  let out = '';
  let depth = 0;
  let name = '';
  let inName = false;
  for (const ch of path) {
    if (ch === '{') {
      depth += 1;
      if (depth === 1) {
        name = '';
        inName = true;
        continue;
      }
    } else if (ch === '}') {
      depth -= 1;
      if (depth === 0) {
        out += `{${name.replace(/[?.]+$/, '').replace(/^\*/, '')}}`;
        continue;
      }
    }
    if (depth === 0) out += ch;
    else if (inName) {
      if (ch === ':') inName = false;
      else name += ch;
    }
  }
  return out;
}

export type Coverage = 'all' | 'some' | 'none';

function segmentRegex(pattern: string): RegExp {
  let source = '';
  for (let index = 0; index < pattern.length; index += 1) {
    const ch = pattern.charAt(index);
    if (ch === '*') source += '[^/]*';
    else if (ch === '?') source += '[^/]';
    else if (ch === '{') {
      const end = pattern.indexOf('}', index);
      source += '[^/]+';
      index = end < 0 ? pattern.length : end;
    } else source += ch.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${source}$`);
}

/**
 * How much of a route an Ant-style pattern (`/api/**`, `/users/*`, `/a/{id}`) covers: `all` when
 * every request to the route matches, `some` when a request to it may match (a literal segment
 * against a path variable), `none` otherwise. A route's `{var}` segment is any single segment.
 */
export function antCoverage(pattern: string, route: string): Coverage {
  const p = pattern.split('/').filter((part, index) => index > 0 || part !== '');
  const r = route.split('/').filter((part, index) => index > 0 || part !== '');
  const memo = new Map<string, Coverage>();
  const go = (i: number, j: number): Coverage => {
    const key = `${i},${j}`;
    const cached = memo.get(key);
    if (cached) return cached;
    let result: Coverage;
    if (i === p.length) result = j === r.length ? 'all' : 'none';
    else if (p[i] === '**') {
      // zero or more segments
      let best: Coverage = 'none';
      for (let k = j; k <= r.length; k += 1) {
        const next = go(i + 1, k);
        if (next === 'all') {
          best = 'all';
          break;
        }
        if (next === 'some') best = 'some';
      }
      result = best;
    } else if (j === r.length) result = 'none';
    else {
      const seg = p[i] ?? '';
      const part = r[j] ?? '';
      const isVariable = /^\{[^}]*\}$/.test(part);
      let here: Coverage;
      if (isVariable) {
        // Any segment value: a pattern segment that is all-wildcard covers it, a literal may.
        here = /^(\*|\{[^}]*\})$/.test(seg) ? 'all' : 'some';
      } else {
        here = segmentRegex(seg).test(part) ? 'all' : 'none';
      }
      if (here === 'none') result = 'none';
      else {
        const rest = go(i + 1, j + 1);
        result = rest === 'none' ? 'none' : here === 'all' ? rest : 'some';
      }
    }
    memo.set(key, result);
    return result;
  };
  if (pattern === '/**' || pattern === '**') return 'all';
  return go(0, 0);
}
