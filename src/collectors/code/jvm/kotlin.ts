/**
 * Request data in Kotlin code, for the checks' Kotlin detections: the parameters a framework binds in a
 * Kotlin handler (Spring's `@RestController`: the same rules as Java, see ./taint.ts) and the request reads
 * of route lambdas through the call object the plugins' `jvmRequest.kotlinCall` names (Ktor's
 * `call.parameters["id"]`, `call.request.queryParameters["q"]`, `call.receiveText()`), followed through `val`/`var`
 * locals, string templates (`"… $q …"`, `"${q.trim()}"`), `+`, `?:`, `!!`, property reads and the
 * parameters of project functions a tainted value is handed to (resolved by the receiver's declared
 * type, as for Java). Numbers, booleans, dates and UUIDs carry no text and stop it.
 */
import type { Node } from 'web-tree-sitter';
import { descendants, firstOfType, hasAnnotation, named, simpleName, type JvmClass, type JvmMethod } from './ast.js';
import { asCall } from './calls.js';
import { isHandler, requestTable, taintRules } from './taint.js';
import type { JvmProgram } from './values.js';
import { innermostOfType } from '../../../parsing/tree-index.js';

const CALLS: ReadonlySet<string> = new Set(['call_expression']);
/** Kotlin's own value types, beside the Java ones the shared rules know. */
const KOTLIN_INERT = /^(Int|UInt|ULong|UShort|UByte|Char|Short|Byte|Double|Float|Boolean|Long|Instant|LocalDate|LocalDateTime|UUID|Uuid)\??$/;
const inert = (type: string): boolean => KOTLIN_INERT.test(type) || taintRules().inertTypes.test(type.replace(/\?$/, ''));
const SCOPES = new Set(['function_declaration', 'lambda_literal', 'anonymous_function']);
const MAX_ROUNDS = 3;

/** The nodes a Kotlin expression is read through: parentheses, `as`, `!!`. */
export function kotlinBare(node: Node | undefined): Node | undefined {
  let current = node;
  for (;;) {
    if (!current) return undefined;
    if (current.type === 'parenthesized_expression' || current.type === 'as_expression' || current.type === 'value_argument') current = named(current)[current.type === 'value_argument' ? named(current).length - 1 : 0];
    else if (current.type === 'postfix_expression' && current.text.endsWith('!!')) current = named(current)[0];
    else return current;
  }
}

/** The Kotlin function (declaration) around a node. */
export function enclosingFunction(node: Node): Node | undefined {
  // From the tree's nesting of function declarations (a binary search), not by climbing `node.parent`,
  // which descends from the root each time: per call as long as a Ktor routing function with thousands of routes.
  return innermostOfType(node, ['function_declaration']);
}

/** The declared type of a name at `at`: a parameter of the enclosing function, a `val x: T` local, or a field of the class. */
const localTypes = new WeakMap<Node['tree'], Map<number, Map<string, string>>>();

/** The declared types of a function's local properties by name (the first typed declaration of each), read once per function. */
function localTypesOf(fn: Node): Map<string, string> {
  let byFunction = localTypes.get(fn.tree);
  if (!byFunction) {
    byFunction = new Map();
    localTypes.set(fn.tree, byFunction);
  }
  let types = byFunction.get(fn.id);
  if (!types) {
    types = new Map();
    for (const property of descendants(fn, new Set(['property_declaration']))) {
      const declaration = firstOfType(property, 'variable_declaration');
      const name = firstOfType(declaration, 'simple_identifier')?.text;
      const type = firstOfType(declaration, 'user_type', 'nullable_type');
      if (name !== undefined && type && !types.has(name)) types.set(name, simpleName(type.text));
    }
    byFunction.set(fn.id, types);
  }
  return types;
}

export function kotlinTypeOf(name: string, at: Node, cls: JvmClass | undefined): string | undefined {
  const fn = enclosingFunction(at);
  if (fn) {
    for (const param of named(firstOfType(fn, 'function_value_parameters'))) {
      if (param.type === 'parameter' && named(param)[0]?.text === name) return simpleName(named(param)[1]?.text ?? '');
    }
    const local = localTypesOf(fn).get(name);
    if (local !== undefined) return local;
  }
  for (let owner = cls; owner; owner = owner.outer) {
    const type = owner.fields.get(name);
    if (type) return type;
  }
  return undefined;
}

/** The project functions a Kotlin call can land in: by its receiver's declared type (and implementations), or the same class. */
export function kotlinTargets(program: JvmProgram, node: Node, from: JvmMethod): JvmMethod[] {
  const call = asCall(node);
  if (!call) return [];
  let owners: JvmClass[] = [];
  const receiver = kotlinBare(call.receiver);
  if (!receiver || receiver.type === 'this_expression') owners = from.owner ? [from.owner] : [];
  else if (receiver.type === 'simple_identifier') {
    const type = kotlinTypeOf(receiver.text, node, from.owner);
    const cls = type ? program.resolveClass(type, { file: from.file, cls: from.owner }) : /^[A-Z]/.test(receiver.text) ? program.resolveClass(receiver.text, { file: from.file, cls: from.owner }) : undefined;
    if (cls) owners = [cls, ...program.subclasses(cls)];
  }
  const top = !receiver ? from.file.functions.filter((fn) => fn.name === call.name) : [];
  return [...owners.flatMap((owner) => owner.methods.filter((method) => method.name === call.name && method.parameters.length === call.args.length)), ...top.filter((fn) => fn.parameters.length === call.args.length)];
}

export class KotlinTaint {
  private readonly tainted = new Map<number, Set<number>>();
  private cache = new Map<number, string | undefined>();
  private readonly program: JvmProgram;
  private readonly methods: JvmMethod[];

  constructor(program: JvmProgram) {
    this.program = program;
    const files = program.files.filter((file) => file.language === 'kotlin');
    this.methods = files.flatMap((file) => [...file.functions, ...file.classes.flatMap((cls) => cls.methods)]);
    const rules = taintRules();
    const { entries } = requestTable().kotlinCall;
    for (const method of this.methods) {
      if (!isHandler(method)) continue;
      method.parameters.forEach((param, index) => {
        if (hasAnnotation(param.annotations, ...rules.notBound) || rules.frameworkTypes.test(param.type) || inert(param.type)) return;
        this.mark(method.node, index);
      });
    }
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      let changed = false;
      this.cache = new Map();
      for (const method of this.methods) {
        if (!method.body) continue;
        if (!this.tainted.has(method.node.id) && !entries.test(method.body.text)) continue;
        for (const node of descendants(method.body, CALLS)) {
          const call = asCall(node);
          if (!call || call.args.length === 0) continue;
          const hot = call.args.map((arg) => this.origin(arg) !== undefined);
          if (!hot.some(Boolean)) continue;
          for (const target of kotlinTargets(program, node, method)) {
            for (const [index, param] of target.parameters.entries()) {
              if (hot[index] && !inert(param.type) && !rules.frameworkTypes.test(param.type) && this.mark(target.node, index)) changed = true;
            }
          }
        }
      }
      if (!changed) break;
    }
    this.cache = new Map();
  }

  private mark(fn: Node, index: number): boolean {
    const set = this.tainted.get(fn.id) ?? new Set<number>();
    if (set.has(index)) return false;
    set.add(index);
    this.tainted.set(fn.id, set);
    return true;
  }

  parameterTainted(fn: Node, index: number): boolean {
    return this.tainted.get(fn.id)?.has(index) ?? false;
  }

  /** The request data a Kotlin expression carries (its text, for messages), or undefined. */
  origin(start: Node | undefined, depth = 0): string | undefined {
    const node = kotlinBare(start);
    if (!node || depth > 12) return undefined;
    if (this.cache.has(node.id)) return this.cache.get(node.id);
    this.cache.set(node.id, undefined);
    const found = this.compute(node, depth);
    this.cache.set(node.id, found);
    return found;
  }

  private compute(node: Node, depth: number): string | undefined {
    const rules = taintRules();
    switch (node.type) {
      case 'simple_identifier':
        return this.identifier(node, depth);
      case 'string_literal':
      case 'line_string_literal':
      case 'multi_line_string_literal':
        for (const part of named(node)) {
          if (part.type === 'interpolated_identifier' && this.identifier(part, depth + 1)) return node.text.slice(0, 60);
          if (part.type === 'interpolated_expression' && named(part).some((inner) => this.origin(inner, depth + 1))) return node.text.slice(0, 60);
        }
        return undefined;
      case 'additive_expression':
      case 'elvis_expression':
        return named(node).map((side) => this.origin(side, depth + 1)).find(Boolean);
      case 'if_expression':
      case 'when_expression':
        return undefined;
      case 'indexing_expression': {
        const target = named(node)[0];
        if (this.callSource(target)) return node.text;
        return this.origin(target, depth + 1) ? node.text : undefined;
      }
      case 'navigation_expression': {
        const [receiver, suffix] = named(node);
        const property = firstOfType(suffix, 'simple_identifier')?.text ?? '';
        if (rules.inertResults.test(property)) return undefined;
        if (this.callSource(node)) return node.text;
        return this.origin(receiver, depth + 1) ? node.text : undefined;
      }
      case 'call_expression': {
        const call = asCall(node);
        if (!call) return undefined;
        if (rules.inertResults.test(call.name)) return undefined;
        const receiver = kotlinBare(call.receiver);
        if (receiver?.type === 'simple_identifier' && requestTable().kotlinCall.names.has(receiver.text) && requestTable().kotlinCall.receives.test(call.name)) return node.text.slice(0, 60);
        if (receiver && rules.numericOwners.test(receiver.text)) return undefined;
        if (/^(toInt|toLong|toDouble|toBoolean|toIntOrNull|toLongOrNull|toUUID|let)$/.test(call.name)) return undefined;
        if (receiver && this.origin(receiver, depth + 1)) return node.text.slice(0, 60);
        // Constructors that keep their argument's text: `InputSource(StringReader(xml))`.
        const wrapper = !receiver && /^(StringReader|InputSource|ByteArrayInputStream|InputStreamReader|BufferedReader|StreamSource|String|StringBuilder)$/.test(call.name);
        if (wrapper || rules.textBuilders.test(call.name) || /^(buildString|listOf|arrayOf|format)$/.test(call.name)) return call.args.map((arg) => this.origin(arg, depth + 1)).find(Boolean);
        return undefined;
      }
      default:
        return undefined;
    }
  }

  /** The call object's request data: Ktor's `call.parameters`, `call.request.queryParameters`, `call.request.headers`, `call.request.cookies`. */
  private callSource(node: Node | undefined): boolean {
    const current = kotlinBare(node);
    if (current?.type !== 'navigation_expression') return false;
    const [receiver, suffix] = named(current);
    const property = firstOfType(suffix, 'simple_identifier')?.text ?? '';
    const { names, reads, request } = requestTable().kotlinCall;
    if (!reads.test(property)) return false;
    const base = kotlinBare(receiver);
    if (base?.type === 'simple_identifier') return names.has(base.text);
    if (base?.type === 'navigation_expression') {
      const [inner, innerSuffix] = named(base);
      return names.has(kotlinBare(inner)?.text ?? '') && request.has(firstOfType(innerSuffix, 'simple_identifier')?.text ?? '');
    }
    return false;
  }

  private identifier(node: Node, depth: number): string | undefined {
    const name = node.text;
    for (let scope: Node | null = node.parent; scope; scope = scope.parent) {
      if (!SCOPES.has(scope.type)) continue;
      // Locals of this scope declared before the use.
      for (const property of descendants(scope, new Set(['property_declaration']))) {
        if (property.startIndex > node.startIndex) continue;
        const declaration = firstOfType(property, 'variable_declaration');
        if (firstOfType(declaration, 'simple_identifier')?.text !== name) continue;
        const type = firstOfType(declaration, 'user_type', 'nullable_type');
        if (type && inert(simpleName(type.text))) return undefined;
        const value = named(property).slice(named(property).indexOf(declaration as Node) + 1).find((child) => child.type !== 'property_delegate' && child.type !== 'getter' && child.type !== 'setter');
        if (value && this.origin(value, depth + 1)) return name;
      }
      for (const assignment of descendants(scope, new Set(['assignment']))) {
        if (assignment.startIndex > node.startIndex || named(assignment)[0]?.text !== name) continue;
        if (this.origin(named(assignment).at(-1), depth + 1)) return name;
      }
      if (scope.type === 'lambda_literal') {
        // `call.parameters["id"]?.let { id -> … }`: the lambda's parameter is its receiver's value.
        const params = named(firstOfType(scope, 'lambda_parameters')).map((param) => firstOfType(param, 'simple_identifier')?.text ?? param.text);
        const implicit = params.length === 0 && name === 'it';
        if (params.includes(name) || implicit) {
          const holder = scope.parent?.type === 'annotated_lambda' ? scope.parent.parent?.parent : undefined;
          const call = holder?.type === 'call_expression' ? asCall(holder) : undefined;
          if (call && /^(let|also|run|apply|map|forEach|takeIf|takeUnless)$/.test(call.name) && this.origin(call.receiver, depth + 1)) return name;
          return undefined;
        }
        continue;
      }
      if (scope.type === 'function_declaration') {
        const params = named(firstOfType(scope, 'function_value_parameters')).filter((param) => param.type === 'parameter');
        const index = params.findIndex((param) => named(param)[0]?.text === name);
        if (index >= 0) {
          const type = simpleName(named(params[index])[1]?.text ?? '');
          if (inert(type)) return undefined;
          return this.parameterTainted(scope, index) ? name : undefined;
        }
        return undefined;
      }
    }
    return undefined;
  }
}

const shared = new WeakMap<JvmProgram, KotlinTaint>();

/** One Kotlin taint fixpoint per program. */
export function kotlinTaint(program: JvmProgram): KotlinTaint {
  const known = shared.get(program);
  if (known) return known;
  const made = new KotlinTaint(program);
  shared.set(program, made);
  return made;
}

/** The Kotlin source files of a program that are not tests. */
export function kotlinFunctions(program: JvmProgram): JvmMethod[] {
  return program.files
    .filter((file) => file.language === 'kotlin' && !/(^|\/)src\/test\//.test(file.source.file))
    .flatMap((file) => [...file.functions, ...file.classes.flatMap((cls) => cls.methods)]);
}

/** A Kotlin class's property declaration: a constructor `class_parameter` or a body `property_declaration`. */
export function kotlinMember(cls: JvmClass, name: string): { node: Node; constructor: boolean; mutable: boolean } | undefined {
  for (const param of named(firstOfType(cls.node, 'primary_constructor'))) {
    if (param.type === 'class_parameter' && firstOfType(param, 'simple_identifier')?.text === name) return { node: param, constructor: true, mutable: /\bvar\b/.test(firstOfType(param, 'binding_pattern_kind')?.text ?? '') };
  }
  for (const member of named(firstOfType(cls.node, 'class_body'))) {
    if (member.type !== 'property_declaration') continue;
    const declaration = firstOfType(member, 'variable_declaration');
    if (firstOfType(declaration, 'simple_identifier')?.text === name) return { node: member, constructor: false, mutable: /\bvar\b/.test(firstOfType(member, 'binding_pattern_kind')?.text ?? '') };
  }
  return undefined;
}

/** The annotations written on a Kotlin member (use-site targets `@field:`, `@get:` included), as text. */
export function kotlinMemberAnnotations(member: Node): string {
  return named(firstOfType(member, 'modifiers')).filter((child) => child.type === 'annotation').map((child) => child.text).join(' ');
}

/** The declared return type of a Kotlin function, as written (`ResponseEntity<List<User>>`), or `''`. */
export function kotlinReturnType(fn: JvmMethod): string {
  const kids = named(fn.node);
  const params = kids.findIndex((child) => child.type === 'function_value_parameters');
  return kids.slice(params + 1).find((child) => child.type === 'user_type' || child.type === 'nullable_type')?.text ?? '';
}
