import type { SourceFile } from '../../../engine/context.js';
import type { AuthEvidence, AuthMechanism, Diagnostic, Location } from '../../../model/types.js';
import type { Node } from '../../../parsing/parser.js';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { makeEndpoint, sortEndpoints } from '../python/endpoint.js';
import { blockStatements, callArgs, callName, constantPath, field, kids, literal, locate, walk } from '../ruby/ast.js';
import { RubyProject, type RubyScope } from '../ruby/project.js';

const FRAMEWORK = 'grape';
const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'options', 'head']);
const NAMESPACES = new Set(['resource', 'resources', 'namespace', 'group', 'segment']);
const IGNORED = /^(vendor|node_modules|spec|test)\//;

type Verdict = { kind: 'auth'; mechanism: AuthMechanism; detail: string } | { kind: 'none' } | { kind: 'unknown'; reason: string };

interface Context {
  path: string;
  /** `prefix` and `version … using: :path` of the API class, applied before the namespaces. */
  helpers: Map<string, Node>;
  filters: { body: Node; where: Location }[];
}

function join(...parts: readonly string[]): string {
  const segments = parts
    .join('/')
    .split('/')
    .filter(Boolean)
    .map((segment) => segment.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}').replace(/\*([A-Za-z_]\w*)?/g, (_m, name: string | undefined) => `{${name ?? 'splat'}}`));
  return `/${segments.join('/')}`;
}

function underCondition(node: Node, top: Node): boolean {
  for (let current = node.parent; current && current.id !== top.id; current = current.parent) {
    if (/^(if|unless|case|conditional|if_modifier|unless_modifier|while|until|rescue)$/.test(current.type)) return true;
  }
  return false;
}

class GrapeApi {
  readonly endpoints: CollectedEndpoint[] = [];
  readonly diagnostics: Diagnostic[] = [];
  private readonly visiting: string[] = [];

  constructor(private readonly project: RubyProject) {}

  isApi(scope: RubyScope): boolean {
    let current: RubyScope | undefined = scope;
    for (let i = 0; i < 10 && current; i += 1) {
      if (!current.superclass) return false;
      if (/^(::)?Grape::API(::Instance)?$/.test(current.superclass)) return true;
      current = this.project.resolve(current.superclass, current.fqn.split('::').slice(0, -1));
    }
    return false;
  }

  api(scope: RubyScope, context: Context): void {
    if (this.visiting.includes(scope.fqn) || this.visiting.length > 20) return;
    this.visiting.push(scope.fqn);
    try {
      const body = field(scope.node, 'body');
      const statements = body ? kids(body) : [];
      let prefix = '';
      let version = '';
      for (const statement of statements) {
        const name = statement.type === 'call' ? callName(statement) : undefined;
        const args = statement.type === 'call' ? callArgs(statement) : undefined;
        if (name === 'prefix' && args) prefix = literal(args.positional[0]) ?? prefix;
        if (name === 'version' && args) {
          const using = literal(args.options.get('using')) ?? 'path';
          const value = literal(args.positional[0]);
          if (using === 'path' && value) version = value;
        }
      }
      this.block(scope.file, statements, { ...context, path: join(context.path, prefix, version), helpers: new Map(context.helpers) });
    } finally {
      this.visiting.pop();
    }
  }

  private block(file: SourceFile, statements: readonly Node[], outer: Context): void {
    const context: Context = { path: outer.path, helpers: outer.helpers, filters: [...outer.filters] };
    for (const statement of statements) {
      if (statement.type !== 'call' || field(statement, 'receiver')) continue;
      const name = callName(statement) ?? '';
      const args = callArgs(statement);
      if (name === 'helpers') {
        if (args.block) for (const inner of blockStatements(args.block)) this.helper(inner, context.helpers);
        for (const arg of args.positional) {
          const module = constantPath(arg);
          const found = module ? this.project.resolve(module, []) ?? [...this.project.scopes.values()].find((s) => s.kind === 'module' && s.fqn.endsWith(`::${module}`)) : undefined;
          if (found) for (const [method, def] of found.methods) context.helpers.set(method, def.node);
        }
      } else if (name === 'before' && args.block) {
        context.filters.push({ body: args.block, where: locate(file.file, statement) });
      }
    }
    for (const statement of statements) {
      if (statement.type !== 'call' || field(statement, 'receiver')) continue;
      const name = callName(statement) ?? '';
      const args = callArgs(statement);
      if (NAMESPACES.has(name) || name === 'route_param') {
        const raw = literal(args.positional[0]);
        if (raw === undefined) continue;
        const segment = name === 'route_param' ? `:${raw}` : raw;
        this.block(file, blockStatements(args.block), { ...context, path: join(context.path, segment), helpers: new Map(context.helpers) });
      } else if (name === 'mount') {
        const arrow = args.arrows[0];
        const target = constantPath(arrow?.key ?? args.positional[0]);
        const at = literal(arrow?.value) ?? '';
        const scope = target ? this.project.resolve(target, []) ?? [...this.project.scopes.values()].find((s) => s.fqn.endsWith(`::${target}`)) : undefined;
        if (!scope) {
          this.diagnostics.push({ level: 'info', source: `collector:${FRAMEWORK}`, file: file.file, line: statement.startPosition.row + 1, message: `mount ${target ?? '…'}: the API is not in the repository; its routes are not listed.` });
          continue;
        }
        this.api(scope, { ...context, path: join(context.path, at) });
      } else if (VERBS.has(name) && args.block) {
        const raw = args.positional[0] ? literal(args.positional[0]) : '';
        if (raw === undefined) continue;
        const path = join(context.path, raw);
        const location = locate(file.file, statement);
        this.endpoints.push(makeEndpoint({ framework: FRAMEWORK, method: name.toUpperCase(), path, location, handler: location, auth: this.decide(file, args.block, context) }));
      }
    }
  }

  private helper(node: Node, into: Map<string, Node>): void {
    if (node.type === 'method') {
      const name = field(node, 'name')?.text;
      if (name) into.set(name, node);
    }
  }

  private decide(file: SourceFile, body: Node, context: Context): AuthEvidence {
    const doubts: string[] = [];
    for (const filter of context.filters) {
      const verdict = this.judge(filter.body, context.helpers, 0);
      if (verdict.kind === 'auth') return { state: 'protected', mechanisms: [verdict.mechanism], where: filter.where, scope: 'router', detail: `before: ${verdict.detail}` };
      if (verdict.kind === 'unknown') doubts.push(`before at line ${filter.where.line}: ${verdict.reason}`);
    }
    const first = blockStatements(body)[0];
    if (first) {
      const conditional = /^(if|unless|if_modifier|unless_modifier|case|conditional|binary)$/.test(first.type);
      const verdict = this.judge(first, context.helpers, 0, !conditional);
      if (verdict.kind === 'auth' && !conditional) return { state: 'protected', mechanisms: [verdict.mechanism], where: locate(file.file, first), scope: 'route', detail: verdict.detail };
      if (verdict.kind === 'auth') doubts.push(`the guard at line ${first.startPosition.row + 1} runs only under a condition`);
    }
    if (doubts.length > 0) return { state: 'unknown', mechanisms: ['unknown'], detail: doubts.join('; ') };
    return { state: 'unprotected', mechanisms: ['none'], detail: 'no before callback or guard rejects unauthenticated requests' };
  }

  /** `error!(…, 401|403)` directly or through a helper called unconditionally is proof. */
  private judge(body: Node, helpers: Map<string, Node>, depth: number, statementOnly = false): Verdict {
    let result: Verdict | undefined;
    let doubt: string | undefined;
    walk(body, (node) => {
      if (result) return false;
      if (node.type !== 'call' && node.type !== 'identifier') return true;
      if (node.type === 'call' && field(node, 'receiver')) return true;
      if (node.type === 'identifier' && node !== body && !/^(body_statement|block_body|then|else|if_modifier|unless_modifier|binary)$/.test(node.parent?.type ?? '')) return true;
      const name = callName(node) ?? '';
      if (name === 'error!') {
        // `error!(message, 401)`; `error!({ error: … }, 401)` reads as a hash option then the status.
        const positional = callArgs(node).positional;
        const status = positional.length >= 2 ? positional[1] : positional[0]?.type === 'integer' && node.text.includes('{') ? positional[0] : undefined;
        const code = status ? (literal(status) ?? status.text) : '';
        if (/^(401|403|unauthorized|forbidden)$/.test(code)) result = { kind: 'auth', mechanism: 'unknown', detail: `error! ${code}` };
        else doubt = `error! with status ${code || '500'} is not a 401/403`;
        return true;
      }
      const helper = helpers.get(name);
      if (helper && depth < 4) {
        const inner = this.judge(helper, helpers, depth + 1);
        if (inner.kind === 'auth') {
          if (!underCondition(node, body)) result = { kind: 'auth', mechanism: inner.mechanism, detail: `${name} → ${inner.detail}` };
          else doubt = `${name} is called only under a condition`;
        } else if (inner.kind === 'unknown') doubt = `${name}: ${inner.reason}`;
      }
      return !statementOnly || node === body;
    });
    return result ?? (doubt ? { kind: 'unknown', reason: doubt } : { kind: 'none' });
  }
}

export const grapeCollector: CodeCollector = {
  id: FRAMEWORK,
  languages: ['ruby'],
  enablers: ['grape'],
  isEnabled(project, sources) {
    if ((project.dependencies['rubygems'] ?? []).includes('grape')) return true;
    return sources.some((source) => source.language === 'ruby' && /Grape::API/.test(source.text));
  },
  collect(sources) {
    const files = sources.filter((source) => source.language === 'ruby' && !IGNORED.test(source.file));
    const project = new RubyProject(files);
    const grape = new GrapeApi(project);
    const apis = [...project.scopes.values()].filter((scope) => scope.kind === 'class' && grape.isApi(scope));
    // Roots: APIs no other API mounts.
    const mounted = new Set<string>();
    for (const api of apis) {
      walk(api.node, (node) => {
        if (node.type === 'call' && callName(node) === 'mount') {
          const args = callArgs(node);
          const target = constantPath(args.arrows[0]?.key ?? args.positional[0]);
          const scope = target ? project.resolve(target, api.fqn.split('::')) ?? [...project.scopes.values()].find((s) => s.fqn.endsWith(`::${target}`) || s.fqn === target) : undefined;
          if (scope) mounted.add(scope.fqn);
        }
        return true;
      });
    }
    for (const api of apis) if (!mounted.has(api.fqn)) grape.api(api, { path: '', helpers: new Map(), filters: [] });
    const seen = new Set<string>();
    const endpoints = grape.endpoints.filter((endpoint) => {
      const key = `${endpoint.method} ${endpoint.path}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    });
    return { endpoints: sortEndpoints(endpoints), diagnostics: grape.diagnostics };
  },
};
