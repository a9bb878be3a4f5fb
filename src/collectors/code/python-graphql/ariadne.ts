import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import { callArgs, calleeName, field, kids, lastSegment, literalString, unwrap } from '../python/ast.js';
import { pythonEnabled, sortEndpoints } from '../python/endpoint.js';
import { pythonIndex, type PyIndex, type PyModule } from '../python/project.js';
import { resolverGuards, rootField, type Operation } from './shared.js';
import { parentOf } from '../../../parsing/tree-index.js';
import { lookupTable } from '../../../analysis/lookup.js';

const ID = 'ariadne';
const ROOT_TYPES: Record<string, { operation: Operation; typeName: string }> = lookupTable({
  QueryType: { operation: 'query', typeName: 'Query' },
  MutationType: { operation: 'mutation', typeName: 'Mutation' },
  SubscriptionType: { operation: 'subscription', typeName: 'Subscription' },
});
const NAMED_ROOTS: Record<string, Operation> = lookupTable({ Query: 'query', Mutation: 'mutation', Subscription: 'subscription' });

function collect(index: PyIndex): CollectedEndpoint[] {
  const out: CollectedEndpoint[] = [];
  const bindables = new Map<string, { operation: Operation; typeName: string }>();
  const modules = index.modules.filter((module) => /\bariadne\b|QueryType|MutationType/.test(module.source.text));
  for (const module of modules) {
    for (const node of index.nodes(module).assignments) {
      const right = field(node, 'right');
      const value = right ? unwrap(right) : undefined;
      if (value?.type !== 'call') continue;
      const cls = lastSegment(calleeName(value) ?? '');
      let root = ROOT_TYPES[cls];
      if (!root && (cls === 'ObjectType' || cls === 'SubscriptionType')) {
        const typeName = literalString(callArgs(value).positional[0]);
        const operation = typeName !== undefined ? NAMED_ROOTS[typeName] : undefined;
        if (typeName !== undefined && operation) root = { operation, typeName };
      }
      if (root) bindables.set(`${module.source.file}:${value.startIndex}`, root);
    }
  }
  const rootOf = (module: PyModule, object: Node): { operation: Operation; typeName: string } | undefined => {
    const resolved = index.resolveExpr(module, object);
    return resolved?.kind === 'value' ? bindables.get(`${resolved.module.source.file}:${unwrap(resolved.node).startIndex}`) : undefined;
  };
  for (const module of modules) {
    const nodes = index.nodes(module);
    for (const node of nodes.decorators) {
      const call = kids(node)[0];
      const fn = call?.type === 'call' ? field(call, 'function') : undefined;
      if (!call || fn?.type !== 'attribute' || !/^(field|source)$/.test(field(fn, 'attribute')?.text ?? '')) continue;
      const object = field(fn, 'object');
      const root = object ? rootOf(module, object) : undefined;
      const name = literalString(callArgs(call).positional[0]);
      const holder = parentOf(node);
      const def = holder ? field(holder, 'definition') : undefined;
      if (!root || name === undefined || def?.type !== 'function_definition') continue;
      out.push(rootField(ID, root.operation, root.typeName, name, module, call, resolverGuards(index, module, def), { module, fn: def }));
    }
    for (const node of nodes.calls) {
      const fn = field(node, 'function');
      if (fn?.type !== 'attribute' || field(fn, 'attribute')?.text !== 'set_field') continue;
      const object = field(fn, 'object');
      const root = object ? rootOf(module, object) : undefined;
      const args = callArgs(node);
      const name = literalString(args.positional[0]);
      const target = args.positional[1];
      const resolved = target ? index.resolveExpr(module, target) : undefined;
      if (!root || name === undefined) continue;
      const resolver = resolved?.kind === 'def' ? { module: resolved.module, fn: resolved.node } : undefined;
      out.push(rootField(ID, root.operation, root.typeName, name, module, node, resolver ? resolverGuards(index, resolver.module, resolver.fn) : [], resolver));
    }
  }
  return out;
}

export const ariadneCollector: CodeCollector = {
  id: ID,
  languages: ['python'],
  enablers: ['ariadne'],
  isEnabled: (project, sources) => pythonEnabled(project, sources, [ID], /^\s*(from|import)\s+ariadne\b/m),
  collect(sources: readonly SourceFile[]) {
    return { endpoints: sortEndpoints(collect(pythonIndex(sources))), diagnostics: [] };
  },
};
