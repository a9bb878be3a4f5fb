import { Kind, parse, type DocumentNode } from 'graphql';
import type { Node } from 'web-tree-sitter';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { callArgs, callee, descendants, field, isFunction, locate, named, objectProperty, propertyKey, unwrap } from '../js/ast.js';
import { AuthAnalyser, evidence, type AppliedFact } from '../js/auth.js';
import { jsEnabled } from '../js/kit.js';
import { ModuleGraph, type JsModule } from '../js/modules.js';
import { evalString, externalName, isExternal } from '../js/values.js';
import { lookupTable } from '../../../analysis/lookup.js';

const PACKAGES = ['@apollo/server', 'apollo-server', 'apollo-server-express', 'apollo-server-koa', 'graphql-yoga'];
const APOLLO = ['@apollo/server', 'apollo-server', 'apollo-server-express', 'apollo-server-koa', 'apollo-server-fastify'];
const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const ROOTS: Record<string, string> = lookupTable({ Query: 'QUERY', Mutation: 'MUTATION', Subscription: 'SUBSCRIPTION' });
const TEMPLATES: ReadonlySet<string> = new Set(['call_expression', 'new_expression', 'object']);
/** An error answer: `throw`, or returning `new ForbiddenError(...)` / `new GraphQLError(...)`. */
const ERROR_ANSWER = /^(?:throw\b|return\s+new\s+\w*(?:Error|Exception)\b)/;

/**
 * Names that reach the GraphQL context in a resolver `(parent, args, context, info)`: the parameter itself, or what
 * it destructures (`{ user }`, `{ me: { role } }`).
 */
function contextNames(fn: Node): { object: string | undefined; names: Set<string> } {
  const params = field(fn, 'parameters');
  const list = params ? named(params) : [];
  const third = list[2];
  const pattern = third && (third.type === 'required_parameter' || third.type === 'optional_parameter') ? field(third, 'pattern') : third;
  const names = new Set<string>();
  if (!pattern) return { object: undefined, names };
  if (pattern.type === 'identifier') return { object: pattern.text, names };
  for (const id of descendants(pattern, new Set(['shorthand_property_identifier_pattern', 'identifier']))) names.add(id.text);
  return { object: undefined, names };
}

/** Whether a condition tests the context's caller: `!context.user`, `!me`, `!ctx.session?.userId`. */
function readsContext(condition: Node, context: { object: string | undefined; names: Set<string> }): boolean {
  for (const id of descendants(condition, new Set(['identifier']))) {
    if (context.names.has(id.text)) return true;
    if (context.object !== undefined && id.text === context.object && id.parent?.type === 'member_expression') return true;
  }
  return false;
}

/**
 * A resolver (or wrapper closure) that answers with an error, before anything else, when the context has no caller:
 * `if (!context.user) throw …` / `if (!me) return new ForbiddenError(…)` as a statement of its body.
 */
function rejectsWithoutCaller(fn: Node): boolean {
  const context = contextNames(fn);
  if (context.object === undefined && context.names.size === 0) return false;
  const body = field(fn, 'body');
  if (!body || body.type !== 'statement_block') return false;
  for (const statement of named(body)) {
    if (statement.type !== 'if_statement') continue;
    const condition = field(statement, 'condition');
    const consequence = field(statement, 'consequence');
    if (!condition || !consequence || !readsContext(condition, context) || !/^\(\s*!/.test(condition.text)) continue;
    const first = consequence.type === 'statement_block' ? named(consequence)[0] : consequence;
    if (first && ERROR_ANSWER.test(first.text)) return true;
  }
  return false;
}

interface Field {
  type: string;
  name: string;
  line: number;
  module: JsModule;
}

class GraphqlCollector {
  private readonly auth: AuthAnalyser;

  constructor(private readonly graph: ModuleGraph) {
    this.auth = new AuthAnalyser(graph);
  }

  run(): CollectedEndpoint[] {
    const fields: Field[] = [];
    const resolvers = new Map<string, { module: JsModule; node: Node }>();
    const out: CollectedEndpoint[] = [];
    for (const module of this.graph.modules.values()) {
      const text = module.source.text;
      if (!/gql|graphql|typeDefs|Query|Mutation/.test(text)) continue;
      for (const node of descendants(module.source.tree.rootNode, TEMPLATES)) {
        if (node.type === 'call_expression' && field(node, 'arguments')?.type === 'template_string') {
          const tag = callee(node)?.text;
          const template = field(node, 'arguments');
          if ((tag === 'gql' || tag === 'graphql') && template) fields.push(...this.sdl(module, template));
          continue;
        }
        if (node.type === 'object') {
          for (const pair of named(node)) {
            if (pair.type !== 'pair') continue;
            const key = propertyKey(pair);
            const value = field(pair, 'value');
            if (!key || !(key in ROOTS) || !value) continue;
            const object = this.objectOf(module, value);
            if (!object) continue;
            for (const member of named(object.node)) {
              const name = member.type === 'method_definition' ? field(member, 'name')?.text : member.type === 'pair' ? propertyKey(member) : undefined;
              const resolver = member.type === 'method_definition' ? member : member.type === 'pair' ? field(member, 'value') : undefined;
              if (name && resolver) resolvers.set(`${key}.${name}`, { module: object.module, node: resolver });
            }
          }
          continue;
        }
        out.push(...this.transport(module, node));
      }
    }
    for (const f of fields) {
      const resolver = resolvers.get(`${f.type}.${f.name}`);
      const facts: AppliedFact[] = [];
      if (resolver) {
        const fact = this.resolverFact(resolver.module, resolver.node);
        if (fact) facts.push(fact);
      }
      const endpoint: CollectedEndpoint = {
        method: ROOTS[f.type] ?? 'QUERY',
        path: `${f.type}.${f.name}`,
        protocol: 'graphql',
        sources: [{ kind: 'code', via: 'graphql', location: { file: f.module.file, line: f.line } }],
        parameters: [],
        auth: resolver ? evidence(facts) : { state: 'unknown', mechanisms: ['unknown'], detail: 'no resolver found in code for this field' },
        deprecated: false,
        framework: 'graphql',
      };
      if (resolver) endpoint.handler = locate(resolver.module.file, resolver.node);
      out.push(endpoint);
    }
    return out;
  }

  private objectOf(module: JsModule, node: Node): { module: JsModule; node: Node } | undefined {
    const current = unwrap(node);
    if (current.type === 'object') return { module, node: current };
    const resolved = this.graph.resolve(module, current);
    return resolved.kind === 'node' && resolved.node.type === 'object' ? { module: resolved.module, node: resolved.node } : undefined;
  }

  private resolverFact(module: JsModule, node: Node): AppliedFact | undefined {
    const current = unwrap(node);
    const where = locate(module.file, current);
    if (isFunction(current) || current.type === 'method_definition') {
      if (rejectsWithoutCaller(current)) return { verdict: 'auth', mechanisms: ['unknown'], detail: 'context user checked in the resolver', where, scope: 'route' };
      const fact = this.auth.fromBody(module, current, 'check in the resolver', true);
      return fact.verdict === 'none' ? undefined : { ...fact, where, scope: 'route' };
    }
    if (current.type === 'call_expression') {
      // requireAuth(resolver) / authenticated(resolver): the wrapper's body decides.
      const fn = callee(current);
      const target = fn ? this.graph.resolve(module, fn) : undefined;
      if (target?.kind === 'node' && isFunction(target.node) && this.wrapperChecks(target.node))
        return { verdict: 'auth', mechanisms: ['unknown'], detail: current.text.slice(0, 60), where, scope: 'route' };
      // graphql-resolvers: `combineResolvers(isAuthenticated, resolver)` runs the guards first and stops at an error.
      if (target?.kind === 'external' && target.specifier === 'graphql-resolvers' && externalName(target) === 'combineResolvers') {
        const guards = callArgs(current).slice(0, -1);
        if (guards.some((guard) => this.isCombinedGuard(module, guard, 0)))
          return { verdict: 'auth', mechanisms: ['unknown'], detail: current.text.replace(/\s+/g, ' ').slice(0, 60), where, scope: 'route' };
        return undefined;
      }
      const fact = this.auth.classify(module, current);
      return fact.verdict === 'none' ? undefined : { ...fact, where, scope: 'route' };
    }
    return undefined;
  }

  /** A wrapper whose returned closure checks the context's caller. */
  private wrapperChecks(fn: Node): boolean {
    if (rejectsWithoutCaller(fn)) return true;
    const body = field(fn, 'body');
    const values = body?.type === 'statement_block' ? named(body).filter((s) => s.type === 'return_statement').map((s) => named(s)[0]) : [body];
    return values.some((value) => value !== undefined && isFunction(unwrap(value)) && rejectsWithoutCaller(unwrap(value)));
  }

  /**
   * A graphql-resolvers guard: `(parent, args, { me }) => (me ? skip : new ForbiddenError(...))`, the `if` form of it,
   * or a `combineResolvers(...)` holding one.
   */
  private isCombinedGuard(module: JsModule, node: Node, depth: number): boolean {
    if (depth > 4) return false;
    const resolved = this.graph.resolve(module, unwrap(node));
    if (resolved.kind !== 'node') return false;
    const target = unwrap(resolved.node);
    if (target.type === 'call_expression') {
      const fn = callee(target);
      const inner = fn ? this.graph.resolve(resolved.module, fn) : undefined;
      if (inner?.kind === 'external' && inner.specifier === 'graphql-resolvers' && externalName(inner) === 'combineResolvers')
        return callArgs(target).some((arg) => this.isCombinedGuard(resolved.module, arg, depth + 1));
      return false;
    }
    if (!isFunction(target)) return false;
    if (rejectsWithoutCaller(target)) return true;
    const context = contextNames(target);
    const body = field(target, 'body');
    const value = body && body.type !== 'statement_block' ? unwrap(body) : undefined;
    if (value?.type !== 'ternary_expression') return false;
    const condition = field(value, 'condition');
    const yes = field(value, 'consequence');
    const no = field(value, 'alternative');
    if (!condition || !yes || !no || !readsContext(condition, context)) return false;
    const isSkip = (n: Node): boolean => {
      const r = this.graph.resolve(resolved.module, unwrap(n));
      return r.kind === 'external' && r.specifier === 'graphql-resolvers' && externalName(r) === 'skip';
    };
    const isError = (n: Node): boolean => /^new\s+\w*(?:Error|Exception)\b/.test(unwrap(n).text);
    // `me ? skip : new ForbiddenError()` guards the caller; `!me ? new Error() : skip` too.
    return (isSkip(yes) && isError(no) && !/^!/.test(condition.text)) || (isError(yes) && isSkip(no) && /^!/.test(condition.text));
  }

  private sdl(module: JsModule, template: Node): Field[] {
    const text = template.text.slice(1, -1);
    if (/\$\{/.test(text)) return [];
    let document: DocumentNode;
    try {
      document = parse(text);
    } catch {
      return [];
    }
    const base = template.startPosition.row;
    const out: Field[] = [];
    for (const definition of document.definitions) {
      if (definition.kind !== Kind.OBJECT_TYPE_DEFINITION && definition.kind !== Kind.OBJECT_TYPE_EXTENSION) continue;
      const type = definition.name.value;
      if (!(type in ROOTS)) continue;
      for (const f of definition.fields ?? []) out.push({ type, name: f.name.value, line: base + (f.loc?.startToken.line ?? 1), module });
    }
    return out;
  }

  /**
   * The GraphQL HTTP endpoint (GET and POST): `new ApolloServer(...)` served standalone (`/`), mounted by
   * `server.applyMiddleware({ app, path })` (Apollo 2/3, `/graphql` by default) or `app.use(path, expressMiddleware(server))`
   * (Apollo 4); `createYoga({ graphqlEndpoint })`.
   */
  private transport(module: JsModule, node: Node): CollectedEndpoint[] {
    const fn = callee(node);
    if (!fn) return [];
    const resolved = this.graph.resolve(module, fn);
    const apollo = node.type === 'new_expression' && isExternal(resolved, APOLLO, /ApolloServer$/);
    const yoga = node.type === 'call_expression' && isExternal(resolved, ['graphql-yoga'], /createYoga$/);
    if (!apollo && !yoga) return [];
    const options = callArgs(node)[0] ? unwrap(callArgs(node)[0] as Node) : undefined;
    let path = '/graphql';
    let site = node;
    if (yoga && options?.type === 'object') {
      const endpoint = objectProperty(options, 'graphqlEndpoint');
      path = (endpoint && evalString(this.graph, module, endpoint)) ?? path;
    }
    if (apollo) {
      const mounted = this.apolloMount(module, node);
      if (mounted) ({ path, site } = mounted);
      else if (/startStandaloneServer/.test(module.source.text)) path = '/';
    }
    return ['GET', 'POST'].map((method) => ({
      method: method as 'GET' | 'POST',
      path,
      protocol: 'graphql' as const,
      sources: [{ kind: 'code' as const, via: 'graphql', location: locate(module.file, site) }],
      parameters: [{ name: 'query', in: method === 'GET' ? ('query' as const) : ('body' as const), required: true }],
      auth: { state: 'unknown' as const, mechanisms: ['unknown' as const], detail: 'GraphQL transport: authentication is decided per field by the resolvers' },
      deprecated: false,
      framework: yoga ? 'graphql-yoga' : 'apollo',
    }));
  }

  /** Where the server held by the variable `new ApolloServer(...)` is assigned to gets mounted, in the same file. */
  private apolloMount(module: JsModule, server: Node): { path: string; site: Node } | undefined {
    const declarator = server.parent?.type === 'variable_declarator' ? server.parent : undefined;
    const name = declarator ? field(declarator, 'name')?.text : undefined;
    if (!name) return undefined;
    for (const call of descendants(module.source.tree.rootNode, CALLS)) {
      const fn = callee(call);
      if (fn?.type !== 'member_expression') continue;
      const property = field(fn, 'property')?.text;
      const args = callArgs(call);
      if (property === 'applyMiddleware' && field(fn, 'object')?.text === name) {
        const options = args[0] ? unwrap(args[0]) : undefined;
        const pathNode = options?.type === 'object' ? objectProperty(options, 'path') : undefined;
        return { path: pathNode ? evalString(this.graph, module, pathNode) ?? '{dynamic}' : '/graphql', site: call };
      }
      if (property === 'use' && args.length >= 2 && args.some((arg) => /^expressMiddleware\(/.test(unwrap(arg).text) && callArgs(unwrap(arg))[0]?.text === name)) {
        const first = args[0];
        const path = first ? evalString(this.graph, module, first) : undefined;
        if (path !== undefined) return { path, site: call };
      }
    }
    return undefined;
  }
}

export const jsGraphqlCollector: CodeCollector = {
  id: 'js-graphql',
  languages: ['javascript', 'typescript', 'tsx'],
  enablers: PACKAGES,
  isEnabled: (project, sources) => jsEnabled(project, sources, ['apollo', 'graphql-yoga'], PACKAGES),
  collect: (sources) => ({ endpoints: new GraphqlCollector(ModuleGraph.of(sources)).run(), diagnostics: [] }),
};
