import type { SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, AuthMechanism, Diagnostic, Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { makeEndpoint, sortEndpoints } from '../python/endpoint.js';
import { blockStatements, callArgs, callName, constantPath, field, kids, literal, locate, walk } from '../ruby/ast.js';

const FRAMEWORK = 'sinatra';
const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'options', 'head', 'link', 'unlink']);
const IGNORED = /^(vendor|node_modules|spec|test)\//;

interface Filter {
  /** Sinatra pattern the filter is limited to, or undefined for every route. */
  pattern?: string;
  body: Node;
  where: Location;
}

interface App {
  file: SourceFile;
  helpers: Map<string, Node>;
  /** `use Rack::Auth::Basic` in the app. */
  basic?: Location;
}

/** `/users/:id` → `/users/{id}`, `*` → `{splat}`. */
function sinatraPath(prefix: string, raw: string): string {
  const joined = `${prefix}/${raw}`.replace(/\/+/g, '/');
  const path = joined
    .split('/')
    .map((segment) => segment.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}').replace(/\*/g, '{splat}').replace(/\?$/, ''))
    .join('/')
    .replace(/\/$/, '');
  return path === '' ? '/' : path;
}

function patternMatches(pattern: string, path: string): boolean {
  const regex = new RegExp(`^${pattern.split(/(\{[^}]+\})/).map((part) => (part === '{splat}' ? '.*' : part.startsWith('{') ? '[^/]+' : part.replace(/[.+?^${}()|[\]\\]/g, '\\$&'))).join('')}$`);
  return regex.test(path) || (pattern.endsWith('/{splat}') && path === pattern.slice(0, -'/{splat}'.length));
}

class SinatraApp {
  readonly endpoints: CollectedEndpoint[] = [];
  readonly diagnostics: Diagnostic[] = [];

  constructor(private readonly app: App) {}

  walk(statements: readonly Node[], prefix: string, filters: readonly Filter[]): void {
    const local: Filter[] = [...filters];
    // Filters apply to the routes of their scope whatever their order in the file.
    for (const statement of statements) {
      if (statement.type !== 'call' || field(statement, 'receiver') || callName(statement) !== 'before') continue;
      const args = callArgs(statement);
      if (!args.block) continue;
      const pattern = literal(args.positional[0]);
      local.push({ ...(pattern !== undefined ? { pattern: sinatraPath(prefix, pattern) } : prefix ? { pattern: sinatraPath(prefix, '*') } : {}), body: args.block, where: locate(this.app.file.file, statement) });
    }
    for (const statement of statements) {
      if (statement.type !== 'call' || field(statement, 'receiver')) continue;
      const name = callName(statement) ?? '';
      const args = callArgs(statement);
      if (name === 'namespace') {
        const inner = literal(args.positional[0]);
        if (inner === undefined) {
          this.diagnostics.push({ level: 'info', source: `collector:${FRAMEWORK}`, file: this.app.file.file, line: statement.startPosition.row + 1, message: `namespace ${args.positional[0]?.text ?? ''} is not a literal path; its routes are not listed.` });
          continue;
        }
        this.walk(blockStatements(args.block), sinatraPath(prefix, inner), local);
        continue;
      }
      if (!VERBS.has(name) || !args.block) continue;
      const raw = literal(args.positional[0]);
      if (raw === undefined) {
        this.diagnostics.push({ level: 'info', source: `collector:${FRAMEWORK}`, file: this.app.file.file, line: statement.startPosition.row + 1, message: `The route pattern ${args.positional[0]?.text ?? ''} is not a literal path; the route is not listed.` });
        continue;
      }
      const path = sinatraPath(prefix, raw);
      const location = locate(this.app.file.file, statement);
      this.endpoints.push(makeEndpoint({ framework: FRAMEWORK, method: name.toUpperCase(), path, location, handler: location, auth: this.decide(path, args.block, local), appFile: this.app.file.file }));
    }
  }

  private decide(path: string, body: Node, filters: readonly Filter[]): AuthEvidence {
    if (this.app.basic) return { state: 'protected', mechanisms: ['basic'], where: this.app.basic, scope: 'app', detail: 'use Rack::Auth::Basic' };
    const doubts: string[] = [];
    for (const filter of filters) {
      if (filter.pattern !== undefined && !patternMatches(filter.pattern, path)) continue;
      const verdict = this.judge(filter.body, 0);
      if (verdict.kind === 'auth') return { state: 'protected', mechanisms: [verdict.mechanism], where: filter.where, scope: 'router', detail: `before filter: ${verdict.detail}` };
      if (verdict.kind === 'unknown') doubts.push(`before filter at line ${filter.where.line}: ${verdict.reason}`);
    }
    // A guard called first in the route itself.
    const first = blockStatements(body)[0];
    if (first && !/^(if|unless|if_modifier|unless_modifier|case|conditional|binary)$/.test(first.type)) {
      const verdict = this.judge(first, 0, true);
      if (verdict.kind === 'auth') return { state: 'protected', mechanisms: [verdict.mechanism], where: locate(this.app.file.file, first), scope: 'route', detail: verdict.detail };
    }
    if (doubts.length > 0) return { state: 'unknown', mechanisms: ['unknown'], detail: doubts.join('; ') };
    return { state: 'unprotected', mechanisms: ['none'], detail: 'no before filter or guard rejects unauthenticated requests' };
  }

  /** `halt 401`/`403` (directly or through a helper called unconditionally) is proof; another halt is a doubt. */
  private judge(body: Node, depth: number, statementOnly = false): { kind: 'auth'; mechanism: AuthMechanism; detail: string } | { kind: 'none' } | { kind: 'unknown'; reason: string } {
    let result: { kind: 'auth'; mechanism: AuthMechanism; detail: string } | undefined;
    let doubt: string | undefined;
    walk(body, (node) => {
      if (result) return false;
      if (node.type !== 'call' && node.type !== 'identifier') return true;
      if (node.type === 'call' && field(node, 'receiver')) return true;
      if (node.type === 'identifier' && !/^(body_statement|block_body|then|else|if_modifier|unless_modifier|binary)$/.test(node.parent?.type ?? '') && node !== body) return true;
      const name = callName(node) ?? '';
      if (name === 'halt') {
        const status = callArgs(node).positional[0];
        const code = status ? (literal(status) ?? status.text) : '';
        if (/^(401|403)\b/.test(code) || /^\[\s*(401|403)\b/.test(code)) result = { kind: 'auth', mechanism: 'unknown', detail: `halt ${code.slice(0, 20)}` };
        else doubt = `halt ${code.slice(0, 20)} is not a 401/403`;
        return true;
      }
      if (name === 'request_http_basic_authentication' || name === 'authenticate_or_request_with_http_basic') {
        result = { kind: 'auth', mechanism: 'basic', detail: name };
        return false;
      }
      const helper = this.app.helpers.get(name);
      if (helper && depth < 4) {
        const inner = this.judge(helper, depth + 1);
        if (inner.kind === 'auth') {
          if (!underCondition(node, body)) result = { kind: 'auth', mechanism: inner.mechanism, detail: `${name} → ${inner.detail}` };
          else doubt = `${name} is called only under a condition`;
        } else if (inner.kind === 'unknown') doubt = `${name}: ${inner.reason}`;
      }
      return !statementOnly || node === body;
    });
    if (result) return result;
    if (doubt) return { kind: 'unknown', reason: doubt };
    return { kind: 'none' };
  }
}

function underCondition(node: Node, top: Node): boolean {
  for (let current = node.parent; current && current.id !== top.id; current = current.parent) {
    if (/^(if|unless|case|conditional|if_modifier|unless_modifier|while|until|rescue)$/.test(current.type)) return true;
  }
  return false;
}

function helpersOf(statements: readonly Node[], into: Map<string, Node>): void {
  for (const statement of statements) {
    if (statement.type === 'method') {
      const name = field(statement, 'name')?.text;
      if (name) into.set(name, statement);
    } else if (statement.type === 'call' && callName(statement) === 'helpers' && !field(statement, 'receiver')) {
      helpersOf(blockStatements(callArgs(statement).block), into);
    }
  }
}

function basicAuth(file: SourceFile, statements: readonly Node[]): Location | undefined {
  for (const statement of statements) {
    if (statement.type === 'call' && callName(statement) === 'use' && constantPath(callArgs(statement).positional[0]) === 'Rack::Auth::Basic') return locate(file.file, statement);
  }
  return undefined;
}

export const sinatraCollector: CodeCollector = {
  id: FRAMEWORK,
  languages: ['ruby'],
  enablers: ['sinatra'],
  isEnabled(project, sources) {
    if ((project.dependencies['rubygems'] ?? []).includes('sinatra')) return true;
    return sources.some((source) => source.language === 'ruby' && /require\s+['"]sinatra/.test(source.text));
  },
  collect(sources) {
    const endpoints: CollectedEndpoint[] = [];
    const diagnostics: Diagnostic[] = [];
    for (const file of sources) {
      if (file.language !== 'ruby' || IGNORED.test(file.file) || !/sinatra|Sinatra/.test(file.text)) continue;
      const root = kids(file.tree.rootNode);
      const run = (statements: readonly Node[]): void => {
        const helpers = new Map<string, Node>();
        helpersOf(statements, helpers);
        const basic = basicAuth(file, statements);
        const app = new SinatraApp({ file, helpers, ...(basic ? { basic } : {}) });
        app.walk(statements, '', []);
        endpoints.push(...app.endpoints);
        diagnostics.push(...app.diagnostics);
      };
      // Classic style: routes at the top level of a file that requires sinatra.
      if (/require\s+['"]sinatra['"]/.test(file.text)) run(root);
      // Modular style: classes (at any module depth) inheriting from Sinatra::Base or a class that does.
      walk(file.tree.rootNode, (node) => {
        if (node.type !== 'class') return true;
        const parent = constantPath(kids(field(node, 'superclass') ?? node).find((n) => n.type === 'constant' || n.type === 'scope_resolution'));
        if (parent && /^(::)?Sinatra::(Base|Application)$/.test(parent)) {
          const body = field(node, 'body');
          run(body ? kids(body) : []);
        }
        return true;
      });
    }
    return { endpoints: sortEndpoints(endpoints), diagnostics };
  },
};
