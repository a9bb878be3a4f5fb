import type { CollectedEndpoint } from '../collector.js';
import type { AuthMechanism, Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import { callArgs, calleeName, decoratorsOf, elements, field, lastSegment, methodsOf, unwrap } from '../python/ast.js';
import { makeEndpoint } from '../python/endpoint.js';
import { UNPROTECTED, analyseBody, classifyDecorator, decide, decoratorGuard, locate, type Guard } from '../python/guards.js';
import type { PyIndex, PyModule } from '../python/project.js';

export type Operation = 'query' | 'mutation' | 'subscription';

export const OPERATION_METHOD: Record<Operation, string> = { query: 'QUERY', mutation: 'MUTATION', subscription: 'SUBSCRIPTION' };

export function camelCase(name: string): string {
  return name.replace(/_+([a-z0-9])/g, (_, char: string) => char.toUpperCase());
}

const IDENTITY = /is_authenticated|is_anonymous|\.user\b|["']user["']|authorization|get_jwt|jwt\.decode|token|request\.auth\b/i;

/** Decorators on a resolver and checks in its body that reject anonymous callers. */
export function resolverGuards(index: PyIndex, module: PyModule, fn: Node): Guard[] {
  const guards = decoratorsOf(fn).flatMap((decorator) => decoratorGuard(classifyDecorator(index, module, decorator), locate(module, decorator), 'route'));
  const body = analyseBody(index, module, fn);
  if (body.enforces && IDENTITY.test(fn.text)) {
    const mechanisms: AuthMechanism[] = body.mechanisms.size > 0 ? [...body.mechanisms] : ['unknown'];
    guards.push({ kind: 'protected', mechanisms, detail: `${field(fn, 'name')?.text ?? 'resolver'}() rejects anonymous callers`, where: locate(module, fn), scope: 'route' });
  } else if (body.configGated !== undefined && IDENTITY.test(fn.text)) {
    const detail = `${field(fn, 'name')?.text ?? 'resolver'}() rejects anonymous callers only when ${body.configGated} (a configuration setting, not the request)`;
    guards.push({ kind: 'unknown', mechanisms: ['unknown'], detail, where: locate(module, fn), scope: 'route' });
  }
  return guards;
}

/** A permission class (strawberry `BasePermission`) protects when `has_permission` reads the caller's identity. */
export function permissionClassGuards(index: PyIndex, module: PyModule, list: Node | undefined, where: Location): Guard[] {
  const guards: Guard[] = [];
  for (const element of elements(list)) {
    const target = unwrap(element).type === 'call' ? (field(unwrap(element), 'function') ?? element) : element;
    const resolved = index.resolveExpr(module, target);
    if (resolved?.kind !== 'def' || resolved.node.type !== 'class_definition') {
      guards.push({ kind: 'unknown', mechanisms: ['unknown'], detail: `${target.text} cannot be analysed`, where, scope: 'route' });
      continue;
    }
    const check = methodsOf(resolved.node).get('has_permission');
    if (!check || !IDENTITY.test(check.text)) {
      guards.push({ kind: 'unknown', mechanisms: ['unknown'], detail: `${target.text}.has_permission does not visibly check the caller`, where, scope: 'route' });
      continue;
    }
    const body = analyseBody(index, resolved.module, check);
    const mechanisms: AuthMechanism[] = body.mechanisms.size > 0 ? [...body.mechanisms] : ['unknown'];
    guards.push({ kind: 'protected', mechanisms, detail: `permission_classes=[${target.text}]`, where, scope: 'route' });
  }
  return guards;
}

export function rootField(
  framework: string,
  operation: Operation,
  typeName: string,
  fieldName: string,
  module: PyModule,
  at: Node,
  guards: Guard[],
  resolver: { module: PyModule; fn: Node } | undefined,
): CollectedEndpoint {
  const auth = decide(guards, UNPROTECTED(resolver ? 'the resolver has no authentication check' : 'the field has no resolver-level check'));
  return makeEndpoint({
    framework,
    method: OPERATION_METHOD[operation],
    path: `${typeName}.${fieldName}`,
    protocol: 'graphql',
    location: locate(module, at),
    auth,
    ...(resolver ? { handler: locate(resolver.module, resolver.fn) } : {}),
  });
}

export interface SchemaRoot {
  module: PyModule;
  cls: Node;
  operation: Operation;
  typeName: string;
}

/**
 * The root classes passed to `Schema(query=…, mutation=…, subscription=…)` in modules that mention
 * `library`, each once (several schemas may share a root).
 */
export function schemaRoots(index: PyIndex, library: string): SchemaRoot[] {
  const out: SchemaRoot[] = [];
  const seen = new Set<string>();
  const mentions = new RegExp(`\\b${library}\\b`);
  for (const module of index.modules) {
    if (!mentions.test(module.source.text)) continue;
    for (const node of index.nodes(module).calls) {
      if (lastSegment(calleeName(node) ?? '') !== 'Schema') continue;
      const args = callArgs(node);
      for (const operation of ['query', 'mutation', 'subscription'] as Operation[]) {
        const root = args.keywords.get(operation);
        const resolved = root ? index.resolveExpr(module, root) : undefined;
        if (resolved?.kind !== 'def' || resolved.node.type !== 'class_definition') continue;
        const key = `${resolved.module.source.file}:${resolved.node.startIndex}`;
        if (seen.has(key)) continue;
        seen.add(key);
        out.push({ module: resolved.module, cls: resolved.node, operation, typeName: field(resolved.node, 'name')?.text ?? 'Query' });
      }
    }
  }
  return out;
}
