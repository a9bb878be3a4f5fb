import path from 'node:path/posix';
import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import { arrayEntries, callArguments, field, kids, leadingComments, literalString, unwrap, walk } from './ast.js';

/** What a PHP file declares: its namespace, its `use` imports and its classes. */
export interface PhpFile {
  source: SourceFile;
  namespace: string;
  /** Alias (last segment or `as` name) → fully qualified name, without a leading backslash. */
  uses: Map<string, string>;
  classes: PhpClass[];
}

export interface PhpAttribute {
  /** Fully qualified name as resolved through the file's imports. */
  name: string;
  node: Node;
  args: ReturnType<typeof callArguments>;
}

export interface PhpClass {
  fqn: string;
  name: string;
  node: Node;
  file: PhpFile;
  /** Parent class, fully qualified. */
  parent?: string;
  interfaces: string[];
  constants: Map<string, Node>;
  methods: Map<string, Node>;
  /** Property name (without `$`) → default value node. */
  properties: Map<string, Node>;
  attributes: PhpAttribute[];
}

/** An evaluated PHP expression, as far as static reading goes. */
export type PhpValue =
  | { kind: 'string'; value: string }
  | { kind: 'class'; fqn: string }
  | { kind: 'array'; entries: { key?: PhpValue; value: PhpValue; node: Node }[] }
  | { kind: 'bool'; value: boolean }
  | { kind: 'int'; value: number }
  | { kind: 'null' }
  /** `base_path('routes/x.php')`, `__DIR__ . '/x.php'`: a file path with the literal parts known. */
  | { kind: 'path'; fragments: string[]; absolute?: string }
  | { kind: 'unknown'; node: Node };

export const BUILTIN_NAMES = new Set(['self', 'static', 'parent']);

const projects = { all: new WeakMap<readonly SourceFile[], PhpProject>(), application: new WeakMap<readonly SourceFile[], PhpProject>() };

/**
 * The project of a unit's sources, indexed once for the collectors and checks that ask with the same list
 * (each used to read every PHP file's imports and classes again). The project is not changed after it is built.
 * `application`: without the files under tests/ and vendor/.
 */
export function phpProjectOf(sources: readonly SourceFile[], application = false): PhpProject {
  const cache = application ? projects.application : projects.all;
  let project = cache.get(sources);
  if (!project) {
    project = new PhpProject(application ? sources.filter((source) => source.language === 'php' && !/(^|\/)(tests?|vendor)\//i.test(source.file)) : sources);
    cache.set(sources, project);
  }
  return project;
}

/** Indexes every PHP file: imports, classes, constants. */
export class PhpProject {
  readonly files = new Map<string, PhpFile>();
  readonly classes = new Map<string, PhpClass>();

  constructor(sources: readonly SourceFile[]) {
    for (const source of sources) {
      if (source.language !== 'php') continue;
      const file = readFile(source);
      this.files.set(source.file, file);
      for (const cls of file.classes) if (!this.classes.has(cls.fqn)) this.classes.set(cls.fqn, cls);
    }
  }

  /** The class a name denotes in `file` (imports, namespace, `self`). */
  resolveName(file: PhpFile, name: string, context?: PhpClass): string {
    if (name.startsWith('\\')) return name.slice(1);
    if ((name === 'self' || name === 'static') && context) return context.fqn;
    if (name === 'parent' && context?.parent) return context.parent;
    const [head, ...rest] = name.split('\\');
    const imported = head !== undefined ? file.uses.get(head.toLowerCase()) : undefined;
    if (imported !== undefined) return [imported, ...rest].join('\\');
    const local = file.namespace ? `${file.namespace}\\${name}` : name;
    if (this.classes.has(local) || file.namespace) return local;
    return name;
  }

  classOf(fqn: string): PhpClass | undefined {
    return this.classes.get(fqn);
  }

  /** A method of a class or of its parents in the project. */
  methodOf(cls: PhpClass, name: string): { method: Node; owner: PhpClass } | undefined {
    for (const current of this.ancestry(cls).chain) {
      const method = current.methods.get(name.toLowerCase());
      if (method) return { method, owner: current };
    }
    return undefined;
  }

  /** The class and its project ancestors, nearest first, and the first ancestor outside the project. */
  ancestry(cls: PhpClass): { chain: PhpClass[]; external?: string } {
    const chain: PhpClass[] = [];
    const seen = new Set<string>();
    let current = cls;
    while (!seen.has(current.fqn)) {
      seen.add(current.fqn);
      chain.push(current);
      if (!current.parent) return { chain };
      const next = this.classes.get(current.parent);
      if (!next) return { chain, external: current.parent };
      current = next;
    }
    return { chain };
  }

  /** True when `cls` or an ancestor is (or names) `fqn`. */
  extendsClass(cls: PhpClass, fqn: string): boolean {
    const { chain, external } = this.ancestry(cls);
    return chain.some((c) => c.fqn === fqn || c.parent === fqn) || external === fqn;
  }

  constantOf(fqn: string, name: string, seen = new Set<string>()): Node | undefined {
    if (seen.has(fqn)) return undefined;
    seen.add(fqn);
    const cls = this.classes.get(fqn);
    if (!cls) return undefined;
    return cls.constants.get(name) ?? (cls.parent ? this.constantOf(cls.parent, name, seen) : undefined);
  }

  /** The class that encloses `node`, if any. */
  enclosingClass(file: PhpFile, node: Node): PhpClass | undefined {
    return file.classes.find((cls) => cls.node.startIndex <= node.startIndex && node.endIndex <= cls.node.endIndex);
  }

  /** Evaluates an expression statically. */
  evaluate(file: PhpFile, node: Node, depth = 0): PhpValue {
    const target = unwrap(node);
    if (depth > 20) return { kind: 'unknown', node: target };
    const literal = literalString(target);
    if (literal !== undefined) return { kind: 'string', value: literal };
    switch (target.type) {
      case 'integer':
        return { kind: 'int', value: Number.parseInt(target.text, 10) };
      case 'boolean':
        return { kind: 'bool', value: target.text.toLowerCase() === 'true' };
      case 'null':
        return { kind: 'null' };
      case 'name': {
        const lower = target.text.toLowerCase();
        if (lower === 'true' || lower === 'false') return { kind: 'bool', value: lower === 'true' };
        if (lower === 'null') return { kind: 'null' };
        if (target.text === '__DIR__') return { kind: 'path', fragments: [], absolute: path.dirname(file.source.file) };
        return { kind: 'unknown', node: target };
      }
      case 'class_constant_access_expression': {
        const [scope, member] = kids(target);
        if (!scope || !member) return { kind: 'unknown', node: target };
        const context = this.enclosingClass(file, target);
        if (scope.type !== 'name' && scope.type !== 'qualified_name' && scope.type !== 'relative_scope') return { kind: 'unknown', node: target };
        const fqn = this.resolveName(file, scope.text, context);
        if (member.text === 'class') return { kind: 'class', fqn };
        const constant = this.constantOf(fqn, member.text);
        const owner = this.classes.get(fqn);
        if (constant && owner) return this.evaluate(owner.file, constant, depth + 1);
        return { kind: 'unknown', node: target };
      }
      case 'binary_expression': {
        const operator = target.childForFieldName('operator')?.text ?? target.children.find((child) => child !== null && !child.isNamed)?.text;
        if (operator !== '.') return { kind: 'unknown', node: target };
        const left = field(target, 'left');
        const right = field(target, 'right');
        if (!left || !right) return { kind: 'unknown', node: target };
        return concat(this.evaluate(file, left, depth + 1), this.evaluate(file, right, depth + 1), target);
      }
      case 'array_creation_expression': {
        const entries = (arrayEntries(target) ?? []).map((entry) => ({
          ...(entry.key ? { key: this.evaluate(file, entry.key, depth + 1) } : {}),
          value: this.evaluate(file, entry.value, depth + 1),
          node: entry.value,
        }));
        return { kind: 'array', entries };
      }
      case 'function_call_expression': {
        const name = field(target, 'function')?.text.replace(/^\\/, '');
        const args = callArguments(target);
        if (name === 'base_path' || name === 'app_path' || name === 'module_path' || name === 'realpath' || name === 'dirname') {
          const fragments: string[] = [];
          let absolute: string | undefined;
          for (const arg of args) {
            const value = this.evaluate(file, arg.value, depth + 1);
            if (value.kind === 'string') fragments.push(value.value);
            else if (value.kind === 'path') {
              fragments.push(...value.fragments);
              if (value.absolute !== undefined) absolute = value.absolute;
            }
          }
          if (name === 'app_path') fragments.unshift('app/');
          return { kind: 'path', fragments, ...(absolute !== undefined ? { absolute } : {}) };
        }
        return { kind: 'unknown', node: target };
      }
      default:
        return { kind: 'unknown', node: target };
    }
  }

  /** The strings of a string or array-of-strings value (`'auth'`, `['auth', 'verified']`). */
  strings(file: PhpFile, node: Node | undefined): { values: string[]; classes: string[]; unknown: Node[] } {
    const out = { values: [] as string[], classes: [] as string[], unknown: [] as Node[] };
    if (!node) return out;
    const visit = (value: PhpValue): void => {
      if (value.kind === 'string') out.values.push(value.value);
      else if (value.kind === 'class') out.classes.push(value.fqn);
      else if (value.kind === 'array') for (const entry of value.entries) visit(entry.value);
      else if (value.kind === 'unknown') out.unknown.push(value.node);
    };
    visit(this.evaluate(file, node));
    return out;
  }

  /**
   * The project file a path expression names: `__DIR__.'/../routes/api.php'` exactly,
   * `base_path('routes/api.php')` and `module_path('Blog', '/Routes/api.php')` by suffix (unique match only).
   */
  resolveFile(value: PhpValue): PhpFile | undefined {
    if (value.kind === 'string') return this.bySuffix([value.value]);
    if (value.kind !== 'path') return undefined;
    if (value.absolute !== undefined) {
      const joined = path.normalize(path.join(value.absolute, value.fragments.join('')));
      const exact = this.files.get(joined.replace(/^\.\//, '').replace(/^\//, ''));
      if (exact) return exact;
    }
    return this.bySuffix(value.fragments);
  }

  private bySuffix(fragments: readonly string[]): PhpFile | undefined {
    const last = fragments[fragments.length - 1];
    if (last === undefined) return undefined;
    const tail = path.normalize(last.replace(/^\/+/, '')).replace(/^(\.\.\/)+/, '');
    if (!tail.endsWith('.php')) return undefined;
    const others = fragments.slice(0, -1).map((fragment) => fragment.replace(/^\/+|\/+$/g, '')).filter(Boolean);
    // Only files of the tail's name can end with it: looked up by name instead of testing every file per include.
    const matches = this.filesNamed(tail.slice(tail.lastIndexOf('/') + 1)).filter(
      (file) => (file === tail || file.endsWith(`/${tail}`)) && others.every((other) => file.split('/').includes(other) || file.includes(`/${other}/`) || file.startsWith(`${other}/`)),
    );
    return matches.length === 1 ? this.files.get(matches[0] ?? '') : undefined;
  }

  private byBaseName: Map<string, string[]> | undefined;

  /** The project's paths whose last segment is `name`, in project order. */
  private filesNamed(name: string): string[] {
    if (!this.byBaseName) {
      this.byBaseName = new Map();
      for (const file of this.files.keys()) {
        const base = file.slice(file.lastIndexOf('/') + 1);
        const list = this.byBaseName.get(base);
        if (list) list.push(file);
        else this.byBaseName.set(base, [file]);
      }
    }
    return this.byBaseName.get(name) ?? [];
  }

  /** `require`/`include` targets of a statement, resolved to project files. */
  includeTarget(file: PhpFile, node: Node): PhpFile | undefined {
    const target = unwrap(node);
    if (!['require_expression', 'require_once_expression', 'include_expression', 'include_once_expression'].includes(target.type)) return undefined;
    const operand = kids(target)[0];
    if (!operand) return undefined;
    const value = this.evaluate(file, operand);
    return this.resolveFile(value);
  }
}

function concat(left: PhpValue, right: PhpValue, node: Node): PhpValue {
  if (left.kind === 'string' && right.kind === 'string') return { kind: 'string', value: left.value + right.value };
  if (left.kind === 'path' && right.kind === 'string') return { ...left, fragments: [...left.fragments, right.value] };
  if (left.kind === 'path' && right.kind === 'path') return { ...left, fragments: [...left.fragments, ...right.fragments] };
  return { kind: 'unknown', node };
}

function readFile(source: SourceFile): PhpFile {
  const file: PhpFile = { source, namespace: '', uses: new Map(), classes: [] };
  const root = source.tree.rootNode;
  walk(root, (node) => {
    switch (node.type) {
      case 'namespace_definition': {
        const name = field(node, 'name');
        if (name) file.namespace = name.text.replace(/^\\/, '');
        return true;
      }
      case 'namespace_use_declaration':
        readUse(node, file);
        return false;
      case 'class_declaration':
      case 'interface_declaration':
      case 'trait_declaration':
      case 'enum_declaration':
        file.classes.push(readClass(node, file));
        return false;
      case 'function_definition':
      case 'method_declaration':
        return false;
      default:
        return true;
    }
  });
  return file;
}

function readUse(node: Node, file: PhpFile): void {
  // `use function x;` / `use const X;` import no classes.
  if (node.children.some((child) => child !== null && (child.text === 'function' || child.text === 'const') && !child.isNamed)) return;
  const group = kids(node).find((child) => child.type === 'namespace_use_group');
  const prefix = group ? kids(node).find((child) => child.type === 'namespace_name')?.text.replace(/^\\/, '') : undefined;
  const clauses = group ? kids(group) : kids(node);
  for (const clause of clauses) {
    if (clause.type !== 'namespace_use_clause' && clause.type !== 'namespace_use_group_clause') continue;
    const parts = kids(clause);
    const nameNode = parts.find((part) => part.type === 'qualified_name' || part.type === 'name' || part.type === 'namespace_name');
    if (!nameNode) continue;
    const aliasNode = parts.find((part) => part.type === 'namespace_aliasing_clause');
    const aliasName = aliasNode ? kids(aliasNode)[0]?.text : parts.length > 1 && parts[1]?.type === 'name' ? parts[1].text : undefined;
    const fqn = `${prefix ? `${prefix}\\` : ''}${nameNode.text.replace(/^\\/, '')}`;
    const alias = aliasName ?? fqn.slice(fqn.lastIndexOf('\\') + 1);
    file.uses.set(alias.toLowerCase(), fqn);
  }
}

function readClass(node: Node, file: PhpFile): PhpClass {
  const name = field(node, 'name')?.text ?? '';
  const fqn = file.namespace ? `${file.namespace}\\${name}` : name;
  const cls: PhpClass = {
    fqn,
    name,
    node,
    file,
    interfaces: [],
    constants: new Map(),
    methods: new Map(),
    properties: new Map(),
    attributes: [],
  };
  const resolve = (text: string): string => {
    if (text.startsWith('\\')) return text.slice(1);
    const [head, ...rest] = text.split('\\');
    const imported = head !== undefined ? file.uses.get(head.toLowerCase()) : undefined;
    if (imported !== undefined) return [imported, ...rest].join('\\');
    return file.namespace ? `${file.namespace}\\${text}` : text;
  };
  for (const child of kids(node)) {
    if (child.type === 'base_clause') {
      const parent = kids(child)[0];
      if (parent) cls.parent = resolve(parent.text);
    } else if (child.type === 'class_interface_clause') {
      cls.interfaces.push(...kids(child).map((iface) => resolve(iface.text)));
    } else if (child.type === 'attribute_list') {
      cls.attributes.push(...readAttributes(child, resolve));
    }
  }
  const body = field(node, 'body');
  for (const member of body ? kids(body) : []) {
    if (member.type === 'const_declaration') {
      for (const element of kids(member)) {
        if (element.type !== 'const_element') continue;
        const [constName, value] = kids(element);
        if (constName && value) cls.constants.set(constName.text, value);
      }
    } else if (member.type === 'method_declaration') {
      const methodName = field(member, 'name')?.text;
      if (methodName) cls.methods.set(methodName.toLowerCase(), member);
    } else if (member.type === 'property_declaration') {
      for (const element of kids(member)) {
        if (element.type !== 'property_element') continue;
        const variable = kids(element).find((part) => part.type === 'variable_name');
        const value = kids(element).find((part) => part.type !== 'variable_name');
        const initializer = value?.type === 'property_initializer' ? kids(value)[0] : value;
        if (variable && initializer) cls.properties.set(variable.text.replace(/^\$/, ''), initializer);
      }
    }
  }
  return cls;
}

/** The attributes of an `attribute_list` (`#[A(x), B]`), names resolved through `resolve`. */
export function readAttributes(list: Node, resolve: (name: string) => string): PhpAttribute[] {
  const out: PhpAttribute[] = [];
  walk(list, (node) => {
    if (node.type !== 'attribute') return true;
    const nameNode = kids(node).find((child) => child.type === 'name' || child.type === 'qualified_name');
    if (nameNode) out.push({ name: resolve(nameNode.text), node, args: callArguments(node) });
    return false;
  });
  return out;
}

/** The attributes of a method (or any declaration with an `attributes` field). */
export function attributesOf(declaration: Node, file: PhpFile, project: PhpProject): PhpAttribute[] {
  const lists = kids(declaration).filter((child) => child.type === 'attribute_list');
  return lists.flatMap((list) => readAttributes(list, (name) => project.resolveName(file, name)));
}

/** The docblock (`/** … *\/`) right before a declaration, if any. */
export function docblockOf(declaration: Node): Node | undefined {
  const comments = leadingComments(declaration).filter((comment) => comment.text.startsWith('/**'));
  return comments[comments.length - 1];
}

/** True for a PHP 8 attribute named `short` (last segment), whatever its namespace. */
export function attributeNamed(attribute: PhpAttribute, short: string): boolean {
  return attribute.name === short || attribute.name.endsWith(`\\${short}`);
}
