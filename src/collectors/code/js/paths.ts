/** Joins route path pieces: one slash between them, none at the end (but `/` alone). */
export function joinPaths(...parts: string[]): string {
  const joined = parts
    .filter((part) => part !== '' && part !== '/')
    .map((part) => part.replace(/^\/+|\/+$/g, ''))
    .filter((part) => part !== '')
    .join('/');
  return `/${joined}`;
}

/** `:id`, `:id?`, `:id(\\d+)`, `:id{[0-9]+}` → `{id}`. */
export function normalisePath(path: string): string {
  const withParams = path
    .replace(/:([A-Za-z_$][\w$]*)(?:\([^)]*\)|\{[^}]*\})?[?+*]?/g, '{$1}')
    .replace(/\/{2,}/g, '/');
  const rooted = withParams.startsWith('/') ? withParams : `/${withParams}`;
  return rooted.length > 1 ? rooted.replace(/\/+$/, '') : rooted;
}

/** Path parameter names of a normalised path. */
export function pathParams(path: string): string[] {
  return [...path.matchAll(/\{([^}]+)\}/g)].map((match) => match[1] ?? '').filter(Boolean);
}

/**
 * Whether a middleware mounted at `mount` (Express `use` semantics: segment prefix; `*` wildcard)
 * runs for a route at `route`. Both are normalised.
 */
export function mountCovers(mount: string, route: string): boolean {
  if (mount === '/' || mount === '/*' || mount === '*' || mount === '/(.*)') return true;
  const pattern = mount
    .replace(/\/\*$|\/\(\.\*\)$/, '')
    .split('/')
    .map((segment) => (segment === '*' ? '[^/]*' : /^\{[^}]+\}$/.test(segment) ? '[^/]+' : segment.replace(/[.+?^${}()|[\]\\]/g, '\\$&')))
    .join('/');
  return new RegExp(`^${pattern}(?:/.*)?$`).test(route.replace(/\{[^}]+\}/g, 'x'));
}
