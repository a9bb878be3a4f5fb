/**
 * Path placeholders as the frameworks write them: `{id}` (OpenAPI, Spring `{id:\d+}`, FastAPI
 * `{id:path}`), `:id` (Express, Rails, Gin `:id(\d+)?`), `<int:id>` (Flask, Django), `[id]` and
 * `[...slug]` (Next.js), `*path` (Gin, Rails globs).
 */
const SEGMENT_PARAM = /\{([^{}]*(?:\{[^{}]*\}[^{}]*)*)\}|<(?:[^<>:]+:)?([^<>]+)>|:([A-Za-z_][\w-]*)(?:\([^)]*\))?\??|\[\[?(?:\.\.\.)?([^\]]+)\]\]?|\*([A-Za-z_]\w*)?/g;

function rewrite(path: string, placeholder: (name: string) => string): string {
  let clean = path.trim();
  const cut = clean.search(/[?#]/);
  if (cut !== -1) clean = clean.slice(0, cut);
  clean = clean.replace(/\(\.:format\)/g, '').replace(/\\/g, '');
  const segments = clean.split('/').filter((segment) => segment !== '');
  const rewritten = segments.map((segment) =>
    segment.replace(SEGMENT_PARAM, (_match, brace?: string, angle?: string, colon?: string, bracket?: string, glob?: string) => {
      const raw = brace ?? angle ?? colon ?? bracket ?? glob ?? '';
      const name = raw.split(':')[0]?.trim() ?? '';
      return placeholder(name);
    }),
  );
  return `/${rewritten.join('/')}`;
}

/** The comparable form of a route: every placeholder becomes `{}` (`/users/:id` → `/users/{}`). */
export function normalisePath(path: string): string {
  return rewrite(path, () => '{}');
}

/** The display form of a route, with OpenAPI-style named placeholders (`/users/<int:id>` → `/users/{id}`). */
export function displayPath(path: string): string {
  return rewrite(path, (name) => `{${name === '' ? 'param' : name}}`);
}

/** The version segment of a path (`/v1/`, `/v2beta1/`, `/v1.0/`), when there is one. */
export function pathVersion(path: string): string | undefined {
  for (const segment of path.split('/')) {
    if (/^v\d+(?:\.\d+)*(?:(?:alpha|beta|rc)\d*)?$/i.test(segment)) return segment.toLowerCase();
  }
  return undefined;
}
