import { chmod, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { classify, discoverWorkspace } from './discover.js';
import { readTextFile } from './read.js';

let root: string;
let outside: string;

async function put(relative: string, content: string | Buffer = ''): Promise<void> {
  const absolute = join(root, relative);
  await mkdir(dirname(absolute), { recursive: true });
  await writeFile(absolute, content);
}

async function paths(options?: Parameters<typeof discoverWorkspace>[1]): Promise<string[]> {
  const { files } = await discoverWorkspace(root, options);
  return files.map((file) => file.path);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'apisec-discover-'));
  outside = await mkdtemp(join(tmpdir(), 'apisec-outside-'));
});

afterEach(async () => {
  await chmod(root, 0o755).catch(() => undefined);
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('classify', () => {
  it.each([
    ['package.json', 'manifest', undefined],
    ['web/package.json', 'manifest', undefined],
    ['requirements.txt', 'manifest', undefined],
    ['requirements-dev.txt', 'manifest', undefined],
    ['requirements/base.txt', 'manifest', undefined],
    ['notes.txt', 'other', undefined],
    ['pyproject.toml', 'manifest', undefined],
    ['Pipfile', 'manifest', undefined],
    ['go.mod', 'manifest', undefined],
    ['pom.xml', 'manifest', undefined],
    ['build.gradle', 'manifest', undefined],
    ['build.gradle.kts', 'manifest', undefined],
    ['composer.json', 'manifest', undefined],
    ['Gemfile', 'manifest', undefined],
    ['openapi.yaml', 'spec-candidate', undefined],
    ['specs/Petstore.JSON', 'spec-candidate', undefined],
    ['api.yml', 'spec-candidate', undefined],
    ['tsconfig.json', 'spec-candidate', undefined],
    ['schema.graphql', 'graphql', undefined],
    ['schema.gql', 'graphql', undefined],
    ['schema.graphqls', 'graphql', undefined],
    ['svc.proto', 'proto', undefined],
    ['app/main.py', 'source', 'python'],
    ['server.ts', 'source', 'typescript'],
    ['page.tsx', 'source', 'tsx'],
    ['index.mjs', 'source', 'javascript'],
    ['types.d.ts', 'other', undefined],
    ['main.go', 'source', 'go'],
    ['Dockerfile', 'other', undefined],
  ])('%s is %s', (path, kind, language) => {
    const result = classify(path);
    expect(result.kind).toBe(kind);
    expect(result.language).toBe(language);
  });
});

describe('discoverWorkspace', () => {
  it('lists files sorted by path with size, kind and language', async () => {
    await put('src/b.py', 'print(1)\n');
    await put('src/a.ts', 'export {};\n');
    await put('openapi.yaml', 'openapi: 3.1.0\n');
    await put('package.json', '{}');
    const { files, diagnostics } = await discoverWorkspace(root);
    expect(diagnostics).toEqual([]);
    expect(files).toEqual([
      { path: 'openapi.yaml', absolute: join(root, 'openapi.yaml'), size: 15, kind: 'spec-candidate' },
      { path: 'package.json', absolute: join(root, 'package.json'), size: 2, kind: 'manifest' },
      { path: 'src/a.ts', absolute: join(root, 'src/a.ts'), size: 11, kind: 'source', language: 'typescript' },
      { path: 'src/b.py', absolute: join(root, 'src/b.py'), size: 9, kind: 'source', language: 'python' },
    ]);
  });

  it('honours root and nested .gitignore files, each in its own subtree, with negation', async () => {
    await put('.gitignore', '*.log\n!keep.log\nsecret/\n/generated.py\n');
    await put('app.log', 'x');
    await put('keep.log', 'x');
    await put('secret/key.py', 'x');
    await put('generated.py', 'x');
    await put('api/generated.py', 'x');
    await put('api/.gitignore', 'local.py\n!debug.log\n/only-here.py\n');
    await put('api/local.py', 'x');
    await put('api/debug.log', 'x');
    await put('api/other.log', 'x');
    await put('api/only-here.py', 'x');
    await put('api/deeper/only-here.py', 'x');
    await put('local.py', 'x');
    await put('web/local.py', 'x');
    expect(await paths()).toEqual([
      '.gitignore',
      'api/.gitignore',
      'api/debug.log',
      'api/deeper/only-here.py',
      'api/generated.py',
      'keep.log',
      'local.py',
      'web/local.py',
    ]);
  });

  it('cannot re-include a file inside an ignored directory, like git', async () => {
    await put('.gitignore', 'gen/\n!gen/keep.py\n');
    await put('gen/keep.py', 'x');
    await put('gen/drop.py', 'x');
    expect(await paths()).toEqual(['.gitignore']);
  });

  it('always skips dependency, build and tool folders but not look-alike files', async () => {
    for (const dir of ['node_modules', 'vendor', '.git', 'dist', 'build', 'out', 'target', '.next', '.venv', 'venv', '__pycache__', 'coverage', '.metapowers', '.tox']) {
      await put(`${dir}/x.py`, 'x');
    }
    await put('lib/python3.12/site-packages/flask/app.py', 'x');
    await put('packages/web/node_modules/express/index.js', 'x');
    await put('build.py', 'x');
    await put('builder/x.py', 'x');
    await put('.github/workflows/ci.yml', 'on: push\n');
    expect(await paths()).toEqual(['.github/workflows/ci.yml', 'build.py', 'builder/x.py']);
  });

  it('reports files over the size cap as warnings and does not list them', async () => {
    await put('big.py', 'x'.repeat(200));
    await put('small.py', 'x'.repeat(50));
    await put('spec.yaml', 'x'.repeat(500));
    await put('huge.json', 'x'.repeat(2000));
    await put('image.png', Buffer.alloc(5000));
    const { files, diagnostics } = await discoverWorkspace(root, { maxFileBytes: 100, maxSpecFileBytes: 1000 });
    expect(files.map((file) => file.path)).toEqual(['image.png', 'small.py', 'spec.yaml']);
    expect(diagnostics).toEqual([
      { level: 'warning', file: 'big.py', message: 'file is 200 bytes, over the 100-byte limit; not read', source: 'workspace' },
      { level: 'warning', file: 'huge.json', message: 'file is 2000 bytes, over the 1000-byte limit; not read', source: 'workspace' },
    ]);
  });

  it('applies the 5 MiB source cap and the 64 MiB spec cap by default', async () => {
    const sixMiB = Buffer.alloc(6 * 1024 * 1024, 0x20);
    await put('big.py', sixMiB);
    await put('big.yaml', sixMiB);
    const { files, diagnostics } = await discoverWorkspace(root);
    expect(files.map((file) => file.path)).toEqual(['big.yaml']);
    expect(diagnostics.map((d) => [d.file, d.message])).toEqual([
      ['big.py', `file is ${sixMiB.length} bytes, over the ${5 * 1024 * 1024}-byte limit; not read`],
    ]);
  });

  it('terminates on symlink loops and lists each file once', async () => {
    await put('a/app.py', 'x');
    await symlink('..', join(root, 'a/up'));
    await symlink('.', join(root, 'a/self'));
    await symlink('../a', join(root, 'a/again'));
    await symlink('loop2', join(root, 'loop1'));
    await symlink('loop1', join(root, 'loop2'));
    const { files } = await discoverWorkspace(root);
    expect(files.map((file) => file.path)).toEqual(['a/app.py']);
  });

  it('does not follow symlinks that leave the root', async () => {
    await writeFile(join(outside, 'secret.py'), 'TOKEN = "x"\n');
    await symlink(outside, join(root, 'linked-dir'));
    await symlink(join(outside, 'secret.py'), join(root, 'linked.py'));
    await put('main.py', 'x');
    const { files, diagnostics } = await discoverWorkspace(root);
    expect(files.map((file) => file.path)).toEqual(['main.py']);
    expect(diagnostics.map((d) => [d.level, d.file, d.message])).toEqual([
      ['info', 'linked-dir', 'symlink points outside the audited directory; not followed'],
      ['info', 'linked.py', 'symlink points outside the audited directory; not followed'],
    ]);
  });

  it('follows a symlink inside the root once, through its real path', async () => {
    await put('real/app.py', 'x');
    await put('shared/util.py', 'y');
    await put('.gitignore', 'shared/\n');
    await symlink('real/app.py', join(root, 'alias.py'));
    await symlink('shared', join(root, 'lib'));
    await symlink('real', join(root, 'zz-real-again'));
    const { files } = await discoverWorkspace(root);
    expect(files.map((file) => [file.path, file.absolute])).toEqual([
      ['.gitignore', join(root, '.gitignore')],
      ['lib/util.py', join(root, 'shared/util.py')],
      ['real/app.py', join(root, 'real/app.py')],
    ]);
  });

  it('survives hostile file names and reads them back', async () => {
    const names = ['new\nline.py', 'ünïcödé.py', '...', '..py', '..\u2024evil.yaml', ' spaced .py', 'back\\slash.js', '#hash.py', '!bang.py', '*star.py', '[x].py'];
    for (const name of names) await put(`weird/${name}`, 'x = 1\n');
    await put('.gitignore', '# comment\n\\#hash.py\n');
    const { files, diagnostics } = await discoverWorkspace(root);
    expect(diagnostics).toEqual([]);
    const listed = files.map((file) => file.path);
    const expected = ['.gitignore', ...names.filter((name) => name !== '#hash.py').map((name) => `weird/${name}`)].sort();
    expect(listed).toEqual(expected);
    for (const file of files.filter((f) => f.path.startsWith('weird/'))) {
      expect(await readTextFile(file)).toEqual({ text: 'x = 1\n' });
    }
  });

  // root reads any directory whatever its mode; discover-eacces.test.ts covers this case with a mocked readdir.
  it.skipIf(process.getuid?.() === 0)('reports an unreadable directory and goes on', async () => {
    await put('locked/a.py', 'x');
    await put('open/b.py', 'x');
    await chmod(join(root, 'locked'), 0o000);
    try {
      const { files, diagnostics } = await discoverWorkspace(root);
      expect(files.map((file) => file.path)).toEqual(['open/b.py']);
      expect(diagnostics).toEqual([
        { level: 'warning', file: 'locked', message: 'cannot read directory (permission denied); skipped', source: 'workspace' },
      ]);
    } finally {
      await chmod(join(root, 'locked'), 0o755);
    }
  });
});
