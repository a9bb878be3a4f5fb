/**
 * Outbound requests to a URL taken from the request in PHP: Laravel's `Http` facade
 * (`Http::get($url)`, `Http::withToken($t)->post($url)`, `->send('GET', $url)`), Guzzle clients and
 * Symfony HttpClient (`$client->get($url)`, `->request('GET', $url)`) held in a typed property,
 * parameter or local, cURL (`curl_init($url)`, `CURLOPT_URL`), and `file_get_contents` / `fopen` /
 * `file` / `readfile` / `get_headers` of a value that is request data from its first character.
 * Safe: a fixed scheme and host before the value (a literal with a path, `config(...)` or a base
 * URL), `Http::baseUrl(...)`, and a condition of the function that checks the value's host
 * (`parse_url`, `in_array`, `str_starts_with`, `Str::startsWith`, `filter_var` with a private-range flag).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { arrayEntries, field, walk } from '../../collectors/code/php/ast.js';
import { enclosingFunction, requestOrigin } from '../../collectors/code/php/requests.js';
import { chainRoot, conditionsOf, leadingPart, phpCalls, receiverClass, resolveLocal, variablesIn, type PhpCallSite } from '../../collectors/code/php/sinks.js';
import { phpHttpProviders } from '../../collectors/code/plugins.js';
import type { PhpHttpProvider } from '../../collectors/code/plugin.js';

const CLIENT_METHODS = new Set(['get', 'post', 'put', 'patch', 'delete', 'head', 'options', 'getAsync', 'postAsync', 'putAsync', 'patchAsync', 'deleteAsync', 'headAsync']);
/** Guzzle's and PSR-18's client types and imports; the frameworks' clients (Symfony's HttpClient) are their `phpHttp` sections'. */
const CLIENT_CLASSES = ['Client', 'ClientInterface', 'GuzzleClient'];
const CLIENT_IMPORTS = /GuzzleHttp|Psr\\Http\\Client/;
/** What a source must mention to be read, besides a client facade's name (`Http::`). */
const MENTIONS = /->(get|post|put|patch|delete|head|request|send)\w*\(|curl_|file_get_contents|fopen|readfile|get_headers|getimagesize|file\(/;

interface Clients {
  facades: NonNullable<PhpHttpProvider['facade']>[];
  classes: ReadonlySet<string>;
  imports: readonly RegExp[];
}

let clients: Clients | undefined;

/** The frameworks' clients joined with Guzzle's, once. */
function known(): Clients {
  if (clients) return clients;
  const providers = phpHttpProviders();
  clients = {
    facades: providers.flatMap((provider) => (provider.facade ? [provider.facade] : [])),
    classes: new Set([...CLIENT_CLASSES, ...providers.flatMap((provider) => provider.clients?.classes ?? [])]),
    imports: [CLIENT_IMPORTS, ...providers.flatMap((provider) => (provider.clients ? [provider.clients.imports] : []))],
  };
  return clients;
}
const URL_FUNCTIONS: Record<string, number> = { file_get_contents: 0, fopen: 0, file: 0, readfile: 0, get_headers: 0, curl_init: 0, getimagesize: 0 };

export interface PhpSsrfHit {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
}

/** The URL argument of a call, when the call sends a request. */
function urlArgument(call: PhpCallSite, guzzle: boolean): { arg: Node; written: string } | undefined {
  const positional = call.args.filter((arg) => arg.name === undefined).map((arg) => arg.value);
  const named = (name: string): Node | undefined => call.args.find((arg) => arg.name === name)?.value;
  if (call.kind === 'function') {
    if (call.name === 'curl_setopt' && /(^|\\)CURLOPT_URL$/.test(positional[1]?.text ?? '') && positional[2]) return { arg: positional[2], written: 'curl_setopt(…, CURLOPT_URL, …)' };
    if (call.name === 'curl_setopt_array') {
      const entry = (arrayEntries(positional[1]) ?? []).find((item) => /(^|\\)CURLOPT_URL$/.test(item.key?.text ?? ''));
      return entry ? { arg: entry.value, written: 'curl_setopt_array(…, [CURLOPT_URL => …])' } : undefined;
    }
    const index = URL_FUNCTIONS[call.name];
    const arg = index === undefined ? undefined : (positional[index] ?? named('filename') ?? named('url'));
    return arg ? { arg, written: call.name } : undefined;
  }
  if (call.kind !== 'method' && call.kind !== 'static') return undefined;
  const chain = chainRoot(call);
  const facade = chain && known().facades.find((each) => each.name === chain.root);
  if (chain && facade && chain.links.at(-1) === call.name) {
    if (chain.links.includes(facade.base)) return undefined;
    if (facade.verbs.includes(call.name) && positional[0]) return { arg: positional[0], written: `${facade.name}::${chain.links.join('()->')}` };
    if (call.name === facade.send && positional[1]) return { arg: positional[1], written: `${facade.name}::${chain.links.join('()->')}` };
    return undefined;
  }
  if (!guzzle || call.kind !== 'method' || !call.receiver) return undefined;
  const url = call.name === 'request' || call.name === 'requestAsync' ? (positional[1] ?? named('url') ?? named('uri')) : CLIENT_METHODS.has(call.name) ? (positional[0] ?? named('uri')) : undefined;
  if (!url) return undefined;
  const type = receiverClass(call.receiver, call.node);
  if (!type || !known().classes.has(type)) return undefined;
  return { arg: url, written: `${call.receiver.text}->${call.name}` };
}

/** The value is request data from its first character, or after a bare scheme (`"https://{$host}/x"`). */
function hostFromRequest(arg: Node, use: Node): boolean {
  const lead = leadingPart(resolveLocal(arg, use));
  // `config('services.x.url') . '/items/' . $id`: a configured base before the value.
  if (lead.literal === undefined) return lead.node !== undefined && requestOrigin(lead.node) !== undefined;
  return lead.literal === '' || /^[a-z][a-z0-9+.-]*:\/\/[^/?#]*$/i.test(lead.literal);
}

/** A condition of the function that checks the URL's host or prefix. */
function checked(fn: Node | undefined, value: Node): boolean {
  const names = variablesIn(value);
  return conditionsOf(fn).some((condition) => {
    if (![...variablesIn(condition)].some((name) => names.has(name)) && !/parse_url/.test(condition.text)) return false;
    let guard = false;
    walk(condition, (child) => {
      if (guard) return false;
      if (child.type === 'function_call_expression' && /^\\?(parse_url|in_array|str_starts_with|filter_var|preg_match|gethostbyname)$/.test(field(child, 'function')?.text ?? '')) guard = true;
      if ((child.type === 'scoped_call_expression' || child.type === 'member_call_expression') && /^(startsWith|is|isAllowed\w*|isSafe\w*|allowed\w*)$/.test(field(child, 'name')?.text ?? '')) guard = true;
      return !guard;
    });
    return guard;
  });
}

export function phpSsrf(sources: readonly SourceFile[]): PhpSsrfHit[] {
  const out: PhpSsrfHit[] = [];
  for (const source of sources) {
    if (source.language !== 'php') continue;
    const { facades, imports } = known();
    if (!facades.some((facade) => source.text.includes(`${facade.name}::`)) && !MENTIONS.test(source.text)) continue;
    const guzzle = imports.some((pattern) => pattern.test(source.text));
    for (const call of phpCalls(source.tree.rootNode)) {
      const sink = urlArgument(call, guzzle);
      if (!sink) continue;
      const origin = requestOrigin(sink.arg);
      if (!origin || !hostFromRequest(sink.arg, call.node)) continue;
      const fn = enclosingFunction(call.node);
      if (checked(fn, resolveLocal(sink.arg, call.node)) || checked(fn, sink.arg)) continue;
      out.push({ source, node: call.node, call: sink.written, origin });
    }
  }
  return out;
}
