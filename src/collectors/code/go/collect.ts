import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, EvidenceScope, Parameter, RateLimitEvidence } from '../../../model/types.js';
import type { CollectedEndpoint, CollectorResult } from '../collector.js';
import { field, locate } from './ast.js';
import { credentialDoubt, middlewareProof, rateLimitProof, recordedOutcomeProof, wrapperProof, type Proof } from './auth.js';
import { interpretGo, pathOwner, type GoDialect, type Piece, type RouteRecord, type Router } from './engine.js';
import { goImports } from './program.js';

/** `/items/:id`, `/files/*path`, `/{id:[0-9]+}`, `/{rest...}` → `/items/{id}` …; `{$}` (exact match) dropped. */
export function goPath(raw: string): string {
  const segments = raw.split('/').filter((segment) => segment !== '' && segment !== '{$}');
  const out = segments.map((segment) => {
    if (segment.startsWith(':')) return `{${segment.slice(1).replace(/\?$/, '').replace(/\(.*\)$/, '') || 'param'}}`;
    if (segment === '*' || segment === '+') return '{path}';
    if (segment.startsWith('*')) return `{${segment.slice(1)}}`;
    return segment.replace(/\{([^{}:]*)(?::(?:[^{}]|\{[^{}]*\})*)?\}/g, (_m, name: string) => `{${name.replace(/\.\.\.$/, '') || 'param'}}`);
  });
  return `/${out.join('/')}`;
}

export function joinPath(...parts: string[]): string {
  const joined = parts.filter((part) => part !== '').join('/');
  const clean = `/${joined}`.replace(/\/{2,}/g, '/');
  return clean.length > 1 && clean.endsWith('/') ? clean.slice(0, -1) : clean;
}

interface Chain {
  prefix: string;
  mws: { piece: Piece; scope: EvidenceScope }[];
  detached: string | undefined;
}

function chains(router: Router, cut: number | undefined, depth: number, seen: ReadonlySet<Router>): Chain[] {
  const own = router.mws.slice(0, cut ?? router.mws.length);
  const scope: EvidenceScope = router.links.length === 0 && !router.detached ? 'app' : 'router';
  const mine = own.map((piece) => ({ piece, scope }));
  if (router.links.length === 0 || depth > 8 || seen.has(router)) return [{ prefix: '', mws: mine, detached: router.detached }];
  const next = new Set(seen).add(router);
  const out: Chain[] = [];
  for (const link of router.links) {
    for (const parent of chains(link.parent, link.cut, depth + 1, next)) {
      out.push({
        prefix: joinPath(parent.prefix, link.prefix),
        mws: [...parent.mws, ...link.mws.map((piece) => ({ piece, scope: 'router' as const })), ...mine],
        detached: parent.detached,
      });
      if (out.length >= 16) return out;
    }
  }
  return out;
}

function evidence(route: RouteRecord, chain: Chain, dialect: GoDialect): AuthEvidence {
  const pieces = [...chain.mws, ...route.mws.map((piece) => ({ piece, scope: 'route' as const }))];
  let proof: { proof: Proof; scope: EvidenceScope } | undefined;
  const conditional: string[] = [];
  const applied: Piece[] = [];
  for (const { piece, scope } of pieces) {
    // Middleware added under a condition the route does not share (`if cfg.Security != nil { r.Use(auth) }`) proves nothing.
    if (!piece.conds.every((id) => route.conds.includes(id))) {
      if (middlewareProof(piece, dialect)) conditional.push(piece.node.text.split('\n')[0]?.slice(0, 40) ?? '');
      continue;
    }
    applied.push(piece);
    const found = middlewareProof(piece, dialect) ?? recordedOutcomeProof(applied, applied.length - 1);
    if (found) {
      proof = { proof: found, scope };
      break;
    }
  }
  if (!proof && route.handler) {
    const found = wrapperProof(route.handler, dialect);
    if (found) proof = { proof: found, scope: 'route' };
  }
  if (proof) {
    return {
      state: 'protected',
      mechanisms: [proof.proof.mechanism],
      where: locate(proof.proof.file.source.file, proof.proof.node),
      scope: proof.scope,
      detail: `${proof.proof.detail} rejects requests without valid credentials`,
    };
  }
  // Nothing in the chain or the handler has to do with credentials: the route is open to anyone.
  if (conditional.length === 0 && !chain.detached) {
    const doubts = [...applied.map((piece) => credentialDoubt(piece, 'middleware')), route.handler ? credentialDoubt(route.handler, 'handler') : 'the handler could not be resolved'];
    const doubt = doubts.find((item) => item !== undefined);
    if (doubt === undefined) {
      return { state: 'unprotected', mechanisms: ['none'], detail: 'no authentication applies to this route: no middleware and not its handler reads a credential' };
    }
    if (applied.length === 0) return { state: 'unknown', mechanisms: ['unknown'], detail: `no middleware applies; ${doubt}` };
    return { state: 'unknown', mechanisms: ['unknown'], detail: `no middleware provably rejects a request without credentials; ${doubt}` };
  }
  const names = pieces.slice(-3).map(({ piece }) => (piece.node.type === 'func_literal' ? 'an inline function' : piece.node.text.split('\n')[0]?.slice(0, 40) ?? ''));
  const reason = conditional.length > 0
    ? `its authentication middleware (${conditional.join(', ')}) is added only under a condition (configuration)`
    : chain.detached
    ? chain.detached
    : names.length > 0
      ? `none of its middleware (${names.join(', ')}) provably rejects a request without credentials`
      : 'no middleware applies; the handler may check credentials itself';
  return { state: 'unknown', mechanisms: ['unknown'], detail: reason };
}

function rateLimit(route: RouteRecord, chain: Chain, dialect: GoDialect): RateLimitEvidence | undefined {
  for (const { piece, scope } of [...chain.mws, ...route.mws.map((piece) => ({ piece, scope: 'route' as const }))]) {
    const found = rateLimitProof(piece, dialect, false);
    if (found) return { state: 'present', where: locate(found.file.source.file, found.node), scope: `${found.library}, ${scope}` };
  }
  const wrapped = route.handler ? rateLimitProof(route.handler, dialect, true) : undefined;
  if (wrapped) return { state: 'present', where: locate(wrapped.file.source.file, wrapped.node), scope: `${wrapped.library}, route` };
  return undefined;
}

function parameters(path: string): Parameter[] {
  return [...path.matchAll(/\{([^{}]+)\}/g)].map((match) => ({ name: match[1] ?? 'param', in: 'path', required: true }));
}

/** The endpoints of one Go framework, from the workspace's shared interpretation. */
export function collectGo(dialect: GoDialect, sources: readonly SourceFile[]): CollectorResult {
  const interpreter = interpretGo(sources);
  const endpoints: CollectedEndpoint[] = [];
  const seen = new Set<string>();
  const mine = interpreter.routes.filter((route) => route.router.dialect === dialect).map((route) => ({ route, chains: chains(route.router, route.cut, 0, new Set()) }));
  // A helper given the router (`addFileServer(router, …)`) may first run on its own, on a detached
  // router: where the same registration is also reached through its caller, that reading wins.
  const attached = new Set<string>();
  for (const { route, chains: list } of mine) if (list.some((chain) => !chain.detached)) attached.add(`${route.file.source.file}:${route.node.startIndex}`);
  for (const { route, chains: list } of mine) {
    const reached = attached.has(`${route.file.source.file}:${route.node.startIndex}`);
    for (const chain of list) {
      if (chain.detached && reached) continue;
      const joined = dialect.concatPaths === true && route.path !== '' && !route.path.startsWith('/') ? joinPath(chain.prefix + route.path) : joinPath(chain.prefix, route.path);
      // `PathPrefix("/preview/{size}/{path:.*}")` already names the rest of the path.
      const full = goPath(joined + (route.subtree && !/\}$/.test(joined) ? '/{path}' : ''));
      const auth = evidence(route, chain, dialect);
      const limit = rateLimit(route, chain, dialect);
      const location = locate(route.file.source.file, route.node);
      const handler = route.handler?.value.k === 'func' ? route.handler.value : undefined;
      for (const method of route.methods) {
        const key = `${method} ${full} ${location.file}:${location.line}`;
        if (seen.has(key)) continue;
        seen.add(key);
        endpoints.push({
          framework: dialect.framework,
          method,
          path: full,
          protocol: 'rest',
          sources: [{ kind: 'code', location, via: dialect.framework }],
          parameters: parameters(full),
          auth,
          deprecated: false,
          ...(limit ? { rateLimit: limit } : {}),
          ...(handler ? { handler: locate(handler.file.source.file, field(handler.node, 'name') ?? handler.node) } : {}),
          middleware: [...chain.mws.map(({ piece }) => locate(piece.file.source.file, piece.node)), ...route.mws.map((piece) => locate(piece.file.source.file, piece.node))],
          appFile: rootOf(route.router).file.source.file,
        });
      }
    }
  }
  return { endpoints, diagnostics: [] };
}

function rootOf(router: Router): Router {
  let current = router;
  for (let depth = 0; depth < 8; depth += 1) {
    const parent = current.links[0]?.parent;
    if (!parent) break;
    current = parent;
  }
  return current;
}

/** On when go.mod requires the framework or a Go source imports it. */
export function goEnabled(project: ProjectInfo, sources: readonly SourceFile[], dialect: GoDialect): boolean {
  if ((project.dependencies.go ?? []).some((name) => pathOwner(name, dialect.packages))) return true;
  return goImports(sources, dialect.packages);
}
