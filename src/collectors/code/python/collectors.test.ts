import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { annotationsOf, collectorFixtureWorkspaces, compareEndpoints, walkFiles } from '../../../../test/harness/fixtures.js';
import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import { displayPath } from '../../../inventory/paths.js';
import type { Diagnostic, Endpoint } from '../../../model/types.js';
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

/**
 * `# diagnostic: words` alone on a line: the next code line must carry a collector diagnostic whose
 * message contains the words. A diagnostic on a line without one fails: found-but-unresolved routers,
 * includes and mounts are reported, never dropped silently, and never reported where nothing is wrong.
 */
function diagnosticProblems(root: string, file: string, diagnostics: readonly Diagnostic[]): string[] {
  const lines = readFileSync(path.join(root, file), 'utf8').split(/\r?\n/);
  const expected: { line: number; words: string }[] = [];
  lines.forEach((line, index) => {
    const match = /^\s*#\s*diagnostic:\s*(.*?)\s*$/.exec(line);
    if (!match) return;
    let target = index + 1;
    while (target < lines.length && (/^\s*$/.test(lines[target] ?? '') || /^\s*#/.test(lines[target] ?? ''))) target++;
    expected.push({ line: target + 1, words: match[1] ?? '' });
  });
  const inFile = diagnostics.filter((diagnostic) => diagnostic.file === file);
  const problems: string[] = [];
  for (const want of expected) {
    if (!inFile.some((d) => d.line === want.line && d.message.toLowerCase().includes(want.words.toLowerCase()))) {
      problems.push(`${file}:${want.line}: expected a diagnostic containing "${want.words}"${inFile.length ? ` (got ${inFile.map((d) => `${d.line}: ${d.message}`).join(' | ')})` : ''}`);
    }
  }
  for (const diagnostic of inFile) {
    if (!expected.some((want) => want.line === diagnostic.line)) problems.push(`${file}:${diagnostic.line ?? 0}: unexpected diagnostic: ${diagnostic.message}`);
  }
  return problems;
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
      const diagnostics: Diagnostic[] = [];
      try {
        for (const collector of PYTHON_COLLECTORS) {
          if (!collector.isEnabled(project, sources)) continue;
          const result = collector.collect(sources, project);
          diagnostics.push(...result.diagnostics);
          for (const found of result.endpoints) {
            const shown = found.path.startsWith('/') ? displayPath(found.path) : found.path;
            endpoints.push({ ...found, path: shown, id: `${found.method} ${shown}`, apiId: 'test', type: 'internal', tier: 'low' });
          }
        }
        const problems = walkFiles(workspace.root).flatMap((file) => [
          ...compareEndpoints(file, annotationsOf(workspace.root, file), endpoints),
          ...(file.endsWith('.py') ? diagnosticProblems(workspace.root, file, diagnostics) : []),
        ]);
        expect(problems).toEqual([]);
      } finally {
        for (const source of sources) source.tree.delete();
      }
    });
  }
});
