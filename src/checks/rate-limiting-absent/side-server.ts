import type { Node } from 'web-tree-sitter';
import { nodesOfType, sourceByFile } from '../../analysis/code.js';
import { goRequestParams } from '../../analysis/go-taint.js';
import { callArgs } from '../../collectors/code/go/ast.js';
import { goProgram, type GoDecl, type GoFile, type GoProgram } from '../../collectors/code/go/program.js';
import type { CheckContext } from '../../engine/context.js';
import type { Endpoint } from '../../model/types.js';

/**
 * A side server: every handler of an application only redirects (HTTP to HTTPS), answers the ACME
 * http-01 challenge or serves a fixed page or static files (an upgrade notice, a maintenance page). It
 * runs no work a client could abuse, so it has no API to rate-limit. Read in Go, where such servers are
 * written with the standard library beside the real one (`http.Redirect`, `http.FileServer`,
 * autocert's `HTTPHandler`). Anything the reading does not know keeps the application an API.
 */

/** net/http functions that answer without work, or wrap a handler that must itself be trivial (the index of the wrapped handler). */
const HTTP_ANSWERS = new Set(['Redirect', 'Error', 'NotFound', 'StatusText', 'ServeFile', 'ServeFileFS', 'FS', 'Dir', 'CanonicalHeaderKey']);
const HTTP_HANDLERS = new Set(['RedirectHandler', 'NotFoundHandler', 'FileServer', 'FileServerFS']);
const HTTP_WRAPPERS: ReadonlyMap<string, number> = new Map([
  ['StripPrefix', 1],
  ['HandlerFunc', 0],
  ['TimeoutHandler', 0],
]);
/** Standard packages whose functions only compute a value (an URL, a string, a log line). */
const PURE_PACKAGES = new Set(['strings', 'fmt', 'net/url', 'strconv', 'path', 'path/filepath', 'errors', 'bytes', 'html', 'net', 'unicode/utf8', 'log', 'log/slog']);
/** Logging libraries: a call chain rooted at one writes a log line. */
const LOGGERS = /(?:^|\/)(?:lgr|logrus|zerolog|zap|log|slog)(?:\/v\d+)?$/;
const AUTOCERT = 'golang.org/x/crypto/acme/autocert';
/** Methods that read a value without effect (`baseURL.String()`, `err.Error()`). */
const ACCESSORS = new Set(['String', 'Error', 'Hostname', 'Port', 'EscapedPath', 'RequestURI', 'Redacted', 'IsAbs', 'Query', 'Encode']);
const BUILTINS = new Set(['string', 'len', 'cap', 'append', 'make', 'new', 'min', 'max']);
const MAX_DEPTH = 4;

class GoReader {
  private readonly program: GoProgram;
  private readonly verdicts = new Map<number, boolean>();

  constructor(private readonly ctx: CheckContext) {
    this.program = goProgram(ctx.sources);
  }

  file(path: string): GoFile | undefined {
    const source = sourceByFile(this.ctx, path);
    return source?.language === 'go' ? this.program.fileOfTree(source.tree) : undefined;
  }

  /** The package's function and methods of that name (the workspace's Go program: tests, vendor and testdata left out). */
  private declared(file: GoFile, name: string): GoDecl[] {
    const fn = file.pkg.funcs.get(name);
    return [...(fn ? [fn] : []), ...this.program.methodsNamed(name).filter((method) => method.file.pkg === file.pkg)];
  }

  /** A handler expression that only redirects, answers ACME or serves fixed content. */
  handler(file: GoFile, node: Node, depth: number): boolean {
    if (depth > MAX_DEPTH) return false;
    switch (node.type) {
      case 'parenthesized_expression':
        return node.namedChildren[0] ? this.handler(file, node.namedChildren[0], depth) : false;
      case 'nil':
        return true;
      case 'func_literal':
        return this.body(file, node, depth);
      case 'identifier': {
        const found = this.declared(file, node.text);
        return found.length > 0 && found.every((entry) => this.body(entry.file, entry.node, depth + 1));
      }
      case 'selector_expression': {
        // `s.handleRedirect`: a method value of the package.
        const name = node.childForFieldName('field')?.text;
        const found = name ? this.declared(file, name).filter((entry) => entry.node.type === 'method_declaration') : [];
        return found.length > 0 && found.every((entry) => this.body(entry.file, entry.node, depth + 1));
      }
      case 'call_expression':
        return this.handlerCall(file, node, depth);
      default:
        return false;
    }
  }

  private handlerCall(file: GoFile, call: Node, depth: number): boolean {
    const fn = call.childForFieldName('function');
    const args = callArgs(call);
    if (fn?.type === 'selector_expression') {
      const operand = fn.childForFieldName('operand');
      const name = fn.childForFieldName('field')?.text ?? '';
      const imported = operand?.type === 'identifier' ? file.imports.get(operand.text) : undefined;
      if (imported === 'net/http') {
        if (HTTP_HANDLERS.has(name)) return true;
        const wrapped = HTTP_WRAPPERS.get(name);
        const inner = wrapped === undefined ? undefined : args[wrapped];
        return inner !== undefined && this.handler(file, inner, depth + 1);
      }
      // autocert's `m.HTTPHandler(fallback)`: the ACME http-01 token, else the fallback (nil: a redirect to HTTPS).
      if (imported === undefined && name === 'HTTPHandler' && [...file.imports.values()].includes(AUTOCERT)) {
        const [fallback] = args;
        return args.length === 1 && fallback !== undefined && this.handler(file, fallback, depth + 1);
      }
      if (imported !== undefined) return false;
    }
    // `s.redirectHandler()`: a function or a method (on a plain receiver) of the package that returns the handler.
    const receiver = fn?.type === 'selector_expression' ? fn.childForFieldName('operand') : undefined;
    const name = fn?.type === 'identifier' ? fn.text : receiver?.type === 'identifier' ? fn?.childForFieldName('field')?.text : undefined;
    const found = name ? this.declared(file, name) : [];
    return found.length > 0 && found.every((entry) => this.returnsHandler(entry.file, entry.node, depth + 1));
  }

  private returnsHandler(file: GoFile, fn: Node, depth: number): boolean {
    const body = fn.childForFieldName('body');
    if (!body) return false;
    const returned = body.descendantsOfType('return_statement').filter((statement): statement is Node => statement !== null && enclosingFunction(statement)?.id === fn.id);
    const values = returned.map((statement) => statement.namedChildren[0]?.namedChildren[0] ?? null);
    return values.length > 0 && values.every((value) => value !== null && this.handler(file, value, depth));
  }

  /**
   * A function (literal or declared) that only redirects or answers with a fixed page: its calls answer the
   * request, read it, compute strings or log, and what it writes to the response does not come from the request
   * (an echo is an API). A framework's context (`c *gin.Context`) may only redirect (`c.Redirect`) or be read
   * through `c.Request`: its other methods are how its APIs answer.
   */
  private body(file: GoFile, fn: Node, depth: number): boolean {
    const cached = this.verdicts.get(fn.id);
    if (cached !== undefined) return cached;
    this.verdicts.set(fn.id, false);
    const body = fn.childForFieldName('body');
    const params = goRequestParams(fn, file.imports);
    const names: Names = { writers: new Set(), requests: new Set(), contexts: new Set() };
    for (const [name, framework] of params) (framework === 'http' ? names.requests : names.contexts).add(name);
    for (const scope of [fn, ...(body?.descendantsOfType('func_literal') ?? [])]) {
      for (const parameter of scope?.childForFieldName('parameters')?.namedChildren ?? []) {
        const type = parameter?.childForFieldName('type')?.text.replace(/\s/g, '') ?? '';
        if (!/^\w+\.ResponseWriter$/.test(type)) continue;
        for (const name of parameter?.childrenForFieldName('name') ?? []) if (name) names.writers.add(name.text);
      }
    }
    const calls = body ? body.descendantsOfType('call_expression').filter((call): call is Node => call !== null) : [];
    const derived = body ? requestDerived(body, new Set([...names.requests, ...names.contexts])) : new Set<string>();
    const verdict = body !== null && calls.every((call) => this.allowedCall(file, call, names, depth) && !writesRequestData(file, call, names, derived));
    this.verdicts.set(fn.id, verdict);
    return verdict;
  }

  private allowedCall(file: GoFile, call: Node, names: Names, depth: number): boolean {
    const fn = call.childForFieldName('function');
    if (!fn) return false;
    if (fn.type === 'identifier') {
      if (BUILTINS.has(fn.text)) return true;
      const found = this.declared(file, fn.text).filter((entry) => entry.node.type === 'function_declaration');
      return depth < MAX_DEPTH && found.length > 0 && found.every((entry) => this.body(entry.file, entry.node, depth + 1));
    }
    if (fn.type === 'parenthesized_expression' || fn.type.endsWith('_type')) return true;
    if (fn.type !== 'selector_expression') return false;
    const name = fn.childForFieldName('field')?.text ?? '';
    const root = rootOf(fn);
    const imported = root?.type === 'identifier' ? file.imports.get(root.text) : undefined;
    const operand = fn.childForFieldName('operand');
    if (imported !== undefined && operand?.type === 'identifier') {
      if (imported === 'net/http') return HTTP_ANSWERS.has(name);
      if (PURE_PACKAGES.has(imported) || LOGGERS.test(imported)) return true;
      return false;
    }
    // `log.Warn().Msg(...)`: a chain rooted at a logger.
    if (imported !== undefined) return LOGGERS.test(imported) && imported !== 'net/http';
    // `w.Header().Set(...)`, `r.URL.Query().Get(...)`: answering or reading the request.
    if (root?.type === 'identifier' && (names.writers.has(root.text) || names.requests.has(root.text))) return true;
    if (root?.type === 'identifier' && names.contexts.has(root.text)) return (operand?.type === 'identifier' && name === 'Redirect') || firstStep(fn) === 'Request';
    if (ACCESSORS.has(name)) return true;
    // `s.redirectURL(r)`: a method of the package, on a plain receiver, that itself does no work.
    if (operand?.type !== 'identifier') return false;
    const found = this.declared(file, name).filter((entry) => entry.node.type === 'method_declaration');
    return depth < MAX_DEPTH && found.length > 0 && found.every((entry) => this.body(entry.file, entry.node, depth + 1));
  }
}

interface Names {
  /** `w http.ResponseWriter`. */
  writers: Set<string>;
  /** `r *http.Request`. */
  requests: Set<string>;
  /** A framework's request context (`c *gin.Context`, `c echo.Context`). */
  contexts: Set<string>;
}

/** The field or method right after a chain's root (`Request` in `c.Request.URL.RequestURI`). */
function firstStep(node: Node): string | undefined {
  let current: Node | null = node;
  let step: string | undefined;
  for (let steps = 0; current && steps < 16; steps++) {
    if (current.type === 'identifier') return step;
    if (current.type === 'selector_expression') {
      step = current.childForFieldName('field')?.text;
      current = current.childForFieldName('operand');
    } else if (current.type === 'call_expression') current = current.childForFieldName('function');
    else return undefined;
  }
  return undefined;
}

function mentions(node: Node, names: ReadonlySet<string>): boolean {
  if (names.size === 0) return false;
  if (node.type === 'identifier') return names.has(node.text);
  return node.descendantsOfType('identifier').some((identifier) => identifier !== null && names.has(identifier.text));
}

/** The request's names and the locals assigned from them (`target := r.URL.Query().Get("next")`), to a fixed point. */
function requestDerived(body: Node, request: ReadonlySet<string>): Set<string> {
  const derived = new Set(request);
  const assignments = body.descendantsOfType(['short_var_declaration', 'assignment_statement', 'var_spec']).filter((node): node is Node => node !== null);
  for (let changed = true, rounds = 0; changed && rounds < 8; rounds++) {
    changed = false;
    for (const assignment of assignments) {
      const right = assignment.childForFieldName(assignment.type === 'var_spec' ? 'value' : 'right');
      const left = assignment.type === 'var_spec' ? assignment.childrenForFieldName('name') : (assignment.childForFieldName('left')?.namedChildren ?? []);
      if (!right || !mentions(right, derived)) continue;
      for (const name of left) {
        if (name?.type !== 'identifier' || derived.has(name.text)) continue;
        derived.add(name.text);
        changed = true;
      }
    }
  }
  return derived;
}

/** `w.Write(body)`, `fmt.Fprintf(w, …)` with something read from the request: an answer made of the request. */
function writesRequestData(file: GoFile, call: Node, names: Names, derived: ReadonlySet<string>): boolean {
  const fn = call.childForFieldName('function');
  const args = callArgs(call);
  if (fn?.type !== 'selector_expression') return false;
  const operand = fn.childForFieldName('operand');
  // The body, not a header: `w.Header().Set("Location", …)` is how a redirect is written by hand.
  const toWriter = operand?.type === 'identifier' && names.writers.has(operand.text) && /^Write(?:String)?$/.test(fn.childForFieldName('field')?.text ?? '');
  const printed = operand?.type === 'identifier' && file.imports.get(operand.text) === 'fmt' && /^Fprint/.test(fn.childForFieldName('field')?.text ?? '') && args[0] !== undefined && mentions(args[0], names.writers);
  return (toWriter || printed) && args.some((arg) => mentions(arg, derived));
}

/** The identifier a selector or call chain starts from (`w` in `w.Header().Set`). */
function rootOf(node: Node): Node | undefined {
  let current: Node | null = node;
  for (let steps = 0; current && steps < 16; steps++) {
    if (current.type === 'identifier') return current;
    if (current.type === 'selector_expression') current = current.childForFieldName('operand');
    else if (current.type === 'call_expression') current = current.childForFieldName('function');
    else if (current.type === 'index_expression') current = current.childForFieldName('operand');
    else return undefined;
  }
  return undefined;
}

function enclosingFunction(node: Node): Node | undefined {
  for (let current = node.parent; current; current = current.parent) {
    if (current.type === 'func_literal' || current.type === 'function_declaration' || current.type === 'method_declaration') return current;
  }
  return undefined;
}

/** The registration call written at a route's line (`mux.HandleFunc("/", h)`, `r.With(mw).Get("/", h)`): the outermost call starting there. */
function registrationAt(file: GoFile, line: number): Node | undefined {
  let best: Node | undefined;
  for (const call of nodesOfType(file.source, 'call_expression')) {
    if (call.startPosition.row !== line - 1) continue;
    if (!best || call.endIndex - call.startIndex > best.endIndex - best.startIndex) best = call;
  }
  return best;
}

/** Whether every route of an application is registered with a handler that only redirects, answers ACME or serves fixed content. */
export function isSideServer(ctx: CheckContext, endpoints: readonly Endpoint[]): boolean {
  const reader = new GoReader(ctx);
  const sites = endpoints.flatMap((endpoint) => endpoint.sources.filter((source) => source.kind === 'code').map((source) => source.location));
  if (sites.length === 0 || !sites.every((site) => site.file.endsWith('.go'))) return false;
  return sites.every((site) => {
    const file = reader.file(site.file);
    const call = file ? registrationAt(file, site.line) : undefined;
    const args = call ? callArgs(call) : [];
    const handler = args[args.length - 1];
    return file !== undefined && handler !== undefined && args.length >= 2 && reader.handler(file, handler, 0);
  });
}
