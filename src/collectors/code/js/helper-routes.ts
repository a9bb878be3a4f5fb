import type { Node } from 'web-tree-sitter';
import { callArgs, callee, descendants, field, isFunction, named, objectProperty, parameterNames, unwrap } from './ast.js';
import type { JsModule, ModuleGraph } from './modules.js';
import { evalString } from './values.js';
import { parentOf } from '../../../parsing/tree-index.js';

/**
 * Routes registered through a project helper: `createAction(router, '/api', Controller, action, prefix + path, method)`
 * whose body calls `router[method](baseurl + path, handler)` (or `router.get(path, …)`) on its parameter. The helper's
 * parameters are bound to the call's arguments, and a call inside loops over literal tables (`for (ctrl in config)`,
 * `actions.forEach((item) => …)`, `for (const item of list)`) is read once per table entry.
 */

const VERBS = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'head', 'options', 'all']);
const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const MAX_ROWS = 2000;

type Val = { str: string } | { node: Node; module: JsModule };
type Env = Map<string, () => Val | undefined>;

export interface HelperRoute {
  method: string;
  path: string;
}

export interface HelperRegistration {
  /** The call-site argument that is the router. */
  router: Node;
  routes: HelperRoute[];
  /** The handler functions the helper registers, in the helper's module. */
  handlers: { module: JsModule; node: Node }[];
  /** Expressions whose method or path could not be read for some entry. */
  unresolved: Node[];
  /** Whether the handlers use values the helper was given (a controller class, an action name): code not followed. */
  runsPassedCode: boolean;
}

interface Helper {
  fn: Node;
  module: JsModule;
  params: (string | undefined)[];
  /** Registration calls on a parameter: the parameter's index, the method (a verb name or an expression), path and handlers. */
  calls: { router: number; method: string | Node; path: Node; handlers: Node[] }[];
}

const shared = new WeakMap<ModuleGraph, HelperRoutes>();

export class HelperRoutes {
  private readonly helpers = new Map<string, Helper | null>();
  /** Per file, the answers for the calls read so far (by node id): every dialect's router engine reads every call. */
  private readonly answers = new Map<string, Map<number, HelperRegistration[] | undefined>>();

  constructor(private readonly graph: ModuleGraph) {}

  /** One reader per module graph: what a call registers depends on the graph alone, not on the dialect asking. */
  static of(graph: ModuleGraph): HelperRoutes {
    let routes = shared.get(graph);
    if (!routes) {
      routes = new HelperRoutes(graph);
      shared.set(graph, routes);
    }
    return routes;
  }

  /** The routes a call of a registration helper adds; undefined when the call is not one. */
  read(module: JsModule, call: Node): HelperRegistration[] | undefined {
    let answers = this.answers.get(module.file);
    if (!answers) {
      answers = new Map();
      this.answers.set(module.file, answers);
    }
    if (answers.has(call.id)) return answers.get(call.id);
    const fn = callee(call);
    if (!fn || (fn.type !== 'identifier' && fn.type !== 'member_expression')) return undefined;
    // Fewer than two children in the list (comments included) is fewer than two arguments: no list to build.
    if ((field(call, 'arguments')?.namedChildCount ?? 0) < 2) return undefined;
    const args = callArgs(call);
    if (args.length < 2) return undefined;
    const found = this.readCall(module, call, fn, args);
    answers.set(call.id, found);
    return found;
  }

  private readCall(module: JsModule, call: Node, fn: Node, args: readonly Node[]): HelperRegistration[] | undefined {
    const resolved = this.graph.resolve(module, fn);
    if (resolved.kind !== 'node') return undefined;
    const helper = this.helper(resolved.module, unwrap(resolved.node));
    if (!helper) return undefined;
    const rows = this.rows(module, call);
    const out: HelperRegistration[] = [];
    for (const registration of helper.calls) {
      const router = args[registration.router];
      if (!router) continue;
      const found: HelperRegistration = {
        router,
        routes: [],
        handlers: registration.handlers.map((node) => ({ module: helper.module, node })),
        unresolved: [],
        runsPassedCode: registration.handlers.some((node) =>
          descendants(node, new Set(['identifier'])).some((id) => {
            const index = helper.params.indexOf(id.text);
            return index >= 0 && index !== registration.router;
          }),
        ),
      };
      for (const row of rows) {
        const env: Env = new Map();
        helper.params.forEach((name, index) => {
          const arg = args[index];
          if (name !== undefined) env.set(name, () => (arg ? this.value(module, arg, row) : undefined));
        });
        const method = typeof registration.method === 'string' ? registration.method : str(this.value(helper.module, registration.method, env));
        const path = str(this.value(helper.module, registration.path, env));
        if (method === undefined || !VERBS.has(method.toLowerCase()) || path === undefined) {
          if (!found.unresolved.includes(call)) found.unresolved.push(call);
          continue;
        }
        const verb = method.toLowerCase();
        found.routes.push({ method: verb === 'del' ? 'DELETE' : verb === 'all' ? 'ANY' : verb.toUpperCase(), path });
      }
      out.push(found);
    }
    return out.length > 0 ? out : undefined;
  }

  private helper(module: JsModule, fn: Node): Helper | undefined {
    const key = `${module.file}:${fn.startIndex}`;
    const known = this.helpers.get(key);
    if (known !== undefined) return known ?? undefined;
    let result: Helper | null = null;
    if (isFunction(fn)) {
      const params = parameterNames(fn);
      const body = field(fn, 'body');
      const calls: Helper['calls'] = [];
      for (const call of body ? descendants(body, CALLS) : []) {
        const target = callee(call);
        if (!target) continue;
        const object = target.type === 'member_expression' || target.type === 'subscript_expression' ? field(target, 'object') : undefined;
        const index = object?.type === 'identifier' ? params.indexOf(object.text) : -1;
        if (index < 0) continue;
        let method: string | Node | undefined;
        if (target.type === 'member_expression') {
          const name = field(target, 'property')?.text ?? '';
          if (VERBS.has(name)) method = name;
        } else method = field(target, 'index');
        const [path, ...handlers] = callArgs(call);
        if (method === undefined || !path || handlers.length === 0) continue;
        calls.push({ router: index, method, path, handlers });
      }
      if (calls.length > 0) result = { fn, module, params, calls };
    }
    this.helpers.set(key, result);
    return result ?? undefined;
  }

  /** The bindings of the loops around a call, outermost first, one environment per table entry. */
  private rows(module: JsModule, call: Node): Env[] {
    const loops: { name: string; iterable: Node; keys: boolean }[] = [];
    for (let at = parentOf(call); at; at = parentOf(at)) {
      if (at.type === 'for_in_statement') {
        const left = field(at, 'left');
        const iterable = field(at, 'right');
        const name = left ? (left.type === 'identifier' ? left : descendants(left, new Set(['identifier']))[0]) : undefined;
        if (name && iterable) loops.unshift({ name: name.text, iterable, keys: field(at, 'operator')?.text === 'in' });
        continue;
      }
      if (!isFunction(at)) continue;
      const holder = parentOf(at)?.type === 'arguments' ? parentOf(parentOf(at) as Node) : undefined;
      const fn = holder?.type === 'call_expression' ? callee(holder) : undefined;
      if (fn?.type !== 'member_expression' || !['forEach', 'map'].includes(field(fn, 'property')?.text ?? '')) break;
      const iterable = field(fn, 'object');
      const name = parameterNames(at)[0];
      if (!iterable || name === undefined) break;
      loops.unshift({ name, iterable, keys: false });
    }
    let rows: Env[] = [new Map<string, () => Val | undefined>()];
    for (const loop of loops) {
      const next: Env[] = [];
      for (const row of rows) {
        const table = this.value(module, loop.iterable, row);
        if (!table || !('node' in table)) continue;
        const container = table.node;
        const entries: Val[] =
          loop.keys && container.type === 'object'
            ? named(container).flatMap((pair) => {
                const key = pair.type === 'pair' ? field(pair, 'key') : undefined;
                const text = key ? (key.type === 'property_identifier' ? key.text : evalString(this.graph, table.module, key)) : undefined;
                return text === undefined ? [] : [{ str: text }];
              })
            : !loop.keys && container.type === 'array'
              ? named(container).map((element) => ({ node: unwrap(element), module: table.module }))
              : [];
        for (const entry of entries) {
          const env: Env = new Map(row);
          env.set(loop.name, () => entry);
          next.push(env);
          if (next.length > MAX_ROWS) return [];
        }
      }
      rows = next;
    }
    return rows;
  }

  /** What an expression denotes under bound names: a string, or an object/array literal. */
  private value(module: JsModule, node: Node, env: Env, depth = 0): Val | undefined {
    if (depth > 16) return undefined;
    const current = unwrap(node);
    switch (current.type) {
      case 'string':
      case 'template_string':
      case 'number': {
        const text = evalString(this.graph, module, current);
        return text === undefined ? (current.type === 'number' ? { str: current.text } : undefined) : { str: text };
      }
      case 'object':
      case 'array':
        return { node: current, module };
      case 'binary_expression': {
        if (field(current, 'operator')?.text !== '+') return undefined;
        const left = field(current, 'left');
        const right = field(current, 'right');
        const a = left ? str(this.value(module, left, env, depth + 1)) : undefined;
        const b = right ? str(this.value(module, right, env, depth + 1)) : undefined;
        return a === undefined || b === undefined ? undefined : { str: a + b };
      }
      case 'identifier': {
        const bound = env.get(current.text);
        if (bound) return bound();
        const local = localValue(current);
        if (local) return this.value(module, local, env, depth + 1);
        break;
      }
      case 'member_expression':
      case 'subscript_expression': {
        const objectNode = field(current, 'object');
        const object = objectNode ? this.value(module, objectNode, env, depth + 1) : undefined;
        if (object && 'node' in object) {
          const key =
            current.type === 'member_expression'
              ? field(current, 'property')?.text
              : str(field(current, 'index') ? this.value(module, field(current, 'index') as Node, env, depth + 1) : undefined);
          if (key === undefined) return undefined;
          const member = object.node.type === 'object' ? objectProperty(object.node, key) : /^\d+$/.test(key) ? named(object.node)[Number(key)] : undefined;
          return member ? this.value(object.module, member, new Map(), depth + 1) : undefined;
        }
        break;
      }
      default:
        break;
    }
    const resolved = this.graph.resolve(module, current);
    if (resolved.kind === 'node' && resolved.node.id !== current.id) return this.value(resolved.module, resolved.node, new Map(), depth + 1);
    const text = evalString(this.graph, module, current);
    return text === undefined ? undefined : { str: text };
  }
}

function str(value: Val | undefined): string | undefined {
  return value && 'str' in value ? value.str : undefined;
}

/** The initial value of the nearest local `let`/`const`/`var` of that name declared in an enclosing block before the use. */
function localValue(identifier: Node): Node | undefined {
  for (let child: Node = identifier, scope = parentOf(identifier); scope; child = scope, scope = parentOf(scope)) {
    if (scope.type !== 'statement_block' && scope.type !== 'program') continue;
    for (const statement of named(scope)) {
      if (statement.startIndex >= child.startIndex) break;
      if (statement.type !== 'lexical_declaration' && statement.type !== 'variable_declaration') continue;
      for (const declarator of named(statement)) {
        if (declarator.type === 'variable_declarator' && field(declarator, 'name')?.text === identifier.text) {
          const value = field(declarator, 'value');
          if (value) return value;
        }
      }
    }
    if (scope.type === 'program') return undefined;
  }
  return undefined;
}
