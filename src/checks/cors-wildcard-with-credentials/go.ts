import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { field, named, statements, stringLiteral, unwrap, walk } from '../../collectors/code/go/ast.js';
import { importsOf } from '../../collectors/code/go/program.js';
import { goCorsProviders } from '../../collectors/code/plugins.js';

/** CORS option types of the middleware libraries any net/http router mounts (rs/cors, go-chi/cors); the frameworks' own in their `goCors` sections. */
const LIBRARY_TYPES = [{ path: String.raw`github\.com/(rs/cors|go-chi/cors)`, names: ['Options', 'Config'] }];

let optionTypes: { path: RegExp; names: ReadonlySet<string> }[] | undefined;

/** `cors.Options`, `ginCors.Config`, `middleware.CORSConfig`, whatever the import's local name. */
function isCorsType(type: Node | undefined, imports: ReadonlyMap<string, string>): boolean {
  if (type?.type !== 'qualified_type') return false;
  const path = imports.get(field(type, 'package')?.text ?? '') ?? '';
  const name = field(type, 'name')?.text ?? '';
  optionTypes ??= [...LIBRARY_TYPES, ...goCorsProviders().flatMap((provider) => provider.optionTypes)].map((entry) => ({ path: new RegExp(`^(?:${entry.path})$`), names: new Set(entry.names) }));
  return optionTypes.some((entry) => entry.names.has(name) && entry.path.test(path));
}
const ORIGIN_KEYS = new Set(['AllowedOrigins', 'AllowOrigins']);
const ORIGIN_FUNCS = new Set(['AllowOriginFunc', 'AllowOriginRequestFunc', 'AllowOriginsFunc', 'AllowOriginVaryRequestFunc']);

function elements(literal: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  const body = field(literal, 'body');
  for (const element of body ? named(body) : []) {
    if (element.type !== 'keyed_element') continue;
    const [key, value] = named(element);
    const keyText = key ? unwrap(named(key)[0] ?? key).text : '';
    const valueNode = value ? (named(value)[0] ?? value) : undefined;
    if (keyText && valueNode) out.set(keyText, unwrap(valueNode));
  }
  return out;
}

function isWildcard(value: Node): boolean {
  const text = stringLiteral(value);
  if (text !== undefined) return text.split(',').some((origin) => origin.trim() === '*');
  if (value.type !== 'composite_literal') return false;
  const body = field(value, 'body');
  return (body ? named(body) : []).some((element) => stringLiteral(named(element)[0] ?? element) === '*');
}

/** `func(origin string) bool { return true }` (echo: `return true, nil`): every origin is accepted (and echoed back). */
function acceptsAll(value: Node): boolean {
  if (value.type !== 'func_literal') return false;
  const body = statements(field(value, 'body'));
  const only = body.length === 1 ? body[0] : undefined;
  if (only?.type !== 'return_statement') return false;
  const list = named(only)[0];
  const first = list?.type === 'expression_list' ? named(list)[0] : list;
  return first !== undefined && unwrap(first).type === 'true';
}

export interface GoCorsOptions {
  node: Node;
  label: string;
  /** Keyed elements of the literal, by key. */
  options: Map<string, Node>;
}

/** Every CORS option literal of a file (`cors.Options{…}`, `ginCors.Config{…}`, `middleware.CORSConfig{…}`). */
export function goCorsOptions(source: SourceFile): GoCorsOptions[] {
  if (!/cors|CORS/.test(source.text)) return [];
  const imports = importsOf(source.tree.rootNode);
  const out: GoCorsOptions[] = [];
  walk(
    source.tree.rootNode,
    (node) => {
      if (node.type === 'composite_literal' && isCorsType(field(node, 'type'), imports)) out.push({ node, label: `${field(node, 'type')?.text ?? 'cors'}{…, AllowCredentials: true}`, options: elements(node) });
      return true;
    },
    true,
  );
  return out;
}

/**
 * Options whose origin function accepts every origin: rs/cors, gin-contrib/cors and echo answer with
 * the caller's own origin then (reflection, reported by cors-origin-reflected), and echo's
 * `UnsafeWildcardOriginWithAllowCredentials: true`, which turns `*` into the caller's origin.
 */
export function reflectsEveryOrigin(options: ReadonlyMap<string, Node>): string | undefined {
  const func = [...ORIGIN_FUNCS].map((key) => options.get(key)).find((value) => value !== undefined);
  if (func && acceptsAll(func)) return 'an origin function that always returns true';
  const origins = [...ORIGIN_KEYS].map((key) => options.get(key)).find((value) => value !== undefined);
  if (options.get('UnsafeWildcardOriginWithAllowCredentials')?.type === 'true' && origins && isWildcard(origins)) return '`UnsafeWildcardOriginWithAllowCredentials: true`, which answers `*` with the caller\'s own origin';
  return undefined;
}

/** CORS options that allow every origin (`*`, `AllowAllOrigins`) together with credentials; reflection is cors-origin-reflected's. */
export function goPolicies(source: SourceFile): { node: Node; label: string }[] {
  const out: { node: Node; label: string }[] = [];
  for (const { node, label, options } of goCorsOptions(source)) {
    if (options.get('AllowCredentials')?.type !== 'true' || reflectsEveryOrigin(options)) continue;
    const origins = [...ORIGIN_KEYS].map((key) => options.get(key)).find((value) => value !== undefined);
    if (options.get('AllowAllOrigins')?.type === 'true' || (origins && isWildcard(origins))) out.push({ node, label });
  }
  return out;
}
