/**
 * The real inputs the fuzzer mutates: spec, schema and source fixtures already in the repository,
 * collector fixture projects (whole folders), and slices of the small real-world specs in
 * `../shared/corpus/specs` when that folder is there. Read once, sorted, so a seed means the same
 * cases everywhere.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import type { FuzzFile } from './case.js';

export const REPO = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const MAX_FILE = 64 * 1024;

function walk(dir: string, out: string[] = []): string[] {
  let names: string[];
  try {
    names = readdirSync(dir).sort();
  } catch {
    return out;
  }
  for (const name of names) {
    if (name === 'node_modules' || name.startsWith('.')) continue;
    const absolute = path.join(dir, name);
    const info = statSync(absolute);
    if (info.isDirectory()) walk(absolute, out);
    else if (info.isFile() && info.size <= MAX_FILE) out.push(absolute);
  }
  return out;
}

function fixtureFiles(): string[] {
  return walk(path.join(REPO, 'src')).filter((file) => file.split(path.sep).includes('fixtures'));
}

export interface Project {
  name: string;
  files: FuzzFile[];
}

export interface Corpus {
  yamlSpecs: string[];
  jsonSpecs: string[];
  graphql: string[];
  protos: string[];
  pythonProjects: Project[];
  jsProjects: Project[];
  pythonFiles: string[];
  jsFiles: string[];
}

const PY_FRAMEWORKS = new Set(['connexion', 'django', 'fastapi', 'flask', 'python-graphql']);
const JS_FRAMEWORKS = new Set(['express', 'fastify', 'hono', 'js-graphql', 'koa', 'nestjs', 'nextjs']);

function projects(kinds: ReadonlySet<string>): Project[] {
  const base = path.join(REPO, 'src', 'collectors', 'code');
  const out: Project[] = [];
  for (const framework of readdirSync(base).sort()) {
    if (!kinds.has(framework)) continue;
    const fixtures = path.join(base, framework, 'fixtures');
    if (!existsSync(fixtures)) continue;
    for (const project of readdirSync(fixtures).sort()) {
      const root = path.join(fixtures, project);
      if (!statSync(root).isDirectory()) continue;
      const files = walk(root).map((absolute) => ({ path: path.relative(root, absolute).split(path.sep).join('/'), content: readFileSync(absolute, 'utf8') }));
      if (files.length > 0) out.push({ name: `${framework}/${project}`, files });
    }
  }
  return out;
}

/** A few operations of a real spec, as a small spec of the same format (JSON text). */
function sliceSpec(document: unknown, every: number): string[] {
  if (typeof document !== 'object' || document === null) return [];
  const record = document as Record<string, unknown>;
  const paths = record.paths;
  if (typeof paths !== 'object' || paths === null) return [];
  const entries = Object.entries(paths as Record<string, unknown>);
  const out: string[] = [];
  for (let start = 0; start < entries.length && out.length < 12; start += every) {
    const picked = Object.fromEntries(entries.slice(start, start + 3));
    out.push(JSON.stringify({ ...record, paths: picked }, null, 1).slice(0, 200_000));
  }
  return out;
}

function corpusSlices(): { yaml: string[]; json: string[] } {
  const dir = path.resolve(REPO, '..', 'shared', 'corpus', 'specs');
  const yaml: string[] = [];
  const json: string[] = [];
  const small = ['asana.yaml', 'xsoar-swagger2.json', 'vercel-oas31.json'];
  for (const name of small) {
    const file = path.join(dir, name);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    try {
      const document: unknown = name.endsWith('.json') ? JSON.parse(text) : load(text);
      const slices = sliceSpec(document, 40);
      if (name.endsWith('.json')) json.push(...slices);
      else yaml.push(...slices.map((slice) => slice));
      // The first lines of the real text, too: a broken spec in its own spelling.
      (name.endsWith('.json') ? json : yaml).push(text.slice(0, 6000));
    } catch {
      // Not parseable here: skip it.
    }
  }
  return { yaml, json };
}

let cached: Corpus | undefined;

export function corpus(): Corpus {
  if (cached) return cached;
  const fixtures = fixtureFiles();
  const read = (file: string): string => readFileSync(file, 'utf8');
  const isSpec = (text: string): boolean => /^\s*["']?(openapi|swagger)["']?\s*:/m.test(text);
  const slices = corpusSlices();
  const yamlSpecs = fixtures.filter((file) => /\.ya?ml$/.test(file)).map(read).filter(isSpec);
  const jsonSpecs = fixtures.filter((file) => file.endsWith('.json')).map(read).filter(isSpec);
  cached = {
    yamlSpecs: [...yamlSpecs, ...slices.yaml],
    jsonSpecs: [...jsonSpecs, ...slices.json],
    graphql: fixtures.filter((file) => /\.(graphql|gql)$/.test(file)).map(read),
    protos: fixtures.filter((file) => file.endsWith('.proto')).map(read),
    pythonProjects: projects(PY_FRAMEWORKS),
    jsProjects: projects(JS_FRAMEWORKS),
    pythonFiles: fixtures.filter((file) => file.endsWith('.py') && file.includes(`${path.sep}checks${path.sep}`)).map(read),
    jsFiles: fixtures.filter((file) => /\.(js|ts)$/.test(file) && file.includes(`${path.sep}checks${path.sep}`)).map(read),
  };
  return cached;
}
