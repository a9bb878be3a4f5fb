/**
 * Ktor routes: `routing { route("/x") { get("/{id}") { … } } }` (and `install(Routing) { … }`),
 * nested `route`s, `authenticate("name") { … }` blocks (`optional = true` does not reject), and
 * extension functions `fun Route.users()` called inside other routes, followed across files.
 * Mechanisms come from the providers `install(Authentication) { jwt("name") { … } }` declares in
 * the route's own service (module), or in a module without routes of its own (shared auth code).
 * A service (module) is one application: its routes name the file that starts it (`embeddedServer(…)`,
 * `EngineMain`, else its `Application.module()`), and its `install(RateLimit) { global { … } }` (or a
 * module's without routes) runs in front of each of its routes, not another service's.
 */
import type { Node } from 'web-tree-sitter';
import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, AuthMechanism, Diagnostic, Location, Parameter } from '../../../model/types.js';
import { lookupTable } from '../../../analysis/lookup.js';
import type { CodeCollector, CollectedEndpoint, CollectorResult } from '../collector.js';
import { descendants, jvmFiles, locate, type JvmFile, type JvmMethod } from '../jvm/ast.js';
import { asCall, statementsOf, type JvmCall } from '../jvm/calls.js';
import { joinPaths, normaliseTemplate } from '../jvm/paths.js';
import { JvmProgram, memberName, type Scope } from '../jvm/values.js';

const VERBS: Record<string, string> = lookupTable({ get: 'GET', post: 'POST', put: 'PUT', delete: 'DELETE', patch: 'PATCH', head: 'HEAD', options: 'OPTIONS' });
const PROVIDERS: Record<string, AuthMechanism> = lookupTable({ jwt: 'jwt', basic: 'basic', digest: 'basic', form: 'session', session: 'session', oauth: 'oauth2', bearer: 'jwt', ldap: 'basic' });
const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const MAX_DEPTH = 24;

interface Guard {
  names: string[];
  optional: boolean;
  where: Location;
}

interface Walk {
  /** The file that starts the application whose `routing { }` is being walked. */
  appFile: string | undefined;
  program: JvmProgram;
  /** The providers of the service whose `routing { }` is being walked (its own module, then modules without routes). */
  providers: Map<string, AuthMechanism>;
  /** Provider names installed only by other services of the repository. */
  foreign: Set<string>;
  extensions: Map<string, JvmMethod[]>;
  endpoints: CollectedEndpoint[];
  diagnostics: Diagnostic[];
  /** Extension functions on the current call path (recursion guard). */
  stack: JvmMethod[];
}

function authOf(guards: readonly Guard[], walk: Walk): AuthEvidence {
  const required = guards.filter((guard) => !guard.optional);
  const last = required.at(-1);
  if (last) {
    const names = required.flatMap((guard) => (guard.names.length === 0 ? [''] : guard.names));
    const mechanisms = [...new Set(names.map((name) => walk.providers.get(name) ?? 'unknown'))];
    // Ktor refuses to start a route whose provider is not installed: no request reaches it without credentials, but the mechanism is not this service's to tell.
    const elsewhere = names.filter((name) => !walk.providers.has(name) && walk.foreign.has(name));
    const note = elsewhere.length > 0 ? `; no provider ${elsewhere.map((name) => `"${name}"`).join(', ')} is installed in this service (only in another service of the repository)` : '';
    return { state: 'protected', mechanisms, where: last.where, scope: 'router', detail: `authenticate(${last.names.map((name) => `"${name}"`).join(', ')})${note}` };
  }
  const optional = guards.at(-1);
  if (optional) return { state: 'unknown', mechanisms: [], where: optional.where, detail: 'authenticate(optional = true) lets requests without credentials through' };
  return { state: 'unprotected', mechanisms: ['none'], detail: 'no authenticate { } block encloses the route' };
}

function stringArg(node: Node | undefined, walk: Walk, scope: Scope): string | undefined {
  if (!node) return undefined;
  return walk.program.strings(node, scope)?.[0];
}

/**
 * `limits`: the `rateLimit(…) { }` blocks around the current one, outermost first (the rate-limit
 * provider in ./rate-limit.ts reads them from the endpoint's `middleware`).
 */
function walkBlock(block: Node, prefix: string, guards: Guard[], scope: Scope, walk: Walk, depth: number, limits: Location[] = []): void {
  if (depth > MAX_DEPTH) return;
  for (const statement of statementsOf(block)) {
    const call = asCall(statement);
    if (!call) continue;
    walkCall(call, prefix, guards, scope, walk, depth, limits);
  }
}

function walkCall(call: JvmCall, prefix: string, guards: Guard[], scope: Scope, walk: Walk, depth: number, limits: Location[]): void {
  const file = scope.file;
  if (call.receiver === undefined || call.receiver.type === 'this_expression') {
    const verb = VERBS[call.name];
    if (verb && call.lambda) {
      const first = call.args[0];
      const path = first ? stringArg(first, walk, scope) : '';
      if (path === undefined) {
        walk.diagnostics.push({ level: 'warning', source: 'collector:ktor', file: file.source.file, line: call.node.startPosition.row + 1, message: `The path of ${call.name}(…) is not a constant: the route is left out.` });
        return;
      }
      const full = normaliseTemplate(joinPaths(prefix, path));
      const names = [...full.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '');
      walk.endpoints.push({
        framework: 'ktor',
        method: verb,
        path: full,
        protocol: 'rest',
        sources: [{ kind: 'code', location: locate(file, call.node), via: 'ktor' }],
        parameters: names.map((name): Parameter => ({ name, in: 'path', required: true })),
        auth: authOf(guards, walk),
        deprecated: false,
        handler: locate(file, call.lambda),
        ...(limits.length > 0 ? { middleware: limits } : {}),
        ...(walk.appFile === undefined ? {} : { appFile: walk.appFile, appFileIfSeveral: true as const }),
      });
      return;
    }
    if (call.name === 'route' && call.lambda) {
      const path = stringArg(call.args[0], walk, scope);
      if (path === undefined) {
        walk.diagnostics.push({ level: 'warning', source: 'collector:ktor', file: file.source.file, line: call.node.startPosition.row + 1, message: 'The path of route(…) is not a constant: the routes inside are left out.' });
        return;
      }
      // `route("/x", HttpMethod.Post) { handle { … } }`.
      const method = call.args[1] ? memberName(call.args[1])?.toUpperCase() : undefined;
      if (method && /^(GET|POST|PUT|DELETE|PATCH|HEAD|OPTIONS)$/.test(method) && /\bhandle\s*\{/.test(call.lambda.text)) {
        const full = normaliseTemplate(joinPaths(prefix, path));
        walk.endpoints.push({
          framework: 'ktor',
          method,
          path: full,
          protocol: 'rest',
          sources: [{ kind: 'code', location: locate(file, call.node), via: 'ktor' }],
          parameters: [...full.matchAll(/\{([^}]+)\}/g)].map((m): Parameter => ({ name: m[1] ?? '', in: 'path', required: true })),
          auth: authOf(guards, walk),
          deprecated: false,
          ...(limits.length > 0 ? { middleware: limits } : {}),
          ...(walk.appFile === undefined ? {} : { appFile: walk.appFile, appFileIfSeveral: true as const }),
        });
        return;
      }
      walkBlock(call.lambda, joinPaths(prefix, path), guards, scope, walk, depth + 1, limits);
      return;
    }
    if (call.name === 'authenticate' && call.lambda) {
      const optionalNode = call.named.get('optional');
      const names = call.args.filter((arg) => arg !== optionalNode && arg !== call.named.get('strategy')).flatMap((arg) => walk.program.strings(arg, scope) ?? []);
      const guard: Guard = { names, optional: optionalNode?.text === 'true', where: locate(file, call.node) };
      walkBlock(call.lambda, prefix, [...guards, guard], scope, walk, depth + 1, limits);
      return;
    }
    if (call.name === 'rateLimit' && call.lambda) {
      walkBlock(call.lambda, prefix, guards, scope, walk, depth + 1, [...limits, locate(file, call.node)]);
      return;
    }
    if ((call.name === 'routing' || call.name === 'install') && call.lambda) {
      if (call.name === 'install' && call.args[0]?.text !== 'Routing') return;
      walkBlock(call.lambda, prefix, guards, scope, walk, depth + 1, limits);
      return;
    }
    // An extension function on Route called here: `userRoutes(service)`.
    const targets = extensionTargets(walk.extensions.get(call.name) ?? [], file);
    for (const target of targets) {
      if (walk.stack.includes(target) || !target.body) continue;
      walk.stack.push(target);
      walkBlock(target.body, prefix, guards, { file: target.file, cls: target.owner }, walk, depth + 1, limits);
      walk.stack.pop();
    }
    // Other builders with a lambda (`intercept`, `rateLimit(…) { }`, `install(…)` inside a route): walk inside.
    if (!VERBS[call.name] && call.lambda && targets.length === 0 && call.name !== 'handle') walkBlock(call.lambda, prefix, guards, scope, walk, depth + 1, limits);
  }
}

function directoryOf(file: JvmFile): string {
  const at = file.source.file.lastIndexOf('/');
  return at < 0 ? '' : file.source.file.slice(0, at);
}

/** Number of leading directory segments two paths share. */
function sharedDepth(a: string, b: string): number {
  const left = a.split('/');
  const right = b.split('/');
  let depth = 0;
  while (depth < left.length && depth < right.length && left[depth] === right[depth] && left[depth] !== '') depth += 1;
  return depth;
}

/**
 * The declarations a call `name()` in `from` reaches: Kotlin's lookup (the caller's package, an explicit
 * import, a wildcard import); when two services of one repository declare the same function in the same
 * package (two Ktor projects generated as `com.example`), each service's source set holds its own, so the
 * declarations nearest the caller's directory win.
 */
function extensionTargets(declared: readonly JvmMethod[], from: JvmFile): JvmMethod[] {
  if (declared.length <= 1) return [...declared];
  const visible = declared.filter((fn) => {
    const qualified = fn.file.pkg === '' ? fn.name : `${fn.file.pkg}.${fn.name}`;
    return fn.file.pkg === from.pkg || from.imports.get(fn.name) === qualified || from.wildcards.includes(fn.file.pkg);
  });
  const candidates = visible.length > 0 ? visible : declared;
  const here = directoryOf(from);
  const depths = candidates.map((fn) => sharedDepth(directoryOf(fn.file), here));
  const best = Math.max(...depths);
  return candidates.filter((_, index) => depths[index] === best);
}

/**
 * The module (Gradle/Maven subproject) a file belongs to: its path before `src/`. Two Ktor services of
 * one repository each install their own providers; a provider name means what its own service installs.
 */
function moduleOf(file: JvmFile): string {
  return ktorModule(file.source.file);
}

/** The module (Gradle/Maven subproject) of a file path: its path before `src/` (`''` at the root). */
export function ktorModule(path: string): string {
  const at = path.search(/(^|\/)src\//);
  return at < 0 ? '' : path.slice(0, at);
}

const STARTS = /\bembeddedServer\s*\(|\bEngineMain\b/;
const MODULE_FUNCTION = /\bfun\s+Application\s*\.\s*module\s*\(/;

/**
 * Each module's application file: the file that starts the server (`embeddedServer(…)`, `EngineMain.main`),
 * else the one declaring `Application.module()`, else the first file holding a `routing { }` entry.
 */
function applicationFiles(files: readonly JvmFile[], entries: readonly { fn: JvmMethod }[]): Map<string, string> {
  const rank = (file: JvmFile): number => (STARTS.test(file.source.text) ? 0 : MODULE_FUNCTION.test(file.source.text) ? 1 : 2);
  const entryFiles = new Set(entries.map((entry) => entry.fn.file));
  const candidates = files.filter((file) => entryFiles.has(file) || rank(file) < 2).map((file) => ({ file, rank: rank(file) }));
  candidates.sort((a, b) => a.rank - b.rank || (a.file.source.file < b.file.source.file ? -1 : a.file.source.file > b.file.source.file ? 1 : 0));
  const out = new Map<string, string>();
  for (const { file } of candidates) if (!out.has(moduleOf(file))) out.set(moduleOf(file), file.source.file);
  return out;
}

/** `install(RateLimit) { global { … } }`: module → where each global limiter is declared (the rate-limit provider reads it). */
function globalLimiters(files: readonly JvmFile[]): Map<string, Location[]> {
  const out = new Map<string, Location[]>();
  for (const file of files) {
    if (!file.source.text.includes('RateLimit')) continue;
    for (const node of descendants(file.source.tree.rootNode, CALLS)) {
      const call = asCall(node);
      if (call?.name !== 'install' || call.args[0]?.text !== 'RateLimit' || !call.lambda) continue;
      for (const statement of statementsOf(call.lambda)) {
        const inner = asCall(statement);
        if (inner?.name !== 'global' || !inner.lambda) continue;
        const list = out.get(moduleOf(file)) ?? [];
        list.push(locate(file, inner.node));
        out.set(moduleOf(file), list);
      }
    }
  }
  return out;
}

/** `install(Authentication) { jwt("auth-jwt") { … } }` / `authentication { basic { … } }`: module → provider name → mechanism. */
function providers(files: readonly JvmFile[]): Map<string, Map<string, AuthMechanism>> {
  const byModule = new Map<string, Map<string, AuthMechanism>>();
  for (const file of files) {
    let out = byModule.get(moduleOf(file));
    if (!out) {
      out = new Map<string, AuthMechanism>();
      byModule.set(moduleOf(file), out);
    }
    for (const node of descendants(file.source.tree.rootNode, CALLS)) {
      const call = asCall(node);
      if (!call?.lambda) continue;
      const isAuth = (call.name === 'install' && call.args[0]?.text === 'Authentication') || call.name === 'authentication';
      if (!isAuth) continue;
      for (const statement of statementsOf(call.lambda)) {
        const inner = asCall(statement);
        const mechanism = inner ? PROVIDERS[inner.name] : undefined;
        if (!inner || !mechanism) continue;
        const name = inner.args[0] ? (new JvmProgram([file]).strings(inner.args[0], { file })?.[0] ?? '') : '';
        out.set(name, mechanism);
      }
    }
  }
  return byModule;
}

/** The providers a service's routes see: modules without routes of their own (a shared auth module) first, its own module over them. */
function providersFor(module: string, byModule: ReadonlyMap<string, ReadonlyMap<string, AuthMechanism>>, serving: ReadonlySet<string>): { providers: Map<string, AuthMechanism>; foreign: Set<string> } {
  const providers = new Map<string, AuthMechanism>();
  const foreign = new Set<string>();
  for (const [other, declared] of byModule) {
    if (other === module) continue;
    if (!serving.has(other)) for (const [name, mechanism] of declared) providers.set(name, mechanism);
    else for (const name of declared.keys()) foreign.add(name);
  }
  for (const [name, mechanism] of byModule.get(module) ?? []) providers.set(name, mechanism);
  for (const name of providers.keys()) foreign.delete(name);
  return { providers, foreign };
}

export const ktorCollector: CodeCollector = {
  id: 'ktor',
  languages: ['kotlin'],
  enablers: ['ktor-server-core', 'ktor-server-core-jvm', 'ktor-server-netty'],
  isEnabled(project: ProjectInfo, sources: readonly SourceFile[]): boolean {
    return (project.dependencies.maven ?? []).some((dep) => dep.startsWith('ktor-server')) || sources.some((source) => source.language === 'kotlin' && /import\s+io\.ktor\.server\./.test(source.text));
  },
  collect(sources: readonly SourceFile[]): CollectorResult {
    const files = jvmFiles(sources).filter((file) => file.language === 'kotlin');
    const program = new JvmProgram(files);
    const extensions = new Map<string, JvmMethod[]>();
    const functions = [...files.flatMap((file) => file.functions), ...program.classes.flatMap((cls) => cls.methods)];
    for (const fn of functions) {
      if (fn.receiver !== 'Route' && fn.receiver !== 'Routing') continue;
      const list = extensions.get(fn.name) ?? [];
      list.push(fn);
      extensions.set(fn.name, list);
    }
    const byModule = providers(files);
    const walk: Walk = { appFile: undefined, program, providers: new Map(), foreign: new Set(), extensions, endpoints: [], diagnostics: [], stack: [] };
    // Entry points: every `routing { }` / `install(Routing) { }` outside Route extensions.
    const entries: { fn: JvmMethod; lambda: Node }[] = [];
    for (const fn of functions) {
      if (!fn.body || fn.receiver === 'Route' || fn.receiver === 'Routing') continue;
      for (const node of descendants(fn.body, CALLS)) {
        const call = asCall(node);
        if (!call?.lambda || (call.name !== 'routing' && !(call.name === 'install' && call.args[0]?.text === 'Routing'))) continue;
        entries.push({ fn, lambda: call.lambda });
      }
    }
    const serving = new Set(entries.map((entry) => moduleOf(entry.fn.file)));
    const resolved = new Map<string, ReturnType<typeof providersFor>>();
    const appFiles = applicationFiles(files, entries);
    const limiters = globalLimiters(files);
    // A service's global limiters: its own, and those of modules without routes of their own (shared setup code).
    const shared = [...limiters].filter(([module]) => !serving.has(module)).flatMap(([, where]) => where);
    for (const { fn, lambda } of entries) {
      const module = moduleOf(fn.file);
      let seen = resolved.get(module);
      if (!seen) {
        seen = providersFor(module, byModule, serving);
        resolved.set(module, seen);
      }
      walk.providers = seen.providers;
      walk.foreign = seen.foreign;
      walk.appFile = appFiles.get(module);
      walkBlock(lambda, '', [], { file: fn.file, cls: fn.owner }, walk, 0, [...shared, ...(limiters.get(module) ?? [])]);
    }
    return { endpoints: walk.endpoints, diagnostics: walk.diagnostics };
  },
};
