import type { Node } from 'web-tree-sitter';
import type { CodeCollector } from '../collector.js';
import { callArgs, callee, field, objectProperty, unwrap } from '../js/ast.js';
import { jsEnabled } from '../js/kit.js';
import type { JsModule, ModuleGraph } from '../js/modules.js';
import { collectWith, type RouterDialect } from '../js/router-engine.js';
import { staticAndDocs } from '../express/collector.js';
import { evalString, externalName } from '../js/values.js';
import { lookupTable } from '../../../analysis/lookup.js';

const PACKAGES = ['koa', '@koa/router', 'koa-router'];
/** Packages whose router class extends koa-router and takes the same verbs: `new SwaggerRouter()`. */
const ROUTER_SUBCLASSES: Record<string, string> = lookupTable({ 'koa-swagger-decorator': 'SwaggerRouter' });

export const koaDialect: RouterDialect = {
  framework: 'koa',
  generated: staticAndDocs,
  namedRoutes: true,
  // koa-websocket: `websockify(new Koa())` adds `app.ws`, the middleware stack of the app's WebSocket connections.
  sideStacks: ['ws'],
  creates(graph: ModuleGraph, module: JsModule, node: Node) {
    const current = unwrap(node);
    if (current.type !== 'new_expression' && current.type !== 'call_expression') return undefined;
    const fn = callee(current);
    if (!fn) return undefined;
    const resolved = graph.resolve(module, fn);
    if (resolved.kind !== 'external') return undefined;
    if (resolved.specifier === 'koa') return { app: true, prefix: '' };
    const subclass = ROUTER_SUBCLASSES[resolved.specifier] !== undefined && ROUTER_SUBCLASSES[resolved.specifier] === externalName(resolved);
    if (resolved.specifier !== '@koa/router' && resolved.specifier !== 'koa-router' && !subclass) return undefined;
    const options = callArgs(current)[0];
    const object = options ? unwrap(options) : undefined;
    const prefix = object?.type === 'object' ? objectProperty(object, 'prefix') : undefined;
    return { app: false, prefix: (prefix && evalString(graph, module, prefix)) ?? '' };
  },
  declaredMethods: ['swagger'],
  /** koa-swagger-decorator's `router.swagger({ swaggerHtmlEndpoint, swaggerJsonEndpoint })`: the docs page and its JSON. */
  declared(graph: ModuleGraph, module: JsModule, name: string, args: readonly Node[]) {
    if (name !== 'swagger') return undefined;
    const options = args[0] ? unwrap(args[0]) : undefined;
    const option = (key: string, fallback: string): string | undefined => {
      const value = options?.type === 'object' ? objectProperty(options, key) : undefined;
      return value ? evalString(graph, module, value) : fallback;
    };
    return [
      { methods: ['GET'], path: option('swaggerHtmlEndpoint', '/swagger-html'), handlers: [] },
      { methods: ['GET'], path: option('swaggerJsonEndpoint', '/swagger-json'), handlers: [] },
    ];
  },
  mounted(graph: ModuleGraph, module: JsModule, node: Node) {
    if (node.type !== 'call_expression') return undefined;
    const fn = callee(node);
    const resolved = fn ? graph.resolve(module, fn) : undefined;
    if (resolved?.kind !== 'external' || resolved.specifier !== 'koa-mount') return undefined;
    const args = callArgs(node);
    if (args.length >= 2 && args[0] && args[1]) return { path: args[0], target: args[1] };
    return args[0] ? { path: undefined, target: args[0] } : undefined;
  },
  unwrapMount(node: Node) {
    if (node.type !== 'call_expression') return undefined;
    const fn = callee(node);
    if (fn?.type !== 'member_expression') return undefined;
    const name = field(fn, 'property')?.text;
    return name === 'routes' || name === 'middleware' ? field(fn, 'object') : undefined;
  },
};

export const koaCollector: CodeCollector = {
  id: 'koa',
  languages: ['javascript', 'typescript', 'tsx'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['koa'], PACKAGES),
  collect: (sources) => collectWith(koaDialect, sources),
};
