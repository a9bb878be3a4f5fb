import type { Node } from 'web-tree-sitter';
import type { CodeCollector } from '../collector.js';
import { collectGo, goEnabled } from '../go/collect.js';
import { isPackage, registerGoDialect, type Arg, type GoDialect, type Interpreter, type Router, type Value } from '../go/engine.js';
import { httpMiddlewareAuth } from '../go/http-middleware.js';

/**
 * go-pkgz/routegroup: route groups with middleware over the standard library's `http.ServeMux`.
 * `routegroup.New(mux)` / `routegroup.Mount(mux, "/api")` make a root bundle; `Group()`, `Mount(p)`,
 * `With(mw…)` and `Route(fn)` derive bundles that copy the middleware stack as it stands; `Use` on the
 * root bundle wraps every route (the root's middleware runs around the whole mux), `Use` on a derived
 * bundle only its own routes (routegroup panics on `Use` after a route of that bundle). Routes take
 * Go 1.22 ServeMux patterns (`"GET /items/{id}"`, `"/files/"` for a subtree) under the bundle's base path.
 */
const ROUTEGROUP = 'github.com/go-pkgz/routegroup';

/** Root bundles: their middleware applies to every route registered through any of their bundles. */
const roots = new WeakSet<Router>();

/**
 * `"GET /items/{id}"` → method and path. A pattern ending in `/` serves its subtree; the bare `/` is
 * a catch-all through `Handle` but the exact root through `HandleFunc` (routegroup rewrites it to `/{$}`).
 */
function pattern(text: string, rootIsExact: boolean): { methods: string[]; path: string; subtree: boolean } {
  const match = /^\s*(?:([A-Z]+)\s+)?(\S*)\s*$/.exec(text);
  let path = match?.[2] ?? text;
  if (!path.startsWith('/')) path = path.includes('/') ? path.slice(path.indexOf('/')) : '/';
  const subtree = path.endsWith('/') && !path.endsWith('{$}') && !(rootIsExact && path === '/');
  return { methods: [match?.[1] ?? 'ANY'], path: subtree && path !== '/' ? path.slice(0, -1) : path, subtree };
}

/**
 * Root bundles over a mux held in a variable: the root's own middleware runs only when a bundle serves
 * the request (`ServeHTTP`), not when the mux itself is served, which apisec does not follow.
 */
const sharedMux = new WeakMap<Router, string>();
/** The router standing for a root bundle's base path (`routegroup.Mount(mux, "/admin")`). */
const basePath = new WeakMap<Router, Router>();

function bundle(ctx: Interpreter, file: Router['file'], parent: Router | undefined, prefix: string, mux?: Arg): Router {
  const router = ctx.newRouter(routegroupDialect, file);
  if (parent) {
    ctx.link(router, parent, prefix);
    return router;
  }
  roots.add(router);
  if (mux && mux.node.type !== 'call_expression') sharedMux.set(router, mux.node.text.slice(0, 40));
  // A mux made for the bundle (`routegroup.New(http.NewServeMux())`) is reached only through it.
  const target = mux && !sharedMux.has(router) ? ctx.routerIn(mux.value) : undefined;
  if (target && target.router !== router) ctx.link(router, target.router, prefix);
  else if (prefix !== '') {
    const base = ctx.newRouter(routegroupDialect, file);
    basePath.set(router, base);
    ctx.link(router, base, prefix);
  }
  return router;
}

function route(ctx: Interpreter, router: Router, call: Node, methods: string[], path: string, subtree: boolean, handler: Arg | undefined): void {
  ctx.register({ router, methods, path, mws: [], handler: handler ? ctx.piece(handler) : undefined, node: call, file: ctx.fileOf(call), subtree });
}

export const routegroupDialect: GoDialect = {
  framework: 'routegroup',
  packages: [ROUTEGROUP],
  create(ext, ctx) {
    if (!isPackage(ext.path, ROUTEGROUP)) return undefined;
    if (ext.name === 'New') return { k: 'router', r: bundle(ctx, ext.file, undefined, '', ext.args[0]) };
    if (ext.name === 'Mount') {
      const prefix = ctx.str(ext.args[1]?.value);
      if (prefix === undefined) return { k: 'unknown' };
      return { k: 'router', r: bundle(ctx, ext.file, undefined, prefix, ext.args[0]) };
    }
    return undefined;
  },
  method(router, name, args, call, ctx): Value | undefined {
    const self: Value = { k: 'router', r: router };
    switch (name) {
      case 'Group':
        return { k: 'router', r: bundle(ctx, router.file, router, '') };
      case 'Mount': {
        const prefix = ctx.str(args[0]?.value);
        if (prefix === undefined) return { k: 'unknown' };
        return { k: 'router', r: bundle(ctx, router.file, router, prefix) };
      }
      case 'With': {
        const child = bundle(ctx, router.file, router, '');
        ctx.use(child, args.map((arg) => ctx.piece(arg)));
        return { k: 'router', r: child };
      }
      case 'Use': {
        const mux = sharedMux.get(router);
        if (mux === undefined) {
          ctx.use(router, args.map((arg) => ctx.piece(arg)));
          return self;
        }
        // Proves nothing either way: the mux may also be served without the bundle's middleware.
        (basePath.get(router) ?? router).detached = `the root bundle's middleware applies only when the bundle serves the request, and \`${mux}\` may be served directly`;
        return self;
      }
      case 'Route': {
        // On the root bundle, Route configures a fresh group; on a derived one, the bundle itself.
        const target = roots.has(router) ? bundle(ctx, router.file, router, '') : router;
        if (args[0]) ctx.invoke(args[0].value, [{ k: 'router', r: target }]);
        return self;
      }
      case 'Handle':
      case 'HandleFunc': {
        const text = ctx.str(args[0]?.value);
        if (text === undefined) return self;
        const { methods, path, subtree } = pattern(text, name === 'HandleFunc');
        route(ctx, router, call, methods, path, subtree, args[1]);
        return self;
      }
      case 'HandleFiles': {
        const text = ctx.str(args[0]?.value);
        if (text === undefined) return self;
        const path = text.endsWith('/') ? text.slice(0, -1) : text;
        // The bundle wraps an `http.FileServer` of the file system it is given.
        route(ctx, router, call, ['GET'], path === '' ? '/' : path, true, args[1]);
        return self;
      }
      case 'HandleRoot':
      case 'HandleRootFunc': {
        const method = ctx.str(args[0]?.value);
        if (method === undefined) return self;
        route(ctx, router, call, [method === '' ? 'ANY' : method.toUpperCase()], '/', false, args[1]);
        return self;
      }
      default:
        return undefined;
    }
  },
  // The root bundle's middleware wraps the whole mux, whenever added; a derived bundle copied its
  // parent's stack when it was made, and its own `Use` must precede its routes.
  liveUse: (router) => roots.has(router),
  knownAuth: httpMiddlewareAuth,
  routerParam: (type, file) => {
    const match = /^\*?(\w+)\.Bundle$/.exec(type);
    return match !== null && isPackage(file.imports.get(match[1] ?? '') ?? '', ROUTEGROUP);
  },
};
registerGoDialect(routegroupDialect);

export const routegroupCollector: CodeCollector = {
  id: 'routegroup',
  languages: ['go'],
  enablers: [ROUTEGROUP],
  isEnabled: (project, sources) => goEnabled(project, sources, routegroupDialect),
  collect: (sources) => collectGo(routegroupDialect, sources),
};
