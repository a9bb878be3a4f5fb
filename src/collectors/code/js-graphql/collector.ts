import { Kind, parse, type DocumentNode } from 'graphql';
import type { Node } from 'web-tree-sitter';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { callArgs, callee, descendants, field, isFunction, locate, named, objectProperty, propertyKey, unwrap } from '../js/ast.js';
import { AuthAnalyser, evidence, type AppliedFact } from '../js/auth.js';
import { jsEnabled } from '../js/kit.js';
import { ModuleGraph, type JsModule } from '../js/modules.js';
import { evalString, isExternal } from '../js/values.js';
import { lookupTable } from '../../../analysis/lookup.js';

const PACKAGES = ['@apollo/server', 'apollo-server', 'apollo-server-express', 'apollo-server-koa', 'graphql-yoga'];
const APOLLO = ['@apollo/server', 'apollo-server', 'apollo-server-express', 'apollo-server-koa', 'apollo-server-fastify'];
const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const ROOTS: Record<string, string> = lookupTable({ Query: 'QUERY', Mutation: 'MUTATION', Subscription: 'SUBSCRIPTION' });
const TEMPLATES: ReadonlySet<string> = new Set(['call_expression', 'new_expression', 'object']);
/** A resolver that rejects when the context has no user: `if (!context.user) throw ...`. */
const CONTEXT_CHECK = /if\s*\(\s*!\s*(?:\w+\.)?(?:user|currentUser|session|viewer)\b[^)]*\)\s*(?:\{\s*)?throw\b/;

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
      if (CONTEXT_CHECK.test(current.text)) return { verdict: 'auth', mechanisms: ['unknown'], detail: 'context user checked in the resolver', where, scope: 'route' };
      const fact = this.auth.fromBody(module, current, 'check in the resolver', true);
      return fact.verdict === 'none' ? undefined : { ...fact, where, scope: 'route' };
    }
    if (current.type === 'call_expression') {
      // requireAuth(resolver) / authenticated(resolver): the wrapper's body decides.
      const fn = callee(current);
      const target = fn ? this.graph.resolve(module, fn) : undefined;
      if (target?.kind === 'node' && isFunction(target.node) && CONTEXT_CHECK.test(target.node.text))
        return { verdict: 'auth', mechanisms: ['unknown'], detail: current.text.slice(0, 60), where, scope: 'route' };
      const fact = this.auth.classify(module, current);
      return fact.verdict === 'none' ? undefined : { ...fact, where, scope: 'route' };
    }
    return undefined;
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
