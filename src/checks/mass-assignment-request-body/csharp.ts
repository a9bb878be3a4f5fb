import type { Node } from 'web-tree-sitter';
import { PRIVILEGED } from '../../analysis/code-authz.js';
import { boundFromRequest, csProjectOf, handlerStarts, isCsTestFile, parametersOf, serviceTypes, startKey } from '../../collectors/code/csharp/flow.js';
import { CsProject, field, invocationParts, kids, typeName, walk, type CsClass } from '../../collectors/code/csharp/project.js';
import type { SourceFile } from '../../engine/context.js';
import type { Location } from '../../model/types.js';
import { csharpDataProviders } from '../../collectors/code/plugins.js';
import type { CsharpDataProvider } from '../../collectors/code/plugin.js';

/** The data-access libraries' entity sets, saves and tracked writes (the plugins' `csharpData`: EF Core's DbContext / DbSet). */
let dataList: { sets: readonly string[]; saves: readonly string[]; tracks: ReadonlySet<string>; stateWrites: NonNullable<CsharpDataProvider['stateWrite']>[] } | undefined;
function data(): NonNullable<typeof dataList> {
  dataList ??= {
    sets: csharpDataProviders().flatMap((provider) => provider.entitySets),
    saves: csharpDataProviders().flatMap((provider) => provider.saves),
    tracks: new Set(csharpDataProviders().flatMap((provider) => provider.trackingWrites)),
    stateWrites: csharpDataProviders().flatMap((provider) => (provider.stateWrite ? [provider.stateWrite] : [])),
  };
  return dataList;
}

const saves = (text: string): boolean => data().saves.some((save) => text.includes(save));

export interface CsMassAssignment {
  source: SourceFile;
  node: Node;
  body: string;
  model: string;
  fields: string[];
}

/** Entity types of the project's DbContexts (`DbSet<Order> Orders`). */
function entityTypes(project: CsProject): Set<string> {
  const out = new Set<string>();
  const { sets } = data();
  for (const file of project.files) {
    if (!sets.some((set) => file.source.text.includes(`${set}<`))) continue;
    walk(file.source.tree.rootNode, (node) => {
      if (node.type === 'generic_name' && sets.includes(kids(node)[0]?.text ?? '')) {
        const argument = kids(kids(node).find((child) => child.type === 'type_argument_list') ?? node)[0];
        if (argument) out.add(typeName(argument.text));
      }
      return true;
    });
  }
  return out;
}

/** Privileged properties a client can bind: public with a public `set` or `init`. */
function bindableFields(project: CsProject, cls: CsClass): string[] {
  const out: string[] = [];
  for (const each of [cls, ...project.ancestors(cls).chain]) {
    const body = field(each.node, 'body');
    for (const member of body ? kids(body) : []) {
      if (member.type !== 'property_declaration' || !kids(member).some((child) => child.type === 'modifier' && child.text === 'public')) continue;
      const name = field(member, 'name')?.text ?? '';
      const accessors = kids(member).find((child) => child.type === 'accessor_list');
      const setter = accessors ? kids(accessors).find((accessor) => /\b(?:set|init)\b/.test(accessor.text)) : undefined;
      if (!setter || kids(setter).some((child) => child.type === 'modifier')) continue;
      if (PRIVILEGED.test(name.charAt(0).toLowerCase() + name.slice(1)) && !out.includes(name)) out.push(name);
    }
  }
  return out;
}

/**
 * An EF Core entity bound from the request body straight into the DbContext (`_context.Update(order)`,
 * `db.Items.Add(item)`, `Entry(item).State = Modified`, `CurrentValues.SetValues(item)`) and saved in the same
 * handler, when the entity has privileged properties a client can then set.
 */
export function csharpMassAssignments(sources: readonly SourceFile[], handlers: readonly Location[]): CsMassAssignment[] {
  const csharp = sources.filter((source) => source.language === 'csharp' && !isCsTestFile(source.file));
  if (!csharp.some((source) => saves(source.text))) return [];
  const project = csProjectOf(sources);
  const entities = entityTypes(project);
  if (entities.size === 0) return [];
  const isService = serviceTypes(project);
  const out: CsMassAssignment[] = [];
  for (const file of project.files) {
    const starts = handlerStarts(handlers, file.source.file);
    if (starts.size === 0 || !saves(file.source.text)) continue;
    walk(file.source.tree.rootNode, (fn) => {
      if (!['method_declaration', 'lambda_expression', 'local_function_statement'].includes(fn.type) || !starts.has(startKey(fn))) return true;
      if (!saves(fn.text)) return true;
      for (const parameter of parametersOf(fn)) {
        const type = typeName(field(parameter, 'type')?.text ?? '').replace(/\?$/, '');
        const name = field(parameter, 'name')?.text;
        if (!name || !entities.has(type) || !boundFromRequest(parameter, isService)) continue;
        const cls = project.classOf(type, file);
        const fields = cls ? bindableFields(project, cls) : [];
        if (fields.length === 0) continue;
        let sink: Node | undefined;
        walk(fn, (node) => {
          if (sink) return false;
          const parts = invocationParts(node);
          if (parts && data().tracks.has(parts.name) && parts.args.some((arg) => arg.text === name)) sink = node;
          if (node.type === 'assignment_expression' && data().stateWrites.some(({ target, states }) => target.test(field(node, 'left')?.text ?? '') && (field(node, 'left')?.text ?? '').includes(`(${name})`) && states.test(field(node, 'right')?.text ?? ''))) sink = node;
          return true;
        });
        if (sink) out.push({ source: file.source, node: sink, body: name, model: type, fields });
      }
      return true;
    });
  }
  return out;
}
