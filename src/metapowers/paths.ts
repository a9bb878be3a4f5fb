import { realpath } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { UsageError } from './errors.js';
import { validateName } from './name.js';

export const SECURITY_DIR = '.metapowers/security';

export interface ArtifactPaths {
  name: string;
  /** `<cwd>/.metapowers/security`. */
  base: string;
  /** `<cwd>/.metapowers/security/NAME`. */
  dir: string;
  govern: string;
  protectMarkdown: string;
  protectJson: string;
  skipLog: string;
}

export function isInside(parent: string, child: string): boolean {
  const rel = relative(parent, child);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}

function contained(base: string, path: string): string {
  if (!isInside(base, path)) {
    throw new UsageError(`The path ${path} would fall outside ${base}.`, {
      attempted: 'resolve the audit artifacts',
      hint: 'Choose a NAME made of letters, digits, ".", "_" and "-".',
    });
  }
  return path;
}

/** The `.metapowers/security/NAME` layout, relative to `cwd`; validates NAME first. */
export function artifactPaths(name: string, cwd: string = process.cwd()): ArtifactPaths {
  validateName(name);
  const base = resolve(cwd, SECURITY_DIR);
  const dir = contained(base, resolve(base, name));
  const file = (leaf: string): string => contained(base, join(dir, leaf));
  return {
    name,
    base,
    dir,
    govern: file('00-govern.md'),
    protectMarkdown: file('02-protect.md'),
    protectJson: file('02-protect.json'),
    skipLog: file('skip-log.md'),
  };
}

/** How a path is shown to the user: relative to `cwd` when inside it, with `/` separators. */
export function displayPath(path: string, cwd: string = process.cwd()): string {
  const rel = relative(cwd, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return path;
  return rel.split('\\').join('/');
}

/**
 * Verifies, once the artifact folder exists, that symbolic links do not take it outside
 * `.metapowers/security/`.
 */
export async function assertRealDirInside(paths: ArtifactPaths): Promise<void> {
  const [base, dir] = await Promise.all([realpath(paths.base), realpath(paths.dir)]);
  contained(base, dir);
}
