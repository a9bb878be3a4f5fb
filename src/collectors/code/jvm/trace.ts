/**
 * Where a Java value comes from, read backwards through one method and its class: local
 * variables, fields (initialisers, `@Value("${…}")` injection, the one assignment in a constructor
 * or `afterPropertiesSet`), getters of `@ConfigurationProperties` beans, and the byte/encoding
 * wrappers a key or a query passes through. Used by the checks' JVM detections.
 */
import type { Node } from 'web-tree-sitter';
import type { CheckContext, InfraFile, SourceFile } from '../../../engine/context.js';
import { at } from '../../../analysis/code-auth.js';
import type { Location } from '../../../model/types.js';
import { annotation, annotationsOf, descendants, field, jvmFile, literalString, named, simpleName, type JvmClass, type JvmFile } from './ast.js';
import { JvmConfig, type Properties } from './config.js';
import { JvmProgram } from './values.js';

const CLASSES: ReadonlySet<string> = new Set(['class_declaration', 'enum_declaration', 'record_declaration', 'object_declaration', 'interface_declaration']);
const DECLARATORS: ReadonlySet<string> = new Set(['variable_declarator']);
const ASSIGNMENTS: ReadonlySet<string> = new Set(['assignment_expression']);

export function enclosing(node: Node, types: ReadonlySet<string>): Node | undefined {
  for (let current = node.parent; current; current = current.parent) if (types.has(current.type)) return current;
  return undefined;
}

export function enclosingMethod(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'method_declaration' || current.type === 'constructor_declaration' || current.type === 'function_declaration') return current;
    if (CLASSES.has(current.type)) return undefined;
  }
  return undefined;
}

/** The class model a node sits in. */
export function classAt(file: JvmFile, node: Node): JvmClass | undefined {
  const decl = enclosing(node, CLASSES);
  return decl ? file.classes.find((cls) => cls.node.id === decl.id) : undefined;
}

/** Strips parentheses and casts. */
export function bare(node: Node | undefined): Node | undefined {
  let current = node;
  while (current && (current.type === 'parenthesized_expression' || current.type === 'cast_expression')) current = field(current, 'value') ?? named(current).at(-1);
  return current;
}

/** The value a local variable named `name` holds at `at`: its declaration or the last assignment before it, in the same method. */
export function localValue(name: string, at: Node): Node | undefined {
  const method = enclosingMethod(at);
  if (!method) return undefined;
  let found: Node | undefined;
  for (const declarator of descendants(method, DECLARATORS)) {
    if (declarator.startIndex > at.startIndex) break;
    if (field(declarator, 'name')?.text === name && declarator.parent?.type === 'local_variable_declaration') found = field(declarator, 'value');
  }
  for (const assignment of descendants(method, ASSIGNMENTS)) {
    if (assignment.startIndex > at.startIndex) break;
    if (field(assignment, 'left')?.text === name && assignment.text.includes('=') && !assignment.text.startsWith(`${name} +=`)) found = field(assignment, 'right');
  }
  return found;
}

/** Whether `name` is a parameter of the method around `at`. */
export function parameterOf(name: string, at: Node): Node | undefined {
  const method = enclosingMethod(at);
  return named(field(method, 'parameters')).find((param) => (field(param, 'name')?.text ?? '') === name);
}

/** A local declared in the method around `at` (so a field of that name is shadowed). */
function declaredLocally(name: string, at: Node): boolean {
  const method = enclosingMethod(at);
  if (!method) return false;
  if (parameterOf(name, at)) return true;
  return descendants(method, DECLARATORS).some((declarator) => field(declarator, 'name')?.text === name && declarator.parent?.type === 'local_variable_declaration');
}

export interface FieldInfo {
  declaration: Node;
  declarator: Node;
  type: string;
  annotations: ReturnType<typeof annotationsOf>;
  initializer: Node | undefined;
  /** Right-hand sides of `this.x = …` / `x = …` in the class's methods and constructors. */
  assignments: Node[];
}

export function fieldOf(cls: JvmClass, name: string): FieldInfo | undefined {
  for (const member of named(field(cls.node, 'body'))) {
    if (member.type !== 'field_declaration') continue;
    const declarator = named(member).find((child) => child.type === 'variable_declarator' && field(child, 'name')?.text === name);
    if (!declarator) continue;
    const assignments: Node[] = [];
    for (const method of cls.methods) {
      if (!method.body) continue;
      for (const assignment of descendants(method.body, ASSIGNMENTS)) {
        const left = field(assignment, 'left');
        const right = field(assignment, 'right');
        if (!left || !right) continue;
        const target = left.type === 'field_access' && field(left, 'object')?.type === 'this' ? field(left, 'field')?.text : left.type === 'identifier' && !declaredLocally(left.text, assignment) ? left.text : undefined;
        if (target === name) assignments.push(right);
      }
    }
    return { declaration: member, declarator, type: simpleName(field(member, 'type')?.text ?? ''), annotations: annotationsOf(member), initializer: field(declarator, 'value'), assignments };
  }
  return undefined;
}

export interface ConfigOrigin {
  /** The property key (`jwt.secret`). */
  key: string;
  /** The value the application runs with. */
  value: string;
  /** Where it is set: the configuration file line, or the `@Value` default. */
  where: Location;
  /** True when the value is the `${key:default}` default written in the code. */
  fallback: boolean;
}

export type Origin =
  | { kind: 'literal'; node: Node; value: string }
  | { kind: 'constant'; node: Node; value: string; name: string }
  | { kind: 'config'; config: ConfigOrigin };

const KEBAB = (name: string): string => name.replace(/([a-z0-9])([A-Z])/g, '$1-$2').toLowerCase();

/** A property as the application reads it, relaxed binding (`base64-secret`, `base64Secret`) included. */
function property(properties: Properties, key: string): ReturnType<Properties['get']> {
  return properties.get(key) ?? properties.get(KEBAB(key)) ?? [...properties.entries()].find(([name]) => name.replace(/[-_]/g, '').toLowerCase() === key.replace(/[-_]/g, '').toLowerCase())?.[1];
}

export class JvmTracer {
  readonly program: JvmProgram;
  private readonly config: JvmConfig;

  constructor(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined) {
    this.program = new JvmProgram(sources.filter((source) => source.language === 'java' || source.language === 'kotlin').map(jvmFile));
    this.config = new JvmConfig(infra);
  }

  /** `@Value("${jwt.secret}")` / `@Value("${jwt.secret:changeit}")` resolved against the application's configuration. */
  injected(text: string, file: JvmFile, at: Location): ConfigOrigin | undefined {
    const match = /^\$\{([^}:]+)(?::([^}]*))?\}$/.exec(text.trim());
    if (!match?.[1]) return undefined;
    const key = match[1].trim();
    const properties = this.config.forSource(file.source.file);
    const set = property(properties, key);
    if (set) {
      const value = JvmConfig.resolve(set.value, properties);
      // `${JWT_SECRET}` with nothing behind it is read from the environment at run time.
      return value === undefined || value === '' ? undefined : { key, value, where: set.where, fallback: false };
    }
    const fallback = match[2];
    return fallback === undefined || fallback === '' || fallback.includes('${') ? undefined : { key, value: fallback, where: at, fallback: true };
  }

  /** A `@ConfigurationProperties(prefix = "jwt")` bean's property `name`, when the class is one. */
  bound(cls: JvmClass, name: string): ConfigOrigin | undefined {
    const props = annotation(cls.annotations, 'ConfigurationProperties');
    if (props) {
      const prefix = this.program.strings((props.args.get('prefix') ?? props.args.get('value'))?.[0], { file: cls.file, cls })?.[0];
      if (prefix !== undefined) {
        const key = prefix ? `${prefix}.${KEBAB(name)}` : KEBAB(name);
        const set = property(this.config.forSource(cls.file.source.file), key);
        if (set) {
          const value = JvmConfig.resolve(set.value, this.config.forSource(cls.file.source.file));
          return value === undefined || value === '' ? undefined : { key, value, where: set.where, fallback: false };
        }
      }
    }
    const info = fieldOf(cls, name);
    const value = info ? annotation(info.annotations, 'Value') : undefined;
    const text = value ? this.program.strings(value.args.get('value')?.[0], { file: cls.file, cls })?.[0] : undefined;
    return text !== undefined && info ? this.injected(text, cls.file, { file: cls.file.source.file, line: info.declaration.startPosition.row + 1 }) : undefined;
  }

  private fieldOrigin(cls: JvmClass, name: string, unwrap: (node: Node) => Node | undefined, depth: number): Origin | undefined {
    const info = fieldOf(cls, name);
    if (!info) return undefined;
    const injection = annotation(info.annotations, 'Value');
    if (injection) {
      const text = this.program.strings(injection.args.get('value')?.[0], { file: cls.file, cls })?.[0];
      const config = text === undefined ? undefined : this.injected(text, cls.file, { file: cls.file.source.file, line: injection.node.startPosition.row + 1 });
      return config ? { kind: 'config', config } : undefined;
    }
    const written = [...(info.initializer ? [info.initializer] : []), ...info.assignments];
    if (written.length !== 1 || !written[0]) return undefined;
    const inner = this.origin(written[0], unwrap, depth + 1);
    if (inner?.kind === 'literal') return { kind: 'constant', node: inner.node, value: inner.value, name };
    return inner;
  }

  /**
   * Where the value of `node` comes from, when it is a literal, a constant or a configuration
   * property; `unwrap` names the calls the value passes through unchanged (`getBytes`, `decode`…).
   */
  origin(start: Node | undefined, unwrap: (node: Node) => Node | undefined, depth = 0): Origin | undefined {
    const node = bare(start);
    if (!node || depth > 8) return undefined;
    const text = literalString(node);
    if (text !== undefined) return { kind: 'literal', node, value: text };
    const through = unwrap(node);
    if (through) return this.origin(through, unwrap, depth + 1);
    const source = this.program.files.find((file) => file.source.tree === node.tree);
    if (!source) return undefined;
    const cls = classAt(source, node);
    if (node.type === 'identifier') {
      if (parameterOf(node.text, node)) return undefined;
      const local = localValue(node.text, node);
      if (local) return this.origin(local, unwrap, depth + 1);
      if (declaredLocally(node.text, node)) return undefined;
      for (let owner = cls; owner; owner = owner.outer) {
        if (fieldOf(owner, node.text)) return this.fieldOrigin(owner, node.text, unwrap, depth);
      }
      const constant = this.program.strings(node, { file: source, cls })?.[0];
      return constant === undefined ? undefined : { kind: 'constant', node, value: constant, name: node.text };
    }
    if (node.type === 'field_access') {
      const object = field(node, 'object');
      const name = field(node, 'field')?.text ?? '';
      if (object?.type === 'this' && cls) return this.fieldOrigin(cls, name, unwrap, depth);
      const constant = this.program.strings(node, { file: source, cls })?.[0];
      return constant === undefined ? undefined : { kind: 'constant', node, value: constant, name: node.text };
    }
    if (node.type === 'method_invocation') {
      // `properties.getSecret()` on a configuration bean.
      const name = field(node, 'name')?.text ?? '';
      const receiver = field(node, 'object');
      const getter = /^(get|is)([A-Z]\w*)$/.exec(name);
      if (!getter?.[2] || named(field(node, 'arguments')).length > 0 || !receiver) return undefined;
      const type = this.typeOf(receiver, cls);
      const owner = type ? this.program.resolveClass(type, { file: source, cls }) : undefined;
      if (!owner) return undefined;
      const prop = getter[2].charAt(0).toLowerCase() + getter[2].slice(1);
      const config = this.bound(owner, prop);
      if (config) return { kind: 'config', config };
      return fieldOf(owner, prop) ? this.fieldOrigin(owner, prop, unwrap, depth) : undefined;
    }
    return undefined;
  }

  /** The declared type of an identifier or `this.x`: a local, a parameter or a field. */
  typeOf(node: Node, cls: JvmClass | undefined): string | undefined {
    const name = node.type === 'identifier' ? node.text : node.type === 'field_access' && field(node, 'object')?.type === 'this' ? field(node, 'field')?.text : undefined;
    if (!name) return undefined;
    const param = parameterOf(name, node);
    if (param) return simpleName(field(param, 'type')?.text ?? '');
    const method = enclosingMethod(node);
    if (method && node.type === 'identifier') {
      for (const declarator of descendants(method, DECLARATORS)) {
        if (field(declarator, 'name')?.text === name && declarator.parent?.type === 'local_variable_declaration') {
          const type = field(declarator.parent, 'type')?.text;
          if (type && type !== 'var') return simpleName(type);
        }
      }
      // try (Statement statement = connection.createStatement()) { … }
      for (const resource of descendants(method, new Set(['resource']))) {
        const type = field(resource, 'type')?.text;
        if (field(resource, 'name')?.text === name && type && type !== 'var') return simpleName(type);
      }
    }
    for (let owner = cls; owner; owner = owner.outer) {
      const type = owner.fields.get(name);
      if (type) return type;
    }
    return undefined;
  }
}

/**
 * Where a check reports a Java/Kotlin node: `at` with the enclosing method (and class) in the key,
 * so the same snippet in two methods stays two findings.
 */
export function jvmAt(ctx: CheckContext, source: SourceFile, node: Node, snippet?: string): ReturnType<typeof at> {
  const base = snippet === undefined ? at(ctx, source, node) : at(ctx, source, node, snippet);
  const method = enclosingMethod(node);
  const cls = enclosing(node, CLASSES);
  const owner = `${(cls && field(cls, 'name')?.text) ?? ''}.${(method && field(method, 'name')?.text) ?? ''}`;
  return { ...base, key: `${owner}\u0000${base.key ?? ''}` };
}
