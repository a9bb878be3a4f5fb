import type { Node } from 'web-tree-sitter';
import { at, isJs, resolveValue } from '../../analysis/code-auth.js';
import { enclosingFunction, factsOf, identifiersNamed, literalValue, nodesOfType, propertyOf, stringValue, type CallSite } from '../../analysis/code.js';
import { endpointsIn } from '../../analysis/endpoints.js';
import type { SourceFile } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';
import { appCodeProviders } from '../../collectors/code/plugins.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

const PRIVILEGED = String.raw`(admin|administrator|superuser|super_?admin|staff|owner|manager|root|ops)`;
const ROLE_TEST = new RegExp(
  String.raw`\broles?\b\s*[!=]==?\s*['"\`]${PRIVILEGED}['"\`]|['"\`]${PRIVILEGED}['"\`]\s*[!=]==?\s*[\w.?]*\broles?\b|\b(isAdmin|is_admin|isStaff|is_staff|isSuperuser|isSuperAdmin|isOwner)\b|\broles?\??\.(includes|has|some)\(\s*['"\`]${PRIVILEGED}|\bhasRole\(\s*['"\`]${PRIVILEGED}`,
  'i',
);
// A role check on the server's own request object is a server-side check, whatever file it sits in.
const SERVER_SUBJECT = /\b(req|request|ctx)\.(user|state|session|auth)\b/;
let serverImport: RegExp | undefined;

/** A JS file that imports a server framework (the frameworks' `appCode.serverModules`), Node's HTTP server or hapi. */
function importsServer(text: string): boolean {
  if (!serverImport) {
    const modules = appCodeProviders().flatMap((provider) => (provider.serverModules ? [provider.serverModules] : []));
    const required = [...modules.flatMap((entry) => entry.required ?? []), String.raw`@hapi\/hapi`, 'http'];
    const imported = [...modules.flatMap((entry) => entry.imported ?? []), 'node:http', String.raw`@hapi\/hapi`];
    serverImport = new RegExp(String.raw`require\(\s*['"](${required.join('|')})['"]\s*\)|from\s+['"](${imported.join('|')})['"]`);
  }
  return serverImport.test(text);
}

const HTTP_VERBS = new Set(['get', 'post', 'put', 'patch', 'delete']);

interface ClientCall {
  call: CallSite;
  method: string;
  /** Path segments, `{}` for each dynamic part. */
  segments: string[];
}

interface Gate {
  test: Node;
  /** The code that only runs, or only renders, when the test passes. */
  start: number;
  end: number;
}

/** The URL an expression builds, with `{}` for dynamic parts: `'/api/users/' + id` → `/api/users/{}`. */
function urlOf(source: SourceFile, node: Node | undefined, depth = 0): string | undefined {
  if (!node || depth > 4) return undefined;
  const literal = stringValue(node);
  if (literal !== undefined) return literal;
  if (node.type === 'template_string') {
    return node.namedChildren.map((part) => (part?.type === 'template_substitution' ? '{}' : (part?.text ?? ''))).join('');
  }
  if (node.type === 'binary_expression' && node.childForFieldName('operator')?.text === '+') {
    const left = urlOf(source, node.childForFieldName('left') ?? undefined, depth + 1) ?? '{}';
    const right = urlOf(source, node.childForFieldName('right') ?? undefined, depth + 1) ?? '{}';
    return left + right;
  }
  if (node.type === 'identifier') {
    const resolved = resolveValue(source, node);
    if (resolved && resolved.id !== node.id) return urlOf(source, resolved, depth + 1);
  }
  return undefined;
}

function segmentsOf(url: string): string[] | undefined {
  const path = url.replace(/^https?:\/\/[^/]+/, '').replace(/^\{\}(?=\/)/, '').replace(/[?#].*$/, '');
  if (!path.startsWith('/')) return undefined;
  return path.split('/').filter((segment) => segment !== '').map((segment) => (segment.includes('{}') ? '{}' : segment));
}

function clientCall(source: SourceFile, call: CallSite): ClientCall | undefined {
  if (call.isNew) return undefined;
  const name = call.callee.split('.').at(-1) ?? '';
  let method: string | undefined;
  let url: Node | undefined;
  if (/^(window\.|globalThis\.)?fetch$/.test(call.callee)) {
    url = call.args[0];
    const options = call.args[1];
    const declared = options ? propertyOf(options, 'method') : undefined;
    const value = declared ? literalValue(declared) : 'GET';
    if (typeof value === 'string') method = value.toUpperCase();
  } else if (HTTP_VERBS.has(name) && call.callee.includes('.')) {
    url = call.args[0];
    method = name.toUpperCase();
  } else if (/^axios(\.request)?$/.test(call.callee) && call.args[0]?.type === 'object') {
    url = propertyOf(call.args[0], 'url');
    const value = literalValue(propertyOf(call.args[0], 'method'));
    if (typeof value === 'string') method = value.toUpperCase();
  }
  if (!method || !url) return undefined;
  const text = urlOf(source, url);
  const segments = text === undefined ? undefined : segmentsOf(text);
  return segments && segments.length > 0 ? { call, method, segments } : undefined;
}

function endsWith(long: readonly string[], short: readonly string[]): boolean {
  if (short.length < 2 || short.length > long.length || !short.some((segment) => segment !== '{}')) return false;
  const offset = long.length - short.length;
  return short.every((segment, index) => segment === long[offset + index]);
}

interface Target {
  endpoint: Endpoint;
  segments: string[];
}

/** The targets of one method, by whole path and by each path suffix `endsWith` may compare (built once per run, not scanned per request). */
interface MethodTargets {
  /** The first target of each path. */
  exact: Map<string, Target>;
  /** Positions of the targets of each whole path. */
  whole: Map<string, number[]>;
  /** Positions of the targets ending with each suffix of two segments or more. */
  suffixes: Map<string, number[]>;
}

function indexTargets(targets: readonly Target[]): Map<string, MethodTargets> {
  const byMethod = new Map<string, MethodTargets>();
  const add = (map: Map<string, number[]>, key: string, position: number): void => {
    const list = map.get(key);
    if (list) list.push(position);
    else map.set(key, [position]);
  };
  targets.forEach((target, position) => {
    const method = target.endpoint.method.toUpperCase();
    let entry = byMethod.get(method);
    if (!entry) byMethod.set(method, (entry = { exact: new Map(), whole: new Map(), suffixes: new Map() }));
    const path = target.segments.join('/');
    if (!entry.exact.has(path)) entry.exact.set(path, target);
    add(entry.whole, path, position);
    for (let start = 0; start <= target.segments.length - 2; start += 1) add(entry.suffixes, target.segments.slice(start).join('/'), position);
  });
  return byMethod;
}

/** The endpoint a client request targets: same method, same path with parameters normalised; a base URL may prefix either side. */
function targetOf(request: ClientCall, targets: readonly Target[], index: Map<string, MethodTargets>): Endpoint | undefined {
  const candidates = index.get(request.method);
  if (!candidates) return undefined;
  const exact = candidates.exact.get(request.segments.join('/'));
  if (exact) return exact.endpoint;
  // endsWith(target, request): the target ends with the request's path; endsWith(request, target): the request ends with the target's.
  const matches = new Set<number>();
  if (endsWith(request.segments, request.segments)) for (const position of candidates.suffixes.get(request.segments.join('/')) ?? []) matches.add(position);
  for (let start = 0; start <= request.segments.length - 2; start += 1) {
    const suffix = request.segments.slice(start);
    if (!endsWith(request.segments, suffix)) continue;
    for (const position of candidates.whole.get(suffix.join('/')) ?? []) matches.add(position);
  }
  const [only] = matches;
  return matches.size === 1 && only !== undefined ? targets[only]?.endpoint : undefined;
}

function isExit(statement: Node | null | undefined): boolean {
  const inner = statement?.type === 'statement_block' ? statement.namedChildren[0] : statement;
  return inner?.type === 'return_statement' || inner?.type === 'throw_statement';
}

/** Role tests and the code they gate: `if (isAdmin) …`, `isAdmin && <Button/>`, `isAdmin ? … : …`, `if (!isAdmin) return`. */
function gatesOf(source: SourceFile): Gate[] {
  const out: Gate[] = [];
  for (const node of nodesOfType(source, ['if_statement', 'ternary_expression', 'binary_expression'])) {
    const test = node.type === 'binary_expression' ? node.childForFieldName('left') : node.childForFieldName('condition');
    if (!test || !ROLE_TEST.test(test.text) || SERVER_SUBJECT.test(test.text)) continue;
    if (node.type === 'binary_expression') {
      const right = node.childForFieldName('right');
      if (node.childForFieldName('operator')?.text === '&&' && right) out.push({ test, start: right.startIndex, end: right.endIndex });
      continue;
    }
    const consequence = node.childForFieldName('consequence');
    const negated = /^\(?\s*!|!==?/.test(test.text);
    if (node.type === 'if_statement' && negated && isExit(consequence)) {
      // `if (!isAdmin) return null;` gates the rest of the enclosing block.
      const block = parentOf(node);
      if (block) out.push({ test, start: node.endIndex, end: block.endIndex });
    } else if (consequence && !negated) out.push({ test, start: consequence.startIndex, end: consequence.endIndex });
  }
  return out;
}

/** The name a function is declared or bound under, for following `onClick={deleteUser}` one step. */
function boundName(fn: Node): string | undefined {
  const own = fn.childForFieldName('name')?.text;
  if (own) return own;
  const parent = parentOf(fn);
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text;
  return undefined;
}

function inside(node: Node, gate: Gate): boolean {
  return node.startIndex >= gate.start && node.endIndex <= gate.end;
}

/** The routes a client-only role check can front: REST routes the enrichers found no role check on. */
function unguardedRoute(endpoint: Endpoint): boolean {
  return endpoint.protocol === 'rest' && endpoint.authorization?.functionLevel === 'missing';
}

export default defineCheck({
  id: 'role-check-only-in-client',
  title: 'Admin action gated only by a client-side role check',
  owasp: 'API5:2023',
  cwe: ['CWE-602', 'CWE-285'],
  severity: 'high',
  confidence: 'medium',
  section: 'authorization',
  targets: ['code'],
  // Pairs front-end requests with inventory routes by path: calibrated on two projects so far.
  experimental: true,
  readsWorkspace: unguardedRoute,
  // Front-end code: JavaScript and TypeScript sources only.
  languages: ['javascript', 'typescript', 'tsx'],
  rationale:
    'The front end hides the admin action unless the user has the admin role, but the API route it calls checks no role itself: the role check lives only in code the attacker controls, so any signed-in user can send the same request with curl or the browser console.',
  remediation:
    'Enforce the role on the server route the front end calls and keep the client check only for display: Express `router.delete(path, requireAuth, requireRole("admin"), handler)`; NestJS `@Roles("admin")` with `@UseGuards(AuthGuard, RolesGuard)`; FastAPI `dependencies=[Depends(require_role("admin"))]`; Flask `@roles_required("admin")`; Django `@permission_required("app.delete_user")` or DRF `permission_classes = [IsAdminUser]`.',
  messages: {
    clientOnly:
      '`{{gate}}` guards the call to `{{route}}` only in the client: the server route checks no role or permission, so any signed-in user can call it.',
  },
  run(ctx, report) {
    // The routes a front end calls may be served in another language (a React client of a FastAPI service).
    const targets = (ctx.workspaceEndpoints ?? ctx.inventory.endpoints)
      .filter(unguardedRoute)
      .map((endpoint) => ({ endpoint, segments: endpoint.path.split('/').filter((segment) => segment !== '').map((segment) => (/^[{:]/.test(segment) ? '{}' : segment)) }));
    if (targets.length === 0) return;
    const index = indexTargets(targets);
    for (const source of ctx.sources) {
      if (!isJs(source) || !ROLE_TEST.test(source.text) || importsServer(source.text) || endpointsIn(ctx, source.file).length > 0) continue;
      const gates = gatesOf(source);
      if (gates.length === 0) continue;
      const requests = factsOf(source).calls.map((call) => clientCall(source, call)).filter((request): request is ClientCall => request !== undefined);
      const seen = new Set<string>();
      for (const request of requests) {
        const endpoint = targetOf(request, targets, index);
        if (!endpoint) continue;
        const fn = enclosingFunction(request.call.node);
        const name = fn ? boundName(fn) : undefined;
        for (const gate of gates) {
          const direct = inside(request.call.node, gate);
          const viaHandler =
            !direct &&
            fn &&
            name !== undefined &&
            identifiersNamed(source, name).some((id) => id.type === 'identifier' && inside(id, gate) && !(id.startIndex >= fn.startIndex && id.endIndex <= fn.endIndex));
          if (!direct && !viaHandler) continue;
          const key = `${gate.test.id}:${endpoint.id}`;
          if (seen.has(key)) continue;
          seen.add(key);
          const gateText = gate.test.text.replace(/\s+/g, ' ').replace(/^\((.*)\)$/, '$1').trim();
          report({
            messageId: 'clientOnly',
            data: { gate: gateText.length > 60 ? `${gateText.slice(0, 59)}…` : gateText, route: `${endpoint.method} ${endpoint.path}` },
            ...at(ctx, source, gate.test),
            endpointId: endpoint.id,
            key: `${source.file}:${gateText}:${endpoint.id}`,
          });
        }
      }
    }
  },
});
