import type { Node } from 'web-tree-sitter';
import type { CodeCollector } from '../collector.js';
import { callee, unwrap } from '../js/ast.js';
import { jsEnabled } from '../js/kit.js';
import type { JsModule, ModuleGraph } from '../js/modules.js';
import { collectWith, type RouterDialect } from '../js/router-engine.js';
import { externalName } from '../js/values.js';

const PACKAGES = ['express'];

export const expressDialect: RouterDialect = {
  framework: 'express',
  creates(graph: ModuleGraph, module: JsModule, node: Node) {
    const current = unwrap(node);
    if (current.type !== 'call_expression') return undefined;
    const fn = callee(current);
    if (!fn) return undefined;
    const resolved = graph.resolve(module, fn);
    if (resolved.kind !== 'external' || resolved.specifier !== 'express') return undefined;
    const name = externalName(resolved);
    if (name === '') return { app: true, prefix: '' };
    if (name === 'Router') return { app: false, prefix: '' };
    return undefined;
  },
  generated: staticAndDocs,
};

/** Packages whose middleware serves files under its mount, and the export that does (`''` for the default export). */
const STATIC: Record<string, string> = {
  express: 'static',
  'serve-static': '',
  'koa-static': '',
  '@hono/node-server/serve-static': 'serveStatic',
  'hono/bun': 'serveStatic',
  'hono/deno': 'serveStatic',
  'hono/cloudflare-workers': 'serveStatic',
};
/** Packages whose middleware serves an API docs page at its mount. */
const DOCS: Record<string, string> = { 'swagger-ui-express': 'setup', 'koa2-swagger-ui': 'koaSwagger', '@hono/swagger-ui': 'swaggerUI' };

/** `express.static(dir)`, `serveStatic(dir)`: files under the mount; `swaggerUi.setup(spec)`: the docs page at the mount. */
export function staticAndDocs(graph: ModuleGraph, module: JsModule, node: Node): { methods: string[]; path: string }[] | undefined {
  if (node.type !== 'call_expression') return undefined;
  const fn = callee(node);
  const resolved = fn ? graph.resolve(module, fn) : undefined;
  if (resolved?.kind !== 'external') return undefined;
  const name = externalName(resolved) ?? '';
  if (STATIC[resolved.specifier] === name) return [{ methods: ['GET'], path: '{path}' }];
  if (DOCS[resolved.specifier] === name) return [{ methods: ['GET'], path: '/' }];
  return undefined;
}

export const expressCollector: CodeCollector = {
  id: 'express',
  languages: ['javascript', 'typescript', 'tsx'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['express'], PACKAGES),
  collect: (sources) => collectWith(expressDialect, sources),
};
