/**
 * Language-generic JVM analysis (Java and Kotlin): one model of the declarations the JVM frameworks
 * read — packages, imports, classes with their annotations (arguments included), super types,
 * methods and their parameters, constants — built from either grammar's syntax tree.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import type { Location } from '../../../model/types.js';

export type JvmLanguage = 'java' | 'kotlin';

/** An annotation as written: `@GetMapping(value = {"/a", "/b"}, produces = "…")`. */
export interface JvmAnnotation {
  /** Simple name (`GetMapping` for `@org.springframework…GetMapping`). */
  name: string;
  node: Node;
  /** Arguments by name; the positional argument is `value`. Array elements are flattened. */
  args: Map<string, Node[]>;
}

export interface JvmParameter {
  name: string;
  type: string;
  annotations: JvmAnnotation[];
}

export interface JvmMethod {
  name: string;
  node: Node;
  /** The name node: where a route or a rule is reported. */
  nameNode: Node;
  annotations: JvmAnnotation[];
  parameters: JvmParameter[];
  /** Simple name of the declared return type, when written. */
  returnType: string;
  body: Node | undefined;
  /** Kotlin extension functions: `fun Route.users()` has receiver `Route`. */
  receiver?: string;
  owner: JvmClass | undefined;
  file: JvmFile;
}

export interface JvmClass {
  name: string;
  /** `package.Outer.Name`. */
  qualified: string;
  node: Node;
  nameNode: Node;
  kind: 'class' | 'interface' | 'object' | 'enum';
  annotations: JvmAnnotation[];
  /** Simple names of the superclass and interfaces, as written (type arguments removed). */
  superTypes: string[];
  methods: JvmMethod[];
  /** `static final` / `const val` / companion-object fields with an initialiser. */
  constants: Map<string, Node>;
  /** Field (and Kotlin constructor property) name → simple type name, where written. */
  fields: Map<string, string>;
  outer: JvmClass | undefined;
  file: JvmFile;
}

export interface JvmFile {
  source: SourceFile;
  language: JvmLanguage;
  pkg: string;
  /** Simple name → qualified name, from single-type imports (and aliases in Kotlin). */
  imports: Map<string, string>;
  /** Packages imported with `.*`. */
  wildcards: string[];
  /** Static imports: member name → `Class.member` qualified. */
  staticImports: Map<string, string>;
  classes: JvmClass[];
  /** Kotlin top-level functions. */
  functions: JvmMethod[];
  /** Kotlin top-level `const val` / `val` with an initialiser. */
  constants: Map<string, Node>;
}

export function isJvm(source: SourceFile): boolean {
  return source.language === 'java' || source.language === 'kotlin';
}

export function named(node: Node | null | undefined): Node[] {
  if (!node) return [];
  return node.namedChildren.filter((child): child is Node => child !== null);
}

export function children(node: Node | null | undefined): Node[] {
  if (!node) return [];
  return node.children.filter((child): child is Node => child !== null);
}

export function field(node: Node | null | undefined, name: string): Node | undefined {
  return node?.childForFieldName(name) ?? undefined;
}

export function firstOfType(node: Node | null | undefined, ...types: string[]): Node | undefined {
  return named(node).find((child) => types.includes(child.type));
}

export function locate(source: SourceFile | JvmFile, node: Node): Location {
  const file = 'source' in source ? source.source.file : source.file;
  return { file, line: node.startPosition.row + 1, column: node.startPosition.column + 1 };
}

/** Every descendant (node included) of the given types, in source order. */
export function descendants(node: Node, types: ReadonlySet<string>): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [node];
  for (let current = stack.pop(); current; current = stack.pop()) {
    if (types.has(current.type)) out.push(current);
    const kids = named(current);
    stack.push(...kids.reverse());
  }
  return out;
}

/** The last segment of a dotted type or name, type arguments and nullability removed. */
export function simpleName(text: string): string {
  const bare = text.replace(/<[\s\S]*>/g, '').replace(/[?\s]/g, '');
  return bare.slice(bare.lastIndexOf('.') + 1);
}

// ---------------------------------------------------------------- annotations

function javaAnnotation(node: Node): JvmAnnotation {
  const name = simpleName(field(node, 'name')?.text ?? '');
  const args = new Map<string, Node[]>();
  const list = field(node, 'arguments');
  for (const arg of named(list)) {
    if (arg.type === 'element_value_pair') {
      const key = field(arg, 'key')?.text ?? 'value';
      const value = field(arg, 'value');
      if (value) args.set(key, flattenArray(value));
    } else if (arg.type !== 'line_comment' && arg.type !== 'block_comment') {
      args.set('value', flattenArray(arg));
    }
  }
  return { name, node, args };
}

function flattenArray(value: Node): Node[] {
  if (value.type === 'element_value_array_initializer' || value.type === 'array_initializer' || value.type === 'collection_literal')
    return named(value).filter((child) => !child.type.endsWith('comment'));
  // Kotlin `arrayOf("/a", "/b")`.
  if (value.type === 'call_expression') {
    const call = named(value);
    if (call[0]?.type === 'simple_identifier' && /^(arrayOf|listOf|setOf)$/.test(call[0].text)) {
      return named(firstOfType(call[1], 'value_arguments')).flatMap((arg) => named(arg).slice(-1));
    }
  }
  return [value];
}

/** A Kotlin value argument: `name = value` or a positional value. */
export function kotlinArgument(arg: Node): { name: string | undefined; value: Node | undefined } {
  const parts = named(arg);
  const hasEquals = children(arg).some((child) => child.type === '=');
  if (hasEquals && parts.length >= 2 && parts[0]?.type === 'simple_identifier') return { name: parts[0].text, value: parts.at(-1) };
  return { name: undefined, value: parts.at(-1) };
}

function kotlinAnnotation(node: Node): JvmAnnotation | undefined {
  const target = firstOfType(node, 'constructor_invocation', 'user_type');
  if (!target) return undefined;
  const args = new Map<string, Node[]>();
  if (target.type === 'user_type') return { name: simpleName(target.text), node, args };
  const type = firstOfType(target, 'user_type');
  for (const arg of named(firstOfType(target, 'value_arguments'))) {
    const { name, value } = kotlinArgument(arg);
    if (value) args.set(name ?? 'value', flattenArray(value));
  }
  return { name: simpleName(type?.text ?? ''), node, args };
}

/**
 * Annotations the Kotlin grammar detached from their declaration: `@A\n@B(X.Y)\nclass C` may parse
 * as a `prefix_expression` (annotation, then a parenthesised expression for the arguments) followed
 * by the class. Read back so the declaration after it keeps them.
 */
function detachedKotlinAnnotations(node: Node): JvmAnnotation[] {
  const out: JvmAnnotation[] = [];
  const visit = (current: Node): void => {
    const kids = named(current);
    kids.forEach((child, index) => {
      if (child.type === 'annotation') {
        const found = kotlinAnnotation(child);
        if (!found) return;
        const next = kids[index + 1];
        if (found.args.size === 0 && next?.type === 'parenthesized_expression') {
          const inner = named(next)[0];
          if (inner) found.args.set('value', flattenArray(inner));
        }
        out.push(found);
      } else if (child.type === 'prefix_expression') visit(child);
    });
  };
  visit(node);
  return out;
}

/** The annotations in a declaration's `modifiers`. */
export function annotationsOf(declaration: Node | undefined): JvmAnnotation[] {
  const out: JvmAnnotation[] = [];
  for (const modifiers of named(declaration).filter((child) => child.type === 'modifiers' || child.type === 'parameter_modifiers')) {
    for (const child of named(modifiers)) {
      if (child.type === 'annotation' || child.type === 'marker_annotation') {
        if (firstOfType(child, 'constructor_invocation', 'user_type')) {
          const found = kotlinAnnotation(child);
          if (found) out.push(found);
        } else out.push(javaAnnotation(child));
      }
    }
  }
  return out;
}

export function annotation(list: readonly JvmAnnotation[], ...names: string[]): JvmAnnotation | undefined {
  return list.find((item) => names.includes(item.name));
}

export function hasAnnotation(list: readonly JvmAnnotation[], ...names: string[]): boolean {
  return list.some((item) => names.includes(item.name));
}

// ---------------------------------------------------------------- declarations

function javaParameters(method: Node): JvmParameter[] {
  return named(field(method, 'parameters'))
    .filter((param) => param.type === 'formal_parameter' || param.type === 'spread_parameter')
    .map((param) => ({
      name: field(param, 'name')?.text ?? named(param).at(-1)?.text ?? '',
      type: simpleName(field(param, 'type')?.text ?? ''),
      annotations: annotationsOf(param),
    }));
}

function kotlinParameters(fn: Node): JvmParameter[] {
  const out: JvmParameter[] = [];
  let pending: JvmAnnotation[] = [];
  for (const child of named(firstOfType(fn, 'function_value_parameters'))) {
    if (child.type === 'parameter_modifiers') {
      pending = named(child)
        .filter((item) => item.type === 'annotation')
        .map(kotlinAnnotation)
        .filter((item): item is JvmAnnotation => item !== undefined);
    } else if (child.type === 'parameter') {
      const [name, type] = named(child);
      out.push({ name: name?.text ?? '', type: simpleName(type?.text ?? ''), annotations: pending });
      pending = [];
    }
  }
  return out;
}

function javaMethod(node: Node, owner: JvmClass | undefined, file: JvmFile): JvmMethod {
  const nameNode = field(node, 'name') ?? node;
  return {
    name: nameNode.text,
    node,
    nameNode,
    annotations: annotationsOf(node),
    parameters: javaParameters(node),
    returnType: simpleName(field(node, 'type')?.text ?? ''),
    body: field(node, 'body'),
    owner,
    file,
  };
}

function kotlinFunction(node: Node, owner: JvmClass | undefined, file: JvmFile): JvmMethod {
  const kids = named(node);
  const nameIndex = kids.findIndex((child) => child.type === 'simple_identifier');
  const nameNode = kids[nameIndex] ?? node;
  const receiverNode = kids.slice(0, nameIndex).find((child) => child.type === 'user_type' || child.type === 'nullable_type');
  const paramsIndex = kids.findIndex((child) => child.type === 'function_value_parameters');
  const returnNode = kids.slice(paramsIndex + 1).find((child) => child.type === 'user_type' || child.type === 'nullable_type');
  return {
    name: nameNode.text,
    node,
    nameNode,
    annotations: annotationsOf(node),
    parameters: kotlinParameters(node),
    returnType: simpleName(returnNode?.text ?? ''),
    body: firstOfType(node, 'function_body'),
    ...(receiverNode ? { receiver: simpleName(receiverNode.text) } : {}),
    owner,
    file,
  };
}

const JAVA_TYPES = new Set(['class_declaration', 'interface_declaration', 'enum_declaration', 'record_declaration', 'annotation_type_declaration']);
const KOTLIN_TYPES = new Set(['class_declaration', 'object_declaration']);

function javaClass(node: Node, outer: JvmClass | undefined, file: JvmFile): JvmClass {
  const nameNode = field(node, 'name') ?? node;
  const name = nameNode.text;
  const superTypes: string[] = [];
  const superclass = field(node, 'superclass');
  if (superclass) superTypes.push(simpleName(named(superclass)[0]?.text ?? ''));
  const interfaces = field(node, 'interfaces') ?? firstOfType(node, 'extends_interfaces');
  for (const type of named(firstOfType(interfaces, 'type_list'))) superTypes.push(simpleName(type.text));
  const cls: JvmClass = {
    name,
    qualified: outer ? `${outer.qualified}.${name}` : file.pkg ? `${file.pkg}.${name}` : name,
    node,
    nameNode,
    kind: node.type === 'interface_declaration' ? 'interface' : node.type === 'enum_declaration' ? 'enum' : 'class',
    annotations: annotationsOf(node),
    superTypes,
    methods: [],
    constants: new Map(),
    fields: new Map(),
    outer,
    file,
  };
  for (const member of named(field(node, 'body'))) {
    if (member.type === 'method_declaration' || member.type === 'constructor_declaration') cls.methods.push(javaMethod(member, cls, file));
    else if (member.type === 'field_declaration' || member.type === 'constant_declaration') {
      const fieldType = simpleName(field(member, 'type')?.text ?? '');
      for (const declarator of named(member).filter((child) => child.type === 'variable_declarator')) {
        const fieldName = field(declarator, 'name')?.text;
        const value = field(declarator, 'value');
        if (fieldName && fieldType) cls.fields.set(fieldName, fieldType);
        if (fieldName && value) cls.constants.set(fieldName, value);
      }
    } else if (JAVA_TYPES.has(member.type)) file.classes.push(javaClass(member, cls, file));
    else if (member.type === 'enum_body_declarations') {
      for (const inner of named(member)) if (inner.type === 'method_declaration') cls.methods.push(javaMethod(inner, cls, file));
    }
  }
  if (node.type === 'enum_declaration') {
    for (const inner of named(firstOfType(field(node, 'body'), 'enum_body_declarations'))) {
      if (inner.type === 'method_declaration') cls.methods.push(javaMethod(inner, cls, file));
    }
  }
  return cls;
}

function kotlinProperty(member: Node, into: Map<string, Node>): void {
  const kids = named(member);
  const declaration = kids.find((child) => child.type === 'variable_declaration');
  const name = firstOfType(declaration, 'simple_identifier')?.text;
  const index = declaration ? kids.indexOf(declaration) : -1;
  const value = kids.slice(index + 1).find((child) => child.type !== 'property_delegate' && child.type !== 'getter' && child.type !== 'setter');
  if (name && value) into.set(name, value);
}

function kotlinClass(node: Node, outer: JvmClass | undefined, file: JvmFile): JvmClass {
  const nameNode = firstOfType(node, 'type_identifier') ?? node;
  const name = nameNode.text;
  const isInterface = children(node).some((child) => child.type === 'interface');
  const superTypes = named(node)
    .filter((child) => child.type === 'delegation_specifier')
    .map((spec) => simpleName(firstOfType(firstOfType(spec, 'constructor_invocation') ?? spec, 'user_type')?.text ?? spec.text));
  const cls: JvmClass = {
    name,
    qualified: outer ? `${outer.qualified}.${name}` : file.pkg ? `${file.pkg}.${name}` : name,
    node,
    nameNode,
    kind: node.type === 'object_declaration' ? 'object' : isInterface ? 'interface' : children(node).some((child) => child.type === 'enum') ? 'enum' : 'class',
    annotations: annotationsOf(node),
    superTypes,
    methods: [],
    constants: new Map(),
    fields: new Map(),
    outer,
    file,
  };
  const visitBody = (body: Node | undefined): void => {
    let detached: JvmAnnotation[] = [];
    for (const member of named(body)) {
      if (member.type === 'prefix_expression') {
        detached = detachedKotlinAnnotations(member);
        continue;
      }
      const carried = detached;
      detached = [];
      if (member.type === 'function_declaration') {
        const fn = kotlinFunction(member, cls, file);
        fn.annotations.unshift(...carried);
        cls.methods.push(fn);
      }
      else if (member.type === 'property_declaration') {
        kotlinProperty(member, cls.constants);
        const declaration = firstOfType(member, 'variable_declaration');
        const name = firstOfType(declaration, 'simple_identifier')?.text;
        const type = firstOfType(declaration, 'user_type', 'nullable_type')?.text;
        if (name && type) cls.fields.set(name, simpleName(type));
      }
      else if (member.type === 'companion_object') visitBody(firstOfType(member, 'class_body'));
      else if (KOTLIN_TYPES.has(member.type)) {
        const inner = kotlinClass(member, cls, file);
        inner.annotations.unshift(...carried);
        file.classes.push(inner);
      }
    }
  };
  for (const param of named(firstOfType(node, 'primary_constructor'))) {
    if (param.type !== 'class_parameter') continue;
    const name = firstOfType(param, 'simple_identifier')?.text;
    const type = firstOfType(param, 'user_type', 'nullable_type')?.text;
    if (name && type) cls.fields.set(name, simpleName(type));
  }
  visitBody(firstOfType(node, 'class_body', 'enum_class_body'));
  return cls;
}

const models = new WeakMap<SourceFile, JvmFile>();

/** The declarations of one Java or Kotlin file (memoised per parsed file). */
export function jvmFile(source: SourceFile): JvmFile {
  const cached = models.get(source);
  if (cached) return cached;
  const language: JvmLanguage = source.language === 'kotlin' ? 'kotlin' : 'java';
  const root = source.tree.rootNode;
  const file: JvmFile = {
    source,
    language,
    pkg: '',
    imports: new Map(),
    wildcards: [],
    staticImports: new Map(),
    classes: [],
    functions: [],
    constants: new Map(),
  };
  models.set(source, file);
  if (language === 'java') {
    for (const child of named(root)) {
      if (child.type === 'package_declaration') file.pkg = named(child).find((n) => n.type !== 'annotation')?.text ?? '';
      else if (child.type === 'import_declaration') {
        const target = named(child).find((n) => n.type === 'scoped_identifier' || n.type === 'identifier')?.text ?? '';
        const isStatic = children(child).some((n) => n.type === 'static');
        const wildcard = named(child).some((n) => n.type === 'asterisk');
        if (wildcard) file.wildcards.push(target);
        else if (isStatic) file.staticImports.set(simpleName(target), target);
        else file.imports.set(simpleName(target), target);
      } else if (JAVA_TYPES.has(child.type)) file.classes.push(javaClass(child, undefined, file));
    }
  } else {
    let detached: JvmAnnotation[] = [];
    for (const child of named(root)) {
      if (child.type === 'prefix_expression') {
        detached = detachedKotlinAnnotations(child);
        continue;
      }
      const carried = detached;
      detached = [];
      if (child.type === 'package_header') file.pkg = dotted(firstOfType(child, 'identifier'));
      else if (child.type === 'import_list' || child.type === 'import_header') {
        for (const header of child.type === 'import_list' ? named(child) : [child]) {
          const target = dotted(firstOfType(header, 'identifier'));
          const alias = firstOfType(firstOfType(header, 'import_alias'), 'type_identifier', 'simple_identifier')?.text;
          if (named(header).some((n) => n.type === 'wildcard_import')) file.wildcards.push(target);
          else {
            file.imports.set(alias ?? simpleName(target), target);
            file.staticImports.set(alias ?? simpleName(target), target);
          }
        }
      } else if (KOTLIN_TYPES.has(child.type)) {
        const cls = kotlinClass(child, undefined, file);
        cls.annotations.unshift(...carried);
        file.classes.push(cls);
      } else if (child.type === 'function_declaration') {
        const fn = kotlinFunction(child, undefined, file);
        fn.annotations.unshift(...carried);
        file.functions.push(fn);
      }
      else if (child.type === 'property_declaration') kotlinProperty(child, file.constants);
    }
  }
  return file;
}

/** The JVM files of a workspace. */
export function jvmFiles(sources: readonly SourceFile[]): JvmFile[] {
  return sources.filter(isJvm).map(jvmFile);
}

/** A Kotlin dotted identifier from its parts (the node's own text may run past them). */
function dotted(node: Node | undefined): string {
  const parts = named(node).filter((child) => child.type === 'simple_identifier').map((child) => child.text);
  return parts.length > 0 ? parts.join('.') : (node?.text ?? '');
}

/** The text of a Java or Kotlin string literal without templates, or undefined. */
export function literalString(node: Node): string | undefined {
  if (node.type !== 'string_literal' && node.type !== 'text_block' && node.type !== 'line_string_literal') return undefined;
  if (named(node).some((child) => child.type === 'interpolated_identifier' || child.type === 'interpolated_expression')) return undefined;
  const text = node.text;
  const body = text.startsWith('"""') ? text.slice(3, -3) : text.slice(1, -1);
  return body.replace(/\\(["'\\/nrt$])/g, (_match, ch: string) => (ch === 'n' ? '\n' : ch === 't' ? '\t' : ch === 'r' ? '\r' : ch));
}
