/** Path helpers shared by the Python collectors: every framework's placeholders become `{name}`. */

export function collapseSlashes(path: string): string {
  const joined = `/${path}`.replace(/\/{2,}/g, '/');
  return joined;
}

/** FastAPI and Django concatenate prefixes as written. */
export function concatPaths(...parts: readonly string[]): string {
  return collapseSlashes(parts.join(''));
}

/** Flask joins a blueprint prefix and a rule with exactly one slash. */
export function flaskJoin(prefix: string | undefined, rule: string): string {
  if (prefix === undefined || prefix === '') return rule;
  if (rule === '') return prefix;
  return `${prefix.replace(/\/+$/, '')}/${rule.replace(/^\/+/, '')}`;
}

/** `{id:path}` → `{id}`. */
export function normaliseFastapiPath(path: string): string {
  return collapseSlashes(path).replace(/\{([A-Za-z_]\w*):[^}]*\}/g, '{$1}');
}

/** `<int:id>` / `<id>` → `{id}`. */
export function normaliseAnglePath(path: string): string {
  return collapseSlashes(path).replace(/<(?:[A-Za-z_]\w*(?:\([^)]*\))?:)?([A-Za-z_]\w*)>/g, '{$1}');
}

/** A `re_path` / `url()` regex as a path: named groups become `{name}`, anchors and optional slashes go. */
export function regexToPath(pattern: string): string {
  let out = pattern.replace(/^\^/, '').replace(/\$$/, '');
  out = replaceGroups(out);
  out = out
    .replace(/\\\//g, '/')
    .replace(/\\\./g, '.')
    .replace(/\/\?$/, '/')
    .replace(/\\-/g, '-');
  return out;
}

function replaceGroups(pattern: string): string {
  let out = '';
  let unnamed = 0;
  for (let index = 0; index < pattern.length; index++) {
    const char = pattern[index] ?? '';
    if (char === '\\') {
      out += pattern.slice(index, index + 2);
      index++;
      continue;
    }
    if (char !== '(') {
      out += char;
      continue;
    }
    let depth = 1;
    let end = index + 1;
    while (end < pattern.length && depth > 0) {
      const c = pattern[end];
      if (c === '\\') end++;
      else if (c === '(') depth++;
      else if (c === ')') depth--;
      end++;
    }
    const group = pattern.slice(index + 1, end - 1);
    const named = /^\?P<([A-Za-z_]\w*)>/.exec(group);
    if (named) out += `{${named[1] ?? 'param'}}`;
    else if (group.startsWith('?:')) out += replaceGroups(group.slice(2)).replace(/\?$/, '');
    else {
      unnamed++;
      out += `{param${unnamed}}`;
    }
    index = end - 1;
    // A quantifier after a group (`(...)?`) has no place in the path.
    if (pattern[end] === '?' || pattern[end] === '*' || pattern[end] === '+') index++;
  }
  return out;
}

/** Names of the `{name}` placeholders of a normalised path. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '').filter(Boolean);
}
