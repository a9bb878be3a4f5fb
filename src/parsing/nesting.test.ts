import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { languageOf } from './languages.js';
import { MAX_CHAIN, MAX_NESTING, excessiveNesting } from './nesting.js';

const rep = (text: string, count: number): string => Array.from({ length: count }, () => text).join('');

function fixtureSources(dir: string, out: string[] = []): string[] {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'node_modules') fixtureSources(full, out);
    } else if (languageOf(full) !== undefined && full.includes(`${path.sep}fixtures${path.sep}`)) out.push(full);
  }
  return out;
}

describe('excessiveNesting', () => {
  it('finds nothing in any fixture of the repository (real code idioms)', () => {
    const files = fixtureSources(path.resolve(import.meta.dirname, '..'));
    expect(files.length).toBeGreaterThan(200);
    const flagged = files.filter((file) => {
      const language = languageOf(file);
      return language !== undefined && excessiveNesting(readFileSync(file, 'utf8'), language) !== undefined;
    });
    expect(flagged).toEqual([]);
  });

  it('finds nothing in wide code: long lists, big object literals, many statements', () => {
    const table = `export const MESSAGES = {\n${rep("  'errors.notFound': 'The item was not found.',\n", 5_000)}};\n`;
    const routes = rep("app.get('/items/:id', auth.required, (req, res) => res.json(req.params.id));\n", 5_000);
    const python = `ROUTES = [\n${rep("    path('items/<int:pk>/', views.ItemView.as_view(), name='item'),\n", 5_000)}]\n`;
    expect(excessiveNesting(table, 'typescript')).toBeUndefined();
    expect(excessiveNesting(routes, 'javascript')).toBeUndefined();
    expect(excessiveNesting(python, 'python')).toBeUndefined();
  });

  it('ignores brackets and operators inside strings and comments', () => {
    const js = `const s = "${rep('(', 5_000)}";\n// ${rep('[', 5_000)}\n/* ${rep('{', 5_000)} */\nconst t = \`${rep('.a', 5_000)}\`;\n`;
    const py = `s = '${rep('(', 5_000)}'\n# ${rep('[', 5_000)}\nd = """\n${rep('{\n', 5_000)}"""\n`;
    expect(excessiveNesting(js, 'javascript')).toBeUndefined();
    expect(excessiveNesting(py, 'python')).toBeUndefined();
  });

  it('finds brackets, blocks, indentation and chains nested beyond the limits, with the line', () => {
    expect(excessiveNesting(`x = ${rep('(\n', 10_000)}1${rep(')', 10_000)}\n`, 'python')).toEqual({ kind: 'nesting', line: MAX_NESTING + 1 });
    expect(excessiveNesting(`${rep('if (a) {\n', 10_000)}${rep('}\n', 10_000)}`, 'javascript')).toEqual({ kind: 'nesting', line: MAX_NESTING + 1 });
    const blocks = Array.from({ length: 1_000 }, (_, depth) => `${' '.repeat(depth)}if x:\n`).join('');
    expect(excessiveNesting(blocks, 'python')).toEqual({ kind: 'nesting', line: MAX_NESTING + 2 });
    expect(excessiveNesting(`const v = req${rep('\n  .a', 10_000)};\n`, 'javascript')).toEqual({ kind: 'chain', line: MAX_CHAIN + 1 });
    expect(excessiveNesting(`v = (x${rep('\n + x', 10_000)})\n`, 'python')).toEqual({ kind: 'chain', line: MAX_CHAIN + 1 });
  });
});
