import { resolve } from 'node:path';
import type { ProjectInfo } from '../engine/context.js';
import type { Diagnostic } from '../model/types.js';
import { SOURCE_LANGUAGES, type SourceLanguage } from '../parsing/languages.js';
import type { WorkspaceFile } from './discover.js';
import { textOf, type TextReader } from './read.js';

export type Ecosystem = 'npm' | 'pypi' | 'go' | 'maven' | 'composer' | 'rubygems';

export interface FrameworkEnabler {
  ecosystem: Ecosystem;
  /** Normalised dependency names (see `normaliseDependency`); any one switches the framework on. */
  dependencies: readonly string[];
}

/** Framework id → the dependencies that reveal it. Collectors use the same ids. */
export const FRAMEWORK_ENABLERS = {
  fastapi: { ecosystem: 'pypi', dependencies: ['fastapi'] },
  flask: { ecosystem: 'pypi', dependencies: ['flask', 'flask-restful', 'flask-restx', 'flask-restplus', 'connexion'] },
  django: { ecosystem: 'pypi', dependencies: ['django', 'djangorestframework'] },
  graphene: { ecosystem: 'pypi', dependencies: ['graphene', 'graphene-django'] },
  strawberry: { ecosystem: 'pypi', dependencies: ['strawberry-graphql'] },
  ariadne: { ecosystem: 'pypi', dependencies: ['ariadne'] },
  express: { ecosystem: 'npm', dependencies: ['express'] },
  fastify: { ecosystem: 'npm', dependencies: ['fastify'] },
  nestjs: { ecosystem: 'npm', dependencies: ['@nestjs/core'] },
  koa: { ecosystem: 'npm', dependencies: ['koa', '@koa/router', 'koa-router'] },
  hono: { ecosystem: 'npm', dependencies: ['hono'] },
  nextjs: { ecosystem: 'npm', dependencies: ['next'] },
  apollo: { ecosystem: 'npm', dependencies: ['@apollo/server', 'apollo-server', 'apollo-server-express'] },
  'graphql-yoga': { ecosystem: 'npm', dependencies: ['graphql-yoga'] },
  spring: { ecosystem: 'maven', dependencies: ['spring-boot-starter-web', 'spring-boot-starter-webflux', 'spring-webmvc'] },
  gin: { ecosystem: 'go', dependencies: ['github.com/gin-gonic/gin'] },
  echo: { ecosystem: 'go', dependencies: ['github.com/labstack/echo'] },
  chi: { ecosystem: 'go', dependencies: ['github.com/go-chi/chi'] },
  laravel: { ecosystem: 'composer', dependencies: ['laravel/framework'] },
  rails: { ecosystem: 'rubygems', dependencies: ['rails', 'railties'] },
} as const satisfies Record<string, FrameworkEnabler>;

export type FrameworkId = keyof typeof FRAMEWORK_ENABLERS;

/** Lowercases a dependency name; PyPI names per PEP 503, Go module paths without their `/vN` suffix. */
export function normaliseDependency(ecosystem: Ecosystem, name: string): string {
  const lower = name.trim().toLowerCase();
  if (ecosystem === 'pypi') return lower.replace(/[-_.]+/g, '-');
  if (ecosystem === 'go') return lower.replace(/\/v\d+$/, '');
  return lower;
}

/** Frameworks whose enablers appear among `dependencies`, sorted by id. */
export function frameworksFor(dependencies: Readonly<Record<string, readonly string[]>>): FrameworkId[] {
  const found: FrameworkId[] = [];
  for (const [id, enabler] of Object.entries(FRAMEWORK_ENABLERS) as [FrameworkId, FrameworkEnabler][]) {
    const present = dependencies[enabler.ecosystem];
    if (present && enabler.dependencies.some((dep) => present.includes(dep))) found.push(id);
  }
  return found.sort();
}

type ManifestParser = (text: string) => string[];

function manifestParser(path: string): { ecosystem: Ecosystem; parse: ManifestParser } | undefined {
  const name = path.slice(path.lastIndexOf('/') + 1);
  if (name === 'package.json') return { ecosystem: 'npm', parse: parsePackageJson };
  if (name === 'composer.json') return { ecosystem: 'composer', parse: parseComposerJson };
  if (name === 'pyproject.toml') return { ecosystem: 'pypi', parse: parsePyproject };
  if (name === 'Pipfile') return { ecosystem: 'pypi', parse: parsePipfile };
  if (name.endsWith('.txt')) return { ecosystem: 'pypi', parse: parseRequirements };
  if (name === 'go.mod') return { ecosystem: 'go', parse: parseGoMod };
  if (name === 'pom.xml') return { ecosystem: 'maven', parse: parsePom };
  if (name === 'build.gradle' || name === 'build.gradle.kts') return { ecosystem: 'maven', parse: parseGradle };
  if (name === 'Gemfile') return { ecosystem: 'rubygems', parse: parseGemfile };
  return undefined;
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function jsonKeys(text: string, fields: readonly string[]): string[] {
  const parsed: unknown = JSON.parse(text);
  if (!isRecord(parsed)) return [];
  const names: string[] = [];
  for (const field of fields) {
    const section = parsed[field];
    if (isRecord(section)) names.push(...Object.keys(section));
  }
  return names;
}

export function parsePackageJson(text: string): string[] {
  return jsonKeys(text, ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']);
}

export function parseComposerJson(text: string): string[] {
  return jsonKeys(text, ['require', 'require-dev']).filter((name) => name !== 'php' && !name.startsWith('ext-'));
}

/** The project name out of a PEP 508 requirement (`name[extra] >= 1; marker`, `name @ url`). */
export function requirementName(spec: string): string | undefined {
  const match = /^\s*([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(spec);
  return match?.[1];
}

export function parseRequirements(text: string): string[] {
  const names: string[] = [];
  const joined = text.replace(/\\\r?\n/g, ' ');
  for (const raw of joined.split(/\r?\n/)) {
    const line = raw.replace(/(^|\s)#.*$/, '').trim();
    if (line === '') continue;
    if (line.startsWith('-')) {
      // `-e git+https://…#egg=name` names its project in the fragment; other options (-r, -c, --hash) do not.
      const egg = /[#&]egg=([A-Za-z0-9._-]+)/.exec(line);
      if (egg?.[1]) names.push(egg[1]);
      continue;
    }
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(line) || line.startsWith('.') || line.startsWith('/')) {
      const egg = /[#&]egg=([A-Za-z0-9._-]+)/.exec(line);
      if (egg?.[1]) names.push(egg[1]);
      continue;
    }
    const name = requirementName(line);
    if (name) names.push(name);
  }
  return names;
}

/**
 * A deliberately small TOML reader: table headers, `key = value` pairs, and values that are
 * strings, arrays of strings (possibly over several lines) or anything else kept as raw text.
 * It is enough for dependency tables; it does not claim to be a TOML parser.
 */
export interface TomlEntry {
  table: string;
  key: string;
  /** The strings of an array value, or the single string of a string value. */
  strings: string[];
}

function unquote(key: string): string {
  const trimmed = key.trim();
  if ((trimmed.startsWith('"') && trimmed.endsWith('"')) || (trimmed.startsWith("'") && trimmed.endsWith("'"))) {
    return trimmed.slice(1, -1);
  }
  return trimmed;
}

function tableName(header: string): string {
  return header
    .split('.')
    .map((part) => unquote(part))
    .join('.');
}

export function readTomlEntries(text: string): TomlEntry[] {
  const entries: TomlEntry[] = [];
  let table = '';
  let i = 0;
  const n = text.length;
  const skipLine = (): void => {
    while (i < n && text[i] !== '\n') i++;
  };
  const readString = (): string => {
    const quote = text[i] ?? '"';
    const triple = text.startsWith(quote.repeat(3), i);
    const close = triple ? quote.repeat(3) : quote;
    i += close.length;
    let value = '';
    while (i < n && !text.startsWith(close, i)) {
      if (quote === '"' && text[i] === '\\') {
        value += text[i + 1] ?? '';
        i += 2;
        continue;
      }
      if (!triple && text[i] === '\n') break;
      value += text.charAt(i);
      i++;
    }
    i += close.length;
    return value;
  };
  // Collects the strings of a value (string, array, inline table) until it closes.
  const readValue = (): string[] => {
    const strings: string[] = [];
    let depth = 0;
    while (i < n) {
      const ch = text[i];
      if (ch === '"' || ch === "'") {
        strings.push(readString());
      } else if (ch === '[' || ch === '{') {
        depth++;
        i++;
      } else if (ch === ']' || ch === '}') {
        depth--;
        i++;
        if (depth <= 0) break;
      } else if (ch === '#') {
        skipLine();
      } else if (ch === '\n' && depth === 0) {
        break;
      } else {
        i++;
      }
      if (depth === 0 && strings.length > 0) break;
    }
    return strings;
  };
  while (i < n) {
    while (i < n && /\s/.test(text[i] ?? '')) i++;
    if (i >= n) break;
    const ch = text[i];
    if (ch === '#') {
      skipLine();
    } else if (ch === '[') {
      const end = text.indexOf('\n', i);
      const line = text.slice(i, end < 0 ? n : end);
      const header = /^\[\[?\s*([^\]]+?)\s*\]\]?/.exec(line);
      table = header?.[1] ? tableName(header[1]) : table;
      i = end < 0 ? n : end;
    } else {
      const eq = text.indexOf('=', i);
      const newline = text.indexOf('\n', i);
      if (eq < 0 || (newline >= 0 && newline < eq)) {
        skipLine();
        continue;
      }
      const key = unquote(text.slice(i, eq));
      i = eq + 1;
      while (i < n && (text[i] === ' ' || text[i] === '\t')) i++;
      entries.push({ table, key, strings: readValue() });
      skipLine();
    }
  }
  return entries;
}

export function parsePyproject(text: string): string[] {
  const names: string[] = [];
  for (const { table, key, strings } of readTomlEntries(text)) {
    const pep621 =
      (table === 'project' && key === 'dependencies') ||
      table === 'project.optional-dependencies' ||
      table === 'dependency-groups';
    if (pep621) {
      for (const spec of strings) {
        const name = requirementName(spec);
        if (name) names.push(name);
      }
      continue;
    }
    const poetry =
      table === 'tool.poetry.dependencies' ||
      table === 'tool.poetry.dev-dependencies' ||
      /^tool\.poetry\.group\.[^.]+\.dependencies$/.test(table);
    if (poetry && key.toLowerCase() !== 'python') names.push(key);
  }
  return names;
}

export function parsePipfile(text: string): string[] {
  return readTomlEntries(text)
    .filter(({ table }) => table === 'packages' || table === 'dev-packages')
    .map(({ key }) => key);
}

export function parseGoMod(text: string): string[] {
  const names: string[] = [];
  let inBlock = false;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.replace(/\/\/.*$/, '').trim();
    if (inBlock) {
      if (line.startsWith(')')) inBlock = false;
      else if (line !== '') names.push(line.split(/\s+/)[0] ?? '');
      continue;
    }
    if (/^require\s*\($/.test(line)) {
      inBlock = true;
      continue;
    }
    const single = /^require\s+(\S+)/.exec(line);
    if (single?.[1]) names.push(single[1]);
  }
  return names.filter((name) => name !== '');
}

export function parsePom(text: string): string[] {
  const names: string[] = [];
  const withoutComments = text.replace(/<!--[\s\S]*?-->/g, '');
  for (const block of withoutComments.matchAll(/<dependency>([\s\S]*?)<\/dependency>/g)) {
    const artifact = /<artifactId>\s*([^<\s]+)\s*<\/artifactId>/.exec(block[1] ?? '');
    if (artifact?.[1]) names.push(artifact[1]);
  }
  return names;
}

/** Coordinates `group:artifact[:version]` in string literals, and the `group: …, name: …` map form. */
export function parseGradle(text: string): string[] {
  const names: string[] = [];
  const code = text.replace(/\/\*[\s\S]*?\*\//g, '').replace(/\/\/.*$/gm, '');
  const configuration = String.raw`\b[a-zA-Z]*(?:[iI]mplementation|[aA]pi|[cC]ompileOnly|[rR]untimeOnly|[cC]ompile|[rR]untime|kapt|ksp|annotationProcessor)`;
  const coordinate = new RegExp(
    String.raw`${configuration}\s*\(?\s*(?:(?:platform|enforcedPlatform)\s*\(\s*)?["']([\w.-]+):([\w.-]+)(?::[^"']*)?["']`,
    'g',
  );
  for (const match of code.matchAll(coordinate)) {
    if (match[2]) names.push(match[2]);
  }
  const mapForm = new RegExp(String.raw`${configuration}\s*\(?\s*group\s*[:=]\s*["'][\w.-]+["']\s*,\s*name\s*[:=]\s*["']([\w.-]+)["']`, 'g');
  for (const match of code.matchAll(mapForm)) {
    if (match[1]) names.push(match[1]);
  }
  return names;
}

export function parseGemfile(text: string): string[] {
  const names: string[] = [];
  for (const match of text.matchAll(/^\s*gem\s*\(?\s*["']([^"']+)["']/gm)) {
    if (match[1]) names.push(match[1]);
  }
  return names;
}

/**
 * Languages, dependencies (by ecosystem) and frameworks of the workspace.
 * Manifests that cannot be read or parsed are reported in `diagnostics` and otherwise ignored.
 */
export async function detectProject(
  root: string,
  files: readonly WorkspaceFile[],
  readText: TextReader,
  diagnostics: Diagnostic[] = [],
): Promise<ProjectInfo> {
  const languages = new Set<SourceLanguage>();
  for (const file of files) if (file.kind === 'source' && file.language) languages.add(file.language);

  const dependencies = new Map<Ecosystem, Set<string>>();
  for (const file of files) {
    if (file.kind !== 'manifest') continue;
    const parser = manifestParser(file.path);
    if (!parser) continue;
    const text = textOf(await readText(file), diagnostics);
    if (text === undefined) continue;
    let names: string[];
    try {
      names = parser.parse(text);
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      diagnostics.push({ level: 'warning', file: file.path, message: `cannot parse manifest: ${reason}`, source: 'workspace' });
      continue;
    }
    let set = dependencies.get(parser.ecosystem);
    if (!set) {
      set = new Set();
      dependencies.set(parser.ecosystem, set);
    }
    for (const name of names) {
      const normalised = normaliseDependency(parser.ecosystem, name);
      if (normalised !== '') set.add(normalised);
    }
  }

  const versions = await declaredVersions(files, readText);
  const byEcosystem: Record<string, string[]> = {};
  for (const ecosystem of [...dependencies.keys()].sort()) {
    byEcosystem[ecosystem] = [...(dependencies.get(ecosystem) ?? [])].sort();
  }
  return {
    root: resolve(root),
    languages: SOURCE_LANGUAGES.filter((language) => languages.has(language)),
    frameworks: frameworksFor(byEcosystem),
    dependencies: byEcosystem,
    ...(Object.keys(versions).length > 0 ? { versions } : {}),
  };
}

/** Version ranges of npm (`package.json`) and PyPI (requirements files, PEP 508 strings in `pyproject.toml`) dependencies. */
async function declaredVersions(files: readonly WorkspaceFile[], readText: TextReader): Promise<Record<string, string>> {
  const out: Record<string, string> = {};
  const add = (ecosystem: Ecosystem, name: string, range: string): void => {
    const key = `${ecosystem}:${normaliseDependency(ecosystem, name)}`;
    if (range.trim() !== '' && out[key] === undefined) out[key] = range.trim();
  };
  for (const file of files) {
    if (file.kind !== 'manifest') continue;
    const name = file.path.slice(file.path.lastIndexOf('/') + 1);
    const npm = name === 'package.json';
    const pypi = name.endsWith('.txt') || name === 'pyproject.toml';
    if (!npm && !pypi) continue;
    const text = textOf(await readText(file), []);
    if (text === undefined) continue;
    if (npm) {
      try {
        const parsed: unknown = JSON.parse(text);
        if (!isRecord(parsed)) continue;
        for (const field of ['dependencies', 'devDependencies', 'peerDependencies', 'optionalDependencies']) {
          const section = parsed[field];
          if (!isRecord(section)) continue;
          for (const [dep, range] of Object.entries(section)) if (typeof range === 'string') add('npm', dep, range);
        }
      } catch {
        // detectProject reports unparsable manifests.
      }
      continue;
    }
    for (const match of text.matchAll(/(?:^|[[,])\s*["']?([A-Za-z0-9][A-Za-z0-9._-]*)(?:\[[^\]]*\])?\s*((?:[=<>!~]=?|===)\s*[0-9][^;,"'#\s]*)/gm)) {
      if (match[1] && match[2]) add('pypi', match[1], match[2].replace(/\s+/g, ''));
    }
  }
  return out;
}
