import { lstatSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import path from 'node:path';

/**
 * Packages of the monorepo the audited directory belongs to (pnpm `pnpm-workspace.yaml`, npm/yarn/bun
 * `workspaces` in package.json), found from disk: generated service descriptors often live in a sibling
 * package (`@acme/proto`) that the audited app imports by name. Reads only regular files under the
 * monorepo root, never through a link that leaves it, each under 2 MiB; the search stops at the
 * repository root (`.git`) and a few levels up.
 */
export class WorkspacePackages {
  /** The monorepo root, else the audited directory: no file outside it is read. */
  private readonly top: string | undefined;
  private readonly monorepo: boolean;
  private packages: Map<string, string> | undefined;

  constructor(root: string) {
    const found = monorepoRoot(root);
    this.monorepo = found !== undefined;
    this.top = found ?? realOrUndefined(root);
  }

  /** The directory reads are confined to, absolute. */
  get root(): string | undefined {
    return this.top;
  }

  /** The file a bare specifier (`@acme/proto/health/v1`) names in a workspace package, absolute; undefined when none. */
  resolve(specifier: string): string | undefined {
    if (!this.top || !this.monorepo || specifier.startsWith('.') || specifier.startsWith('/')) return undefined;
    const parts = specifier.split('/');
    const count = specifier.startsWith('@') ? 2 : 1;
    const name = parts.slice(0, count).join('/');
    const subpath = ['.', ...parts.slice(count)].join('/');
    const dir = this.byName().get(name);
    if (!dir) return undefined;
    const manifest = readJson(this.top, path.join(dir, 'package.json'));
    const target = exportTarget(manifest, subpath);
    const candidates = target !== undefined ? [target] : subpath === '.' ? ['index'] : [subpath];
    for (const candidate of candidates) {
      const found = this.sourceFile(path.resolve(dir, candidate));
      if (found) return found;
    }
    return undefined;
  }

  /** A relative import from a file read through this class: `.js` written for `.ts`, index files. */
  resolveRelative(fromFile: string, specifier: string): string | undefined {
    if (!specifier.startsWith('.')) return undefined;
    return this.sourceFile(path.resolve(path.dirname(fromFile), specifier));
  }

  /** The text of a file under the monorepo root, or undefined. */
  read(file: string): string | undefined {
    return this.top ? readConfined(this.top, file) : undefined;
  }

  private sourceFile(base: string): string | undefined {
    const stripped = base.replace(/\.(?:m|c)?jsx?$/, '');
    const candidates = [base, ...['.ts', '.tsx', '.mts', '.js', '.mjs'].map((ext) => stripped + ext), ...['.ts', '.js'].map((ext) => path.join(base, `index${ext}`))];
    for (const candidate of candidates) if (this.top && isFile(this.top, candidate)) return candidate;
    return undefined;
  }

  private byName(): Map<string, string> {
    if (this.packages) return this.packages;
    this.packages = new Map();
    if (!this.top) return this.packages;
    let budget = 2000;
    for (const pattern of workspacePatterns(this.top)) {
      for (const dir of expand(this.top, pattern, () => --budget > 0)) {
        const manifest = readJson(this.top, path.join(dir, 'package.json'));
        const name = manifest && typeof manifest.name === 'string' ? manifest.name : undefined;
        if (name && !this.packages.has(name)) this.packages.set(name, dir);
      }
    }
    return this.packages;
  }
}

const MAX_BYTES = 2 * 1024 * 1024;

function realOrUndefined(dir: string): string | undefined {
  try {
    return realpathSync(dir);
  } catch {
    return undefined;
  }
}

function monorepoRoot(root: string): string | undefined {
  let dir = realOrUndefined(root);
  if (dir === undefined) return undefined;
  for (let level = 0; level < 6; level++) {
    if (workspacePatterns(dir).length > 0) return dir;
    if (exists(path.join(dir, '.git'))) return undefined;
    const parent = path.dirname(dir);
    if (parent === dir) return undefined;
    dir = parent;
  }
  return undefined;
}

function workspacePatterns(dir: string): string[] {
  const patterns: string[] = [];
  const pnpm = readConfined(dir, path.join(dir, 'pnpm-workspace.yaml'));
  if (pnpm !== undefined) {
    // The `packages:` list of pnpm-workspace.yaml: `  - 'apps/*'` items until the next top-level key.
    let inPackages = false;
    for (const line of pnpm.split('\n')) {
      if (/^packages\s*:/.test(line)) inPackages = true;
      else if (/^\S/.test(line)) inPackages = false;
      else if (inPackages) {
        const item = /^\s*-\s*['"]?([^'"#\s]+)['"]?/.exec(line)?.[1];
        if (item && !item.startsWith('!')) patterns.push(item);
      }
    }
  }
  const manifest = readJson(dir, path.join(dir, 'package.json'));
  const workspaces = manifest?.workspaces;
  const list = Array.isArray(workspaces) ? workspaces : isRecord(workspaces) && Array.isArray(workspaces.packages) ? workspaces.packages : [];
  for (const item of list) if (typeof item === 'string' && !item.startsWith('!')) patterns.push(item);
  return patterns;
}

/** Directories a workspace glob names (`apps/*`, `packages/**`, `tools/cli`); `**` descends three levels. */
function expand(top: string, pattern: string, more: () => boolean): string[] {
  const parts = pattern.replace(/^\.\//, '').replace(/\/+$/, '').split('/').filter((part) => part !== '');
  let dirs = [top];
  for (const part of parts) {
    const next: string[] = [];
    for (const dir of dirs) {
      if (part === '**') {
        let level = [dir];
        next.push(dir);
        for (let depth = 0; depth < 3; depth++) {
          level = level.flatMap((current) => subdirs(top, current, more));
          next.push(...level);
        }
      } else if (part.includes('*')) {
        const regex = new RegExp(`^${part.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replaceAll('*', '[^/]*')}$`);
        next.push(...subdirs(top, dir, more).filter((sub) => regex.test(path.basename(sub))));
      } else next.push(path.join(dir, part));
    }
    dirs = [...new Set(next)];
  }
  return dirs;
}

function subdirs(top: string, dir: string, more: () => boolean): string[] {
  try {
    return readdirSync(dir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && entry.name !== 'node_modules' && !entry.name.startsWith('.') && more())
      .map((entry) => path.join(dir, entry.name))
      .filter((sub) => inside(top, sub));
  } catch {
    return [];
  }
}

/** `exports` (string, subpath map, or conditions `import`/`types`/`default`), else `types`/`module`/`main` for `.`. */
function exportTarget(manifest: Record<string, unknown> | undefined, subpath: string): string | undefined {
  if (!manifest) return undefined;
  const pick = (value: unknown): string | undefined => {
    if (typeof value === 'string') return value;
    if (!isRecord(value)) return undefined;
    for (const condition of ['import', 'default', 'require', 'types']) {
      const found = pick(value[condition]);
      if (found) return found;
    }
    return undefined;
  };
  const exports = manifest.exports;
  if (typeof exports === 'string') return subpath === '.' ? exports : undefined;
  if (isRecord(exports)) {
    const keyed = Object.keys(exports).some((key) => key.startsWith('.'));
    if (!keyed) return subpath === '.' ? pick(exports) : undefined;
    const direct = pick(exports[subpath]);
    if (direct) return direct;
    for (const [key, value] of Object.entries(exports)) {
      const star = key.indexOf('*');
      if (star < 0) continue;
      const head = key.slice(0, star);
      const tail = key.slice(star + 1);
      if (subpath.startsWith(head) && subpath.endsWith(tail) && subpath.length >= head.length + tail.length) {
        const target = pick(value);
        if (target) return target.replace('*', subpath.slice(head.length, subpath.length - tail.length));
      }
    }
    return undefined;
  }
  if (subpath !== '.') return undefined;
  for (const key of ['types', 'module', 'main']) if (typeof manifest[key] === 'string') return manifest[key];
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function readJson(top: string, file: string): Record<string, unknown> | undefined {
  const text = readConfined(top, file);
  if (text === undefined) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

function inside(top: string, candidate: string): boolean {
  return candidate === top || candidate.startsWith(top.endsWith(path.sep) ? top : top + path.sep);
}

function exists(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}

function isFile(top: string, file: string): boolean {
  try {
    const real = realpathSync(file);
    return inside(top, real) && lstatSync(real).isFile();
  } catch {
    return false;
  }
}

function readConfined(top: string, file: string): string | undefined {
  try {
    const real = realpathSync(file);
    if (!inside(top, real)) return undefined;
    const stat = lstatSync(real);
    if (!stat.isFile() || stat.size > MAX_BYTES) return undefined;
    return readFileSync(real, 'utf8');
  } catch {
    return undefined;
  }
}
