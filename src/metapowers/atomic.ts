import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { ArtifactWriteError } from './errors.js';
import { O_NOFOLLOW } from './safe-dir.js';

const CREATE_NEW = constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | O_NOFOLLOW;

export interface AtomicWriteHooks {
  rename: (from: string, to: string) => Promise<void>;
}

const defaultHooks: AtomicWriteHooks = { rename };

async function syncDirectory(dir: string): Promise<void> {
  // Some platforms (Windows, some network filesystems) cannot fsync a directory; the rename is still atomic.
  try {
    const handle = await open(dir, 'r');
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
  } catch {
    return;
  }
}

/**
 * Writes `content` to `path` through a temporary file in the same folder, flushed and then
 * renamed over the target: a reader sees the old file or the new one, never half of either.
 * The rename replaces a link at `path` rather than writing through it; the caller verifies the
 * folder (`ensureArtifactDir`).
 */
export async function writeFileAtomic(path: string, content: string, hooks: AtomicWriteHooks = defaultHooks): Promise<void> {
  const dir = dirname(path);
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temp, CREATE_NEW, 0o644);
    try {
      await handle.writeFile(content, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await hooks.rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    throw new ArtifactWriteError(`Could not write ${path}.`, {
      cause: error,
      attempted: 'write the audit artifact',
      where: path,
      hint: 'Check that the folder is writable and the disk is not full, then run the audit again.',
    });
  }
  await syncDirectory(dir);
}
