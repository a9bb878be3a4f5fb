import { lstat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import { SECURITY_DIR } from './paths.js';

export interface MetapowersLocation {
  /** The folder that holds (or will hold) `.metapowers/`. */
  base: string;
  /** Every folder looked at, in order: DIR up to the repository root, then the working directory. */
  checked: string[];
}

async function exists(path: string, kind: 'file' | 'directory'): Promise<boolean> {
  // lstat: a link is never taken for the real thing here; the artifact code refuses links later.
  const info = await lstat(path).catch(() => undefined);
  return info !== undefined && (kind === 'file' ? info.isFile() : info.isDirectory());
}

/**
 * Where `.metapowers/security/NAME/` lives: the first of DIR, its parents up to the repository
 * root (the folder holding `.git`; DIR alone when it is in no repository) and then the working
 * directory that holds `00-govern.md` for NAME; failing that, the first that holds a `.metapowers`
 * folder; failing that, the working directory (where seed 000 puts it).
 */
export async function locateMetapowers(name: string, dir: string, cwd: string): Promise<MetapowersLocation> {
  const start = resolve(dir);
  const up: string[] = [];
  let repository = false;
  for (let current = start; ; current = dirname(current)) {
    up.push(current);
    if (await exists(join(current, '.git'), 'directory').then((found) => found || exists(join(current, '.git'), 'file'))) {
      repository = true;
      break;
    }
    if (dirname(current) === current) break;
  }
  const walked = repository ? up : [start];
  const checked = [...new Set([...walked, resolve(cwd)])];
  for (const folder of checked) {
    if (await exists(join(folder, SECURITY_DIR, name, '00-govern.md'), 'file')) return { base: folder, checked };
  }
  for (const folder of checked) {
    if (await exists(join(folder, '.metapowers'), 'directory')) return { base: folder, checked };
  }
  return { base: resolve(cwd), checked };
}
