import { posix } from 'node:path';

/**
 * What a source file tells about the projects it links, per language family, read from its text before
 * any parse (engine/projects.ts): the names it makes available to other projects, the names it uses,
 * and the workspace paths it reaches by a relative path. Over-reading is safe (projects join); a use
 * left unread could split projects that share code, so each reader takes every import spelling.
 */
export interface LinkFacts {
  declares: string[];
  uses: string[];
  paths: string[];
}

export interface FamilyLinks {
  /** Files that make their folder a project of this family. */
  isManifest(path: string): boolean;
  /** Names a manifest gives its project (a package name, a module path, an assembly). */
  manifestName?(path: string, text: string): string[];
  facts(file: string, text: string, root: string): LinkFacts;
}

function all(pattern: RegExp, text: string, group = 1): string[] {
  const out: string[] = [];
  for (const match of text.matchAll(pattern)) {
    const value = match[group];
    if (value !== undefined) out.push(value);
  }
  return out;
}

/** `a.b.c` → `a`, `a.b`, `a.b.c` (the declared names a use may match). */
function prefixes(name: string, separator: string): string[] {
  const parts = name.split(separator).filter((part) => part !== '');
  return parts.map((_, index) => parts.slice(0, index + 1).join(separator));
}

/** The file's path below its project root (`src/` layouts skipped for Python). */
function relative(file: string, root: string): string {
  return root === '' ? file : file.slice(root.length + 1);
}

function resolvedPaths(file: string, specifiers: readonly string[]): string[] {
  const dir = posix.dirname(file);
  return specifiers
    .filter((specifier) => specifier.startsWith('./') || specifier.startsWith('../'))
    .map((specifier) => posix.normalize(posix.join(dir === '.' ? '' : dir, specifier)))
    .filter((path) => !path.startsWith('..'))
    .map((path) => (path === '.' ? '' : path.replace(/\/$/, '')));
}

const python: FamilyLinks = {
  isManifest: (path) => /(^|\/)(pyproject\.toml|setup\.py|setup\.cfg|Pipfile|requirements[^/]*\.txt|requirements\/[^/]+\.txt)$/.test(path),
  manifestName: (_path, text) => all(/^\s*name\s*=\s*["']([\w.-]+)["']/gm, text),
  facts(file, text, root) {
    const parts = relative(file, root).split('/');
    if (parts[0] === 'src' && parts.length > 1) parts.shift();
    const top = (parts[0] ?? '').replace(/\.py$/, '');
    const uses = [
      ...all(/^[ \t]*from[ \t]+([A-Za-z_]\w*)/gm, text),
      ...all(/^[ \t]*import[ \t]+([^\n#;]+)/gm, text).flatMap((list) => list.split(',').map((entry) => (entry.trim().split(/[\s.]/)[0] ?? ''))),
      // importlib.import_module("pkg.mod"), __import__("pkg"), string references in settings (INSTALLED_APPS, ROOT_URLCONF).
      ...all(/["']([A-Za-z_]\w*)(?:\.[A-Za-z_]\w*)+["']/g, text),
    ].filter((name) => name !== '');
    return { declares: top === '' ? [] : [top], uses, paths: [] };
  },
};

const js: FamilyLinks = {
  isManifest: (path) => /(^|\/)package\.json$/.test(path),
  manifestName(_path, text) {
    try {
      const parsed: unknown = JSON.parse(text);
      const name = parsed !== null && typeof parsed === 'object' && 'name' in parsed ? parsed.name : undefined;
      return typeof name === 'string' ? [name] : [];
    } catch {
      return [];
    }
  },
  facts(file, text) {
    const specifiers = [
      ...all(/\bfrom\s*["']([^"'\n]+)["']/g, text),
      ...all(/\bimport\s*["']([^"'\n]+)["']/g, text),
      ...all(/\b(?:require|import)\s*\(\s*["'`]([^"'`\n]+)["'`]\s*\)/g, text),
    ];
    const uses = specifiers
      .filter((specifier) => !specifier.startsWith('.') && !specifier.startsWith('/'))
      .map((specifier) => (specifier.startsWith('@') ? specifier.split('/').slice(0, 2).join('/') : (specifier.split('/')[0] ?? '')));
    return { declares: [], uses, paths: resolvedPaths(file, specifiers) };
  },
};

const go: FamilyLinks = {
  isManifest: (path) => /(^|\/)go\.mod$/.test(path),
  manifestName: (_path, text) => all(/^\s*module\s+(\S+)/gm, text),
  facts(_file, text) {
    const blocks = all(/^import\s*\(([^)]*)\)/gm, text).join('\n');
    const imports = [...all(/^import\s+(?:[\w.]+\s+)?"([^"]+)"/gm, text), ...all(/"([^"\n]+)"/g, blocks)];
    return { declares: [], uses: imports.flatMap((path) => prefixes(path, '/')), paths: [] };
  },
};

const jvm: FamilyLinks = {
  isManifest: (path) => /(^|\/)(pom\.xml|build\.gradle(\.kts)?|settings\.gradle(\.kts)?)$/.test(path),
  manifestName(path, text) {
    if (!path.endsWith('pom.xml')) return all(/rootProject\.name\s*=\s*["']([\w.-]+)["']/g, text);
    // The project's own artifactId: not its parent's, not a dependency's or a plugin's.
    const own = text.replace(/<(parent|dependencies|dependencyManagement|build|profiles|reporting|repositories|pluginRepositories)\b[\s\S]*?<\/\1>/g, '');
    return all(/<artifactId>\s*([\w.-]+)\s*<\/artifactId>/g, own).slice(0, 1);
  },
  facts(_file, text) {
    const declares = all(/^\s*package\s+([\w.]+)/gm, text);
    const uses = all(/^\s*import\s+(?:static\s+)?([\w.]+)/gm, text).flatMap((name) => prefixes(name, '.'));
    return { declares, uses, paths: [] };
  },
};

const php: FamilyLinks = {
  isManifest: (path) => /(^|\/)composer\.json$/.test(path),
  manifestName: (_path, text) => all(/"name"\s*:\s*"([^"]+)"/g, text).slice(0, 1),
  facts(file, text) {
    const declares = all(/^\s*namespace\s+([\w\\]+)/gm, text);
    const uses = [...all(/^\s*use\s+(?:function\s+|const\s+)?\\?([\w\\]+)/gm, text), ...all(/\\?([A-Z]\w*(?:\\\w+)+)/g, text)].flatMap((name) => prefixes(name, '\\'));
    const includes = all(/\b(?:require|include)(?:_once)?\s*\(?\s*(?:__DIR__\s*\.\s*)?["']([^"'\n]+)["']/g, text).map((path) => (path.startsWith('/') ? `.${path}` : path));
    return { declares, uses, paths: resolvedPaths(file, includes) };
  },
};

const ruby: FamilyLinks = {
  isManifest: (path) => /(^|\/)(Gemfile|[^/]+\.gemspec)$/.test(path),
  facts(file, text) {
    const declares = all(/^\s*(?:class|module)\s+([A-Z]\w*)/gm, text);
    // Constants are global in Ruby: any capitalised name may be another project's class.
    const uses = all(/(?<![\w:])([A-Z][A-Za-z0-9_]*)/g, text);
    const required = all(/\brequire_relative\s*\(?\s*["']([^"'\n]+)["']/g, text).map((path) => (path.startsWith('.') ? path : `./${path}`));
    return { declares, uses, paths: resolvedPaths(file, required) };
  },
};

const csharp: FamilyLinks = {
  isManifest: (path) => /\.(csproj|fsproj|vbproj)$/.test(path),
  manifestName: (path, text) => [posix.basename(path).replace(/\.\w+proj$/, ''), ...all(/<(?:AssemblyName|RootNamespace)>\s*([\w.]+)\s*</g, text)],
  facts(_file, text) {
    const declares = all(/^\s*namespace\s+([\w.]+)/gm, text);
    const uses = all(/^\s*(?:global\s+)?using\s+(?:static\s+)?(?:\w+\s*=\s*)?([\w.]+)\s*;/gm, text).flatMap((name) => prefixes(name, '.'));
    return { declares, uses, paths: [] };
  },
};

/** By analysis unit (engine/units.ts `UNIT_IDS`). */
export const LANGUAGE_LINKS: Readonly<Record<string, FamilyLinks>> = { python, js, go, jvm, php, ruby, csharp };
