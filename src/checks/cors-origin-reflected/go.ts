/**
 * Go services that answer any origin with itself while allowing credentials:
 * - rs/cors, gin-contrib/cors and echo option literals with an origin function that always returns
 *   true, or echo's `UnsafeWildcardOriginWithAllowCredentials: true` with `*` (the libraries then
 *   write the caller's own origin into `Access-Control-Allow-Origin`);
 * - gorilla/handlers `handlers.CORS(handlers.AllowedOriginValidator(func(string) bool { return true }),
 *   handlers.AllowCredentials(), …)`;
 * - go-pkgz/rest `rest.CORS(rest.CorsAllowCredentials(true), rest.CorsUnsafeAnyOriginWithCredentials(true), …)`
 *   with `*` among the origins (its default): the middleware then answers with the caller's origin
 *   (without the unsafe option it refuses to start);
 * - hand-written middleware that copies the request's `Origin` header into
 *   `Access-Control-Allow-Origin` (net/http `w.Header().Set`, gin `c.Header`, echo
 *   `c.Response().Header().Set`, fiber `c.Set`) in a function that also sends
 *   `Access-Control-Allow-Credentials: true`, without an allow-list check of the origin around or
 *   before it (a test that the origin is not empty is no check).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, named, statements, stringLiteral, unwrap, walk } from '../../collectors/code/go/ast.js';
import { importsOf } from '../../collectors/code/go/program.js';
import { goCorsOptions, reflectsEveryOrigin } from '../cors-wildcard-with-credentials/go.js';
import { parentOf } from '../../parsing/tree-index.js';
import { goRequestProviders } from '../../collectors/code/plugins.js';

export interface GoReflection {
  source: SourceFile;
  node: Node;
  label: string;
  how: string;
}

const GORILLA = /^github\.com\/gorilla\/handlers$/;
const PKGZ_REST = /^github\.com\/go-pkgz\/rest(\/v\d+)?$/;
const ORIGIN_HEADER = /^origin$/i;
const FUNCTIONS: ReadonlySet<string> = new Set(['function_declaration', 'method_declaration', 'func_literal']);

let headerMethods: { writes: ReadonlySet<string>; reads: ReadonlySet<string> } | undefined;

/** net/http's `Header().Set` / `Add` and `Header.Get` / `Values`, with the frameworks' context methods (`goRequest.headerWriters`, `headerReads`). */
function headerMethodNames(): { writes: ReadonlySet<string>; reads: ReadonlySet<string> } {
  headerMethods ??= {
    writes: new Set(['Set', 'Add', ...goRequestProviders().flatMap(({ provider }) => provider.headerWriters ?? [])]),
    reads: new Set(['Get', 'Values', ...goRequestProviders().flatMap(({ provider }) => provider.headerReads ?? [])]),
  };
  return headerMethods;
}

function calleeName(call: Node): string {
  const callee = field(call, 'function');
  return callee?.type === 'selector_expression' ? (field(callee, 'field')?.text ?? '') : (callee?.text ?? '');
}

/** `func(origin string) bool { return true }`. */
function alwaysTrue(fn: Node | undefined): boolean {
  if (fn?.type !== 'func_literal') return false;
  const body = statements(field(fn, 'body'));
  const only = body.length === 1 ? body[0] : undefined;
  const list = only?.type === 'return_statement' ? named(only)[0] : undefined;
  const first = list?.type === 'expression_list' ? named(list)[0] : list;
  return first !== undefined && unwrap(first).type === 'true';
}

/** `r.Header.Get("Origin")`, `c.GetHeader("Origin")`, `c.Request().Header.Get("Origin")`, fiber `c.Get("Origin")`. */
function readsOrigin(node: Node | undefined): boolean {
  if (node?.type !== 'call_expression') return false;
  const name = calleeName(node);
  const arg = callArgs(node)[0];
  return headerMethodNames().reads.has(name) && arg !== undefined && ORIGIN_HEADER.test(stringLiteral(arg) ?? '');
}

/** Names assigned from a request Origin read in a function. */
function originNames(fn: Node): Set<string> {
  const names = new Set<string>();
  walk(fn, (node) => {
    if (node.type === 'short_var_declaration' || node.type === 'assignment_statement' || node.type === 'var_spec') {
      const left = node.type === 'var_spec' ? node.childrenForFieldName('name').filter((n): n is Node => n !== null) : named(field(node, 'left') ?? node);
      const right = named(field(node, node.type === 'var_spec' ? 'value' : 'right') ?? node);
      left.forEach((target, index) => {
        const value = right[index];
        if (value && (readsOrigin(unwrap(value)) || (value.type === 'identifier' && names.has(value.text)))) names.add(target.text);
      });
    }
    return true;
  });
  return names;
}

/** A header write: `X.Set(name, v)`, `X.Add(name, v)`, gin `c.Header(name, v)`, fiber `c.Set(name, v)`. */
function headerWrite(node: Node): { name: string; value: Node } | undefined {
  if (node.type !== 'call_expression') return undefined;
  const method = calleeName(node);
  if (!headerMethodNames().writes.has(method)) return undefined;
  const [name, value] = callArgs(node);
  const header = name ? stringLiteral(name) : undefined;
  return header !== undefined && value ? { name: header.toLowerCase(), value: unwrap(value) } : undefined;
}

/** Whether a condition does more with the origin than test that it is not empty. */
function checksOrigin(condition: Node, names: ReadonlySet<string>): boolean {
  let checked = false;
  walk(condition, (node) => {
    if (checked) return false;
    const isOrigin = (node.type === 'identifier' && names.has(node.text)) || readsOrigin(node);
    if (!isOrigin) return true;
    const parent = parentOf(node);
    if (parent?.type === 'binary_expression') {
      const other = named(parent).find((side) => side.id !== node.id);
      if (other && stringLiteral(other) === '') return false;
    }
    if (parent?.type === 'argument_list' && parentOf(parent)?.type === 'call_expression' && field(parentOf(parent) as Node, 'function')?.text === 'len') return false;
    checked = true;
    return false;
  });
  return checked;
}

/** An `if` around the write, or before it in the function (`if !allowed(origin) { return }`), checks the origin. */
function guarded(write: Node, fn: Node, names: ReadonlySet<string>): boolean {
  for (let current = parentOf(write); current && current.id !== fn.id; current = parentOf(current)) {
    if ((current.type === 'if_statement' || current.type === 'expression_switch_statement') && field(current, current.type === 'if_statement' ? 'condition' : 'value') && checksOrigin(field(current, current.type === 'if_statement' ? 'condition' : 'value') as Node, names)) return true;
    if (current.type === 'expression_case' && checksOrigin(field(current, 'value') ?? current, names)) return true;
  }
  let before = false;
  walk(fn, (node) => {
    if (before || node.startIndex >= write.startIndex) return false;
    if (node.type === 'if_statement' && field(node, 'condition') && checksOrigin(field(node, 'condition') as Node, names)) before = true;
    return !before;
  });
  return before;
}

function handWritten(source: SourceFile): GoReflection[] {
  const out: GoReflection[] = [];
  if (!/Access-Control-Allow-Origin/i.test(source.text)) return out;
  walk(source.tree.rootNode, (fn) => {
    if (!FUNCTIONS.has(fn.type)) return true;
    const writes: { node: Node; name: string; value: Node }[] = [];
    walk(fn, (node) => {
      if (node !== fn && FUNCTIONS.has(node.type)) return false;
      const write = headerWrite(node);
      if (write) writes.push({ node, ...write });
      return true;
    });
    const credentials = writes.some((write) => write.name === 'access-control-allow-credentials' && stringLiteral(write.value) === 'true');
    if (!credentials) return true;
    const names = originNames(fn);
    for (const write of writes) {
      if (write.name !== 'access-control-allow-origin') continue;
      if (!readsOrigin(write.value) && !(write.value.type === 'identifier' && names.has(write.value.text))) continue;
      if (guarded(write.node, fn, names)) continue;
      out.push({ source, node: write.node, label: write.node.text.replace(/\s+/g, ' '), how: 'the request\'s `Origin` header copied into `Access-Control-Allow-Origin`' });
    }
    return true;
  }, true);
  return out;
}

function gorilla(source: SourceFile): GoReflection[] {
  const out: GoReflection[] = [];
  if (!source.text.includes('gorilla/handlers')) return out;
  const imports = importsOf(source.tree.rootNode);
  const local = [...imports].find(([, path]) => GORILLA.test(path))?.[0];
  if (!local) return out;
  walk(source.tree.rootNode, (node) => {
    if (node.type !== 'call_expression' || field(node, 'function')?.text !== `${local}.CORS`) return true;
    const options = callArgs(node).map(unwrap);
    const credentials = options.some((option) => option.type === 'call_expression' && field(option, 'function')?.text === `${local}.AllowCredentials`);
    const validator = options.find((option) => option.type === 'call_expression' && field(option, 'function')?.text === `${local}.AllowedOriginValidator`);
    if (credentials && validator && alwaysTrue(callArgs(validator)[0] ? unwrap(callArgs(validator)[0] as Node) : undefined)) {
      out.push({ source, node, label: `${local}.CORS(…, ${local}.AllowCredentials())`, how: 'an origin validator that always returns true' });
    }
    return true;
  }, true);
  return out;
}

/** go-pkgz/rest `CORS(opts...)`: credentials, the unsafe opt-in, and `*` (the default when no origins are given). */
function pkgzRest(source: SourceFile): GoReflection[] {
  const out: GoReflection[] = [];
  if (!source.text.includes('go-pkgz/rest')) return out;
  const local = [...importsOf(source.tree.rootNode)].find(([, path]) => PKGZ_REST.test(path))?.[0];
  if (!local) return out;
  const option = (options: Node[], name: string): Node | undefined => options.find((each) => each.type === 'call_expression' && field(each, 'function')?.text === `${local}.${name}`);
  const isTrue = (call: Node | undefined): boolean => call !== undefined && callArgs(call)[0]?.type === 'true';
  walk(source.tree.rootNode, (node) => {
    if (node.type !== 'call_expression' || field(node, 'function')?.text !== `${local}.CORS`) return true;
    const options = callArgs(node).map(unwrap);
    const origins = option(options, 'CorsAllowedOrigins');
    const everyOrigin = !origins || callArgs(origins).some((arg) => stringLiteral(arg) === '*');
    if (everyOrigin && isTrue(option(options, 'CorsAllowCredentials')) && isTrue(option(options, 'CorsUnsafeAnyOriginWithCredentials'))) {
      out.push({ source, node, label: `${local}.CORS(…, ${local}.CorsAllowCredentials(true))`, how: '`CorsUnsafeAnyOriginWithCredentials(true)` with every origin allowed, which answers with the caller\'s own origin' });
    }
    return true;
  }, true);
  return out;
}

export function goReflections(sources: readonly SourceFile[]): GoReflection[] {
  const out: GoReflection[] = [];
  for (const source of sources) {
    if (source.language !== 'go' || source.file.endsWith('_test.go')) continue;
    for (const { node, label, options } of goCorsOptions(source)) {
      if (options.get('AllowCredentials')?.type !== 'true') continue;
      const how = reflectsEveryOrigin(options);
      if (how) out.push({ source, node, label, how });
    }
    out.push(...gorilla(source), ...pkgzRest(source), ...handWritten(source));
  }
  return out;
}
