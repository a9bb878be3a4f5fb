import type { Node } from 'web-tree-sitter';
import type { CodeCollector } from '../collector.js';
import { collectGo, goEnabled } from '../go/collect.js';
import { isPackage, registerGoDialect, type Arg, type GoDialect, type Interpreter, type RouteRecord, type Router, type Value } from '../go/engine.js';
import { httpMiddlewareAuth } from '../go/http-middleware.js';

const MUX = 'github.com/gorilla/mux';

/** A route being built: `r.PathPrefix("/api")`, `r.Methods("GET").Path("/x")`, or a registered route whose `.Methods(…)` narrows it. */
class RouteBuilder {
  methods: string[] | undefined;
  path: string | undefined;
  prefix: string | undefined;
  record: RouteRecord | undefined;
  constructor(readonly router: Router) {}
}

function strings(args: readonly Arg[]): string[] {
  return args.flatMap((arg) => (arg.value.k === 'str' ? [arg.value.v] : []));
}

function registerOn(builder: RouteBuilder, handler: Arg | undefined, call: Node, ctx: Interpreter): void {
  const path = builder.path ?? builder.prefix;
  if (path === undefined) return;
  builder.record = ctx.register({
    router: builder.router,
    methods: builder.methods ?? ['ANY'],
    path,
    mws: [],
    handler: handler ? ctx.piece(handler) : undefined,
    node: call,
    file: ctx.fileOf(call),
    subtree: builder.path === undefined,
  });
}

export const gorillaDialect: GoDialect = {
  framework: 'gorilla-mux',
  packages: [MUX],
  create(ext, ctx) {
    if (!isPackage(ext.path, MUX) || ext.name !== 'NewRouter') return undefined;
    return { k: 'router', r: ctx.newRouter(gorillaDialect, ext.file) };
  },
  method(router: Router, name: string, args: Arg[], call, ctx) {
    const builder = new RouteBuilder(router);
    const wrap: Value = { k: 'custom', data: builder };
    if (name === 'HandleFunc' || name === 'Handle') {
      builder.path = ctx.str(args[0]?.value);
      registerOn(builder, args[1], call, ctx);
      return wrap;
    }
    if (name === 'PathPrefix') {
      builder.prefix = ctx.str(args[0]?.value);
      return builder.prefix === undefined ? { k: 'unknown' } : wrap;
    }
    if (name === 'Path') {
      builder.path = ctx.str(args[0]?.value);
      return builder.path === undefined ? { k: 'unknown' } : wrap;
    }
    if (name === 'Methods') {
      builder.methods = strings(args).map((method) => method.toUpperCase());
      return wrap;
    }
    if (name === 'Host' || name === 'Schemes' || name === 'Headers' || name === 'Queries' || name === 'MatcherFunc' || name === 'NewRoute' || name === 'Name') return wrap;
    if (name === 'Use') {
      ctx.use(router, args.map((arg) => ctx.piece(arg)));
      return { k: 'router', r: router };
    }
    return undefined;
  },
  custom(data, name, args, call, ctx) {
    if (!(data instanceof RouteBuilder)) return undefined;
    const self: Value = { k: 'custom', data };
    switch (name) {
      case 'Methods': {
        const methods = strings(args).map((method) => method.toUpperCase());
        if (data.record) data.record.methods = methods;
        else data.methods = methods;
        return self;
      }
      case 'Path':
        data.path = ctx.str(args[0]?.value) !== undefined ? `${data.prefix ?? ''}/${ctx.str(args[0]?.value) ?? ''}` : undefined;
        return self;
      case 'PathPrefix':
        data.prefix = `${data.prefix ?? ''}/${ctx.str(args[0]?.value) ?? ''}`;
        return self;
      case 'Handler':
      case 'HandlerFunc':
        registerOn(data, args[0], call, ctx);
        return self;
      case 'Subrouter': {
        const prefix = data.prefix ?? data.path ?? '';
        return { k: 'router', r: ctx.newRouter(gorillaDialect, data.router.file, { parent: data.router, prefix, mws: [] }) };
      }
      case 'Host':
      case 'Schemes':
      case 'Headers':
      case 'Queries':
      case 'MatcherFunc':
      case 'Name':
        return self;
      default:
        return undefined;
    }
  },
  // mux runs a router's middleware on every match, whenever `Use` was called.
  liveUse: () => true,
  knownAuth: httpMiddlewareAuth,
  routerParam: (type, file) => {
    const match = /^\*?(\w+)\.Router$/.exec(type);
    return match !== null && isPackage(file.imports.get(match[1] ?? '') ?? '', MUX);
  },
};
registerGoDialect(gorillaDialect);

export const gorillaMuxCollector: CodeCollector = {
  id: 'gorilla-mux',
  languages: ['go'],
  enablers: [MUX],
  isEnabled: (project, sources) => goEnabled(project, sources, gorillaDialect),
  collect: (sources) => collectGo(gorillaDialect, sources),
};
