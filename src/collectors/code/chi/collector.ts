import type { CodeCollector } from '../collector.js';
import { collectGo, goEnabled } from '../go/collect.js';
import { isPackage, registerGoDialect, type Arg, type GoDialect, type Router, type Value } from '../go/engine.js';
import { httpMiddlewareAuth } from '../go/http-middleware.js';

const CHI = 'github.com/go-chi/chi';
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
};

export const chiDialect: GoDialect = {
  framework: 'chi',
  packages: [CHI],
  create(ext, ctx) {
    if (!isPackage(ext.path, CHI) || (ext.name !== 'NewRouter' && ext.name !== 'NewMux')) return undefined;
    return { k: 'router', r: ctx.newRouter(chiDialect, ext.file) };
  },
  method(router: Router, name: string, args: Arg[], call, ctx) {
    const self: Value = { k: 'router', r: router };
    const route = (methods: string[], pathArg: Arg | undefined, handlerArg: Arg | undefined, subtree = false): Value => {
      const path = ctx.str(pathArg?.value);
      if (path === undefined || methods.length === 0) return self;
      const trimmed = path.endsWith('/*') ? path.slice(0, -2) : path;
      ctx.register({ router, methods, path: trimmed, mws: [], handler: handlerArg ? ctx.piece(handlerArg) : undefined, node: call, file: ctx.fileOf(call), subtree: subtree || trimmed !== path });
      return self;
    };
    const verb = VERBS[name];
    if (verb) return route([verb], args[0], args[1]);
    if (name === 'Handle' || name === 'HandleFunc') return route(['ANY'], args[0], args[1]);
    if (name === 'Method' || name === 'MethodFunc') {
      const method = ctx.str(args[0]?.value);
      return route(method ? [method.toUpperCase()] : [], args[1], args[2]);
    }
    if (name === 'Route' || name === 'Group') {
      const prefix = name === 'Route' ? ctx.str(args[0]?.value) : '';
      const fn = name === 'Route' ? args[1] : args[0];
      if (prefix === undefined) return { k: 'unknown' };
      const sub = ctx.newRouter(chiDialect, router.file, { parent: router, prefix, mws: [] });
      if (fn) ctx.invoke(fn.value, [{ k: 'router', r: sub }]);
      return { k: 'router', r: sub };
    }
    if (name === 'With') {
      return { k: 'router', r: ctx.newRouter(chiDialect, router.file, { parent: router, prefix: '', mws: args.map((arg) => ctx.piece(arg)) }) };
    }
    if (name === 'Mount') {
      const prefix = ctx.str(args[0]?.value);
      const target = args[1];
      if (prefix === undefined || !target) return self;
      const mounted = ctx.routerIn(target.value, target.node);
      if (mounted) ctx.link(mounted.router, router, prefix, mounted.wrappers);
      else route(['ANY'], args[0], target, true);
      return self;
    }
    if (name === 'Use') {
      ctx.use(router, args.map((arg) => ctx.piece(arg)));
      return self;
    }
    return undefined;
  },
  // chi refuses `Use` after a route, so its middleware stack applies to every route of the router.
  liveUse: () => true,
  routerParam: (type, file) => {
    const match = /^\*?(\w+)\.(Router|Mux)$/.exec(type);
    return match !== null && isPackage(file.imports.get(match[1] ?? '') ?? '', CHI);
  },
  knownAuth(ext) {
    if (ext.path.startsWith('github.com/go-chi/jwtauth') && ext.name === 'Authenticator') return { mechanism: 'jwt', detail: 'jwtauth.Authenticator' };
    if (/^github\.com\/go-chi\/chi(\/v\d+)?\/middleware$/.test(ext.path) && ext.name === 'BasicAuth') return { mechanism: 'basic', detail: 'middleware.BasicAuth' };
    return httpMiddlewareAuth(ext);
  },
};
registerGoDialect(chiDialect);

export const chiCollector: CodeCollector = {
  id: 'chi',
  languages: ['go'],
  enablers: [CHI],
  isEnabled: (project, sources) => goEnabled(project, sources, chiDialect),
  collect: (sources) => collectGo(chiDialect, sources),
};
