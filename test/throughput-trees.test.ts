// The per-language trees of `npm run bench`'s throughput table (bench/throughput.ts, issue 14):
// deterministic, of about the size asked, and every source file parses in its language. No timing
// here: `npm run bench` measures.
import { describe, expect, it } from 'vitest';
import { generateLanguageTree, THROUGHPUT_LANGUAGES } from '../bench/throughput.js';
import { languageOf, type SourceLanguage } from '../src/parsing/languages.js';
import { parseSync, prepareLanguages } from '../src/parsing/parser.js';

const EXPECTED: Record<string, SourceLanguage> = {
  fastapi: 'python',
  express: 'javascript',
  fastify: 'typescript',
  gin: 'go',
  spring: 'java',
  ktor: 'kotlin',
  laravel: 'php',
  rails: 'ruby',
  aspnetcore: 'csharp',
};

describe('throughput trees by language', () => {
  for (const { language, framework } of THROUGHPUT_LANGUAGES) {
    it(`${language}: same bytes every time, about the size asked, free of syntax errors`, async () => {
      const tree = generateLanguageTree(undefined, framework, 60_000);
      const again = generateLanguageTree(undefined, framework, 60_000);
      expect(again).toEqual(tree);
      expect(tree.bytes).toBeGreaterThanOrEqual(60_000);
      expect(tree.bytes).toBeLessThan(200_000);
      expect(tree.routes).toBeGreaterThan(0);
      const broken: string[] = [];
      const languages = new Set<SourceLanguage>();
      for (const [file, text] of Object.entries(tree.texts ?? {})) {
        const source = languageOf(file);
        if (!source) continue;
        languages.add(source);
        await prepareLanguages([source]);
        const parsed = parseSync(source, text);
        if (!parsed || parsed.rootNode.hasError) broken.push(file);
        parsed?.delete();
      }
      expect(broken).toEqual([]);
      expect(languages.has(EXPECTED[framework] ?? 'python')).toBe(true);
    });
  }
});
