/**
 * Spring handlers written in Kotlin whose declared return type is a persisted entity (`@Entity`,
 * `@Document`, `@Table`-mapped class) — directly or in `ResponseEntity`, a collection, a page, `Mono`
 * / `Flux` — when the entity has a credential property Jackson serializes: not `@JsonIgnore`d (also
 * `@field:` / `@get:`), not `@JsonProperty(access = WRITE_ONLY)`, not in the class's `@JsonIgnoreProperties`.
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { annotation, hasAnnotation, type JvmClass } from '../../collectors/code/jvm/ast.js';
import { kotlinMember, kotlinMemberAnnotations, kotlinReturnType } from '../../collectors/code/jvm/kotlin.js';
import { isHandler } from '../../collectors/code/jvm/taint.js';
import type { JvmProgram } from '../../collectors/code/jvm/values.js';
import { SECRET_FIELD, returnedTypes } from './java.js';

export interface KotlinExposure {
  source: SourceFile;
  node: Node;
  handler: string;
  model: string;
  fields: string[];
}

const ENTITY = ['Entity', 'Document', 'TableName'];

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
          if (!entity || !ENTITY.some((name) => hasAnnotation(entity.annotations, name))) continue;
          const fields = exposedSecrets(entity, program);
          if (fields.length > 0) out.push({ source: file.source, node: method.nameNode, handler: `${cls.name}.${method.name}`, model: entity.name, fields });
        }
      }
    }
  }
  return out;
}
