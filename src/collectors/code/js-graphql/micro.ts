import type { Node } from 'web-tree-sitter';
import type { Diagnostic } from '../../../model/types.js';
import type { CollectedEndpoint } from '../collector.js';
import { callArgs, callee, descendants, field, isFunction, locate, named, unwrap } from '../js/ast.js';
import { AuthAnalyser, evidence, type AppliedFact } from '../js/auth.js';
import type { JsModule, ModuleGraph } from '../js/modules.js';
import { extractParameters } from '../js/params.js';
import { joinPaths, normalisePath } from '../js/paths.js';
import { evalString, externalName } from '../js/values.js';
import { lookupTable } from '../../../analysis/lookup.js';

const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const VERBS: Readonly<Record<string, string>> = lookupTable({ get: 'GET', post: 'POST', put: 'PUT', patch: 'PATCH', del: 'DELETE', head: 'HEAD', options: 'OPTIONS' });

/** A handler that can only fail: its body ends by throwing and never returns or answers (`notFound`, a catch-all 404). */
function alwaysThrows(fn: Node): boolean {
  const body = field(fn, 'body');
  if (!body || body.type !== 'statement_block') return false;
  const statements = named(body).filter((statement) => statement.type !== 'comment');
  const last = statements.at(-1);
  if (last?.type !== 'throw_statement') return false;
  return descendants(body, new Set(['return_statement', 'if_statement', 'call_expression'])).every(
    (node) => node.type === 'call_expression' && !/\.(?:end|send|json|write)$|^send$/.test(callee(node)?.text ?? ''),
  );
}

/**
 * microrouter (the router of `micro` servers, used with apollo-server-micro): `router(get('/', fn), post('/api', fn))`,
 * the verbs imported from 'microrouter', also under `withNamespace('/v1')(...)`. A path that cannot be read is a
 * diagnostic; a catch-all whose handler only throws (a 404) serves nothing and is not listed.
 */
export function microRoutes(graph: ModuleGraph, auth: AuthAnalyser): { endpoints: CollectedEndpoint[]; diagnostics: Diagnostic[] } {
  const endpoints: CollectedEndpoint[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const module of graph.modules.values()) {
    if (!module.source.text.includes('microrouter')) continue;
    for (const call of descendants(module.source.tree.rootNode, CALLS)) {
      const fn = callee(call);
      if (fn?.type !== 'identifier' && fn?.type !== 'member_expression') continue;
      const resolved = graph.resolve(module, fn);
      if (resolved.kind !== 'external' || resolved.specifier !== 'microrouter') continue;
      const method = VERBS[externalName(resolved) ?? ''];
      const [pathNode, handlerNode] = callArgs(call);
      if (!method || !pathNode || !handlerNode) continue;
      const path = evalString(graph, module, pathNode);
      if (path === undefined) {
        diagnostics.push({
          level: 'warning',
          file: module.file,
          line: pathNode.startPosition.row + 1,
          message: `microrouter: the route path \`${pathNode.text.slice(0, 60)}\` could not be resolved; the route is not listed.`,
          source: 'collector:micro',
        });
        continue;
      }
      const handler = handlerFunction(graph, module, handlerNode);
      if (handler && alwaysThrows(handler.node)) continue;
      const full = normalisePath(joinPaths(namespaceOf(graph, module, call) ?? '', path));
      const facts: AppliedFact[] = [];
      if (handler) {
        const fact = auth.fromBody(handler.module, handler.node, 'check in the handler', true);
        if (fact.verdict === 'auth') facts.push({ ...fact, where: locate(handler.module.file, handler.node), scope: 'route' });
      }
      const endpoint: CollectedEndpoint = {
        method,
        path: full,
        protocol: 'rest',
        sources: [{ kind: 'code', via: 'micro', location: locate(module.file, call) }],
        parameters: extractParameters(full, handler?.node.text),
        auth: evidence(facts),
        deprecated: false,
        framework: 'micro',
      };
      if (handler) endpoint.handler = locate(handler.module.file, handler.node);
      endpoints.push(endpoint);
    }
  }
  return { endpoints, diagnostics };
}

/** `withNamespace('/v1')(get(...), ...)`: the prefix of the namespace call a route is passed to. */
function namespaceOf(graph: ModuleGraph, module: JsModule, call: Node): string | undefined {
  const args = call.parent;
  const outer = args?.type === 'arguments' ? args.parent : undefined;
  const inner = outer?.type === 'call_expression' ? callee(outer) : undefined;
  if (inner?.type !== 'call_expression') return undefined;
  const fn = callee(inner);
  const resolved = fn ? graph.resolve(module, fn) : undefined;
  if (resolved?.kind !== 'external' || resolved.specifier !== 'microrouter' || externalName(resolved) !== 'withNamespace') return undefined;
  const prefix = callArgs(inner)[0];
  return prefix ? evalString(graph, module, prefix) ?? '{dynamic}' : undefined;
}

function handlerFunction(graph: ModuleGraph, module: JsModule, node: Node): { module: JsModule; node: Node } | undefined {
  const current = unwrap(node);
  if (isFunction(current)) return { module, node: current };
  const resolved = graph.resolve(module, current);
  if (resolved.kind === 'node' && isFunction(unwrap(resolved.node))) return { module: resolved.module, node: unwrap(resolved.node) };
  return undefined;
}
