/**
 * Request data in Java code: the parameters the frameworks bind from the request in a handler method,
 * their request objects' reads (the plugins' `jvmRequest`: Spring's `@RequestParam`, `@PathVariable`,
 * `@RequestBody`, bound objects, JAX-RS `@QueryParam`…, the servlet request's accessors), and what is
 * computed from them — through locals, string building, getters, and the parameters of methods a handler
 * (or a method it calls) hands them to, resolved by receiver type across the program. Numbers, booleans,
 * dates and UUIDs carry no text and stop it.
 */
import type { Node } from 'web-tree-sitter';
import { descendants, field, hasAnnotation, named, simpleName, type JvmClass, type JvmMethod } from './ast.js';
import { bare, classAt, enclosingMethod } from './trace.js';
import { JvmTracer } from './trace.js';
import type { InfraFile, SourceFile } from '../../../engine/context.js';
import { jvmRequestProviders } from '../plugins.js';

/** Types a framework may inject that carry no client text, whatever the framework: the JDK's and Kotlin's. */
const INJECTED = ['Locale', 'TimeZone', 'ZoneId', 'Continuation'];
/** Types whose values cannot carry SQL, XML or a path. */
const INERT_TYPES = /^(int|long|short|byte|double|float|boolean|char|Integer|Long|Short|Byte|Double|Float|Boolean|Character|BigDecimal|BigInteger|UUID|Date|LocalDate|LocalDateTime|LocalTime|Instant|OffsetDateTime|ZonedDateTime|Duration|Number|AtomicLong|AtomicInteger)(\[\])?$/;
/** Methods whose result keeps the text of their arguments. */
const TEXT_BUILDERS = /^(format|join|concat|valueOf|append|insert|replace|replaceAll|replaceFirst|formatted|copyValueOf|toString|of|asList|copyOf|trim|strip|toLowerCase|toUpperCase|substring|lowerCase|upperCase|defaultString|defaultIfBlank|defaultIfEmpty)$/;
/** Methods on text whose result is a number, a boolean or nothing textual. */
const INERT_RESULTS = /^(length|size|isEmpty|isBlank|equals|equalsIgnoreCase|contains|containsKey|startsWith|endsWith|matches|hashCode|indexOf|lastIndexOf|compareTo|compareToIgnoreCase|parseInt|parseLong|parseDouble|parseBoolean|intValue|longValue|count|getClass|isPresent|hasText|isNotBlank|isNotEmpty|isNumeric|getSize|getId|getUserId|getPageNum|getPageSize)$/;
const NUMERIC_OWNERS = /^(Integer|Long|Short|Double|Float|Boolean|UUID|BigDecimal|Math|Objects|LocalDate|LocalDateTime|Instant)$/;

/** The frameworks' request idioms (the plugins' `jvmRequest`), joined into one table. */
interface RequestTable {
  controllers: string[];
  mappings: string[];
  annotatedOnly: string[];
  bound: string[];
  notBound: string[];
  pathIds: string[];
  /** A source mentioning one of the path-id annotations. */
  pathIdText: RegExp;
  bodies: string[];
  /** A source mentioning one of the body annotations. */
  bodyText: RegExp;
  /** Injected types that are not client data. */
  frameworkTypes: RegExp;
  requestTypes: RegExp;
  requestReads: RegExp;
  /** A source mentioning one of the controller annotations. */
  controllerText: RegExp;
  /** Kotlin: the call objects of route lambdas, their request data, request property, reads of the request's content, and the members a function must name to read the request. */
  kotlinCall: { names: Set<string>; reads: RegExp; request: Set<string>; receives: RegExp; entries: RegExp; responds: RegExp; respondText: RegExp; bodyReceives: RegExp; bodyReceiveText: RegExp; bodyReceiveCall: RegExp; fileResponses: string[] };
}

let table: RequestTable | undefined;

const names = (list: Iterable<string>): string => [...new Set(list)].join('|');

/** The frameworks' request idioms, joined once (after every plugin module is loaded). */
export function requestTable(): RequestTable {
  if (table) return table;
  const providers = jvmRequestProviders();
  const all = (pick: (provider: (typeof providers)[number]) => readonly string[] | undefined): string[] => [...new Set(providers.flatMap((provider) => pick(provider) ?? []))];
  const calls = providers.flatMap((provider) => (provider.kotlinCall ? [provider.kotlinCall] : []));
  table = {
    controllers: all((provider) => provider.controllers),
    mappings: all((provider) => provider.mappings),
    annotatedOnly: all((provider) => provider.annotatedOnly),
    bound: all((provider) => provider.bound),
    notBound: all((provider) => provider.notBound),
    pathIds: all((provider) => provider.pathIds),
    pathIdText: new RegExp(`@(${names(all((provider) => provider.pathIds))})\\b`),
    bodies: all((provider) => provider.bodies),
    bodyText: new RegExp(`@(${names(all((provider) => provider.bodies))})\\b`),
    frameworkTypes: new RegExp(`^(${names([...all((provider) => provider.injected), ...INJECTED])})$`),
    requestTypes: new RegExp(`^(${names(all((provider) => provider.requestTypes))})$`),
    requestReads: new RegExp(`^(${names(all((provider) => provider.requestReads))})$`),
    controllerText: new RegExp(`@(${names(all((provider) => provider.controllers))})\\b`),
    kotlinCall: {
      names: new Set(calls.map((call) => call.name)),
      reads: new RegExp(`^(${names(calls.flatMap((call) => call.reads))})$`),
      request: new Set(calls.map((call) => call.request)),
      receives: new RegExp(`^(${names(calls.flatMap((call) => call.receives))})$`),
      entries: new RegExp(`\\b(${names(calls.map((call) => call.name))})\\.(${names(calls.flatMap((call) => call.entries))})`),
      responds: new RegExp(`^(${names(calls.flatMap((call) => call.responds ?? []))})$`),
      respondText: new RegExp(`\\b(${names(calls.map((call) => call.name))})\\.(${names(calls.flatMap((call) => call.responds ?? []))})\\b`),
      bodyReceives: new RegExp(`^(${names(calls.flatMap((call) => call.bodyReceives ?? []))})$`),
      bodyReceiveText: new RegExp(`\\b(${names(calls.map((call) => call.name))})\\.(${names(calls.flatMap((call) => call.bodyReceives ?? []))})`),
      fileResponses: [...new Set(calls.flatMap((call) => call.fileResponses ?? []))],
      bodyReceiveCall: new RegExp(`\\b(${names(calls.map((call) => call.name))})\\.(${names(calls.flatMap((call) => call.bodyReceives ?? []))})\\s*[<(]`),
    },
  };
  return table;
}

/** The binding and propagation rules, shared with the Kotlin taint (./kotlin.ts). */
export function taintRules(): { notBound: readonly string[]; frameworkTypes: RegExp; inertTypes: RegExp; inertResults: RegExp; numericOwners: RegExp; textBuilders: RegExp } {
  const { notBound, frameworkTypes } = requestTable();
  return { notBound, frameworkTypes, inertTypes: INERT_TYPES, inertResults: INERT_RESULTS, numericOwners: NUMERIC_OWNERS, textBuilders: TEXT_BUILDERS };
}

const INVOCATIONS: ReadonlySet<string> = new Set(['method_invocation']);
const DECLARATORS: ReadonlySet<string> = new Set(['variable_declarator']);
const ASSIGNMENTS: ReadonlySet<string> = new Set(['assignment_expression']);
const MAX_ROUNDS = 4;

function isController(cls: JvmClass | undefined): boolean {
  return !!cls && (hasAnnotation(cls.annotations, ...requestTable().controllers) || cls.superTypes.some((name) => /Controller$/.test(name)));
}

export function isHandler(method: JvmMethod): boolean {
  return hasAnnotation(method.annotations, ...requestTable().mappings) && isController(method.owner);
}

export class JavaTaint {
  /** Method node id → indexes of parameters holding request data. */
  private readonly tainted = new Map<number, Set<number>>();
  private cache = new Map<number, string | undefined>();
  private readonly tracer: JvmTracer;

  constructor(tracer: JvmTracer) {
    this.tracer = tracer;
    const methods = tracer.program.files.filter((file) => file.language === 'java').flatMap((file) => file.classes.flatMap((cls) => cls.methods));
    const { annotatedOnly, bound: binding, notBound, frameworkTypes } = requestTable();
    for (const method of methods) {
      if (!isHandler(method)) continue;
      const annotated = hasAnnotation(method.annotations, ...annotatedOnly);
      method.parameters.forEach((param, index) => {
        if (hasAnnotation(param.annotations, ...notBound) || frameworkTypes.test(param.type) || INERT_TYPES.test(param.type)) return;
        // JAX-RS binds only annotated parameters and the one entity body; Spring binds every other parameter.
        const bound = hasAnnotation(param.annotations, ...binding) || !annotated || param.annotations.length === 0;
        if (bound) this.mark(method.node, index);
      });
    }
    // Hand-offs: a request value passed to another method taints that method's parameter.
    for (let round = 0; round < MAX_ROUNDS; round += 1) {
      let changed = false;
      this.cache = new Map();
      for (const method of methods) {
        if (!method.body || (!this.tainted.has(method.node.id) && !this.readsRequest(method))) continue;
        for (const call of descendants(method.body, INVOCATIONS)) {
          const args = named(field(call, 'arguments'));
          const hot = args.map((arg) => this.origin(arg) !== undefined);
          if (!hot.some(Boolean)) continue;
          for (const target of this.targets(call, args.length, method)) {
            for (const [index, param] of target.parameters.entries()) {
              if (hot[index] && !INERT_TYPES.test(param.type) && !frameworkTypes.test(param.type) && this.mark(target.node, index)) changed = true;
            }
          }
        }
      }
      if (!changed) break;
    }
    this.cache = new Map();
  }

  private mark(method: Node, index: number): boolean {
    const set = this.tainted.get(method.id) ?? new Set<number>();
    if (set.has(index)) return false;
    set.add(index);
    this.tainted.set(method.id, set);
    return true;
  }

  private readsRequest(method: JvmMethod): boolean {
    return method.parameters.some((param) => requestTable().requestTypes.test(param.type));
  }

  /** The program's methods a call can land in: by the receiver's declared type (and its implementations), or the same class. */
  targets(call: Node, arity: number, from: JvmMethod): JvmMethod[] {
    const name = field(call, 'name')?.text ?? '';
    const receiver = field(call, 'object');
    const file = from.file;
    let owners: JvmClass[] = [];
    if (!receiver || receiver.type === 'this') owners = from.owner ? [from.owner] : [];
    else {
      const type = this.tracer.typeOf(receiver, from.owner);
      // `XmlUtils.parse(xml)`: a static call names the class itself.
      const staticOwner = !type && receiver.type === 'identifier' && /^[A-Z]/.test(receiver.text) ? receiver.text : undefined;
      const cls = type || staticOwner ? this.tracer.program.resolveClass(type ?? staticOwner ?? '', { file, cls: from.owner }) : undefined;
      if (cls) owners = [cls, ...this.tracer.program.subclasses(cls)];
    }
    return owners.flatMap((owner) => owner.methods.filter((method) => method.name === name && method.parameters.length === arity));
  }

  /** The request data an expression carries (its text, for the message), or undefined. */
  origin(start: Node | undefined, depth = 0): string | undefined {
    const node = bare(start);
    if (!node || depth > 12) return undefined;
    if (this.cache.has(node.id)) return this.cache.get(node.id);
    this.cache.set(node.id, undefined);
    const found = this.compute(node, depth);
    this.cache.set(node.id, found);
    return found;
  }

  private compute(node: Node, depth: number): string | undefined {
    switch (node.type) {
      case 'identifier':
        return this.identifier(node, depth);
      case 'binary_expression': {
        const operator = node.children.find((child) => child && !child.isNamed)?.text;
        if (operator !== '+') return undefined;
        return this.origin(field(node, 'left'), depth + 1) ?? this.origin(field(node, 'right'), depth + 1);
      }
      case 'ternary_expression':
        return this.origin(field(node, 'consequence'), depth + 1) ?? this.origin(field(node, 'alternative'), depth + 1);
      case 'object_creation_expression': {
        if (!/^(StringBuilder|StringBuffer|String|StringJoiner|StringReader|InputSource|ByteArrayInputStream|InputStreamReader|BufferedReader|BufferedInputStream|StreamSource)$/.test(simpleName(field(node, 'type')?.text ?? ''))) return undefined;
        return named(field(node, 'arguments')).map((arg) => this.origin(arg, depth + 1)).find(Boolean);
      }
      case 'array_access':
        return this.origin(field(node, 'array'), depth + 1);
      case 'method_invocation':
        return this.invocation(node, depth);
      case 'field_access':
        return this.origin(field(node, 'object'), depth + 1) && node.text;
      default:
        return undefined;
    }
  }

  private invocation(node: Node, depth: number): string | undefined {
    const name = field(node, 'name')?.text ?? '';
    const receiver = field(node, 'object');
    if (INERT_RESULTS.test(name)) return undefined;
    if (receiver && NUMERIC_OWNERS.test(receiver.text)) return undefined;
    if (receiver && requestTable().requestReads.test(name)) {
      const method = enclosingMethod(node);
      const file = this.tracer.program.files.find((candidate) => candidate.source.tree === node.tree);
      const cls = file ? classAt(file, node) : undefined;
      const type = receiver.type === 'identifier' || receiver.type === 'field_access' ? this.tracer.typeOf(receiver, cls) : undefined;
      if (method && type && requestTable().requestTypes.test(type)) return node.text;
      if (name === 'getParameter' || name === 'getHeader' || name === 'getQueryString') {
        if (receiver.type === 'method_invocation' && /getRequest$/.test(field(receiver, 'name')?.text ?? '')) return node.text;
      }
    }
    if (receiver && this.origin(receiver, depth + 1)) return node.text;
    if (TEXT_BUILDERS.test(name)) return named(field(node, 'arguments')).map((arg) => this.origin(arg, depth + 1)).find(Boolean);
    return undefined;
  }

  private identifier(node: Node, depth: number): string | undefined {
    const method = enclosingMethod(node);
    if (!method) return undefined;
    const name = node.text;
    const params = named(field(method, 'parameters')).filter((param) => param.type === 'formal_parameter' || param.type === 'spread_parameter');
    const index = params.findIndex((param) => (field(param, 'name')?.text ?? named(param).at(-1)?.text) === name);
    if (index >= 0) {
      const type = simpleName(field(params[index], 'type')?.text ?? '');
      if (INERT_TYPES.test(type)) return undefined;
      return this.tainted.get(method.id)?.has(index) ? name : undefined;
    }
    // Locals: every value written before this use, and what was appended to a builder.
    for (const declarator of descendants(method, DECLARATORS)) {
      if (declarator.startIndex > node.startIndex || field(declarator, 'name')?.text !== name) continue;
      const type = simpleName(field(declarator.parent, 'type')?.text ?? '');
      if (INERT_TYPES.test(type)) return undefined;
      const parent = declarator.parent;
      if (parent?.type === 'local_variable_declaration' && this.origin(field(declarator, 'value'), depth + 1)) return name;
    }
    for (const loop of descendants(method, new Set(['enhanced_for_statement']))) {
      if (loop.startIndex > node.startIndex || field(loop, 'name')?.text !== name) continue;
      if (INERT_TYPES.test(simpleName(field(loop, 'type')?.text ?? ''))) return undefined;
      if (this.origin(field(loop, 'value'), depth + 1)) return name;
    }
    for (const assignment of descendants(method, ASSIGNMENTS)) {
      if (assignment.startIndex > node.startIndex || field(assignment, 'left')?.text !== name) continue;
      if (this.origin(field(assignment, 'right'), depth + 1)) return name;
    }
    for (const call of descendants(method, INVOCATIONS)) {
      if (call.startIndex > node.startIndex || field(call, 'object')?.text !== name || !/^(append|insert|add|put|addAll|putAll)$/.test(field(call, 'name')?.text ?? '')) continue;
      if (named(field(call, 'arguments')).some((arg) => this.origin(arg, depth + 1))) return name;
    }
    return undefined;
  }

  /** Whether a method's parameter at `index` receives request data. */
  parameterTainted(method: Node, index: number): boolean {
    return this.tainted.get(method.id)?.has(index) ?? false;
  }
}

const shared = new WeakMap<readonly SourceFile[], { infra: readonly InfraFile[] | undefined; tracer: JvmTracer; taint?: JavaTaint }>();

/** One tracer (and one taint fixpoint) per audited workspace, shared by the checks that read it. */
export function sharedAnalysis(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): { tracer: JvmTracer; taint: () => JavaTaint } {
  const cached = shared.get(sources);
  const entry: { infra: readonly InfraFile[] | undefined; tracer: JvmTracer; taint?: JavaTaint } = cached && cached.infra === infra ? cached : { infra, tracer: new JvmTracer(sources, infra) };
  shared.set(sources, entry);
  return {
    tracer: entry.tracer,
    taint: (): JavaTaint => {
      const taint = entry.taint ?? new JavaTaint(entry.tracer);
      entry.taint = taint;
      return taint;
    },
  };
}

/** A sink reached by request data in a Java handler: what the injection checks report. */
export interface JavaSinkHit {
  source: SourceFile;
  node: Node;
  snippet: string;
  call: string;
  origin: string;
}

/**
 * The Java sources (tests left out) whose text mentions one of a check's sinks, or none when the
 * project serves no request (no controller or JAX-RS resource): the files an injection check reads.
 */
export function javaSinkCandidates(sources: readonly SourceFile[], mentions: RegExp): SourceFile[] {
  const java = sources.filter((source) => source.language === 'java' && !/(^|\/)src\/test\//.test(source.file));
  const candidates = java.filter((source) => mentions.test(source.text));
  if (candidates.length === 0) return [];
  const { controllerText } = requestTable();
  return java.some((source) => controllerText.test(source.text)) ? candidates : [];
}
