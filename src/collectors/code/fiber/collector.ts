import type { CodeCollector } from '../collector.js';
import { collectGo, goEnabled } from '../go/collect.js';
import { isPackage, registerGoDialect, routeWithTrailingHandler, type Arg, type GoDialect, type Router, type Value } from '../go/engine.js';

const FIBER = 'github.com/gofiber/fiber';
const VERBS: Record<string, string> = {
  Get: 'GET',
  Post: 'POST',
  Put: 'PUT',
  Patch: 'PATCH',
  Delete: 'DELETE',
  Head: 'HEAD',
  Options: 'OPTIONS',
  Connect: 'CONNECT',
  Trace: 'TRACE',
  All: 'ANY',
};

function middlewarePackage(path: string, name: string): boolean {
  return new RegExp(`^github\\.com/gofiber/fiber(/v\\d+)?/middleware/${name}$`).test(path);
}

export const fiberDialect: GoDialect = {
  framework: 'fiber',
  packages: [FIBER],
  create(ext, ctx) {
    if (!isPackage(ext.path, FIBER) || ext.name !== 'New') return undefined;
    return { k: 'router', r: ctx.newRouter(fiberDialect, ext.file) };
  },
  method(router: Router, name: string, args: Arg[], call, ctx) {
    const self: Value = { k: 'router', r: router };
    const route = (methods: string[], rest: Arg[], subtree = false): Value => routeWithTrailingHandler(ctx, router, call, methods, rest, subtree);
    const verb = VERBS[name];
    if (verb) return route([verb], args);
    if (name === 'Add') {
      const method = ctx.str(args[0]?.value);
      return route(method ? [method.toUpperCase()] : [], args.slice(1));
    }
    if (name === 'Static') return route(['GET'], args.slice(0, 1), true);
    if (name === 'Group' || name === 'Route') {
      const prefix = ctx.str(args[0]?.value);
      if (prefix === undefined) return { k: 'unknown' };
      const fn = name === 'Route' ? args[1] : undefined;
      const mws = name === 'Group' ? args.slice(1).map((arg) => ctx.piece(arg)) : [];
      const sub = ctx.newRouter(fiberDialect, router.file, { parent: router, prefix, mws });
      if (fn) ctx.invoke(fn.value, [{ k: 'router', r: sub }]);
      return { k: 'router', r: sub };
    }
    if (name === 'Mount') {
      const prefix = ctx.str(args[0]?.value);
      const target = args[1]?.value;
      if (prefix !== undefined && target?.k === 'router') ctx.link(target.r, router, prefix);
      return self;
    }
    if (name === 'Use') {
      const prefix = ctx.str(args[0]?.value);
      const rest = prefix === undefined ? args : args.slice(1);
      const app = rest[0]?.value;
      if (prefix !== undefined && app?.k === 'router' && rest.length === 1) {
        ctx.link(app.r, router, prefix);
        return self;
      }
      // `app.Use("/admin", mw)` applies only under its prefix: a group of its own keeps it off the other routes.
      if (prefix !== undefined && prefix !== '' && prefix !== '/') return self;
      ctx.use(router, rest.map((arg) => ctx.piece(arg)));
      return self;
    }
    return undefined;
  },
  routerParam: (type, file) => {
    const match = /^\*?(\w+)\.(Router|App|Group)$/.exec(type);
    return match !== null && isPackage(file.imports.get(match[1] ?? '') ?? '', FIBER);
  },
  knownAuth(ext) {
    if ((ext.path.startsWith('github.com/gofiber/contrib/jwt') || ext.path.startsWith('github.com/gofiber/jwt')) && ext.name === 'New') return { mechanism: 'jwt', detail: 'jwtware.New' };
    if ((middlewarePackage(ext.path, 'keyauth') || ext.path.startsWith('github.com/gofiber/keyauth')) && ext.name === 'New') return { mechanism: 'api-key', detail: 'keyauth.New' };
    if (middlewarePackage(ext.path, 'basicauth') && ext.name === 'New') return { mechanism: 'basic', detail: 'basicauth.New' };
    return undefined;
  },
  knownRateLimit(ext) {
    return middlewarePackage(ext.path, 'limiter') && ext.name === 'New' ? 'fiber limiter' : undefined;
  },
};
registerGoDialect(fiberDialect);

export const fiberCollector: CodeCollector = {
  id: 'fiber',
  languages: ['go'],
  enablers: [FIBER],
  isEnabled: (project, sources) => goEnabled(project, sources, fiberDialect),
  collect: (sources) => collectGo(fiberDialect, sources),
};
