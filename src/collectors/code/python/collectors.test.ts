import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotationsOf, collectorFixtureWorkspaces, compareEndpoints, walkFiles } from '../../../../test/harness/fixtures.js';
import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import { displayPath } from '../../../inventory/paths.js';
import type { Endpoint } from '../../../model/types.js';
import { parse } from '../../../parsing/parser.js';
import type { CodeCollector } from '../collector.js';
import { djangoCollector } from '../django/collector.js';
import { fastapiCollector } from '../fastapi/collector.js';
import { flaskCollector } from '../flask/collector.js';
import { ariadneCollector } from '../python-graphql/ariadne.js';
import { grapheneCollector } from '../python-graphql/graphene.js';
import { strawberryCollector } from '../python-graphql/strawberry.js';

const PYTHON_COLLECTORS: readonly CodeCollector[] = [ariadneCollector, djangoCollector, fastapiCollector, flaskCollector, grapheneCollector, strawberryCollector];
const FOLDERS = ['fastapi', 'flask', 'django', 'python-graphql'];

async function load(root: string): Promise<SourceFile[]> {
  const sources: SourceFile[] = [];
  for (const file of walkFiles(root)) {
    if (!file.endsWith('.py')) continue;
    const text = readFileSync(path.join(root, file), 'utf8');
    const tree = await parse('python', text);
    if (tree) sources.push({ file, language: 'python', text, tree });
  }
  return sources;
}

const workspaces = collectorFixtureWorkspaces().filter((workspace) => FOLDERS.some((folder) => workspace.name.includes(`/code/${folder}/fixtures/`)));

describe('python collectors on their fixtures', () => {
  it('have fixtures', () => {
    expect(workspaces.length).toBeGreaterThan(0);
  });
  for (const workspace of workspaces) {
    it(workspace.name, async () => {
      const sources = await load(workspace.root);
      const project: ProjectInfo = { root: workspace.root, languages: ['python'], frameworks: [], dependencies: {} };
      const endpoints: Endpoint[] = [];
      try {
        for (const collector of PYTHON_COLLECTORS) {
          if (!collector.isEnabled(project, sources)) continue;
          for (const found of collector.collect(sources, project).endpoints) {
            const shown = found.path.startsWith('/') ? displayPath(found.path) : found.path;
            endpoints.push({ ...found, path: shown, id: `${found.method} ${shown}`, apiId: 'test', type: 'internal', tier: 'low' });
          }
        }
        const problems = walkFiles(workspace.root).flatMap((file) => compareEndpoints(file, annotationsOf(workspace.root, file), endpoints));
        expect(problems).toEqual([]);
      } finally {
        for (const source of sources) source.tree.delete();
      }
    });
  }
});
