import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomic } from './atomic.js';
import { ArtifactWriteError } from './errors.js';

describe('writeFileAtomic', () => {
  let dir: string;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apisec-atomic-'));
  });
  afterEach(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('creates and then replaces a file', async () => {
    const target = join(dir, '02-protect.md');
    await writeFileAtomic(target, 'first\n');
    expect(await readFile(target, 'utf8')).toBe('first\n');
    await writeFileAtomic(target, 'second\n');
    expect(await readFile(target, 'utf8')).toBe('second\n');
    expect(await readdir(dir)).toEqual(['02-protect.md']);
  });

  it('keeps the previous file and leaves no temp file when the run fails before the rename', async () => {
    const target = join(dir, '02-protect.md');
    await writeFile(target, 'previous audit\n');
    const failing = writeFileAtomic(target, 'half-written audit', {
      rename: () => Promise.reject(new Error('interrupted')),
    });
    await expect(failing).rejects.toBeInstanceOf(ArtifactWriteError);
    await expect(failing).rejects.toMatchObject({ cause: { message: 'interrupted' } });
    expect(await readFile(target, 'utf8')).toBe('previous audit\n');
    expect(await readdir(dir)).toEqual(['02-protect.md']);
  });

  it('fails cleanly when the folder does not exist', async () => {
    const target = join(dir, 'missing', '02-protect.md');
    await expect(writeFileAtomic(target, 'x')).rejects.toThrow(`Could not write ${target}.`);
    expect(await readdir(dir)).toEqual([]);
  });
});
