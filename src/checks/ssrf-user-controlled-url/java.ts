/**
 * Outbound requests to URLs taken from request data in Java: `new URL(x).openConnection()` /
 * `openStream()`, `HttpRequest.newBuilder(URI.create(x))` / `.uri(…)`, OkHttp `new Request.Builder().url(x)`,
 * Apache `new HttpGet(x)`, and the frameworks' clients (the plugins' `jvmHttp`: Spring's
 * `RestTemplate.getForObject|exchange|…(x, …)`, `WebClient.create(x)` / `webClient.get().uri(x)` / `.baseUrl(x)`). A URL whose scheme and host are
 * fixed (a literal `https://host/…` or a configured base before the request value) only lets the
 * caller pick a path or query, and a method that checks the parsed host (`getHost()`) in a condition
 * (an allow-list) is not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants, field, literalString, named, simpleName } from '../../collectors/code/jvm/ast.js';
import { bare, classAt, enclosingMethod, localValue } from '../../collectors/code/jvm/trace.js';
import { javaSinkCandidates, sharedAnalysis, type JavaSinkHit, type JavaTaint } from '../../collectors/code/jvm/taint.js';
import { jvmClients, mentionPattern } from './jvm-clients.js';

export type JavaSsrfHit = JavaSinkHit;

const CALLS: ReadonlySet<string> = new Set(['method_invocation', 'object_creation_expression']);
const FIXED = /^[a-z][a-z0-9+.-]*:\/\/[^/?#%{}]+[/?#]/i;
const CONDITIONS: ReadonlySet<string> = new Set(['if_statement', 'while_statement', 'ternary_expression', 'assert_statement']);

function leftmost(node: Node): Node {
  let current = node;
  while (current.type === 'binary_expression') {
    const left = bare(field(current, 'left'));
    if (!left) break;
    current = left;
  }
  return current;
}

/** The URL expression behind `URI.create(x)`, `new URI(x)`, `new URL(x)`, `URI.create(x).toURL()`, or a local holding one. */
function unwrap(start: Node | undefined, depth = 0): Node | undefined {
  const node = bare(start);
  if (!node || depth > 4) return node;
  if (node.type === 'object_creation_expression' && /^(URI|URL)$/.test(simpleName(field(node, 'type')?.text ?? ''))) {
    const args = named(field(node, 'arguments'));
    return args.length === 1 ? unwrap(args[0], depth + 1) : node;
  }
  if (node.type === 'method_invocation') {
    const name = field(node, 'name')?.text ?? '';
    const receiver = field(node, 'object');
    if (receiver?.text === 'URI' && name === 'create') return unwrap(named(field(node, 'arguments'))[0], depth + 1);
    if (receiver && /^(toURL|toURI)$/.test(name)) return unwrap(receiver, depth + 1);
    return node;
  }
  if (node.type === 'identifier') {
    const value = localValue(node.text, node);
    return value ? unwrap(value, depth + 1) : node;
  }
  return node;
}

export function javaSsrf(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): JavaSsrfHit[] {
  const { mentions, clients, factories, builders } = jvmClients('java');
  const candidates = javaSinkCandidates(sources, mentionPattern(['URL', 'HttpRequest', String.raw`Request\.Builder`, 'HttpGet', 'HttpPost'], mentions));
  if (candidates.length === 0) return [];
  const analysis = sharedAnalysis(sources, infra);
  const tracer = analysis.tracer;
  let taint: JavaTaint | undefined;
  const guarded = new Map<number, boolean>();
  const out: JavaSsrfHit[] = [];

  const origin = (arg: Node | undefined): string | undefined => {
    taint ??= analysis.taint();
    const url = unwrap(arg);
    if (!url) return undefined;
    const first = leftmost(url);
    const text = literalString(first);
    if (first !== url) {
      // `"https://api.example.com/users/" + id`, `baseUrl + "/users/" + id`: the request picks the path only.
      if (text !== undefined ? FIXED.test(text) : !taint.origin(first)) return undefined;
    }
    if (url.type === 'method_invocation' && /^(format|formatted)$/.test(field(url, 'name')?.text ?? '')) {
      const format = field(url, 'name')?.text === 'format' ? named(field(url, 'arguments'))[0] : field(url, 'object');
      const pattern = format ? literalString(bare(format) ?? format) : undefined;
      if (pattern !== undefined && FIXED.test(pattern)) return undefined;
    }
    return taint.origin(url) ?? (arg ? taint.origin(arg) : undefined);
  };

  const hostChecked = (method: Node): boolean => {
    const cached = guarded.get(method.id);
    if (cached !== undefined) return cached;
    const found = descendants(method, CALLS).some((call) => {
      if (call.type !== 'method_invocation' || field(call, 'name')?.text !== 'getHost') return false;
      for (let current = call.parent; current && current.id !== method.id; current = current.parent) {
        if (CONDITIONS.has(current.type)) {
          const condition = field(current, 'condition') ?? named(current)[0];
          return !!condition && condition.startIndex <= call.startIndex && call.endIndex <= condition.endIndex;
        }
      }
      return false;
    });
    guarded.set(method.id, found);
    return found;
  };

  /** The expression a builder chain starts from: `webClient` in `webClient.get().uri(x)`. */
  const root = (node: Node): Node => {
    let current = node;
    for (let object = field(current, 'object'); object; object = field(current, 'object')) current = object;
    return current;
  };

  for (const source of candidates) {
    const file = tracer.program.files.find((candidate) => candidate.source === source);
    if (!file) continue;
    const typeOf = (node: Node): string | undefined => tracer.typeOf(node, classAt(file, node));
    for (const node of descendants(source.tree.rootNode, CALLS)) {
      const args = named(field(node, 'arguments'));
      let url: Node | undefined;
      let call = '';
      if (node.type === 'object_creation_expression') {
        const type = simpleName(field(node, 'type')?.text ?? '');
        if (!/^(HttpGet|HttpPost|HttpPut|HttpDelete|HttpPatch|HttpHead)$/.test(type)) continue;
        url = args[0];
        call = `new ${type}`;
      } else {
        const name = field(node, 'name')?.text ?? '';
        const receiver = field(node, 'object');
        if (!receiver) continue;
        const start = root(node);
        const startType = start.type === 'identifier' || start.type === 'field_access' ? typeOf(start) : undefined;
        if (/^(openConnection|openStream|getContent)$/.test(name)) {
          const target = bare(receiver);
          const created = target?.type === 'identifier' ? bare(localValue(target.text, target)) : target;
          if (created?.type !== 'object_creation_expression' || simpleName(field(created, 'type')?.text ?? '') !== 'URL') continue;
          url = named(field(created, 'arguments'))[0];
          call = `URL.${name}`;
        } else if (clients.has(name)) {
          if (!clients.get(name)?.includes(typeOf(receiver) ?? '')) continue;
          url = args[0];
          call = `${receiver.text}.${name}`;
        } else if (factories.get(receiver.text)?.includes(name)) {
          url = args[0];
          call = `${receiver.text}.${name}`;
        } else if (name === 'uri' || builders.some((builder) => builder.methods.has(name))) {
          let inner = node;
          for (let object = field(inner, 'object'); object?.type === 'method_invocation'; object = field(inner, 'object')) inner = object;
          const chain = inner.id === node.id ? '' : `${field(inner, 'object')?.text ?? ''}.${field(inner, 'name')?.text ?? ''}`;
          const httpRequest = name === 'uri' && /^HttpRequest\.newBuilder$/.test(chain);
          const builder = builders.find((candidate) => candidate.methods.has(name) && (candidate.starts.includes(chain) || candidate.types.includes(startType ?? '')));
          if (!builder && !httpRequest) continue;
          url = args[0];
          call = `${httpRequest || !builder ? 'HttpRequest' : builder.name}.${name}`;
        } else if (name === 'newBuilder' && receiver.text === 'HttpRequest') {
          url = args[0];
          call = 'HttpRequest.newBuilder';
        } else if (name === 'url') {
          const builder = start.type === 'object_creation_expression' && /(^|\.)Request\.Builder$/.test(field(start, 'type')?.text ?? '');
          if (!builder) continue;
          url = args[0];
          call = 'Request.Builder.url';
        } else continue;
      }
      if (!url) continue;
      const found = origin(url);
      if (!found) continue;
      const method = enclosingMethod(node);
      if (method && hostChecked(method)) continue;
      out.push({ source, node, snippet: node.text.split('\n')[0] ?? '', call, origin: found });
    }
  }
  return out;
}
