import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { isJsFamily } from '../../../parsing/languages.js';
import { callArgs, callee, descendants, field, named, objectProperty, propertyKey, stringValue, unwrap } from './ast.js';

interface ImportBinding {
  specifier: string;
  /** Resolved workspace file, for relative (or aliased) specifiers. */
  file: string | undefined;
  /** 'default', '*' or the exported name. */
  imported: string;
}

/** A binding to an expression, possibly a member of it (`const { a } = expr`). */
interface ValueBinding {
  node: Node;
  path: string[];
}

type ExportBinding = { local: string } | ValueBinding | { from: string | undefined; specifier: string; imported: string };

export interface JsModule {
  source: SourceFile;
  file: string;
  imports: Map<string, ImportBinding>;
  declarations: Map<string, ValueBinding>;
  exports: Map<string, ExportBinding>;
  starExports: (string | undefined)[];
}

export type Resolved =
  | { kind: 'node'; module: JsModule; node: Node }
  | { kind: 'namespace'; module: JsModule }
  | { kind: 'external'; specifier: string; path: string[] }
  | { kind: 'unresolved'; name: string };

const NESTED: ReadonlySet<string> = new Set(['variable_declarator', 'function_declaration', 'class_declaration']);
const EXTENSIONS = ['.ts', '.tsx', '.js', '.mjs', '.cjs', '.jsx', '.mts', '.cts'];

function dirname(file: string): string {
  const slash = file.lastIndexOf('/');
  return slash < 0 ? '' : file.slice(0, slash);
}

export function joinFile(dir: string, relative: string): string {
  const parts = dir === '' ? [] : dir.split('/');
  for (const part of relative.split('/')) {
    if (part === '' || part === '.') continue;
    if (part === '..') parts.pop();
    else parts.push(part);
  }
  return parts.join('/');
}

/** The JavaScript/TypeScript files of a workspace, their imports and exports, and value resolution across them. */
const graphs = new WeakMap<readonly SourceFile[], ModuleGraph>();

export class ModuleGraph {
  /** One graph per source list, shared by the JavaScript collectors of a run. */
  static of(sources: readonly SourceFile[]): ModuleGraph {
    let graph = graphs.get(sources);
    if (!graph) {
      graph = new ModuleGraph(sources);
      graphs.set(sources, graph);
    }
    return graph;
  }

  readonly modules = new Map<string, JsModule>();
  private readonly roots: string[];
  private readonly packaged = new Map<string, string[]>();

  constructor(sources: readonly SourceFile[]) {
    for (const source of sources) {
      if (!isJsFamily(source.language)) continue;
      this.modules.set(source.file, {
        source,
        file: source.file,
        imports: new Map(),
        declarations: new Map(),
        exports: new Map(),
        starExports: [],
      });
    }
    this.roots = [...new Set([...this.modules.keys()].map((file) => /^(.*?\/)?src\//.exec(file)?.[0] ?? ''))];
    // Monorepo packages behind a scoped alias (`@acme/backend/*` → `apps/backend/src/*` in tsconfig paths):
    // each `<dir>/src/<rest>` file under the name of its package directory.
    for (const file of this.modules.keys()) {
      const match = /(?:^|\/)([^/]+)\/src\/(.+)$/.exec(file);
      if (!match?.[1] || !match[2]) continue;
      const key = `${match[1]}\u0000${match[2].replace(/\.(?:d\.)?[cm]?[jt]sx?$/, '')}`;
      this.packaged.set(key, [...(this.packaged.get(key) ?? []), file]);
    }
    for (const module of this.modules.values()) this.index(module);
  }

  /** Workspace file a specifier names: relative paths, `.js` written for `.ts`, index files, `@/` and `~/` aliases. */
  resolveSpecifier(from: string, specifier: string): string | undefined {
    let bases: string[];
    if (specifier.startsWith('.')) bases = [joinFile(dirname(from), specifier)];
    else if (/^[@~#]\//.test(specifier)) {
      // The importing file's own `src/` root, deepest first: another project's `src/` of the same layout is not
      // where its alias points (a monorepo of services each with `@/services/auth`). No `src/` above it: every root.
      const own = this.roots.filter((root) => root !== '' && from.startsWith(root)).sort((a, b) => b.length - a.length);
      bases = (own.length > 0 ? own : this.roots).map((root) => joinFile(root.replace(/\/$/, ''), specifier.slice(2)));
      // A project without `src/` (Next.js `@/*` → `./*` from the app's tsconfig in `apps/web/`): the importing file's
      // own folders, nearest first, after the `src/` roots.
      for (let dir = dirname(from); dir !== ''; dir = dirname(dir)) bases.push(joinFile(dir, specifier.slice(2)));
    }
    else if (specifier.startsWith('src/')) bases = [specifier];
    else return this.packageAlias(specifier);
    for (const base of bases) {
      const stripped = base.replace(/\.(?:m|c)?jsx?$/, '');
      const candidates = [base, ...EXTENSIONS.map((ext) => stripped + ext), ...EXTENSIONS.map((ext) => `${base}/index${ext}`)];
      for (const candidate of candidates) if (this.modules.has(candidate)) return candidate;
    }
    return undefined;
  }

  /**
   * `@gitroom/backend/services/auth/auth.middleware`: the one workspace file `…/backend/src/services/auth/auth.middleware.ts`
   * (or its index), when exactly one package directory of that name holds it; a package from the registry has no such file.
   */
  private packageAlias(specifier: string): string | undefined {
    const match = /^@[^/]+\/([^/]+)\/(.+)$/.exec(specifier);
    if (!match?.[1] || !match[2]) return undefined;
    const rest = match[2].replace(/\.(?:m|c)?jsx?$/, '');
    for (const candidate of [rest, `${rest}/index`]) {
      const files = this.packaged.get(`${match[1]}\u0000${candidate}`);
      if (files?.length === 1) return files[0];
    }
    return undefined;
  }

  private index(module: JsModule): void {
    const root = module.source.tree.rootNode;
    for (const statement of named(root)) this.indexStatement(module, statement, true);
    // Declarations inside functions (routers built in a factory, plugins) are indexed by name too;
    // a top-level binding of the same name wins.
    for (const child of descendants(root, NESTED)) {
      if (child.type === 'variable_declarator') this.indexDeclarator(module, child, false);
      else {
        const name = field(child, 'name')?.text;
        if (name && !module.declarations.has(name)) module.declarations.set(name, { node: child, path: [] });
      }
    }
  }

  private indexStatement(module: JsModule, statement: Node, topLevel: boolean): void {
    switch (statement.type) {
      case 'import_statement':
        this.indexImport(module, statement);
        return;
      case 'lexical_declaration':
      case 'variable_declaration':
        for (const declarator of named(statement)) if (declarator.type === 'variable_declarator') this.indexDeclarator(module, declarator, topLevel);
        return;
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'class_declaration':
      case 'abstract_class_declaration': {
        const name = field(statement, 'name')?.text;
        if (name) module.declarations.set(name, { node: statement, path: [] });
        return;
      }
      case 'export_statement':
        this.indexExport(module, statement);
        return;
      case 'expression_statement': {
        const expression = named(statement)[0];
        if (expression?.type === 'assignment_expression') this.indexAssignment(module, expression);
        return;
      }
      default:
        return;
    }
  }

  private indexDeclarator(module: JsModule, declarator: Node, topLevel: boolean): void {
    const name = field(declarator, 'name');
    let value = field(declarator, 'value');
    // `const router = module.exports = Router()`: the local name and the export are the same value.
    while (value?.type === 'assignment_expression') {
      if (topLevel) this.indexAssignment(module, value);
      value = field(value, 'right');
    }
    if (!name || !value) return;
    if (name.type === 'identifier') {
      if (topLevel || !module.declarations.has(name.text)) module.declarations.set(name.text, { node: value, path: [] });
      return;
    }
    if (name.type === 'object_pattern') {
      for (const part of named(name)) {
        if (part.type === 'shorthand_property_identifier_pattern') {
          if (topLevel || !module.declarations.has(part.text)) module.declarations.set(part.text, { node: value, path: [part.text] });
        } else if (part.type === 'pair_pattern') {
          const key = propertyKey(part);
          const local = field(part, 'value');
          if (key && local?.type === 'identifier' && (topLevel || !module.declarations.has(local.text)))
            module.declarations.set(local.text, { node: value, path: [key] });
        }
      }
    }
  }

  private indexImport(module: JsModule, statement: Node): void {
    const source = field(statement, 'source');
    const specifier = source ? stringValue(source) : undefined;
    if (specifier === undefined) return;
    const file = this.resolveSpecifier(module.file, specifier);
    const clause = named(statement).find((child) => child.type === 'import_clause');
    if (!clause) return;
    for (const part of named(clause)) {
      if (part.type === 'identifier') module.imports.set(part.text, { specifier, file, imported: 'default' });
      else if (part.type === 'namespace_import') {
        const local = named(part).find((child) => child.type === 'identifier');
        if (local) module.imports.set(local.text, { specifier, file, imported: '*' });
      } else if (part.type === 'named_imports') {
        for (const spec of named(part)) {
          if (spec.type !== 'import_specifier') continue;
          const imported = field(spec, 'name')?.text;
          const alias = field(spec, 'alias')?.text ?? imported;
          if (imported && alias) module.imports.set(alias, { specifier, file, imported });
        }
      }
    }
  }

  private indexExport(module: JsModule, statement: Node): void {
    const source = field(statement, 'source');
    const specifier = source ? stringValue(source) : undefined;
    const from = specifier === undefined ? undefined : this.resolveSpecifier(module.file, specifier);
    const declaration = field(statement, 'declaration');
    if (declaration) {
      this.indexStatement(module, declaration, true);
      if (declaration.type === 'lexical_declaration' || declaration.type === 'variable_declaration') {
        for (const declarator of named(declaration)) {
          const name = declarator.type === 'variable_declarator' ? field(declarator, 'name') : undefined;
          if (name?.type === 'identifier') module.exports.set(name.text, { local: name.text });
        }
      } else {
        const name = field(declaration, 'name')?.text;
        const isDefault = statement.children.some((child) => child?.type === 'default');
        if (name) module.exports.set(isDefault ? 'default' : name, { local: name });
        else if (isDefault) module.exports.set('default', { node: declaration, path: [] });
      }
      return;
    }
    const value = field(statement, 'value');
    if (value) {
      module.exports.set('default', value.type === 'identifier' ? { local: value.text } : { node: value, path: [] });
      return;
    }
    const clause = named(statement).find((child) => child.type === 'export_clause');
    if (clause) {
      for (const spec of named(clause)) {
        if (spec.type !== 'export_specifier') continue;
        const name = field(spec, 'name')?.text;
        const alias = field(spec, 'alias')?.text ?? name;
        if (!name || !alias) continue;
        if (specifier !== undefined) module.exports.set(alias, { from, specifier, imported: name });
        else module.exports.set(alias, { local: name });
      }
      return;
    }
    if (specifier !== undefined) {
      const namespace = named(statement).find((child) => child.type === 'namespace_export');
      const alias = namespace ? named(namespace)[0]?.text : undefined;
      if (alias) module.exports.set(alias, { from, specifier, imported: '*' });
      else module.starExports.push(from);
    }
  }

  private indexAssignment(module: JsModule, assignment: Node): void {
    const left = field(assignment, 'left');
    const right = field(assignment, 'right');
    if (!left || !right) return;
    const target = left.text.replace(/\s+/g, '');
    if (target === 'module.exports') {
      module.exports.set('default', right.type === 'identifier' ? { local: right.text } : { node: right, path: [] });
      const object = unwrap(right);
      if (object.type === 'object') {
        for (const child of named(object)) {
          if (child.type === 'shorthand_property_identifier') module.exports.set(child.text, { local: child.text });
          else if (child.type === 'pair') {
            const key = propertyKey(child);
            const value = field(child, 'value');
            if (key && value) module.exports.set(key, value.type === 'identifier' ? { local: value.text } : { node: value, path: [] });
          }
        }
      }
      return;
    }
    const named_ = /^(?:module\.)?exports\.([A-Za-z_$][\w$]*)$/.exec(target)?.[1];
    if (named_) module.exports.set(named_, right.type === 'identifier' ? { local: right.text } : { node: right, path: [] });
  }

  /** `require('x')` / `import('x')`: the module it loads. */
  requireTarget(module: JsModule, node: Node): Resolved | undefined {
    const current = unwrap(node);
    if (current.type !== 'call_expression') return undefined;
    const fn = callee(current);
    if (!fn || (fn.text !== 'require' && fn.type !== 'import')) return undefined;
    const arg = callArgs(current)[0];
    const specifier = arg ? stringValue(arg) : undefined;
    if (specifier === undefined) return undefined;
    const file = this.resolveSpecifier(module.file, specifier);
    const target = file ? this.modules.get(file) : undefined;
    if (target) return { kind: 'namespace', module: target };
    return { kind: 'external', specifier, path: [] };
  }

  /** Follows identifiers, imports, exports, object members and `require` to the value an expression denotes. */
  resolve(module: JsModule, node: Node, depth = 0): Resolved {
    if (depth > 24) return { kind: 'unresolved', name: node.text };
    const current = unwrap(node);
    if (current.type === 'identifier' || current.type === 'shorthand_property_identifier') return this.resolveName(module, current.text, depth + 1);
    if (current.type === 'member_expression') {
      const object = field(current, 'object');
      const property = field(current, 'property');
      if (!object || !property) return { kind: 'unresolved', name: current.text };
      return this.member(this.resolve(module, object, depth + 1), property.text, depth + 1);
    }
    const required = this.requireTarget(module, current);
    if (required) return required.kind === 'namespace' ? this.defaultOf(required.module, depth + 1) : required;
    return { kind: 'node', module, node: current };
  }

  /** A CommonJS module's `module.exports`, or an ES module's namespace when it has no default export. */
  private defaultOf(module: JsModule, depth: number): Resolved {
    if (module.exports.has('default')) return this.exported(module, 'default', depth);
    return { kind: 'namespace', module };
  }

  resolveName(module: JsModule, name: string, depth = 0): Resolved {
    const imported = module.imports.get(name);
    if (imported) {
      const target = imported.file ? this.modules.get(imported.file) : undefined;
      if (!target) return { kind: 'external', specifier: imported.specifier, path: imported.imported === '*' ? [] : [imported.imported] };
      if (imported.imported === '*') return { kind: 'namespace', module: target };
      return this.exported(target, imported.imported, depth + 1);
    }
    const declared = module.declarations.get(name);
    if (declared) return this.binding(module, declared, depth + 1);
    return { kind: 'unresolved', name };
  }

  private binding(module: JsModule, binding: ValueBinding, depth: number): Resolved {
    let resolved = this.resolve(module, binding.node, depth + 1);
    for (const key of binding.path) resolved = this.member(resolved, key, depth + 1);
    return resolved;
  }

  exported(module: JsModule, name: string, depth = 0, seen = new Set<string>()): Resolved {
    if (depth > 24 || seen.has(module.file)) return { kind: 'unresolved', name };
    const binding = module.exports.get(name);
    if (binding) {
      if ('local' in binding) return this.resolveName(module, binding.local, depth + 1);
      if ('node' in binding) return this.binding(module, binding, depth + 1);
      const target = binding.from ? this.modules.get(binding.from) : undefined;
      if (!target) return { kind: 'external', specifier: binding.specifier, path: binding.imported === '*' ? [] : [binding.imported] };
      if (binding.imported === '*') return { kind: 'namespace', module: target };
      return this.exported(target, binding.imported, depth + 1);
    }
    seen.add(module.file);
    for (const from of module.starExports) {
      const target = from ? this.modules.get(from) : undefined;
      if (!target) continue;
      const found = this.exported(target, name, depth + 1, seen);
      if (found.kind !== 'unresolved') return found;
    }
    return { kind: 'unresolved', name };
  }

  member(base: Resolved, key: string, depth: number): Resolved {
    switch (base.kind) {
      case 'namespace':
        return this.exported(base.module, key, depth + 1);
      case 'external':
        return { kind: 'external', specifier: base.specifier, path: [...base.path, key] };
      case 'unresolved':
        return { kind: 'unresolved', name: `${base.name}.${key}` };
      case 'node': {
        const value = objectProperty(base.node, key);
        if (value) return value.type === 'method_definition' ? { kind: 'node', module: base.module, node: value } : this.resolve(base.module, value, depth + 1);
        // `module.exports = router` also carries `router.x` style members poorly; a CommonJS object's named export may still exist.
        if (base.node.type === 'object') return { kind: 'unresolved', name: key };
        return { kind: 'unresolved', name: `${base.node.text.slice(0, 40)}.${key}` };
      }
    }
  }

  moduleOf(file: string): JsModule | undefined {
    return this.modules.get(file);
  }
}

/** True when the file imports or requires one of `packages` (or a subpath of it). */
export function importsAny(module: JsModule, packages: readonly string[]): boolean {
  const matches = (specifier: string): boolean => packages.some((name) => specifier === name || specifier.startsWith(`${name}/`));
  for (const binding of module.imports.values()) if (matches(binding.specifier)) return true;
  return packages.some((name) => module.source.text.includes(`'${name}`) || module.source.text.includes(`"${name}`));
}
