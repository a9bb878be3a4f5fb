import type { Node, Tree } from 'web-tree-sitter';
import type { SourceFile } from '../engine/context.js';
import { callArgs, field, named, parameterNames, stringLiteral, unwrap, walk } from '../collectors/code/go/ast.js';
import { importsOf } from '../collectors/code/go/program.js';
import type { CheckContext } from '../engine/context.js';
import { siteOf } from './code-input.js';
import { endpointAt } from './endpoints.js';
import { descendantsOf, parentOf } from '../parsing/tree-index.js';
import { goRequestProviders } from '../collectors/code/plugins.js';

/**
 * Request data flowing to a sink inside one Go function, for the injection checks' `go.ts` files.
 *
 * One forward pass over a function declaration (closures inside it included) in document order:
 * - sources: accessors of the request parameters the function (or a closure in it) receives, found by
 *   their declared type, not their name: `*http.Request` (`r.URL.Query().Get`, `r.FormValue`,
 *   `r.PathValue`, `r.Header.Get`, `r.URL.Path`, `r.Body`), gin `*gin.Context`, echo `echo.Context`,
 *   fiber `*fiber.Ctx` (`Query`, `Param`, `PostForm`, `FormValue`, `Params`, `QueryParam`…),
 *   `mux.Vars(r)`, `chi.URLParam(r, …)`, and the structs a body is decoded or bound into
 *   (`json.NewDecoder(r.Body).Decode(&in)`, `c.ShouldBindJSON(&in)`, `c.BodyParser(&in)`);
 * - propagation through assignments, `+`, `fmt.Sprintf`, `strings`/`filepath`/`path` helpers,
 *   `url.Parse`, conversions, field and index access, composite literals, `range`, and methods
 *   called on tainted values;
 * - sanitisers per sink kind (`strconv.*`, `uuid.Parse`: all; `filepath.Base`: paths;
 *   `url.PathEscape`/`QueryEscape`: paths and URLs) and guards that clear a variable for the rest
 *   of the function (`strings.HasPrefix`, `filepath.IsLocal`, `strings.Contains(x, "..")` for
 *   paths; a comparison of the parsed URL's host for URLs; an anchored `MatchString` for all).
 *
 * Limits, on purpose: no control flow and no calls across functions.
 */

export type GoSinkKind = 'path' | 'url' | 'command';
const BIT: Record<GoSinkKind, number> = { path: 1, url: 2, command: 4 };
const ALL = 7;

export interface GoTaint {
  origin: string;
  cleared: number;
  /** Only the request path (`r.URL.Path`), which `http.ServeFile` itself checks for `..`. */
  urlPath?: boolean;
  /** The whole bound or decoded body (`c.ShouldBindJSON(&in)` → `in`), not a value read from it. */
  whole?: boolean;
}

function part(taint: GoTaint | undefined): GoTaint | undefined {
  return taint?.whole ? { origin: taint.origin, cleared: taint.cleared, ...(taint.urlPath ? { urlPath: true } : {}) } : taint;
}

export interface GoFunctionTaint {
  taintOf(node: Node | undefined): GoTaint | undefined;
  tainted(node: Node | undefined, kind: GoSinkKind): GoTaint | undefined;
}

export interface GoSinkHit {
  source: SourceFile;
  call: Node;
  /** The sink as written (`exec.Command`, `http.Get`). */
  written: string;
  origin: string;
  /** Set when the request data reaches the sink through one project function (`fetch(url)` → `http.Get(url)`). */
  via?: { wrapper: string; sink: Node; sinkWritten: string; source: SourceFile };
}

/** A project function that hands its parameter at `index` to a sink. */
interface Summary {
  index: number;
  sink: Node;
  sinkWritten: string;
  source: SourceFile;
}

const PARAM_ORIGIN = '\u0000param:';

/** Parameters of plain data types (strings, byte slices, structs, maps): what a wrapper may pass on. */
function dataParameters(fn: Node, imports: ReadonlyMap<string, string>): Map<string, GoTaint> {
  const out = new Map<string, GoTaint>();
  parameterNames(fn).forEach((param, index) => {
    if (!param.name || param.name === '_') return;
    const qualified = typeName(imports, param.type);
    if (qualified && tables().types[qualified]) return;
    if (/^(context\.Context|\*?sql\.\w+|\*?gorm\.DB|\*?sqlx\.\w+|func\b|chan\b|error|bool|u?int\d*|float\d+|time\.\w+)$/.test(param.type)) return;
    out.set(param.name, { origin: `${PARAM_ORIGIN}${index}`, cleared: 0 });
  });
  return out;
}

/** What a sink matcher sees: the call, its package-qualified callee and the file's imports. */
export interface GoCall {
  node: Node;
  /** `net/http.Get`, `os/exec.Command` for package functions; the written text otherwise. */
  callee: string;
  written: string;
  args: Node[];
  /** Method name for `x.M(…)`. */
  method?: string | undefined;
  receiver?: Node | undefined;
}

/**
 * Picks the sink arguments of a call that the taint says carry request data. A matcher only narrows by
 * the taint (what it returns for some taint, it returns for a taint that says more), so a function
 * where no call matches under "everything tainted" has no sink to find (see `mayReachSink`).
 */
export type GoSinkMatch = (call: GoCall, taint: GoFunctionTaint) => Node[] | undefined;

/** A taint that says every expression carries request data, for every sink. */
const EVERYTHING_TAINTED: GoFunctionTaint = {
  taintOf: () => ({ origin: '', cleared: 0 }),
  tainted: () => ({ origin: '', cleared: 0 }),
};

/** A `GoCall` whose arguments are read when first asked: most calls' arguments never are. */
class Call implements GoCall {
  private argList: Node[] | undefined;
  constructor(
    readonly node: Node,
    readonly callee: string,
    readonly written: string,
    readonly method?: string,
    readonly receiver?: Node,
  ) {}

  get args(): Node[] {
    this.argList ??= callArgs(this.node);
    return this.argList;
  }
}

/** A call with what the passes and the matchers read of it, built once per call node. */
interface CallInfo {
  call: GoCall;
  /** `net/http.Get` for a function of an imported package. */
  qualified: string | undefined;
  /** The type of the callee expression (`identifier`, `selector_expression` …). */
  calleeType: string | undefined;
  /** The name a project function is called by (`fetch(u)`, `s.fetch(u)`): what a wrapper is looked up by. */
  name: string | undefined;
}

/** A function declaration of a file, with its name. */
interface Declared {
  node: Node;
  name: string | undefined;
}

/** What every Go check's pass shares about one file: read once per tree, not once per check. */
interface FileFacts {
  source: SourceFile;
  imports: ReadonlyMap<string, string>;
  functions: Declared[];
  calls: Map<number, CallInfo>;
  /** By function node id: its calls in document order, its pass nodes, its passes by mode. */
  callsOf: Map<number, CallInfo[]>;
  passNodes: Map<number, Node[]>;
  passes: Map<string, Pass | undefined>;
}

const factsByTree = new WeakMap<Tree, FileFacts>();

function factsOf(source: SourceFile): FileFacts {
  let facts = factsByTree.get(source.tree);
  if (!facts) {
    const root = source.tree.rootNode;
    const functions: Declared[] = [];
    for (const fn of named(root)) {
      const type = fn.type;
      if (type === 'function_declaration' || type === 'method_declaration') functions.push({ node: fn, name: field(fn, 'name')?.text });
    }
    facts = { source, imports: importsOf(root), functions, calls: new Map(), callsOf: new Map(), passNodes: new Map(), passes: new Map() };
    factsByTree.set(source.tree, facts);
  }
  return facts;
}

function callInfo(facts: FileFacts, node: Node): CallInfo {
  const known = facts.calls.get(node.id);
  if (known) return known;
  const fnNode = field(node, 'function');
  const calleeType = fnNode?.type;
  const written = fnNode?.text ?? '';
  const selector = calleeType === 'selector_expression' && fnNode !== undefined;
  const operand = selector ? field(fnNode, 'operand') : undefined;
  const fieldName = selector ? field(fnNode, 'field')?.text : undefined;
  // As `qualifiedCallee` answers, from the nodes already read.
  const path = operand && fieldName && operand.type === 'identifier' ? facts.imports.get(operand.text) : undefined;
  const qualified = path ? `${path}.${fieldName ?? ''}` : undefined;
  const call = new Call(node, qualified ?? written, written, selector ? (fieldName ?? '') : undefined, operand);
  const info: CallInfo = { call, qualified, calleeType, name: calleeType === 'selector_expression' ? fieldName : calleeType === 'identifier' ? written : undefined };
  facts.calls.set(node.id, info);
  return info;
}

/** The calls of a function (closures included), in document order. */
function callsOf(facts: FileFacts, fn: Node): CallInfo[] {
  let calls = facts.callsOf.get(fn.id);
  if (!calls) {
    calls = descendantsOf(fn, CALL_TYPES).map((node) => callInfo(facts, node));
    facts.callsOf.set(fn.id, calls);
  }
  return calls;
}

/** Whether some call of the function (closures included) is a sink for `match` whatever the taint: only then can a pass find a hit. */
function mayReachSink(facts: FileFacts, fn: Node, match: GoSinkMatch): boolean {
  for (const info of callsOf(facts, fn)) if ((match(info.call, EVERYTHING_TAINTED)?.length ?? 0) > 0) return true;
  return false;
}

interface RequestTables {
  /** Handler parameter types, qualified, to the context they are (`http` for net/http, else the framework plugin's id). */
  types: Record<string, string>;
  /** Methods of a framework context that return request text. */
  reads: Record<string, ReadonlySet<string>>;
  /** Methods that fill their pointer argument from the request. */
  binds: Record<string, ReadonlySet<string>>;
  /** Contexts whose `Request` field is the *http.Request (gin), or whose `Request()` method returns it (echo). */
  requestField: ReadonlySet<string>;
  requestMethod: ReadonlySet<string>;
  /** Package functions that return request values (gorilla/mux's `Vars`, chi's `URLParam`). */
  functions: ReadonlySet<string>;
}

let requestTables: RequestTables | undefined;

/** net/http's request, and the frameworks' contexts from their plugins (GoRequestProvider in the plugin contract). */
function tables(): RequestTables {
  if (!requestTables) {
    const types: Record<string, string> = { 'net/http.Request': 'http' };
    const reads: Record<string, ReadonlySet<string>> = {};
    const binds: Record<string, ReadonlySet<string>> = {};
    const requestField = new Set<string>();
    const requestMethod = new Set<string>();
    const functions = new Set<string>();
    for (const { id, provider } of goRequestProviders()) {
      for (const type of provider.contextTypes ?? []) types[type] = id;
      if (provider.reads) reads[id] = new Set(provider.reads);
      if (provider.binds) binds[id] = new Set(provider.binds);
      if (provider.httpRequest === 'field') requestField.add(id);
      if (provider.httpRequest === 'method') requestMethod.add(id);
      for (const name of provider.functions ?? []) functions.add(name);
    }
    requestTables = { types, reads, binds, requestField, requestMethod, functions };
  }
  return requestTables;
}
const HTTP_READS = new Set(['FormValue', 'PostFormValue', 'PathValue', 'Cookie', 'Referer', 'UserAgent']);
const HTTP_FIELDS = new Set(['URL', 'Body', 'Form', 'PostForm', 'Header', 'MultipartForm', 'RequestURI', 'Host']);

/** Package functions that return something derived from their arguments. */
const PROPAGATE = /^(fmt\.(Sprintf|Sprint|Sprintln)|strings\.\w+|bytes\.\w+|path\/filepath\.(Join|Clean|Abs|FromSlash|ToSlash|Dir|Ext|Split|Rel)|path\.(Join|Clean|Dir|Split)|net\/url\.(Parse|ParseRequestURI|ParseQuery|JoinPath|QueryUnescape|PathUnescape)|io\.ReadAll|io\/ioutil\.ReadAll|encoding\/json\.NewDecoder|bufio\.NewReader|bufio\.NewScanner|encoding\/base64\.\w+|html\.UnescapeString|slices\.\w+)$/;
/** Package functions whose result is safe for every sink. */
const CLEAN_ALL = /^(strconv\.(Atoi|ParseInt|ParseUint|ParseFloat|ParseBool)|github\.com\/google\/uuid\.(Parse|MustParse)|github\.com\/gofrs\/uuid\.\w+|time\.(Parse|ParseDuration))$/;
const CLEAN: Record<string, number> = {
  'path/filepath.Base': BIT.path,
  'path.Base': BIT.path,
  'net/url.PathEscape': BIT.path | BIT.url | BIT.command,
  'net/url.QueryEscape': BIT.path | BIT.url | BIT.command,
  'github.com/alessio/shellescape.Quote': BIT.command,
  'github.com/kballard/go-shellquote.Join': BIT.command,
};

/** Qualified name of `pkg.F` for an imported package, or undefined. */
export function qualifiedCallee(imports: ReadonlyMap<string, string>, fn: Node | undefined): string | undefined {
  if (fn?.type !== 'selector_expression') return undefined;
  const operand = field(fn, 'operand');
  const name = field(fn, 'field')?.text;
  if (operand?.type !== 'identifier' || !name) return undefined;
  const path = imports.get(operand.text);
  return path ? `${path}.${name}` : undefined;
}

function typeName(imports: ReadonlyMap<string, string>, type: string): string | undefined {
  const match = /^\*?([A-Za-z_]\w*)\.([A-Za-z_]\w*)$/.exec(type.trim());
  if (!match) return undefined;
  const path = imports.get(match[1] ?? '');
  return path ? `${path}.${match[2] ?? ''}` : undefined;
}

const FUNCTION_TYPES = ['function_declaration', 'method_declaration', 'func_literal'];
const requestParamsByTree = new WeakMap<Tree, Map<number, ReadonlyMap<string, string>>>();

/**
 * Request parameters of a function and of the closures inside it: name → framework. `imports` are
 * the function's file's imports; the answer is computed once per function (five checks ask, each
 * for every function of every Go file) from the tree's list of functions, not a walk of the body.
 */
export function goRequestParams(fn: Node, imports: ReadonlyMap<string, string>): ReadonlyMap<string, string> {
  let byFn = requestParamsByTree.get(fn.tree);
  if (!byFn) {
    byFn = new Map();
    requestParamsByTree.set(fn.tree, byFn);
  }
  const known = byFn.get(fn.id);
  if (known) return known;
  const out = new Map<string, string>();
  for (const node of descendantsOf(fn, FUNCTION_TYPES)) {
    for (const param of parameterNames(node)) {
      const qualified = typeName(imports, param.type);
      const framework = qualified ? tables().types[qualified] : undefined;
      if (framework && param.name && param.name !== '_') out.set(param.name, framework);
    }
  }
  byFn.set(fn.id, out);
  return out;
}

/** The operands of a `+` chain, left to right (iterative: a generated file may chain thousands). */
function flatten(node: Node): Node[] {
  const out: Node[] = [];
  const stack: Node[] = [node];
  while (stack.length > 0) {
    const next = stack.pop();
    if (!next) continue;
    const current = unwrap(next);
    const left = field(current, 'left');
    const right = field(current, 'right');
    if (current.type === 'binary_expression' && field(current, 'operator')?.text === '+' && left && right) stack.push(right, left);
    else out.push(current);
  }
  return out;
}

/** A pattern anchored at both ends that admits no `/`, `.` runs or shell syntax beyond its class. */
function anchored(pattern: string): boolean {
  return /^\^/.test(pattern) && /\$$/.test(pattern) && !/\.\*|\.\+/.test(pattern);
}

const DECLARATION_TYPES = ['var_spec', 'short_var_declaration', 'assignment_statement'];
const CALL_TYPES = ['call_expression'];
/** The statements and expressions one taint pass reacts to, visited in document order (outer first). */
const PASS_TYPES = ['short_var_declaration', 'assignment_statement', 'var_spec', 'range_clause', 'if_statement', 'call_expression'];

const HOST_PINNED = /^[a-zA-Z][\w+.-]*:\/\/[^/?#%]+\/|^H\//;

class Analysis implements GoFunctionTaint {
  readonly vars = new Map<string, GoTaint>();
  /** Every write of each variable (`undefined` for a removal) with the version it made: what a call recorded at a version saw. */
  private readonly history = new Map<string, { at: number[]; values: (GoTaint | undefined)[] }>();
  /** The number of writes so far. */
  version = 0;
  /** The version variables are read at: Infinity while the pass runs. */
  private readAt = Infinity;
  readonly imports: ReadonlyMap<string, string>;
  constructor(
    readonly facts: FileFacts,
    readonly params: ReadonlyMap<string, string>,
    readonly root: Node,
    /** Identifier mode (object ids for BOLA): numeric and UUID conversions keep the value's origin. */
    readonly ids = false,
  ) {
    this.imports = facts.imports;
  }

  setVar(name: string, taint: GoTaint | undefined): void {
    if (taint) this.vars.set(name, taint);
    else this.vars.delete(name);
    this.version += 1;
    let entry = this.history.get(name);
    if (!entry) {
      entry = { at: [], values: [] };
      this.history.set(name, entry);
    }
    entry.at.push(this.version);
    entry.values.push(taint);
  }

  private variable(name: string): GoTaint | undefined {
    if (this.readAt === Infinity) return this.vars.get(name);
    const entry = this.history.get(name);
    if (!entry) return undefined;
    for (let index = entry.at.length - 1; index >= 0; index -= 1) if ((entry.at[index] as number) <= this.readAt) return entry.values[index];
    return undefined;
  }

  /** The taint of a node as the variables were after `version` writes. */
  taintAt(node: Node | undefined, version: number): GoTaint | undefined {
    const saved = this.readAt;
    this.readAt = version;
    try {
      return this.taintOf(node);
    } finally {
      this.readAt = saved;
    }
  }

  /** The pattern text of `regexp.MustCompile("…")`, inline or held by a variable of this file. */
  patternOf(node: Node | undefined, depth = 0): string {
    if (!node || depth > 3) return '';
    const current = unwrap(node);
    if (current.type === 'call_expression' && /^regexp\.(MustCompile|Compile)$/.test(field(current, 'function')?.text ?? '')) return stringLiteral(callArgs(current)[0] ?? current) ?? '';
    if (current.type !== 'identifier') return '';
    // The file's declarations in document order, from the tree's per-type lists (a walk of the whole file per call was quadratic in long files).
    for (const child of descendantsOf(this.root, DECLARATION_TYPES)) {
      const names = child.type === 'var_spec' ? child.childrenForFieldName('name') : named(field(child, 'left') ?? child);
      const values = named(field(child, child.type === 'var_spec' ? 'value' : 'right') ?? child);
      const index = names.findIndex((name) => name?.text === current.text);
      const value = index >= 0 ? values[index] : undefined;
      const pattern = value && value.id !== current.id ? this.patternOf(value, depth + 1) : '';
      if (pattern) return pattern;
    }
    return '';
  }

  /** `r.URL.Query()`, `c.Query("x")`, `mux.Vars(r)`, `chi.URLParam(r, "id")`: a request read. */
  private sourceOf(node: Node, type: string): GoTaint | undefined {
    if (type === 'selector_expression') {
      const operand = field(node, 'operand');
      const name = field(node, 'field')?.text ?? '';
      if (operand && this.isHttpRequest(operand) && HTTP_FIELDS.has(name)) return { origin: node.text, cleared: 0 };
      // `r.URL.Path` is checked for `..` by http.ServeFile; other URL parts are not.
      if (operand?.type === 'selector_expression' && field(operand, 'field')?.text === 'URL' && this.isHttpRequest(field(operand, 'operand'))) {
        return { origin: node.text, cleared: 0, ...(name === 'Path' ? { urlPath: true } : {}) };
      }
      return undefined;
    }
    if (type !== 'call_expression') return undefined;
    const { qualified, call } = callInfo(this.facts, node);
    if (qualified && tables().functions.has(qualified)) return { origin: node.text, cleared: 0 };
    const { receiver, method } = call;
    if (method === undefined) return undefined;
    if (receiver?.type === 'identifier') {
      const framework = this.params.get(receiver.text);
      if (framework === 'http' && HTTP_READS.has(method)) return { origin: node.text, cleared: 0 };
      if (framework && tables().reads[framework]?.has(method)) return { origin: node.text, cleared: 0 };
    }
    return undefined;
  }

  /** `r`, or echo's `c.Request()`. */
  private isHttpRequest(node: Node | undefined): boolean {
    if (!node) return false;
    if (node.type === 'identifier') return this.params.get(node.text) === 'http';
    // gin's `c.Request` is the *http.Request.
    if (node.type === 'selector_expression') {
      const operand = field(node, 'operand');
      return field(node, 'field')?.text === 'Request' && operand?.type === 'identifier' && tables().requestField.has(this.params.get(operand.text) ?? '');
    }
    if (node.type === 'call_expression') {
      const { method, receiver } = callInfo(this.facts, node).call;
      return method === 'Request' && receiver?.type === 'identifier' && tables().requestMethod.has(this.params.get(receiver.text) ?? '');
    }
    return false;
  }

  taintOf(input: Node | undefined, depth = 0): GoTaint | undefined {
    if (!input || depth > 30) return undefined;
    const node = unwrap(input);
    const type = node.type;
    const source = this.sourceOf(node, type);
    if (source) return source;
    switch (type) {
      case 'identifier':
        return this.variable(node.text);
      case 'selector_expression': {
        const operand = field(node, 'operand');
        if (operand && this.isHttpRequest(operand)) return undefined;
        return part(this.taintOf(operand, depth + 1));
      }
      case 'index_expression':
      case 'slice_expression':
      case 'type_assertion_expression':
        return part(this.taintOf(field(node, 'operand'), depth + 1));
      case 'unary_expression':
        return this.taintOf(field(node, 'operand'), depth + 1);
      case 'type_conversion_expression':
        return this.taintOf(field(node, 'operand'), depth + 1);
      case 'binary_expression': {
        const pieces = flatten(node);
        if (pieces.length < 2) return undefined;
        let prefix = '';
        for (const piece of pieces) {
          const taint = this.taintOf(piece, depth + 1);
          if (taint) return part(HOST_PINNED.test(prefix) ? { ...taint, cleared: taint.cleared | BIT.url } : taint);
          prefix += stringLiteral(piece) ?? 'H';
        }
        return undefined;
      }
      case 'composite_literal': {
        const body = field(node, 'body');
        let found: GoTaint | undefined;
        if (body) {
          walk(body, (child) => {
            if (found || child.id === body.id) return !found;
            if (child.type === 'literal_element' || child.type === 'keyed_element') return true;
            found = this.taintOf(child, depth + 1);
            return false;
          });
        }
        return part(found);
      }
      case 'call_expression':
        return part(this.callTaint(node, depth));
      default:
        return undefined;
    }
  }

  private callTaint(node: Node, depth: number): GoTaint | undefined {
    const { call, calleeType, qualified } = callInfo(this.facts, node);
    if (calleeType === 'identifier' && /^(string|\[\]byte)$/.test(call.written) || calleeType === 'slice_type' || calleeType === 'parenthesized_type') return this.taintOf(call.args[0], depth + 1);
    if (qualified) {
      const { args } = call;
      if (CLEAN_ALL.test(qualified)) return this.ids ? this.firstTaint(args, depth) : undefined;
      const clean = CLEAN[qualified];
      if (clean !== undefined) {
        const inner = this.firstTaint(args, depth);
        return inner ? { ...inner, cleared: inner.cleared | clean } : undefined;
      }
      if (qualified === 'fmt.Sprintf') return this.sprintfTaint(args, depth);
      if (PROPAGATE.test(qualified)) return this.firstTaint(args, depth);
      return undefined;
    }
    if (call.method !== undefined) {
      // A method of a tainted value: `u.String()`, `q.Get("url")`, `dec.Decode`.
      const { receiver } = call;
      if (receiver && !this.isHttpRequest(receiver)) return this.taintOf(receiver, depth + 1);
    }
    return undefined;
  }

  private firstTaint(args: Node[], depth: number): GoTaint | undefined {
    for (const arg of args) {
      const taint = this.taintOf(arg, depth + 1);
      if (taint) return taint;
    }
    return undefined;
  }

  /** `fmt.Sprintf("https://api.example.com/repos/%s", name)`: a fixed scheme and host before the value pin the host. */
  private sprintfTaint(args: Node[], depth: number): GoTaint | undefined {
    const format = args[0] ? stringLiteral(args[0]) : undefined;
    if (format === undefined) return this.firstTaint(args, depth);
    const verbs = [...format.matchAll(/%[-+# 0]*\d*(?:\.\d+)?[a-zA-Z%]/g)].filter((verb) => verb[0] !== '%%');
    let prefix = '';
    let last = 0;
    for (let index = 0; index < verbs.length; index += 1) {
      const verb = verbs[index];
      if (!verb) continue;
      prefix += format.slice(last, verb.index);
      last = verb.index + verb[0].length;
      const taint = this.taintOf(args[index + 1], depth + 1);
      if (taint) {
        // A number or boolean carries no path, URL or shell syntax.
        if (/[dfgeEtbo]$/.test(verb[0])) return undefined;
        return HOST_PINNED.test(prefix) ? { ...taint, cleared: taint.cleared | BIT.url } : taint;
      }
      prefix += 'H';
    }
    return undefined;
  }

  tainted(node: Node | undefined, kind: GoSinkKind): GoTaint | undefined {
    const taint = this.taintOf(node);
    return taint && (taint.cleared & BIT[kind]) === 0 ? taint : undefined;
  }

  /** Assignments, range clauses and pointer arguments filled from the request. */
  assign(targets: Node[], values: Node[]): void {
    const single = values.length === 1 && targets.length > 1;
    targets.forEach((target, index) => {
      const value = single ? (index === 0 ? values[0] : undefined) : values[index];
      if (target.type !== 'identifier' || target.text === '_') return;
      const taint = value ? this.taintOf(value) : undefined;
      this.setVar(target.text, taint);
    });
  }

  /** `json.NewDecoder(r.Body).Decode(&in)`, `json.Unmarshal(body, &in)`, `c.ShouldBindJSON(&in)`. */
  fillsPointer(info: CallInfo): void {
    const { method, receiver, node: call } = info.call;
    if (method === undefined) return;
    const { qualified } = info;
    const args = (): Node[] => info.call.args;
    let origin: GoTaint | undefined;
    let targets: Node[] = [];
    if (qualified === 'encoding/json.Unmarshal' || qualified === 'encoding/xml.Unmarshal' || qualified === 'gopkg.in/yaml.v3.Unmarshal') {
      origin = this.taintOf(args()[0]);
      targets = args().slice(1, 2);
    } else if (!qualified && receiver?.type === 'identifier' && this.params.has(receiver.text)) {
      const framework = this.params.get(receiver.text) ?? '';
      if (tables().binds[framework]?.has(method)) {
        origin = { origin: call.text, cleared: 0 };
        targets = args().slice(0, 1);
      }
    } else if (!qualified && /^(Decode|Unmarshal|Scan)$/.test(method) && receiver) {
      origin = this.taintOf(receiver);
      targets = args().slice(0, 1);
    }
    if (!origin) return;
    for (const target of targets) {
      const current = unwrap(target);
      const inner = current.type === 'unary_expression' ? field(current, 'operand') : current;
      if (inner?.type === 'identifier') this.setVar(inner.text, { origin: origin.origin, cleared: origin.cleared, whole: true });
    }
  }

  /** A condition that validates a tainted variable clears it for the rest of the function. */
  guard(condition: Node): void {
    walk(condition, (node) => {
      if (node.type !== 'call_expression') return true;
      const { call, qualified } = callInfo(this.facts, node);
      const { args, method, receiver } = call;
      const clear = (arg: Node | undefined, bits: number): void => {
        const taint = arg ? this.taintOf(arg) : undefined;
        if (!taint) return;
        for (const [name, value] of this.vars) if (value.origin === taint.origin) this.setVar(name, { ...value, cleared: value.cleared | bits });
      };
      if (qualified === 'strings.HasPrefix' || qualified === 'path/filepath.IsLocal' || qualified === 'path/filepath.HasPrefix') clear(args[0], BIT.path);
      else if (qualified === 'strings.Contains' && stringLiteral(args[1] ?? args[0] as Node)?.includes('..')) clear(args[0], BIT.path);
      else if (qualified === 'regexp.MatchString' && anchored(stringLiteral(args[0] ?? node) ?? '')) clear(args[1], ALL);
      else if (!qualified && method !== undefined && /^Match(String)?$/.test(method) && anchored(this.patternOf(receiver))) clear(args[0], ALL);
      else if (method === 'Hostname') clear(receiver, BIT.url);
      return true;
    });
    // `u.Host != "api.example.com"`, `allowedHosts[u.Host]`.
    walk(condition, (node) => {
      if (node.type === 'selector_expression' && field(node, 'field')?.text === 'Host') {
        const operand = field(node, 'operand');
        const taint = operand ? this.taintOf(operand) : undefined;
        if (taint) for (const [name, value] of this.vars) if (value.origin === taint.origin) this.setVar(name, { ...value, cleared: value.cleared | BIT.url });
      }
      return true;
    });
  }
}

/** The variables as a call saw them, for the matchers. */
class TaintView implements GoFunctionTaint {
  constructor(
    private readonly analysis: Analysis,
    private readonly version: number,
  ) {}

  taintOf(node: Node | undefined): GoTaint | undefined {
    return this.analysis.taintAt(node, this.version);
  }

  tainted(node: Node | undefined, kind: GoSinkKind): GoTaint | undefined {
    const taint = this.taintOf(node);
    return taint && (taint.cleared & BIT[kind]) === 0 ? taint : undefined;
  }
}

/** A call reached by a pass, with the variables' version at that point. */
interface PassCall {
  node: Node;
  info: CallInfo;
  version: number;
}

/** One taint pass over a function: what does not depend on a check's `match`, shared by every check. */
interface Pass {
  analysis: Analysis;
  calls: PassCall[];
}

/**
 * The passes a function gets: `wrapper` (its own data parameters are the sources), `handler` (the request
 * parameters it or a closure in it receives) and `ids` (the same in identifier mode, for BOLA).
 */
type PassMode = 'wrapper' | 'handler' | 'ids';

/**
 * The taint pass of one function in one mode, run once per tree whatever the number of checks: it
 * records each call with the version of the variables at that point, and each check's `match` is then
 * asked about the recorded calls (`matchPass`) as the pass would have asked it. Undefined for a handler
 * pass of a function that receives no request.
 */
function passOf(facts: FileFacts, fn: Node, mode: PassMode): Pass | undefined {
  const key = `${mode}:${fn.id}`;
  if (facts.passes.has(key)) return facts.passes.get(key);
  let pass: Pass | undefined;
  // Identifier mode differs only at numeric and UUID conversions: a function that calls none has the handler pass's taints.
  if (mode === 'ids' && !callsOf(facts, fn).some((info) => info.qualified !== undefined && CLEAN_ALL.test(info.qualified))) pass = passOf(facts, fn, 'handler');
  else pass = runPass(facts, fn, mode);
  facts.passes.set(key, pass);
  return pass;
}

function runPass(facts: FileFacts, fn: Node, mode: PassMode): Pass | undefined {
  const params = mode === 'wrapper' ? new Map<string, string>() : goRequestParams(fn, facts.imports);
  if (mode !== 'wrapper' && params.size === 0) return undefined;
  const analysis = new Analysis(facts, params, facts.source.tree.rootNode, mode === 'ids');
  // In the wrapper pass the function's own parameters are the sources.
  if (mode === 'wrapper') for (const [name, taint] of dataParameters(fn, facts.imports)) analysis.setVar(name, taint);
  const calls: PassCall[] = [];
  // The nodes a walk of the function (closures included) would visit, in the same order, read from the tree's per-type lists.
  let nodes = facts.passNodes.get(fn.id);
  if (!nodes) {
    nodes = descendantsOf(fn, PASS_TYPES);
    facts.passNodes.set(fn.id, nodes);
  }
  for (const node of nodes) {
    switch (node.type) {
      case 'short_var_declaration':
      case 'assignment_statement': {
        const left = field(node, 'left');
        const right = field(node, 'right');
        const operator = field(node, 'operator')?.text ?? '=';
        if (operator === '+=' && left) {
          const target = named(left)[0];
          const taint = right ? analysis.taintOf(named(right)[0]) : undefined;
          if (target?.type === 'identifier' && taint && !analysis.vars.has(target.text)) analysis.setVar(target.text, taint);
          break;
        }
        if (left && right) analysis.assign(named(left), named(right));
        break;
      }
      case 'var_spec': {
        const value = field(node, 'value');
        const names = node.childrenForFieldName('name').filter((child): child is Node => child !== null);
        if (value) analysis.assign(names, named(value));
        break;
      }
      case 'range_clause': {
        const left = field(node, 'left');
        const right = field(node, 'right');
        const taint = right ? analysis.taintOf(right) : undefined;
        // Keys of `url.Values` and elements of a bound slice are both request data.
        for (const target of left ? named(left) : []) if (taint && target.type === 'identifier' && target.text !== '_') analysis.setVar(target.text, taint);
        break;
      }
      case 'if_statement': {
        const initializer = field(node, 'initializer');
        if (initializer && (initializer.type === 'short_var_declaration' || initializer.type === 'assignment_statement')) {
          const left = field(initializer, 'left');
          const right = field(initializer, 'right');
          if (left && right) analysis.assign(named(left), named(right));
        }
        const condition = field(node, 'condition');
        if (condition) analysis.guard(condition);
        break;
      }
      case 'call_expression': {
        const info = callInfo(facts, node);
        analysis.fillsPointer(info);
        calls.push({ node, info, version: analysis.version });
        break;
      }
      default:
        break;
    }
  }
  return { analysis, calls };
}

/** Calls of one pass whose tainted arguments `match` picks, in document order; through a wrapper with `summaries`. */
function matchPass(pass: Pass, source: SourceFile, match: GoSinkMatch, out: GoSinkHit[], summaries?: ReadonlyMap<string, Summary>, kind?: GoSinkKind): void {
  for (const { node, info, version } of pass.calls) {
    const { call } = info;
    const view = new TaintView(pass.analysis, version);
    const { written } = call;
    const reached = match(call, view);
    const taint = reached?.map((arg) => view.taintOf(arg)).find((value) => value !== undefined);
    if (taint) {
      out.push({ source, call: node, written, origin: taint.origin });
      continue;
    }
    const summary = !info.qualified && info.name ? summaries?.get(info.name) : undefined;
    const passed = summary ? view.taintOf(call.args[summary.index]) : undefined;
    if (summary && passed && (passed.cleared & (kind ? BIT[kind] : ALL)) === 0) {
      out.push({ source, call: node, written, origin: passed.origin, via: { wrapper: written, sink: summary.sink, sinkWritten: summary.sinkWritten, source: summary.source } });
    }
  }
}

/** Every call in the Go sources (tests excluded) where request data reaches what `match` returns. */
export function goTaintedSinks(sources: readonly SourceFile[], match: GoSinkMatch, options: { ids?: boolean; kind?: GoSinkKind } = {}): GoSinkHit[] {
  const out: GoSinkHit[] = [];
  // Wrappers are followed for the injection sinks only (`kind`).
  const { summaries, reaching } = options.kind ? wrapperSummaries(sources, match) : { summaries: new Map<string, Summary>(), reaching: undefined };
  for (const source of sources) {
    if (source.language !== 'go' || source.file.endsWith('_test.go')) continue;
    const facts = factsOf(source);
    const reach = reaching?.get(source.tree);
    for (const { node: fn } of facts.functions) {
      // An injection sink's matcher only narrows by the taint: a function none of whose calls is a sink whatever the taint
      // (found by the wrapper pass) and that calls no wrapper has nothing for this pass to find.
      if (reach && !reach.has(fn.id) && !callsWrapper(facts, fn, summaries)) continue;
      const pass = passOf(facts, fn, options.ids === true ? 'ids' : 'handler');
      if (!pass) continue;
      const seen = new Set<number>();
      const hits: GoSinkHit[] = [];
      matchPass(pass, source, match, hits, summaries, options.kind);
      for (const hit of hits) {
        if (seen.has(hit.call.id)) continue;
        seen.add(hit.call.id);
        out.push(hit);
      }
    }
  }
  return out;
}

/**
 * Project functions (tests excluded) that pass one of their data parameters to a sink: by name,
 * kept only when every function of that name in the workspace does it with the same parameter.
 */
function wrapperSummaries(sources: readonly SourceFile[], match: GoSinkMatch): { summaries: Map<string, Summary>; reaching: Map<Tree, Set<number>> } {
  const byName = new Map<string, (Summary | undefined)[]>();
  /** The functions (by tree, by node id) where some call is a sink whatever the taint. */
  const reaching = new Map<Tree, Set<number>>();
  for (const source of sources) {
    if (source.language !== 'go' || source.file.endsWith('_test.go')) continue;
    const facts = factsOf(source);
    const reach = new Set<number>();
    reaching.set(source.tree, reach);
    for (const { node: fn, name } of facts.functions) {
      // Most functions call no sink at all: their pass could find nothing.
      const reaches = mayReachSink(facts, fn, match);
      if (reaches) reach.add(fn.id);
      if (!name) continue;
      const hits: GoSinkHit[] = [];
      const pass = reaches ? passOf(facts, fn, 'wrapper') : undefined;
      if (pass) matchPass(pass, source, match, hits);
      const hit = hits.find((candidate) => candidate.origin.startsWith(PARAM_ORIGIN));
      const list = byName.get(name) ?? [];
      list.push(hit ? { index: Number(hit.origin.slice(PARAM_ORIGIN.length)), sink: hit.call, sinkWritten: hit.written, source } : undefined);
      byName.set(name, list);
    }
  }
  const summaries = new Map<string, Summary>();
  for (const [name, list] of byName) {
    const [first] = list;
    if (first && list.every((summary) => summary?.index === first.index)) summaries.set(name, first);
  }
  return { summaries, reaching };
}

/** Whether a function (closures included) calls a project function by a wrapper's name, as the handler pass looks them up. */
function callsWrapper(facts: FileFacts, fn: Node, summaries: ReadonlyMap<string, Summary>): boolean {
  if (summaries.size === 0) return false;
  for (const info of callsOf(facts, fn)) if (!info.qualified && info.name && summaries.has(info.name)) return true;
  return false;
}

/** The checks ask whether a sink argument is tainted for their kind. */
export function taintedFor(taint: GoFunctionTaint, kind: GoSinkKind, args: (Node | undefined)[]): Node[] {
  return args.filter((arg): arg is Node => arg !== undefined && taint.tainted(arg, kind) !== undefined);
}

/** `Server.download` / `upload`: the Go function or method around a node. */
export function goFunctionName(node: Node): string {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.type === 'function_declaration') return field(current, 'name')?.text ?? '';
    if (current.type === 'method_declaration') {
      const receiver = field(current, 'receiver')?.text.replace(/^\(\s*\w*\s*\*?/, '').replace(/\)$/, '').trim() ?? '';
      return `${receiver}.${field(current, 'name')?.text ?? ''}`;
    }
  }
  return '';
}

/** Where to report a Go node: the shared site, keyed by the Go function so identical lines in two functions stay two findings. */
export function goSite(ctx: CheckContext, source: SourceFile, node: Node): ReturnType<typeof siteOf> {
  const site = siteOf(ctx, source, node);
  let endpointId = site.endpointId;
  // Go handlers are recorded by their first line: try the functions around the node.
  for (let current = parentOf(node); endpointId === undefined && current; current = parentOf(current)) {
    if (current.type === 'function_declaration' || current.type === 'method_declaration' || current.type === 'func_literal') {
      endpointId = endpointAt(ctx, source.file, current.startPosition.row + 1)?.id;
    }
  }
  const snippet = node.text.split('\n')[0]?.replace(/\s+/g, ' ').trim() ?? '';
  return { ...site, ...(endpointId === undefined ? {} : { endpointId }), key: `${goFunctionName(node)}\u0000${snippet}${endpointId === undefined ? '' : `\u0000${endpointId}`}` };
}
