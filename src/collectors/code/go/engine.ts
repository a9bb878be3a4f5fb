import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { callArgs, field, fields, named, parameterNames, receiverName, receiverType, statements, stringLiteral, unwrap, walk } from './ast.js';
import { goProgram, goStructField, goStructTypes, type GoFile, type GoPackage, type GoProgram } from './program.js';

/** What the interpreter knows about a Go expression. */
export type Value =
  | { k: 'router'; r: Router }
  | { k: 'func'; node: Node; file: GoFile; env: Env | undefined; recv?: Value }
  | { k: 'ext'; path: string; name: string; chain: string[]; args: Arg[]; called: boolean; node: Node }
  | { k: 'str'; v: string }
  | { k: 'struct'; obj: StructObj }
  | { k: 'custom'; data: object }
  | { k: 'list'; items: Value[] }
  | { k: 'unknown' };

export interface Arg {
  node: Node;
  value: Value;
}

export interface StructObj {
  key: string;
  pkg: GoPackage;
  type: string;
  fields: Map<string, Value>;
}

export interface Env {
  vars: Map<string, Value>;
  parent: Env | undefined;
  file: GoFile;
  /** The scope of a called function's parameters. */
  params?: true;
}

/** A middleware or handler as written at its registration, with its value. */
export interface Piece {
  value: Value;
  node: Node;
  file: GoFile;
  /** The `if`/`switch`/loop statements the registration ran under (their node ids). */
  conds: readonly number[];
}

export interface Link {
  parent: Router;
  prefix: string;
  /** How many of the parent's own middleware apply (undefined: all, whenever added). */
  cut: number | undefined;
  mws: Piece[];
}

export interface Router {
  id: number;
  dialect: GoDialect;
  links: Link[];
  mws: Piece[];
  /** Why the router's mount point is unknown (a parameter apisec reached without its caller). */
  detached?: string;
  file: GoFile;
}

export interface RouteRecord {
  router: Router;
  cut: number | undefined;
  methods: string[];
  path: string;
  mws: Piece[];
  handler: Piece | undefined;
  node: Node;
  file: GoFile;
  conds: readonly number[];
  /** The route serves everything under `path` (a prefix or subtree pattern). */
  subtree?: boolean;
}

/** What a router framework means, for the interpreter. Each framework folder provides one. */
export interface GoDialect {
  framework: string;
  /** Import paths (and their sub-packages) of the framework. */
  packages: readonly string[];
  /** A call to an exported function of an imported package that makes a router of this framework. */
  create?(ext: ExtCall, ctx: Interpreter): Value | undefined;
  /** A method called on one of this dialect's routers. */
  method(router: Router, name: string, args: Arg[], call: Node, ctx: Interpreter): Value | undefined;
  /** A method called on a dialect-specific value (a gorilla route builder). */
  custom?(data: object, name: string, args: Arg[], call: Node, ctx: Interpreter): Value | undefined;
  /** A parameter type that holds one of this framework's routers (`*gin.RouterGroup`). */
  routerParam?(type: string, file: GoFile): boolean;
  /** Middleware of the framework's ecosystem known to reject requests without credentials. */
  knownAuth?(ext: Extract<Value, { k: 'ext' }>): { mechanism: import('../../../model/types.js').AuthMechanism; detail: string } | undefined;
  /** Middleware of the framework's ecosystem that limits request rates. */
  knownRateLimit?(ext: Extract<Value, { k: 'ext' }>): string | undefined;
  /** In this framework a middleware that returns without aborting lets the request through (gin). */
  abortRequired?: boolean;
  /** A route's path is appended to its group's prefix as written (echo: `g.prefix + path`, so `"/user"` + `"s"` is `/users`). */
  concatPaths?: boolean;
  /** `Use` applies to every route of the router, whenever called (gorilla, chi, echo's root). */
  liveUse?(router: Router): boolean;
}

export interface ExtCall {
  path: string;
  name: string;
  args: Arg[];
  node: Node;
  file: GoFile;
}

const dialects: GoDialect[] = [];

/** Framework folders register their dialect when loaded; one interpretation serves them all. */
export function registerGoDialect(dialect: GoDialect): void {
  if (!dialects.includes(dialect)) dialects.push(dialect);
}

const UNKNOWN: Value = { k: 'unknown' };
const MAX_DEPTH = 14;
const MAX_STEPS = 400_000;
const MAX_EXPRESSION_DEPTH = 200;

/** `path` is the package `base` itself, or a major version of it (`github.com/labstack/echo/v4`). */
export function isPackage(path: string, base: string): boolean {
  return path === base || new RegExp(`^${base.replace(/[.]/g, '\\.')}/v\\d+$`).test(path);
}

/**
 * Registers `r.GET(path, mw1, mw2, handler)` (gin, fiber): the last argument handles, the ones
 * before it run first, in order. Answers the router, for chained calls.
 */
export function routeWithTrailingHandler(ctx: Interpreter, router: Router, call: Node, methods: string[], rest: readonly Arg[], subtree = false): Value {
  const self: Value = { k: 'router', r: router };
  const [pathArg, ...handlers] = rest;
  const path = ctx.str(pathArg?.value);
  if (path === undefined || methods.length === 0) return self;
  const pieces = handlers.map((arg) => ctx.piece(arg));
  const handler = pieces.pop();
  ctx.register({ router, methods, path, mws: pieces, handler, node: call, file: ctx.fileOf(call), subtree });
  return self;
}

/** String arguments: literal, constant or concatenation; undefined when not known. */
export function strings(args: readonly Arg[]): (string | undefined)[] {
  return args.map((arg) => (arg.value.k === 'str' ? arg.value.v : undefined));
}

export function pathOwner(path: string, packages: readonly string[]): boolean {
  return packages.some((owner) => path === owner || path.startsWith(`${owner}/`) || new RegExp(`^${owner.replace(/[.]/g, '\\.')}/v\\d+(/|$)`).test(path));
}

export class Interpreter {
  readonly routes: RouteRecord[] = [];
  readonly routers: Router[] = [];
  private readonly stack: Node[] = [];
  private readonly conditions: number[] = [];
  private readonly executed = new Set<Node>();
  private readonly varMemo = new Map<string, Value>();
  private readonly structs = new Map<string, StructObj>();
  private steps = 0;
  private nextId = 1;
  private depth = 0;

  constructor(
    readonly program: GoProgram,
    readonly dialects: readonly GoDialect[],
  ) {}

  // ---- routers ----

  newRouter(dialect: GoDialect, file: GoFile, link?: Omit<Link, 'cut'> & { cut?: number | undefined }): Router {
    const router: Router = { id: this.nextId++, dialect, links: [], mws: [], file };
    if (link) this.link(router, link.parent, link.prefix, link.mws);
    this.routers.push(router);
    return router;
  }

  /** Mounts `child` under `parent` at `prefix`, with the parent's middleware as it stands now (or live). */
  link(child: Router, parent: Router, prefix: string, mws: Piece[] = []): void {
    if (child === parent) return;
    const live = parent.dialect.liveUse?.(parent) ?? false;
    child.links.push({ parent, prefix, cut: live ? undefined : parent.mws.length, mws });
  }

  use(router: Router, pieces: Piece[]): void {
    router.mws.push(...pieces);
  }

  register(route: Omit<RouteRecord, 'cut' | 'conds'>): RouteRecord {
    const live = route.router.dialect.liveUse?.(route.router) ?? false;
    const record: RouteRecord = { ...route, cut: live ? undefined : route.router.mws.length, conds: [...this.conditions] };
    this.routes.push(record);
    return record;
  }

  piece(arg: Arg): Piece {
    return { value: arg.value, node: arg.node, file: this.fileOf(arg.node), conds: [...this.conditions] };
  }

  fileOf(node: Node): GoFile {
    const file = this.program.fileOfTree(node.tree);
    if (!file) throw new Error('node outside the Go program');
    return file;
  }

  /**
   * The router a mounted handler serves (`r`, `http.StripPrefix("/api", r)`, `auth(r)`), with the
   * wrappers around it, outermost first, and the prefix `StripPrefix` removes.
   */
  routerIn(value: Value, node?: Node, depth = 0): { router: Router; wrappers: Piece[]; stripped: string | undefined } | undefined {
    if (depth > 5) return undefined;
    if (value.k === 'router') return { router: value.r, wrappers: [], stripped: undefined };
    const piece = (): Piece[] => (node ? [{ value, node, file: this.fileOf(node), conds: [...this.conditions] }] : []);
    if (value.k === 'ext') {
      const isStrip = value.path === 'net/http' && value.name === 'StripPrefix';
      for (const arg of value.args) {
        const inner = this.routerIn(arg.value, node, depth + 1);
        if (!inner) continue;
        if (isStrip) return { ...inner, stripped: this.str(value.args[0]?.value) ?? inner.stripped };
        return { ...inner, wrappers: [...piece(), ...inner.wrappers] };
      }
      return undefined;
    }
    if (value.k === 'func' && value.node.type === 'func_literal') {
      for (let scope = value.env; scope; scope = scope.parent) {
        if (!scope.params) continue;
        for (const bound of scope.vars.values()) {
          const inner = bound.k === 'router' || bound.k === 'ext' ? this.routerIn(bound, node, depth + 1) : undefined;
          if (inner) return { ...inner, wrappers: [...piece(), ...inner.wrappers] };
        }
      }
    }
    return undefined;
  }

  str(value: Value | undefined): string | undefined {
    return value?.k === 'str' ? value.v : undefined;
  }

  /** Runs a function value (a `func(r chi.Router) {…}` literal) with these arguments. */
  invoke(fn: Value, args: Value[]): Value {
    if (fn.k !== 'func') return UNKNOWN;
    return this.call(fn, args);
  }

  // ---- entry ----

  run(): void {
    const all = this.program.packages.flatMap((pkg) => [...pkg.funcs.values(), ...pkg.methods.values()]);
    // Names used anywhere but in their own declaration, counted on the text (a tree walk of every file costs more than the interpretation).
    const uses = new Map<string, number>();
    for (const file of this.program.files) {
      for (const match of file.source.text.matchAll(/[A-Za-z_]\w*/g)) uses.set(match[0], (uses.get(match[0]) ?? 0) + 1);
    }
    const declared = new Map<string, number>();
    const name = (decl: { node: Node }): string => field(decl.node, 'name')?.text ?? '';
    for (const decl of all) declared.set(name(decl), (declared.get(name(decl)) ?? 0) + 1);
    const referenced = (decl: { node: Node }): boolean => (uses.get(name(decl)) ?? 0) > (declared.get(name(decl)) ?? 0);
    const roots = all.filter((decl) => name(decl) === 'main' || name(decl) === 'init' || !referenced(decl));
    const rootSet = new Set(roots);
    const rest = all.filter((decl) => !rootSet.has(decl));
    // Entry points held in package-level values (`var webCmd = &cobra.Command{Run: func(…) {…}}`, a
    // CLI action): run after the unreferenced functions and before the referenced ones, so the routers
    // such a literal builds and hands to a helper (`e := routes.NewEcho(); routes.RegisterRoutes(e)`) reach it.
    // Only those that route or call a function that does (`routes.NewEcho()`, `routes.RegisterRoutes(e)`):
    // the other commands of a CLI (migrations, dumps) would spend the interpreter's budget.
    const routing = new Set(
      all
        .filter((decl) => mentionsRouting(decl.node) || parameterNames(decl.node).some((param) => this.dialects.some((d) => d.routerParam?.(param.type, decl.file) === true)))
        .map(name),
    );
    const callsRouting = (node: Node): boolean => mentionsRouting(node) || [...(field(node, 'body')?.text ?? '').matchAll(/(\w+)\s*\(/g)].some((match) => routing.has(match[1] ?? ''));
    for (const literal of this.program.packages.flatMap((pkg) => entryLiterals(pkg))) {
      if (this.steps > MAX_STEPS) break;
      if (!this.executed.has(literal.node) && callsRouting(literal.node)) this.call({ k: 'func', node: literal.node, file: literal.file, env: undefined }, []);
    }
    for (const decl of [...roots, ...rest]) {
      if (this.executed.has(decl.node) || this.steps > MAX_STEPS) continue;
      const params = parameterNames(decl.node);
      const routerParams = params.some((param) => this.dialects.some((d) => d.routerParam?.(param.type, decl.file) === true));
      if (name(decl) !== 'main' && !routerParams && !mentionsRouting(decl.node)) continue;
      const args = params.map((param): Value => {
        const dialect = this.dialects.find((d) => d.routerParam?.(param.type, decl.file) === true);
        if (!dialect) return UNKNOWN;
        const router = this.newRouter(dialect, decl.file);
        router.detached = `it is registered on \`${param.name}\` (${param.type}), a router passed in by a caller apisec did not follow`;
        return { k: 'router', r: router };
      });
      this.call({ k: 'func', node: decl.node, file: decl.file, env: undefined }, args);
    }
  }

  // ---- functions ----

  private call(fn: Extract<Value, { k: 'func' }>, args: Value[]): Value {
    if (this.stack.length >= MAX_DEPTH || this.stack.includes(fn.node)) return UNKNOWN;
    const body = field(fn.node, 'body');
    if (!body) return UNKNOWN;
    const env: Env = { vars: new Map(), parent: fn.env, file: fn.file, params: true };
    parameterNames(fn.node).forEach((param, index) => {
      // A parameter of a workspace struct type the caller's value is not known for (`a *App`): its methods still resolve.
      const arg = args[index] ?? UNKNOWN;
      if (param.name !== '' && param.name !== '_') env.vars.set(param.name, arg.k === 'unknown' ? this.typed(fn.file, param.type) : arg);
    });
    if (fn.node.type === 'method_declaration') {
      const recv = receiverName(fn.node);
      const type = receiverType(fn.node);
      const value = fn.recv ?? (type ? { k: 'struct' as const, obj: this.structOf(fn.file.pkg, type) } : UNKNOWN);
      if (recv) env.vars.set(recv, value);
    }
    if (args.some((arg) => arg.k !== 'unknown') || parameterNames(fn.node).length === 0 || fn.recv !== undefined) this.executed.add(fn.node);
    if (fn.node.type !== 'func_literal' && fn.env === undefined && args.length === 0 && fn.recv === undefined) this.executed.add(fn.node);
    this.stack.push(fn.node);
    try {
      const frame: { ret: Value | undefined } = { ret: undefined };
      this.block(statements(body), env, frame);
      return frame.ret ?? UNKNOWN;
    } finally {
      this.stack.pop();
    }
  }

  structOf(pkg: GoPackage, type: string): StructObj {
    const key = `${pkg.dir}\u0000${pkg.name}\u0000${type}`;
    let obj = this.structs.get(key);
    if (!obj) {
      obj = { key, pkg, type, fields: new Map() };
      this.structs.set(key, obj);
    }
    return obj;
  }

  // ---- statements ----

  /** Returns true when an unconditional `return` ended the block. */
  private block(list: Node[], env: Env, frame: { ret: Value | undefined }): boolean {
    for (const statement of list) {
      if (this.steps++ > MAX_STEPS) return true;
      if (this.statement(statement, env, frame)) return true;
    }
    return false;
  }

  private statement(node: Node, env: Env, frame: { ret: Value | undefined }): boolean {
    switch (node.type) {
      case 'expression_statement': {
        const expr = named(node)[0];
        if (expr) this.eval(expr, env);
        return false;
      }
      case 'short_var_declaration':
      case 'assignment_statement':
        this.assign(node, env);
        return false;
      case 'var_declaration':
      case 'const_declaration': {
        const specs = named(node).flatMap((child) => (child.type.endsWith('_spec_list') ? named(child) : [child]));
        for (const spec of specs) {
          const names = fields(spec, 'name');
          const valueList = field(spec, 'value');
          const values = valueList ? named(valueList) : [];
          names.forEach((name, index) => {
            const value = values[index];
            env.vars.set(name.text, value && values.length === names.length ? this.eval(value, env) : UNKNOWN);
          });
        }
        return false;
      }
      case 'return_statement': {
        const list = named(node)[0];
        const first = list ? (list.type === 'expression_list' ? named(list)[0] : list) : undefined;
        const value = first ? this.eval(first, env) : UNKNOWN;
        if (frame.ret === undefined || frame.ret.k === 'unknown') frame.ret = value;
        return true;
      }
      case 'block':
        this.block(statements(node), { vars: new Map(), parent: env, file: env.file }, frame);
        return false;
      case 'if_statement': {
        const scope: Env = { vars: new Map(), parent: env, file: env.file };
        const init = field(node, 'initializer');
        if (init) this.statement(init, scope, frame);
        const condition = field(node, 'condition');
        if (condition) this.eval(condition, scope);
        this.conditions.push(node.id);
        try {
          const consequence = field(node, 'consequence');
          if (consequence) this.block(statements(consequence), { vars: new Map(), parent: scope, file: env.file }, frame);
          const alternative = field(node, 'alternative');
          if (alternative) {
            if (alternative.type === 'block') this.block(statements(alternative), { vars: new Map(), parent: scope, file: env.file }, frame);
            else this.statement(alternative, scope, frame);
          }
        } finally {
          this.conditions.pop();
        }
        return false;
      }
      case 'for_statement':
      case 'expression_switch_statement':
      case 'type_switch_statement':
      case 'select_statement':
      case 'labeled_statement': {
        const scope: Env = { vars: new Map(), parent: env, file: env.file };
        this.conditions.push(node.id);
        try {
        for (const child of named(node)) {
          if (child.type === 'block') this.block(statements(child), { vars: new Map(), parent: scope, file: env.file }, frame);
          else if (child.type.endsWith('_case') || child.type === 'default_case' || child.type === 'communication_case') {
            this.block(named(child).filter((c) => c.type.endsWith('_statement') || c.type.endsWith('_declaration') || c.type === 'statement_list').flatMap((c) => (c.type === 'statement_list' ? named(c) : [c])), scope, frame);
          } else if (child.type.endsWith('_statement')) this.statement(child, scope, frame);
        }
        } finally {
          this.conditions.pop();
        }
        return false;
      }
      case 'go_statement':
      case 'defer_statement':
        return false;
      default:
        return false;
    }
  }

  private assign(node: Node, env: Env): void {
    const left = field(node, 'left');
    const right = field(node, 'right');
    if (!left || !right) return;
    const targets = named(left);
    const sources = named(right);
    const values = sources.map((source) => this.eval(source, env));
    const define = node.type === 'short_var_declaration';
    targets.forEach((target, index) => {
      const value = targets.length === values.length ? (values[index] ?? UNKNOWN) : index === 0 ? (values[0] ?? UNKNOWN) : UNKNOWN;
      this.store(target, value, env, define);
    });
  }

  private store(target: Node, value: Value, env: Env, define: boolean): void {
    const node = unwrap(target);
    if (node.type === 'identifier') {
      if (node.text === '_') return;
      if (!define) {
        for (let scope: Env | undefined = env; scope; scope = scope.parent) {
          if (scope.vars.has(node.text)) {
            scope.vars.set(node.text, value);
            return;
          }
        }
      }
      env.vars.set(node.text, value);
      return;
    }
    if (node.type === 'selector_expression') {
      const operand = field(node, 'operand');
      const name = field(node, 'field')?.text;
      if (!operand || !name) return;
      const base = this.eval(operand, env);
      if (base.k === 'struct') base.obj.fields.set(name, value);
    }
  }

  // ---- expressions ----

  lookup(name: string, env: Env | undefined, file: GoFile): Value {
    for (let scope = env; scope; scope = scope.parent) {
      const value = scope.vars.get(name);
      if (value !== undefined) return value;
    }
    return this.packageSymbol(file.pkg, name);
  }

  packageSymbol(pkg: GoPackage, name: string): Value {
    const fn = pkg.funcs.get(name);
    if (fn) return { k: 'func', node: fn.node, file: fn.file, env: undefined };
    const entry = pkg.values.get(name);
    if (!entry) return UNKNOWN;
    const key = `${pkg.dir}\u0000${pkg.name}\u0000${name}`;
    const memo = this.varMemo.get(key);
    if (memo) return memo;
    this.varMemo.set(key, UNKNOWN);
    const valueList = field(entry.spec, 'value');
    const values = valueList ? named(valueList) : [];
    const expr = values[entry.index];
    const topEnv: Env = { vars: new Map(), parent: undefined, file: entry.file };
    const value = expr && values.length === fields(entry.spec, 'name').length ? this.eval(expr, topEnv) : UNKNOWN;
    this.varMemo.set(key, value);
    return value;
  }

  private isImport(name: string, env: Env): string | undefined {
    for (let scope: Env | undefined = env; scope; scope = scope.parent) if (scope.vars.has(name)) return undefined;
    if (env.file.pkg.funcs.has(name) || env.file.pkg.values.has(name)) return undefined;
    return env.file.imports.get(name);
  }

  eval(raw: Node, env: Env): Value {
    // A hostile file nests expressions thousands deep: past this the value is simply unknown.
    if (this.steps++ > MAX_STEPS || this.depth > MAX_EXPRESSION_DEPTH) return UNKNOWN;
    this.depth += 1;
    try {
      return this.evalNode(unwrap(raw), env);
    } finally {
      this.depth -= 1;
    }
  }

  private evalNode(node: Node, env: Env): Value {
    switch (node.type) {
      case 'interpreted_string_literal':
      case 'raw_string_literal': {
        const text = stringLiteral(node);
        return text === undefined ? UNKNOWN : { k: 'str', v: text };
      }
      case 'binary_expression': {
        const left = field(node, 'left');
        const right = field(node, 'right');
        const operator = node.children.find((child) => child !== null && !child.isNamed)?.text;
        if (operator !== '+' || !left || !right) return UNKNOWN;
        const a = this.eval(left, env);
        const b = this.eval(right, env);
        return a.k === 'str' && b.k === 'str' ? { k: 'str', v: a.v + b.v } : UNKNOWN;
      }
      case 'identifier':
        return this.lookup(node.text, env, env.file);
      case 'selector_expression':
        return this.selector(node, env);
      case 'call_expression':
        return this.callExpression(node, env);
      case 'func_literal':
        return { k: 'func', node, file: env.file, env };
      case 'unary_expression': {
        const operand = field(node, 'operand');
        return operand ? this.eval(operand, env) : UNKNOWN;
      }
      case 'composite_literal':
        return this.composite(node, env);
      default:
        return UNKNOWN;
    }
  }

  private selector(node: Node, env: Env): Value {
    const operand = field(node, 'operand');
    const name = field(node, 'field')?.text;
    if (!operand || !name) return UNKNOWN;
    if (operand.type === 'identifier') {
      const path = this.isImport(operand.text, env);
      if (path !== undefined) {
        const local = this.program.packageOf(path);
        if (local) return this.packageSymbol(local, name);
        // `http.MethodPut`, `fiber.MethodGet`: the verb itself.
        const verb = /^Method([A-Z][a-z]+)$/.exec(name)?.[1];
        if (verb) return { k: 'str', v: verb.toUpperCase() };
        return { k: 'ext', path, name, chain: [], args: [], called: false, node };
      }
    }
    const base = this.eval(operand, env);
    if (base.k === 'struct') {
      const fieldValue = base.obj.fields.get(name);
      if (fieldValue && fieldValue.k !== 'unknown') return fieldValue;
      const method = base.obj.pkg.methods.get(`${base.obj.type}.${name}`);
      if (method) return { k: 'func', node: method.node, file: method.file, env: undefined, recv: base };
      return this.declaredField(base.obj, name);
    }
    if (base.k === 'ext') return { ...base, chain: [...base.chain, name], node };
    return UNKNOWN;
  }

  /**
   * A field never assigned where the interpreter saw it (`a.auth` set up at run time), typed in its struct
   * declaration as a struct of the workspace (`auth *auth.Auth`): a value of that type, so its methods resolve.
   */
  private declaredField(obj: StructObj, name: string): Value {
    const member = goStructField(obj.pkg, obj.type, name);
    return member ? this.typed(member.file, member.type?.text ?? '', member.type) : UNKNOWN;
  }

  /**
   * A value of a type written in `file` (`*App`, `*auth.Auth`) when it is a struct declared in the
   * workspace; with the declaration's node (a struct field), a value of an imported library's type
   * (`Authenticator *auth.Service`), so the library's middleware can be recognised.
   */
  private typed(file: GoFile, type: string, declared?: Node): Value {
    const match = /^\*?(?:([A-Za-z_]\w*)\.)?([A-Za-z_]\w*)$/.exec(type);
    const name = match?.[2];
    if (!match || !name) return UNKNOWN;
    const path = match[1] === undefined ? undefined : file.imports.get(match[1]);
    const pkg = match[1] === undefined ? file.pkg : path === undefined ? undefined : this.program.packageOf(path);
    if (!pkg && path !== undefined && declared) return { k: 'ext', path, name, chain: [], args: [], called: true, node: declared };
    if (!pkg) return UNKNOWN;
    // The package's struct types are indexed once (a scan of every file of the package per value was quadratic in big packages).
    const isStruct = goStructTypes(pkg).has(name);
    return isStruct ? { k: 'struct', obj: this.structOf(pkg, name) } : UNKNOWN;
  }

  private composite(node: Node, env: Env): Value {
    const type = field(node, 'type');
    if (!type) return UNKNOWN;
    if (type.type === 'slice_type' || type.type === 'array_type' || type.type === 'implicit_length_array_type') {
      const body = field(node, 'body');
      const items = (body ? named(body) : []).map((element) => {
        const inner = element.type === 'literal_element' ? (named(element)[0] ?? element) : element;
        return this.eval(inner, env);
      });
      return { k: 'list', items };
    }
    let pkg: GoPackage | undefined;
    let typeName: string | undefined;
    if (type.type === 'type_identifier') {
      pkg = env.file.pkg;
      typeName = type.text;
    } else if (type.type === 'qualified_type') {
      const alias = field(type, 'package')?.text;
      const path = alias ? env.file.imports.get(alias) : undefined;
      pkg = path ? this.program.packageOf(path) : undefined;
      typeName = field(type, 'name')?.text;
      if (!pkg && path !== undefined && typeName) return { k: 'ext', path, name: typeName, chain: [], args: [], called: true, node };
    }
    if (!pkg || !typeName) return UNKNOWN;
    const obj = this.structOf(pkg, typeName);
    const body = field(node, 'body');
    for (const element of body ? named(body) : []) {
      if (element.type !== 'keyed_element') continue;
      const [key, value] = named(element);
      const keyName = key ? unwrap(named(key)[0] ?? key).text : undefined;
      const valueNode = value ? (named(value)[0] ?? value) : undefined;
      if (keyName && valueNode) obj.fields.set(keyName, this.eval(valueNode, env));
    }
    return { k: 'struct', obj };
  }

  private args(call: Node, env: Env): Arg[] {
    return callArgs(call)
      .filter((arg) => !arg.type.endsWith('_type'))
      .map((arg) => ({ node: arg, value: this.eval(arg.type === 'variadic_argument' ? (named(arg)[0] ?? arg) : arg, env) }));
  }

  private callExpression(node: Node, env: Env): Value {
    const fnNode = field(node, 'function');
    if (!fnNode) return UNKNOWN;
    const fn = unwrap(fnNode);
    if (fn.type === 'selector_expression') {
      const operand = field(fn, 'operand');
      const name = field(fn, 'field')?.text ?? '';
      if (operand?.type === 'identifier') {
        const path = this.isImport(operand.text, env);
        if (path !== undefined) {
          const local = this.program.packageOf(path);
          const args = this.args(node, env);
          if (local) {
            const target = this.packageSymbol(local, name);
            return target.k === 'func' ? this.call(target, args.map((arg) => arg.value)) : UNKNOWN;
          }
          if (path === 'fmt' && name === 'Sprintf') return sprintf(args);
          if (path === 'path' && name === 'Join') {
            const parts = args.map((arg) => (arg.value.k === 'str' ? arg.value.v : undefined));
            if (parts.every((part): part is string => part !== undefined)) return { k: 'str', v: parts.filter((part) => part !== '').join('/').replace(/\/{2,}/g, '/') };
            return UNKNOWN;
          }
          const ext: ExtCall = { path, name, args, node, file: env.file };
          for (const dialect of this.dialects) {
            if (!dialect.create || !pathOwner(path, dialect.packages)) continue;
            const created = dialect.create(ext, this);
            if (created) return created;
          }
          return { k: 'ext', path, name, chain: [], args, called: true, node };
        }
      }
      const base = operand ? this.eval(operand, env) : UNKNOWN;
      const args = this.args(node, env);
      if (base.k === 'router') return base.r.dialect.method(base.r, name, args, node, this) ?? UNKNOWN;
      if (base.k === 'custom') {
        for (const dialect of this.dialects) {
          const result = dialect.custom?.(base.data, name, args, node, this);
          if (result) return result;
        }
        return UNKNOWN;
      }
      if (base.k === 'ext') return { ...base, chain: [...base.chain, name], args, called: true, node };
      if (base.k === 'struct') {
        const member = base.obj.fields.get(name);
        if (member?.k === 'func') return this.call(member, args.map((arg) => arg.value));
        const method = base.obj.pkg.methods.get(`${base.obj.type}.${name}`);
        if (method) return this.call({ k: 'func', node: method.node, file: method.file, env: undefined, recv: base }, args.map((arg) => arg.value));
        return UNKNOWN;
      }
      // A method on a value of unknown type that receives a router: the one method of that name in the workspace.
      if (args.some((arg) => arg.value.k === 'router')) {
        const candidates = this.program.methodsNamed(name).filter((decl) => parameterNames(decl.node).length === args.length);
        const only = candidates.length === 1 ? candidates[0] : undefined;
        if (only) return this.call({ k: 'func', node: only.node, file: only.file, env: undefined }, args.map((arg) => arg.value));
      }
      return UNKNOWN;
    }
    const target = this.eval(fn, env);
    const args = this.args(node, env);
    if (target.k === 'func') return this.call(target, args.map((arg) => arg.value));
    return UNKNOWN;
  }
}

/**
 * `fmt.Sprintf("GET /static/%s/{path...}", hash)`: the known arguments filled in, an unknown one
 * left as a `{param}` segment (a route path built from configuration is still a route).
 */
function sprintf(args: readonly Arg[]): Value {
  const format = args[0]?.value;
  if (format?.k !== 'str') return UNKNOWN;
  let index = 1;
  const text = format.v.replace(/%(%|[-+# 0]*\d*(?:\.\d+)?[svdqx])/g, (match: string, verb: string) => {
    if (verb === '%') return '%';
    const value = args[index++]?.value;
    if (value?.k === 'str') return verb.endsWith('q') ? `"${value.v}"` : value.v;
    return '{param}';
  });
  return { k: 'str', v: text };
}

/** Registration and router-making calls of every Go router: a function without one registers nothing by itself. */
/** Function literals given as a field of a composite literal in a package-level `var` (`Run: func(…) {…}`). */
function entryLiterals(pkg: GoPackage): { node: Node; file: GoFile }[] {
  const out: { node: Node; file: GoFile }[] = [];
  const specs = new Set<Node>();
  for (const value of pkg.values.values()) {
    if (specs.has(value.spec) || value.spec.type !== 'var_spec' || !value.spec.text.includes('func(')) continue;
    specs.add(value.spec);
    walk(value.spec, (node) => {
      if (node.type !== 'func_literal') return undefined;
      const holder = node.parent?.type === 'literal_element' ? node.parent.parent : node.parent;
      if (holder?.type === 'keyed_element') out.push({ node, file: value.file });
      return false;
    });
  }
  return out;
}

const ROUTING = /\.(?:GET|POST|PUT|PATCH|DELETE|HEAD|OPTIONS|CONNECT|TRACE|Any|All|Handle|HandleFunc|Handler|HandlerFunc|Match|Group|Use|Pre|Get|Post|Put|Patch|Delete|Head|Options|Connect|Trace|Add|Route|Mount|With|PathPrefix|Path|Methods|Subrouter|Static|StaticFS|StaticFile|File|Method|MethodFunc)\(|\b(?:New|Default|NewRouter|NewServeMux|NewMux|HandleFunc|Handle|ListenAndServe)\(/;

/** Cheap filter: only functions that register or make routers themselves are worth interpreting as roots. */
function mentionsRouting(decl: Node): boolean {
  const body = field(decl, 'body');
  return body !== undefined && ROUTING.test(body.text);
}

const runs = new WeakMap<readonly SourceFile[], Interpreter>();

/** One interpretation of the workspace's Go code, shared by every Go framework collector. */
export function interpretGo(sources: readonly SourceFile[]): Interpreter {
  const cached = runs.get(sources);
  if (cached) return cached;
  const program = goProgram(sources);
  const used = new Set(program.files.flatMap((file) => [...file.imports.values()]));
  const active = dialects.filter((dialect) => [...used].some((path) => pathOwner(path, dialect.packages)));
  const interpreter = new Interpreter(program, active);
  if (active.length > 0) interpreter.run();
  runs.set(sources, interpreter);
  return interpreter;
}
