import type { CodeCollector } from '../collector.js';
import { collectGo, goEnabled } from '../go/collect.js';
import { isPackage, registerGoDialect, type Arg, type GoDialect, type Router, type Value } from '../go/engine.js';

const ECHO = 'github.com/labstack/echo';
const VERBS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE']);

function methodsOf(value: Value | undefined): string[] {
  if (value?.k === 'str') return [value.v.toUpperCase()];
  if (value?.k === 'list') return value.items.flatMap((item) => (item.k === 'str' ? [item.v.toUpperCase()] : []));
  return [];
}

function isMiddlewarePackage(path: string): boolean {
  return /^github\.com\/labstack\/echo(\/v\d+)?\/middleware$/.test(path);
}

export const echoDialect: GoDialect = {
  framework: 'echo',
  packages: [ECHO],
  create(ext, ctx) {
    // `echo.New()`, and Echo v5's `echo.NewWithConfig(echo.Config{…})`.
    if (!isPackage(ext.path, ECHO) || (ext.name !== 'New' && ext.name !== 'NewWithConfig')) return undefined;
    return { k: 'router', r: ctx.newRouter(echoDialect, ext.file) };
  },
  method(router: Router, name: string, args: Arg[], call, ctx) {
    const self: Value = { k: 'router', r: router };
    // Echo's route middleware come after the handler: `e.GET(path, h, m...)`.
    const route = (methods: string[], rest: Arg[], subtree = false): Value => {
      const [pathArg, handlerArg, ...mws] = rest;
      const path = ctx.str(pathArg?.value);
      if (path === undefined || methods.length === 0) return self;
      ctx.register({ router, methods, path, mws: mws.map((arg) => ctx.piece(arg)), handler: handlerArg ? ctx.piece(handlerArg) : undefined, node: call, file: ctx.fileOf(call), subtree });
      return self;
    };
    if (VERBS.has(name)) return route([name], args);
    if (name === 'Any') return route(['ANY'], args);
    if (name === 'Match' || name === 'Add') return route(methodsOf(args[0]?.value), args.slice(1));
    if (name === 'Static') return route(['GET'], args.slice(0, 1), true);
    if (name === 'File') return route(['GET'], args.slice(0, 1));
    if (name === 'Group') {
      const prefix = ctx.str(args[0]?.value);
      if (prefix === undefined) return { k: 'unknown' };
      return { k: 'router', r: ctx.newRouter(echoDialect, router.file, { parent: router, prefix, mws: args.slice(1).map((arg) => ctx.piece(arg)) }) };
    }
    if (name === 'Use' || name === 'Pre') {
      ctx.use(router, args.map((arg) => ctx.piece(arg)));
      return self;
    }
    return undefined;
  },
  concatPaths: true,
  // `e.Use` wraps the whole router, whenever it is called; a group's `Use` reaches the routes added after it.
  liveUse: (router) => router.links.length === 0 && router.detached === undefined,
  routerParam: (type, file) => {
    const match = /^\*?(\w+)\.(Echo|Group)$/.exec(type);
    return match !== null && isPackage(file.imports.get(match[1] ?? '') ?? '', ECHO);
  },
  knownAuth(ext) {
    if (ext.path.startsWith('github.com/labstack/echo-jwt') && (ext.name === 'JWT' || ext.name === 'WithConfig')) return { mechanism: 'jwt', detail: `echojwt.${ext.name}` };
    if (!isMiddlewarePackage(ext.path)) return undefined;
    if (ext.name === 'JWT' || ext.name === 'JWTWithConfig') return { mechanism: 'jwt', detail: `middleware.${ext.name}` };
    if (ext.name === 'KeyAuth' || ext.name === 'KeyAuthWithConfig') return { mechanism: 'api-key', detail: `middleware.${ext.name}` };
    if (ext.name === 'BasicAuth' || ext.name === 'BasicAuthWithConfig') return { mechanism: 'basic', detail: `middleware.${ext.name}` };
    return undefined;
  },
  knownRateLimit(ext) {
    if (isMiddlewarePackage(ext.path) && (ext.name === 'RateLimiter' || ext.name === 'RateLimiterWithConfig')) return `echo middleware.${ext.name}`;
    return undefined;
  },
};
registerGoDialect(echoDialect);

export const echoCollector: CodeCollector = {
  id: 'echo',
  languages: ['go'],
  enablers: [ECHO],
  isEnabled: (project, sources) => goEnabled(project, sources, echoDialect),
  collect: (sources) => collectGo(echoDialect, sources),
};
