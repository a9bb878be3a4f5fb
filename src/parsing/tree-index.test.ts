import { readFileSync, readdirSync, statSync } from 'node:fs';
import path from 'node:path';
import type { Node } from 'web-tree-sitter';
import { beforeAll, describe, expect, it } from 'vitest';
import { languageOf, type SourceLanguage } from './languages.js';
import { parseSync, prepareLanguages } from './parser.js';
import { ancestorsOfType, descendantsOf, innermostOfType, parentOf } from './tree-index.js';

// The indexed answers must equal what a walk of the tree answers, on real-looking code of every
// grammar: the collector fixture projects of the repository.
const ROOT = path.resolve(import.meta.dirname, '../collectors/code');

function fixtureFiles(): { file: string; language: SourceLanguage }[] {
  const out: { file: string; language: SourceLanguage }[] = [];
  const visit = (dir: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const full = path.join(dir, name);
      if (statSync(full).isDirectory()) visit(full);
      else {
        const language = languageOf(full);
        if (language) out.push({ file: full, language });
      }
    }
  };
  for (const framework of readdirSync(ROOT).sort()) {
    const fixtures = path.join(ROOT, framework, 'fixtures');
    if (statSync(path.join(ROOT, framework)).isDirectory() && readdirSync(path.join(ROOT, framework)).includes('fixtures')) visit(fixtures);
  }
  return out;
}

function allNodes(root: Node): Node[] {
  const out: Node[] = [];
  const stack = [root];
  for (let node = stack.pop(); node; node = stack.pop()) {
    out.push(node);
    for (let index = node.childCount - 1; index >= 0; index--) {
      const child = node.child(index);
      if (child) stack.push(child);
    }
  }
  return out;
}

const CONTAINERS = ['function_definition', 'function_declaration', 'arrow_function', 'method_definition', 'method_declaration', 'class_definition', 'class_declaration', 'if_statement', 'block', 'call', 'call_expression'];

describe('tree index', () => {
  const files = fixtureFiles();
  beforeAll(async () => {
    for (const language of new Set(files.map((file) => file.language))) await prepareLanguages([language]);
  });

  it('finds fixture files in several grammars', () => {
    expect(new Set(files.map((file) => file.language)).size).toBeGreaterThanOrEqual(6);
  });

  it('answers ancestors and descendants of a type as walking the tree does', () => {
    let compared = 0;
    for (const { file, language } of files) {
      const tree = parseSync(language, readFileSync(file, 'utf8'));
      if (!tree) continue;
      try {
        const nodes = allNodes(tree.rootNode);
        // Every seventh node: enough to meet every shape, few enough to stay quick.
        for (let index = 0; index < nodes.length; index += 7) {
          const node = nodes[index] as Node;
          const walked: number[] = [];
          for (let current = parentOf(node); current; current = parentOf(current)) if (CONTAINERS.includes(current.type)) walked.push(current.id);
          expect([...ancestorsOfType(node, CONTAINERS)].map((found) => found.id), `${file}:${node.startPosition.row + 1} ${node.type}`).toEqual(walked);
          expect(innermostOfType(node, CONTAINERS)?.id).toBe(walked[0]);
          const expected = node.descendantsOfType(CONTAINERS).flatMap((found) => (found ? [found.id] : []));
          expect(new Set(descendantsOf(node, CONTAINERS).map((found) => found.id)), `${file}:${node.startPosition.row + 1} ${node.type}`).toEqual(new Set(expected));
          compared += 1;
        }
      } finally {
        tree.delete();
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });
});
