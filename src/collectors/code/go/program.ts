import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { field, fields, named, receiverType, stringLiteral } from './ast.js';

/** One `.go` file: its package and its imports by local name. */
export interface GoFile {
  source: SourceFile;
  pkg: GoPackage;
  /** Local name → import path (`gin` → `github.com/gin-gonic/gin`, aliases and dot/blank imports included). */
  imports: Map<string, string>;
}

export interface GoDecl {
  node: Node;
  file: GoFile;
}

/** The files of one directory that share a package clause: Go's unit of name lookup. */
export interface GoPackage {
  dir: string;
  name: string;
  files: GoFile[];
  funcs: Map<string, GoDecl>;
  /** `Type.Method` → declaration. */
  methods: Map<string, GoDecl>;
  /** Package-level var and const specs by name, with the index of the name in a multi-name spec. */
  values: Map<string, { spec: Node; index: number; file: GoFile }>;
}

export interface GoProgram {
  files: GoFile[];
  packages: GoPackage[];
  /** Resolves an import path to a package of this workspace (by the longest directory suffix: the module path of go.mod is the rest). */
  packageOf(importPath: string): GoPackage | undefined;
  fileOfTree(tree: import('web-tree-sitter').Tree): GoFile | undefined;
  /** Method declarations by name across the workspace. */
  methodsNamed(name: string): GoDecl[];
}

const SKIP = /(^|\/)(vendor|testdata)\//;

/** Local name → import path of one Go file. */
export function importsOf(root: Node): Map<string, string> {
  const imports = new Map<string, string>();
  for (const declaration of named(root)) {
    if (declaration.type !== 'import_declaration') continue;
    const specs: Node[] = [];
    for (const child of named(declaration)) {
      if (child.type === 'import_spec') specs.push(child);
      if (child.type === 'import_spec_list') specs.push(...named(child).filter((spec) => spec.type === 'import_spec'));
    }
    for (const spec of specs) {
      const pathNode = field(spec, 'path');
      const path = pathNode ? stringLiteral(pathNode) : undefined;
      if (path === undefined) continue;
      const alias = field(spec, 'name')?.text;
      const last = path.split('/').filter((part) => !/^v\d+$/.test(part)).pop() ?? path;
      // `gopkg.in/yaml.v3` is `yaml`, `github.com/labstack/echo-jwt` is `echojwt`: the package clause decides, the path is a good guess.
      const guess = last.replace(/\.v\d+$/, '').replace(/^go-/, '').replace(/[-.]/g, '');
      imports.set(alias ?? guess, path);
      if (alias === undefined && guess !== last) imports.set(last, path);
    }
  }
  return imports;
}

const cache = new WeakMap<readonly SourceFile[], GoProgram>();

/** The workspace's Go packages (test files, vendored and testdata code left out), built once per source list. */
export function goProgram(sources: readonly SourceFile[]): GoProgram {
  const cached = cache.get(sources);
  if (cached) return cached;
  const byKey = new Map<string, GoPackage>();
  const files: GoFile[] = [];
  for (const source of sources) {
    if (source.language !== 'go' || source.file.endsWith('_test.go') || SKIP.test(`/${source.file}`)) continue;
    const root = source.tree.rootNode;
    const clause = named(root).find((child) => child.type === 'package_clause');
    const name = clause ? (named(clause)[0]?.text ?? '') : '';
    const dir = source.file.includes('/') ? source.file.slice(0, source.file.lastIndexOf('/')) : '';
    const key = `${dir}\u0000${name}`;
    let pkg = byKey.get(key);
    if (!pkg) {
      pkg = { dir, name, files: [], funcs: new Map(), methods: new Map(), values: new Map() };
      byKey.set(key, pkg);
    }
    const file: GoFile = { source, pkg, imports: importsOf(root) };
    pkg.files.push(file);
    files.push(file);
    for (const declaration of named(root)) {
      if (declaration.type === 'function_declaration') {
        const fnName = field(declaration, 'name')?.text;
        if (fnName && !pkg.funcs.has(fnName)) pkg.funcs.set(fnName, { node: declaration, file });
      } else if (declaration.type === 'method_declaration') {
        const fnName = field(declaration, 'name')?.text;
        const type = receiverType(declaration);
        if (fnName && type) pkg.methods.set(`${type}.${fnName}`, { node: declaration, file });
      } else if (declaration.type === 'var_declaration' || declaration.type === 'const_declaration') {
        const specs = named(declaration).flatMap((child) => (child.type.endsWith('_spec_list') ? named(child) : [child]));
        for (const spec of specs) {
          if (spec.type !== 'var_spec' && spec.type !== 'const_spec') continue;
          fields(spec, 'name').forEach((nameNode, index) => {
            if (!pkg.values.has(nameNode.text)) pkg.values.set(nameNode.text, { spec, index, file });
          });
        }
      }
    }
  }
  const packages = [...byKey.values()].filter((pkg) => pkg.name !== '');
  const byMethod = new Map<string, GoDecl[]>();
  for (const pkg of packages) {
    for (const [key, decl] of pkg.methods) {
      const method = key.slice(key.indexOf('.') + 1);
      byMethod.set(method, [...(byMethod.get(method) ?? []), decl]);
    }
  }
  const resolved = new Map<string, GoPackage | undefined>();
  const modules = modulePaths(files, packages);
  const byTree = new Map(files.map((file) => [file.source.tree, file]));
  const program: GoProgram = {
    files,
    packages,
    packageOf(importPath) {
      if (resolved.has(importPath)) return resolved.get(importPath);
      let found: GoPackage | undefined;
      for (const module of modules) {
        if (importPath === module.path) found = packages.find((pkg) => pkg.dir === module.root && pkg.name !== 'main');
        else if (importPath.startsWith(`${module.path}/`)) {
          const rest = importPath.slice(module.path.length + 1);
          const dir = module.root === '' ? rest : `${module.root}/${rest}`;
          found = packages.find((pkg) => pkg.dir === dir && pkg.name !== 'main');
        }
        if (found) break;
      }
      // A module path read from too few imports: the one directory that ends with the rest.
      for (const module of found ? [] : modules) {
        if (!importPath.startsWith(`${module.path}/`)) continue;
        const rest = importPath.slice(module.path.length + 1);
        found = packages.find((pkg) => pkg.dir.endsWith(`/${rest}`) && pkg.name !== 'main');
        if (found) break;
      }
      resolved.set(importPath, found);
      return found;
    },
    fileOfTree: (tree) => byTree.get(tree),
    methodsNamed: (name) => byMethod.get(name) ?? [],
  };
  cache.set(sources, program);
  return program;
}

/** A struct type declaration of a package: its file and its field list. */
interface StructDecl {
  file: GoFile;
  list: Node | undefined;
}

const structIndex = new WeakMap<GoPackage, Map<string, StructDecl[]>>();
const fieldIndex = new WeakMap<GoPackage, Map<string, Map<string, { file: GoFile; type: Node | undefined }>>>();

/**
 * The struct types declared in a package, by name, each declaration in file and document order: read
 * once per package, so that the interpreter's questions about a type do not scan every file of the package.
 */
export function goStructTypes(pkg: GoPackage): ReadonlyMap<string, readonly StructDecl[]> {
  let index = structIndex.get(pkg);
  if (!index) {
    index = new Map();
    for (const file of pkg.files) {
      for (const declaration of named(file.source.tree.rootNode)) {
        if (declaration.type !== 'type_declaration') continue;
        for (const spec of named(declaration)) {
          if (spec.type !== 'type_spec') continue;
          const name = field(spec, 'name')?.text;
          const body = field(spec, 'type');
          if (name === undefined || body?.type !== 'struct_type') continue;
          const list = named(body).find((child) => child.type === 'field_declaration_list');
          const known = index.get(name);
          if (known) known.push({ file, list });
          else index.set(name, [{ file, list }]);
        }
      }
    }
    structIndex.set(pkg, index);
  }
  return index;
}

/** The first field `name` of struct type `type` in the package (declarations in file and document order), with its declared type. */
export function goStructField(pkg: GoPackage, type: string, name: string): { file: GoFile; type: Node | undefined } | undefined {
  let byType = fieldIndex.get(pkg);
  if (!byType) {
    byType = new Map();
    fieldIndex.set(pkg, byType);
  }
  let members = byType.get(type);
  if (!members) {
    members = new Map();
    for (const { file, list } of goStructTypes(pkg).get(type) ?? []) {
      for (const member of list ? named(list) : []) {
        for (const fieldName of fields(member, 'name')) if (!members.has(fieldName.text)) members.set(fieldName.text, { file, type: field(member, 'type') });
      }
    }
    byType.set(type, members);
  }
  return members.get(name);
}

/** True when a Go source imports one of these paths (or a sub-package or major version of one). */
export function goImports(sources: readonly SourceFile[], paths: readonly string[]): boolean {
  return sources.some(
    (source) => source.language === 'go' && paths.some((path) => source.text.includes(`"${path}"`) || source.text.includes(`"${path}/`)),
  );
}

interface Module {
  /** The module path of go.mod (`github.com/acme/api`). */
  path: string;
  /** The workspace directory that holds that go.mod ('' at the top). */
  root: string;
}

function underDir(file: string, dir: string): boolean {
  return dir === '' || file.startsWith(`${dir}/`);
}

/**
 * The modules of go.mod, read from the imports: an import path and a package directory that end with the
 * same segments name the module as the rest of the path and its root as the rest of the directory
 * (`github.com/acme/api/internal/auth` and `services/api/internal/auth` → `github.com/acme/api` at
 * `services/api`), counted only when an importing file lies under that root, so that two services of one
 * repository that both hold an `internal/auth` each resolve to their own. Standard-library look-alikes
 * (`net/http` beside a `http/` folder) lose to paths with a domain.
 */
function modulePaths(files: readonly GoFile[], packages: readonly GoPackage[]): Module[] {
  const byLast = new Map<string, string[]>();
  for (const dir of new Set(packages.map((pkg) => pkg.dir).filter((dir) => dir !== ''))) {
    const last = dir.slice(dir.lastIndexOf('/') + 1);
    byLast.set(last, [...(byLast.get(last) ?? []), dir]);
  }
  const importers = new Map<string, Set<string>>();
  for (const file of files) {
    for (const path of file.imports.values()) {
      const set = importers.get(path) ?? new Set<string>();
      set.add(file.source.file);
      importers.set(path, set);
    }
  }
  // The import paths of each directory's files: a package never imports itself.
  const importsOfDir = new Map<string, Set<string>>();
  for (const file of files) {
    const dir = file.source.file.includes('/') ? file.source.file.slice(0, file.source.file.lastIndexOf('/')) : '';
    const set = importsOfDir.get(dir) ?? new Set<string>();
    for (const path of file.imports.values()) set.add(path);
    importsOfDir.set(dir, set);
  }
  const votes = new Map<string, { module: Module; votes: number }>();
  for (const [path, from] of importers) {
    const segments = path.split('/');
    for (const dir of byLast.get(segments.at(-1) ?? '') ?? []) {
      const parts = dir.split('/');
      let shared = 0;
      while (shared < parts.length && shared < segments.length - 1 && parts[parts.length - 1 - shared] === segments[segments.length - 1 - shared]) shared += 1;
      if (shared === 0) continue;
      const module: Module = { path: segments.slice(0, segments.length - shared).join('/'), root: parts.slice(0, parts.length - shared).join('/') };
      if (![...from].some((file) => underDir(file, module.root))) continue;
      // `github.com/labstack/echo/v5/middleware` beside `pkg/routes/middleware` would make pkg/routes the package
      // `github.com/labstack/echo/v5`, which pkg/routes itself imports: no module.
      if (importsOfDir.get(module.root)?.has(module.path)) continue;
      const key = `${module.path}\u0000${module.root}`;
      const entry = votes.get(key) ?? { module, votes: 0 };
      entry.votes += 1;
      votes.set(key, entry);
    }
  }
  const ranked = [...votes.values()].sort((a, b) => b.votes - a.votes || a.module.path.localeCompare(b.module.path) || a.module.root.localeCompare(b.module.root));
  const withDomain = ranked.filter(({ module }) => (module.path.split('/')[0] ?? '').includes('.')).map(({ module }) => module);
  if (withDomain.length > 0) return withDomain;
  const top = ranked[0];
  return top && top.votes >= 2 ? [top.module] : [];
}
