import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import { assignmentsIn, bodyOf, callArgs, field, methodsOf, superclassNodes, unwrap } from '../python/ast.js';
import { pythonEnabled, sortEndpoints } from '../python/endpoint.js';
import { pythonIndex, type PyIndex, type PyModule } from '../python/project.js';
import { camelCase, resolverGuards, rootField, schemaRoots, type Operation } from './shared.js';

const ID = 'graphene';

function collect(index: PyIndex): CollectedEndpoint[] {
  return schemaRoots(index, 'graphene').flatMap((root) =>
    rootFields(index, root.module, root.cls, root.operation, root.typeName, root.cls, new Set()),
  );
}

/** Fields of a root type, inherited ones included (`class Query(books.schema.Query, graphene.ObjectType)`). */
function rootFields(index: PyIndex, module: PyModule, cls: Node, operation: Operation, typeName: string, root: Node, visited: Set<number>): CollectedEndpoint[] {
  if (visited.has(cls.id)) return [];
  visited.add(cls.id);
  const out: CollectedEndpoint[] = [];
  for (const base of superclassNodes(cls)) {
    const resolved = index.resolveExpr(module, base);
    if (resolved?.kind === 'def' && resolved.node.type === 'class_definition') out.push(...rootFields(index, resolved.module, resolved.node, operation, typeName, root, visited));
  }
  for (const { name, value, node } of assignmentsIn(bodyOf(cls))) {
    const call = unwrap(value);
    if (call.type !== 'call') continue;
    const resolver = findResolver(index, module, cls, name, call);
    const guards = resolver ? resolverGuards(index, resolver.module, resolver.fn) : [];
    out.push(rootField(ID, operation, typeName, camelCase(name), module, node, guards, resolver));
  }
  return out;
}

function findResolver(index: PyIndex, module: PyModule, cls: Node, name: string, call: Node): { module: PyModule; fn: Node } | undefined {
  const explicit = callArgs(call).keywords.get('resolver');
  if (explicit) {
    const resolved = index.resolveExpr(module, explicit);
    if (resolved?.kind === 'def') return { module: resolved.module, fn: resolved.node };
  }
  // `CreateBook.Field()`: the mutation class's `mutate` is the resolver.
  const fn = field(call, 'function');
  if (fn?.type === 'attribute' && field(fn, 'attribute')?.text === 'Field') {
    const owner = field(fn, 'object');
    const resolved = owner ? index.resolveExpr(module, owner) : undefined;
    if (resolved?.kind === 'def' && resolved.node.type === 'class_definition') {
      const methods = methodsOf(resolved.node);
      const mutate = methods.get('mutate') ?? methods.get('mutate_and_get_payload');
      if (mutate) return { module: resolved.module, fn: mutate };
    }
  }
  const own = index.classMember(module, cls, `resolve_${name}`);
  return own?.kind === 'def' ? { module: own.module, fn: own.node } : undefined;
}

export const grapheneCollector: CodeCollector = {
  id: ID,
  languages: ['python'],
  enablers: ['graphene', 'graphene-django'],
  isEnabled: (project, sources) => pythonEnabled(project, sources, [ID], /^\s*(from|import)\s+graphene\b/m),
  collect(sources: readonly SourceFile[]) {
    return { endpoints: sortEndpoints(collect(pythonIndex(sources))), diagnostics: [] };
  },
};
