import { createHash, randomBytes } from 'node:crypto';
import { isIP } from 'node:net';
import { knownSecrets, maskDeep, type KnownSecrets } from '../engine/mask.js';
import type { Diagnostic, Endpoint, Finding, Location } from '../model/types.js';
import {
  BudgetExhaustedError,
  LiveAbortedError,
  ScopedClient,
  TargetUnreachableError,
  type ClientStats,
  type Exchange,
  type LiveRequest,
  type LiveResponse,
  type Resolver,
} from './http.js';
import { isCodeProbe, matchResponse, type Credentials, type DeclarativeProbe, type LiveEndpoint, type LiveReport, type Probe, type ProbeContext } from './probe.js';
import { allProbes } from './probes/index.js';
import { curlOf, formatRequest, formatResponse } from './evidence.js';

/** Static findings that say an endpoint should ask for credentials, whatever its auth state. */
const AUTH_GAP_CHECKS = new Set([
  'spec-auth-not-enforced',
  'unauthenticated-endpoint',
  'read-operation-unauthenticated',
  'write-operation-unauthenticated',
  'sensitive-operation-opts-out-of-auth',
]);
const HTTP_METHODS = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);
/** Endpoints one probe visits at most (riskiest first), so one probe cannot spend the whole budget. */
export const MAX_ENDPOINTS_PER_PROBE = 20;

export interface AuthHeader {
  name: string;
  value: string;
}

export interface LiveOptions {
  target: string;
  /** Default: every registered probe (active ones only with `active`). */
  probes?: readonly Probe[];
  /** The audit's inventory (code and specs); probes visit these endpoints. */
  inventory?: readonly Endpoint[];
  /** Static findings, so endpoints with an auth gap count as needing credentials. */
  staticFindings?: readonly Finding[];
  /** Ready-made endpoints (tests, `liveEndpoint()`), added to those of the inventory. */
  endpoints?: readonly LiveEndpoint[];
  /** Paths where GraphQL is served (`--graphql`), besides those found in the inventory. */
  graphqlPaths?: readonly string[];
  /** Identity A's headers (`--auth-header`, repeatable). */
  authA?: readonly AuthHeader[];
  /** Identity B's headers (`--auth-header-b`). */
  authB?: readonly AuthHeader[];
  active?: boolean;
  budget?: number;
  ratePerSecond?: number;
  concurrency?: number;
  timeoutMs?: number;
  deadlineMs?: number;
  signal?: AbortSignal;
  resolve?: Resolver;
  /** Extra trusted certificate authorities (PEM), for staging targets with a private CA. */
  ca?: string;
  onProgress?: (message: string) => void;
}

export interface Preflight {
  reachable: boolean;
  /** Status of `GET /`. */
  status?: number;
  /** Whether identity A's credentials are accepted: `accepted`, `rejected`, `unknown` (no endpoint tells), `not-given`. */
  tokenA: TokenVerdict;
  tokenB: TokenVerdict;
  /** The target answers a random path with 2xx: probes that compare answers are careful. */
  answersEverything: boolean;
  detail: string[];
}

export type TokenVerdict = 'accepted' | 'rejected' | 'unknown' | 'not-given';

/** The live part of a report (`AuditResult.live`). Serialisable, credentials masked. */
export interface LiveSummary {
  target: string;
  mode: 'passive' | 'active';
  /** The run stopped before every probe finished (Ctrl-C, deadline, budget, unreachable target). */
  partial: boolean;
  stoppedBy?: 'interrupted' | 'deadline' | 'budget' | 'unreachable';
  preflight: Preflight;
  /** Set when the target does not look like a non-production deployment. */
  productionWarning?: string;
  probesRun: string[];
  probesSkipped: { id: string; reason: string }[];
  requests: number;
  budget: number;
  refused: number;
  offOriginRedirects: string[];
  durationMs: number;
  /** Live findings, before they are merged with static ones. */
  findings: number;
}

export interface LiveResult {
  summary: LiveSummary;
  findings: Finding[];
  diagnostics: Diagnostic[];
}

/** Parses `Name: value` (as curl's -H). */
export function parseAuthHeader(line: string): AuthHeader | undefined {
  const colon = line.indexOf(':');
  if (colon <= 0) return undefined;
  const name = line.slice(0, colon).trim();
  const value = line.slice(colon + 1).trim();
  if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name) || value === '' || /[\r\n]/.test(value)) return undefined;
  return { name, value };
}

/** A sample value for a path parameter. Only shapes, never a guess about security. */
function sampleValue(name: string, type: string | undefined): string {
  if (type === 'string' && /uuid|guid/i.test(name)) return '00000000-0000-4000-8000-000000000001';
  if (/uuid|guid/i.test(name)) return '00000000-0000-4000-8000-000000000001';
  return '1';
}

/** The concrete path of an endpoint, or undefined when it cannot be called as written (wildcards, regexes). */
export function concretePath(endpoint: Endpoint): string | undefined {
  const path = endpoint.protocol === 'rest' ? endpoint.path : endpoint.httpPath;
  if (path === undefined || !path.startsWith('/') || /[*()|\\^$]/.test(path)) return undefined;
  const types = new Map(endpoint.parameters.filter((p) => p.in === 'path').map((p) => [p.name, p.type]));
  return path.replace(/\{([^}/]+)\}/g, (_whole, name: string) => encodeURIComponent(sampleValue(name, types.get(name))));
}

/** Builds a LiveEndpoint from a method and a path (tests, and `probe` without a spec). */
export function liveEndpoint(method: string, path: string, options: { needsAuth?: boolean; tier?: Endpoint['tier'] } = {}): LiveEndpoint {
  const endpoint: Endpoint = {
    id: `${method} ${path}`,
    apiId: 'live',
    method,
    path,
    protocol: 'rest',
    sources: [],
    parameters: [...path.matchAll(/\{([^}/]+)\}/g)].map((match) => ({ name: match[1] ?? 'id', in: 'path' as const, required: true })),
    auth: { state: options.needsAuth === true ? 'protected' : 'unknown', mechanisms: [] },
    deprecated: false,
    type: 'external',
    tier: options.tier ?? 'medium',
  };
  return { endpoint, method, path: concretePath(endpoint) ?? path, needsAuth: options.needsAuth === true };
}

function tierRank(endpoint: Endpoint): number {
  return ['critical', 'high', 'medium', 'low'].indexOf(endpoint.tier);
}

/** The inventory's REST endpoints as calls, riskiest first. */
export function liveEndpoints(inventory: readonly Endpoint[], staticFindings: readonly Finding[] = []): LiveEndpoint[] {
  const gaps = new Set(staticFindings.filter((finding) => AUTH_GAP_CHECKS.has(finding.checkId)).flatMap((finding) => [finding.endpointId, ...(finding.related ?? []).map((place) => place.endpointId)]));
  const out: LiveEndpoint[] = [];
  const seen = new Set<string>();
  for (const endpoint of inventory) {
    const method = endpoint.method === 'ANY' ? 'GET' : endpoint.method.toUpperCase();
    if (!HTTP_METHODS.has(method)) continue;
    const path = concretePath(endpoint);
    if (path === undefined || seen.has(`${method} ${path}`)) continue;
    seen.add(`${method} ${path}`);
    const needsAuth = endpoint.auth.state === 'protected' || gaps.has(endpoint.id);
    out.push({ endpoint, method, path, needsAuth });
  }
  return out.sort((a, b) => tierRank(a.endpoint) - tierRank(b.endpoint) || Number(b.needsAuth) - Number(a.needsAuth) || (a.path < b.path ? -1 : a.path > b.path ? 1 : a.method < b.method ? -1 : 1));
}

const NON_PRODUCTION = /(^|[.-])(staging|stage|stg|test|testing|dev|develop|development|qa|uat|sandbox|preview|demo|local|localhost|internal|int|preprod|pre-prod|canary)(\d*)([.-]|$)/i;

/** A warning when the target does not look like a non-production deployment. */
export function productionWarning(target: URL): string | undefined {
  const host = target.hostname.replace(/^\[|\]$/g, '');
  if (host === 'localhost' || host.endsWith('.localhost') || host.endsWith('.test') || host.endsWith('.local') || host.endsWith('.internal')) return undefined;
  if (isIP(host) !== 0) {
    if (/^(127\.|10\.|192\.168\.|172\.(1[6-9]|2\d|3[01])\.|::1$|f[cd])/i.test(host)) return undefined;
  } else if (NON_PRODUCTION.test(host)) return undefined;
  return `The target ${target.origin} does not look like a non-production deployment (no staging, test or dev in its name, not a local address). Probe production only with the owner's authorisation — prefer a staging copy.`;
}

function corrupt(value: string): string {
  const parts = value.split(' ');
  const token = parts.at(-1) ?? value;
  const scheme = parts.length > 1 ? `${parts.slice(0, -1).join(' ')} ` : '';
  const segments = token.split('.');
  // A JWT keeps its header and claims and loses its signature; anything else becomes a token no server issued.
  if (segments.length === 3) return `${scheme}${segments[0] ?? ''}.${segments[1] ?? ''}.apisec-invalid-signature`;
  return `${scheme}apisec-invalid-${token.length}`;
}

function headersFor(credentials: Credentials, authA: readonly AuthHeader[], authB: readonly AuthHeader[]): Record<string, string> {
  const out: Record<string, string> = {};
  const source = credentials === 'a' || credentials === 'malformed' ? authA : credentials === 'b' ? authB : [];
  for (const header of source) out[header.name] = credentials === 'malformed' ? corrupt(header.value) : header.value;
  if (credentials === 'malformed' && authA.length === 0) out.Authorization = 'Bearer apisec-invalid-token';
  return out;
}

function bodyKey(response: LiveResponse): string {
  return `${response.status}\u0000${createHash('sha256').update(response.body).digest('hex')}`;
}

function fill(template: string, values: Record<string, string>, response: LiveResponse): string {
  return template.replace(/\{\{(header:)?([\w-]+)\}\}/g, (whole, header: string | undefined, name: string) =>
    header !== undefined ? (response.headers[name.toLowerCase()] ?? '') : (values[name] ?? whole),
  );
}

function isStop(error: unknown): error is BudgetExhaustedError | LiveAbortedError {
  return error instanceof BudgetExhaustedError || error instanceof LiveAbortedError;
}

const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** Runs the pre-flight and the probes against `options.target`. Never throws for the target's behaviour. */
export async function runLive(options: LiveOptions): Promise<LiveResult> {
  const started = performance.now();
  const progress = options.onProgress ?? (() => undefined);
  const authA = options.authA ?? [];
  const authB = options.authB ?? [];
  const secrets = knownSecrets([...authA, ...authB].flatMap((header) => [header.value, header.value.split(' ').at(-1) ?? '']));
  const client = new ScopedClient({
    target: options.target,
    ...(options.budget === undefined ? {} : { budget: options.budget }),
    ...(options.ratePerSecond === undefined ? {} : { ratePerSecond: options.ratePerSecond }),
    ...(options.concurrency === undefined ? {} : { concurrency: options.concurrency }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
    ...(options.deadlineMs === undefined ? {} : { deadlineMs: options.deadlineMs }),
    ...(options.signal === undefined ? {} : { signal: options.signal }),
    ...(options.resolve === undefined ? {} : { resolve: options.resolve }),
    ...(options.ca === undefined ? {} : { ca: options.ca }),
  });
  const active = options.active === true;
  const diagnostics: Diagnostic[] = [];
  const findings: Finding[] = [];
  const probesRun: string[] = [];
  const probesSkipped: { id: string; reason: string }[] = [];
  const preflight: Preflight = {
    reachable: false,
    tokenA: authA.length === 0 ? 'not-given' : 'unknown',
    tokenB: authB.length === 0 ? 'not-given' : 'unknown',
    answersEverything: false,
    detail: [],
  };
  let stoppedBy: LiveSummary['stoppedBy'];
  const endpoints = [...liveEndpoints(options.inventory ?? [], options.staticFindings ?? []), ...(options.endpoints ?? [])];
  const graphqlPaths = [
    ...new Set([
      ...(options.graphqlPaths ?? []),
      ...endpoints.filter((item) => /\/graphql\/?$/i.test(item.path)).map((item) => item.path),
    ]),
  ].sort();
  const cache = new Map<string, Exchange>();
  let baseline: LiveResponse | undefined;

  const send = async (request: LiveRequest, credentials: Credentials = 'none'): Promise<Exchange> => {
    const headers = { ...headersFor(credentials, authA, authB), ...(request.headers ?? {}) };
    const full: LiveRequest = { ...request, headers };
    const response = await client.send(full);
    const exchange: Exchange = { request: { ...full, url: client.urlOf(request.path).href, credentials }, response };
    if (request.method.toUpperCase() === 'GET' && request.body === undefined && request.headers === undefined) cache.set(`${credentials} ${request.path}`, exchange);
    return exchange;
  };
  const isBaselineLike = (response: LiveResponse): boolean => baseline !== undefined && bodyKey(response) === bodyKey(baseline);

  const toFinding = (probe: Probe, report: LiveReport): Finding => {
    const main = report.exchanges[0];
    const item = report.endpointId === undefined ? undefined : endpoints.find((candidate) => candidate.endpoint.id === report.endpointId)?.endpoint;
    const place: Location | undefined = item?.handler ?? item?.sources[0]?.location;
    const location: Location = place ?? { file: main?.request.url ?? client.origin, line: 0 };
    const severity = report.severity ?? probe.severity;
    const evidence = main === undefined
      ? { snippet: report.message, ...(report.facts ?? {}) }
      : {
          snippet: `${main.request.method.toUpperCase()} ${new URL(main.request.url).pathname} → ${main.response.status}`,
          url: main.request.url,
          request: formatRequest(main.request),
          response: formatResponse(main.response),
          curl: curlOf(main.request, authA, authB),
          ...(report.exchanges.length > 1 ? { more: report.exchanges.slice(1).map((exchange) => ({ request: formatRequest(exchange.request), response: formatResponse(exchange.response) })) } : {}),
          ...(report.facts ?? {}),
        };
    const finding: Finding = {
      checkId: probe.id,
      title: probe.title,
      message: report.message,
      owasp: probe.owasp,
      cwe: probe.cwe,
      severity,
      confidence: report.confidence ?? probe.confidence,
      section: probe.section,
      location,
      ...(report.endpointId === undefined ? {} : { endpointId: report.endpointId }),
      evidence,
      rationale: probe.rationale,
      remediation: probe.remediation,
      fingerprint: createHash('sha256').update(`live\u0000${probe.id}\u0000${report.endpointId ?? client.origin}\u0000${report.key ?? ''}`).digest('hex').slice(0, 32),
      confirmedLive: true,
    };
    return maskSecretsIn(finding, secrets);
  };

  try {
    progress('pre-flight');
    try {
      const root = await send({ method: 'GET', path: '/' });
      preflight.reachable = true;
      preflight.status = root.response.status;
      preflight.detail.push(`GET / answered ${root.response.status} from ${client.pinnedAddress?.address ?? '?'}.`);
    } catch (error) {
      if (isStop(error)) throw error;
      preflight.detail.push(error instanceof Error ? error.message : String(error));
      stoppedBy = 'unreachable';
      return finish();
    }
    const random = `/apisec-${randomBytes(6).toString('hex')}`;
    baseline = (await send({ method: 'GET', path: random })).response;
    preflight.answersEverything = baseline.status >= 200 && baseline.status < 300;
    if (preflight.answersEverything) preflight.detail.push(`A random path (${random}) answered ${baseline.status}: answers like it prove nothing and are not reported.`);
    await checkTokens();

    const chosen = (options.probes ?? allProbes).filter((probe) => {
      if (probe.kind === 'active' && !active) {
        probesSkipped.push({ id: probe.id, reason: 'active probe; run with --active' });
        return false;
      }
      return true;
    });
    for (const probe of chosen) {
      if (probe.maxRequests !== undefined && probe.maxRequests > client.remaining()) {
        probesSkipped.push({ id: probe.id, reason: `needs up to ${probe.maxRequests} requests, ${client.remaining()} left in the budget` });
        continue;
      }
      progress(`probe ${probe.id}`);
      const report = (item: LiveReport): void => {
        findings.push(toFinding(probe, item));
      };
      try {
        if (isCodeProbe(probe)) await probe.run(context(report));
        else await runDeclarative(probe, report);
        probesRun.push(probe.id);
      } catch (error) {
        if (isStop(error)) {
          probesRun.push(probe.id);
          throw error;
        }
        diagnostics.push({
          level: 'error',
          source: `probe:${probe.id}`,
          message: `The ${probe.id} probe failed and was skipped: ${error instanceof Error ? error.message : String(error)}.`,
        });
      }
    }
  } catch (error) {
    if (!isStop(error)) throw error;
    stoppedBy = error instanceof BudgetExhaustedError ? 'budget' : error.reason;
  } finally {
    await client.close();
  }
  return finish();

  function context(report: (item: LiveReport) => void): ProbeContext {
    return {
      origin: client.origin,
      endpoints,
      graphqlPaths,
      identities: { a: authA.length > 0, b: authB.length > 0 },
      active,
      send,
      isBaselineLike,
      cached: (path, credentials) => cache.get(`${credentials} ${path}`),
      report,
      remaining: () => client.remaining(),
      handshake: (version) => client.handshake(version),
    };
  }

  async function checkTokens(): Promise<void> {
    const probeWith = endpoints.filter((item) => item.needsAuth && item.method === 'GET').slice(0, 3);
    for (const [identity, headers] of [['a', authA], ['b', authB]] as const) {
      if (headers.length === 0) continue;
      let verdict: TokenVerdict = 'unknown';
      for (const item of probeWith.length > 0 ? probeWith : [{ path: '/' }]) {
        const withToken = await send({ method: 'GET', path: item.path }, identity);
        const without = cache.get(`none ${item.path}`) ?? (await send({ method: 'GET', path: item.path }));
        const status = withToken.response.status;
        if (status === 401) verdict = 'rejected';
        else if (status < 400 && (without.response.status === 401 || without.response.status === 403)) {
          verdict = 'accepted';
          break;
        }
      }
      if (identity === 'a') preflight.tokenA = verdict;
      else preflight.tokenB = verdict;
      preflight.detail.push(`Identity ${identity.toUpperCase()}'s credentials: ${verdict}.`);
    }
  }

  async function runDeclarative(probe: DeclarativeProbe, report: (item: LiveReport) => void): Promise<void> {
    const template = probe.request;
    const credentials = template.credentials ?? (authA.length > 0 ? 'a' : 'none');
    const condition = probe.matchersCondition ?? 'and';
    const targets: { path: string; method: string; endpointId?: string }[] = [];
    if (probe.targets.kind === 'origin') {
      targets.push({ path: template.path ?? '/', method: template.method ?? 'GET' });
    } else {
      const filter = probe.targets.filter ?? {};
      const methods = new Set((filter.methods ?? ['GET']).map((method) => method.toUpperCase()));
      const kept = endpoints
        .filter((item) => methods.has(item.method) && (filter.needsAuth !== true || item.needsAuth) && (filter.protocols === undefined || filter.protocols.includes(item.endpoint.protocol)))
        .slice(0, MAX_ENDPOINTS_PER_PROBE);
      for (const item of kept) {
        targets.push({ path: (template.path ?? '{{path}}').replace('{{path}}', item.path), method: template.method ?? item.method, endpointId: item.endpoint.id });
      }
    }
    const results = await Promise.allSettled(
      targets.map(async (target) => {
        const request: LiveRequest = {
          method: target.method,
          path: target.path,
          ...(template.headers === undefined ? {} : { headers: template.headers }),
          ...(template.body === undefined ? {} : { body: template.body }),
          ...(template.followRedirects === undefined ? {} : { followRedirects: template.followRedirects }),
        };
        const exchange = (target.method === 'GET' && template.headers === undefined && template.body === undefined ? cache.get(`${credentials} ${target.path}`) : undefined) ?? (await send(request, credentials));
        const { response } = exchange;
        if (probe.matchBaseline !== true && isBaselineLike(response)) return;
        const match = matchResponse(probe.matchers, condition, response);
        if (!match.matched) return;
        const message = fill(probe.message, { path: target.path, method: target.method, status: String(response.status), match: match.text ?? '' }, response);
        report({ message, exchanges: [exchange], ...(target.endpointId === undefined ? {} : { endpointId: target.endpointId }) });
      }),
    );
    for (const result of results) {
      if (result.status === 'fulfilled') continue;
      if (isStop(result.reason)) throw result.reason;
      if (result.reason instanceof TargetUnreachableError) {
        diagnostics.push({ level: 'warning', source: `probe:${probe.id}`, message: result.reason.message });
        continue;
      }
      throw result.reason;
    }
  }

  function finish(): LiveResult {
    const stats: ClientStats = client.stats();
    const target = new URL(client.origin);
    const warning = productionWarning(target);
    const summary: LiveSummary = {
      target: client.origin,
      mode: active ? 'active' : 'passive',
      partial: stoppedBy !== undefined,
      ...(stoppedBy === undefined ? {} : { stoppedBy }),
      preflight,
      ...(warning === undefined ? {} : { productionWarning: warning }),
      probesRun: [...probesRun].sort(),
      probesSkipped: [...probesSkipped].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)),
      requests: stats.sent,
      budget: stats.budget,
      refused: stats.refused,
      offOriginRedirects: stats.offOriginRedirects,
      durationMs: Math.round(performance.now() - started),
      findings: findings.length,
    };
    findings.sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity) || (a.checkId < b.checkId ? -1 : a.checkId > b.checkId ? 1 : 0) || (a.fingerprint < b.fingerprint ? -1 : 1));
    return { summary: maskSecretsIn(summary, secrets), findings, diagnostics: maskSecretsIn(diagnostics, secrets) };
  }
}

/** Masks the credentials given by value wherever they appear (a server may echo them), then every known secret shape. */
function maskSecretsIn<T>(value: T, secrets: KnownSecrets): T {
  const values = secrets.values.filter((secret) => secret.length >= 6);
  const walk = (item: unknown): unknown => {
    if (typeof item === 'string') return values.reduce((text, secret) => text.split(secret).join(`${secret.slice(0, 2)}****`), item);
    if (Array.isArray(item)) return item.map(walk);
    if (typeof item === 'object' && item !== null) return Object.fromEntries(Object.entries(item).map(([key, child]) => [key, walk(child)]));
    return item;
  };
  return maskDeep(walk(value) as T, secrets);
}
