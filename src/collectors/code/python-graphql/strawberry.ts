import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import type { SourceFile } from '../../../engine/context.js';
import type { Node } from '../../../parsing/parser.js';
import { bodyOf, callArgs, calleeName, decoratorsOf, field, kids, lastSegment, superclassNodes, unwrap, walk } from '../python/ast.js';
import { pythonEnabled, sortEndpoints } from '../python/endpoint.js';
import { locate, type Guard } from '../python/guards.js';
import { pythonIndex, type PyIndex, type PyModule } from '../python/project.js';
import { camelCase, permissionClassGuards, resolverGuards, rootField, schemaRoots, type Operation } from './shared.js';

const ID = 'strawberry';
const FIELD_MAKERS = new Set(['field', 'mutation', 'subscription']);

function collect(index: PyIndex): CollectedEndpoint[] {
  // `StrawberryConfig(auto_camel_case=False)` keeps the Python field names.
  const keepNames = index.modules.some((module) => /\bauto_camel_case\s*=\s*False\b/.test(module.source.text));
  const naming = keepNames ? (name: string): string => name : camelCase;
  return schemaRoots(index, 'strawberry').flatMap((root) => rootFields(index, root.module, root.cls, root.operation, root.typeName, naming));
}

function fieldCall(expression: Node): Node | undefined {
  const target = unwrap(expression);
  const name = target.type === 'call' ? calleeName(target) : undefined;
  return name !== undefined && name.startsWith('strawberry') && FIELD_MAKERS.has(lastSegment(name)) ? target : undefined;
}

/** Fields of a root type, those of the classes it inherits included (`class Query(UsersQuery, DCIMQuery)`). */
function rootFields(index: PyIndex, module: PyModule, cls: Node, operation: Operation, typeName: string, naming: (name: string) => string, seen = new Set<string>()): CollectedEndpoint[] {
  const out: CollectedEndpoint[] = [];
  const key = `${module.source.file}:${cls.startIndex}`;
  if (seen.has(key) || seen.size > 64) return out;
  seen.add(key);
  for (const base of superclassNodes(cls)) {
    const resolved = index.resolveExpr(module, base);
    if (resolved?.kind === 'def' && resolved.node.type === 'class_definition') out.push(...rootFields(index, resolved.module, resolved.node, operation, typeName, naming, seen));
  }
  for (const statement of bodyOf(cls)) {
    if (statement.type === 'decorated_definition') {
      const fn = field(statement, 'definition');
      if (fn?.type !== 'function_definition') continue;
      const decorator = decoratorsOf(fn).find((d) => fieldCall(d) !== undefined || /^strawberry\.(field|mutation|subscription)$/.test(d.text));
      if (!decorator) continue;
      const call = fieldCall(decorator);
      const guards: Guard[] = [
        ...resolverGuards(index, module, fn),
        ...(call ? permissionGuards(index, module, call) : []),
      ];
      const name = (call ? nameOverride(call) : undefined) ?? naming(field(fn, 'name')?.text ?? '');
      out.push(rootField(ID, operation, typeName, name, module, decorator, guards, { module, fn }));
      continue;
    }
    if (statement.type !== 'expression_statement') continue;
    const assignment = statement.firstNamedChild;
    if (assignment?.type !== 'assignment') continue;
    const left = field(assignment, 'left');
    const right = field(assignment, 'right');
    const call = right ? fieldCall(right) : undefined;
    if (left?.type !== 'identifier' || !call) continue;
    const resolverNode = callArgs(call).keywords.get('resolver');
    const resolved = resolverNode ? index.resolveExpr(module, resolverNode) : undefined;
    const resolver = resolved?.kind === 'def' ? { module: resolved.module, fn: resolved.node } : undefined;
    const guards = [...(resolver ? resolverGuards(index, resolver.module, resolver.fn) : []), ...permissionGuards(index, module, call)];
    out.push(rootField(ID, operation, typeName, nameOverride(call) ?? naming(left.text), module, assignment, guards, resolver));
  }
  return out;
}

function nameOverride(call: Node): string | undefined {
  const name = callArgs(call).keywords.get('name');
  const literal = name ? kids(name).find((child) => child.type === 'string_content')?.text : undefined;
  return literal;
}

function permissionGuards(index: PyIndex, module: PyModule, call: Node): Guard[] {
  const args = callArgs(call);
  const guards = permissionClassGuards(index, module, args.keywords.get('permission_classes'), locate(module, call));
  // `extensions=[PermissionExtension(permissions=[IsAuthenticated()])]` is the newer spelling.
  walk(args.keywords.get('extensions') ?? call, (node) => {
    if (node.type === 'call' && lastSegment(calleeName(node) ?? '') === 'PermissionExtension') {
      guards.push(...permissionClassGuards(index, module, callArgs(node).keywords.get('permissions'), locate(module, node)));
      return false;
    }
    return args.keywords.has('extensions');
  });
  return guards;
}

export const strawberryCollector: CodeCollector = {
  id: ID,
  languages: ['python'],
  enablers: ['strawberry-graphql'],
  isEnabled: (project, sources) => pythonEnabled(project, sources, [ID], /^\s*(from|import)\s+strawberry\b/m),
  collect(sources: readonly SourceFile[]) {
    return { endpoints: sortEndpoints(collect(pythonIndex(sources))), diagnostics: [] };
  },
};
