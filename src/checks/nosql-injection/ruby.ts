/**
 * NoSQL injection in Ruby with Mongoid. Mongoid (4+) rejects unpermitted
 * `ActionController::Parameters` anywhere in a criterion (`Criteria::Permission`), so Rails'
 * `where(api_key: params[:api_key])` raises instead of matching `{"$ne": …}`. What still reaches the
 * database as operators is a plain hash of request data:
 * - strong parameters switched off (`params.permit!`, `params.to_unsafe_h`: the frameworks' `rubyParams.unsafe`);
 * - the request's own hashes (`request.params`, `request.query_parameters`, `request.request_parameters`)
 *   and a parsed body (`JSON.parse(request.body.read)`, `JSON.parse(request.raw_post)`);
 * - a framework's `params` that is a plain hash (Sinatra's: the frameworks' `rubyParams` sections);
 * and request text under a `$where` key (JavaScript run by the server).
 */
import type { Node } from '../../parsing/parser.js';
import { field, kids, walk } from '../../collectors/code/ruby/ast.js';
import { localValue, requestOrigin } from '../../collectors/code/ruby/requests.js';
import type { SourceFile } from '../../engine/context.js';
import { rubyParamsProviders } from '../../collectors/code/plugins.js';

let unsafeCalls: ReadonlySet<string> | undefined;

/** Calls that turn a framework's parameter protection off (Rails' `permit!`). */
function unsafe(): ReadonlySet<string> {
  unsafeCalls ??= new Set(rubyParamsProviders().flatMap((provider) => provider.unsafe ?? []));
  return unsafeCalls;
}

let rawBody: RegExp | undefined;

/** A parsed body's text: Rack's `request.body` and `env["rack.input"]`, and the frameworks' raw body methods (`rubyParams.rawBody`: Rails' `request.raw_post`). */
function rawBodyText(): RegExp {
  rawBody ??= new RegExp(`\\brequest\\.(${['body', ...rubyParamsProviders().flatMap((provider) => provider.rawBody ?? [])].join('|')})\\b|\\benv\\[["']rack\\.input["']\\]`);
  return rawBody;
}

export interface RubyNosqlHit {
  source: SourceFile;
  node: Node;
  origin: string;
  written: string;
  where: boolean;
}

const CRITERIA = new Set(['where', 'find_by', 'find_by!', 'any_of', 'all_of', 'and', 'or', 'nor', 'not', 'none_of', 'find_or_create_by', 'find_or_initialize_by', 'elem_match', 'in', 'nin', 'exists']);
const REQUEST_HASHES = new Set(['params', 'parameters', 'query_parameters', 'request_parameters', 'GET', 'POST']);

function mongoidModels(sources: readonly SourceFile[]): Set<string> {
  const out = new Set<string>();
  for (const source of sources) {
    if (!source.text.includes('Mongoid::Document')) continue;
    walk(source.tree.rootNode, (node) => {
      if (node.type !== 'class') return true;
      const name = field(node, 'name')?.text.split('::').at(-1);
      if (name && /\binclude\s+Mongoid::Document\b/.test(node.text)) out.add(name);
      return true;
    });
  }
  return out;
}

/** The request hash an argument evaluates to, unprotected by strong parameters; its text. */
function plainRequestHash(node: Node, depth = 0): string | undefined {
  if (depth > 3) return undefined;
  let found: string | undefined;
  walk(node, (current) => {
    if (found) return false;
    if (current.type === 'call') {
      const method = field(current, 'method')?.text ?? '';
      const receiver = field(current, 'receiver');
      if (unsafe().has(method) && receiver && requestOrigin(receiver)) found = current.text;
      else if (receiver?.text === 'request' && REQUEST_HASHES.has(method)) found = current.text;
      else if (method === 'parse' && /^(JSON|Oj|MultiJson)$/.test(receiver?.text ?? '')) {
        const arg = kids(field(current, 'arguments') ?? current)[0];
        if (arg && rawBodyText().test(arg.text)) found = current.text;
      }
      return !found;
    }
    if (current.type === 'identifier') {
      const value = localValue(current, current);
      if (value && value.id !== node.id) {
        const inner = plainRequestHash(value, depth + 1);
        if (inner) found = inner;
      }
      return false;
    }
    return true;
  });
  return found;
}

export function rubyNosqlInjections(sources: readonly SourceFile[]): RubyNosqlHit[] {
  const ruby = sources.filter((source) => source.language === 'ruby' && !/(^|\/)(spec|test)\//.test(source.file));
  const models = mongoidModels(ruby);
  if (models.size === 0) return [];
  const hits: RubyNosqlHit[] = [];
  for (const source of ruby) {
    if (!/params|request\./.test(source.text)) continue;
    const plainParams = rubyParamsProviders().some((provider) => provider.plain?.(source) === true);
    walk(source.tree.rootNode, (node) => {
      if (node.type !== 'call') return true;
      const method = field(node, 'method')?.text ?? '';
      if (!CRITERIA.has(method)) return true;
      const receiver = field(node, 'receiver');
      const root = receiver?.text.split(/[.(\s]/)[0]?.split('::').at(-1) ?? '';
      if (!models.has(root)) return true;
      const args = kids(field(node, 'arguments') ?? node);
      const written = `${root}.${method}(…)`;
      for (const arg of args) {
        // `where("$where" => "this.price > #{params[:min]}")`.
        const pairs = arg.type === 'pair' ? [arg] : arg.type === 'hash' ? kids(arg).filter((child) => child.type === 'pair') : [];
        const where = pairs.find((pair) => /^["':]?\$where["']?:?$/.test(field(pair, 'key')?.text ?? '') && requestOrigin(field(pair, 'value')));
        if (where) {
          hits.push({ source, node, origin: requestOrigin(field(where, 'value')) ?? '', written, where: true });
          return true;
        }
        // A plain `params` hash (Sinatra's): any request value not converted to a string or number.
        const plain = plainRequestHash(arg) ?? (plainParams ? plainValue(arg) : undefined);
        if (plain) {
          hits.push({ source, node, origin: plain, written, where: false });
          return true;
        }
      }
      return true;
    });
  }
  return hits;
}

/** A request value of a plain `params` hash in a criterion that is not turned into a scalar first (`params[:name].to_s`). */
function plainValue(arg: Node): string | undefined {
  const values = arg.type === 'pair' ? [field(arg, 'value')] : arg.type === 'hash' ? kids(arg).filter((child) => child.type === 'pair').map((pair) => field(pair, 'value')) : [arg];
  for (const value of values) {
    if (!value) continue;
    if (value.type === 'call' && /^(to_s|to_str|to_i|to_f|to_sym|to_d)$/.test(field(value, 'method')?.text ?? '')) continue;
    const origin = requestOrigin(value);
    if (origin) return origin;
  }
  return undefined;
}
