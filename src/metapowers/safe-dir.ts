import { constants, type Stats } from 'node:fs';
import { lstat, mkdir, realpath } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { ArtifactWriteError } from './errors.js';
import type { ArtifactPaths } from './paths.js';
import { SECURITY_DIR, displayPath } from './paths.js';

/** `O_NOFOLLOW` where the platform has it: opening a symbolic link then fails instead of following it. */
export const O_NOFOLLOW = (constants as Partial<typeof constants>).O_NOFOLLOW ?? 0;
/** `O_NONBLOCK` where the platform has it: opening a FIFO for writing then fails instead of waiting. */
export const O_NONBLOCK = (constants as Partial<typeof constants>).O_NONBLOCK ?? 0;

function errorCode(error: unknown): string | undefined {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

async function lstatOrMissing(path: string): Promise<Stats | undefined> {
  try {
    return await lstat(path);
  } catch (error) {
    if (errorCode(error) === 'ENOENT') return undefined;
    throw error;
  }
}

function refuse(message: string, where: string): never {
  throw new ArtifactWriteError(message, {
    attempted: 'prepare the audit folder',
    where,
    hint: 'apisec writes only into real folders under .metapowers/security/ in the working directory: remove the link or file, or run the audit from another directory.',
  });
}

/** A file-system failure on `path`, as the error the CLI explains (exit code 2). */
export function fileSystemError(error: unknown, path: string, attempted: string): ArtifactWriteError {
  const code = errorCode(error);
  const reason =
    code === 'EACCES' || code === 'EPERM'
      ? 'permission denied'
      : code === 'EROFS'
        ? 'the file system is read-only'
        : code === 'ENOSPC'
          ? 'the disk is full'
          : (code ?? 'file-system error');
  return new ArtifactWriteError(`Could not ${attempted} ${path}: ${reason}.`, {
    cause: error,
    attempted,
    where: path,
    hint: 'Check that the working directory is writable (apisec writes .metapowers/security/NAME/ in it), or run the audit from a writable directory.',
  });
}

/**
 * Checks each component of `.metapowers/security/NAME` below `cwd` without following links: each
 * must be a real folder, never a symbolic link, so nothing can redirect the artifacts. With
 * `create`, missing components are made. Returns whether the folder exists.
 */
export async function ensureArtifactDir(paths: ArtifactPaths, cwd: string, options: { create: boolean }): Promise<boolean> {
  const root = resolve(cwd);
  let current = root;
  for (const part of [...SECURITY_DIR.split('/'), paths.name]) {
    current = join(current, part);
    const shown = displayPath(current, root);
    let info: Stats | undefined;
    try {
      info = await lstatOrMissing(current);
      if (info === undefined) {
        if (!options.create) return false;
        await mkdir(current, { mode: 0o755 }).catch((error: unknown) => {
          if (errorCode(error) !== 'EEXIST') throw error;
        });
        info = await lstat(current);
      }
    } catch (error) {
      throw fileSystemError(error, current, 'create the folder');
    }
    if (info.isSymbolicLink()) refuse(`${shown} is a symbolic link; apisec does not write its artifacts through links.`, current);
    if (!info.isDirectory()) refuse(`${shown} is not a folder.`, current);
  }
  // The working directory itself may sit behind a link (e.g. /tmp on macOS): compare real paths.
  const [realRoot, realDir] = await Promise.all([realpath(root), realpath(paths.dir)]);
  if (realDir !== join(realRoot, SECURITY_DIR, paths.name)) {
    refuse(`${displayPath(paths.dir, root)} resolves to ${realDir}, outside the working directory.`, paths.dir);
  }
  return true;
}
