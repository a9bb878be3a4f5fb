// Inputs whose analysis cost used to grow faster than the input: the behaviour is asserted (a
// diagnostic, bounded counts, no crash), never the time.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { flaskApp, minifiedJs, nestedFunctions, refChain, yamlAliasBomb } from '../bench/hostile.js';
import { analyse } from '../src/index.js';
import { FileBudget, charge, overBudget, pauseBudget, setBudgetClock } from '../src/parsing/budget.js';
import { parse } from '../src/parsing/parser.js';
import { ancestorsOf, closestAncestor, parentOf } from '../src/parsing/tree-index.js';

const dirs: string[] = [];

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'apisec-cost-'));
  dirs.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

afterEach(() => {
  setBudgetClock();
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('parent links', () => {
  it('agree with web-tree-sitter on every node of a file', async () => {
    const tree = await parse('javascript', minifiedJs(3000, 7));
    if (!tree) throw new Error('no tree');
    try {
      let checked = 0;
      const stack = [tree.rootNode];
      for (let node = stack.pop(); node; node = stack.pop()) {
        expect(parentOf(node)?.id ?? null).toBe(node.parent?.id ?? null);
        checked++;
        for (const child of node.children) if (child) stack.push(child);
      }
      expect(checked).toBeGreaterThan(1000);
      expect(parentOf(tree.rootNode)).toBeNull();
    } finally {
      tree.delete();
    }
  });

  it('climb thousands of nested functions without recursion', async () => {
    const tree = await parse('javascript', nestedFunctions(3000));
    if (!tree) throw new Error('no tree');
    try {
      const innermost = tree.rootNode.descendantsOfType('variable_declarator').at(-1);
      if (!innermost) throw new Error('no declarator');
      expect([...ancestorsOf(innermost)].filter((node) => node.type === 'function_declaration')).toHaveLength(3000);
      expect(closestAncestor(innermost, ['function_declaration'])?.childForFieldName('name')?.text).toBe('f2999');
    } finally {
      tree.delete();
    }
  });
});

describe('per-file time budget', () => {
  it('charges the time between two charges to the file worked on, and stops only that file', async () => {
    const a = await parse('python', 'x = 1\n');
    const b = await parse('python', 'y = 2\n');
    if (!a || !b) throw new Error('no tree');
    let clock = 0;
    setBudgetClock(() => clock);
    try {
      const budget = new FileBudget(100);
      budget.register(a, 'a.py');
      budget.register(b, 'b.py');
      expect(charge(a)).toBe(false);
      clock += 60;
      expect(charge(b)).toBe(false); // the 60 ms belong to a.py
      clock += 10;
      expect(charge(a)).toBe(false); // 10 ms to b.py
      clock += 50;
      pauseBudget(); // a.py: 110 ms
      clock += 1000; // between stages: nobody's
      expect(charge(a)).toBe(true);
      expect(overBudget(b)).toBe(false);
      expect(budget.exhausted()).toEqual([{ file: 'a.py', spentMs: 110 }]);
    } finally {
      a.delete();
      b.delete();
    }
  });

  it('stops answering a file\'s parent links once the file runs out of time', async () => {
    const tree = await parse('javascript', minifiedJs(100_000, 3));
    if (!tree) throw new Error('no tree');
    const leaves = tree.rootNode.descendantsOfType('identifier').filter((leaf) => leaf !== null);
    let reads = 0;
    // Every read of the clock is one millisecond later: the climbing itself uses up the budget.
    setBudgetClock(() => reads++);
    try {
      const budget = new FileBudget(2);
      budget.register(tree, 'bundle.js');
      // Climbing from every name to the root: every leaf has at least one parent, so a climb the budget
      // did not stop would answer at least once per leaf.
      let answered = 0;
      for (const leaf of leaves) for (let current = parentOf(leaf); current; current = parentOf(current)) answered += 1;
      expect(answered).toBeLessThan(leaves.length);
      expect(parentOf(leaves[0])).toBeNull();
      // The clock is read once per 1,024 charges of the same file: far fewer reads than parent questions
      // (each climb asks once more than it was answered).
      expect(reads * 100).toBeLessThan(answered + leaves.length);
      expect(overBudget(tree)).toBe(true);
      expect(budget.exhausted().map((entry) => entry.file)).toEqual(['bundle.js']);
    } finally {
      tree.delete();
    }
  });

  it('turns a file that runs out of time into a diagnostic naming it; the rest of the audit goes on', async () => {
    const root = workspace({
      'package.json': '{"dependencies":{"express":"4"}}',
      'apisec.config.yaml': 'include:\n  - public/bundle.js\n',
      'public/bundle.js': minifiedJs(200_000),
      'spec/openapi.yaml': 'openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /health:\n    get:\n      responses:\n        "200": {description: ok}\n',
    });
    const analysis = await analyse({ root, today: '2026-06-01', fileBudgetMs: 1 });
    try {
      const budget = analysis.diagnostics.filter((diagnostic) => diagnostic.source === 'budget');
      expect(budget.map((diagnostic) => diagnostic.file)).toEqual(['public/bundle.js']);
      expect(budget[0]?.message).toMatch(/per-file budget/);
      expect(analysis.findings.filter((finding) => finding.location.file === 'public/bundle.js')).toEqual([]);
      expect(analysis.context.inventory.endpoints.map((endpoint) => endpoint.path)).toContain('/health');
    } finally {
      analysis.dispose();
    }
  });
});

describe('large files', () => {
  it('a Flask app with 2,000 routes in one file lists every route', async () => {
    const root = workspace({ 'requirements.txt': 'flask\nflask-login\n', 'app.py': flaskApp(2000) });
    const analysis = await analyse({ root, today: '2026-06-01', fileBudgetMs: 0 });
    try {
      const endpoints = analysis.context.inventory.endpoints;
      expect(endpoints).toHaveLength(2000);
      expect(endpoints.filter((endpoint) => endpoint.auth.state === 'protected')).toHaveLength(500);
    } finally {
      analysis.dispose();
    }
  });
});

describe('specs', () => {
  it('a YAML alias bomb used as a response schema is read with each aliased schema once', async () => {
    const root = workspace({ 'openapi.yaml': yamlAliasBomb(9, 9) });
    const analysis = await analyse({ root, today: '2026-06-01' });
    try {
      expect(analysis.context.inventory.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`)).toEqual(['GET /a']);
      expect(analysis.diagnostics.filter((diagnostic) => diagnostic.level === 'error')).toEqual([]);
    } finally {
      analysis.dispose();
    }
  });

  it('a $ref chain longer than the hop limit resolves to nothing, with one diagnostic', async () => {
    const root = workspace({ 'openapi.json': refChain(5000) });
    const analysis = await analyse({ root, today: '2026-06-01' });
    try {
      const chains = analysis.diagnostics.filter((diagnostic) => /chain of more than \d+ references/.test(diagnostic.message));
      expect(chains).toHaveLength(1);
      expect(analysis.context.inventory.endpoints).toHaveLength(1);
    } finally {
      analysis.dispose();
    }
  });

  it('a cyclic $ref chain of 20,000 links is reported as a cycle or an over-long chain, once', async () => {
    const root = workspace({ 'openapi.json': refChain(20_000, true) });
    const analysis = await analyse({ root, today: '2026-06-01' });
    try {
      expect(analysis.diagnostics.filter((diagnostic) => /\$ref/.test(diagnostic.message))).toHaveLength(1);
    } finally {
      analysis.dispose();
    }
  });
});

describe('.gitignore', () => {
  it('a line of thousands of `**/` is collapsed with a diagnostic and still ignores what it names', async () => {
    const root = workspace({
      '.gitignore': `${'**/'.repeat(5000)}generated.js\n${'a'.repeat(5000)}*\n`,
      'package.json': '{"dependencies":{"express":"4"}}',
      'src/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/app.js': "const express = require('express');\nconst app = express();\napp.get('/health', (req, res) => res.json({ ok: true }));\n",
      'src/a/b/c/d/e/f/g/h/i/j/k/l/m/n/o/p/generated.js': "const express = require('express');\nconst app = express();\napp.get('/generated', (req, res) => res.json({}));\n",
    });
    const analysis = await analyse({ root, today: '2026-06-01' });
    try {
      expect(analysis.context.inventory.endpoints.map((endpoint) => endpoint.path)).toEqual(['/health']);
      const notes = analysis.diagnostics.filter((diagnostic) => diagnostic.file === '.gitignore').map((diagnostic) => diagnostic.message);
      expect(notes).toHaveLength(2);
      expect(notes[0]).toMatch(/^line 1: repeated/);
      expect(notes[1]).toMatch(/^line 2 .* ignored$/);
    } finally {
      analysis.dispose();
    }
  });
});
