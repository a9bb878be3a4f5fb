/**
 * Spring handlers written in Kotlin that bind the request body straight into a persisted entity
 * (`@RequestBody user: User` with `User` an `@Entity` / `@Document` / `@TableName`) and save it —
 * `repository.save(user)`, `saveAndFlush`, `persist`, `merge`, `insert` — in the handler or in the
 * function it hands the object to, when the entity has a privileged property Jackson can set: with
 * jackson-module-kotlin every primary-constructor property is bound (`val` included), and a body
 * property when it is a `var`; `@JsonIgnore` (also `@field:`/`@get:`/`@set:`) and
 * `@JsonProperty(access = READ_ONLY)` keep it out. Role- or permission-gated handlers are left out.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';
import { annotation, descendants, firstOfType, hasAnnotation, type JvmClass, type JvmMethod } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { kotlinBare, kotlinMember, kotlinMemberAnnotations, kotlinTargets } from '../../collectors/code/jvm/kotlin.js';
import { isHandler, requestTable, sharedAnalysis } from '../../collectors/code/jvm/taint.js';
import { firstHandlerIn } from '../../analysis/endpoints.js';
import type { JvmProgram } from '../../collectors/code/jvm/values.js';
import { PERSIST, PRIVILEGED, roleGated, type JavaMassAssignment } from './java.js';
import { jvmEntityAnnotations } from '../../collectors/code/plugins.js';

const CALLS: ReadonlySet<string> = new Set(['call_expression']);
/** Whole-document writes of a MongoDB collection (KMongo, the Kotlin driver) beside the repository verbs. */
const DOCUMENT_WRITES = /^(insertOne|insertMany|replaceOne|replaceOneById|save|upsert)$/;
const PROPERTIES: ReadonlySet<string> = new Set(['property_declaration']);

function privilegedFields(cls: JvmClass, program: JvmProgram): string[] {
  const out: string[] = [];
  const ignored = annotation(cls.annotations, 'JsonIgnoreProperties');
  for (const owner of [cls, ...program.ancestors(cls)]) {
    if (owner.file.language !== 'kotlin') continue;
    for (const name of owner.fields.keys()) {
      if (!PRIVILEGED.has(name.toLowerCase().replace(/[_-]/g, '')) || ignored?.node.text.includes(`"${name}"`)) continue;
      const member = kotlinMember(owner, name);
      if (!member || (!member.constructor && !member.mutable)) continue;
      if (/\bJsonIgnore\b|READ_ONLY|\bTransient\b/.test(kotlinMemberAnnotations(member.node))) continue;
      out.push(name);
    }
  }
  return out;
}

/** The call that persists `name` in `fn`, directly or in a function it hands `name` to. */
function persisted(program: JvmProgram, fn: JvmMethod, name: string, depth = 0): Node | undefined {
  if (!fn.body || depth > 2) return undefined;
  for (const node of descendants(fn.body, CALLS)) {
    const call = asCall(node);
    if (!call) continue;
    const index = call.args.findIndex((arg) => kotlinBare(arg)?.text === name);
    if (index < 0) continue;
    if (PERSIST.test(call.name) || DOCUMENT_WRITES.test(call.name)) return node;
    for (const target of kotlinTargets(program, node, fn)) {
      const param = target.parameters[index];
      if (param && persisted(program, target, param.name, depth + 1)) return node;
    }
  }
  return undefined;
}

export function kotlinMassAssignments(sources: readonly SourceFile[], endpoints: readonly Endpoint[], infra: readonly InfraFile[] | undefined): JavaMassAssignment[] {
  const { bodies, bodyText } = requestTable();
  if (!sources.some((source) => source.language === 'kotlin' && bodyText.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const out: JavaMassAssignment[] = [];
  for (const file of program.files) {
    if (file.language !== 'kotlin' || !bodyText.test(file.source.text) || /(^|\/)src\/test\//.test(file.source.file)) continue;
    for (const cls of file.classes) {
      for (const method of cls.methods) {
        if (!isHandler(method)) continue;
        const param = method.parameters.find((item) => hasAnnotation(item.annotations, ...bodies));
        if (!param) continue;
        const entity = program.resolveClass(param.type, { file, cls });
        if (!entity || !jvmEntityAnnotations().some((name) => hasAnnotation(entity.annotations, name))) continue;
        const fields = privilegedFields(entity, program);
        if (fields.length === 0) continue;
        const start = method.node.startPosition.row + 1;
        const end = method.node.endPosition.row + 1;
        const endpoint = firstHandlerIn(endpoints, file.source.file, start, end);
        if (endpoint?.authorization?.functionLevel === 'present' || roleGated(method)) continue;
        const call = persisted(program, method, param.name);
        if (!call) continue;
        const written = asCall(call);
        out.push({ source: file.source, node: call, call: `${written?.receiver ? `${written.receiver.text}.` : ''}${written?.name ?? ''}`, body: `@${param.annotations.find((item) => bodies.includes(item.name))?.name ?? ''} ${param.name}: ${param.type}`, model: entity.name, fields });
      }
    }
  }
  return out;
}

/** `T` of the call object's `call.receive<T>()` / `call.receive(T::class)`, with the call object's name. */
function receivedType(value: Node | undefined): { type: string | undefined; from: string } | undefined {
  const bare = kotlinBare(value);
  const call = bare ? asCall(bare) : undefined;
  const { names, bodyReceives } = requestTable().kotlinCall;
  const from = kotlinBare(call?.receiver)?.text ?? '';
  if (!call || !bodyReceives.test(call.name) || !names.has(from)) return undefined;
  const typeArgs = descendants(bare as Node, new Set(['type_arguments']))[0];
  const written = typeArgs?.text.replace(/^<|>$/g, '') ?? /^(\w+)::class/.exec(call.args[0]?.text ?? '')?.[1];
  return { type: written?.replace(/\?$/, '').trim(), from };
}

/** The call in `scope` that stores `name` whole, directly or in a project function it hands `name` to. */
function storedIn(program: JvmProgram, scope: Node, from: JvmMethod, name: string): Node | undefined {
  for (const node of descendants(scope, CALLS)) {
    const call = asCall(node);
    if (!call) continue;
    const index = call.args.findIndex((arg) => kotlinBare(arg)?.text === name);
    if (index < 0) continue;
    if (PERSIST.test(call.name) || DOCUMENT_WRITES.test(call.name)) return node;
    for (const target of kotlinTargets(program, node, from)) {
      const param = target.parameters[index];
      if (param && persisted(program, target, param.name)) return node;
    }
  }
  return undefined;
}

/**
 * Routes that receive the request body as a class through their call object (the plugins'
 * `jvmRequest.kotlinCall`: Ktor's `val user = call.receive<User>()`) and store that object whole — `repository.save(user)`, KMongo / driver `insertOne(user)`, `replaceOne(…, user)` —
 * in the route or in the function they hand it to, when the class has a privileged property the
 * deserializer sets (a primary-constructor property or a `var`, not `@Transient` / `@JsonIgnore`).
 */
export function callMassAssignments(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): JavaMassAssignment[] {
  const { bodyReceiveCall, bodyReceiveText } = requestTable().kotlinCall;
  if (!sources.some((source) => source.language === 'kotlin' && bodyReceiveCall.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const out: JavaMassAssignment[] = [];
  for (const file of program.files) {
    if (file.language !== 'kotlin' || !bodyReceiveText.test(file.source.text) || /(^|\/)src\/test\//.test(file.source.file)) continue;
    for (const fn of [...file.functions, ...file.classes.flatMap((cls) => cls.methods)]) {
      if (!fn.body) continue;
      for (const property of descendants(fn.body, PROPERTIES)) {
        const name = firstOfType(firstOfType(property, 'variable_declaration'), 'simple_identifier')?.text;
        const received = receivedType(property.namedChildren.at(-1) ?? undefined);
        const typeName = received?.type;
        if (!name || !received || !typeName) continue;
        const model = program.resolveClass(typeName, { file, cls: fn.owner });
        const fields = model ? privilegedFields(model, program) : [];
        if (!model || fields.length === 0) continue;
        // The route lambda (or function) the body was received in.
        let scope: Node | null = property.parent;
        while (scope && scope.type !== 'lambda_literal' && scope.id !== fn.body.id) scope = scope.parent;
        const call = storedIn(program, scope ?? fn.body, fn, name);
        if (!call) continue;
        const written = asCall(call);
        out.push({ source: file.source, node: call, call: `${written?.receiver ? `${written.receiver.text}.` : ''}${written?.name ?? ''}`, body: `${received.from}.receive<${typeName}>()`, model: model.name, fields });
      }
    }
  }
  return out;
}
