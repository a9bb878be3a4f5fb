import type { AuthMechanism, Location } from '../../../model/types.js';
import { yString, yStrings, type YNode } from '../php/config-files.js';

export interface Firewall {
  name: string;
  pattern?: RegExp;
  /** A pattern that is not a valid JavaScript regular expression. */
  undecidable?: string;
  /** A `request_matcher` service: whether the firewall takes a request is decided at run time. */
  requestMatcher?: string;
  disabled: boolean;
  mechanisms: AuthMechanism[];
  where: Location;
}

export interface AccessRule {
  path?: RegExp;
  methods: string[];
  roles: string[];
  /** `ips`, `host`, `allow_if`, `request_matcher`: the rule depends on more than the path. */
  conditional?: string;
  undecidable?: string;
  where: Location;
}

export interface SecurityConfig {
  file: string;
  firewalls: Firewall[];
  rules: AccessRule[];
}

/** Roles that let an anonymous request through. */
const PUBLIC_ROLES = new Set(['PUBLIC_ACCESS', 'IS_AUTHENTICATED_ANONYMOUSLY']);

const MECHANISMS: Record<string, AuthMechanism> = {
  form_login: 'session',
  json_login: 'session',
  login_link: 'session',
  login_throttling: 'session',
  remember_me: 'session',
  http_basic: 'basic',
  http_basic_ldap: 'basic',
  form_login_ldap: 'session',
  json_login_ldap: 'session',
  jwt: 'jwt',
  access_token: 'api-key',
  x509: 'mtls',
  remote_user: 'unknown',
  fos_oauth: 'oauth2',
  oauth: 'oauth2',
  oauth2: 'oauth2',
  custom_authenticator: 'unknown',
  custom_authenticators: 'unknown',
  guard: 'unknown',
  simple_preauth: 'unknown',
};

function regex(source: string | undefined): { pattern?: RegExp; error?: string } {
  if (source === undefined) return {};
  try {
    // PCRE's possessive and atomic forms are absent from JavaScript; the plain forms match the same paths here.
    return { pattern: new RegExp(source.replace(/\(\?<([a-z])/gi, '(?<$1').replace(/\+\+/g, '+').replace(/\*\+/g, '*')) };
  } catch {
    return { error: `the pattern ${source} cannot be read as a regular expression` };
  }
}

/** `security:` of security.yaml (or the file's root for legacy `security.yml`). */
export function readSecurity(file: string, root: YNode): SecurityConfig {
  const security = root.map?.get('security') ?? root;
  const config: SecurityConfig = { file, firewalls: [], rules: [] };
  for (const [name, node] of security.map?.get('firewalls')?.map ?? []) {
    const options = node.map ?? new Map<string, YNode>();
    const compiled = regex(yString(options.get('pattern')));
    const mechanisms = [...options.keys()].flatMap((key) => (MECHANISMS[key] !== undefined ? [MECHANISMS[key]] : []));
    const undecidable = compiled.error;
    const requestMatcher = options.has('request_matcher') ? (yString(options.get('request_matcher')) ?? 'a service') : undefined;
    config.firewalls.push({
      name,
      ...(compiled.pattern ? { pattern: compiled.pattern } : {}),
      ...(undecidable !== undefined ? { undecidable } : {}),
      ...(requestMatcher !== undefined ? { requestMatcher } : {}),
      disabled: options.get('security')?.scalar === false,
      mechanisms: [...new Set(mechanisms)],
      where: { file, line: node.keyLine ?? node.line },
    });
  }
  for (const node of security.map?.get('access_control')?.items ?? []) {
    const options = node.map ?? new Map<string, YNode>();
    const compiled = regex(yString(options.get('path')));
    const conditions = ['ips', 'ip', 'host', 'allow_if', 'request_matcher', 'port', 'attributes', 'route'].filter((key) => options.has(key));
    config.rules.push({
      ...(compiled.pattern ? { path: compiled.pattern } : {}),
      ...(compiled.error !== undefined ? { undecidable: compiled.error } : {}),
      ...(conditions.length > 0 ? { conditional: conditions.join(', ') } : {}),
      methods: yStrings(options.get('methods')).map((method) => method.toUpperCase()),
      roles: [...yStrings(options.get('roles')), ...yStrings(options.get('role'))],
      where: { file, line: node.line },
    });
  }
  return config;
}

/** A concrete path for matching: `/api/users/{id}.{_format}` → `/api/users/1.json`. */
export function samplePath(path: string): string {
  return path.replace(/\{_format\}/g, 'json').replace(/\{[^}]+\}/g, '1');
}

/** The first firewall that surely takes the path (a `request_matcher` firewall may or may not: see `mayTake`). */
export function firewallFor(config: SecurityConfig, path: string): Firewall | undefined {
  const sample = samplePath(path);
  return config.firewalls.find((firewall) => firewall.requestMatcher === undefined && (firewall.undecidable !== undefined || !firewall.pattern || firewall.pattern.test(sample)));
}

/** The `request_matcher` firewalls before `firewallFor`'s: each may take the path instead (the service, not `pattern`, decides). */
export function mayTake(config: SecurityConfig, path: string): Firewall[] {
  const sample = samplePath(path);
  const out: Firewall[] = [];
  for (const firewall of config.firewalls) {
    if (firewall.requestMatcher !== undefined) out.push(firewall);
    else if (firewall.undecidable !== undefined || !firewall.pattern || firewall.pattern.test(sample)) break;
  }
  return out;
}

/** Symfony's access map: the first rule whose path and methods match. */
export function accessRuleFor(config: SecurityConfig, method: string, path: string): AccessRule | undefined {
  const sample = samplePath(path);
  return config.rules.find((rule) => {
    if (rule.undecidable !== undefined) return true;
    if (rule.path && !rule.path.test(sample)) return false;
    if (rule.methods.length === 0 || method === 'ANY') return true;
    return rule.methods.includes(method);
  });
}

/** True when the roles keep out a request without credentials. */
export function requiresAuthentication(roles: readonly string[]): boolean {
  if (roles.length === 0) return false;
  if (roles.some((role) => PUBLIC_ROLES.has(role))) return false;
  return roles.every((role) => role.startsWith('ROLE_') || role.startsWith('IS_AUTHENTICATED'));
}

export function isPublicRole(roles: readonly string[]): boolean {
  return roles.some((role) => PUBLIC_ROLES.has(role));
}
