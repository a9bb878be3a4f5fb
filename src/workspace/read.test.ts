import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classify, type WorkspaceFile } from './discover.js';
import { readTextFile } from './read.js';

let root: string;

async function file(name: string, content: Buffer | string): Promise<WorkspaceFile> {
  const absolute = join(root, name);
  await writeFile(absolute, content);
  return { path: name, absolute, size: Buffer.byteLength(content), ...classify(name) };
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'apisec-read-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

describe('readTextFile', () => {
  it('reads UTF-8 text and strips a BOM', async () => {
    const f = await file('openapi.yaml', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('openapi: 3.1.0\ntitle: café\n')]));
    expect(await readTextFile(f)).toEqual({ text: 'openapi: 3.1.0\ntitle: café\n' });
  });

  it('skips a .yaml file with a NUL byte as binary', async () => {
    const f = await file('logo.yaml', Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d]));
    expect(await readTextFile(f)).toEqual({
      diagnostic: { level: 'warning', file: 'logo.yaml', message: 'binary file, skipped', source: 'workspace' },
    });
  });

  it('skips bytes that are mostly invalid UTF-8 even without NUL', async () => {
    const bytes = Buffer.alloc(4096);
    for (let i = 0; i < bytes.length; i++) bytes[i] = 0x80 + (i % 0x7f);
    const f = await file('blob.json', bytes);
    expect(await readTextFile(f)).toEqual({
      diagnostic: { level: 'warning', file: 'blob.json', message: 'binary file, skipped', source: 'workspace' },
    });
  });

  it('keeps a mostly-valid file with a stray Latin-1 byte, with a replacement character', async () => {
    const bytes = Buffer.concat([Buffer.from('# r'), Buffer.from([0xe9]), Buffer.from('sum\n' + 'x = 1\n'.repeat(50))]);
    const f = await file('app.py', bytes);
    const result = await readTextFile(f);
    expect(result).toEqual({ text: '# r\ufffdsum\n' + 'x = 1\n'.repeat(50) });
  });

  it('decodes UTF-16 with a BOM instead of calling it binary', async () => {
    const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from('a: 1\n', 'utf16le')]);
    const f = await file('config.yaml', utf16);
    expect(await readTextFile(f)).toEqual({ text: 'a: 1\n' });
  });

  it('reports a file that vanished after discovery', async () => {
    const f = await file('gone.py', 'x');
    await rm(f.absolute);
    expect(await readTextFile(f)).toEqual({
      diagnostic: { level: 'warning', file: 'gone.py', message: 'cannot read file (ENOENT); skipped', source: 'workspace' },
    });
  });
});
