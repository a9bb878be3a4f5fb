import type { Node } from 'web-tree-sitter';
import type { CheckContext, InfraFile, SourceFile } from '../engine/context.js';
import type { Endpoint } from '../model/types.js';
import { isJsFamily } from '../parsing/languages.js';
import type { InfraKind } from '../workspace/infra.js';
import type { ReportDescriptor } from '../checks/define-check.js';
import type { TransportProvider } from '../collectors/code/plugin.js';
import { transportProviders, webhookSenderProviders } from '../collectors/code/plugins.js';
import { at, isInside, isJs, resolveValue } from './code-auth.js';
import { listensOnLoopback } from './debug-mode.js';
import { ModuleGraph } from '../collectors/code/js/modules.js';
import { type CallSite, callsWithin, lineText, enclosingFunction, factsOf, nodesOfType, stringValue, sourceByFile } from './code.js';
import { staticSegments } from './openapi-security.js';
import { parentOf } from '../parsing/tree-index.js';
import { type AppEntry, type CorsPolicy, type Family, type HeaderWrite, type OriginPolicy, type RegexSemantics, type SecurityHeader, SECURITY_HEADERS, familyOf, isTestFile, sourcesOf } from './transport/model.js';

/**
 * Shared helpers for the CORS, transport, webhook and idempotency checks. Framework-neutral: the apps,
 * CORS policies, HTTPS and security-header evidence come from the framework plugins' transport providers
 * (src/collectors/code/<framework>/transport.ts, library families in js/ and python/, listed in
 * src/collectors/code/plugins.ts); proxies, ingresses and gateways are read here from the infra files.
 */

export type { AppEntry, AppFramework, CorsPolicy, Family, HeaderWrite, OriginEntry, OriginPolicy, RegexSemantics, SecurityHeader } from './transport/model.js';
export { SECURITY_HEADERS, familyOf, isTestFile, sourcesOf } from './transport/model.js';
export { helmetUse } from '../collectors/code/js/transport.js';
export { settingValue, settingsOf } from '../collectors/code/python/transport.js';

export function infraOf(ctx: CheckContext, kinds?: readonly InfraKind[]): readonly InfraFile[] {
  return kinds ? ctx.infra.filter((file) => kinds.includes(file.kind)) : ctx.infra;
}

/** 1-based line of a character offset in a text. */
export function lineAt(text: string, index: number): number {
  let line = 1;
  for (let i = 0; i < index && i < text.length; i += 1) if (text.charCodeAt(i) === 10) line += 1;
  return line;
}

const linesOfFile = new WeakMap<InfraFile, readonly { line: number; text: string }[]>();

/** Active (uncommented) lines of an nginx / YAML / HCL file, with their 1-based numbers (read once per file: every app asks). */
export function configLines(file: InfraFile): readonly { line: number; text: string }[] {
  let lines = linesOfFile.get(file);
  if (!lines) {
    lines = file.text.split(/\r?\n/).flatMap((raw, index) => {
      const text = raw.replace(/(^|\s)#.*$/, '').trim();
      return text ? [{ line: index + 1, text }] : [];
    });
    linesOfFile.set(file, lines);
  }
  return lines;
}

// ─── Applications ───────────────────────────────────────────────────────────

interface Provider {
  id: string;
  provider: TransportProvider;
}

let registry: { all: Provider[]; byFamily: Record<Family, Provider[]> } | undefined;

/** The transport providers, by family, in registry order. */
function providers(): { all: Provider[]; byFamily: Record<Family, Provider[]> } {
  if (!registry) {
    const all = transportProviders();
    registry = { all, byFamily: { js: all.filter((p) => p.provider.family === 'js'), python: all.filter((p) => p.provider.family === 'python') } };
  }
  return registry;
}

/** The providers asked about an app: its framework's own, and the library families of its language. */
function providersOfApp(app: AppEntry): TransportProvider[] {
  return providers().byFamily[app.family].filter((p) => (p.provider.app ? p.id === app.framework : true)).map((p) => p.provider);
}

const appCache = new WeakMap<CheckContext, AppEntry[]>();

/** The applications the workspace creates: one entry per `express()`, `FastAPI()`, Django settings file … */
export function appsOf(ctx: CheckContext): AppEntry[] {
  const cached = appCache.get(ctx);
  if (cached) return cached;
  const out: AppEntry[] = [];
  for (const source of ctx.sources) {
    const family = familyOf(source);
    if (!family || isTestFile(source.file)) continue;
    const makers = providers().byFamily[family].filter((p) => p.provider.app);
    let configured: { id: string; found: { node: Node; label: string } | null } | undefined;
    for (const { id, provider } of makers) {
      const found = provider.app?.configuredBy?.(source);
      if (found !== undefined) {
        configured = { id, found };
        break;
      }
    }
    if (configured) {
      if (configured.found) out.push({ source, node: configured.found.node, framework: configured.id, family, label: configured.found.label });
      continue;
    }
    for (const call of factsOf(source).calls) {
      const maker = makers.find((p) => p.provider.app?.createdBy?.(call) === true);
      if (maker) out.push({ source, node: call.node, framework: maker.id, family, label: `${call.written}()` });
    }
  }
  appCache.set(ctx, out);
  return out;
}

/** Endpoints served by an app: those whose API is located at the app's file, or all endpoints of a single-app family. */
const familyEndpoints = new WeakMap<readonly Endpoint[], Map<Family, Endpoint[]>>();

export function endpointsOfApp(ctx: CheckContext, app: AppEntry): Endpoint[] {
  const sameFamily = appsOf(ctx).filter((other) => other.family === app.family);
  const inFamily = (endpoint: Endpoint): boolean => {
    const file = endpoint.handler?.file ?? endpoint.sources.find((s) => s.kind === 'code')?.location.file;
    const source = file ? sourceByFile(ctx, file) : undefined;
    return source !== undefined && familyOf(source) === app.family;
  };
  // The family's code endpoints are listed once per inventory, not once per app.
  let byFamily = familyEndpoints.get(ctx.inventory.endpoints);
  if (!byFamily) familyEndpoints.set(ctx.inventory.endpoints, (byFamily = new Map<Family, Endpoint[]>()));
  let code = byFamily.get(app.family);
  if (!code) byFamily.set(app.family, (code = ctx.inventory.endpoints.filter((endpoint) => endpoint.sources.some((s) => s.kind === 'code') && inFamily(endpoint))));
  if (sameFamily.length <= 1) return [...code];
  // Several apps: each takes the endpoints of the APIs located at its file, grouped once per family (not a pass over every endpoint per app).
  const apiIds = new Set(apisByFile(ctx).get(app.source.file) ?? []);
  const byApi = familyEndpointsByApi(ctx.inventory.endpoints, app.family, code);
  const positions = [...apiIds].flatMap((id) => byApi.get(id) ?? []);
  if (apiIds.size > 1) positions.sort((a, b) => a - b);
  return positions.map((index) => code[index] as Endpoint);
}

const apiFiles = new WeakMap<CheckContext['inventory']['apis'], Map<string, string[]>>();

/** The ids of the code APIs located at each file, in inventory order. */
function apisByFile(ctx: CheckContext): Map<string, string[]> {
  let byFile = apiFiles.get(ctx.inventory.apis);
  if (byFile) return byFile;
  byFile = new Map<string, string[]>();
  for (const api of ctx.inventory.apis) {
    if (api.kind !== 'code') continue;
    const ids = byFile.get(api.location.file);
    if (ids) ids.push(api.id);
    else byFile.set(api.location.file, [api.id]);
  }
  apiFiles.set(ctx.inventory.apis, byFile);
  return byFile;
}

const apiPositions = new WeakMap<readonly Endpoint[], Map<Family, Map<string, number[]>>>();

/** Positions in the family's code endpoints, by API id. */
function familyEndpointsByApi(endpoints: readonly Endpoint[], family: Family, code: readonly Endpoint[]): Map<string, number[]> {
  let byFamily = apiPositions.get(endpoints);
  if (!byFamily) apiPositions.set(endpoints, (byFamily = new Map<Family, Map<string, number[]>>()));
  const known = byFamily.get(family);
  if (known) return known;
  const grouped = new Map<string, number[]>();
  code.forEach((endpoint, index) => {
    const list = grouped.get(endpoint.apiId);
    if (list) list.push(index);
    else grouped.set(endpoint.apiId, [index]);
  });
  byFamily.set(family, grouped);
  return grouped;
}

const textAnswers = new WeakMap<object, Map<string, unknown>>();

/**
 * A question about the whole workspace's text (does some source of a family match a pattern, where
 * does it first match), answered once per context and pattern: apps and headers ask the same ones.
 * Patterns whose `test` keeps state (g and y flags) are not memoised.
 */
function workspaceAnswer<T>(owner: CheckContext | readonly InfraFile[], pattern: RegExp, key: string, answer: () => T): T {
  if (pattern.global || pattern.sticky) return answer();
  let answers = textAnswers.get(owner);
  if (!answers) textAnswers.set(owner, (answers = new Map<string, unknown>()));
  const full = `${key}\u0000${pattern.flags}\u0000${pattern.source}`;
  if (answers.has(full)) return answers.get(full) as T;
  const value = answer();
  answers.set(full, value);
  return value;
}

/** True when some non-test source of the family, or one of the infra files, matches. */
export function workspaceHas(ctx: CheckContext, family: Family, code: RegExp | undefined, infra?: RegExp, kinds?: readonly InfraKind[]): boolean {
  if (code && workspaceAnswer(ctx, code, `code:${family}`, () => sourcesOf(ctx, family).some((source) => code.test(source.text)))) return true;
  if (!infra) return false;
  // The infra files are the workspace's, shared by every app's context.
  return workspaceAnswer(ctx.infra, infra, `infra:${kinds?.join(',') ?? '*'}`, () => infraOf(ctx, kinds).some((file) => configLines(file).some((line) => infra.test(line.text))));
}

// ─── The code an app's evidence comes from ──────────────────────────────────

const appContexts = new WeakMap<CheckContext, Map<AppEntry, CheckContext>>();
const jsComponents = new WeakMap<readonly SourceFile[], Map<string, string>>();

const LOADS = /\brequire\s*\(\s*['"]([^'"]+)['"]\s*\)|\bimport\s*\(\s*['"]([^'"]+)['"]\s*\)/g;

/** Each JS file's connected part of the import graph (imports and re-exports, either direction), by its smallest file. */
function importComponents(sources: readonly SourceFile[]): Map<string, string> {
  const cached = jsComponents.get(sources);
  if (cached) return cached;
  const graph = ModuleGraph.of(sources);
  const parent = new Map<string, string>();
  const find = (file: string): string => {
    let root = file;
    for (let up = parent.get(root); up !== undefined && up !== root; up = parent.get(root)) root = up;
    return root;
  };
  const join = (a: string, b: string): void => {
    const ra = find(a);
    const rb = find(b);
    if (ra !== rb) parent.set(ra < rb ? rb : ra, ra < rb ? ra : rb);
  };
  for (const module of graph.modules.values()) {
    parent.set(module.file, parent.get(module.file) ?? module.file);
    const linked = [
      ...[...module.imports.values()].map((binding) => binding.file),
      ...[...module.exports.values()].map((binding) => ('from' in binding ? binding.from : undefined)),
      ...module.starExports,
    ];
    // `require('./x')` and `import('./x')`, which the graph resolves only when a value is followed.
    for (const match of module.source.text.matchAll(LOADS)) {
      const specifier = match[1] ?? match[2];
      if (specifier !== undefined && specifier.startsWith('.')) linked.push(graph.resolveSpecifier(module.file, specifier));
    }
    for (const file of linked) if (file !== undefined && graph.modules.has(file)) join(module.file, file);
  }
  const out = new Map<string, string>();
  for (const file of graph.modules.keys()) out.set(file, find(file));
  jsComponents.set(sources, out);
  return out;
}

/**
 * The context an app's transport evidence is read in: for a JS app, the JS sources its imports connect
 * it to, so another service's `helmet()` or a web client's list of header names is not taken for its own,
 * whether the projects of the repository are analysed together or apart (a project's imports stay inside
 * its unit). Other families read the whole family, as before.
 */
export function appContext(ctx: CheckContext, app: AppEntry): CheckContext {
  if (app.family !== 'js') return ctx;
  let byApp = appContexts.get(ctx);
  if (!byApp) appContexts.set(ctx, (byApp = new Map<AppEntry, CheckContext>()));
  const known = byApp.get(app);
  if (known) return known;
  const components = importComponents(ctx.sources);
  const own = components.get(app.source.file);
  const scoped = own === undefined ? ctx : { ...ctx, sources: ctx.sources.filter((source) => familyOf(source) !== 'js' || components.get(source.file) === own) };
  byApp.set(app, scoped);
  return scoped;
}

// ─── HTTPS enforcement and security headers ─────────────────────────────────

/** The host a Node server's `.listen(...)` binds: `listen(port, host, cb)`, `listen({ port, host })`; undefined when none is given. */
function listenHost(args: readonly Node[]): Node | undefined {
  const [first, second] = args;
  if (first?.type === 'object') {
    for (const pair of first.namedChildren) {
      if (pair?.type === 'pair' && pair.childForFieldName('key')?.text.replace(/['"]/g, '') === 'host') return pair.childForFieldName('value') ?? undefined;
    }
    return undefined;
  }
  return second && second.type !== 'arrow_function' && second.type !== 'function_expression' && second.type !== 'function' ? second : undefined;
}

/**
 * A JS app file whose every server `.listen(...)` binds a loopback address explicitly (an Electron
 * or CLI helper serving its own window, a sidecar behind a local proxy): no remote client can reach it,
 * so there is nobody to limit and no network path to protect. No listen in the file, or one without a host (all interfaces), proves nothing.
 */
export function loopbackOnly(source: SourceFile | undefined): boolean {
  if (!source || !isJs(source)) return false;
  const listens = factsOf(source).calls.filter((call) => /\.listen$/.test(call.written));
  return listens.length > 0 && listens.every((call) => {
    const host = listenHost(call.args);
    return host !== undefined && listensOnLoopback(source, host);
  });
}

/** Code that forces HTTPS whatever the framework: an HSTS header written by hand, a redirect helper, a proxy-header test. */
const HTTPS_CODE: Record<Family, RegExp> = {
  js: /Strict-Transport-Security|enforceHTTPS|requireHTTPS|x-forwarded-proto['"][\s\S]{0,80}https/i,
  python: /Strict-Transport-Security/,
};
const HTTPS_INFRA =
  /^\s*return\s+30[178]\s+https:|^\s*rewrite\s+.+\s+https:|add_header\s+Strict-Transport-Security|more_set_headers\s+['"]?Strict-Transport-Security|ssl-redirect["']?\s*:\s*["']?true|force-ssl-redirect|redirect-to-https|https-only|redirect-scheme|redirectscheme\.scheme=https|redirections\.entry[pP]oint\.scheme=https|https_redirect|HTTP_301|x-forwarded-proto.*https|strict_transport_security/i;

/** One pattern that matches where any of the given ones does (alternation keeps `test` and leftmost `exec`). */
function union(patterns: readonly RegExp[]): RegExp | undefined {
  if (patterns.length === 0) return undefined;
  const flags = new Set(patterns.map((pattern) => pattern.flags));
  if (flags.size > 1) throw new Error(`transport patterns of one family must share their flags: ${[...flags].join(', ')}`);
  return new RegExp(patterns.map((pattern) => `(?:${pattern.source})`).join('|'), patterns[0]?.flags);
}

const unions = new Map<string, RegExp | undefined>();

function memoUnion(key: string, make: () => readonly RegExp[]): RegExp | undefined {
  if (!unions.has(key)) unions.set(key, union(make()));
  return unions.get(key);
}

/** The family's HTTPS code: the generic patterns and every provider's of that family. */
function httpsCode(family: Family): RegExp | undefined {
  return memoUnion(`https:${family}`, () => [HTTPS_CODE[family], ...providers().byFamily[family].flatMap((p) => (p.provider.https?.code ? [p.provider.https.code] : []))]);
}

/** Whether HTTPS is forced (redirect or HSTS) by the app's code or by the repository's proxy, ingress or gateway config. */
export function httpsEnforced(checkContext: CheckContext, app: AppEntry): boolean {
  const ctx = appContext(checkContext, app);
  if (providersOfApp(app).some((provider) => provider.https?.enforced?.(ctx, app) === true)) return true;
  return deploymentForcesHttps(ctx) || workspaceHas(ctx, app.family, httpsCode(app.family));
}

/** Whether the deployment forces HTTPS in front of the apps: serverless (API Gateway, Lambda URLs), or a proxy, ingress or gateway config that redirects or sends HSTS. */
export function deploymentForcesHttps(ctx: CheckContext): boolean {
  // Each app's context shares the workspace's infra files: answered once for them.
  let forced = httpsDeployments.get(ctx.infra);
  if (forced === undefined) {
    // API Gateway and Lambda URLs only serve HTTPS.
    forced = infraOf(ctx, ['serverless', 'sam']).length > 0 || infraOf(ctx).some((file) => configLines(file).some((line) => HTTPS_INFRA.test(line.text)));
    httpsDeployments.set(ctx.infra, forced);
  }
  return forced;
}

const httpsDeployments = new WeakMap<readonly InfraFile[], boolean>();

/** The header middleware in place for an app, when there is one. */
export function headerMiddleware(checkContext: CheckContext, app: AppEntry): string | undefined {
  const ctx = appContext(checkContext, app);
  for (const provider of providersOfApp(app)) {
    const name = provider.headers?.middleware?.(ctx, app);
    if (name) return name;
  }
  const code = memoUnion(`middleware:${app.family}`, () => providers().byFamily[app.family].flatMap((p) => (p.provider.headers?.middlewareCode ? [p.provider.headers.middlewareCode] : [])));
  if (!code) return undefined;
  const match = workspaceAnswer(ctx, code, `first:${app.family}`, () => {
    for (const source of sourcesOf(ctx, app.family)) {
      const found = code.exec(source.text);
      if (found) return found;
    }
    return undefined;
  });
  return match ? match[0].replace(/\s*\($/, '').replace(/\s*\(\s*\)$/, '') : undefined;
}

/** The `X-Powered-By` value an app sends by default, when its framework sends one. */
export function poweredByDefault(app: AppEntry): string | undefined {
  return providers().byFamily[app.family].find((p) => p.id === app.framework)?.provider.app?.poweredBy?.(app);
}

/** Whether the family's code turns `X-Powered-By` off: header middleware that hides it, or a setting or removal written in a source. */
export function poweredByHidden(ctx: CheckContext, family: Family): boolean {
  if (providers().byFamily[family].some((p) => p.provider.headers?.hidesPoweredBy?.(ctx) === true)) return true;
  const code = memoUnion(`powered-by:${family}`, () => providers().byFamily[family].flatMap((p) => (p.provider.headers?.poweredByOff ? [p.provider.headers.poweredByOff] : [])));
  return code !== undefined && workspaceHas(ctx, family, code);
}

/** Other ways to set a header whatever the framework: `nosniff` written, a CSP `frame-ancestors`. */
const HEADER_ALTERNATIVES: Partial<Record<SecurityHeader, { code: RegExp; infra?: RegExp }>> = {
  'X-Content-Type-Options': { code: /\bnosniff\b/ },
  'X-Frame-Options': { code: /frame-ancestors/, infra: /frame-ancestors/ },
};

/** The code that sets a header another way: the generic patterns and every provider's (tested on the app's family). */
function alternativeCode(header: SecurityHeader): RegExp | undefined {
  return memoUnion(`header:${header}`, () => [
    ...(HEADER_ALTERNATIVES[header] ? [HEADER_ALTERNATIVES[header].code] : []),
    ...providers().all.flatMap((p) => {
      const pattern = p.provider.headers?.alternatives?.[header];
      return pattern ? [pattern] : [];
    }),
  ]);
}

/** Seed 003's response headers that neither the code nor the proxy config sets. */
export function headersNotSet(checkContext: CheckContext, app: AppEntry): SecurityHeader[] {
  const ctx = appContext(checkContext, app);
  return SECURITY_HEADERS.filter((header) => {
    const name = new RegExp(`['"\`]${header}['"\`]`, 'i');
    if (workspaceHas(ctx, app.family, name, new RegExp(`(add_header|more_set_headers)\\s+['"]?${header}`, 'i'))) return false;
    const code = alternativeCode(header);
    return !(code && workspaceHas(ctx, app.family, code, HEADER_ALTERNATIVES[header]?.infra));
  });
}

// ─── CORS ───────────────────────────────────────────────────────────────────

function isSourceFile(file: SourceFile | InfraFile): file is SourceFile {
  return 'tree' in file;
}

export function policyFile(policy: CorsPolicy): string {
  return policy.source.file;
}

const ORIGIN_HEADER = /^access-control-allow-origin$/i;
const CREDENTIALS_HEADER = /^access-control-allow-credentials$/i;
const ALLOWLIST_GUARD = /\.includes\(|\.has\(|\.indexOf\(|\bnot\s+in\b|\bin\s+[A-Z_a-z.]+|===\s*['"`]https?:|==\s*['"]https?:|\.test\(|\.match\(|re\.(match|fullmatch|search)\(|\.endswith\(|\.endsWith\(/;

/** Response headers a file writes by hand, as its family's provider reads them. */
export function headerWrites(source: SourceFile): HeaderWrite[] {
  const family = familyOf(source);
  const cors = family ? providers().byFamily[family].find((p) => p.provider.cors?.headerWrites)?.provider.cors : undefined;
  return cors?.headerWrites ? cors.headerWrites(source) : [];
}

/** Expressions of the family that read the request's `Origin` header. */
function requestOrigin(family: Family): RegExp | undefined {
  return memoUnion(`origin:${family}`, () => providers().byFamily[family].flatMap((p) => (p.provider.cors?.requestOrigin ? [p.provider.cors.requestOrigin] : [])));
}

function manualPolicies(source: SourceFile): CorsPolicy[] {
  const writes = headerWrites(source);
  const out: CorsPolicy[] = [];
  for (const write of writes.filter((w) => ORIGIN_HEADER.test(w.name))) {
    const fn = enclosingFunction(write.node);
    const scopeText = fn?.text ?? source.text;
    const credentials = writes.some(
      (other) => CREDENTIALS_HEADER.test(other.name) && /^['"]?true['"]?$/i.test(other.value.text) && (!fn || isInside(other.node, fn) || !enclosingFunction(other.node)),
    );
    const value = resolveValue(source, write.value) ?? write.value;
    const text = stringValue(value);
    const family = familyOf(source);
    const origin = family ? requestOrigin(family) : undefined;
    let origins: OriginPolicy;
    if (text === '*') origins = { kind: 'wildcard' };
    else if (text !== undefined) origins = { kind: 'list', entries: [{ node: write.value, value: text }] };
    else if (origin && (origin.test(value.text) || origin.test(write.value.text)) && !ALLOWLIST_GUARD.test(scopeText)) {
      origins = { kind: 'reflect', how: `\`${write.value.text}\` copied into \`Access-Control-Allow-Origin\`` };
    } else origins = { kind: 'unknown' };
    out.push({ source, node: write.node, line: write.node.startPosition.row + 1, label: write.node.text.split('\n')[0] ?? '', origins, credentials, global: false });
  }
  return out;
}

/** The policies the providers of the source's family read: call by call, then file-level settings. */
function frameworkPolicies(source: SourceFile, family: Family): CorsPolicy[] {
  const readers = providers().byFamily[family].flatMap((p) => (p.provider.cors ? [p.provider.cors] : []));
  const out: CorsPolicy[] = [];
  for (const call of factsOf(source).calls) {
    for (const reader of readers) {
      const policy = reader.call?.(source, call);
      if (policy) {
        out.push(policy);
        break;
      }
    }
  }
  for (const reader of readers) if (reader.file) out.push(...reader.file(source));
  return out;
}

const NGINX_HEADER = /^(?:add_header|more_set_headers)\s+['"]?(Access-Control-Allow-(?:Origin|Credentials))['"]?:?\s+['"]?([^'";\s]+)['"]?/i;

function nginxPolicies(file: InfraFile): CorsPolicy[] {
  const lines = configLines(file);
  const credentials = lines.some((line) => {
    const match = NGINX_HEADER.exec(line.text);
    return match !== null && /credentials/i.test(match[1] ?? '') && /^true$/i.test(match[2] ?? '');
  });
  const guarded = /map\s+\$http_origin|if\s*\(\s*\$http_origin\s*~/.test(file.text);
  const out: CorsPolicy[] = [];
  for (const line of lines) {
    const match = NGINX_HEADER.exec(line.text);
    if (!match || !/origin/i.test(match[1] ?? '')) continue;
    const value = match[2] ?? '';
    const origins: OriginPolicy =
      value === '*'
        ? { kind: 'wildcard' }
        : value === '$http_origin' && !guarded
          ? { kind: 'reflect', how: '`$http_origin` copied into `Access-Control-Allow-Origin`' }
          : value.startsWith('$')
            ? { kind: 'unknown' }
            : { kind: 'list', entries: [] };
    out.push({ source: file, line: line.line, label: line.text, origins, credentials, global: true });
  }
  return out;
}

const corsCache = new WeakMap<CheckContext, CorsPolicy[]>();

/** Every CORS policy the workspace declares: middleware options, settings, manual headers, nginx `add_header`. */
export function corsPolicies(ctx: CheckContext): CorsPolicy[] {
  const cached = corsCache.get(ctx);
  if (cached) return cached;
  const out: CorsPolicy[] = [];
  for (const source of ctx.sources) {
    const family = familyOf(source);
    if (!family || isTestFile(source.file)) continue;
    if (!/access-control-allow|cors/i.test(source.text)) continue;
    out.push(...frameworkPolicies(source, family), ...manualPolicies(source));
  }
  for (const file of infraOf(ctx, ['nginx'])) out.push(...nginxPolicies(file));
  corsCache.set(ctx, out);
  return out;
}

/** Location, endpoint and snippet of a CORS policy, ready for a report. */
export function policyAt(ctx: CheckContext, policy: CorsPolicy, node?: Node): Pick<ReportDescriptor<string>, 'location' | 'evidence' | 'key' | 'endpointId' | 'rootCause'> {
  const target = node ?? policy.node;
  // The same CORS options copied into several apps or files are one decision: one finding lists them all.
  if (isSourceFile(policy.source) && target) {
    const where = at(ctx, policy.source, target);
    return { ...where, key: `${policy.label}\u0000${where.key ?? ''}`, rootCause: target.text.replace(/\s+/g, '').replace(/,([}\])])/g, '$1') };
  }
  const snippet = policy.label.length > 160 ? `${policy.label.slice(0, 159)}…` : policy.label;
  return { location: { file: policy.source.file, line: policy.line }, evidence: { snippet }, key: snippet, rootCause: snippet };
}

export function nullOriginNode(policy: CorsPolicy): Node | 'line' | undefined {
  if (!isSourceFile(policy.source)) return /Allow-Origin['"]?:?\s+['"]?null\b/i.test(policy.label) ? 'line' : undefined;
  if (policy.origins.kind !== 'list') return undefined;
  const entry = policy.origins.entries.find((candidate) => !candidate.regex && candidate.value.trim().toLowerCase() === 'null');
  return entry?.node;
}

function toJsRegex(pattern: string, flags: string, semantics: RegexSemantics): RegExp | undefined {
  let body = pattern;
  let extra = flags.replace(/[gy]/g, '');
  const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
  if (inline) {
    body = body.slice(inline[0].length);
    if (inline[1]?.includes('i') && !extra.includes('i')) extra += 'i';
  }
  body = body.replace(/\(\?P</g, '(?<').replace(/\\Z$/, '$');
  if (semantics === 'match') body = `^(?:${body})`;
  if (semantics === 'fullmatch') body = `^(?:${body})$`;
  try {
    return new RegExp(body, extra);
  } catch {
    return undefined;
  }
}

/** The host a regex means to allow: the literal run at its end, e.g. `\.example\.com` → `example.com`. */
function intendedHost(pattern: string): string | undefined {
  const trimmed = pattern
    .replace(/\$$|\\Z$/, '')
    .replace(/(\(\?::\\?d\+\)\??|\(:\[0-9\]\+\)\?|\/\?|\(\/\.\*\)\?)+$/, '');
  const run = /((?:[A-Za-z0-9-]|\\\.|\.(?![*+?{]))+)$/.exec(trimmed)?.[1];
  if (!run) return undefined;
  const host = run.replace(/\\\./g, '.').replace(/^[.-]+/, '');
  return /^[a-z0-9-]+(\.[a-z0-9-]+)+$/i.test(host) && /\.[a-z]{2,}$/i.test(host) ? host.toLowerCase() : undefined;
}

export type RegexVerdict = { kind: 'any' } | { kind: 'broad'; example: string } | undefined;

/** Tests an origin regex against origins an attacker can register, with the framework's matching semantics. */
export function judgeOriginRegex(pattern: string, flags: string, semantics: RegexSemantics): RegexVerdict {
  const regex = toJsRegex(pattern, flags, semantics);
  if (!regex) return undefined;
  if (regex.test('https://attacker.example') && regex.test('https://evil.io')) return { kind: 'any' };
  const host = intendedHost(pattern);
  if (!host) return undefined;
  const legit = [`https://${host}`, `https://app.${host}`, `https://www.${host}`, `http://${host}`, `http://app.${host}`];
  if (!legit.some((origin) => regex.test(origin))) return undefined;
  const dots = [...host.matchAll(/\./g)].map((match) => match.index);
  const candidates = [
    `https://${host}.evil.io`,
    `https://app.${host}.evil.io`,
    `https://evil${host}`,
    `https://evil-${host}`,
    `https://app.evil-${host}`,
    ...dots.flatMap((index) => {
      const swapped = `${host.slice(0, index)}x${host.slice(index + 1)}`;
      return /\.[a-z]{2,}$/.test(swapped) ? [`https://${swapped}`, `https://app.${swapped}`] : [];
    }),
  ];
  const example = candidates.find((origin) => regex.test(origin));
  return example ? { kind: 'broad', example } : undefined;
}

// ─── Endpoints and handlers ─────────────────────────────────────────────────

export interface HandlerInfo {
  source: SourceFile;
  /** The handler function. */
  node: Node;
  /** The route declaration through the handler's end (decorators, middleware arguments and body). */
  routeText: string;
}


const FUNCTION_TYPES = new Set(['function_definition', 'function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'decorated_definition']);

/** A function node: named, since the `function` keyword of a declaration is an anonymous leaf of the same type name. */
function isFunction(node: Node): boolean {
  return node.isNamed && FUNCTION_TYPES.has(node.type);
}

/** The handler function of a code endpoint, located by its recorded span. */
export function handlerOf(ctx: CheckContext, endpoint: Endpoint): HandlerInfo | undefined {
  const handler = endpoint.handler;
  if (!handler) return undefined;
  const source = sourceByFile(ctx, handler.file);
  if (!source) return undefined;
  const start = { row: handler.line - 1, column: Math.max(0, (handler.column ?? 1) - 1) };
  let node: Node | null = source.tree.rootNode.descendantForPosition(start);
  while (node && !(isFunction(node) && node.startPosition.row === handler.line - 1)) node = parentOf(node);
  if (!node) {
    node = source.tree.rootNode.descendantForPosition(start);
    while (node && !isFunction(node)) node = parentOf(node);
  }
  if (!node) return undefined;
  if (node.type === 'decorated_definition') node = node.childForFieldName('definition') ?? node;
  const declared = endpoint.sources.find((s) => s.kind === 'code' && s.location.file === handler.file)?.location.line ?? handler.line;
  const first = Math.min(declared, node.startPosition.row + 1);
  let decoratorStart = first;
  while (decoratorStart > 1 && /^\s*@/.test(lineText(source, decoratorStart - 1) ?? '')) decoratorStart -= 1;
  // Endpoints that resolve to the same function (route lambdas inside one Ktor `fun Route.x()`, Go
  // func literals inside one registration function) share its HandlerInfo: its text is joined once.
  let byKey = handlerCache.get(source.tree);
  if (!byKey) handlerCache.set(source.tree, (byKey = new Map<string, HandlerInfo>()));
  const key = `${node.startIndex}:${node.endIndex}:${node.type}:${decoratorStart}`;
  const known = byKey.get(key);
  if (known && known.source === source) return known;
  const routeText = Array.from({ length: Math.max(0, node.endPosition.row + 2 - decoratorStart) }, (_, index) => lineText(source, decoratorStart + index) ?? '').join('\n');
  const info = { source, node, routeText };
  byKey.set(key, info);
  return info;
}

/** HandlerInfo by tree and function span (see handlerOf). */
const handlerCache = new WeakMap<object, Map<string, HandlerInfo>>();

/** Calls inside a node, from the file's call index, in source order. */
export function callsIn(source: SourceFile, node: Node): CallSite[] {
  return callsWithin(source, node);
}

const MONEY = new Set(['payments', 'payment', 'paymentintents', 'charges', 'charge', 'refunds', 'refund', 'transfers', 'transfer', 'payouts', 'payout', 'orders', 'order', 'checkout', 'checkouts', 'transactions', 'disbursements', 'withdrawals', 'deposits', 'topups', 'purchases']);
const ACTIONS = new Set(['capture', 'confirm', 'pay', 'charge', 'execute', 'complete', 'authorize', 'place', 'submit']);
const READ_ONLY = new Set(['search', 'query', 'validate', 'preview', 'quote', 'quotes', 'estimate', 'calculate', 'simulate', 'list', 'export', 'count']);

/** `POST /payments`, `POST /orders/{id}/refunds`, `POST /invoices/{id}/pay`: creates or moves money. */
export function movesMoney(path: string): boolean {
  const segments = staticSegments(path);
  const last = segments[segments.length - 1];
  if (last === undefined || READ_ONLY.has(last)) return false;
  if (MONEY.has(last)) return true;
  return ACTIONS.has(last) && segments.slice(0, -1).some((segment) => MONEY.has(segment));
}

const WEBHOOK_PATH = /(^|[/_-])(webhooks?|hooks?|ipn)([/_-]|$)/i;
// Words that name webhooks in some APIs and ordinary routes in others (OAuth callbacks, the app's own notifications).
const AMBIGUOUS_PATH = /(^|[/_-])(callbacks?|notify|notifications?|events?)([/_-]|$)/i;
const OAUTH_PATH = /(^|[/_-])(auth|oauth2?|login|signin|sso|saml|oidc|openid|social|accounts?)([/_-]|$)/i;
/** What a signing sender posts: a signature header, a raw body kept for an HMAC (and the frameworks' own ways, from their providers' `webhook.signedInput`), or an event envelope. */
const SIGNED_INPUT =
  /['"`][\w-]*signature[\w-]*['"`]|\bsig(?:nature)?_?header\b|x-webhook|rawBody|\b(event|payload|body|data|notification)\s*(?:\.|\[\s*['"])(type|event_type|eventType|event|topic|action|object_kind)\b/i;

let senders: { signingSdk: RegExp; verifiers: RegExp } | undefined;

/** The webhook-signing services' SDK imports and verification calls (WebhookSenderProvider in the plugin contract), one alternation each. */
function webhookSenders(): { signingSdk: RegExp; verifiers: RegExp } {
  if (!senders) {
    const all = webhookSenderProviders();
    const python = all.flatMap((sender) => sender.modules?.python ?? []).join('|');
    const js = all.flatMap((sender) => sender.modules?.js ?? []).join('|');
    senders = {
      // The file imports the SDK of a service that signs the calls it sends.
      signingSdk: new RegExp(String.raw`(?:^|\n)\s*(?:from|import)\s+(?:${python})\b|require\(\s*['"](?:${js})['"]|from\s+['"](?:${js})['"]`),
      verifiers: new RegExp(all.flatMap((sender) => sender.verifiers ?? []).join('|')),
    };
  }
  return senders;
}
const OAUTH_RETURN = /\b(query|args|GET|searchParams)\b[^\n]{0,40}\b(code|state)\b|authorize_access_token|fetch_token|exchangeCode|getToken\s*\(/;

/**
 * A route that receives calls from another system. The handler parsing a provider's webhook
 * decides; a `webhooks`/`hooks`/`ipn` path is enough; words other routes use as well (`callback`,
 * `notifications`, `events`) need signature-shaped input, and an OAuth redirect target is never one.
 */
const signingProviderCache = new WeakMap<SourceFile, boolean>();

/** Whether a file imports a webhook provider's SDK: one test of the file's text per file, not per route. */
function importsSigningProvider(source: SourceFile): boolean {
  let found = signingProviderCache.get(source);
  if (found === undefined) {
    found = webhookSenders().signingSdk.test(source.text);
    signingProviderCache.set(source, found);
  }
  return found;
}

export function isWebhookReceiver(endpoint: Endpoint, handler: HandlerInfo | undefined): boolean {
  if (!['POST', 'PUT', 'ANY'].includes(endpoint.method.toUpperCase())) return false;
  const facts = handler ? routeFactsOf(handler) : undefined;
  if (facts && facts.libraries()) return true;
  if (endpoint.auth.state === 'protected') return false;
  if (facts && facts.oauthReturn()) return false;
  const signed = facts !== undefined && facts.signed();
  // Routes that manage the app's own outgoing webhooks (`POST /webhooks` with the target `url`) receive none.
  if (facts !== undefined && !signed && facts.subscription()) return false;
  if (WEBHOOK_PATH.test(endpoint.path)) return true;
  if (!AMBIGUOUS_PATH.test(endpoint.path) || OAUTH_PATH.test(endpoint.path)) return false;
  return signed && endpoint.auth.state === 'unprotected';
}

interface RouteFacts {
  libraries(): boolean;
  oauthReturn(): boolean;
  signed(): boolean;
  subscription(): boolean;
}

/** What isWebhookReceiver reads of a handler's route text, each tested once per handler (endpoints sharing a handler share them). */
const routeFactsCache = new WeakMap<HandlerInfo, RouteFacts>();

function routeFactsOf(handler: HandlerInfo): RouteFacts {
  let facts = routeFactsCache.get(handler);
  if (facts) return facts;
  const once = (test: () => boolean): (() => boolean) => {
    let value: boolean | undefined;
    return () => (value ??= test());
  };
  let code: string | undefined;
  const uncommented = (): string => (code ??= handler.routeText.replace(/^\s*(#|\/\/).*$/gm, ''));
  facts = {
    libraries: once(() => webhookLibraries().test(handler.routeText)),
    oauthReturn: once(() => OAUTH_RETURN.test(handler.routeText)),
    signed: once(() => webhookInput().signedInput.test(uncommented()) || importsSigningProvider(handler.source)),
    subscription: once(() => SUBSCRIPTION.test(uncommented())),
  };
  routeFactsCache.set(handler, facts);
  return facts;
}

/** A handler storing a webhook subscription: the target URL read from the request body. */
const SUBSCRIPTION = /\b(body|data|payload|dto|json|form|webhook|subscription)\s*(?:\.|\[\s*['"]|\.get\(\s*['"])(url|target_?url|targetUrl|callback_?url|callbackUrl|endpoint_?url|endpointUrl|webhook_?url|webhookUrl)\b|:\s*(?=\w*(?:Webhook|Subscription|Notifier))(?=\w*(?:Create|Update|Input|In\b))\w+/;

/** Service SDK calls that verify a webhook's signature (and, except GitHub's, its timestamp): the webhook senders' `verifiers`. */
export function webhookLibraries(): RegExp {
  return webhookSenders().verifiers;
}

/** HMAC computed and compared by hand. */
export const MANUAL_HMAC = /\bhmac\.new\s*\(|\bcreateHmac\s*\(|\bhmac\.HMAC\s*\(|\bHMAC\s*\(|crypto\.subtle\.verify\s*\(/;
export const CONSTANT_TIME = /compare_digest\s*\(|timingSafeEqual\s*\(|constant_time_compare\s*\(|safeCompare\s*\(|tsscmp|secure_compare/;

/** A helper or middleware whose name says it checks the request's signature. */
export const VERIFY_HELPER = /\b(verify|validate|check|authenticate)_?\w*(signature|signed|hmac|webhook|sig)\w*\s*[(,)\]]|\b\w*(signature|hmac|webhook)_?(verif|valid|check|guard|auth)\w*\s*[(,)\]]|@\w*(verify|validate|require)_?\w*(signature|webhook|hmac)\w*/i;

export function verifiesSignature(text: string): boolean {
  return webhookLibraries().test(text) || VERIFY_HELPER.test(text) || (MANUAL_HMAC.test(text) && (CONSTANT_TIME.test(text) || /==|!=/.test(text)));
}

/** Reads of the request body in a handler: the Fetch API's readers, a raw body, an event payload, and the frameworks' (their providers' `webhook.bodyRead`). */
const BODY_READ = /\brequest\.body\b|await\s+\w*\.(json|text|body)\s*\(|\.rawBody\b|\bpayload\b|\bevent\b/;

let webhookPatterns: { signedInput: RegExp; bodyRead: RegExp } | undefined;

/** The webhook input patterns, the providers' sources joined with the driver's own. */
function webhookInput(): { signedInput: RegExp; bodyRead: RegExp } {
  if (!webhookPatterns) {
    const all = providers().all.flatMap((p) => (p.provider.webhook ? [p.provider.webhook] : []));
    webhookPatterns = {
      signedInput: new RegExp([SIGNED_INPUT.source, ...webhookSenderProviders().flatMap((sender) => sender.headers ?? []), ...all.flatMap((webhook) => webhook.signedInput ?? [])].join('|'), 'i'),
      bodyRead: new RegExp([BODY_READ.source, ...all.flatMap((webhook) => webhook.bodyRead ?? [])].join('|')),
    };
  }
  return webhookPatterns;
}

/** True when a handler's text reads the request body. */
export function readsBody(text: string): boolean {
  return webhookInput().bodyRead.test(text);
}

/** "the Express app created by `express()`", "the Django project configured in `settings.py`". */
export function describeApp(app: AppEntry): string {
  const maker = providers().byFamily[app.family].find((p) => p.id === app.framework)?.provider.app;
  if (maker?.describe) return maker.describe(app);
  return `the ${maker?.name ?? app.framework} app created by \`${app.label}\``;
}

/** Where an app-wide finding goes: the call that creates the app. */
export function appAt(ctx: CheckContext, app: AppEntry): Pick<ReportDescriptor<string>, 'location' | 'evidence' | 'key'> {
  const where = at(ctx, app.source, app.node);
  return { location: where.location, ...(where.evidence ? { evidence: where.evidence } : {}), key: `${app.framework}:${app.label}` };
}

const definitionsCache = new WeakMap<SourceFile, Map<string, Node>>();

function definitionsOf(source: SourceFile): Map<string, Node> {
  let map = definitionsCache.get(source);
  if (map) return map;
  map = new Map<string, Node>();
  for (const node of nodesOfType(source, ['function_definition', 'function_declaration', 'method_definition', 'variable_declarator'])) {
    const name = node.childForFieldName('name');
    const value = node.type === 'variable_declarator' ? node.childForFieldName('value') : node;
    if (!name || !value || !FUNCTION_TYPES.has(value.type)) continue;
    map.set(name.text, value);
  }
  definitionsCache.set(source, map);
  return map;
}

/** The handler's route text plus the bodies of same-file functions it calls (one level), where verification often lives. */
export function expandedText(handler: HandlerInfo): { text: string; helpers: Node[] } {
  const definitions = definitionsOf(handler.source);
  const helpers: Node[] = [];
  for (const call of callsIn(handler.source, handler.node)) {
    const name = call.written.replace(/^(this|self)\./, '');
    const definition = definitions.get(name);
    if (definition && !isInside(definition, handler.node) && !helpers.includes(definition)) helpers.push(definition);
  }
  const routeLevel = handler.routeText;
  for (const name of routeLevel.matchAll(/[(,]\s*([A-Za-z_$][\w$]*)\s*(?=[,)])/g)) {
    const definition = definitions.get(name[1] ?? '');
    if (definition && !isInside(definition, handler.node) && !helpers.includes(definition)) helpers.push(definition);
  }
  const text = [routeLevel, ...helpers.map((helper) => helper.text)].join('\n').replace(/^\s*(#|\/\/).*$/gm, '');
  return { text, helpers };
}

/** Router- or app-level middleware that verifies signatures for this handler: `router.use(verifyWebhook)` in its file, or a mount of its path. */
export function verifiedByMiddleware(ctx: CheckContext, endpoint: Endpoint, handler: HandlerInfo): boolean {
  for (const { source, mount } of verifyingMiddleware(ctx)) {
    if (source === handler.source) return true;
    if (mount && endpoint.path.startsWith(mount.replace(/\/$/, ''))) return true;
  }
  return false;
}

const verifyingCache = new WeakMap<CheckContext, { source: SourceFile; mount: string | undefined }[]>();

/** The JS `.use(…)` calls that verify signatures, with their mount path: found once per context, not once per webhook route. */
function verifyingMiddleware(ctx: CheckContext): { source: SourceFile; mount: string | undefined }[] {
  let found = verifyingCache.get(ctx);
  if (found) return found;
  found = [];
  for (const source of sourcesOf(ctx, 'js')) {
    for (const call of factsOf(source).calls) {
      if (!/\.use$/.test(call.written) || !verifiesSignature(call.args.map((arg) => arg.text).join(', ') + ' ')) continue;
      found.push({ source, mount: stringValue(call.args[0]) });
    }
  }
  verifyingCache.set(ctx, found);
  return found;
}

/** Calls that change state: writes, messages, jobs. */
export const SIDE_EFFECT = /(^|\.)(update\w*|insert\w*|save|create\w*|delete\w*|destroy|remove|execute|query|commit|add|publish|enqueue|send\w*|delay|apply_async|put|increment\w*|incr|credit\w*|charge\w*|transfer\w*|refund\w*|emit|fulfil\w*|fulfill\w*|mark\w*|process\w*|handle\w*)$/i;

/** Where the handler first changes state, if it does. */
export function firstSideEffect(handler: HandlerInfo): CallSite | undefined {
  return callsIn(handler.source, handler.node).find((call) => SIDE_EFFECT.test(call.written) && !/^(res|reply|ctx|response|logger|log|console)\./.test(call.written) && !/(^|\.)(headers|META)\.get$/.test(call.written));
}

/** The source line a node starts on, trimmed: a snippet that tells apart identical expressions on different lines. */
export function lineSnippet(source: SourceFile, node: Node, max = 160): string {
  const line = (lineText(source, node.startPosition.row + 1) ?? node.text).trim();
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/**
 * Whether a comparison tests for production (`NODE_ENV === 'production'`,
 * `config.get('PRODUCTION') === 'true'`): true when it holds in production, false when it holds
 * outside it, undefined when it is no such test. Identifiers are followed to their `const` value.
 */
function productionTest(source: SourceFile, node: Node | null | undefined, depth = 0): boolean | undefined {
  if (!node || depth > 4) return undefined;
  if (node.type === 'parenthesized_expression') return productionTest(source, node.namedChildren[0], depth + 1);
  if (node.type === 'unary_expression' && node.childForFieldName('operator')?.text === '!') {
    const inner = productionTest(source, node.childForFieldName('argument'), depth + 1);
    return inner === undefined ? undefined : !inner;
  }
  if (node.type === 'identifier') {
    const value = resolveValue(source, node);
    return value && value.id !== node.id ? productionTest(source, value, depth + 1) : undefined;
  }
  if (node.type !== 'binary_expression') return undefined;
  const operator = node.childForFieldName('operator')?.text ?? '';
  if (!['===', '==', '!==', '!='].includes(operator)) return undefined;
  const strings = nodesOfTypeWithin(node, 'string').map((child) => stringValue(child) ?? '');
  if (!strings.some((value) => /^prod(uction)?$/i.test(value))) return undefined;
  const negated = strings.some((value) => /^(false|0|no)$/i.test(value));
  return (operator === '===' || operator === '==') !== negated;
}

function nodesOfTypeWithin(node: Node, type: string): Node[] {
  return node.descendantsOfType(type).filter((child): child is Node => child !== null);
}

/**
 * The node runs only outside production: in the branch of an `if` / `?:` whose condition tests for
 * production and says "not production" (`if (isProduction) {…} else { here }`).
 */
export function developmentOnly(source: SourceFile, node: Node): boolean {
  if (!isJsFamily(source.language)) return false;
  let child: Node = node;
  for (let current = parentOf(node); current; child = current, current = parentOf(current)) {
    if (current.type !== 'if_statement' && current.type !== 'ternary_expression') continue;
    const production = productionTest(source, current.childForFieldName('condition'));
    if (production === undefined) continue;
    const consequence = current.childForFieldName('consequence');
    const alternative = current.childForFieldName('alternative');
    if (consequence && isInside(child, consequence)) return !production;
    if (alternative && isInside(child, alternative)) return production;
  }
  return false;
}
