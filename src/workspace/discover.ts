import { lstat, readFile, readdir, realpath, stat } from 'node:fs/promises';
import { join, relative, resolve, sep } from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { Diagnostic } from '../model/types.js';
import { languageOf, type SourceLanguage } from '../parsing/languages.js';
import type { ExcludedFile, ScopeRules } from './scope.js';

export type FileKind = 'spec-candidate' | 'graphql' | 'proto' | 'source' | 'manifest' | 'other';

export interface WorkspaceFile {
  /** Relative to the root, `/` separators. */
  path: string;
  /** Where to read it: for a symlinked file, its real path. */
  absolute: string;
  size: number;
  kind: FileKind;
  language?: SourceLanguage;
}

export interface DiscoverOptions {
  /** Cap for every file that will be read; default 5 MiB (64 MiB for `.json`/`.yaml`/`.yml`). */
  maxFileBytes?: number;
  /** Cap for `.json`/`.yaml`/`.yml` files; default 64 MiB, or `maxFileBytes` when that is given. */
  maxSpecFileBytes?: number;
  /** Files that never serve requests (tests, examples, vendored code…) are listed in `excluded` instead. */
  scope?: ScopeRules;
}

export const DEFAULT_MAX_SOURCE_BYTES = 5 * 1024 * 1024;
export const DEFAULT_MAX_SPEC_BYTES = 64 * 1024 * 1024;

/** Directories never walked, whatever `.gitignore` says. */
export const SKIPPED_DIRECTORIES: ReadonlySet<string> = new Set([
  'node_modules',
  'vendor',
  '.git',
  'dist',
  'build',
  'out',
  'target',
  '.next',
  '.venv',
  'venv',
  '__pycache__',
  'coverage',
  '.metapowers',
  '.tox',
  'site-packages',
]);

const MANIFEST_NAMES: ReadonlySet<string> = new Set([
  'package.json',
  'pyproject.toml',
  'Pipfile',
  'go.mod',
  'pom.xml',
  'build.gradle',
  'build.gradle.kts',
  'composer.json',
  'Gemfile',
]);

const SPEC_EXTENSIONS = ['.json', '.yaml', '.yml'];
const GRAPHQL_EXTENSIONS = ['.graphql', '.gql', '.graphqls'];

/** Longest `.gitignore` line kept, and most `**` segments in one pattern (real files use a few). */
const MAX_GITIGNORE_LINE = 4096;
const MAX_GLOBSTARS = 16;

/**
 * `.gitignore` text made safe for the `ignore` package, whose regular expressions backtrack
 * catastrophically on repeated `**\/` (15 of them on a 25-deep path take minutes): runs of `**\/`
 * and of `*` are collapsed (same meaning), and a line still too long or too starred is left out,
 * each change said in a note.
 */
export function safeGitignore(text: string): { text: string; notes: string[] } {
  const notes: string[] = [];
  const lines = text.split(/\r?\n/).map((raw, index) => {
    // Three or more asterisks are ordinary asterisks for git (`***` is `*`); then runs of `**/` are one `**/`.
    let line = raw.replace(/\*{3,}/g, '*').replace(/(?:\*\*\/)+/g, '**/').replace(/(?:\/\*\*)+(?=\/|$)/g, '/**');
    const globstars = line.match(/\*\*/g)?.length ?? 0;
    if (line.length > MAX_GITIGNORE_LINE || globstars > MAX_GLOBSTARS) {
      notes.push(`line ${index + 1} (${raw.length} characters, ${globstars} \`**\`) is too long or too wild to match safely; ignored`);
      line = '';
    } else if (line !== raw) {
      notes.push(`line ${index + 1}: repeated \`**/\` or \`*\` collapsed (same meaning) so that matching stays fast`);
    }
    return line;
  });
  return { text: lines.join('\n'), notes };
}

export function classify(path: string): { kind: FileKind; language?: SourceLanguage } {
  const name = path.slice(path.lastIndexOf('/') + 1);
  const lower = name.toLowerCase();
  if (isManifestName(path, name)) return { kind: 'manifest' };
  if (SPEC_EXTENSIONS.some((ext) => lower.endsWith(ext))) return { kind: 'spec-candidate' };
  if (GRAPHQL_EXTENSIONS.some((ext) => lower.endsWith(ext))) return { kind: 'graphql' };
  if (lower.endsWith('.proto')) return { kind: 'proto' };
  const language = languageOf(name);
  if (language) return { kind: 'source', language };
  return { kind: 'other' };
}

function isManifestName(path: string, name: string): boolean {
  if (MANIFEST_NAMES.has(name)) return true;
  if (!name.endsWith('.txt')) return false;
  // `requirements/base.txt` is as common as `requirements-dev.txt` in Django projects.
  return name.startsWith('requirements') || path.endsWith(`requirements/${name}`);
}

function capFor(kind: FileKind, path: string, options: DiscoverOptions): number | undefined {
  if (kind === 'other') return undefined;
  const lower = path.toLowerCase();
  if (SPEC_EXTENSIONS.some((ext) => lower.endsWith(ext))) {
    return options.maxSpecFileBytes ?? options.maxFileBytes ?? DEFAULT_MAX_SPEC_BYTES;
  }
  return options.maxFileBytes ?? DEFAULT_MAX_SOURCE_BYTES;
}

interface Matcher {
  /** Directory of the `.gitignore`, relative to the root ('' for the root). */
  base: string;
  rules: Ignore;
}

interface PendingDir {
  /** Relative path as reported ('' for the root). */
  path: string;
  /** Real absolute path. */
  real: string;
  matchers: readonly Matcher[];
}

interface PendingLink {
  path: string;
  absolute: string;
  matchers: readonly Matcher[];
}

function isIgnored(matchers: readonly Matcher[], path: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { base, rules } of matchers) {
    const rel = base === '' ? path : path.slice(base.length + 1);
    try {
      const result = rules.test(isDir ? `${rel}/` : rel);
      if (result.ignored) ignored = true;
      else if (result.unignored) ignored = false;
    } catch {
      // `ignore` rejects names it reads as non-relative (e.g. `...`); git would not match them either.
    }
  }
  return ignored;
}

function errorCode(error: unknown): string | undefined {
  if (error instanceof Error && 'code' in error && typeof error.code === 'string') return error.code;
  return undefined;
}

function describe(error: unknown): string {
  const code = errorCode(error);
  if (code === 'EACCES' || code === 'EPERM') return 'permission denied';
  if (code) return code;
  return error instanceof Error ? error.message : String(error);
}

function isInside(rootReal: string, candidate: string): boolean {
  return candidate === rootReal || candidate.startsWith(rootReal.endsWith(sep) ? rootReal : rootReal + sep);
}

function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Lists the files under `root` that an audit may read, sorted by path.
 * Honours `.gitignore` files (each in its own subtree), skips dependency and build folders,
 * and never leaves `root` through a symlink.
 */
export async function discoverWorkspace(
  root: string,
  options: DiscoverOptions = {},
): Promise<{ files: WorkspaceFile[]; diagnostics: Diagnostic[]; excluded: ExcludedFile[] }> {
  const diagnostics: Diagnostic[] = [];
  const excluded: ExcludedFile[] = [];
  const rootReal = await realpath(resolve(root));
  const files = new Map<string, WorkspaceFile>();
  const seenReal = new Set<string>();
  const visitedDirs = new Set<string>();
  const links: PendingLink[] = [];

  const warn = (level: Diagnostic['level'], file: string, message: string): void => {
    diagnostics.push({ level, file: file === '' ? '.' : file, message, source: 'workspace' });
  };

  const addFile = (path: string, absolute: string, size: number): void => {
    if (seenReal.has(absolute)) return;
    const classified = classify(path);
    const reason = options.scope?.ofPath(path, classified.kind);
    if (reason !== undefined) {
      seenReal.add(absolute);
      excluded.push({ path, reason });
      return;
    }
    const cap = capFor(classified.kind, path, options);
    if (cap !== undefined && size > cap) {
      warn('warning', path, `file is ${size} bytes, over the ${cap}-byte limit; not read`);
      return;
    }
    seenReal.add(absolute);
    files.set(path, { path, absolute, size, ...classified });
  };

  const walk = async (start: PendingDir): Promise<void> => {
    const stack: PendingDir[] = [start];
    for (let dir = stack.pop(); dir; dir = stack.pop()) {
      if (visitedDirs.has(dir.real)) continue;
      visitedDirs.add(dir.real);
      let entries;
      try {
        entries = await readdir(dir.real, { withFileTypes: true });
      } catch (error) {
        warn('warning', dir.path, `cannot read directory (${describe(error)}); skipped`);
        continue;
      }
      let matchers = dir.matchers;
      if (entries.some((entry) => entry.name === '.gitignore' && entry.isFile())) {
        try {
          const text = await readFile(join(dir.real, '.gitignore'), 'utf8');
          const safe = safeGitignore(text);
          const where = dir.path === '' ? '.gitignore' : `${dir.path}/.gitignore`;
          for (const note of safe.notes) warn('warning', where, note);
          matchers = [...matchers, { base: dir.path, rules: ignore({ ignorecase: false }).add(safe.text) }];
        } catch (error) {
          warn('warning', dir.path === '' ? '.gitignore' : `${dir.path}/.gitignore`, `cannot read .gitignore (${describe(error)})`);
        }
      }
      entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
      const subdirs: PendingDir[] = [];
      const regular: { path: string; absolute: string }[] = [];
      for (const entry of entries) {
        const path = dir.path === '' ? entry.name : `${dir.path}/${entry.name}`;
        const absolute = join(dir.real, entry.name);
        if (entry.isDirectory()) {
          if (SKIPPED_DIRECTORIES.has(entry.name) || isIgnored(matchers, path, true)) continue;
          subdirs.push({ path, real: absolute, matchers });
        } else if (entry.isSymbolicLink()) {
          links.push({ path, absolute, matchers });
        } else if (entry.isFile() && !isIgnored(matchers, path, false)) {
          regular.push({ path, absolute });
        }
      }
      const sizes = await Promise.allSettled(regular.map(({ absolute }) => lstat(absolute)));
      regular.forEach(({ path, absolute }, index) => {
        const outcome = sizes[index];
        if (outcome?.status === 'fulfilled') addFile(path, absolute, outcome.value.size);
        else warn('warning', path, `cannot stat file (${describe(outcome?.reason)}); skipped`);
      });
      // Reversed so the stack pops them in name order.
      for (let i = subdirs.length - 1; i >= 0; i--) {
        const sub = subdirs[i];
        if (sub) stack.push(sub);
      }
    }
  };

  await walk({ path: '', real: rootReal, matchers: [] });

  // Links are resolved after the real tree so a file or folder is reported at its real place
  // when it has one; a link only adds what the walk did not reach.
  for (let index = 0; index < links.length; index++) {
    const link = links[index];
    if (!link) continue;
    await followLink(link);
  }

  async function followLink(link: PendingLink): Promise<void> {
    let target: string;
    try {
      target = await realpath(link.absolute);
    } catch (error) {
      const code = errorCode(error);
      if (code !== 'ENOENT' && code !== 'ELOOP') warn('info', link.path, `cannot resolve symlink (${describe(error)}); skipped`);
      return;
    }
    if (!isInside(rootReal, target)) {
      warn('info', link.path, 'symlink points outside the audited directory; not followed');
      return;
    }
    const inside = toPosix(relative(rootReal, target));
    if (inside.split('/').some((segment) => SKIPPED_DIRECTORIES.has(segment))) return;
    let info;
    try {
      info = await stat(target);
    } catch (error) {
      warn('info', link.path, `cannot stat symlink target (${describe(error)}); skipped`);
      return;
    }
    if (info.isDirectory()) {
      const name = link.path.slice(link.path.lastIndexOf('/') + 1);
      if (SKIPPED_DIRECTORIES.has(name) || isIgnored(link.matchers, link.path, true)) return;
      // Links found inside are queued at the end of `links` and handled by the same loop.
      await walk({ path: link.path, real: target, matchers: link.matchers });
    } else if (info.isFile()) {
      if (isIgnored(link.matchers, link.path, false)) return;
      addFile(link.path, target, info.size);
    }
  }

  const sorted = [...files.values()].sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  diagnostics.sort((a, b) => {
    const fa = a.file ?? '';
    const fb = b.file ?? '';
    return fa < fb ? -1 : fa > fb ? 1 : 0;
  });
  excluded.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files: sorted, diagnostics, excluded };
}
