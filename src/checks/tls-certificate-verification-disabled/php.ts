/**
 * TLS verification turned off in PHP HTTP clients: Laravel's `Http::withoutVerifying()`, Guzzle and
 * Laravel `withOptions` / request options `'verify' => false`, Symfony HttpClient `'verify_peer'` /
 * `'verify_host' => false`, stream contexts `['ssl' => ['verify_peer' => false]]`, and cURL
 * `CURLOPT_SSL_VERIFYPEER => false` / `CURLOPT_SSL_VERIFYHOST => 0` (through `curl_setopt` or
 * `curl_setopt_array`).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { enclosingFunction } from '../../collectors/code/php/requests.js';
import { arrayEntries, field, callArguments, callName, literalString, unwrap, walk } from '../../collectors/code/php/ast.js';
import { phpHttpProviders } from '../../collectors/code/plugins.js';
import { descendantsOf } from '../../parsing/tree-index.js';

const OPTION_KEYS = new Set(['verify', 'verify_peer', 'verify_peer_name', 'verify_host', 'allow_self_signed']);
const CURL_OPTIONS = new Set(['CURLOPT_SSL_VERIFYPEER', 'CURLOPT_SSL_VERIFYHOST', 'CURLOPT_PROXY_SSL_VERIFYPEER', 'CURLOPT_PROXY_SSL_VERIFYHOST']);

let offNames: ReadonlySet<string> | undefined;

/** The frameworks' calls that turn verification off (their `phpHttp` sections: Laravel's `Http::withoutVerifying()`), once. */
function verificationOff(): ReadonlySet<string> {
  offNames ??= new Set(phpHttpProviders().flatMap((provider) => provider.verificationOff ?? []));
  return offNames;
}

/** Saloon's `defaultConfig` methods, and the calls and `new`s whose option arrays are read. */
const SITE_TYPES = ['method_declaration', 'member_call_expression', 'nullsafe_member_call_expression', 'scoped_call_expression', 'function_call_expression', 'object_creation_expression'];

export interface PhpTlsSite {
  node: Node;
  what: string;
  /** The function or method holding the site (empty at file level). */
  scope: string;
}

/** `false` (cURL options also `0`; `true` for `allow_self_signed`). */
function disables(key: string, value: Node): boolean {
  const target = unwrap(value);
  const text = target.text.toLowerCase();
  if (key === 'allow_self_signed') return target.type === 'boolean' && text === 'true';
  if (CURL_OPTIONS.has(key)) return (target.type === 'boolean' && text === 'false') || (target.type === 'integer' && text === '0');
  return target.type === 'boolean' && text === 'false';
}

function constantName(node: Node | undefined): string | undefined {
  if (!node) return undefined;
  const target = unwrap(node);
  if (target.type === 'name') return target.text;
  if (target.type === 'qualified_name') return target.text.replace(/^.*\\/, '');
  return undefined;
}

/** Option arrays handed straight to a call or constructor (nested `'ssl' => [...]` included). */
function optionSites(array: Node, out: PhpTlsSite[], depth = 0): void {
  if (depth > 3) return;
  for (const entry of arrayEntries(array) ?? []) {
    const key = literalString(entry.key) ?? constantName(entry.key);
    const value = unwrap(entry.value);
    if (value.type === 'array_creation_expression') {
      optionSites(value, out, depth + 1);
      continue;
    }
    if (!key || !entry.key) continue;
    if ((OPTION_KEYS.has(key) || CURL_OPTIONS.has(key)) && disables(key, value)) {
      out.push({ node: entry.key.parent ?? entry.value, what: entry.key.parent?.text ?? `${key} => ${value.text}`, scope: '' });
    }
  }
}

/** Inside an `if` / ternary / `match` of its function: verification off only when a setting asks for it. */
function conditional(node: Node): boolean {
  for (let current = node.parent; current; current = current.parent) {
    if (['method_declaration', 'function_definition', 'anonymous_function_creation_expression', 'arrow_function'].includes(current.type)) return false;
    if (['if_statement', 'else_clause', 'else_if_clause', 'conditional_expression', 'match_expression'].includes(current.type)) return true;
  }
  return false;
}

export function phpTlsSites(source: SourceFile): PhpTlsSite[] {
  const off = verificationOff();
  if (!/verify|VERIFYPEER|VERIFYHOST|allow_self_signed/.test(source.text) && ![...off].some((name) => source.text.includes(name))) return [];
  const out: PhpTlsSite[] = [];
  // Method declarations and calls in document order, from the tree's per-type lists (a walk visited every node for them).
  for (const node of descendantsOf(source.tree.rootNode, SITE_TYPES)) {
    // Saloon connectors and requests: `protected function defaultConfig(): array { return ['verify' => false]; }`
    if (node.type === 'method_declaration') {
      if (field(node, 'name')?.text === 'defaultConfig') {
        walk(node, (inner) => {
          if (inner.type === 'return_statement' && inner.namedChildren[0]?.type === 'array_creation_expression') optionSites(inner.namedChildren[0], out);
          return true;
        });
      }
      continue;
    }
    const name = node.type === 'object_creation_expression' ? undefined : callName(node);
    const args = callArguments(node);
    if (name !== undefined && off.has(name)) {
      out.push({ node, what: `${name}()`, scope: '' });
      continue;
    }
    if (name === 'curl_setopt') {
      const option = constantName(args[1]?.value);
      const value = args[2]?.value;
      if (option && CURL_OPTIONS.has(option) && value && disables(option, value)) out.push({ node, what: `curl_setopt(…, ${option}, ${unwrap(value).text})`, scope: '' });
      continue;
    }
    for (const arg of args) {
      const value = unwrap(arg.value);
      if (value.type === 'array_creation_expression') optionSites(value, out);
    }
  }
  const unconditional = out.filter((site) => !conditional(site.node));
  for (const site of unconditional) {
    const fn = enclosingFunction(site.node);
    site.scope = fn ? (field(fn, 'name')?.text ?? `@${fn.startPosition.row + 1}`) : '';
  }
  return unconditional;
}
