import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotationsOf, compareEndpoints, walkFiles } from '../../../../test/harness/fixtures.js';
import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { Diagnostic, Endpoint } from '../../../model/types.js';
import { languageOf } from '../../../parsing/languages.js';
import { parse } from '../../../parsing/parser.js';
import { jsCollectors } from './registry.js';

const HERE = path.resolve(import.meta.dirname, '..');
const FRAMEWORKS = ['express', 'fastify', 'hono', 'js-graphql', 'koa', 'nestjs', 'nextjs'];

function projects(): { name: string; root: string }[] {
  return FRAMEWORKS.flatMap((framework) => {
    const dir = path.join(HERE, framework, 'fixtures');
    let entries: string[] = [];
    try {
      entries = walkFiles(dir).map((file) => file.split('/')[0] ?? '');
    } catch {
      entries = [];
    }
    return [...new Set(entries)].filter(Boolean).map((name) => ({ name: `${framework}/${name}`, root: path.join(dir, name) }));
  });
}

async function load(root: string): Promise<{ sources: SourceFile[]; project: ProjectInfo; files: string[] }> {
  const files = walkFiles(root);
  const sources: SourceFile[] = [];
  const npm: string[] = [];
  for (const file of files) {
    const text = readFileSync(path.join(root, file), 'utf8');
    if (file.endsWith('package.json')) {
      const pkg = JSON.parse(text) as { dependencies?: Record<string, string>; devDependencies?: Record<string, string> };
      npm.push(...Object.keys(pkg.dependencies ?? {}), ...Object.keys(pkg.devDependencies ?? {}));
      continue;
    }
    const language = languageOf(file);
    if (!language) continue;
    const tree = await parse(language, text);
    if (tree) sources.push({ file, language, text, tree });
  }
  return { sources, project: { root, languages: [], frameworks: [], dependencies: { npm } }, files };
}

/**
 * `// diagnostic: words` alone on the line before a mount or route that cannot be resolved: the collectors must
 * report a diagnostic at that line whose message holds the words, and none elsewhere in the file.
 */
function compareDiagnostics(root: string, file: string, diagnostics: readonly Diagnostic[]): string[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split(/\r?\n/);
  const expected: { line: number; words: string }[] = [];
  lines.forEach((line, index) => {
    const match = /^\s*(?:\/\/|#)\s*diagnostic:\s*(.+?)\s*$/.exec(line);
    if (!match) return;
    let target = index + 1;
    while (target < lines.length && (/^\s*(?:\/\/|#)/.test(lines[target] ?? '') || (lines[target] ?? '').trim() === '')) target += 1;
    expected.push({ line: target + 1, words: match[1] ?? '' });
  });
  const inFile = diagnostics.filter((diagnostic) => diagnostic.file === file);
  const problems: string[] = [];
  for (const want of expected) {
    if (!inFile.some((d) => d.line === want.line && d.message.includes(want.words))) problems.push(`${file}:${want.line}: expected a diagnostic saying "${want.words}"`);
  }
  for (const got of inFile) {
    if (!expected.some((want) => want.line === got.line)) problems.push(`${file}:${got.line ?? 0}: unexpected diagnostic: ${got.message}`);
  }
  return problems;
}

describe('JavaScript collectors on their fixture projects', () => {
  for (const { name, root } of projects()) {
    it(name, async () => {
      const { sources, project, files } = await load(root);
      const endpoints: Endpoint[] = [];
      const diagnostics: Diagnostic[] = [];
      for (const collector of jsCollectors) {
        if (!collector.isEnabled(project, sources)) continue;
        const result = collector.collect(sources, project);
        diagnostics.push(...result.diagnostics);
        for (const collected of result.endpoints) {
          endpoints.push({ ...collected, id: `${collected.method} ${collected.path}`, apiId: 'test', type: 'internal', tier: 'low' });
        }
      }
      const problems = files.flatMap((file) => [
        ...compareEndpoints(file, annotationsOf(root, file), endpoints),
        ...(/\.[cm]?[jt]sx?$/.test(file) ? compareDiagnostics(root, file, diagnostics) : []),
      ]);
      for (const source of sources) source.tree.delete();
      expect(problems).toEqual([]);
    });
  }
});
