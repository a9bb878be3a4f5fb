import type { Node } from 'web-tree-sitter';
import type { CheckContext, SourceFile } from '../engine/context.js';
import type { Endpoint } from '../model/types.js';
import { enclosingFunction, factsOf, qualify, stringValue } from './code.js';
import { endpointAt } from './endpoints.js';
import { charge } from '../parsing/budget.js';
import { parentOf } from '../parsing/tree-index.js';
import { lookupTable } from './lookup.js';
import { parametersListedBy, requestSourceProviders } from '../collectors/code/plugins.js';
import type { RequestSourceProvider } from '../collectors/code/plugin.js';

/**
 * Intra-procedural taint approximation over the syntax tree, shared by the injection checks.
 *
 * One forward pass over a function (and the closures inside it) in document order:
 * - sources: request data (`req.body`, `ctx.request.body`, `request.args`, `request.get_json()`,
 *   Django `request.GET`, Nest `@Body()` parameters, FastAPI/Flask/Django handler parameters the
 *   collectors list), or the function's own parameters (`parameters` mode, used for one-level
 *   wrapper summaries), or a caller-supplied source (`response` mode: outbound HTTP responses);
 * - propagation through assignments, destructuring, f-strings, `%`, `.format`, `+`, template
 *   literals, `.join`, `str()`/`String()`, attribute/index access, methods called on tainted values,
 *   `push`/`append` into a collection, `+=`, loops over tainted collections and callbacks of
 *   methods called on them;
 * - sanitisers per sink kind (`int()`/`Number()`, `basename`/`secure_filename`, `shlex.quote`,
 *   escaping helpers, string casts for NoSQL), and guards that clear a variable for the rest of the
 *   function (allowlist membership, anchored regular expressions, `isdigit`, `startswith` for paths).
 *
 * Limits, on purpose: no control flow (a guard clears a variable for everything after it whether or
 * not it exits; a variable tainted in a loop body is not seen by uses earlier in the loop); no
 * aliasing through object fields (`self.x = tainted`); unknown function calls do not propagate
 * (so `get_user(id).name` is clean); calls across functions are only followed one level, by the
 * checks, through `parameters` summaries.
 */

export type SinkKind = 'sql' | 'nosql' | 'command' | 'path' | 'url' | 'xml';
const BIT: Record<SinkKind, number> = { sql: 1, nosql: 2, command: 4, path: 8, url: 16, xml: 32 };
const ALL = 63;

export interface Taint {
  /** Where the data comes from, as written: `req.body.url`, `request.args`, `parameter values`. */
  origin: string;
  /** Bit set of sink kinds for which the value has been made safe. */
  cleared: number;
  /** Parameter indexes the value derives from (`parameters` mode). */
  params?: number[];
  /** Of `params`, those reached only through the parameter's keys. */
  keyParams?: number[];
  /** The value reaches here only through the keys of a tainted object (`Object.keys`, `.items()`). */
  viaKeys?: boolean;
  /** An object literal whose keys are fixed and only values are tainted. */
  fixedKeys?: boolean;
  /** A file object the upload parser itself filled in (`req.file`, `ctx.request.files.avatar`), not request JSON. */
  upload?: boolean;
}

export type TaintMode = 'request' | 'parameters' | 'response';

export interface FunctionTaint {
  readonly fn: Node;
  /** The taint of an expression node inside the function, if any. */
  taintOf(node: Node | null | undefined): Taint | undefined;
  /** True when the node carries taint not cleared for `kind`. */
  isTainted(node: Node | null | undefined, kind?: SinkKind): boolean;
  /** Ids of every tainted expression node. */
  taintedIds(): ReadonlySet<number>;
}

/** Gives a taint for a node that is itself a source (used by `response` mode). */
export type SourcePredicate = (source: SourceFile, node: Node) => string | undefined;

export function clearedFor(taint: Taint | undefined, kind: SinkKind): boolean {
  return taint === undefined || (taint.cleared & BIT[kind]) !== 0;
}

/** The request in a JS handler whatever the framework (Express-style `req`, a serverless `event`), beside the providers' bases. */
const JS_BASES = ['req', 'request', 'event', 'context.req', 'context.request'];
const PY_BASES = ['request', 'req'];
// Attributes of a request that carry client data whatever the framework; `true` marks values that are always strings.
const JS_ATTRS: Record<string, boolean> = {
  body: false, query: false, params: true, headers: true, cookies: true, url: true, path: true, rawBody: true,
  json: false, text: true, formData: false,
  queryStringParameters: true, pathParameters: true, multiValueQueryStringParameters: false,
};
const PY_ATTRS: Record<string, boolean> = { headers: true, cookies: true };

interface RequestTables {
  bases: Record<'js' | 'python', ReadonlySet<string>>;
  attributes: Record<'js' | 'python', Readonly<Record<string, boolean>>>;
  /** The only attributes of a base that are the request's. */
  only: ReadonlyMap<string, ReadonlySet<string>>;
  /** Modules a request base may be imported from. */
  modules: RegExp;
  flatQuery: NonNullable<RequestSourceProvider['flatQuery']>[];
}

let requestTables: RequestTables | undefined;

/** The generic request shapes joined with the frameworks' (RequestSourceProvider in the plugin contract). */
function requestShapes(): RequestTables {
  if (!requestTables) {
    const providers = requestSourceProviders();
    const of = (family: 'js' | 'python'): RequestSourceProvider[] => providers.filter((provider) => provider.family === family);
    const attributes = (family: 'js' | 'python', generic: Record<string, boolean>): Readonly<Record<string, boolean>> =>
      lookupTable(Object.assign({}, generic, ...of(family).map((provider) => provider.attributes ?? {})) as Record<string, boolean>);
    const only = new Map<string, ReadonlySet<string>>();
    for (const provider of providers) for (const [base, names] of Object.entries(provider.only ?? {})) only.set(base, new Set(names));
    const modules = providers.flatMap((provider) => provider.modules ?? []);
    requestTables = {
      bases: {
        js: new Set([...JS_BASES, ...of('js').flatMap((provider) => provider.bases ?? [])]),
        python: new Set([...PY_BASES, ...of('python').flatMap((provider) => provider.bases ?? [])]),
      },
      attributes: { js: attributes('js', JS_ATTRS), python: attributes('python', PY_ATTRS) },
      only,
      modules: new RegExp(String.raw`^(${modules.length > 0 ? modules.join('|') : '(?!)'})(\.|$)`),
      flatQuery: providers.flatMap((provider) => (provider.flatQuery ? [provider.flatQuery] : [])),
    };
  }
  return requestTables;
}

/** Python handler parameters typed as a database handle a dependency injects (SQLAlchemy's `Session`, databases' `Database`), beside the frameworks' injected types. */
const PY_INJECTED_TYPES = ['Session', 'AsyncSession', 'Connection', 'Database'];

interface ParameterTables {
  /** A JS parameter decorator that binds request data or injects the request. */
  decorator: RegExp;
  /** A JS parameter decorator that injects the request itself. */
  requestDecorator: RegExp;
  /** A pipe that turns a decorated value into a scalar. */
  scalarPipe: RegExp;
  /** A call in a Python parameter's default or annotation that injects a dependency. */
  injection: RegExp;
  /** A Python parameter type that is injected, not request data. */
  injectedType: RegExp;
  /** The frameworks whose collector lists every request parameter of a handler. */
  listedBy: ReadonlySet<string>;
}

let parameterTables: ParameterTables | undefined;

/** How the frameworks bind handler parameters (`parameters` of their `request` sections), joined once. */
function parameterShapes(): ParameterTables {
  if (!parameterTables) {
    const sections = requestSourceProviders().flatMap((provider) => (provider.parameters ? [provider.parameters] : []));
    const names = (pick: (section: NonNullable<RequestSourceProvider['parameters']>) => readonly string[] | undefined): string => {
      const all = sections.flatMap((section) => pick(section) ?? []);
      return all.length > 0 ? all.join('|') : '(?!)';
    };
    parameterTables = {
      decorator: new RegExp(String.raw`^@(${names((section) => [...(section.decorators ?? []), ...(section.requestDecorators ?? [])])})\b`),
      requestDecorator: new RegExp(String.raw`^@(${names((section) => section.requestDecorators)})\b`),
      scalarPipe: new RegExp(names((section) => section.scalarPipes)),
      injection: new RegExp(String.raw`\b(${names((section) => section.injections)})\(`),
      injectedType: new RegExp(String.raw`^(${[...PY_INJECTED_TYPES, ...sections.flatMap((section) => section.injectedTypes ?? [])].join('|')})$`),
      listedBy: parametersListedBy(),
    };
  }
  return parameterTables;
}

const SAFE_TYPES = /^(int|float|bool|UUID|uuid\.UUID|datetime|date|time|Decimal|PositiveInt|NonNegativeInt|conint|confloat|number|boolean|bigint|StrictInt|StrictBool)$/;

/** Calls that return a value safe for every sink. */
const CLEAR_ALL = /^(int|float|bool|len|abs|round|uuid\.UUID|UUID|Number|parseInt|parseFloat|Boolean|Math\.\w+|Number\.parseInt|Number\.parseFloat|BigInt|hash|isinstance|callable)$/;
/** Calls (qualified, or last segment) that clear some kinds and pass the rest. */
const SANITISERS: { pattern: RegExp; kinds: SinkKind[] }[] = [
  { pattern: /(^|\.)(basename|secure_filename)$|^sanitize-filename$|^path\.basename$/, kinds: ['path', 'command', 'url'] },
  { pattern: /^(shlex|pipes)\.quote$|^shell-quote\.quote$|^shell-escape$|(^|\.)shellEscape$/, kinds: ['command'] },
  {
    pattern: /(^|\.)(escape|escapeId|escapeLiteral|escapeIdentifier|escape_string|quote_ident)$|^(sqlstring|mysql2?|mysql2\/promise)\.(format)$|^pg-format(\.(ident|literal))?$/,
    kinds: ['sql', 'nosql'],
  },
  { pattern: /^(mongo-sanitize|express-mongo-sanitize\.sanitize)$|(^|\.)sanitizeFilter$/, kinds: ['nosql'] },
  { pattern: /^(str|String|repr|encodeURIComponent|urllib\.parse\.quote|quote|escape_uri)$/, kinds: ['nosql'] },
];
/** Functions whose result carries the taint of their arguments. */
const PASSTHROUGH =
  /^(str|repr|format|sqlalchemy\.text|sqlalchemy\.sql\.text|sqlalchemy\.sql\.expression\.text|text|os\.path\.(join|abspath|normpath|realpath|expanduser|expandvars)|pathlib\.Path|pathlib\.PurePath|Path|urllib\.parse\.(urljoin|unquote|unquote_plus|urlparse|urlsplit)|urljoin|urlparse|json\.loads|base64\.b64decode|bytes|dict|list|tuple|sorted|reversed|String|path\.(join|resolve|normalize)|node:path\.(join|resolve|normalize)|url\.resolve|url\.parse|JSON\.parse|decodeURIComponent|decodeURI|Buffer\.from|Object\.(assign|values|fromEntries)|Array\.from|util\.format|node:util\.format|URL|URLSearchParams|sprintf|vsprintf)$/;
const KEY_FUNCTIONS = /^Object\.(keys|entries)$/;
const KEY_METHODS = new Set(['keys', 'items', 'entries']);
/** Methods whose result is a boolean or a number, whatever the receiver. */
const SCALAR_METHODS = new Set([
  'test', 'includes', 'startsWith', 'endsWith', 'has', 'indexOf', 'lastIndexOf', 'isdigit', 'isalnum', 'isnumeric',
  'isdecimal', 'isalpha', 'startswith', 'endswith', 'count', 'index', 'toFixed', 'localeCompare', 'every', 'some',
  'is_private', 'is_relative_to', 'exists', 'is_file', 'is_dir', 'isFile', 'isDirectory',
]);
const COLLECTING_METHODS = new Set(['push', 'append', 'extend', 'add', 'unshift', 'insert', 'update']);
const STRING_BUILDING_METHODS = new Set(['join', 'format', 'concat', 'replace', 'replaceAll', 'format_map', 'sprintf']);
const NUMERIC_PROPS = new Set(['length', 'size', 'byteLength']);
const VALIDATING_CALL =
  /(^|\.)(parse|safeParse|parseAsync|safeParseAsync|model_validate|model_validate_json|parse_obj|parse_raw|validate_python|validate_json|validateSync|validateAsync|is_valid|plainToInstance|plainToClass)$/;

function bits(kinds: readonly SinkKind[]): number {
  return kinds.reduce((acc, kind) => acc | BIT[kind], 0);
}

function merge(taints: readonly (Taint | undefined)[]): Taint | undefined {
  const present = taints.filter((taint): taint is Taint => taint !== undefined);
  const first = present[0];
  if (!first) return undefined;
  if (present.length === 1) return first;
  const params = [...new Set(present.flatMap((taint) => taint.params ?? []))];
  const keyParams = params.filter((param) =>
    present.every((taint) => !(taint.params ?? []).includes(param) || (taint.keyParams ?? []).includes(param)),
  );
  const strongest = present.find((taint) => taint.viaKeys !== true) ?? first;
  return {
    origin: strongest.origin,
    cleared: present.reduce((acc, taint) => acc & taint.cleared, ALL),
    ...(params.length > 0 ? { params } : {}),
    ...(keyParams.length > 0 ? { keyParams } : {}),
    ...(present.every((taint) => taint.viaKeys === true) ? { viaKeys: true } : {}),
  };
}

function withCleared(taint: Taint | undefined, cleared: number): Taint | undefined {
  if (!taint) return undefined;
  const next = taint.cleared | cleared;
  if (next === ALL) return undefined;
  return { ...taint, cleared: next };
}

function derive(taint: Taint | undefined, origin?: string): Taint | undefined {
  if (!taint) return undefined;
  const rest: Taint = { ...taint };
  delete rest.fixedKeys;
  return origin !== undefined && origin.length <= 60 && origin.startsWith(taint.origin) ? { ...rest, origin } : rest;
}

function keysOf(taint: Taint | undefined, origin?: string): Taint | undefined {
  if (!taint || taint.fixedKeys === true) return undefined;
  const derived = derive(taint, origin);
  return derived ? { ...derived, viaKeys: true, ...(derived.params ? { keyParams: derived.params } : {}) } : undefined;
}

/** The outermost function around a node: the unit a taint pass covers (closures included). */
export function rootFunction(node: Node): Node | undefined {
  let fn = enclosingFunction(node);
  for (let outer = fn ? enclosingFunction(fn) : undefined; outer; outer = enclosingFunction(outer)) fn = outer;
  return fn;
}

/** A literal prefix that pins scheme and host (`https://api.example.com/…`) or a relative path. */
function pinsHost(prefix: string | undefined): boolean {
  if (prefix === undefined) return false;
  return /^[a-z][a-z0-9+.-]*:\/\/[^/?#{}$%]+[/?#]/i.test(prefix) || /^\/(?!\/)/.test(prefix);
}

function leadingLiteral(node: Node): string | undefined {
  switch (node.type) {
    case 'template_string': {
      const first = node.namedChildren[0];
      return first?.type === 'string_fragment' ? first.text : first === null || first === undefined ? node.text.slice(1, -1) : '';
    }
    case 'string': {
      let out = '';
      for (const child of node.namedChildren) {
        if (!child) continue;
        if (child.type === 'interpolation') return out;
        if (child.type === 'string_content') out += child.text;
      }
      return out;
    }
    case 'binary_expression':
    case 'binary_operator': {
      const left = node.childForFieldName('left');
      return left ? (stringValue(left) ?? leadingLiteral(left)) : undefined;
    }
    default:
      return stringValue(node);
  }
}

function paramName(param: Node): Node | undefined {
  switch (param.type) {
    case 'identifier':
      return param;
    case 'typed_parameter':
      return param.namedChildren.find((child) => child?.type === 'identifier') ?? undefined;
    case 'default_parameter':
    case 'typed_default_parameter':
      return param.childForFieldName('name') ?? undefined;
    case 'required_parameter':
    case 'optional_parameter':
      return param.childForFieldName('pattern') ?? undefined;
    case 'assignment_pattern':
      return param.childForFieldName('left') ?? undefined;
    default:
      return undefined;
  }
}

function paramsOf(fn: Node): Node[] {
  const list = fn.childForFieldName('parameters') ?? fn.childForFieldName('parameter');
  if (!list) return [];
  if (list.type === 'identifier') return [list];
  return list.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

function typeOfParam(param: Node): string {
  const type = param.childForFieldName('type');
  return (type?.text ?? '').replace(/^:\s*/, '').trim();
}

const UPLOAD_TEMP_PATHS = new Set(['path', 'filepath', 'tempFilePath']);

class Walker {
  readonly env = new Map<string, Taint | undefined>();
  readonly out = new Map<number, Taint>();
  readonly bases: Set<string>;
  private readonly py: boolean;
  private readonly imports: ReadonlyMap<string, string>;

  constructor(
    private readonly ctx: CheckContext,
    private readonly source: SourceFile,
    private readonly mode: TaintMode,
    private readonly extra: SourcePredicate | undefined,
  ) {
    this.py = source.language === 'python';
    this.bases = new Set(requestShapes().bases[this.py ? 'python' : 'js']);
    this.imports = factsOf(source).imports;
  }

  run(fn: Node): void {
    this.enterFunction(fn, true, undefined);
  }

  private record(node: Node, taint: Taint | undefined): Taint | undefined {
    if (taint) this.out.set(node.id, taint);
    return taint;
  }

  private handlerOf(fn: Node): Endpoint | undefined {
    if (this.mode !== 'request') return undefined;
    const defLine = fn.startPosition.row + 1;
    const fnParent = parentOf(fn);
    const start = fnParent?.type === 'decorated_definition' ? fnParent.startPosition.row + 1 : defLine;
    const endpoint = endpointAt(this.ctx, this.source.file, defLine);
    const line = endpoint?.handler?.line;
    if (line !== undefined && line >= start && line <= defLine) return endpoint;
    const name = fn.childForFieldName('name')?.text ?? '';
    const inClass = parentOf(parentOf(fn))?.type === 'class_definition' || parentOf(parentOf(parentOf(fn)))?.type === 'class_definition';
    return endpoint && this.py && inClass && /^(get|post|put|patch|delete|create|update|partial_update|destroy|list|retrieve)$/.test(name) ? endpoint : undefined;
  }

  private enterFunction(fn: Node, root: boolean, callbackTaint: Taint | undefined): void {
    const params = paramsOf(fn);
    const shadowed: [string, Taint | undefined, boolean][] = [];
    const bind = (name: string, taint: Taint | undefined): void => {
      shadowed.push([name, this.env.get(name), this.env.has(name)]);
      this.env.set(name, taint);
    };
    const endpoint = this.handlerOf(fn);
    for (const [index, param] of params.entries()) {
      const nameNode = paramName(param);
      const name = nameNode?.type === 'identifier' ? nameNode.text : undefined;
      if (this.mode === 'parameters' && root) {
        if (name) bind(name, { origin: name, cleared: 0, params: [index] });
        else if (nameNode) this.bindPattern(nameNode, { origin: `parameter ${index + 1}`, cleared: 0, params: [index] });
        continue;
      }
      if (callbackTaint && index === 0 && nameNode) {
        if (name) bind(name, callbackTaint);
        else this.bindPattern(nameNode, callbackTaint);
        continue;
      }
      const taint = name ? this.parameterSource(fn, param, name, index, endpoint) : undefined;
      if (name) bind(name, taint);
    }
    const body = fn.childForFieldName('body');
    if (body) {
      if (fn.type === 'arrow_function' && body.type !== 'statement_block') this.expr(body);
      else if (fn.type === 'lambda') this.expr(body);
      else this.statements(body);
    }
    if (!root) {
      for (const [name, previous, had] of shadowed.reverse()) {
        if (had) this.env.set(name, previous);
        else this.env.delete(name);
      }
    }
  }

  private parameterSource(fn: Node, param: Node, name: string, index: number, endpoint: Endpoint | undefined): Taint | undefined {
    if (this.mode !== 'request') return undefined;
    if (!this.py) {
      const decorators = param.namedChildren.filter((child) => child?.type === 'decorator').map((child) => child?.text ?? '');
      const shapes = parameterShapes();
      const decorator = decorators.find((text) => shapes.decorator.test(text));
      if (decorator) {
        if (shapes.requestDecorator.test(decorator)) {
          this.bases.add(name);
          return undefined;
        }
        if (shapes.scalarPipe.test(decorator)) return undefined;
        const type = typeOfParam(param);
        if (SAFE_TYPES.test(type)) return undefined;
        const typed = /^[A-Z]\w*$/.test(type) && !/^(Record|Object|String|Array)$/.test(type);
        return { origin: decorator.replace(/\s+/g, ''), cleared: typed ? BIT.nosql : 0 };
      }
      if (endpoint && index === 0 && !this.bases.has(name)) this.bases.add(name);
      return undefined;
    }
    if (!endpoint || name === 'self' || name === 'cls') return undefined;
    if (name === 'request' || name === 'req') return undefined;
    const type = typeOfParam(param).replace(/^Annotated\[\s*/, '').split(/[[,|\s]/)[0] ?? '';
    const value = param.childForFieldName('value')?.text ?? '';
    const shapes = parameterShapes();
    if (shapes.injection.test(value) || shapes.injection.test(typeOfParam(param))) return undefined;
    if (shapes.injectedType.test(type)) return undefined;
    const listed = endpoint.parameters.find((parameter) => parameter.name === name);
    const declared = listed?.type ?? type;
    if (SAFE_TYPES.test(declared) || SAFE_TYPES.test(type)) return undefined;
    if (endpoint.parameters.length > 0 && !listed && parentOf(fn)?.type !== 'class_definition' && endpoint.sources.some((source) => shapes.listedBy.has(source.via))) return undefined;
    const model = /^[A-Z]\w*$/.test(type) && !/^(Any|Dict|List|Json)$/.test(type);
    return { origin: name, cleared: model || type === 'str' ? BIT.nosql : 0 };
  }

  private statements(node: Node): void {
    for (const child of node.namedChildren) if (child) this.expr(child);
  }

  private requestSource(node: Node): Taint | undefined {
    if (this.mode !== 'request') return undefined;
    const object = node.childForFieldName(node.type === 'attribute' ? 'object' : 'object');
    const property = node.childForFieldName(node.type === 'attribute' ? 'attribute' : 'property')?.text;
    if (!object || property === undefined) return undefined;
    const base = object.text;
    if (!this.bases.has(base)) return undefined;
    const imported = this.imports.get(base.split('.')[0] ?? base);
    const shapes = requestShapes();
    if (imported !== undefined && !shapes.modules.test(imported)) return undefined;
    if (this.py) {
      const strings = shapes.attributes.python[property];
      if (strings === undefined) return undefined;
      return { origin: node.text, cleared: strings ? BIT.nosql : 0 };
    }
    const only = shapes.only.get(base);
    if (only && !only.has(property)) return undefined;
    // A flat query parser gives strings or arrays of strings, never objects that could carry `$ne`.
    if (property === 'query' && shapes.flatQuery.some((flat) => flat.bases.includes(base) && flat.flat(this.ctx))) return { origin: node.text, cleared: BIT.nosql };
    const strings = shapes.attributes.js[property];
    if (strings === undefined) return undefined;
    return { origin: node.text, cleared: strings ? BIT.nosql : 0 };
  }

  private bindPattern(pattern: Node, taint: Taint | undefined): void {
    switch (pattern.type) {
      case 'identifier':
        this.env.set(pattern.text, taint);
        return;
      case 'shorthand_property_identifier_pattern':
        this.env.set(pattern.text, taint ? derive(taint, `${taint.origin}.${pattern.text}`) : undefined);
        return;
      case 'object_pattern':
        for (const part of pattern.namedChildren) {
          if (!part) continue;
          if (part.type === 'pair_pattern') {
            const value = part.childForFieldName('value');
            const key = part.childForFieldName('key')?.text ?? '';
            if (value?.type === 'identifier') this.env.set(value.text, taint ? derive(taint, `${taint.origin}.${key}`) : undefined);
            else if (value) this.bindPattern(value, taint);
          } else if (part.type === 'object_assignment_pattern') {
            const left = part.childForFieldName('left');
            const right = part.childForFieldName('right');
            const fallback = right ? this.expr(right) : undefined;
            if (left) this.bindPattern(left, merge([taint, fallback]));
          } else if (part.type === 'rest_pattern') {
            const inner = part.namedChildren[0];
            if (inner) this.bindPattern(inner, derive(taint));
          } else this.bindPattern(part, taint);
        }
        return;
      case 'array_pattern':
      case 'pattern_list':
      case 'tuple_pattern':
      case 'list_pattern':
        for (const part of pattern.namedChildren) if (part) this.bindPattern(part, derive(taint));
        return;
      case 'assignment_pattern': {
        const left = pattern.childForFieldName('left');
        const right = pattern.childForFieldName('right');
        const fallback = right ? this.expr(right) : undefined;
        if (left) this.bindPattern(left, merge([taint, fallback]));
        return;
      }
      case 'rest_pattern':
      case 'list_splat_pattern': {
        const inner = pattern.namedChildren[0];
        if (inner) this.bindPattern(inner, derive(taint));
        return;
      }
      default:
        this.expr(pattern);
    }
  }

  private clearName(node: Node | null | undefined, cleared: number): void {
    if (node?.type !== 'identifier') return;
    const current = this.env.get(node.text);
    if (current) this.env.set(node.text, withCleared(current, cleared));
  }

  expr(node: Node | null | undefined): Taint | undefined {
    if (!node) return undefined;
    return this.record(node, this.compute(node));
  }

  private children(node: Node): void {
    for (const child of node.namedChildren) if (child) this.expr(child);
  }

  private compute(node: Node): Taint | undefined {
    if (this.extra && (node.type === 'call' || node.type === 'call_expression' || node.type === 'await_expression' || node.type === 'await')) {
      const origin = this.extra(this.source, node);
      if (origin !== undefined) {
        this.children(node);
        return { origin, cleared: 0 };
      }
    }
    switch (node.type) {
      case 'identifier':
      case 'shorthand_property_identifier':
        return this.env.get(node.text);
      case 'member_expression':
      case 'attribute': {
        const source = this.requestSource(node);
        const object = this.expr(node.childForFieldName('object'));
        const property = node.childForFieldName(node.type === 'attribute' ? 'attribute' : 'property')?.text ?? '';
        // multer / formidable / koa-body put uploads on `req.file(s)` / `ctx.request.files`: their
        // `path` is the temporary file the parser chose. The client names only `originalname` & co.
        // (Uploads read from `body.files` stay tainted: a JSON body can spell that object itself.)
        if (source) return !this.py && (property === 'files' || property === 'file') ? { ...source, upload: true } : source;
        if (!object || NUMERIC_PROPS.has(property)) return undefined;
        if (object.upload === true && UPLOAD_TEMP_PATHS.has(property)) return withCleared(derive(object, node.text), BIT.path);
        return derive(object, node.text);
      }
      case 'subscript':
      case 'subscript_expression': {
        const object = this.expr(node.childForFieldName(node.type === 'subscript' ? 'value' : 'object'));
        this.expr(node.childForFieldName(node.type === 'subscript' ? 'subscript' : 'index'));
        return derive(object, node.text);
      }
      case 'call':
      case 'call_expression':
        return this.call(node);
      case 'new_expression': {
        const ctor = node.childForFieldName('constructor');
        const args = (node.childForFieldName('arguments')?.namedChildren ?? []).map((arg) => this.expr(arg));
        const name = qualify(ctor, this.imports) ?? '';
        return /^(URL|URLSearchParams|String)$/.test(name) ? merge(args.slice(0, 1)) : undefined;
      }
      case 'template_string': {
        const parts = node.namedChildren
          .filter((child): child is Node => child?.type === 'template_substitution')
          .map((child) => this.expr(child.namedChildren[0]));
        return this.built(node, merge(parts));
      }
      case 'string': {
        const parts = node.namedChildren
          .filter((child): child is Node => child?.type === 'interpolation')
          .map((child) => this.expr(child.namedChildren[0]));
        return this.built(node, merge(parts));
      }
      case 'concatenated_string':
        return this.built(node, merge(node.namedChildren.map((child) => this.expr(child))));
      case 'binary_expression':
      case 'binary_operator': {
        const operator = node.childForFieldName('operator')?.text ?? '';
        const left = this.expr(node.childForFieldName('left'));
        const right = this.expr(node.childForFieldName('right'));
        if (operator === '+' || operator === '%') return this.built(node, merge([left, right]));
        if (operator === '/' && this.py) return derive(merge([left, right]));
        if (operator === '||' || operator === '??' || operator === '&&') return merge([left, right]);
        return undefined;
      }
      case 'keyword_argument':
        return this.expr(node.childForFieldName('value'));
      case 'boolean_operator':
        return merge([this.expr(node.childForFieldName('left')), this.expr(node.childForFieldName('right'))]);
      case 'comparison_operator':
        this.children(node);
        this.membershipGuard(node);
        return undefined;
      case 'not_operator':
      case 'unary_expression':
        this.children(node);
        return undefined;
      case 'conditional_expression': {
        const [consequence, condition, alternative] = node.namedChildren;
        this.expr(condition);
        return merge([this.expr(consequence), this.expr(alternative)]);
      }
      case 'ternary_expression':
        this.expr(node.childForFieldName('condition'));
        return merge([this.expr(node.childForFieldName('consequence')), this.expr(node.childForFieldName('alternative'))]);
      case 'parenthesized_expression':
      case 'await_expression':
      case 'await':
      case 'as_expression':
      case 'non_null_expression':
      case 'satisfies_expression':
      case 'type_assertion':
      case 'spread_element':
      case 'list_splat':
      case 'dictionary_splat':
      case 'template_substitution':
      case 'interpolation':
      case 'expression_statement': {
        let last: Taint | undefined;
        for (const child of node.namedChildren) {
          if (!child || child.type === 'type_annotation') continue;
          last = this.expr(child);
        }
        return node.type === 'expression_statement' ? undefined : last;
      }
      case 'object':
      case 'dictionary': {
        const taints: (Taint | undefined)[] = [];
        let keysTainted = false;
        for (const child of node.namedChildren) {
          if (!child) continue;
          if (child.type === 'pair') {
            const key = child.childForFieldName('key');
            const keyTaint = key && (key.type === 'computed_property_name' || (this.py && key.type !== 'string')) ? this.expr(key) : undefined;
            if (keyTaint) keysTainted = true;
            taints.push(keyTaint, this.expr(child.childForFieldName('value')));
          } else {
            const taint = this.expr(child);
            if (taint && (child.type === 'spread_element' || child.type === 'dictionary_splat')) keysTainted = true;
            taints.push(taint);
          }
        }
        const merged = merge(taints);
        return merged ? { ...merged, cleared: merged.cleared, ...(keysTainted ? {} : { fixedKeys: true }) } : undefined;
      }
      case 'array':
      case 'list':
      case 'tuple':
      case 'set':
        return derive(merge(node.namedChildren.map((child) => this.expr(child))));
      case 'list_comprehension':
      case 'generator_expression':
      case 'set_comprehension':
      case 'dictionary_comprehension': {
        for (const clause of node.namedChildren) {
          if (clause?.type !== 'for_in_clause') continue;
          const iterable = this.expr(clause.childForFieldName('right'));
          const left = clause.childForFieldName('left');
          if (left) this.bindPattern(left, derive(iterable));
        }
        const body = node.childForFieldName('body') ?? node.namedChildren[0];
        return derive(body ? this.expr(body) : undefined);
      }
      case 'assignment': {
        const right = node.childForFieldName('right');
        const taint = right ? this.expr(right) : undefined;
        const left = node.childForFieldName('left');
        if (left && left.type !== 'attribute' && left.type !== 'subscript') this.bindPattern(left, taint);
        else if (left) this.expr(left);
        return taint;
      }
      case 'variable_declarator': {
        const value = node.childForFieldName('value');
        const taint = value ? this.expr(value) : undefined;
        const name = node.childForFieldName('name');
        if (name) this.bindPattern(name, taint);
        return undefined;
      }
      case 'assignment_expression': {
        const taint = this.expr(node.childForFieldName('right'));
        const left = node.childForFieldName('left');
        if (left?.type === 'identifier' || left?.type === 'object_pattern' || left?.type === 'array_pattern') this.bindPattern(left, taint);
        else if (left) this.expr(left);
        return taint;
      }
      case 'augmented_assignment':
      case 'augmented_assignment_expression': {
        const left = node.childForFieldName('left');
        const right = this.expr(node.childForFieldName('right'));
        if (left?.type === 'identifier') {
          const combined = this.built(node, merge([this.env.get(left.text), right]));
          this.env.set(left.text, combined);
          return combined;
        }
        this.expr(left);
        return right;
      }
      case 'for_statement':
      case 'for_in_statement': {
        const right = node.childForFieldName('right');
        const iterable = right ? this.expr(right) : undefined;
        const left = node.childForFieldName('left');
        const keys = node.type === 'for_in_statement' && node.children.some((child) => child?.type === 'in');
        const element = keys ? keysOf(iterable) : derive(iterable);
        if (left) this.bindPattern(left.type === 'lexical_declaration' || left.type === 'variable_declaration' ? (left.namedChildren[0] ?? left) : left, element);
        const body = node.childForFieldName('body');
        if (body) this.expr(body);
        const alternative = node.childForFieldName('alternative');
        if (alternative) this.expr(alternative);
        return undefined;
      }
      case 'arrow_function':
      case 'function_expression':
      case 'function':
      case 'lambda':
      case 'function_definition':
      case 'function_declaration':
      case 'generator_function_declaration':
      case 'method_definition':
        this.enterFunction(node, false, this.callbackTaint(node));
        return undefined;
      case 'class_definition':
      case 'class_declaration':
      case 'decorator':
      case 'comment':
      case 'type_annotation':
      case 'import_statement':
      case 'import_from_statement':
        return undefined;
      default:
        this.children(node);
        return undefined;
    }
  }

  /** A string built by concatenation or interpolation: never an object, and safe for URLs when the host is pinned. */
  private built(node: Node, taint: Taint | undefined): Taint | undefined {
    if (!taint) return undefined;
    return withCleared(taint, BIT.nosql | (pinsHost(leadingLiteral(node)) || this.behindBase(node) ? BIT.url : 0));
  }

  /**
   * `f"{SITE_URL}/api/entities/{pk}"`, `` `${API_BASE}/users/${id}` ``: the URL starts with a value
   * that carries no request data and a path follows it, so the request part cannot reach the host.
   */
  private behindBase(node: Node): boolean {
    if (node.type !== 'template_string' && node.type !== 'string') return false;
    const parts = node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'string_start' && child.type !== 'string_end');
    const [first, next] = parts;
    if (first?.type !== 'template_substitution' && first?.type !== 'interpolation') return false;
    const base = first.namedChildren[0];
    if (!base || (base.type !== 'identifier' && base.type !== 'member_expression' && base.type !== 'attribute') || this.out.has(base.id)) return false;
    return (next?.type === 'string_fragment' || next?.type === 'string_content') && next.text.startsWith('/') && !next.text.startsWith('//');
  }

  private callbackTaint(fn: Node): Taint | undefined {
    const args = parentOf(fn);
    const call = parentOf(args);
    if (!args || !call || (args.type !== 'arguments' && args.type !== 'argument_list')) return undefined;
    const callee = call.childForFieldName('function');
    if (callee?.type !== 'member_expression' && callee?.type !== 'attribute') return undefined;
    const receiver = callee.childForFieldName('object');
    return derive(receiver ? this.out.get(receiver.id) : undefined);
  }

  private membershipGuard(node: Node): void {
    const operators = node.children.filter((child) => child && !child.isNamed).map((child) => child?.text ?? '');
    if (!operators.some((op) => op === 'in' || op === 'not in' || op === 'not')) return;
    const [left, right] = node.namedChildren;
    if (!left || !right || this.out.has(right.id)) return;
    this.clearName(left, ALL);
  }

  private guardCall(fnNode: Node, method: string, receiver: Node | undefined, args: readonly Node[]): void {
    const first = args[0];
    if (!first) {
      if (receiver && /^(isdigit|isnumeric|isdecimal|isalnum|isalpha|isidentifier)$/.test(method)) this.clearName(receiver, ALL);
      return;
    }
    if (receiver && /^(includes|has|indexOf|contains)$/.test(method) && !this.out.has(receiver.id)) this.clearName(first, ALL);
    else if (method === 'test' && receiver?.type === 'regex' && /^\/\^/.test(receiver.text) && /\$\/\w*$/.test(receiver.text)) this.clearName(first, ALL);
    else if (/^re\.(fullmatch|match)$/.test(qualify(fnNode, this.imports) ?? '') && args[1] && (method === 'fullmatch' || /\$/.test(first.text) || fnNode.text.endsWith('fullmatch'))) this.clearName(args[1], ALL);
    else if (receiver && /^(startsWith|startswith|is_relative_to)$/.test(method)) {
      const literal = stringValue(first);
      this.clearName(receiver, BIT.path | (literal === undefined || pinsHost(literal) ? BIT.url : 0));
    } else if (/^(validator\.)?(is(UUID|Int|Numeric|Alphanumeric|Alpha|MongoId|Email|Boolean|Decimal|Float|Hexadecimal|Slug|In))$/.test(qualify(fnNode, this.imports) ?? '')) {
      this.clearName(first, ALL);
    } else if (/^Number\.(isInteger|isSafeInteger|isFinite)$/.test(fnNode.text)) this.clearName(first, ALL);
  }

  private call(node: Node): Taint | undefined {
    const fnNode = node.childForFieldName('function');
    const argsNode = node.childForFieldName('arguments');
    if (!fnNode) return undefined;
    const fnTaint = this.expr(fnNode);
    if (argsNode?.type === 'template_string') {
      this.expr(argsNode);
      return /^String\.raw$/.test(fnNode.text) ? this.out.get(argsNode.id) : undefined;
    }
    const args = (argsNode?.namedChildren ?? []).filter((arg): arg is Node => arg !== null && arg.type !== 'comment');
    const argTaints = args.map((arg) => this.expr(arg));
    const name = qualify(fnNode, this.imports) ?? fnNode.text;
    const member = fnNode.type === 'member_expression' || fnNode.type === 'attribute';
    const method = member ? (fnNode.childForFieldName(fnNode.type === 'attribute' ? 'attribute' : 'property')?.text ?? '') : '';
    const receiver = member ? (fnNode.childForFieldName('object') ?? undefined) : undefined;
    const receiverTaint = receiver ? this.out.get(receiver.id) : undefined;
    const positional = args.filter((arg) => arg.type !== 'keyword_argument');
    this.guardCall(fnNode, method, receiver, positional);
    const argTaint = merge(argTaints);

    if (CLEAR_ALL.test(name) || CLEAR_ALL.test(fnNode.text)) return undefined;
    if (VALIDATING_CALL.test(name)) return undefined;
    for (const sanitiser of SANITISERS) {
      if (sanitiser.pattern.test(name) || sanitiser.pattern.test(fnNode.text)) {
        const input = argTaint ?? (member ? receiverTaint : undefined);
        return withCleared(derive(input), bits(sanitiser.kinds));
      }
    }
    if (member && receiverTaint) {
      if (SCALAR_METHODS.has(method)) return undefined;
      if (KEY_METHODS.has(method)) return keysOf(receiverTaint, node.text);
      return derive(merge([receiverTaint, argTaint]), node.text);
    }
    if (fnTaint && !member) return derive(fnTaint);
    if (fnTaint) return derive(fnTaint, node.text);
    if (KEY_FUNCTIONS.test(name)) {
      return keysOf(argTaints[0]);
    }
    if (PASSTHROUGH.test(name)) {
      const taint = derive(argTaint);
      return /^(str|String|repr)$/.test(name) ? withCleared(taint, BIT.nosql) : taint;
    }
    if (member && COLLECTING_METHODS.has(method) && argTaint && receiver?.type === 'identifier') {
      this.env.set(receiver.text, merge([this.env.get(receiver.text), derive(argTaint)]));
      return undefined;
    }
    if (member && STRING_BUILDING_METHODS.has(method) && argTaint) {
      const pinned = receiver && method === 'format' && pinsHost(stringValue(receiver));
      return withCleared(derive(argTaint), BIT.nosql | (pinned ? BIT.url : 0));
    }
    return undefined;
  }
}

const cache = new WeakMap<CheckContext, WeakMap<SourceFile, Map<string, FunctionTaint>>>();
const predicateIds = new WeakMap<SourcePredicate, number>();
let nextPredicateId = 1;

function predicateKey(extra: SourcePredicate | undefined): number {
  if (!extra) return 0;
  let id = predicateIds.get(extra);
  if (id === undefined) {
    id = nextPredicateId++;
    predicateIds.set(extra, id);
  }
  return id;
}

/** The taint facts of one function (closures included), computed once per context, file, function and mode. */
export function functionTaint(
  ctx: CheckContext,
  source: SourceFile,
  fn: Node,
  mode: TaintMode = 'request',
  extra?: SourcePredicate,
): FunctionTaint {
  let byFile = cache.get(ctx);
  if (!byFile) {
    byFile = new WeakMap();
    cache.set(ctx, byFile);
  }
  let byFn = byFile.get(source);
  if (!byFn) {
    byFn = new Map();
    byFile.set(source, byFn);
  }
  const key = `${mode}:${predicateKey(extra)}:${fn.id}`;
  const cached = byFn.get(key);
  if (cached) return cached;
  const walker = new Walker(ctx, source, mode, extra);
  walker.run(fn);
  const out = walker.out;
  const ids = new Set(out.keys());
  const result: FunctionTaint = {
    fn,
    taintOf: (node) => (node ? out.get(node.id) : undefined),
    isTainted: (node, kind) => {
      const taint = node ? out.get(node.id) : undefined;
      return taint !== undefined && (kind === undefined || !clearedFor(taint, kind));
    },
    taintedIds: () => ids,
  };
  byFn.set(key, result);
  return result;
}

/** Taint facts for the outermost function around `node`; undefined at module level. */
export function taintAt(
  ctx: CheckContext,
  source: SourceFile,
  node: Node,
  mode: TaintMode = 'request',
  extra?: SourcePredicate,
): FunctionTaint | undefined {
  if (charge(source.tree)) return undefined;
  const fn = rootFunction(node);
  return fn ? functionTaint(ctx, source, fn, mode, extra) : undefined;
}
