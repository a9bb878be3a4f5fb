import type { CodeCollector } from '../collector.js';
import { collectGo, goEnabled } from '../go/collect.js';
import { isPackage, registerGoDialect, routeWithTrailingHandler, type Arg, type GoDialect, type Router, type Value } from '../go/engine.js';

const GIN = 'github.com/gin-gonic/gin';
const VERBS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

function methodsOf(value: Value): string[] {
  if (value.k === 'str') return [value.v.toUpperCase()];
  if (value.k === 'list') return value.items.flatMap((item) => (item.k === 'str' ? [item.v.toUpperCase()] : []));
  return [];
}

export const ginDialect: GoDialect = {
  framework: 'gin',
  packages: [GIN],
  abortRequired: true,
  create(ext, ctx) {
    if (!isPackage(ext.path, GIN) || (ext.name !== 'New' && ext.name !== 'Default')) return undefined;
    return { k: 'router', r: ctx.newRouter(ginDialect, ext.file) };
  },
  method(router: Router, name: string, args: Arg[], call, ctx) {
    const self: Value = { k: 'router', r: router };
    const route = (methods: string[], rest: Arg[], subtree = false): Value => routeWithTrailingHandler(ctx, router, call, methods, rest, subtree);
    if (VERBS.has(name)) return route([name], args);
    if (name === 'Any') return route(['ANY'], args);
    if (name === 'Handle') return route(methodsOf(args[0]?.value ?? { k: 'unknown' }), args.slice(1));
    if (name === 'Match') return route(methodsOf(args[0]?.value ?? { k: 'unknown' }), args.slice(1));
    if (name === 'Static' || name === 'StaticFS') return route(['GET'], args.slice(0, 1), true);
    if (name === 'StaticFile' || name === 'StaticFileFS') return route(['GET'], args.slice(0, 1));
    if (name === 'Group') {
      const prefix = ctx.str(args[0]?.value);
      if (prefix === undefined) return { k: 'unknown' };
      const group = ctx.newRouter(ginDialect, router.file, { parent: router, prefix, mws: args.slice(1).map((arg) => ctx.piece(arg)) });
      return { k: 'router', r: group };
    }
    if (name === 'Use') {
      ctx.use(router, args.map((arg) => ctx.piece(arg)));
      return self;
    }
    return undefined;
  },
  routerParam: (type, file) => {
    const match = /^\*?(\w+)\.(Engine|RouterGroup|IRouter|IRoutes)$/.exec(type);
    return match !== null && isPackage(file.imports.get(match[1] ?? '') ?? '', GIN);
  },
  knownAuth(ext) {
    if (isPackage(ext.path, GIN) && (ext.name === 'BasicAuth' || ext.name === 'BasicAuthForRealm')) return { mechanism: 'basic', detail: `gin.${ext.name}` };
    if (ext.path.startsWith('github.com/appleboy/gin-jwt') && ext.chain.includes('MiddlewareFunc')) return { mechanism: 'jwt', detail: 'gin-jwt MiddlewareFunc()' };
    return undefined;
  },
  knownRateLimit(ext) {
    if (ext.path.startsWith('github.com/JGLTechnologies/gin-rate-limit')) return 'gin-rate-limit';
    if (ext.path.startsWith('github.com/aviddiviner/gin-limit')) return 'gin-limit';
    return undefined;
  },
};
registerGoDialect(ginDialect);

export const ginCollector: CodeCollector = {
  id: 'gin',
  languages: ['go'],
  enablers: [GIN],
  isEnabled: (project, sources) => goEnabled(project, sources, ginDialect),
  collect: (sources) => collectGo(ginDialect, sources),
};
