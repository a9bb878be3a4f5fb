import type { Node } from 'web-tree-sitter';
import type { HttpMethod } from '../../../model/types.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { field, isFunction, locate, named, objectProperty, unwrap } from '../js/ast.js';
import { AuthAnalyser, evidence, samplePath, UNCHECKED, type AppliedFact, type AuthFact } from '../js/auth.js';
import { jsEnabled } from '../js/kit.js';
import { ModuleGraph, type JsModule } from '../js/modules.js';
import { extractParameters } from '../js/params.js';
import { evalStrings, isExternal } from '../js/values.js';

const PACKAGES = ['next'];
const METHODS = ['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS'];
const PAGES = /^(.*?\/)?(?:src\/)?pages\/(api(?:\/.*)?)\.(?:js|jsx|ts|tsx)$/;
const APP = /^(.*?\/)?(?:src\/)?app\/((?:.*\/)?)route\.(?:js|jsx|ts|tsx)$/;
const MIDDLEWARE = /^(.*?\/)?(?:src\/)?middleware\.(?:js|ts)$/;

/** `users/[id]/[...slug]` → `/users/{id}/{slug}`; route groups `(x)` vanish. */
function routePath(relative: string): string {
  const segments = relative
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'index' && !/^\(.*\)$/.test(segment) && !segment.startsWith('@'))
    .map((segment) => segment.replace(/^\[\[?\.\.\.(.+?)\]?\]$/, '{$1}').replace(/^\[(.+)\]$/, '{$1}'));
  return `/${segments.join('/')}`;
}

/** A Next.js matcher (`/api/:path*`, `/admin/:id`, or a regex-style source) as a predicate. */
function matcher(pattern: string): ((path: string) => boolean) | undefined {
  const source = pattern
    .replace(/\/:(\w+)\*/g, '(?:/.*)?')
    .replace(/\/:(\w+)\+/g, '/.+')
    .replace(/:(\w+)\?/g, '[^/]*')
    .replace(/:(\w+)/g, '[^/]+');
  try {
    const regex = new RegExp(`^${source}$`);
    return (path) => regex.test(samplePath(path));
  } catch {
    return undefined;
  }
}

class NextCollector {
  private readonly auth: AuthAnalyser;

  constructor(private readonly graph: ModuleGraph) {
    this.auth = new AuthAnalyser(graph);
  }

  run(): CollectedEndpoint[] {
    const out: CollectedEndpoint[] = [];
    const middlewares = new Map<string, AppliedFact & { applies: (path: string) => boolean | undefined }>();
    for (const module of this.graph.modules.values()) {
      const match = MIDDLEWARE.exec(module.file);
      if (match) {
        const found = this.middleware(module);
        if (found) middlewares.set(match[1] ?? '', found);
      }
    }
    for (const module of this.graph.modules.values()) {
      const pages = PAGES.exec(module.file);
      const app = pages ? undefined : APP.exec(module.file);
      if (!pages && !app) continue;
      const root = (pages ?? app)?.[1] ?? '';
      const path = routePath((pages ? pages[2] : app?.[2]) ?? '');
      const middleware = middlewares.get(root);
      const handlers: { method: string; site: Node; fn?: { module: JsModule; node: Node }; wrapper?: AuthFact; branchAt?: number }[] = pages
        ? this.pagesHandlers(module)
        : this.appHandlers(module);
      for (const handler of handlers) {
        const facts: AppliedFact[] = [];
        let undecidable = false;
        if (middleware) {
          const applies = middleware.applies(path);
          if (applies === undefined) undecidable = true;
          else if (applies) facts.push(middleware);
        }
        if (handler.wrapper) facts.push({ ...handler.wrapper, where: locate(module.file, handler.site), scope: 'route' });
        if (handler.fn) {
          let strict = this.auth.fromBody(handler.fn.module, handler.fn.node, 'check in the handler', true);
          if (handler.branchAt !== undefined) {
            // One method of a handler that branches on `req.method`: the paths that method takes decide, not the
            // text of the whole handler (another method's 401 does not guard this one).
            const gated = this.auth.handlerGate(handler.fn.module, handler.fn.node, handler.method);
            if (gated.verdict === 'auth') strict = gated;
            else if (strict.verdict === 'auth' && gated.detail === UNCHECKED) strict = gated;
            else if (strict.verdict === 'auth') strict = { verdict: 'maybe', mechanisms: ['unknown'], detail: `the ${handler.method} branch does not provably pass the handler's check` };
          }
          // `const { error } = await parseRequest(request); if (error) return error();` — the helper authenticates.
          const fact = strict.verdict === 'auth' ? strict : this.auth.handlerGate(handler.fn.module, handler.fn.node);
          // A `req.method` branch that comes before the session check may answer without it.
          const text = handler.fn.node.text;
          const checkAt = text.search(/getServerSession|getSession|getToken|\bauth\s*\(|currentUser\s*\(/);
          const early = handler.branchAt !== undefined && checkAt >= 0 && handler.branchAt < checkAt;
          if (fact.verdict === 'auth' && early) facts.push({ ...fact, verdict: 'maybe', mechanisms: ['unknown'], detail: `the ${handler.method} branch may return before the session check`, where: locate(handler.fn.module.file, handler.fn.node), scope: 'route' });
          else if (fact.verdict === 'auth') facts.push({ ...fact, where: locate(handler.fn.module.file, handler.fn.node), scope: 'route' });
          // The handler's check runs only under a configuration setting.
          else if (strict.verdict === 'maybe') facts.push({ ...strict, where: locate(handler.fn.module.file, handler.fn.node), scope: 'route' });
        }
        if (undecidable && middleware) facts.push({ ...middleware, verdict: 'maybe', mechanisms: ['unknown'], detail: `${middleware.detail} (matcher not understood)` });
        const endpoint: CollectedEndpoint = {
          method: handler.method as HttpMethod,
          path,
          protocol: 'rest',
          sources: [{ kind: 'code', via: 'nextjs', location: locate(module.file, handler.site) }],
          parameters: extractParameters(path, handler.fn?.node.text),
          auth: evidence(facts),
          deprecated: false,
          framework: 'nextjs',
        };
        if (handler.fn) endpoint.handler = locate(handler.fn.module.file, handler.fn.node);
        out.push(endpoint);
      }
    }
    return out;
  }

  private middleware(module: JsModule): (AppliedFact & { applies: (path: string) => boolean | undefined }) | undefined {
    const exported = module.exports.has('middleware') ? 'middleware' : module.exports.has('default') ? 'default' : undefined;
    if (!exported) return undefined;
    const resolved = this.graph.exported(module, exported);
    let fact: AuthFact;
    if (isExternal(resolved, ['next-auth', '@auth/nextjs'], /withAuth|^auth$/)) fact = { verdict: 'auth', mechanisms: ['session'], detail: 'next-auth middleware' };
    else if (resolved.kind === 'node') {
      const node = unwrap(resolved.node);
      const call = node.type === 'call_expression' ? node : undefined;
      const fn = call ? field(call, 'function') : undefined;
      const wrapped = fn ? this.graph.resolve(resolved.module, fn) : undefined;
      if (wrapped && isExternal(wrapped, ['next-auth', '@auth/nextjs'], /withAuth|^auth$/)) fact = { verdict: 'auth', mechanisms: ['session'], detail: 'next-auth middleware' };
      else if (isFunction(node)) fact = this.auth.fromBody(resolved.module, node, 'middleware', false);
      else fact = this.auth.classify(resolved.module, node);
    } else return undefined;
    if (fact.verdict === 'none') return undefined;
    let patterns: string[] | undefined;
    const config = this.graph.exported(module, 'config');
    if (config.kind === 'node' && config.node.type === 'object') {
      const value = objectProperty(config.node, 'matcher');
      patterns = value ? evalStrings(this.graph, config.module, value) : undefined;
      if (value && !patterns) return { ...fact, where: locate(module.file, module.source.tree.rootNode), scope: 'gateway', applies: () => undefined };
    }
    const predicates = patterns?.map(matcher);
    const applies = (path: string): boolean | undefined => {
      if (!predicates) return true;
      if (predicates.some((p) => p === undefined)) return undefined;
      return predicates.some((p) => p?.(path));
    };
    const exportNode = named(module.source.tree.rootNode).find((s) => s.type === 'export_statement' && /middleware|default/.test(s.text.slice(0, 60)));
    return { ...fact, where: locate(module.file, exportNode ?? module.source.tree.rootNode), scope: 'gateway', applies };
  }

  private pagesHandlers(module: JsModule): { method: string; site: Node; fn?: { module: JsModule; node: Node }; wrapper?: AuthFact; branchAt?: number }[] {
    const statement = named(module.source.tree.rootNode).find((s) => s.type === 'export_statement' && s.children.some((c) => c?.type === 'default'));
    if (!statement) return [];
    const resolved = this.graph.exported(module, 'default');
    let fn: { module: JsModule; node: Node } | undefined;
    let wrapper: AuthFact | undefined;
    if (resolved.kind === 'node' && isFunction(resolved.node)) fn = { module: resolved.module, node: resolved.node };
    else if (resolved.kind === 'node' && resolved.node.type === 'call_expression') {
      // export default withAuth(handler): the wrapper decides, the wrapped function holds the methods.
      wrapper = this.auth.classify(resolved.module, resolved.node);
      const args = field(resolved.node, 'arguments');
      const inner = args ? named(args)[0] : undefined;
      const target = inner ? this.graph.resolve(resolved.module, inner) : undefined;
      if (target?.kind === 'node' && isFunction(target.node)) fn = { module: target.module, node: target.node };
    }
    const text = fn?.node.text ?? '';
    const methods = new Map<string, number>();
    for (const match of text.matchAll(/method\s*(?:===?|!==?)\s*['"`]([A-Z]+)['"`]|case\s+['"`]([A-Z]+)['"`]\s*:|['"`]([A-Z]+)['"`]\s*(?:===?|!==?)\s*(?:req|request)\.method/g)) {
      const method = match[1] ?? match[2] ?? match[3];
      if (method && METHODS.includes(method) && !methods.has(method)) methods.set(method, match.index);
    }
    const list: [string, number | undefined][] = methods.size > 0 ? [...methods] : [['ANY', undefined]];
    return list.map(([method, branchAt]) => ({
      method,
      site: statement,
      ...(fn ? { fn } : {}),
      ...(wrapper && wrapper.verdict !== 'none' ? { wrapper } : {}),
      ...(branchAt === undefined ? {} : { branchAt }),
    }));
  }

  private appHandlers(module: JsModule): { method: string; site: Node; fn?: { module: JsModule; node: Node } }[] {
    const out: { method: string; site: Node; fn?: { module: JsModule; node: Node } }[] = [];
    for (const statement of named(module.source.tree.rootNode)) {
      if (statement.type !== 'export_statement') continue;
      const declaration = field(statement, 'declaration');
      const names: string[] = [];
      if (declaration?.type === 'function_declaration') {
        names.push(field(declaration, 'name')?.text ?? '');
      } else if (declaration) {
        for (const d of named(declaration)) if (d.type === 'variable_declarator') names.push(field(d, 'name')?.text ?? '');
      } else {
        for (const spec of named(statement).flatMap((c) => (c.type === 'export_clause' ? named(c) : []))) names.push(field(spec, 'alias')?.text ?? field(spec, 'name')?.text ?? '');
      }
      for (const name of names) {
        if (!METHODS.includes(name)) continue;
        const resolved = this.graph.exported(module, name);
        const fn = resolved.kind === 'node' && isFunction(resolved.node) ? { module: resolved.module, node: resolved.node } : undefined;
        out.push({ method: name, site: statement, ...(fn ? { fn } : {}) });
      }
    }
    return out;
  }
}

export const nextCollector: CodeCollector = {
  id: 'nextjs',
  languages: ['javascript', 'typescript', 'tsx'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['nextjs'], PACKAGES),
  collect: (sources) => ({ endpoints: new NextCollector(ModuleGraph.of(sources)).run(), diagnostics: [] }),
};
