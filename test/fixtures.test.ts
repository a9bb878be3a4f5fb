import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyse } from '../src/index.js';
import {
  annotationsOf,
  checkFixtureWorkspaces,
  collectorFixtureWorkspaces,
  compareEndpoints,
  compareFindings,
  walkFiles,
  type FixtureWorkspace,
} from './harness/fixtures.js';

const TODAY = '2026-06-01';
const scratch = mkdtempSync(path.join(os.tmpdir(), 'apisec-fixtures-'));
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true });
});

/** A single fixture file is audited alone, so its neighbours cannot influence it. */
function isolate(workspace: FixtureWorkspace): { root: string; files: string[] } {
  if (workspace.only === undefined) return { root: workspace.root, files: walkFiles(workspace.root) };
  const dir = mkdtempSync(path.join(scratch, 'f-'));
  cpSync(path.join(workspace.root, workspace.only), path.join(dir, workspace.only));
  return { root: dir, files: [workspace.only] };
}

const checkWorkspaces = checkFixtureWorkspaces();
const collectorWorkspaces = collectorFixtureWorkspaces();

describe('check fixtures', () => {
  it('exist', () => {
    expect(checkWorkspaces.length).toBeGreaterThan(0);
  });
  for (const workspace of checkWorkspaces) {
    it(workspace.name, async () => {
      const { root, files } = isolate(workspace);
      const analysis = await analyse({ root, today: TODAY, experimental: true });
      try {
        const problems = files.flatMap((file) =>
          compareFindings(file, annotationsOf(root, file), analysis.findings, workspace.ownerCheck),
        );
        expect(problems).toEqual([]);
      } finally {
        analysis.dispose();
      }
    });
  }
});

describe('collector fixtures', () => {
  for (const workspace of collectorWorkspaces) {
    it(workspace.name, async () => {
      const analysis = await analyse({ root: workspace.root, today: TODAY, checks: [] });
      try {
        const files = walkFiles(workspace.root);
        const problems = files.flatMap((file) =>
          compareEndpoints(file, annotationsOf(workspace.root, file), analysis.context.inventory.endpoints),
        );
        expect(problems).toEqual([]);
      } finally {
        analysis.dispose();
      }
    });
  }
});
