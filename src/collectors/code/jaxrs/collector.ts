/**
 * JAX-RS (Jakarta and javax: Jersey, RESTEasy, Quarkus, Helidon, Dropwizard) routes: `@Path` on the
 * class (or on an interface it implements) joined with the method's `@Path`, `@GET`…, sub-resource
 * locators, `@ApplicationPath` and Quarkus' `quarkus.http.root-path` / `quarkus.rest.path`. Auth from
 * `@RolesAllowed` / `@PermitAll` / `@DenyAll` / Quarkus `@Authenticated`, only where an enforcement
 * is provable (Quarkus security, Jersey's `RolesAllowedDynamicFeature`), and Quarkus' path-based
 * `quarkus.http.auth.permission.*` policies.
 */
import type { InfraFile, ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, AuthMechanism, Diagnostic, Location, Parameter, ParamSource } from '../../../model/types.js';
import { lookupTable } from '../../../analysis/lookup.js';
import type { CodeCollector, CollectedEndpoint, CollectorResult } from '../collector.js';
import { annotation, hasAnnotation, isJvm, jvmFiles, locate, type JvmAnnotation, type JvmClass, type JvmMethod } from '../jvm/ast.js';
import { JvmConfig, type Properties } from '../jvm/config.js';
import { antCoverage, joinPaths, normaliseTemplate } from '../jvm/paths.js';
import { JvmProgram, type Scope } from '../jvm/values.js';

const VERBS: Record<string, string> = lookupTable({ GET: 'GET', POST: 'POST', PUT: 'PUT', DELETE: 'DELETE', PATCH: 'PATCH', HEAD: 'HEAD', OPTIONS: 'OPTIONS' });
const PARAMS: Record<string, ParamSource> = lookupTable({ PathParam: 'path', QueryParam: 'query', HeaderParam: 'header', CookieParam: 'cookie', FormParam: 'form' });
const MAX_LOCATOR_DEPTH = 6;

export interface RoleEnforcement {
  enforced: boolean;
  /** Why annotations are (not) provably enforced. */
  reason: string;
  mechanisms: AuthMechanism[];
}

/** The verdict of `@RolesAllowed` / `@PermitAll` / `@DenyAll` / `@Authenticated` (method first, then class). */
export function roleAnnotations(
  lists: readonly { list: readonly JvmAnnotation[]; scope: Scope }[],
  program: JvmProgram,
  enforcement: RoleEnforcement,
): AuthEvidence | undefined {
  for (const { list, scope } of lists) {
    const found = annotation(list, 'RolesAllowed', 'PermitAll', 'DenyAll', 'Authenticated');
    if (!found) continue;
    const where: Location = locate(scope.file, found.node);
    if (found.name === 'PermitAll') return { state: 'public', mechanisms: ['none'], where, scope: 'route', detail: '@PermitAll' };
    const roles = (found.args.get('value') ?? []).flatMap((node) => program.strings(node, scope) ?? [node.text]);
    const detail = found.name === 'RolesAllowed' ? `@RolesAllowed(${roles.join(', ')})` : `@${found.name}`;
    if (!enforcement.enforced) return { state: 'unknown', mechanisms: [], where, detail: `${detail}, but ${enforcement.reason}` };
    return { state: 'protected', mechanisms: enforcement.mechanisms, where, scope: 'route', detail, ...(roles.length > 0 ? { scopes: roles } : {}) };
  }
  return undefined;
}

function quarkusMechanisms(project: ProjectInfo): AuthMechanism[] {
  const deps = project.dependencies.maven ?? [];
  const out: AuthMechanism[] = [];
  if (deps.some((dep) => /quarkus-(oidc|smallrye-jwt)/.test(dep))) out.push('jwt');
  if (deps.some((dep) => /quarkus-(elytron|security-jpa|security-jdbc|security-ldap)/.test(dep))) out.push('basic');
  return out.length > 0 ? out : ['unknown'];
}

function enforcementOf(project: ProjectInfo, program: JvmProgram, sources: readonly SourceFile[]): RoleEnforcement {
  const deps = project.dependencies.maven ?? [];
  if (deps.some((dep) => dep.startsWith('quarkus-')) || sources.some((source) => isJvm(source) && /import\s+io\.quarkus\.security\./.test(source.text)))
    return { enforced: true, reason: 'Quarkus enforces the security annotations', mechanisms: quarkusMechanisms(project) };
  // Jersey: `register(RolesAllowedDynamicFeature.class)` in a ResourceConfig.
  const registered = sources.some((source) => isJvm(source) && /RolesAllowedDynamicFeature/.test(source.text) && /\bregister\s*\(/.test(source.text));
  void program;
  if (registered) return { enforced: true, reason: 'RolesAllowedDynamicFeature is registered', mechanisms: ['unknown'] };
  return { enforced: false, reason: 'no RolesAllowedDynamicFeature (or container security) is registered in code to enforce it', mechanisms: [] };
}

/**
 * Quarkus `quarkus.http.auth.permission.<name>.paths|policy|methods`. A path not starting with `/`
 * is under `quarkus.http.root-path`; the most specific (longest) matching path wins.
 */
function quarkusPolicies(properties: Properties): { paths: string[]; methods: string[]; policy: string; where: Location }[] {
  const out = new Map<string, { paths: string[]; methods: string[]; policy: string; where: Location }>();
  for (const [key, value] of properties) {
    const match = /^quarkus\.http\.auth\.permission\.([^.]+)\.(paths|policy|methods)$/.exec(key);
    if (!match?.[1]) continue;
    const entry = out.get(match[1]) ?? { paths: [], methods: [], policy: '', where: value.where };
    const list = value.value.split(',').map((item) => item.trim()).filter(Boolean);
    if (match[2] === 'paths') entry.paths = list;
    else if (match[2] === 'methods') entry.methods = list.map((item) => item.toUpperCase());
    else entry.policy = value.value.trim();
    out.set(match[1], entry);
  }
  return [...out.values()];
}

function policyVerdict(properties: Properties, method: string, path: string, mechanisms: AuthMechanism[]): AuthEvidence | undefined {
  const rootPath = properties.get('quarkus.http.root-path')?.value ?? '';
  const policies = quarkusPolicies(properties)
    .map((policy) => ({ ...policy, paths: policy.paths.map((item) => (item.startsWith('/') ? item : joinPaths(rootPath, item) + (item.endsWith('/*') ? '/*' : ''))) }))
    .sort((a, b) => Math.max(...b.paths.map((p) => p.length)) - Math.max(...a.paths.map((p) => p.length)));
  let partial: AuthEvidence | undefined;
  for (const policy of policies) {
    // Quarkus path patterns: `/api/*` is a prefix, exact otherwise.
    const coverage = policy.paths
      .map((pattern) => antCoverage(pattern.endsWith('/*') ? `${pattern}*` : pattern, path))
      .reduce<'all' | 'some' | 'none'>((best, item) => (best === 'all' || item === 'all' ? 'all' : best === 'some' || item === 'some' ? 'some' : 'none'), 'none');
    if (coverage === 'none') continue;
    if (policy.methods.length > 0 && !policy.methods.includes(method)) continue;
    const evidence: AuthEvidence =
      policy.policy === 'permit'
        ? { state: 'public', mechanisms: ['none'], where: policy.where, scope: 'app', detail: 'quarkus.http.auth.permission policy=permit' }
        : policy.policy === 'authenticated' || policy.policy === 'deny'
          ? { state: 'protected', mechanisms, where: policy.where, scope: 'app', detail: `quarkus.http.auth.permission policy=${policy.policy}` }
          : { state: 'unknown', mechanisms: [], where: policy.where, detail: `quarkus.http.auth.permission policy=${policy.policy} (a role policy defined elsewhere)` };
    if (coverage === 'some') {
      partial ??= evidence;
      continue;
    }
    if (partial && partial.state !== evidence.state) return { state: 'unknown', mechanisms: [], ...(partial.where ? { where: partial.where } : {}), detail: `a path policy may match part of this route: ${partial.detail ?? ''}` };
    return evidence;
  }
  return undefined;
}

interface Context {
  program: JvmProgram;
  config: JvmConfig;
  enforcement: RoleEnforcement;
  quarkus: boolean;
  mechanisms: AuthMechanism[];
  endpoints: CollectedEndpoint[];
  diagnostics: Diagnostic[];
}

function pathOf(list: readonly JvmAnnotation[], ctx: Context, scope: Scope): string | undefined {
  const found = annotation(list, 'Path');
  if (!found) return '';
  const node = found.args.get('value')?.[0];
  return node ? ctx.program.strings(node, scope)?.[0] : '';
}

function verbOf(method: JvmMethod): { verb: string; node: JvmAnnotation } | undefined {
  for (const item of method.annotations) {
    const verb = VERBS[item.name];
    if (verb) return { verb, node: item };
    if (item.name === 'HttpMethod') {
      const value = item.args.get('value')?.[0]?.text.replace(/"/g, '');
      if (value) return { verb: value.toUpperCase(), node: item };
    }
  }
  return undefined;
}

function parametersOf(method: JvmMethod, ctx: Context): Parameter[] {
  const out: Parameter[] = [];
  for (const param of method.parameters) {
    for (const item of param.annotations) {
      const where = PARAMS[item.name];
      if (!where) continue;
      const name = item.args.get('value')?.[0];
      out.push({ name: (name ? ctx.program.strings(name, { file: method.file, cls: method.owner })?.[0] : undefined) ?? param.name, in: where, required: where === 'path', ...(param.type ? { type: param.type } : {}) });
    }
    if (param.annotations.length === 0 && method.annotations.some((item) => item.name === 'POST' || item.name === 'PUT' || item.name === 'PATCH') && !/^(AsyncResponse|SecurityContext|UriInfo|HttpHeaders|Request|ContainerRequestContext)$/.test(param.type)) {
      out.push({ name: 'body', in: 'body', ...(param.type ? { type: param.type } : {}) });
    }
  }
  return out;
}

/** `@ApplicationPath` of the application class(es), or the config's REST path. */
function applicationPath(ctx: Context, properties: Properties): string {
  const get = (key: string): string => JvmConfig.resolve(properties.get(key)?.value ?? '', properties) ?? '';
  const paths = ctx.program.classes.flatMap((cls) => {
    const found = annotation(cls.annotations, 'ApplicationPath');
    const node = found?.args.get('value')?.[0];
    return node ? (ctx.program.strings(node, { file: cls.file, cls }) ?? []) : [];
  });
  const fromCode = paths.length === 1 ? (paths[0] ?? '') : '';
  const rest = get('quarkus.rest.path') || get('quarkus.resteasy.path') || get('quarkus.resteasy-reactive.path') || get('spring.jersey.application-path');
  return joinPaths(get('quarkus.http.root-path'), rest || fromCode);
}

function collectResource(ctx: Context, cls: JvmClass, base: string, lineage: JvmClass[], depth: number, properties: Properties, root: string): void {
  const classSecurity = lineage.map((item) => ({ list: item.annotations, scope: { file: item.file, cls: item } as Scope }));
  const seen = new Set<string>();
  for (const holder of lineage) {
    for (const method of holder.methods) {
      const key = `${method.name}/${method.parameters.length}`;
      if (seen.has(key)) continue;
      const same = lineage.flatMap((item) => item.methods.filter((m) => m.name === method.name && m.parameters.length === method.parameters.length));
      const declared = same.find((m) => verbOf(m) !== undefined || hasAnnotation(m.annotations, 'Path'));
      if (!declared) continue;
      seen.add(key);
      const scope: Scope = { file: declared.file, cls: declared.owner };
      const sub = pathOf(declared.annotations, ctx, scope);
      if (sub === undefined) {
        ctx.diagnostics.push({ level: 'warning', source: 'collector:jaxrs', file: declared.file.source.file, line: declared.nameNode.startPosition.row + 1, message: `The @Path of ${method.name} is not a constant: its routes are left out.` });
        continue;
      }
      const route = normaliseTemplate(joinPaths(base, sub));
      const verb = verbOf(declared);
      const security = [...same.map((m) => ({ list: m.annotations, scope: { file: m.file, cls: m.owner } as Scope })), ...classSecurity];
      if (!verb) {
        // A sub-resource locator: the returned type's methods serve below this path.
        if (depth >= MAX_LOCATOR_DEPTH) continue;
        const target = ctx.program.resolveClass(declared.returnType, scope);
        if (target) collectResource(ctx, target, route, [target, ...ctx.program.ancestors(target)], depth + 1, properties, root);
        continue;
      }
      const full = joinPaths(root, route);
      const auth = combine(roleAnnotations(security, ctx.program, ctx.enforcement), ctx.quarkus ? policyVerdict(properties, verb.verb, full, ctx.mechanisms) : undefined);
      const params = parametersOf(declared, ctx);
      const names = new Set(params.filter((p) => p.in === 'path').map((p) => p.name));
      ctx.endpoints.push({
        framework: 'jaxrs',
        method: verb.verb,
        path: full,
        protocol: 'rest',
        sources: [{ kind: 'code', location: locate(declared.file, verb.node.node), via: 'jaxrs' }],
        parameters: [...[...full.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '').filter((name) => !names.has(name)).map((name): Parameter => ({ name, in: 'path', required: true })), ...params],
        auth,
        deprecated: same.some((m) => hasAnnotation(m.annotations, 'Deprecated')),
        handler: locate(method.file, method.nameNode),
      });
    }
  }
}

/** Path policies run before the annotations and both must let a request on (Quarkus). */
function combine(annotated: AuthEvidence | undefined, policy: AuthEvidence | undefined): AuthEvidence {
  if (policy?.state === 'protected') return policy;
  if (annotated?.state === 'protected') return annotated;
  if (policy?.state === 'public') return annotated && annotated.state !== 'public' ? annotated : policy;
  if (annotated?.state === 'public') return policy ?? annotated;
  return annotated ?? policy ?? { state: 'unknown', mechanisms: [], detail: 'no security annotation or path policy applies' };
}

const JAXRS_IMPORT = /import\s+(jakarta|javax)\.ws\.rs\./;

export const jaxrsCollector: CodeCollector = {
  id: 'jaxrs',
  languages: ['java', 'kotlin'],
  enablers: ['jakarta.ws.rs-api', 'javax.ws.rs-api', 'jersey-server', 'resteasy-core', 'quarkus-rest', 'quarkus-resteasy', 'quarkus-resteasy-reactive'],
  isEnabled(_project: ProjectInfo, sources: readonly SourceFile[]): boolean {
    return sources.some((source) => isJvm(source) && JAXRS_IMPORT.test(source.text));
  },
  collect(sources: readonly SourceFile[], project: ProjectInfo, _specs?: unknown, infra?: readonly InfraFile[]): CollectorResult {
    const program = new JvmProgram(jvmFiles(sources));
    const quarkus = (project.dependencies.maven ?? []).some((dep) => dep.startsWith('quarkus-')) || sources.some((source) => isJvm(source) && /import\s+io\.quarkus\./.test(source.text));
    const ctx: Context = {
      program,
      config: new JvmConfig(infra),
      enforcement: enforcementOf(project, program, sources),
      quarkus,
      mechanisms: quarkusMechanisms(project),
      endpoints: [],
      diagnostics: [],
    };
    const jaxrsFiles = new Set(program.files.filter((file) => JAXRS_IMPORT.test(file.source.text)).map((file) => file));
    for (const cls of program.classes) {
      if (cls.kind === 'interface' || cls.kind === 'enum') continue;
      const lineage = [cls, ...program.ancestors(cls)];
      const owner = lineage.find((item) => hasAnnotation(item.annotations, 'Path'));
      if (!owner || !lineage.some((item) => jaxrsFiles.has(item.file))) continue;
      if (/\babstract\b/.test(cls.node.text.slice(0, cls.nameNode.startIndex - cls.node.startIndex).replace(/@\w+(\([^)]*\))?/g, ''))) continue;
      const base = pathOf(owner.annotations, ctx, { file: owner.file, cls: owner });
      if (base === undefined) {
        ctx.diagnostics.push({ level: 'warning', source: 'collector:jaxrs', file: owner.file.source.file, line: owner.nameNode.startPosition.row + 1, message: `The @Path of ${owner.name} is not a constant: its routes are left out.` });
        continue;
      }
      const properties = ctx.config.forSource(cls.file.source.file);
      collectResource(ctx, cls, base, lineage, 0, properties, applicationPath(ctx, properties));
    }
    return { endpoints: ctx.endpoints, diagnostics: ctx.diagnostics };
  },
};
