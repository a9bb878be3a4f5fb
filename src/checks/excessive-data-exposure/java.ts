/**
 * Spring MVC / JAX-RS handlers whose declared return type is a persisted entity (`@Entity`,
 * `@Document`, MyBatis-Plus `@TableName`), directly or inside `ResponseEntity`, `Optional`, a
 * collection or a page, when that entity has a credential field (password, its hash or salt, an API
 * key, a secret, a token) Jackson serializes: not `@JsonIgnore`d on the field or its getter, not
 * `@JsonProperty(access = WRITE_ONLY)`, not listed in the class's `@JsonIgnoreProperties`.
 * An untyped body (`Object`, `AjaxResult`, `ResponseEntity<?>`) decides nothing.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { annotation, hasAnnotation, type JvmClass, type JvmMethod } from '../../collectors/code/jvm/ast.js';
import type { JvmProgram } from '../../collectors/code/jvm/values.js';
import { isHandler } from '../../collectors/code/jvm/taint.js';
import { fieldOf } from '../../collectors/code/jvm/trace.js';
import { jvmEntityAnnotations, jvmResponseWrappers } from '../../collectors/code/plugins.js';

export interface JavaExposure {
  source: SourceFile;
  node: Node;
  handler: string;
  model: string;
  fields: string[];
}

export const SECRET_FIELD = /^(password|passwd|pwd|passwordHash|hashedPassword|encryptedPassword|passwordDigest|salt|passwordSalt|secret|clientSecret|apiKey|apiSecret|secretKey|accessToken|refreshToken|resetToken|resetPasswordToken|otpSecret|totpSecret|mfaSecret)$/i;
/** The JDK's and Kotlin's containers of a returned body; the frameworks' wrappers (`ResponseEntity`, `Page`, `Mono` …) are the plugins' `jvmEntities.wrappers`. */
const CONTAINERS = ['Optional', 'List', 'Set', 'Collection', 'Iterable', 'CompletableFuture', 'Stream', 'ArrayList', 'MutableList', 'MutableSet', 'Sequence', 'Flow', 'Array'];
let wrapperSet: ReadonlySet<string> | undefined;
const wrappers = (): ReadonlySet<string> => (wrapperSet ??= new Set([...CONTAINERS, ...jvmResponseWrappers()]));

/** The element types a declared return type names: `ResponseEntity<List<User>>` → `User`. */
export function returnedTypes(text: string): string[] {
  const match = /^([\w.]+)\s*(?:<([\s\S]*)>)?\s*(\[\])?$/.exec(text.trim());
  if (!match?.[1]) return [];
  const head = match[1].split('.').at(-1) ?? '';
  if (match[2] !== undefined) return wrappers().has(head) ? returnedTypes(match[2]) : [];
  return [head];
}

function ignoredOnGetter(cls: JvmClass, field: string): boolean {
  const getter = `get${field.charAt(0).toUpperCase()}${field.slice(1)}`;
  const method = cls.methods.find((item) => item.name === getter);
  return !!method && hasAnnotation(method.annotations, 'JsonIgnore');
}

function exposedSecrets(cls: JvmClass, program: JvmProgram): string[] {
  const ignoredByClass = annotation(cls.annotations, 'JsonIgnoreProperties');
  const ignoredNames = new Set((ignoredByClass?.args.get('value') ?? []).flatMap((node) => program.strings(node, { file: cls.file, cls }) ?? []));
  const out: string[] = [];
  for (const owner of [cls, ...program.ancestors(cls)]) {
    for (const name of owner.fields.keys()) {
      if (!SECRET_FIELD.test(name) || ignoredNames.has(name)) continue;
      const info = fieldOf(owner, name);
      if (!info) continue;
      if (/\bstatic\b/.test(info.declaration.text.split('=')[0] ?? '')) continue;
      if (hasAnnotation(info.annotations, 'JsonIgnore', 'Transient') || ignoredOnGetter(owner, name)) continue;
      const property = annotation(info.annotations, 'JsonProperty');
      if (property && /WRITE_ONLY/.test(property.node.text)) continue;
      out.push(name);
    }
  }
  return out;
}

export function javaExposures(program: JvmProgram): JavaExposure[] {
  const out: JavaExposure[] = [];
  for (const file of program.files) {
    if (file.language !== 'java' || /(^|\/)src\/test\//.test(file.source.file)) continue;
    for (const cls of file.classes) {
      for (const method of cls.methods) {
        if (!isHandler(method)) continue;
        const declared = method.node.childForFieldName('type')?.text ?? '';
        for (const type of returnedTypes(declared)) {
          const entity = program.resolveClass(type, { file, cls });
          if (!entity || !jvmEntityAnnotations().some((name) => hasAnnotation(entity.annotations, name))) continue;
          const fields = exposedSecrets(entity, program);
          if (fields.length > 0) out.push(report(method, entity, fields));
        }
      }
    }
  }
  return out;
}

function report(method: JvmMethod, entity: JvmClass, fields: string[]): JavaExposure {
  return { source: method.file.source, node: method.nameNode, handler: `${method.owner?.name ?? ''}.${method.name}`, model: entity.name, fields };
}
