import type { Node } from 'web-tree-sitter';
import type { CodeCollector } from '../collector.js';
import { callArgs, callee, field, objectProperty, unwrap } from '../js/ast.js';
import { jsEnabled } from '../js/kit.js';
import type { JsModule, ModuleGraph } from '../js/modules.js';
import { collectWith, type RouterDialect } from '../js/router-engine.js';
import { staticAndDocs } from '../express/collector.js';
import { evalString, externalName } from '../js/values.js';

const PACKAGES = ['hono', '@hono/zod-openapi'];

export const honoDialect: RouterDialect = {
  framework: 'hono',
  generated: staticAndDocs,
  mountMethod: 'route',
  onMethod: true,
  everyRootIsApp: true,
  declaredMethods: ['openapi', 'doc', 'doc31'],
  declared(graph: ModuleGraph, module: JsModule, name: string, args: readonly Node[]) {
    const [first, ...rest] = args;
    if (!first) return undefined;
    if ((name === 'doc' || name === 'doc31') && args.length >= 2) return [{ methods: ['GET'], path: evalString(graph, module, first), handlers: [] }];
    if (name !== 'openapi' || rest.length === 0) return undefined;
    // `createRoute({ method: 'get', path: '/monitors/{id}', ... })`, written inline or held in a constant.
    let route = unwrap(first);
    if (route.type === 'identifier' || route.type === 'member_expression') {
      const resolved = graph.resolve(module, route);
      if (resolved.kind !== 'node') return undefined;
      module = resolved.module;
      route = unwrap(resolved.node);
    }
    const options = route.type === 'call_expression' ? callArgs(route)[0] : route;
    const object = options ? unwrap(options) : undefined;
    if (object?.type !== 'object') return undefined;
    const method = objectProperty(object, 'method');
    const path = objectProperty(object, 'path');
    const verb = method ? evalString(graph, module, method) : undefined;
    if (!verb) return undefined;
    const middleware = objectProperty(object, 'middleware');
    return [{ methods: [verb.toUpperCase()], path: path ? evalString(graph, module, path) : undefined, handlers: [...(middleware ? [middleware] : []), ...rest] }];
  },
  creates(graph: ModuleGraph, module: JsModule, node: Node): { app: boolean; prefix: string } | undefined {
    const current = unwrap(node);
    if (current.type === 'new_expression') {
      const fn = callee(current);
      const resolved = fn ? graph.resolve(module, fn) : undefined;
      if (resolved?.kind === 'external' && resolved.specifier.startsWith('hono') && externalName(resolved) === 'Hono') return { app: true, prefix: '' };
      if (resolved?.kind === 'external' && resolved.specifier === '@hono/zod-openapi' && externalName(resolved) === 'OpenAPIHono') return { app: true, prefix: '' };
      return undefined;
    }
    if (current.type !== 'call_expression') return undefined;
    const fn = callee(current);
    if (fn?.type !== 'member_expression' || field(fn, 'property')?.text !== 'basePath') return undefined;
    const object = field(fn, 'object');
    const base = object ? honoDialect.creates(graph, module, object) : undefined;
    const arg = callArgs(current)[0];
    const prefix = arg ? evalString(graph, module, arg) : undefined;
    if (!base || prefix === undefined) return undefined;
    return { app: true, prefix: `${base.prefix}/${prefix}` };
  },
};

export const honoCollector: CodeCollector = {
  id: 'hono',
  languages: ['javascript', 'typescript', 'tsx'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['hono'], PACKAGES),
  collect: (sources) => collectWith(honoDialect, sources),
};
