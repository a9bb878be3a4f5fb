// The benchmark's polyglot tree (bench/generate-polyglot.ts, issue 13): deterministic, every file
// parses in its language, and each framework's service serves the routes the generator wrote.
// No timing here: `npm run bench` measures.
import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FRAMEWORKS, generateBucketTree, generatePolyglotTree, generateService, type Framework } from '../bench/generate-polyglot.js';
import { BUCKET_KINDS } from '../bench/scale.js';
import { audit } from '../src/index.js';
import { languageOf, type SourceLanguage } from '../src/parsing/languages.js';
import { parseSync, prepareLanguages } from '../src/parsing/parser.js';
import { writeInput } from '../bench/hostile.js';

const scratch = mkdtempSync(path.join(os.tmpdir(), 'apisec-polyglot-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const full = path.join(dir, name);
    return statSync(full).isDirectory() ? walk(full) : [full];
  });
}

function digest(dir: string): Map<string, string> {
  return new Map(walk(dir).map((file) => [path.relative(dir, file), createHash('sha256').update(readFileSync(file)).digest('hex')]));
}

describe('generated polyglot tree', () => {
  const first = path.join(scratch, 'a');
  const tree = generatePolyglotTree(first, { lines: 12_000 });

  it('is the same, byte for byte, every time', () => {
    const second = path.join(scratch, 'b');
    const again = generatePolyglotTree(second, { lines: 12_000 });
    expect(again).toEqual(tree);
    expect(digest(second)).toEqual(digest(first));
    expect(tree.lines).toBeGreaterThanOrEqual(12_000);
    expect(tree.minified.length).toBeGreaterThan(0);
  });

  it('writes every language apisec reads, each file free of syntax errors', async () => {
    const byLanguage = new Map<SourceLanguage, number>();
    const broken: string[] = [];
    for (const file of walk(first)) {
      const language = languageOf(file);
      if (!language || file.includes(`${path.sep}static${path.sep}`)) continue;
      await prepareLanguages([language]);
      const parsed = parseSync(language, readFileSync(file, 'utf8'));
      if (!parsed || parsed.rootNode.hasError) broken.push(path.relative(first, file));
      parsed?.delete();
      byLanguage.set(language, (byLanguage.get(language) ?? 0) + 1);
    }
    expect(broken).toEqual([]);
    expect([...byLanguage.keys()].sort()).toEqual(['csharp', 'go', 'java', 'javascript', 'kotlin', 'php', 'python', 'ruby', 'typescript']);
  });
});

describe('one service per framework', () => {
  it('serves the routes the generator counted, across the files that mount them', async () => {
    const expected = new Map<Framework, number>();
    const files: Record<string, string> = {};
    for (const [index, framework] of FRAMEWORKS.entries()) {
      const service = generateService(framework, `svc${index}`, [
        { name: 'orders', extra: 0 },
        { name: 'invoices', extra: 2 },
        { name: 'refunds', extra: 1 },
      ]);
      expected.set(framework, service.routes);
      for (const [relative, text] of Object.entries(service.files)) files[`services/${framework}/${relative}`] = text;
    }
    const { dir } = writeInput(scratch, { name: 'services', files: () => files });
    const result = await audit({ root: dir, name: 'polyglot', today: '2026-11-24', checks: [] });
    const found = new Map<string, number>();
    for (const endpoint of result.inventory.endpoints) {
      const framework = endpoint.sources[0]?.location.file.split('/')[1] ?? '?';
      found.set(framework, (found.get(framework) ?? 0) + 1);
    }
    expect(Object.fromEntries(found)).toEqual(Object.fromEntries(expected));
  });
});

describe('time-per-MB trees (bench/scale.ts)', () => {
  it('grow the route file of every language family to the size asked for, and stay parseable', async () => {
    const sizes: Record<string, number> = {};
    const broken: string[] = [];
    for (const { kind } of BUCKET_KINDS) {
      const dir = path.join(scratch, `bucket-${kind}`);
      const tree = generateBucketTree(dir, { kind, fileBytes: 60_000, totalBytes: 60_000 });
      let largest = 0;
      for (const file of walk(dir)) {
        const language = languageOf(file);
        if (!language) continue;
        const text = readFileSync(file, 'utf8');
        largest = Math.max(largest, Buffer.byteLength(text));
        await prepareLanguages([language]);
        const parsed = parseSync(language, text);
        if (!parsed || parsed.rootNode.hasError) broken.push(path.relative(scratch, file));
        parsed?.delete();
      }
      expect(tree.bytes).toBeGreaterThanOrEqual(largest);
      sizes[kind] = Math.round(largest / 10_000);
    }
    expect(broken).toEqual([]);
    // The one big file of each tree is about 60 KB (within 10 KB), whatever the framework.
    expect(sizes).toEqual(Object.fromEntries(BUCKET_KINDS.map(({ kind }) => [kind, 6])));
  });
});
