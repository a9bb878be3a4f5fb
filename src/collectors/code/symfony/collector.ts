import path from 'node:path/posix';
import type { AuthEvidence, AuthMechanism, AuthorizationEvidence, Diagnostic } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { makeEndpoint, sortEndpoints } from '../python/endpoint.js';
import { argumentAt, callArguments, callName, field, flattenChain, kids, locate } from '../php/ast.js';
import { listProjectDir, parseYaml, readProjectFile, yString, yStrings, type YNode } from '../php/config-files.js';
import { docAnnotations, docStrings } from '../php/docblock.js';
import { joinPath, normalisePath, phpEnabled } from '../php/endpoint.js';
import { attributeNamed, attributesOf, docblockOf, PhpProject, phpProjectOf, type PhpAttribute, type PhpClass, type PhpFile } from '../php/project.js';
import { apiPlatformRoutes, apiPlatformXmlRoutes, apiPlatformYamlRoutes } from './api-platform.js';
import { expressionGrant, type Grant, type SymfonyRoute } from './grants.js';
import { accessRuleFor, firewallFor, isPublicRole, mayTake, readSecurity, requiresAuthentication, type SecurityConfig } from './security.js';

const FRAMEWORK = 'symfony';
const VERB_ATTRIBUTES: Record<string, string> = { Get: 'GET', Post: 'POST', Put: 'PUT', Patch: 'PATCH', Delete: 'DELETE', Head: 'HEAD', Options: 'OPTIONS' };

/** Where the application lives and which routing files it reads. */
interface AppLayout {
  root: string;
  configDir: string;
  legacy: boolean;
}

function layouts(project: PhpProject): AppLayout[] {
  const out: AppLayout[] = [];
  for (const file of project.files.keys()) {
    const flex = /^((?:.*\/)?)config\/bundles\.php$/.exec(file)?.[1];
    if (flex !== undefined) out.push({ root: flex, configDir: `${flex}config`, legacy: false });
    const legacy = /^((?:.*\/)?)app\/AppKernel\.php$/.exec(file)?.[1];
    if (legacy !== undefined) out.push({ root: legacy, configDir: `${legacy}app/config`, legacy: true });
  }
  return out.length > 0 ? out : [{ root: '', configDir: 'config', legacy: false }];
}

/** A folder (or file) of controllers whose attribute routes are imported, with the import's prefix. */
interface ControllerImport {
  target: string;
  prefix: string;
}

class RoutingConfig {
  readonly imports: ControllerImport[] = [];
  readonly routes: SymfonyRoute[] = [];
  readonly diagnostics: Diagnostic[] = [];
  apiPlatformPrefix: string | undefined;
  found = false;
  private readonly seen = new Set<string>();

  constructor(private readonly root: string) {}

  read(file: string, prefix: string): void {
    if (this.seen.has(file)) return;
    this.seen.add(file);
    const text = readProjectFile(this.root, file);
    if (text === undefined) return;
    this.found = true;
    const parsed = parseYaml(text);
    if (parsed.error !== undefined) {
      this.diagnostics.push({ level: 'warning', source: `collector:${FRAMEWORK}`, file, message: `The routing file could not be parsed (${parsed.error}); its routes are not listed.` });
      return;
    }
    for (const [name, entry] of parsed.root?.map ?? []) {
      if (name.startsWith('when@')) continue;
      const options = entry.map;
      if (!options) continue;
      const resource = options.get('resource');
      const ownPrefix = yString(options.get('prefix')) ?? '';
      if (resource) {
        this.import(file, resource, yString(options.get('type')), joinPath(prefix, ownPrefix));
        continue;
      }
      const routePath = yString(options.get('path')) ?? [...(options.get('path')?.map?.values() ?? [])].map(yString).find((p) => p !== undefined);
      if (routePath === undefined) continue;
      const methods = yStrings(options.get('methods')).map((method) => method.toUpperCase());
      this.routes.push({
        methods: methods.length > 0 ? methods : ['ANY'],
        path: normalisePath(joinPath(prefix, routePath)),
        location: { file, line: entry.keyLine ?? entry.line },
        grants: [],
      });
    }
  }

  private import(file: string, resource: YNode, type: string | undefined, prefix: string): void {
    const target = yString(resource) ?? yString(resource.map?.get('path'));
    if (target === undefined) return;
    if (type === 'api_platform') {
      this.apiPlatformPrefix = prefix;
      return;
    }
    if (target.startsWith('@') || target === 'kernel' || target.endsWith('Kernel.php')) return;
    const base = path.dirname(file);
    if (target === 'routing.controllers') {
      this.imports.push({ target: path.normalize(path.join(base, '../src/Controller')), prefix });
      return;
    }
    const resolved = path.normalize(path.join(base, target.replace(/\*.*$/, '')));
    if (/\.ya?ml$/.test(target)) {
      this.read(resolved, prefix);
      return;
    }
    this.imports.push({ target: resolved.replace(/\/$/, ''), prefix });
  }

  /** The prefix a controller file gets from the most specific import covering it; undefined when none does. */
  prefixFor(file: string): string | undefined {
    let best: ControllerImport | undefined;
    for (const entry of this.imports) {
      const covers = file === entry.target || file.startsWith(`${entry.target}/`) || entry.target === '.';
      if (covers && (!best || entry.target.length > best.target.length)) best = entry;
    }
    return best?.prefix;
  }
}

function routingConfig(root: string, layout: AppLayout): RoutingConfig {
  const config = new RoutingConfig(root);
  if (layout.legacy) {
    config.read(`${layout.configDir}/routing.yml`, '');
    return config;
  }
  config.read(`${layout.configDir}/routes.yaml`, '');
  config.read(`${layout.configDir}/routes.yml`, '');
  for (const name of listProjectDir(root, `${layout.configDir}/routes`)) {
    if (/\.ya?ml$/.test(name)) config.read(`${layout.configDir}/routes/${name}`, '');
  }
  return config;
}

function securityConfig(root: string, layout: AppLayout): SecurityConfig | undefined {
  const candidates = layout.legacy ? [`${layout.configDir}/security.yml`] : [`${layout.configDir}/packages/security.yaml`, `${layout.configDir}/packages/security.yml`];
  for (const file of candidates) {
    const text = readProjectFile(root, file);
    if (text === undefined) continue;
    const parsed = parseYaml(text);
    if (!parsed.root) continue;
    return readSecurity(file, parsed.root);
  }
  return undefined;
}

/** `api_platform.path_segment_name_generator: api_platform.metadata.path_segment_name_generator.dash` in the package config. */
/** API Platform's resource files of one format: `config/api_platform/*.yaml|xml` (its default mapping path) and `resources/` below it. */
function apiPlatformResourceFiles(root: string, layout: AppLayout, format: 'yaml' | 'xml'): { file: string; text: string }[] {
  const out: { file: string; text: string }[] = [];
  for (const dir of [`${layout.configDir}/api_platform`, `${layout.configDir}/api_platform/resources`]) {
    for (const name of listProjectDir(root, dir)) {
      if (!(format === 'yaml' ? /\.ya?ml$/ : /\.xml$/).test(name)) continue;
      const text = readProjectFile(root, `${dir}/${name}`);
      if (text !== undefined && (format === 'yaml' ? /^resources\s*:/m : /<(?:[\w.-]+:)?resources\b/).test(text)) out.push({ file: `${dir}/${name}`, text });
    }
  }
  return out;
}

function dashSegments(root: string, layout: AppLayout): boolean {
  for (const file of [`${layout.configDir}/packages/api_platform.yaml`, `${layout.configDir}/packages/api_platform.yml`]) {
    const text = readProjectFile(root, file);
    if (text === undefined) continue;
    const parsed = parseYaml(text);
    const generator = yString(parsed.root?.map?.get('api_platform')?.map?.get('path_segment_name_generator'));
    return generator !== undefined && generator.endsWith('.dash');
  }
  return false;
}

function isRouteAttribute(attribute: PhpAttribute): boolean {
  return attributeNamed(attribute, 'Route') && !attribute.name.startsWith('ApiPlatform\\');
}

function verbOf(attribute: PhpAttribute): string | undefined {
  if (!/^FOS\\RestBundle\\/.test(attribute.name) && !/^Rest\\/.test(attribute.name)) return undefined;
  const short = attribute.name.slice(attribute.name.lastIndexOf('\\') + 1);
  return VERB_ATTRIBUTES[short];
}

function attributePath(project: PhpProject, file: PhpFile, attribute: PhpAttribute): string | undefined {
  const node = argumentAt(attribute.args, 0, 'path');
  if (!node) return undefined;
  const value = project.evaluate(file, node);
  if (value.kind === 'string') return value.value;
  if (value.kind === 'array') {
    const first = value.entries.find((entry) => entry.value.kind === 'string')?.value;
    return first?.kind === 'string' ? first.value : undefined;
  }
  return undefined;
}

function attributeMethods(project: PhpProject, file: PhpFile, attribute: PhpAttribute): string[] {
  const node = argumentAt(attribute.args, 99, 'methods');
  return node ? project.strings(file, node).values.flatMap((method) => method.split('|')).map((method) => method.toUpperCase()) : [];
}

interface DeclaredRoute {
  path: string;
  methods: string[];
  line: number;
}

/** Route declarations on a class or a method: attributes first, then docblock annotations. */
function declaredRoutes(project: PhpProject, file: PhpFile, declaration: Node, attributes: readonly PhpAttribute[]): DeclaredRoute[] {
  const out: DeclaredRoute[] = [];
  for (const attribute of attributes) {
    const verb = verbOf(attribute);
    if (!isRouteAttribute(attribute) && verb === undefined) continue;
    const routePath = attributePath(project, file, attribute) ?? '';
    const methods = verb !== undefined ? [verb] : attributeMethods(project, file, attribute);
    out.push({ path: routePath, methods, line: attribute.node.startPosition.row + 1 });
  }
  if (out.length > 0) return out;
  const doc = docblockOf(declaration);
  if (!doc) return out;
  const annotations = docAnnotations(doc.text);
  const sensioMethods = annotations.filter((a) => a.name === 'Method' || a.name.endsWith('\\Method')).flatMap((a) => a.positional.flatMap(docStrings));
  for (const annotation of annotations) {
    const short = annotation.name.slice(annotation.name.lastIndexOf('\\') + 1);
    const verb = annotation.name.includes('\\') || annotation.name.startsWith('Rest') ? VERB_ATTRIBUTES[short] : undefined;
    if (short !== 'Route' && verb === undefined) continue;
    const routePath = docStrings(annotation.positional[0] ?? annotation.named.get('path') ?? annotation.named.get('value'))[0] ?? '';
    const methods = verb !== undefined ? [verb] : [...docStrings(annotation.named.get('methods')), ...sensioMethods].map((m) => m.toUpperCase());
    out.push({ path: routePath, methods, line: doc.startPosition.row + 1 + annotation.lineOffset });
  }
  return out;
}

/** `#[IsGranted]` and `@IsGranted`/`@Security` on a declaration, and `denyAccessUnlessGranted()` opening a method. */
function grantsOf(project: PhpProject, file: PhpFile, declaration: Node, attributes: readonly PhpAttribute[], cls?: PhpClass): Grant[] {
  const out: Grant[] = [];
  for (const attribute of attributes) {
    if (attributeNamed(attribute, 'IsGranted')) {
      const node = argumentAt(attribute.args, 0, 'attribute');
      const value = node ? project.evaluate(file, node) : undefined;
      const subject = argumentAt(attribute.args, 1, 'subject') !== undefined;
      if (value?.kind === 'string') out.push({ attributes: [value.value], subject, where: locate(file.source.file, attribute.node) });
      else out.push({ attributes: [], opaque: node?.text ?? 'IsGranted', subject, where: locate(file.source.file, attribute.node) });
    } else if (attributeNamed(attribute, 'Security')) {
      const node = argumentAt(attribute.args, 0, 'expression');
      const value = node ? project.evaluate(file, node) : undefined;
      out.push(expressionGrant(value?.kind === 'string' ? value.value : node?.text ?? '', locate(file.source.file, attribute.node)));
    }
  }
  const doc = docblockOf(declaration);
  if (doc) {
    for (const annotation of docAnnotations(doc.text)) {
      const where = { file: file.source.file, line: doc.startPosition.row + 1 + annotation.lineOffset };
      if (annotation.name === 'IsGranted' || annotation.name.endsWith('\\IsGranted')) {
        const attribute = docStrings(annotation.positional[0] ?? annotation.named.get('attributes'));
        out.push({ attributes: attribute, subject: annotation.named.has('subject'), where });
      } else if (annotation.name === 'Security' || annotation.name.endsWith('\\Security')) {
        out.push(expressionGrant(docStrings(annotation.positional[0] ?? annotation.named.get('expression'))[0] ?? '', where));
      }
    }
  }
  if (declaration.type === 'method_declaration') out.push(...openingGuards(project, file, declaration, cls, 0));
  return out;
}

const IS_GRANTED_TEST = /^(?:false\s*===\s*|!\s*)\$this->(?:\w+->)?isGranted\(\s*['"]([A-Z_]+)['"]\s*\)$|^\$this->(?:\w+->)?isGranted\(\s*['"]([A-Z_]+)['"]\s*\)\s*===\s*false$/;

/**
 * Access checks among a method's first statements: `$this->denyAccessUnlessGranted('ROLE_USER')`,
 * `if (!$this->isGranted('IS_AUTHENTICATED_FULLY')) { throw … }`, or a helper of the class (`$this->validateAuthentication()`) doing one.
 */
function openingGuards(project: PhpProject, file: PhpFile, method: Node, cls: PhpClass | undefined, depth: number): Grant[] {
  const out: Grant[] = [];
  const body = field(method, 'body');
  for (const statement of body ? kids(body).slice(0, 3) : []) {
    if (statement.type === 'if_statement') {
      const condition = field(statement, 'condition');
      const inner = condition ? kids(condition)[0] : undefined;
      const match = inner ? IS_GRANTED_TEST.exec(inner.text.replace(/\s+/g, ' ').trim()) : null;
      const consequence = field(statement, 'body');
      const attribute = match?.[1] ?? match?.[2];
      if (attribute !== undefined && consequence && /\bthrow\b|createAccessDeniedException|return\s+\$this->json\(|new\s+JsonResponse\(/.test(consequence.text)) {
        out.push({ attributes: [attribute], where: locate(file.source.file, statement) });
      }
      continue;
    }
    if (statement.type !== 'expression_statement') continue;
    const call = kids(statement)[0];
    const chain = call ? flattenChain(call) : undefined;
    const link = chain?.links[chain.links.length - 1];
    if (!chain || chain.root.text !== '$this' || chain.links.length !== 1 || !link) continue;
    const name = callName(link.node);
    if (name === 'denyAccessUnlessGranted') {
      const first = argumentAt(callArguments(link.node), 0);
      const value = first ? project.evaluate(file, first) : undefined;
      if (value?.kind === 'string') out.push({ attributes: [value.value], subject: callArguments(link.node).length > 1, where: locate(file.source.file, statement) });
    } else if (name !== undefined && cls && depth === 0 && callArguments(link.node).length === 0) {
      const helper = project.methodOf(cls, name);
      if (helper) {
        for (const grant of openingGuards(project, helper.owner.file, helper.method, helper.owner, depth + 1)) out.push({ ...grant, where: locate(file.source.file, statement) });
      }
    }
  }
  return out;
}

function controllerRoutes(project: PhpProject, routing: RoutingConfig, considerAll: boolean): SymfonyRoute[] {
  const out: SymfonyRoute[] = [];
  for (const file of project.files.values()) {
    for (const cls of file.classes) {
      if (cls.node.type !== 'class_declaration') continue;
      const prefix = routing.prefixFor(file.source.file) ?? (considerAll ? '' : undefined);
      if (prefix === undefined) continue;
      out.push(...classRoutes(project, file, cls, prefix));
    }
  }
  return out;
}

function classRoutes(project: PhpProject, file: PhpFile, cls: PhpClass, prefix: string): SymfonyRoute[] {
  if (kids(cls.node).some((child) => child.type === 'abstract_modifier')) return [];
  const out: SymfonyRoute[] = [];
  const classDeclared = declaredRoutes(project, file, cls.node, cls.attributes);
  const classPrefixes = classDeclared.length > 0 ? classDeclared : [{ path: '', methods: [], line: 0 }];
  const classGrants = grantsOf(project, file, cls.node, cls.attributes);
  let methodRoutes = 0;
  for (const method of cls.methods.values()) {
    const visibility = kids(method).find((child) => child.type === 'visibility_modifier');
    if (visibility && visibility.text !== 'public') continue;
    const attributes = attributesOf(method, file, project);
    const declared = declaredRoutes(project, file, method, attributes);
    if (declared.length === 0) continue;
    methodRoutes++;
    const grants = [...classGrants, ...grantsOf(project, file, method, attributes, cls)];
    for (const classRoute of classPrefixes) {
      for (const route of declared) {
        const methods = route.methods.length > 0 ? route.methods : classRoute.methods.length > 0 ? classRoute.methods : ['ANY'];
        out.push({
          methods: [...new Set(methods)],
          path: normalisePath(joinPath(prefix, classRoute.path, route.path)),
          location: { file: file.source.file, line: route.line },
          handler: locate(file.source.file, method),
          grants,
        });
      }
    }
  }
  // An invokable controller routed at class level.
  const invoke = cls.methods.get('__invoke');
  if (methodRoutes === 0 && invoke && classDeclared.length > 0) {
    for (const route of classDeclared) {
      out.push({
        methods: route.methods.length > 0 ? route.methods : ['ANY'],
        path: normalisePath(joinPath(prefix, route.path)),
        location: { file: file.source.file, line: route.line },
        handler: locate(file.source.file, invoke),
        grants: classGrants,
      });
    }
  }
  return out;
}

function grantRequiresAuthentication(grant: Grant): boolean {
  return grant.opaque === undefined && grant.attributes.length > 0 && requiresAuthentication(grant.attributes);
}

function decide(security: SecurityConfig | undefined, route: SymfonyRoute, method: string): { auth: AuthEvidence; authorization?: AuthorizationEvidence } {
  const granted = route.grants.find(grantRequiresAuthentication);
  const voter = route.grants.find((grant) => !grantRequiresAuthentication(grant) && !(grant.attributes.length > 0 && isPublicRole(grant.attributes)));
  const authorization: AuthorizationEvidence | undefined = voter
    ? { objectLevel: voter.subject ? 'present' : 'unknown', functionLevel: 'present', detail: voter.expression ?? voter.opaque ?? `is_granted ${voter.attributes.join(', ')}` }
    : granted && granted.attributes.some((attribute) => attribute.startsWith('ROLE_') && attribute !== 'ROLE_USER')
      ? { objectLevel: granted.subject ? 'present' : 'unknown', functionLevel: 'present', detail: granted.expression ?? `is_granted ${granted.attributes.join(', ')}` }
      : granted?.subject
        ? { objectLevel: 'present', functionLevel: 'unknown', detail: granted.expression ?? `is_granted ${granted.attributes.join(', ')}` }
        : undefined;
  const withAuthz = (auth: AuthEvidence): { auth: AuthEvidence; authorization?: AuthorizationEvidence } => (authorization ? { auth, authorization } : { auth });
  const firewall = security ? firewallFor(security, route.path) : undefined;
  // A firewall with a request_matcher service may take the request first: access_control applies in whichever
  // firewall handles it, unless one of them has `security: false`.
  const matchers = security ? mayTake(security, route.path) : [];
  const candidates = [...matchers, ...(firewall ? [firewall] : [])];
  const configured = [...new Set(candidates.flatMap((candidate) => candidate.mechanisms))];
  const mechanisms: AuthMechanism[] = configured.length > 0 ? configured : ['unknown'];
  if (granted) return withAuthz({ state: 'protected', mechanisms, where: granted.where, scope: 'route', detail: `is_granted ${granted.attributes.join(', ')}` });
  if (!security) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: 'no security.yaml was found, so firewalls and access_control are not known' });
  if (firewall?.undecidable !== undefined) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: firewall.undecidable });
  const open = matchers.length > 0 ? candidates.find((candidate) => candidate.disabled) : undefined;
  if (open) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `firewall ${matchers[0]?.name ?? ''} uses a request_matcher service; firewall ${open.name}, which may take the request, has security: false` });
  if (firewall?.disabled) return withAuthz({ state: 'unprotected', mechanisms: ['none'], where: firewall.where, scope: 'app', detail: `firewall ${firewall.name} has security: false` });
  const rule = accessRuleFor(security, method, route.path);
  if (rule?.undecidable !== undefined) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `access_control: ${rule.undecidable}` });
  if (rule?.conditional !== undefined) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `the first matching access_control rule also depends on ${rule.conditional}` });
  if (rule && requiresAuthentication(rule.roles)) {
    if (candidates.length === 0) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `access_control requires ${rule.roles.join(', ')} but no firewall covers the path` });
    const ruleAuthz: AuthorizationEvidence | undefined = authorization ?? (rule.roles.some((role) => role.startsWith('ROLE_') && role !== 'ROLE_USER') ? { objectLevel: 'unknown', functionLevel: 'present', detail: `access_control ${rule.roles.join(', ')}` } : undefined);
    const auth: AuthEvidence = { state: 'protected', mechanisms, where: rule.where, scope: 'app', detail: `access_control requires ${rule.roles.join(', ')} (firewall ${candidates.map((candidate) => candidate.name).join(' or ')})` };
    return ruleAuthz ? { auth, authorization: ruleAuthz } : { auth };
  }
  const opaque = route.grants.find((grant) => grant.opaque !== undefined);
  if (opaque) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `the access expression ${opaque.opaque ?? ''} is not decided` });
  if (voter) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], where: voter.where, detail: voter.expression !== undefined && voter.attributes[0] === 'OBJECT_ACCESS' ? `the access expression ${voter.expression} compares the object with the caller; whether it admits anonymous requests is not known` : `is_granted ${voter.attributes.join(', ')} is decided by a voter; whether it admits anonymous requests is not known` });
  if (rule && !isPublicRole(rule.roles) && rule.roles.length > 0) return withAuthz({ state: 'unknown', mechanisms: ['unknown'], detail: `access_control requires ${rule.roles.join(', ')}, which a voter decides` });
  if (rule && isPublicRole(rule.roles)) return withAuthz({ state: 'public', mechanisms: ['none'], where: rule.where, scope: 'app', detail: `access_control grants ${rule.roles.join(', ')}` });
  return withAuthz({ state: 'unprotected', mechanisms: ['none'], detail: firewall ? `no access_control rule or IsGranted requires authentication (firewall ${firewall.name})` : 'no firewall covers this path' });
}

export const symfonyCollector: CodeCollector = {
  id: FRAMEWORK,
  languages: ['php'],
  enablers: ['symfony/framework-bundle', 'symfony/symfony', 'api-platform/core'],
  isEnabled(project, sources) {
    return phpEnabled(project, sources, this.enablers, /^use Symfony\\Component\\Routing\\(?:Annotation|Attribute)\\Route;/m);
  },
  collect(sources, project) {
    const php = phpProjectOf(sources);
    const endpoints: CollectedEndpoint[] = [];
    const diagnostics: Diagnostic[] = [];
    const seen = new Set<string>();
    for (const layout of layouts(php)) {
      const routing = routingConfig(project.root, layout);
      diagnostics.push(...routing.diagnostics);
      const security = securityConfig(project.root, layout);
      const considerAll = routing.imports.length === 0;
      const routes = [
        ...routing.routes,
        ...controllerRoutes(php, routing, considerAll && layout.root === ''),
        ...apiPlatformRoutes(php, routing.apiPlatformPrefix ?? '/api', dashSegments(project.root, layout)),
        ...apiPlatformYamlRoutes(apiPlatformResourceFiles(project.root, layout, 'yaml'), routing.apiPlatformPrefix ?? '/api', dashSegments(project.root, layout)),
        ...apiPlatformXmlRoutes(apiPlatformResourceFiles(project.root, layout, 'xml'), routing.apiPlatformPrefix ?? '/api', dashSegments(project.root, layout)),
      ];
      for (const route of routes) {
        for (const method of route.methods) {
          const key = `${method} ${route.path} ${route.location.file}:${route.location.line}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const { auth, authorization } = decide(security, route, method);
          const endpoint = makeEndpoint({ framework: FRAMEWORK, method, path: route.path, location: route.location, auth, ...(route.handler ? { handler: route.handler } : {}) });
          if (authorization) endpoint.authorization = authorization;
          endpoints.push(endpoint);
        }
      }
    }
    return { endpoints: sortEndpoints(endpoints), diagnostics };
  },
};
