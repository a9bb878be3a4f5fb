/**
 * Spring handlers that bind the request body straight into a persisted entity
 * (`@RequestBody User user` with `User` an `@Entity`/`@Document`/`@TableName`) and save it —
 * `repository.save(user)`, `saveAndFlush`, `persist`, `merge`, MyBatis-Plus `insert`/`updateById` —
 * in the handler or in the service method it hands the object to, when the entity has a privileged
 * field Jackson can set (a setter, Lombok `@Data`/`@Setter`, a public field or `@JsonProperty`, and
 * not `@JsonIgnore` / `READ_ONLY`). Handlers gated by a role or permission check are left out:
 * an administrator setting roles is the point of those.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';
import { annotation, descendants, field, hasAnnotation, named, type JvmClass, type JvmMethod } from '../../collectors/code/jvm/ast.js';
import { type JavaTaint, isHandler, requestTable, sharedAnalysis } from '../../collectors/code/jvm/taint.js';
import { type JvmTracer, fieldOf } from '../../collectors/code/jvm/trace.js';
import { firstHandlerIn } from '../../analysis/endpoints.js';
import { jvmEntityAnnotations, jvmRolesProviders } from '../../collectors/code/plugins.js';

export interface JavaMassAssignment {
  source: SourceFile;
  node: Node;
  call: string;
  body: string;
  model: string;
  fields: string[];
}

export const PRIVILEGED = new Set(['role', 'roles', 'isadmin', 'admin', 'issuperuser', 'superuser', 'permissions', 'privileges', 'authorities', 'balance', 'accountbalance', 'credit', 'credits', 'creditlimit', 'verified', 'isverified', 'emailverified', 'enabled', 'locked', 'accountnonlocked', 'ownerid', 'tenantid', 'usertype']);
export const PERSIST = /^(save|saveAndFlush|saveAll|persist|merge|insert|updateById|insertOrUpdate|saveOrUpdate)$/;
const INVOCATIONS: ReadonlySet<string> = new Set(['method_invocation']);

function settable(cls: JvmClass, name: string): boolean {
  const info = fieldOf(cls, name);
  if (!info) return false;
  if (hasAnnotation(info.annotations, 'JsonIgnore', 'Transient')) return false;
  const property = annotation(info.annotations, 'JsonProperty');
  if (property && /READ_ONLY/.test(property.node.text)) return false;
  const ignored = annotation(cls.annotations, 'JsonIgnoreProperties');
  if (ignored && ignored.node.text.includes(`"${name}"`)) return false;
  const setter = `set${name.charAt(0).toUpperCase()}${name.slice(1)}`;
  return (
    !!property ||
    hasAnnotation(cls.annotations, 'Data', 'Setter') ||
    hasAnnotation(info.annotations, 'Setter') ||
    /\bpublic\b/.test(info.declaration.text.split('=')[0] ?? '') ||
    cls.methods.some((method) => method.name === setter)
  );
}

function privilegedFields(cls: JvmClass, tracer: JvmTracer): string[] {
  const out: string[] = [];
  for (const owner of [cls, ...tracer.program.ancestors(cls)]) {
    for (const name of owner.fields.keys()) {
      if (PRIVILEGED.has(name.toLowerCase().replace(/[_-]/g, '')) && settable(owner, name)) out.push(name);
    }
  }
  return out;
}

let roleRules: { annotations: string[]; expressions: { annotation: string; authenticatedOnly: RegExp }[] } | undefined;

/** The frameworks' role annotations (`jvmRoles`: `@PreAuthorize("hasRole('ADMIN')")`, `@PreAuthorize("@ss.hasPermi('user:add')")`, `@Secured`, `@RolesAllowed`) on the handler or its class. */
export function roleGated(method: JvmMethod): boolean {
  roleRules ??= {
    annotations: jvmRolesProviders().flatMap((provider) => provider.annotations),
    expressions: jvmRolesProviders().flatMap((provider) => (provider.expressions ?? []).map((item) => ({ annotation: item.annotation, authenticatedOnly: new RegExp(item.authenticatedOnly) }))),
  };
  for (const list of [method.annotations, method.owner?.annotations ?? []]) {
    if (hasAnnotation(list, ...roleRules.annotations)) return true;
    for (const { annotation: name, authenticatedOnly } of roleRules.expressions) {
      const text = annotation(list, name)?.args.get('value')?.[0]?.text.replace(/^"|"$/g, '').trim();
      if (text && !authenticatedOnly.test(text)) return true;
    }
  }
  return false;
}

/** The call that persists `name` in `method`, directly or in a method it hands `name` to. */
function persisted(method: JvmMethod, name: string, taint: JavaTaint, depth = 0): Node | undefined {
  if (!method.body || depth > 2) return undefined;
  for (const call of descendants(method.body, INVOCATIONS)) {
    const args = named(field(call, 'arguments'));
    const index = args.findIndex((arg) => arg.text === name);
    if (index < 0) continue;
    if (PERSIST.test(field(call, 'name')?.text ?? '')) return call;
    for (const target of taint.targets(call, args.length, method)) {
      const param = target.parameters[index];
      if (param && persisted(target, param.name, taint, depth + 1)) return call;
    }
  }
  return undefined;
}

export function javaMassAssignments(sources: readonly SourceFile[], endpoints: readonly Endpoint[], infra: readonly InfraFile[] | undefined): JavaMassAssignment[] {
  const { bodies, bodyText } = requestTable();
  if (!sources.some((source) => source.language === 'java' && bodyText.test(source.text))) return [];
  const analysis = sharedAnalysis(sources, infra);
  const tracer = analysis.tracer;
  let taint: JavaTaint | undefined;
  const out: JavaMassAssignment[] = [];
  for (const file of tracer.program.files) {
    if (file.language !== 'java' || !bodyText.test(file.source.text)) continue;
    for (const cls of file.classes) {
      for (const method of cls.methods) {
        if (!isHandler(method)) continue;
        const param = method.parameters.find((item) => hasAnnotation(item.annotations, ...bodies));
        if (!param) continue;
        const entity = tracer.program.resolveClass(param.type, { file, cls });
        if (!entity || !jvmEntityAnnotations().some((name) => hasAnnotation(entity.annotations, name))) continue;
        const fields = privilegedFields(entity, tracer);
        if (fields.length === 0) continue;
        const start = method.node.startPosition.row + 1;
        const end = method.node.endPosition.row + 1;
        const endpoint = firstHandlerIn(endpoints, file.source.file, start, end);
        if (endpoint?.authorization?.functionLevel === 'present') continue;
        if (roleGated(method)) continue;
        taint ??= analysis.taint();
        const call = persisted(method, param.name, taint);
        if (!call) continue;
        out.push({ source: file.source, node: call, call: `${field(call, 'object')?.text ?? ''}.${field(call, 'name')?.text ?? ''}`.replace(/^\./, ''), body: `@${param.annotations.find((item) => bodies.includes(item.name))?.name ?? ''} ${param.type} ${param.name}`, model: entity.name, fields });
      }
    }
  }
  return out;
}
