// Parses every source file of one directory (no analysis) and prints the time as JSON: the floor
// that bench/run.ts sets beside the audit of the same files.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { languageOf } from '../src/parsing/languages.js';
import { parseSync, prepareLanguages } from '../src/parsing/parser.js';

const files = process.argv.slice(2);
if (files.length === 0) {
  console.error('usage: parse-one.ts FILE...');
  process.exit(2);
}
const inputs = files.map((file) => ({ file, language: languageOf(path.basename(file)), text: readFileSync(file, 'utf8') }));
for (const { language } of inputs) if (language) await prepareLanguages([language]);
const started = performance.now();
let bytes = 0;
for (const { language, text } of inputs) {
  if (!language) continue;
  parseSync(language, text)?.delete();
  bytes += Buffer.byteLength(text);
}
console.log(JSON.stringify({ ms: Math.round(performance.now() - started), bytes }));
