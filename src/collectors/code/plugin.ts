import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import type { Endpoint, Location } from '../../model/types.js';
import type { SourceLanguage } from '../../parsing/languages.js';
import type { Applied, Limiter } from '../../analysis/rate-limit/model.js';
import type { CodeCollector } from './collector.js';

/**
 * A framework plugin: everything apisec knows about one framework (or one library family that
 * several frameworks mount), in that framework's folder, behind one small typed contract.
 *
 * - `collector`: the routes, with their registration chain, auth evidence and handler (collector.ts).
 * - `rateLimit`: the limiters the framework or library provides and which routes they cover.
 *
 * Sections that follow the same shape as they move out of src/analysis/ (each optional; a plugin
 * provides what its framework has):
 * - `authz`: ownership filters, role checks and policy calls on a route's handler;
 * - `transport`: CORS, security headers and TLS configuration the framework reads;
 * - `validation`: request-body schemas and validators bound to a route.
 *
 * Plugins are listed in ./plugins.ts. Adding a framework touches its folder, its fixtures and that list.
 */
export interface FrameworkPlugin {
  /** The framework id (`express`, `django`, `spring` …, as the collectors' `via`), or a library family (`js-limiters`). */
  id: string;
  collector?: CodeCollector;
  rateLimit?: RateLimitProvider;
}

/** What a rate-limit provider may use while it reads one inventory; one scope per analysis. */
export interface RateLimitScope {
  ctx: CheckContext;
  /** The parsed source of a file of the workspace. */
  source(file: string): SourceFile | undefined;
  /** The syntax node a location (a route, handler or middleware location) points at. */
  nodeAt(source: SourceFile, location: Location): Node | undefined;
  /** A limiter declared at `node` (the constructor call, decorator or annotation); one object per place. */
  limiter(source: SourceFile, node: Node, fields: Omit<Limiter, 'location' | 'snippet' | 'storeLocation'>): Limiter;
  /** One object per place for a limiter built by hand (a route's own override of a shared limiter). */
  remember(limiter: Limiter): Limiter;
  /** Project-wide facts a provider computes once per analysis (module graph, settings, app-wide limiters). */
  memo<T>(key: object, make: () => T): T;
}

/** What a provider reports for one endpoint. */
export interface CoverageSink {
  /** A limiter applies at a level (route, router, app). */
  add(applied: Applied): void;
  /** Something may limit requests but could not be read: the endpoint's coverage is unknown, never missing. */
  flag(reason: string): void;
  /** The route is explicitly exempted (`@limiter.exempt`, `@SkipThrottle()`): nothing from code applies. */
  exempt(reason: string): void;
}

/** `handled`: the decorator was this provider's, go on with the next one; `stop`: this endpoint's code evidence ends here. */
export type DecoratorVerdict = 'handled' | 'stop' | undefined;

/**
 * A framework's (or a limiter library's) rate-limit evidence. The driver (src/analysis/code-ratelimit.ts)
 * asks every provider that applies to an endpoint, phase by phase in the order of ./plugins.ts:
 * `middleware` (the route's middleware chain, outermost first), `decorator` (each decorator or annotation of
 * the handler, then of its class), `endpoint` (framework facts: module options, class attributes, app-wide
 * defaults) and `handler` (limiters called inside the handler's body). Gateways and proxies in front of the
 * app (nginx, Kong, API Gateway …) are no framework: src/analysis/rate-limit/gateway.ts reads them.
 */
export interface RateLimitProvider {
  /** Routes collected by these frameworks (`via`) … */
  frameworks?: readonly string[];
  /** … or every code route whose handler is written in one of these languages (limiter libraries any framework mounts). */
  languages?: readonly SourceLanguage[];
  middleware?(scope: RateLimitScope, endpoint: Endpoint, sink: CoverageSink): void;
  decorator?(scope: RateLimitScope, endpoint: Endpoint, decorator: Node, source: SourceFile, sink: CoverageSink): DecoratorVerdict;
  endpoint?(scope: RateLimitScope, endpoint: Endpoint, sink: CoverageSink): void;
  handler?(scope: RateLimitScope, endpoint: Endpoint, sink: CoverageSink): void;
}
