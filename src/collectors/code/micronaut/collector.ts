/**
 * Micronaut routes: `@Controller("/x")` classes with `@Get`/`@Post`/… methods (value, `uri`, `uris`),
 * under `micronaut.server.context-path`. Auth from `@Secured(SecurityRule.IS_AUTHENTICATED |
 * IS_ANONYMOUS | roles)` and the Jakarta annotations, enforced when Micronaut Security is a dependency.
 */
import type { InfraFile, ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, AuthMechanism, Diagnostic, Parameter, ParamSource } from '../../../model/types.js';
import { lookupTable } from '../../../analysis/lookup.js';
import type { CodeCollector, CollectedEndpoint, CollectorResult } from '../collector.js';
import { annotation, isJvm, jvmFiles, locate, type JvmAnnotation } from '../jvm/ast.js';
import { JvmConfig } from '../jvm/config.js';
import { joinPaths, normaliseTemplate } from '../jvm/paths.js';
import { JvmProgram, memberName, type Scope } from '../jvm/values.js';
import { roleAnnotations, type RoleEnforcement } from '../jaxrs/collector.js';

const VERBS: Record<string, string> = lookupTable({ Get: 'GET', Post: 'POST', Put: 'PUT', Delete: 'DELETE', Patch: 'PATCH', Head: 'HEAD', Options: 'OPTIONS' });
const PARAMS: Record<string, ParamSource> = lookupTable({ PathVariable: 'path', QueryValue: 'query', Header: 'header', CookieValue: 'cookie', Body: 'body' });
const MICRONAUT_IMPORT = /import\s+io\.micronaut\.http\.annotation\./;

function securedVerdict(lists: readonly { list: readonly JvmAnnotation[]; scope: Scope }[], program: JvmProgram, enforcement: RoleEnforcement): AuthEvidence | undefined {
  for (const { list, scope } of lists) {
    const found = annotation(list, 'Secured');
    if (!found) continue;
    const where = locate(scope.file, found.node);
    const values = (found.args.get('value') ?? []).map((node) => memberName(node) === 'IS_AUTHENTICATED' || memberName(node) === 'IS_ANONYMOUS' ? (memberName(node) ?? '') : (program.strings(node, scope)?.[0] ?? node.text));
    const normalised = values.map((value) => value.replace(/^isAuthenticated\(\)$/, 'IS_AUTHENTICATED').replace(/^isAnonymous\(\)$/, 'IS_ANONYMOUS'));
    const detail = `@Secured(${normalised.join(', ')})`;
    if (normalised.includes('IS_ANONYMOUS')) return { state: 'public', mechanisms: ['none'], where, scope: 'route', detail };
    if (!enforcement.enforced) return { state: 'unknown', mechanisms: [], where, detail: `${detail}, but ${enforcement.reason}` };
    if (normalised.length === 0) return { state: 'unknown', mechanisms: [], where, detail };
    return { state: 'protected', mechanisms: enforcement.mechanisms, where, scope: 'route', detail };
  }
  return roleAnnotations(lists, program, enforcement);
}

function enforcementOf(project: ProjectInfo, sources: readonly SourceFile[]): RoleEnforcement {
  const deps = project.dependencies.maven ?? [];
  const security = deps.some((dep) => dep.startsWith('micronaut-security')) || sources.some((source) => isJvm(source) && /import\s+io\.micronaut\.security\./.test(source.text));
  if (!security) return { enforced: false, reason: 'Micronaut Security is not a dependency: the annotation is not enforced', mechanisms: [] };
  const mechanisms: AuthMechanism[] = [];
  if (deps.some((dep) => dep === 'micronaut-security-jwt' || dep === 'micronaut-security-oauth2')) mechanisms.push('jwt');
  if (deps.includes('micronaut-security-session')) mechanisms.push('session');
  return { enforced: true, reason: 'Micronaut Security enforces @Secured', mechanisms: mechanisms.length > 0 ? mechanisms : ['unknown'] };
}

export const micronautCollector: CodeCollector = {
  id: 'micronaut',
  languages: ['java', 'kotlin'],
  enablers: ['micronaut-http-server-netty', 'micronaut-http', 'micronaut-inject'],
  isEnabled(project: ProjectInfo, sources: readonly SourceFile[]): boolean {
    return (project.dependencies.maven ?? []).some((dep) => dep.startsWith('micronaut-http')) || sources.some((source) => isJvm(source) && MICRONAUT_IMPORT.test(source.text));
  },
  collect(sources: readonly SourceFile[], project: ProjectInfo, _specs?: unknown, infra?: readonly InfraFile[]): CollectorResult {
    const program = new JvmProgram(jvmFiles(sources));
    const config = new JvmConfig(infra);
    const enforcement = enforcementOf(project, sources);
    const endpoints: CollectedEndpoint[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const cls of program.classes) {
      if (cls.kind === 'interface' || !MICRONAUT_IMPORT.test(cls.file.source.text)) continue;
      const controller = annotation(cls.annotations, 'Controller');
      if (!controller) continue;
      const scope: Scope = { file: cls.file, cls };
      const baseNode = controller.args.get('value')?.[0];
      const base = baseNode ? program.strings(baseNode, scope)?.[0] : '/';
      if (base === undefined) {
        diagnostics.push({ level: 'warning', source: 'collector:micronaut', file: cls.file.source.file, line: controller.node.startPosition.row + 1, message: `The @Controller path of ${cls.name} is not a constant: its routes are left out.` });
        continue;
      }
      const properties = config.forSource(cls.file.source.file);
      const context = JvmConfig.resolve(properties.get('micronaut.server.context-path')?.value ?? '', properties) ?? '';
      const lineage = [cls, ...program.ancestors(cls)];
      const seen = new Set<string>();
      for (const holder of lineage) {
        for (const method of holder.methods) {
          const key = `${method.name}/${method.parameters.length}`;
          if (seen.has(key)) continue;
          const mapping = method.annotations.find((item) => VERBS[item.name] !== undefined);
          if (!mapping) continue;
          seen.add(key);
          const verb = VERBS[mapping.name] ?? 'GET';
          const methodScope: Scope = { file: method.file, cls: method.owner };
          const nodes = [...(mapping.args.get('value') ?? []), ...(mapping.args.get('uri') ?? []), ...(mapping.args.get('uris') ?? [])];
          const paths = nodes.length === 0 ? [''] : nodes.flatMap((node) => program.strings(node, methodScope) ?? []);
          if (nodes.length > 0 && paths.length === 0) {
            diagnostics.push({ level: 'warning', source: 'collector:micronaut', file: method.file.source.file, line: mapping.node.startPosition.row + 1, message: `The path of ${method.name} is not a constant: the route is left out.` });
            continue;
          }
          const auth = securedVerdict(
            [
              { list: method.annotations, scope: methodScope },
              ...lineage.map((item) => ({ list: item.annotations, scope: { file: item.file, cls: item } as Scope })),
            ],
            program,
            enforcement,
          ) ?? { state: 'unknown' as const, mechanisms: [], detail: 'no @Secured or security annotation applies' };
          const params: Parameter[] = method.parameters.flatMap((param) =>
            param.annotations.flatMap((item): Parameter[] => {
              const where = PARAMS[item.name];
              return where ? [{ name: where === 'body' ? 'body' : param.name, in: where, required: where === 'path', ...(param.type ? { type: param.type } : {}) }] : [];
            }),
          );
          for (const sub of paths) {
            // `{?max,offset}` query templates are not path segments.
            const route = normaliseTemplate(joinPaths(context, base, sub.replace(/\{[?&][^}]*\}/g, '')));
            const names = new Set(params.filter((p) => p.in === 'path').map((p) => p.name));
            endpoints.push({
              framework: 'micronaut',
              method: verb,
              path: route,
              protocol: 'rest',
              sources: [{ kind: 'code', location: locate(method.file, mapping.node), via: 'micronaut' }],
              parameters: [...[...route.matchAll(/\{([^}]+)\}/g)].map((m) => m[1] ?? '').filter((name) => !names.has(name)).map((name): Parameter => ({ name, in: 'path', required: true })), ...params],
              auth,
              deprecated: false,
              handler: locate(method.file, method.nameNode),
            });
          }
        }
      }
    }
    return { endpoints, diagnostics };
  },
};
