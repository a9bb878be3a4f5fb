import { lineText } from '../../analysis/code.js';
import { rateLimitAnalysis } from '../../analysis/code-ratelimit.js';
import { loopbackOnly } from '../../analysis/code-transport.js';
import type { CheckContext } from '../../engine/context.js';
import type { Api, Endpoint, Location } from '../../model/types.js';
import defineCheck from '../define-check.js';
import { isSideServer } from './side-server.js';
import { appCodeProviders, rateLimitProviders } from '../../collectors/code/plugins.js';

let appCreation: RegExp | undefined;

/** A line that creates a framework's application (the frameworks' `appCode.creation`: `express(`, `FastAPI(`, `NestFactory.create` …). */
function createsApp(line: string): boolean {
  appCreation ??= new RegExp(appCodeProviders().flatMap((provider) => provider.creation ?? []).join('|'));
  return appCreation.test(line);
}

let hostStart: RegExp | undefined;

/** Where a host is built, for an application whose host file declares no route (the frameworks' `appCode.hostStart`: ASP.NET Core's `WebApplication.Create*`, Ktor's `embeddedServer`). */
function startsHost(line: string): boolean {
  if (!hostStart) {
    const sources = appCodeProviders().flatMap((provider) => provider.hostStart ?? []);
    hostStart = sources.length > 0 ? new RegExp(sources.join('|')) : /(?!)/;
  }
  return hostStart.test(line);
}

function apiOf(ctx: CheckContext, framework: string): Api | undefined {
  return ctx.inventory.apis.find((candidate) => candidate.kind === 'code' && candidate.id.startsWith(framework));
}

/**
 * The code API a route the inventory merged into a spec's API is served by: the framework's named application
 * (`aspnetcore app (src/Catalog.API/Program.cs)`) whose folder holds the route's code, the deepest; else the framework's first.
 */
function mergedApiOf(ctx: CheckContext, framework: string, endpoint: Endpoint): Api | undefined {
  const file = endpoint.sources.find((source) => source.kind === 'code')?.location.file;
  let best: Api | undefined;
  let depth = -1;
  for (const api of ctx.inventory.apis) {
    if (file === undefined || api.kind !== 'code' || !api.id.startsWith(framework) || api.name !== `${framework} app (${api.location.file})`) continue;
    const folder = api.location.file.slice(0, api.location.file.lastIndexOf('/') + 1);
    if (file.startsWith(folder) && folder.length > depth) {
      best = api;
      depth = folder.length;
    }
  }
  return best ?? apiOf(ctx, framework);
}

/** The code API an endpoint belongs to: its application when the inventory names one (`express app (api/app.js)`). */
function codeApi(ctx: CheckContext, endpoint: Endpoint): Api | undefined {
  return ctx.inventory.apis.find((candidate) => candidate.kind === 'code' && candidate.id === endpoint.apiId);
}

/** The APIs that serve `endpoints` when there are several (applications of one framework in one repository), by name. */
function servedBy(ctx: CheckContext, endpoints: readonly Endpoint[]): string | undefined {
  const ids = new Set(endpoints.map((endpoint) => endpoint.apiId));
  if (ids.size < 2) return undefined;
  const apis = ctx.inventory.apis.filter((api) => ids.has(api.id));
  // Stray routes joined to their framework's app (attachStray) are named by the app.
  const names = apis.filter((api) => unattachedFramework(api) === undefined || !apis.some((other) => namedApp(other)?.framework === unattachedFramework(api))).map((api) => api.name);
  return names.length > 1 ? `${names.slice(0, -1).join(', ')} and ${names[names.length - 1] ?? ''}` : undefined;
}

interface AppRoutes {
  framework: string;
  /** The API the inventory made of the application's routes (one per app when a framework has several). */
  api: Api | undefined;
  endpoints: Endpoint[];
}

/** `flask app (src/app.py)`: the framework and app file of an API the collectors tied to an application; undefined for a framework's unattached routes (`flask routes`). */
function namedApp(api: Api | undefined): { framework: string; file: string } | undefined {
  const [, framework, file] = (api ? /^(.+) app \((.+)\)$/.exec(api.name) : null) ?? [];
  return framework !== undefined && file !== undefined && file === api?.location.file ? { framework, file } : undefined;
}

/** The framework of an API of routes no collector tied to an application (`flask routes`). */
function unattachedFramework(api: Api | undefined): string | undefined {
  return api ? /^(.+) routes$/.exec(api.name)?.[1] : undefined;
}

const directoryOf = (file: string): string => (file.includes('/') ? file.slice(0, file.lastIndexOf('/') + 1) : '');

/**
 * Routes a collector could not tie to an application (blueprints registered through a loop over modules, a
 * registration function it could not follow) are served by the framework's application when there is exactly one and
 * every such route is declared in its folder (bemserver-api: `api.init_app(app)` in `create_app()`, the blueprints
 * registered on the Api by `module.register_blueprints(api)` over a list): one process, not a second API.
 */
function attachStray(apps: readonly AppRoutes[]): AppRoutes[] {
  const out = [...apps];
  for (const stray of apps) {
    const framework = unattachedFramework(stray.api);
    if (framework === undefined) continue;
    const named = out.filter((app) => namedApp(app.api)?.framework === framework);
    const [host] = named;
    const folder = directoryOf(namedApp(host?.api)?.file ?? '');
    if (named.length !== 1 || !host) continue;
    const files = stray.endpoints.flatMap((endpoint) => endpoint.sources.filter((source) => source.kind === 'code').map((source) => source.location.file));
    if (files.length === 0 || !files.every((file) => file.startsWith(folder))) continue;
    out.splice(out.indexOf(stray), 1);
    out[out.indexOf(host)] = { ...host, endpoints: [...host.endpoints, ...stray.endpoints] };
  }
  return out;
}

/** A GraphQL schema's fields (`Query.user`), served through a transport route (`POST /graphql`) rather than a path of their own. */
const isField = (endpoint: Endpoint): boolean => endpoint.protocol === 'graphql' && !endpoint.path.startsWith('/');

/**
 * One process, one root cause. An application is the deployable that lacks the limiter: the inventory's
 * API of a framework's routes, one per app when the framework names its apps (several services of one
 * repository), whether the services were analysed together or apart. The frameworks the inventory names
 * are not always separate servers: connexion wraps the Flask app created in the same file, and GraphQL
 * fields are served through the transport route of the HTTP app beside them. Apps created in the same
 * file are one group; GraphQL-only apps join the HTTP app when there is exactly one, and a schema's fields
 * join the GraphQL transport when it is the only server (Apollo's `server.applyMiddleware({ app })` on an
 * Express app with no REST route of its own).
 */
function appGroups(ctx: CheckContext, apps: readonly AppRoutes[]): { frameworks: string[]; apis: Api[]; endpoints: Endpoint[] }[] {
  const groups: { frameworks: string[]; apis: Api[]; endpoints: Endpoint[]; file: string | undefined; graphql: boolean }[] = [];
  const ordered = attachStray(apps).sort((a, b) => a.framework.localeCompare(b.framework) || (a.api?.id ?? '').localeCompare(b.api?.id ?? ''));
  for (const { framework, api, endpoints } of ordered) {
    const file = (api ?? apiOf(ctx, framework))?.location.file;
    const graphql = endpoints.every((endpoint) => endpoint.protocol === 'graphql');
    const same = file === undefined ? undefined : groups.find((group) => group.file === file);
    if (same) {
      if (!same.frameworks.includes(framework)) same.frameworks.push(framework);
      if (api && !same.apis.includes(api)) same.apis.push(api);
      same.endpoints.push(...endpoints);
      same.graphql &&= graphql;
    } else groups.push({ frameworks: [framework], apis: api ? [api] : [], endpoints: [...endpoints], file, graphql });
  }
  const http = groups.filter((group) => !group.graphql);
  const servers = http.length > 0 ? http : groups.filter((group) => !group.endpoints.every(isField));
  const [server] = servers;
  if (servers.length !== 1 || !server) return groups;
  for (const group of groups) {
    if (group === server || (http.length > 0 ? !group.graphql : !group.endpoints.every(isField))) continue;
    server.frameworks.push(...group.frameworks);
    server.endpoints.push(...group.endpoints);
  }
  return http.length > 0 ? http : [server];
}

export default defineCheck({
  id: 'rate-limiting-absent',
  title: 'No rate limiting in front of the API',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'high',
  confidence: 'medium',
  section: 'rate-limiting',
  targets: ['code'],
  rationale:
    'Without any rate limit, one client can send as many requests as the server accepts: credential stuffing, scraping, and denial of service through expensive operations cost the attacker nothing.',
  remediation:
    'Add an app-wide limiter backed by a shared store, then stricter limits on sensitive routes: `app.use(rateLimit({ windowMs: 60_000, limit: 100, store: new RedisStore({ sendCommand }) }))` (express-rate-limit), `Limiter(key_func=get_remote_address, default_limits=["100/minute"], storage_uri="redis://…")` with `app.add_middleware(SlowAPIMiddleware)` (slowapi), `ThrottlerModule.forRoot([{ ttl: 60000, limit: 100 }])` with `ThrottlerGuard` as `APP_GUARD` (NestJS), `DEFAULT_THROTTLE_CLASSES`/`DEFAULT_THROTTLE_RATES` (DRF), or `limit_req` at the proxy.',
  messages: {
    absent: 'No rate limiting applies to any of the {{count}} endpoints served by {{api}}: no limiter middleware, decorator, throttling setting or gateway limit was found.',
  },
  run(ctx, report) {
    const analysis = rateLimitAnalysis(ctx);
    const byApp = new Map<string, AppRoutes>();
    for (const endpoint of ctx.inventory.endpoints) {
      const via = endpoint.sources.find((source) => source.kind === 'code')?.via;
      if (via === undefined) continue;
      // A route the inventory merged into a spec's API counts with its framework's app whose folder holds its code.
      const api = codeApi(ctx, endpoint) ?? mergedApiOf(ctx, via, endpoint);
      const key = `${via}\u0000${api?.id ?? ''}`;
      const app = byApp.get(key);
      // Appended in place: copying the list per endpoint was quadratic in a framework's routes.
      if (app) app.endpoints.push(endpoint);
      else byApp.set(key, { framework: via, api, endpoints: [endpoint] });
    }
    // A Python limiter applied by decorator anywhere (`@limiter.limit(settings.LOGIN_RATE)`) means the app
    // limits routes, even ones the inventory could not place: "no rate limiting at all" would be false.
    const pythonDecorated = rateLimitProviders().some(
      ({ decoratorLimits }) =>
        decoratorLimits !== undefined &&
        analysis.limiters.some((limiter) => decoratorLimits.libraries.includes(limiter.library)) &&
        ctx.sources.some((source) => source.language === 'python' && decoratorLimits.decorator.test(source.text)),
    );
    const groups = appGroups(ctx, [...byApp.values()]);
    for (const { frameworks, apis: served, endpoints } of groups) {
      if (pythonDecorated && endpoints.some((endpoint) => endpoint.sources.some((source) => source.kind === 'code' && source.location.file.endsWith('.py')))) continue;
      if (!endpoints.every((endpoint) => { const coverage = analysis.coverage.get(endpoint.id); return coverage?.state === 'missing' && coverage.applied.length === 0 && coverage.reason === 'no limiter applies'; })) continue;
      const framework = frameworks[0] ?? '';
      const api = served[0];
      const file = api?.location.file ?? endpoints[0]?.sources.find((source) => source.kind === 'code')?.location.file ?? '';
      const source = ctx.sources.find((candidate) => candidate.file === file);
      if (loopbackOnly(source)) continue;
      // An HTTP-to-HTTPS redirect, an ACME responder or a notice page beside the real server: no work to abuse.
      if (isSideServer(ctx, endpoints)) continue;
      let location: Location = { file, line: 1 };
      if (source) {
        const index = source.text.split('\n').findIndex((line) => createsApp(line));
        // No app creation in the file (a Spring controller, a Go router built in main): its first route.
        const lines = endpoints.flatMap((endpoint) => endpoint.sources.filter((item) => item.kind === 'code' && item.location.file === file).map((item) => item.location.line));
        if (index >= 0) location = { file, line: index + 1 };
        else if (lines.length > 0) location = { file, line: Math.min(...lines) };
        else {
          const host = source.text.split('\n').findIndex((line) => startsHost(line));
          if (host >= 0) location = { file, line: host + 1 };
        }
      }
      report({
        messageId: 'absent',
        data: { count: endpoints.length, api: servedBy(ctx, endpoints) ?? (served.length > 0 ? served.map((entry) => entry.name).join(' and ') : frameworks.map((name) => `the ${name} app`).join(' and ')) },
        location,
        key: framework,
        evidence: { snippet: (source ? lineText(source, location.line) : undefined)?.trim() ?? framework },
      });
    }
  },
});
