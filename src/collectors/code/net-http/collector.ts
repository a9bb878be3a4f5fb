import type { CodeCollector } from '../collector.js';
import { collectGo, goEnabled } from '../go/collect.js';
import { goImports } from '../go/program.js';
import { registerGoDialect, type Arg, type GoDialect, type Interpreter, type Router, type Value } from '../go/engine.js';
import { httpMiddlewareAuth } from '../go/http-middleware.js';

const HTTP = 'net/http';
const defaults = new WeakMap<Interpreter, Router>();

/** `"GET example.com/items/{id}"` → method and path; a trailing `/` serves the subtree. */
function pattern(text: string): { methods: string[]; path: string; subtree: boolean } {
  const match = /^\s*(?:([A-Z]+)\s+)?(\S*)\s*$/.exec(text);
  const method = match?.[1];
  let path = match?.[2] ?? text;
  if (!path.startsWith('/')) path = path.includes('/') ? path.slice(path.indexOf('/')) : '/';
  const subtree = path.endsWith('/') && !path.endsWith('{$}');
  return { methods: [method ?? 'ANY'], path, subtree };
}

function handle(router: Router, args: Arg[], call: import('web-tree-sitter').Node, ctx: Interpreter): void {
  const text = ctx.str(args[0]?.value);
  const handler = args[1];
  if (text === undefined || !handler) return;
  const { methods, path, subtree } = pattern(text);
  const mounted = ctx.routerIn(handler.value, handler.node);
  // A sub-mux or another router behind `http.StripPrefix`: its routes live under the stripped prefix.
  if (mounted && mounted.router !== router) {
    ctx.link(mounted.router, router, mounted.stripped ?? '', mounted.wrappers);
    return;
  }
  const served = subtree && path !== '/' ? path.slice(0, -1) : path;
  ctx.register({ router, methods, path: served, mws: [], handler: ctx.piece(handler), node: call, file: ctx.fileOf(call), subtree: subtree });
}

export const netHttpDialect: GoDialect = {
  framework: 'net/http',
  packages: [HTTP],
  create(ext, ctx) {
    if (ext.path !== HTTP) return undefined;
    if (ext.name === 'NewServeMux') return { k: 'router', r: ctx.newRouter(netHttpDialect, ext.file) };
    if (ext.name === 'HandleFunc' || ext.name === 'Handle') {
      let mux = defaults.get(ctx);
      if (!mux) {
        mux = ctx.newRouter(netHttpDialect, ext.file);
        defaults.set(ctx, mux);
      }
      handle(mux, ext.args, ext.node, ctx);
      return { k: 'unknown' };
    }
    // `http.ListenAndServe(addr, auth(mux))`: middleware around the whole server.
    if ((ext.name === 'ListenAndServe' || ext.name === 'ListenAndServeTLS') && ext.args[1]) {
      const mounted = ctx.routerIn(ext.args[1].value, ext.args[1].node);
      if (mounted && mounted.wrappers.length > 0) ctx.link(mounted.router, ctx.newRouter(netHttpDialect, ext.file), mounted.stripped ?? '', mounted.wrappers);
      return { k: 'unknown' };
    }
    return undefined;
  },
  method(router: Router, name: string, args: Arg[], call, ctx): Value | undefined {
    if (name === 'HandleFunc' || name === 'Handle') {
      handle(router, args, call, ctx);
      return { k: 'unknown' };
    }
    return undefined;
  },
  liveUse: () => true,
  knownAuth: httpMiddlewareAuth,
  routerParam: (type, file) => {
    const match = /^\*(\w+)\.ServeMux$/.exec(type);
    return match !== null && file.imports.get(match[1] ?? '') === HTTP;
  },
};
registerGoDialect(netHttpDialect);

export const netHttpCollector: CodeCollector = {
  id: 'net/http',
  languages: ['go'],
  enablers: [],
  isEnabled: (project, sources) => goEnabled(project, sources, netHttpDialect) && goImports(sources, [HTTP]),
  collect: (sources) => collectGo(netHttpDialect, sources),
};
