import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotationsOf, compareEndpoints, walkFiles } from '../../../../test/harness/fixtures.js';
import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { Endpoint } from '../../../model/types.js';
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

describe('JavaScript collectors on their fixture projects', () => {
  for (const { name, root } of projects()) {
    it(name, async () => {
      const { sources, project, files } = await load(root);
      const endpoints: Endpoint[] = [];
      for (const collector of jsCollectors) {
        if (!collector.isEnabled(project, sources)) continue;
        for (const collected of collector.collect(sources, project).endpoints) {
          endpoints.push({ ...collected, id: `${collected.method} ${collected.path}`, apiId: 'test', type: 'internal', tier: 'low' });
        }
      }
      const problems = files.flatMap((file) => compareEndpoints(file, annotationsOf(root, file), endpoints));
      for (const source of sources) source.tree.delete();
      expect(problems).toEqual([]);
    });
  }
});
