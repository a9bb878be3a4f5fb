import type { Node } from 'web-tree-sitter';
import { lookupTable } from '../../../analysis/lookup.js';
import type { CollectedEndpoint } from '../collector.js';
import { callee, descendants, field, locate, named, objectProperty, unwrap } from '../js/ast.js';
import { evidence, type AppliedFact, type AuthFact } from '../js/auth.js';
import type { JsModule, ModuleGraph } from '../js/modules.js';
import { evalString } from '../js/values.js';

/** What the resolver reader borrows from the Nest collector: decorator expansion and guard analysis. */
export interface ResolverHost {
  graph: ModuleGraph;
  appFile: string | undefined;
  expand(module: JsModule, decorators: readonly ResolverDecorator[]): ResolverDecorator[];
  guardsFrom(module: JsModule, decorators: readonly ResolverDecorator[]): { guard: { fact: AuthFact; honours: (key: string) => boolean }; where: Node }[];
  publicKeys(decorators: readonly ResolverDecorator[]): { keys: string[]; node: Node } | undefined;
  globals(): { guard: { fact: AuthFact; honours: (key: string) => boolean }; where: ReturnType<typeof locate>; node: Node; module: JsModule }[];
  parse(node: Node): ResolverDecorator | undefined;
}

export interface ResolverDecorator {
  name: string;
  args: Node[];
  node: Node;
  module?: JsModule;
}

const ROOTS: Readonly<Record<string, string>> = lookupTable({ Query: 'QUERY', Mutation: 'MUTATION', Subscription: 'SUBSCRIPTION' });
const GRAPHQL = '@nestjs/graphql';
const CALLS: ReadonlySet<string> = new Set(['call_expression']);

/** The `@nestjs/graphql` export a decorator applies (aliases and namespaces followed), if it is one. */
export function graphqlExport(graph: ModuleGraph, module: JsModule, decorator: Node): string | undefined {
  const expression = named(decorator)[0];
  if (!expression) return undefined;
  const fn = expression.type === 'call_expression' ? callee(expression) : expression;
  if (!fn) return undefined;
  const resolved = graph.resolve(module, fn);
  return resolved.kind === 'external' && resolved.specifier === GRAPHQL ? resolved.path.at(-1) : undefined;
}

/**
 * The root operation a method declares: `@Query(() => User, { name: 'me' })`, `@Mutation('createUser')` (schema-first),
 * `@Subscription(() => Post, { filter })`; the method's name unless an explicit name is given.
 */
function operationName(graph: ModuleGraph, module: JsModule, decorator: ResolverDecorator, method: Node): string | undefined {
  for (const arg of decorator.args) {
    const value = unwrap(arg);
    if (value.type === 'string' || value.type === 'template_string') return evalString(graph, module, value);
    if (value.type === 'object') {
      const name = objectProperty(value, 'name');
      if (name) return evalString(graph, module, name) ?? '{dynamic}';
    }
  }
  return field(method, 'name')?.text;
}

/**
 * A passport guard (`extends AuthGuard('jwt')`) reads `context.switchToHttp().getRequest()`, which holds no request
 * under GraphQL; it authenticates a GraphQL call only where a class of the guard's chain overrides `getRequest`
 * (the request taken from `GqlExecutionContext`). False for any other guard.
 */
function passportWithoutGqlRequest(graph: ModuleGraph, module: JsModule, node: Node, depth = 0): boolean {
  if (depth > 6) return false;
  const current = unwrap(node);
  if (current.type === 'call_expression') {
    // `@UseGuards(AuthGuard('jwt'))` written on the resolver: nothing overrides getRequest.
    const fn = callee(current);
    const base = fn ? graph.resolve(module, fn) : undefined;
    return base?.kind === 'external' && base.specifier === '@nestjs/passport' && base.path.at(-1) === 'AuthGuard';
  }
  const resolved = current.type === 'identifier' || current.type === 'member_expression' ? graph.resolve(module, current) : undefined;
  if (resolved?.kind !== 'node' || resolved.node.type !== 'class_declaration') return false;
  const body = named(resolved.node).find((child) => child.type === 'class_body');
  const overrides = body ? named(body).some((member) => member.type === 'method_definition' && field(member, 'name')?.text === 'getRequest') : false;
  if (overrides) return false;
  const heritage = named(resolved.node).find((child) => child.type === 'class_heritage');
  if (!heritage) return false;
  for (const call of descendants(heritage, CALLS)) {
    const fn = callee(call);
    const base = fn ? graph.resolve(resolved.module, fn) : undefined;
    if (base?.kind === 'external' && base.specifier === '@nestjs/passport' && base.path.at(-1) === 'AuthGuard') return true;
  }
  const parent = named(heritage).flatMap((clause) => named(clause)).find((child) => child.type === 'identifier');
  return parent ? passportWithoutGqlRequest(graph, resolved.module, parent, depth + 1) : false;
}

/**
 * The root operations of a `@Resolver()` class (NestJS GraphQL, code-first or schema-first). Field resolvers
 * (`@ResolveField`) resolve fields of object types, not operations: they are not listed. Auth is that of the guards
 * that run for the method (global, class, method), as for controllers.
 */
export function resolverOperations(host: ResolverHost, module: JsModule, node: Node, written: readonly ResolverDecorator[]): CollectedEndpoint[] {
  const { graph } = host;
  const classDecorators = host.expand(module, written);
  const classGuards = host.guardsFrom(module, classDecorators);
  const classPublic = host.publicKeys(classDecorators);
  const body = named(node).find((child) => child.type === 'class_body');
  if (!body) return [];
  const out: CollectedEndpoint[] = [];
  let pending: ResolverDecorator[] = [];
  for (const member of body.children) {
    if (!member) continue;
    if (member.type === 'decorator') {
      const parsed = host.parse(member);
      if (parsed) pending.push(parsed);
      continue;
    }
    if (member.type !== 'method_definition') {
      if (member.type !== 'comment') pending = [];
      continue;
    }
    const written_ = pending;
    pending = [];
    let type = '';
    const root = written_.find((d) => {
      type = graphqlExport(graph, module, d.node) ?? '';
      return ROOTS[type] !== undefined;
    });
    if (!root) continue;
    const name = operationName(graph, module, root, member);
    if (!name) continue;
    const decorators = host.expand(module, written_);
    const publicMarker = host.publicKeys(decorators) ?? classPublic;
    const facts: AppliedFact[] = [];
    const marker = { skipped: false };
    const consider = (guard: { fact: AuthFact; honours: (key: string) => boolean }, arg: Node | undefined, where: ReturnType<typeof locate>, scope: AppliedFact['scope'], at = module): void => {
      if (guard.fact.verdict === 'none') return;
      if (publicMarker && publicMarker.keys.some((key) => guard.honours(key))) {
        marker.skipped = true;
        return;
      }
      if (guard.fact.verdict === 'auth' && arg && passportWithoutGqlRequest(graph, at, arg)) {
        facts.push({ verdict: 'maybe', mechanisms: ['unknown'], detail: `${guard.fact.detail} (a passport guard without a GraphQL getRequest)`, where, scope });
        return;
      }
      facts.push({ ...guard.fact, where, scope });
    };
    for (const g of host.globals()) consider(g.guard, g.node, g.where, 'global', g.module);
    const argOf = (where: Node, index: number): Node | undefined => {
      const parsed = host.parse(where);
      return parsed?.name === 'UseGuards' ? parsed.args[index] : undefined;
    };
    const withArgs = (list: ReturnType<ResolverHost['guardsFrom']>): { guard: (typeof list)[number]['guard']; where: Node; arg: Node | undefined }[] => {
      const seen = new Map<number, number>();
      return list.map((g) => {
        const index = seen.get(g.where.id) ?? 0;
        seen.set(g.where.id, index + 1);
        return { ...g, arg: argOf(g.where, index) };
      });
    };
    for (const g of withArgs(classGuards)) consider(g.guard, g.arg, locate(module.file, g.where), 'router');
    for (const g of withArgs(host.guardsFrom(module, decorators))) consider(g.guard, g.arg, locate(module.file, g.where), 'route');
    if (marker.skipped && publicMarker && !facts.some((fact) => fact.verdict === 'auth'))
      facts.push({ verdict: 'public', mechanisms: ['none'], detail: publicMarker.node.text, where: locate(module.file, publicMarker.node), scope: 'route' });
    out.push({
      method: ROOTS[type] ?? 'QUERY',
      path: `${type}.${name}`,
      protocol: 'graphql',
      sources: [{ kind: 'code', via: 'nestjs', location: locate(module.file, root.node) }],
      handler: locate(module.file, member),
      parameters: [],
      auth: evidence(facts),
      deprecated: false,
      framework: 'nestjs',
      ...(host.appFile === undefined ? {} : { appFile: host.appFile }),
    });
  }
  return out;
}
