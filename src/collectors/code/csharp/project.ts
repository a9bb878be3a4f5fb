import type { Location } from '../../../model/types.js';
import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';

/** Language-generic C# analysis: namespaces, usings, classes with attributes, base classes across files, constants. */

export function kids(node: Node): Node[] {
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

export function field(node: Node, name: string): Node | undefined {
  return node.childForFieldName(name) ?? undefined;
}

export function locate(file: string, node: Node): Location {
  return { file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

/** Depth-first pre-order walk; `visit` returns false to skip a subtree. */
export function walk(root: Node, visit: (node: Node) => boolean | undefined): void {
  const stack: Node[] = [root];
  while (stack.length > 0) {
    const node = stack.pop();
    if (!node) break;
    if (visit(node) === false) continue;
    const children = kids(node);
    for (let index = children.length - 1; index >= 0; index -= 1) {
      const child = children[index];
      if (child) stack.push(child);
    }
  }
}

/** `Foo.Bar.Baz<T>` gives `Baz`. */
export function typeName(text: string): string {
  return (text.replace(/<.*$/s, '').split('.').pop() ?? text).replace(/^global::/, '').trim();
}

/** An attribute's name: `Foo.Bar.BazAttribute` and `Baz` both give `Baz`. */
export function simpleName(text: string): string {
  return typeName(text).replace(/Attribute$/, '');
}

export interface CsArgument {
  /** `Roles = "x"` (name_equals) or `template: "x"` (name_colon). */
  name?: string;
  value: Node;
}

export interface CsAttribute {
  /** Without namespace and without the `Attribute` suffix. */
  name: string;
  args: CsArgument[];
  node: Node;
}

export interface CsMethod {
  name: string;
  node: Node;
  attributes: CsAttribute[];
  modifiers: string[];
  parameters: { name: string; type: string }[];
  owner: CsClass;
}

export interface CsClass {
  name: string;
  namespace: string;
  file: CsFile;
  node: Node;
  attributes: CsAttribute[];
  modifiers: string[];
  /** Base types as written (simple names, generics stripped). */
  bases: string[];
  methods: CsMethod[];
  constants: Map<string, Node>;
}

export interface CsFile {
  source: SourceFile;
  usings: string[];
  classes: CsClass[];
  /** `[assembly: …]` attributes. */
  assemblyAttributes: CsAttribute[];
  /** Namespaces declared in the file. */
  namespaces: string[];
}

export function attributesOf(node: Node): CsAttribute[] {
  const out: CsAttribute[] = [];
  for (const list of kids(node).filter((child) => child.type === 'attribute_list')) {
    for (const attribute of kids(list).filter((child) => child.type === 'attribute')) {
      const name = field(attribute, 'name');
      if (!name) continue;
      const argList = kids(attribute).find((child) => child.type === 'attribute_argument_list');
      const args: CsArgument[] = [];
      for (const arg of argList ? kids(argList).filter((child) => child.type === 'attribute_argument') : []) {
        const parts = kids(arg);
        const named = parts.find((part) => part.type === 'name_equals' || part.type === 'name_colon');
        const value = parts.filter((part) => part !== named).pop();
        if (!value) continue;
        const argName = named ? kids(named)[0]?.text : undefined;
        args.push({ ...(argName ? { name: argName } : {}), value });
      }
      out.push({ name: simpleName(name.text), args, node: attribute });
    }
  }
  return out;
}

function modifiersOf(node: Node): string[] {
  return kids(node)
    .filter((child) => child.type === 'modifier')
    .map((child) => child.text);
}

function parametersOf(node: Node): { name: string; type: string }[] {
  const list = field(node, 'parameters');
  if (!list) return [];
  return kids(list)
    .filter((child) => child.type === 'parameter')
    .map((param) => ({ name: field(param, 'name')?.text ?? '', type: typeName(field(param, 'type')?.text ?? '') }));
}

const TYPE_DECLARATIONS = new Set(['class_declaration', 'record_declaration', 'struct_declaration', 'interface_declaration']);

function readFile(source: SourceFile): CsFile {
  const file: CsFile = { source, usings: [], classes: [], assemblyAttributes: [], namespaces: [] };
  const visit = (node: Node, namespace: string): void => {
    for (const child of kids(node)) {
      if (child.type === 'using_directive') {
        const name = kids(child).find((part) => part.type === 'qualified_name' || part.type === 'identifier');
        if (name) file.usings.push(name.text);
      } else if (child.type === 'namespace_declaration' || child.type === 'file_scoped_namespace_declaration') {
        const name = field(child, 'name')?.text ?? '';
        const inner = namespace ? `${namespace}.${name}` : name;
        file.namespaces.push(inner);
        if (child.type === 'file_scoped_namespace_declaration') visit(child, inner);
        else {
          const body = field(child, 'body');
          if (body) visit(body, inner);
        }
      } else if (child.type === 'declaration_list') visit(child, namespace);
      else if (child.type === 'attribute_list' && /^\[\s*assembly\s*:/.test(child.text)) {
        file.assemblyAttributes.push(...attributesOf({ namedChildren: [child] } as unknown as Node));
      } else if (TYPE_DECLARATIONS.has(child.type)) readClass(file, child, namespace);
    }
  };
  visit(source.tree.rootNode, '');
  return file;
}

function readClass(file: CsFile, node: Node, namespace: string): void {
  const name = field(node, 'name')?.text;
  if (!name) return;
  const baseList = field(node, 'bases') ?? kids(node).find((child) => child.type === 'base_list');
  const cls: CsClass = {
    name,
    namespace,
    file,
    node,
    attributes: attributesOf(node),
    modifiers: modifiersOf(node),
    bases: baseList ? kids(baseList).filter((base) => base.type !== 'argument_list').map((base) => typeName(base.text)) : [],
    methods: [],
    constants: new Map(),
  };
  file.classes.push(cls);
  const body = field(node, 'body');
  for (const member of body ? kids(body) : []) {
    if (member.type === 'method_declaration') {
      cls.methods.push({ name: field(member, 'name')?.text ?? '', node: member, attributes: attributesOf(member), modifiers: modifiersOf(member), parameters: parametersOf(member), owner: cls });
    } else if (member.type === 'field_declaration' && modifiersOf(member).some((modifier) => modifier === 'const' || modifier === 'static' || modifier === 'readonly')) {
      const declaration = kids(member).find((child) => child.type === 'variable_declaration');
      for (const declarator of declaration ? kids(declaration).filter((child) => child.type === 'variable_declarator') : []) {
        const id = kids(declarator).find((child) => child.type === 'identifier');
        const init = kids(declarator).find((child) => child.type === 'equals_value_clause');
        const value = init ? kids(init)[0] : undefined;
        if (id && value) cls.constants.set(id.text, value);
      }
    } else if (TYPE_DECLARATIONS.has(member.type)) readClass(file, member, namespace ? `${namespace}.${name}` : name);
  }
}

export class CsProject {
  readonly files: CsFile[];
  private readonly byName = new Map<string, CsClass[]>();

  constructor(sources: readonly SourceFile[]) {
    this.files = sources.filter((source) => source.language === 'csharp').map(readFile);
    for (const file of this.files) {
      for (const cls of file.classes) {
        const list = this.byName.get(cls.name) ?? [];
        list.push(cls);
        this.byName.set(cls.name, list);
      }
    }
  }

  private allClasses: CsClass[] | undefined;
  private methodsByName: Map<string, CsMethod[]> | undefined;

  /** Every class of the project, in file order (listed once: callers only read it). */
  get classes(): CsClass[] {
    this.allClasses ??= this.files.flatMap((file) => file.classes);
    return this.allClasses;
  }

  /** A project class by simple name; the one in the same namespace or a `using`'d one wins. */
  classOf(name: string, from?: CsFile): CsClass | undefined {
    const candidates = this.byName.get(typeName(name)) ?? [];
    if (candidates.length <= 1 || !from) return candidates[0];
    return candidates.find((cls) => from.usings.includes(cls.namespace) || from.classes.some((own) => own.namespace === cls.namespace)) ?? candidates[0];
  }

  /**
   * An attribute's class in the project (`Foo` → `FooAttribute` or `Foo`), only when it is in scope: the
   * file uses its namespace or sits in it (or in a child namespace). `written` is the name as written.
   */
  attributeClass(name: string, from?: CsFile, written?: string): CsClass | undefined {
    const qualifier = written && written.includes('.') ? written.slice(0, written.lastIndexOf('.')).replace(/^global::/, '') : undefined;
    const candidates = [...(this.byName.get(`${name}Attribute`) ?? []), ...(this.byName.get(name) ?? [])];
    return candidates.find((cls) => {
      if (qualifier !== undefined) return cls.namespace === qualifier || cls.namespace.endsWith(`.${qualifier}`);
      if (!from || cls.namespace === '') return true;
      const own = from.classes.map((each) => each.namespace).concat(from.namespaces);
      return from.usings.includes(cls.namespace) || own.some((ns) => ns === cls.namespace || ns.startsWith(`${cls.namespace}.`));
    });
  }

  /** Base classes (project ones resolved), nearest first; `external` holds the first base not in the project. */
  ancestors(cls: CsClass): { chain: CsClass[]; external: string[] } {
    const chain: CsClass[] = [];
    const external: string[] = [];
    const seen = new Set<CsClass>([cls]);
    for (let current: CsClass | undefined = cls; current !== undefined; ) {
      const from: CsFile = current.file;
      const next: CsClass | undefined = current.bases.map((base) => this.classOf(base, from)).find((found) => found !== undefined && found.node.type !== 'interface_declaration' && !seen.has(found));
      external.push(...current.bases.filter((base) => !this.classOf(base, from)));
      if (next) {
        seen.add(next);
        chain.push(next);
      }
      current = next;
    }
    return { chain, external };
  }

  /** True when the class or an ancestor (in or out of the project) is named one of `names`. */
  inherits(cls: CsClass, names: ReadonlySet<string>): boolean {
    const { chain, external } = this.ancestors(cls);
    return [cls, ...chain].some((each) => each.bases.some((base) => names.has(base))) || external.some((base) => names.has(base));
  }

  /** A method by name in a class (project classes named `owner`, or every class when absent). */
  methodsNamed(name: string, owner?: string): CsMethod[] {
    if (owner) return (this.byName.get(typeName(owner)) ?? []).flatMap((cls) => cls.methods.filter((method) => method.name === name));
    // Every class's methods by name, indexed once (a scan of every class per call was quadratic in a unit's files).
    if (!this.methodsByName) {
      this.methodsByName = new Map();
      for (const cls of this.classes) {
        for (const method of cls.methods) {
          const list = this.methodsByName.get(method.name);
          if (list) list.push(method);
          else this.methodsByName.set(method.name, [method]);
        }
      }
    }
    return [...(this.methodsByName.get(name) ?? [])];
  }

  /** The string value of an expression: literals, verbatim strings, `+`, interpolations of constants, `nameof`, constants. */
  stringValue(node: Node | undefined, cls?: CsClass, depth = 0): string | undefined {
    if (!node || depth > 8) return undefined;
    switch (node.type) {
      case 'string_literal':
        return node.text.replace(/^u8$/, '').slice(1, -1).replace(/\\(.)/g, '$1');
      case 'verbatim_string_literal':
        return node.text.startsWith('"""') ? rawStringValue(node.text) : node.text.slice(2, -1).replace(/""/g, '"');
      case 'parenthesized_expression':
        return this.stringValue(kids(node)[0], cls, depth + 1);
      case 'binary_expression': {
        const left = this.stringValue(field(node, 'left'), cls, depth + 1);
        const right = this.stringValue(field(node, 'right'), cls, depth + 1);
        return node.children.some((child) => child?.type === '+') && left !== undefined && right !== undefined ? left + right : undefined;
      }
      case 'interpolated_string_expression': {
        let out = '';
        for (const part of kids(node)) {
          if (part.type === 'interpolated_string_text' || part.type === 'string_content') out += part.text.replace(/\{\{/g, '{').replace(/\}\}/g, '}');
          else if (part.type === 'interpolation') {
            const value = this.stringValue(kids(part)[0], cls, depth + 1);
            if (value === undefined) return undefined;
            out += value;
          }
        }
        return out;
      }
      case 'invocation_expression': {
        const fn = field(node, 'function');
        if (fn?.text !== 'nameof') return undefined;
        const arg = kids(field(node, 'arguments') ?? node)[0];
        return arg ? arg.text.split('.').pop()?.replace(/<.*$/s, '') : undefined;
      }
      case 'identifier': {
        const value = cls ? this.constantIn(cls, node.text) : undefined;
        return value ? this.stringValue(value.node, value.cls, depth + 1) : undefined;
      }
      case 'member_access_expression': {
        const owner = field(node, 'expression');
        const name = field(node, 'name')?.text;
        if (!owner || !name) return undefined;
        const target = this.classOf(owner.text, cls?.file);
        const value = target ? this.constantIn(target, name) : undefined;
        return value ? this.stringValue(value.node, value.cls, depth + 1) : undefined;
      }
      default:
        return undefined;
    }
  }

  private constantIn(cls: CsClass, name: string): { node: Node; cls: CsClass } | undefined {
    const own = cls.constants.get(name);
    if (own) return { node: own, cls };
    for (const base of this.ancestors(cls).chain) {
      const inherited = base.constants.get(name);
      if (inherited) return { node: inherited, cls: base };
    }
    return undefined;
  }

  /** String values of an array or collection initializer (`new[] { "GET", "POST" }`, `["GET"]`). */
  stringList(node: Node | undefined, cls?: CsClass): string[] | undefined {
    if (!node) return undefined;
    const single = this.stringValue(node, cls);
    if (single !== undefined) return [single];
    const items: Node[] = [];
    walk(node, (child) => {
      if (child === node) return true;
      if (child.type === 'initializer_expression' || child.type === 'collection_expression') return true;
      if (child.type === 'argument_list' || child.type === 'array_rank_specifier') return false;
      if (child.parent?.type === 'initializer_expression' || child.parent?.type === 'collection_expression') {
        items.push(child.type === 'expression_element' ? (kids(child)[0] ?? child) : child);
        return false;
      }
      return true;
    });
    const values = items.map((item) => this.stringValue(item, cls));
    return values.every((value): value is string => value !== undefined) && values.length > 0 ? values : undefined;
  }
}

/**
 * The value of a C# 11 raw string literal as the tree gives its text (read as a verbatim string, see
 * src/parsing/csharp-input.ts: the opening quotes, the content, the first closing quote). A multi-line one
 * drops its first and last lines and the closing line's indentation from every line.
 */
function rawStringValue(text: string): string {
  const body = text.replace(/^"{3,}/, '').replace(/"$/, '');
  if (!body.includes('\n')) return body;
  const lines = body.split('\n');
  const indent = /^[ \t]*$/.test(lines[lines.length - 1] ?? '') ? (lines[lines.length - 1] ?? '') : '';
  return lines
    .slice(1, -1)
    .map((line) => (line.startsWith(indent) ? line.slice(indent.length) : line.trimStart()))
    .join('\n');
}

/** The class a node sits in, if any. */
export function enclosingClass(project: CsProject, file: CsFile, node: Node): CsClass | undefined {
  let current: Node | null = node.parent;
  while (current) {
    if (TYPE_DECLARATIONS.has(current.type)) {
      const found = current;
      return file.classes.find((cls) => cls.node.id === found.id);
    }
    current = current.parent;
  }
  return undefined;
}

/** `a.b(c).d(e)` → the method name of an invocation, and its receiver. */
export function invocationParts(node: Node): { name: string; receiver?: Node; args: Node[]; generic?: string } | undefined {
  if (node.type !== 'invocation_expression') return undefined;
  const fn = field(node, 'function');
  const argList = field(node, 'arguments');
  const args = argList
    ? kids(argList)
        .filter((arg) => arg.type === 'argument')
        .map((arg) => kids(arg).filter((part) => part.type !== 'name_colon').pop())
        .filter((arg): arg is Node => arg !== undefined)
    : [];
  if (!fn) return undefined;
  if (fn.type === 'member_access_expression' || fn.type === 'conditional_access_expression') {
    const nameNode = field(fn, 'name');
    const receiver = field(fn, 'expression');
    if (!nameNode) return undefined;
    const generic = nameNode.type === 'generic_name' ? kids(nameNode).find((part) => part.type === 'type_argument_list')?.text.slice(1, -1) : undefined;
    const name = nameNode.type === 'generic_name' ? (kids(nameNode)[0]?.text ?? '') : nameNode.text;
    return { name, ...(receiver ? { receiver } : {}), args, ...(generic ? { generic } : {}) };
  }
  if (fn.type === 'generic_name') return { name: kids(fn)[0]?.text ?? '', args, generic: kids(fn).find((part) => part.type === 'type_argument_list')?.text.slice(1, -1) ?? '' };
  if (fn.type === 'identifier') return { name: fn.text, args };
  return undefined;
}
