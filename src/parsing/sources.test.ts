import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { discoverWorkspace, type WorkspaceFile } from '../workspace/discover.js';
import { readTextFile } from '../workspace/read.js';
import { parse } from './parser.js';
import { freeSources, parseSources, summariseSyntaxErrors } from './sources.js';

let root: string;

async function put(relative: string, content: string | Buffer): Promise<void> {
  await mkdir(dirname(join(root, relative)), { recursive: true });
  await writeFile(join(root, relative), content);
}

beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'apisec-sources-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

const BROKEN_PYTHON = `from fastapi import FastAPI

app = FastAPI()

@app.get("/users/{id}")
def get_user(id: int:
    return {"id": id

class User(
    name: str = = 1
    if True
        pass
`;

describe('parseSources', () => {
  it('parses each source once, in path order, and reads nothing else', async () => {
    await put('app/main.py', 'from fastapi import FastAPI\napp = FastAPI()\n');
    await put('web/server.ts', 'import express from "express";\nconst app = express();\n');
    await put('web/page.tsx', 'export const Page = () => <div/>;\n');
    await put('openapi.yaml', 'openapi: 3.1.0\n');
    await put('package.json', '{}');
    const { files } = await discoverWorkspace(root);
    const reads: string[] = [];
    const { sources, diagnostics } = await parseSources(files, async (file: WorkspaceFile) => {
      reads.push(file.path);
      return readTextFile(file);
    });
    try {
      expect(diagnostics).toEqual([]);
      expect(reads).toEqual(['app/main.py', 'web/page.tsx', 'web/server.ts']);
      expect(sources.map((s) => [s.file, s.language, s.tree.rootNode.type, s.tree.rootNode.hasError])).toEqual([
        ['app/main.py', 'python', 'module', false],
        ['web/page.tsx', 'tsx', 'program', false],
        ['web/server.ts', 'typescript', 'program', false],
      ]);
      expect(sources[0]?.text).toBe('from fastapi import FastAPI\napp = FastAPI()\n');
    } finally {
      freeSources(sources);
    }
  });

  it('keeps a broken Python file and warns with the line of the first error', async () => {
    await put('app/broken.py', BROKEN_PYTHON);
    const { files } = await discoverWorkspace(root);
    const { sources, diagnostics } = await parseSources(files, readTextFile);
    try {
      expect(sources.map((s) => s.file)).toEqual(['app/broken.py']);
      expect(sources[0]?.tree.rootNode.hasError).toBe(true);
      expect(diagnostics).toEqual([
        {
          level: 'warning',
          file: 'app/broken.py',
          line: 6,
          message: 'syntax error near line 6; results for this file may be incomplete',
          source: 'parser',
        },
      ]);
    } finally {
      freeSources(sources);
    }
  });

  it('does not warn for a small error in a large file', async () => {
    const body = 'def handler(request):\n    return {"ok": True}\n\n'.repeat(60);
    await put('app/mostly_fine.py', `${body}def broken(:\n    pass\n`);
    const { files } = await discoverWorkspace(root);
    const { sources, diagnostics } = await parseSources(files, readTextFile);
    try {
      expect(sources[0]?.tree.rootNode.hasError).toBe(true);
      expect(diagnostics).toEqual([]);
    } finally {
      freeSources(sources);
    }
  });

  it('passes on the reader diagnostics for binary sources and goes on', async () => {
    await put('bin/blob.py', Buffer.from([0x00, 0x01, 0x02, 0xff]));
    await put('ok.py', 'x = 1\n');
    const { files } = await discoverWorkspace(root);
    const { sources, diagnostics } = await parseSources(files, readTextFile);
    try {
      expect(sources.map((s) => s.file)).toEqual(['ok.py']);
      expect(diagnostics).toEqual([{ level: 'warning', file: 'bin/blob.py', message: 'binary file, skipped', source: 'workspace' }]);
    } finally {
      freeSources(sources);
    }
  });

  it('returns nothing, without loading grammars, when there are no sources', async () => {
    expect(await parseSources([], readTextFile)).toEqual({ sources: [], diagnostics: [] });
  });
});

describe('summariseSyntaxErrors', () => {
  it('is undefined for a clean tree', async () => {
    const tree = await parse('python', 'def f():\n    return 1\n');
    expect(tree && summariseSyntaxErrors(tree)).toBeUndefined();
    tree?.delete();
  });

  it('counts complete statements inside an ERROR node as parsed', async () => {
    const tree = await parse('python', BROKEN_PYTHON);
    if (!tree) throw new Error('no tree');
    expect(tree.rootNode.type).toBe('ERROR');
    const summary = summariseSyntaxErrors(tree);
    expect(summary?.firstLine).toBe(6);
    expect(summary?.coverage).toBeGreaterThan(0.4);
    expect(summary?.coverage).toBeLessThan(0.8);
    tree.delete();
  });

  it('reports the line of a missing token in TypeScript', async () => {
    const tree = await parse('typescript', 'const a = 1;\nfunction f( {\n  return a;\n}\n');
    if (!tree) throw new Error('no tree');
    expect(summariseSyntaxErrors(tree)?.firstLine).toBe(2);
    tree.delete();
  });
});
