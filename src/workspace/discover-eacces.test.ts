import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it, vi } from 'vitest';
import { discoverWorkspace } from './discover.js';

// Root ignores permission bits, so the refusal is simulated for the CI containers that run as root.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const readdir = (async (path: string, options?: unknown) => {
    if (path.endsWith('/locked')) throw Object.assign(new Error(`EACCES: permission denied, scandir '${path}'`), { code: 'EACCES' });
    return actual.readdir(path, options as { withFileTypes: true });
  }) as typeof actual.readdir;
  return { ...actual, readdir };
});

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'apisec-eacces-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

it('reports a directory it may not read and goes on with the rest', async () => {
  await mkdir(join(root, 'locked'));
  await mkdir(join(root, 'open'));
  await writeFile(join(root, 'locked/a.py'), 'x');
  await writeFile(join(root, 'open/b.py'), 'x');
  const { files, diagnostics } = await discoverWorkspace(root);
  expect(files.map((file) => file.path)).toEqual(['open/b.py']);
  expect(diagnostics).toEqual([
    { level: 'warning', file: 'locked', message: 'cannot read directory (permission denied); skipped', source: 'workspace' },
  ]);
});
