/**
 * Constant strings across Java and Kotlin files: literals, `+` and templates, `static final String`
 * fields, interface constants, `const val` (companion, object and top level), static imports and
 * `Class.NAME` references resolved through imports, the same package or a unique class name.
 */
import type { Node } from 'web-tree-sitter';
import { children, field, firstOfType, literalString, named, simpleName, type JvmClass, type JvmFile } from './ast.js';

export interface Scope {
  file: JvmFile;
  cls?: JvmClass | undefined;
}

const MAX_VALUES = 16;
const MAX_DEPTH = 12;

export class JvmProgram {
  readonly files: readonly JvmFile[];
  private readonly byQualified = new Map<string, JvmClass>();
  private readonly bySimple = new Map<string, JvmClass[]>();
  private readonly topLevel = new Map<string, { node: Node; file: JvmFile }[]>();

  constructor(files: readonly JvmFile[]) {
    this.files = files;
    for (const file of files) {
      for (const cls of file.classes) {
        this.byQualified.set(cls.qualified, cls);
        const list = this.bySimple.get(cls.name) ?? [];
        list.push(cls);
        this.bySimple.set(cls.name, list);
      }
      for (const [name, node] of file.constants) {
        const list = this.topLevel.get(name) ?? [];
        list.push({ node, file });
        this.topLevel.set(name, list);
      }
    }
  }

  get classes(): JvmClass[] {
    return [...this.byQualified.values()];
  }

  /** The class a simple or dotted type name denotes from `scope`, when it can be told. */
  resolveClass(name: string, scope: Scope): JvmClass | undefined {
    const bare = name.replace(/<[\s\S]*>/g, '').replace(/\?/g, '').trim();
    if (bare.includes('.')) {
      const direct = this.byQualified.get(bare);
      if (direct) return direct;
      // `Outer.Inner` written from an import of Outer, or a fully qualified name.
      const [head, ...rest] = bare.split('.');
      const outer = head ? this.resolveClass(head, scope) : undefined;
      if (outer) return this.byQualified.get(`${outer.qualified}.${rest.join('.')}`);
      return undefined;
    }
    // Nested classes of the current class and its outers.
    for (let cls = scope.cls; cls; cls = cls.outer) {
      const nested = this.byQualified.get(`${cls.qualified}.${bare}`);
      if (nested) return nested;
      if (cls.name === bare) return cls;
    }
    const imported = scope.file.imports.get(bare);
    if (imported) return this.byQualified.get(imported);
    const samePackage = this.byQualified.get(scope.file.pkg ? `${scope.file.pkg}.${bare}` : bare);
    if (samePackage) return samePackage;
    for (const wildcard of scope.file.wildcards) {
      const found = this.byQualified.get(`${wildcard}.${bare}`);
      if (found) return found;
    }
    const candidates = this.bySimple.get(bare) ?? [];
    return candidates.length === 1 ? candidates[0] : undefined;
  }

  private subclassIndex: Map<JvmClass, JvmClass[]> | undefined;

  /**
   * The workspace classes that have `cls` among their ancestors, in `classes` order: the index is built
   * once per program, so that a call resolved to a type does not read the ancestry of every class.
   */
  subclasses(cls: JvmClass): readonly JvmClass[] {
    if (!this.subclassIndex) {
      const index = new Map<JvmClass, JvmClass[]>();
      for (const other of this.classes) {
        for (const ancestor of this.ancestors(other)) {
          const list = index.get(ancestor);
          if (list) list.push(other);
          else index.set(ancestor, [other]);
        }
      }
      this.subclassIndex = index;
    }
    return this.subclassIndex.get(cls) ?? [];
  }

  /** The superclass and interfaces of a class found in the workspace, nearest first, each once. */
  ancestors(cls: JvmClass): JvmClass[] {
    const out: JvmClass[] = [];
    const seen = new Set<JvmClass>([cls]);
    const queue = [cls];
    for (let current = queue.shift(); current; current = queue.shift()) {
      for (const name of current.superTypes) {
        const found = this.resolveClass(name, { file: current.file, cls: current.outer });
        if (found && !seen.has(found)) {
          seen.add(found);
          out.push(found);
          queue.push(found);
        }
      }
    }
    return out;
  }

  /** A constant field named `name` on `cls`, its outer classes or its ancestors. */
  private constantOn(cls: JvmClass, name: string): { node: Node; scope: Scope } | undefined {
    for (const candidate of [cls, ...this.ancestors(cls)]) {
      const node = candidate.constants.get(name);
      if (node) return { node, scope: { file: candidate.file, cls: candidate } };
    }
    return undefined;
  }

  private lookupName(name: string, scope: Scope): { node: Node; scope: Scope } | undefined {
    for (let cls = scope.cls; cls; cls = cls.outer) {
      const found = this.constantOn(cls, name);
      if (found) return found;
    }
    const local = scope.file.constants.get(name);
    if (local) return { node: local, scope: { file: scope.file } };
    const imported = scope.file.staticImports.get(name);
    if (imported) {
      const owner = imported.slice(0, imported.lastIndexOf('.'));
      const cls = this.byQualified.get(owner);
      const found = cls ? this.constantOn(cls, name) : undefined;
      if (found) return found;
      const top = (this.topLevel.get(name) ?? []).find((entry) => entry.file.pkg === owner);
      if (top) return { node: top.node, scope: { file: top.file } };
    }
    const top = this.topLevel.get(name) ?? [];
    const samePackage = top.filter((entry) => entry.file.pkg === scope.file.pkg);
    const pick = samePackage.length === 1 ? samePackage[0] : top.length === 1 ? top[0] : undefined;
    return pick ? { node: pick.node, scope: { file: pick.file } } : undefined;
  }

  /** A qualified reference `Type.NAME` / `Outer.Inner.NAME` / `obj.NAME` (Kotlin object). */
  private lookupMember(owner: string, name: string, scope: Scope): { node: Node; scope: Scope } | undefined {
    const cls = this.resolveClass(owner, scope);
    return cls ? this.constantOn(cls, name) : undefined;
  }

  /**
   * The string values an expression can take, or undefined when one part is not a constant.
   * Arrays give one value per element.
   */
  strings(node: Node | undefined, scope: Scope, depth = 0): string[] | undefined {
    if (!node || depth > MAX_DEPTH) return undefined;
    const literal = literalString(node);
    if (literal !== undefined) return [literal];
    switch (node.type) {
      case 'string_literal':
      case 'line_string_literal':
        return this.template(node, scope, depth);
      case 'parenthesized_expression':
        return this.strings(named(node)[0], scope, depth + 1);
      case 'binary_expression':
      case 'additive_expression': {
        const operator = children(node).find((child) => !child.isNamed)?.text;
        if (operator !== '+') return undefined;
        const [left, right] = [field(node, 'left') ?? named(node)[0], field(node, 'right') ?? named(node)[1]];
        const a = this.strings(left, scope, depth + 1);
        const b = this.strings(right, scope, depth + 1);
        if (!a || !b) return undefined;
        return a.flatMap((x) => b.map((y) => x + y)).slice(0, MAX_VALUES);
      }
      case 'identifier':
      case 'simple_identifier': {
        const found = this.lookupName(node.text, scope);
        return found ? this.strings(found.node, found.scope, depth + 1) : undefined;
      }
      case 'field_access': {
        const owner = field(node, 'object')?.text;
        const name = field(node, 'field')?.text;
        if (!owner || !name) return undefined;
        const found = this.lookupMember(owner, name, scope);
        return found ? this.strings(found.node, found.scope, depth + 1) : undefined;
      }
      case 'navigation_expression': {
        const [receiver, suffix] = named(node);
        const name = firstOfType(suffix, 'simple_identifier')?.text;
        if (!receiver || !name) return undefined;
        const found = this.lookupMember(receiver.text, name, scope);
        return found ? this.strings(found.node, found.scope, depth + 1) : undefined;
      }
      case 'element_value_array_initializer':
      case 'array_initializer':
      case 'collection_literal': {
        const out: string[] = [];
        for (const element of named(node)) {
          const values = this.strings(element, scope, depth + 1);
          if (!values) return undefined;
          out.push(...values);
        }
        return out.slice(0, MAX_VALUES * 4);
      }
      default:
        return undefined;
    }
  }

  /** Kotlin `"$BASE/users"` and `"${Paths.BASE}/x"`. */
  private template(node: Node, scope: Scope, depth: number): string[] | undefined {
    let values = [''];
    for (const part of named(node)) {
      let piece: string[] | undefined;
      if (part.type === 'string_content' || part.type === 'string_fragment') piece = [part.text];
      else if (part.type === 'escape_sequence' || part.type === 'character_escape_seq') piece = [part.text.slice(1)];
      else if (part.type === 'interpolated_identifier') {
        const found = this.lookupName(part.text, scope);
        piece = found ? this.strings(found.node, found.scope, depth + 1) : undefined;
      }
      else if (part.type === 'interpolated_expression') piece = this.strings(named(part)[0], scope, depth + 1);
      if (!piece) return undefined;
      values = values.flatMap((x) => piece.map((y) => x + y)).slice(0, MAX_VALUES);
    }
    return values;
  }
}

/** The simple name of a type as written in an expression (`HttpMethod.GET` → `GET`). */
export function memberName(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'identifier' || node.type === 'simple_identifier') return node.text;
  if (node.type === 'field_access') return field(node, 'field')?.text;
  if (node.type === 'navigation_expression') return firstOfType(named(node).at(-1), 'simple_identifier')?.text;
  return simpleName(node.text);
}
