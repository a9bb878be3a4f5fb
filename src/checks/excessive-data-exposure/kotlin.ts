/**
 * Spring handlers written in Kotlin whose declared return type is a persisted entity (`@Entity`,
 * `@Document`, `@Table`-mapped class) — directly or in `ResponseEntity`, a collection, a page, `Mono`
 * / `Flux` — when the entity has a credential property Jackson serializes: not `@JsonIgnore`d (also
 * `@field:` / `@get:`), not `@JsonProperty(access = WRITE_ONLY)`, not in the class's `@JsonIgnoreProperties`.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { annotation, descendants, firstOfType, hasAnnotation, jvmFiles, named, type JvmClass } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { kotlinBare, kotlinMember, kotlinMemberAnnotations, kotlinReturnType } from '../../collectors/code/jvm/kotlin.js';
import { isHandler, requestTable } from '../../collectors/code/jvm/taint.js';
import { JvmProgram } from '../../collectors/code/jvm/values.js';
import { SECRET_FIELD, returnedTypes } from './java.js';
import { jvmEntityAnnotations } from '../../collectors/code/plugins.js';

export interface KotlinExposure {
  source: SourceFile;
  node: Node;
  handler: string;
  model: string;
  fields: string[];
}


function exposedSecrets(cls: JvmClass, program: JvmProgram): string[] {
  const ignored = annotation(cls.annotations, 'JsonIgnoreProperties');
  const ignoredNames = new Set((ignored?.args.get('value') ?? []).flatMap((node) => program.strings(node, { file: cls.file, cls }) ?? []));
  const out: string[] = [];
  for (const owner of [cls, ...program.ancestors(cls)]) {
    if (owner.file.language !== 'kotlin') continue;
    for (const name of owner.fields.keys()) {
      if (!SECRET_FIELD.test(name) || ignoredNames.has(name)) continue;
      const member = kotlinMember(owner, name);
      if (!member) continue;
      const written = kotlinMemberAnnotations(member.node);
      if (/\bJsonIgnore\b|WRITE_ONLY|\bTransient\b/.test(written)) continue;
      out.push(name);
    }
  }
  return out;
}

export function kotlinExposures(program: JvmProgram): KotlinExposure[] {
  const out: KotlinExposure[] = [];
  for (const file of program.files) {
    if (file.language !== 'kotlin' || /(^|\/)src\/test\//.test(file.source.file)) continue;
    for (const cls of file.classes) {
      for (const method of cls.methods) {
        if (!isHandler(method)) continue;
        for (const type of returnedTypes(kotlinReturnType(method).replace(/\?/g, ''))) {
          const entity = program.resolveClass(type, { file, cls });
          if (!entity || !jvmEntityAnnotations().some((name) => hasAnnotation(entity.annotations, name))) continue;
          const fields = exposedSecrets(entity, program);
          if (fields.length > 0) out.push({ source: file.source, node: method.nameNode, handler: `${cls.name}.${method.name}`, model: entity.name, fields });
        }
      }
    }
  }
  return out;
}

const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const PROPERTIES: ReadonlySet<string> = new Set(['property_declaration']);
const FINDERS = /^(findOne|findOneById|findById|find|findAll|findOneAndUpdate|first|firstOrNull|single|singleOrNull|toList|descendingSort|ascendingSort|sort|limit|skip)$/;
const COLLECTION_TYPE = /\b(?:getCollection|getCollectionOfName|CoroutineCollection|MongoCollection)\s*<\s*(\w+)\s*>/;

export interface CallExposure {
  source: SourceFile;
  node: Node;
  call: string;
  model: string;
  fields: string[];
}

/** The declaration text of `name` visible at `at`: a local, a parameter of an enclosing function, a class property. */
function declarationOf(name: string, at: Node): string | undefined {
  for (let scope = at.parent; scope; scope = scope.parent) {
    if (scope.type === 'function_declaration') {
      const param = named(firstOfType(scope, 'function_value_parameters')).find((item) => item.type === 'parameter' && named(item)[0]?.text === name);
      if (param) return param.text;
    }
    if (scope.type === 'class_declaration') {
      const param = descendants(scope, new Set(['class_parameter'])).find((item) => firstOfType(item, 'simple_identifier')?.text === name);
      if (param) return param.text;
    }
    if (scope.type !== 'lambda_literal' && scope.type !== 'function_body' && scope.type !== 'class_body' && scope.type !== 'source_file' && scope.type !== 'statements') continue;
    for (const property of scope.type === 'source_file' || scope.type === 'class_body' ? named(scope).filter((node) => node.type === 'property_declaration') : descendants(scope, PROPERTIES)) {
      if (property.startIndex > at.startIndex && scope.type !== 'class_body') continue;
      if (firstOfType(firstOfType(property, 'variable_declaration'), 'simple_identifier')?.text === name) return property.text;
    }
  }
  return undefined;
}

/** The stored document class a sent value is read as: `members.findOneById(id)`, a local holding it, `!!` / `?:` stripped. */
function storedType(value: Node | undefined, at: Node, depth = 0): string | undefined {
  let node = kotlinBare(value);
  if (!node || depth > 4) return undefined;
  if (node.type === 'elvis_expression') node = kotlinBare(named(node)[0]);
  if (node?.type === 'postfix_expression') node = kotlinBare(named(node)[0]);
  if (!node) return undefined;
  if (node.type === 'simple_identifier') {
    const declaration = declarationOf(node.text, at);
    if (!declaration || !/=/.test(declaration)) return undefined;
    for (const property of descendants(at.tree.rootNode, PROPERTIES)) {
      if (property.text !== declaration) continue;
      return storedType(property.namedChildren.at(-1) ?? undefined, property, depth + 1);
    }
    return undefined;
  }
  const call = asCall(node);
  if (!call || !FINDERS.test(call.name)) return undefined;
  const receiver = kotlinBare(call.receiver);
  if (receiver?.type === 'simple_identifier') {
    const declaration = declarationOf(receiver.text, node);
    return declaration ? COLLECTION_TYPE.exec(declaration)?.[1] : undefined;
  }
  return receiver ? storedType(receiver, at, depth + 1) : undefined;
}

/**
 * Routes that send a stored document as is through their call object (the plugins' `jvmRequest.kotlinCall`:
 * Ktor's `call.respond(members.findOneById(id))`), a local read from a KMongo / driver collection
 * (`getCollection<Member>()`, `CoroutineCollection<Member>`), a list of them — when its class has a
 * credential property the serializer writes (not `@Transient`, not `@JsonIgnore`).
 */
export function callExposures(sources: readonly SourceFile[]): CallExposure[] {
  const { names, responds, respondText } = requestTable().kotlinCall;
  if (!sources.some((source) => source.language === 'kotlin' && respondText.test(source.text))) return [];
  const program = new JvmProgram(jvmFiles(sources));
  const out: CallExposure[] = [];
  for (const file of program.files) {
    if (file.language !== 'kotlin' || /(^|\/)src\/test\//.test(file.source.file) || !respondText.test(file.source.text) || !COLLECTION_TYPE.test(file.source.text)) continue;
    for (const node of descendants(file.source.tree.rootNode, CALLS)) {
      const call = asCall(node);
      if (!call || !responds.test(call.name) || !names.has(kotlinBare(call.receiver)?.text ?? '')) continue;
      const type = storedType(call.args.at(-1), node);
      const scopeClass = file.classes.find((cls) => cls.node.startIndex <= node.startIndex && node.endIndex <= cls.node.endIndex);
      const model = type ? program.resolveClass(type, { file, cls: scopeClass }) : undefined;
      const fields = model ? exposedSecrets(model, program) : [];
      if (model && fields.length > 0) out.push({ source: file.source, node, call: node.text.split('\n')[0] ?? '', model: model.name, fields });
    }
  }
  return out;
}
