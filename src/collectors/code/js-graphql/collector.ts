import { Kind, parse, type DocumentNode, type TypeNode } from 'graphql';
import type { Node } from 'web-tree-sitter';
import type { CodeCollector, CollectedEndpoint } from '../collector.js';
import { callArgs, callee, descendants, field, isFunction, locate, named, objectProperty, propertyKey, unwrap } from '../js/ast.js';
import { AuthAnalyser, evidence, type AppliedFact } from '../js/auth.js';
import { jsEnabled } from '../js/kit.js';
import { ModuleGraph, type JsModule } from '../js/modules.js';
import { evalString, externalName, isExternal } from '../js/values.js';
import { lookupTable } from '../../../analysis/lookup.js';
import { microRoutes } from './micro.js';

const APOLLO = ['@apollo/server', 'apollo-server', 'apollo-server-express', 'apollo-server-koa', 'apollo-server-fastify', 'apollo-server-micro', 'apollo-server-lambda', 'apollo-server-hapi', 'apollo-server-cloud-functions'];
/** Apollo servers whose HTTP route belongs to their host (micro's router, a cloud function's gateway). */
const HOSTED = ['apollo-server-micro', 'apollo-server-lambda', 'apollo-server-cloud-functions'];
/** Apollo 4 integrations are packages of their own (`@as-integrations/next`, `@as-integrations/aws-lambda`, …). */
const PACKAGES = [...APOLLO, '@as-integrations', 'graphql-yoga', 'microrouter'];
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
 * A condition that holds when the caller is missing: `!context.user`, `isAuthenticated !== true`, `me == null`,
 * `ctx.user === undefined`.
 */
function negatesCaller(condition: Node): boolean {
  const inner = unwrap(condition);
  if (inner.type === 'unary_expression') return inner.children[0]?.type === '!';
  if (inner.type !== 'binary_expression') return false;
  const operator = field(inner, 'operator')?.text ?? '';
  const sides = [field(inner, 'left'), field(inner, 'right')].map((side) => (side ? unwrap(side).text : ''));
  if (operator === '!==' || operator === '!=') return sides.includes('true');
  if (operator === '===' || operator === '==') return sides.some((side) => side === 'null' || side === 'undefined' || side === 'false');
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
    if (!condition || !consequence || !readsContext(condition, context) || !negatesCaller(condition)) continue;
    const first = consequence.type === 'statement_block' ? named(consequence)[0] : consequence;
    if (first && ERROR_ANSWER.test(first.text)) return true;
  }
  return false;
}

/**
 * A composer of resolvers (`pipe(...fns)`) that calls the functions it is given and lets their errors through: it takes
 * them as parameters (a rest parameter or several), and neither catches (`try`, `.catch(`) nor is a library's.
 */
function sequentialComposer(fn: Node): boolean {
  const params = field(fn, 'parameters');
  const list = params ? named(params) : [];
  const rest = list.some((param) => param.type === 'rest_pattern' || named(param).some((child) => child.type === 'rest_pattern'));
  if (!rest && list.length < 2) return false;
  const body = field(fn, 'body');
  if (!body || descendants(body, new Set(['try_statement'])).length > 0) return false;
  return !descendants(body, CALLS).some((call) => {
    const callee_ = callee(call);
    return callee_?.type === 'member_expression' && field(callee_, 'property')?.text === 'catch';
  });
}

interface Field {
  /** Schema directives on the field (`@auth`, `@hasRole`): auth the schema may apply. */
  directives: number;
  type: string;
  name: string;
  line: number;
  module: JsModule;
  /** The named type the field returns (`Facts` for `facts: Facts!`). */
  returns: string;
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
            if (!key || !/^[A-Z]\w*$/.test(key) || !value) continue;
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
      if (!(f.type in ROOTS)) continue;
      const resolver = resolvers.get(`${f.type}.${f.name}`);
      const facts: AppliedFact[] = [];
      if (resolver) {
        const fact = this.resolverFact(resolver.module, resolver.node) ?? this.namespaceFact(resolver.module, resolver.node, f.returns, fields, resolvers);
        if (fact) facts.push(fact);
      }
      const endpoint: CollectedEndpoint = {
        method: ROOTS[f.type] ?? 'QUERY',
        path: `${f.type}.${f.name}`,
        protocol: 'graphql',
        sources: [{ kind: 'code', via: 'graphql', location: { file: f.module.file, line: f.line } }],
        parameters: [],
        auth: resolver ? evidence(facts) : this.defaultResolved(f, resolvers),
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
      if (rejectsWithoutCaller(current)) {
        const gated = this.auth.configurationGated(module, current);
        if (gated === undefined) return { verdict: 'auth', mechanisms: ['unknown'], detail: 'context user checked in the resolver', where, scope: 'route' };
        return { verdict: 'maybe', mechanisms: ['unknown'], detail: `the resolver rejects callers without a user only when ${gated} (a configuration setting, not the request)`, where, scope: 'route' };
      }
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
      // `pipe(requireAuth, resolver)`: a project's composer runs its first function before the resolver.
      const first = callArgs(current)[0];
      if (target?.kind === 'node' && isFunction(target.node) && callArgs(current).length >= 2 && first && sequentialComposer(target.node) && this.throwsWithoutCaller(module, first))
        return { verdict: 'auth', mechanisms: ['unknown'], detail: `${current.text.replace(/\s+/g, ' ').slice(0, 60)}: ${first.text} rejects calls without a caller`, where, scope: 'route' };
      const fact = this.auth.classify(module, current);
      return fact.verdict === 'none' ? undefined : { ...fact, where, scope: 'route' };
    }
    return undefined;
  }

  /**
   * A root field with no resolver runs graphql's default resolver (it reads the root value, `undefined`: the answer is
   * null). Public by construction where the resolver map of its type is read (other fields have one), the field has no
   * schema directive, and no schema middleware (graphql-shield, graphql-middleware) or custom field resolver is applied.
   */
  private defaultResolved(f: Field, resolvers: ReadonlyMap<string, unknown>): CollectedEndpoint['auth'] {
    const unknown: CollectedEndpoint['auth'] = { state: 'unknown', mechanisms: ['unknown'], detail: 'no resolver found in code for this field' };
    if (f.directives > 0 || this.schemaMiddleware()) return unknown;
    if (![...resolvers.keys()].some((key) => key.startsWith(`${f.type}.`))) return unknown;
    return { state: 'public', mechanisms: ['none'], detail: 'no resolver: graphql\'s default resolver answers null', where: { file: f.module.file, line: f.line } };
  }

  private middleware: boolean | undefined;

  /** Whether the workspace wraps resolvers from outside the resolver map: graphql-shield, graphql-middleware, fieldResolver hooks. */
  private schemaMiddleware(): boolean {
    this.middleware ??= [...this.graph.modules.values()].some((module) =>
      /['"](?:graphql-shield|graphql-middleware|@graphql-tools\/resolvers-composition)['"]|\bfieldResolver\s*:|\bmapSchema\s*\(/.test(module.source.text),
    );
    return this.middleware;
  }

  /**
   * A namespace field (`facts: () => ({})`): the root resolver returns an empty object, so data comes only from the
   * fields of its type; protected when each of those that has a resolver checks the caller (the others read `{}`).
   */
  private namespaceFact(module: JsModule, node: Node, type: string, fields: readonly Field[], resolvers: ReadonlyMap<string, { module: JsModule; node: Node }>): AppliedFact | undefined {
    const fn = unwrap(node);
    const body = isFunction(fn) ? field(fn, 'body') : undefined;
    const value = body ? unwrap(body) : undefined;
    if (value?.type !== 'object' || named(value).length > 0) return undefined;
    const own = fields.filter((f) => f.type === type).map((f) => resolvers.get(`${type}.${f.name}`));
    const present = own.filter((r): r is { module: JsModule; node: Node } => r !== undefined);
    if (present.length === 0 || !present.every((r) => this.resolverFact(r.module, r.node)?.verdict === 'auth')) return undefined;
    return { verdict: 'auth', mechanisms: ['unknown'], detail: `returns an empty ${type}; every resolver of ${type} checks the caller`, where: locate(module.file, fn), scope: 'route' };
  }

  /** A guard resolver `(parent, args, { isAuthenticated }) => { if (isAuthenticated !== true) throw … }`. */
  private throwsWithoutCaller(module: JsModule, node: Node): boolean {
    const resolved = this.graph.resolve(module, unwrap(node));
    const fn = resolved.kind === 'node' ? unwrap(resolved.node) : undefined;
    return fn !== undefined && isFunction(fn) && rejectsWithoutCaller(fn);
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
      for (const f of definition.fields ?? []) {
        let returned: TypeNode = f.type;
        while (returned.kind !== Kind.NAMED_TYPE) returned = returned.type;
        out.push({ directives: f.directives?.length ?? 0, type, name: f.name.value, line: base + (f.loc?.startToken.line ?? 1), module, returns: returned.name.value });
      }
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
    if (apollo && resolved.kind === 'external' && HOSTED.includes(resolved.specifier)) {
      // apollo-server-micro / -lambda: the host serves it (microrouter routes, read as such; a function's gateway).
      const handler = resolved.specifier !== 'apollo-server-micro' || module.source.text.includes('microrouter') ? undefined : this.createHandlerPath(module, node);
      if (!handler) return [];
      ({ path, site } = handler);
    } else if (apollo) {
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

  /** `server.createHandler({ path })` of apollo-server-micro, in the same file: the path micro serves it at. */
  private createHandlerPath(module: JsModule, server: Node): { path: string; site: Node } | undefined {
    const declarator = server.parent?.type === 'variable_declarator' ? server.parent : undefined;
    const name = declarator ? field(declarator, 'name')?.text : undefined;
    if (!name) return undefined;
    for (const call of descendants(module.source.tree.rootNode, CALLS)) {
      const fn = callee(call);
      if (fn?.type !== 'member_expression' || field(fn, 'property')?.text !== 'createHandler' || field(fn, 'object')?.text !== name) continue;
      const options = callArgs(call)[0] ? unwrap(callArgs(call)[0] as Node) : undefined;
      const pathNode = options?.type === 'object' ? objectProperty(options, 'path') : undefined;
      return { path: pathNode ? evalString(this.graph, module, pathNode) ?? '{dynamic}' : '/graphql', site: call };
    }
    return undefined;
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
  collect: (sources) => {
    const graph = ModuleGraph.of(sources);
    const micro = microRoutes(graph, new AuthAnalyser(graph));
    return { endpoints: [...new GraphqlCollector(graph).run(), ...micro.endpoints], diagnostics: micro.diagnostics };
  },
};
