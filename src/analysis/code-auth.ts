import type { Node } from 'web-tree-sitter';
import type { ReportDescriptor } from '../checks/define-check.js';
import type { CheckContext, SourceFile } from '../engine/context.js';
import { charge } from '../parsing/budget.js';
import { isJsFamily } from '../parsing/languages.js';
import { endpointAt } from './endpoints.js';
import {
  elementsOf,
  enclosingFunction,
  callSiteAt,
  callsAnsweredBy,
  literalValue,
  locationOf,
  propertyOf,
  snippetOf,
  stringValue,
  type CallSite,
} from './code.js';
import { descendantsOf, parentOf } from '../parsing/tree-index.js';
import { lookupTable } from './lookup.js';
import { jwtProviders } from '../collectors/code/plugins.js';

/** Shared helpers for the authentication checks: value resolution, the JWT calls of a file (from the plugins' JWT providers), reporting. */

export function isPython(source: SourceFile): boolean {
  return source.language === 'python';
}

export function isJs(source: SourceFile): boolean {
  return isJsFamily(source.language);
}

/** Location, endpoint and snippet for a finding on `node`. */
export function at(
  ctx: CheckContext,
  source: SourceFile,
  node: Node,
  snippet: string = snippetOf(node),
): Pick<ReportDescriptor<string>, 'location' | 'evidence' | 'key'> & { endpointId?: string } {
  const location = locationOf(source, node);
  let endpoint = endpointAt(ctx, source.file, location.line);
  // Handlers recorded without an end line only match on their first line: try the functions around the node.
  for (let fn = enclosingFunction(node); !endpoint && fn; fn = enclosingFunction(fn)) {
    endpoint = endpointAt(ctx, source.file, fn.startPosition.row + 1);
  }
  // The function name keeps two identical snippets in different functions apart, and survives line moves.
  const key = `${functionName(node)}\u0000${snippet.replace(/\s+/g, ' ').trim()}`;
  return { location, evidence: { snippet }, key, ...(endpoint ? { endpointId: endpoint.id } : {}) };
}

/** Replaces a secret literal's content with a masked form in a snippet. */
export function maskValue(snippet: string, secret: string): string {
  if (secret.length === 0) return snippet;
  const keep = Math.min(2, Math.floor(secret.length / 4));
  return snippet.split(secret).join(`${secret.slice(0, keep)}****`);
}

function scopeOf(node: Node): Node | undefined {
  return enclosingFunction(node);
}

interface Binding {
  name: Node;
  value: Node;
  statement: Node;
}

interface Bindings {
  all: Binding[];
  /** Bindings of a plain identifier, by name, each with the function it is made in (undefined: module). */
  byName: Map<string, { binding: Binding; scope: Node | undefined }[]>;
  /** The scopes of each name's bindings, nested (built on first use). */
  scopes: Map<string, NameScopes>;
}

const bindingCache = new WeakMap<SourceFile, Bindings>();

function indexBindings(source: SourceFile): Bindings {
  const cached = bindingCache.get(source);
  if (cached) return cached;
  const all: Binding[] = [];
  const root = source.tree.rootNode;
  if (isPython(source)) {
    // The tree's listed nodes (one walk shared by every analysis), in the order a walk would find them.
    for (const node of descendantsOf(root, ['assignment'])) {
      const name = node.childForFieldName('left');
      const value = node.childForFieldName('right');
      if (name && value) all.push({ name, value, statement: node });
    }
  } else {
    for (const node of descendantsOf(root, ['variable_declarator', 'assignment_expression'])) {
      const name = node.childForFieldName(node.type === 'variable_declarator' ? 'name' : 'left');
      const value = node.childForFieldName(node.type === 'variable_declarator' ? 'value' : 'right');
      if (name && value) all.push({ name, value, statement: node });
    }
  }
  const byName = new Map<string, { binding: Binding; scope: Node | undefined }[]>();
  for (const binding of all) {
    if (binding.name.type !== 'identifier') continue;
    const key = binding.name.text;
    let list = byName.get(key);
    if (!list) byName.set(key, (list = []));
    list.push({ binding, scope: scopeOf(binding.statement) });
  }
  const indexed = { all, byName, scopes: new Map<string, NameScopes>() };
  bindingCache.set(source, indexed);
  return indexed;
}

/**
 * Every value bound to `name` (an identifier) in the scope the use sees: its function, then outer ones.
 * The functions around a use are the ones whose span holds it, so the innermost scope that binds the
 * name is found among that name's bindings alone, without walking the scopes outwards.
 */
export function bindingsFor(source: SourceFile, use: Node, name = use.text): Binding[] {
  if (charge(source.tree)) return [];
  const bindings = indexBindings(source);
  const candidates = bindings.byName.get(name);
  if (!candidates) return [];
  const scopes = scopesOf(bindings, name, candidates);
  // The last scope starting at or before the use: every scope holding the use is it or one of its containers.
  let index = -1;
  let low = 0;
  let high = scopes.starts.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((scopes.starts[middle] as number) <= use.startIndex) {
      index = middle;
      low = middle + 1;
    } else high = middle;
  }
  const useEnd = use.endIndex;
  for (; index >= 0; index = scopes.outer[index] as number) {
    const scope = scopes.nodes[index] as Node;
    if ((scopes.ends[index] as number) < useEnd || scope.id === use.id) continue;
    if (scopes.starts[index] === use.startIndex && scopes.ends[index] === useEnd) return bindingsByScopeWalk(candidates, use);
    return candidates.filter((candidate) => candidate.scope?.id === scope.id).map(({ binding }) => binding);
  }
  return scopes.moduleLevel ? candidates.filter(({ scope }) => !scope).map(({ binding }) => binding) : [];
}

interface NameScopes {
  /** The distinct functions binding the name, by start (outer first at equal starts), with their spans as numbers. */
  nodes: Node[];
  starts: number[];
  ends: number[];
  /** Index of each function's innermost container among them, -1 for none. */
  outer: Int32Array;
  moduleLevel: boolean;
}

/** The scopes binding a name, nested once per file and name: a use then finds its innermost one by binary search, not by reading every binding of the name. */
function scopesOf(bindings: Bindings, name: string, candidates: readonly { binding: Binding; scope: Node | undefined }[]): NameScopes {
  let found = bindings.scopes.get(name);
  if (found) return found;
  const byId = new Map<number, { node: Node; start: number; end: number }>();
  let moduleLevel = false;
  for (const { scope } of candidates) {
    if (!scope) moduleLevel = true;
    else if (!byId.has(scope.id)) byId.set(scope.id, { node: scope, start: scope.startIndex, end: scope.endIndex });
  }
  const sorted = [...byId.values()].sort((a, b) => a.start - b.start || b.end - a.end);
  const outer = new Int32Array(sorted.length);
  const stack: number[] = [];
  sorted.forEach((entry, index) => {
    while (stack.length > 0 && (sorted[stack[stack.length - 1] as number] as { end: number }).end < entry.end) stack.pop();
    outer[index] = stack.length > 0 ? (stack[stack.length - 1] as number) : -1;
    stack.push(index);
  });
  found = { nodes: sorted.map((entry) => entry.node), starts: sorted.map((entry) => entry.start), ends: sorted.map((entry) => entry.end), outer, moduleLevel };
  bindings.scopes.set(name, found);
  return found;
}

/** The scope-by-scope walk, for the rare use whose span equals a function's (which holds which is unclear from spans). */
function bindingsByScopeWalk(candidates: readonly { binding: Binding; scope: Node | undefined }[], use: Node): Binding[] {
  let scope = scopeOf(use);
  for (;;) {
    const current = scope;
    const inScope = candidates.filter((candidate) => (candidate.scope && current ? candidate.scope.id === current.id : candidate.scope === current));
    if (inScope.length > 0) return inScope.map(({ binding }) => binding);
    if (!current) return [];
    scope = scopeOf(current);
  }
}

/** Python class attributes / annotated fields with this name in the same file (`class Settings: jwt_secret: str = "..."`). */
function classFieldValue(source: SourceFile, name: string): Node | undefined {
  // The name's bindings from the file's index (same order as the full list), not a scan of every binding per use.
  for (const { binding } of indexBindings(source).byName.get(name) ?? []) {
    if (parentOf(parentOf(parentOf(binding.statement)))?.type === 'class_definition') return binding.value;
  }
  return undefined;
}

/**
 * Follows identifiers (same function first, then outer scopes) and `obj.prop` of same-file object
 * literals or classes to the expression that gives a value. Stops at anything else.
 */
export function resolveValue(source: SourceFile, node: Node | undefined, depth = 0): Node | undefined {
  if (!node || depth > 5 || charge(source.tree)) return node;
  if (node.type === 'parenthesized_expression') return resolveValue(source, node.namedChildren[0] ?? undefined, depth + 1);
  if (node.type === 'identifier') {
    const bindings = bindingsFor(source, node);
    const before = bindings.filter((binding) => binding.statement.startIndex < node.startIndex);
    const chosen = (before.length > 0 ? before : bindings).at(before.length > 0 ? -1 : 0);
    if (!chosen || (chosen.value.startIndex <= node.startIndex && chosen.value.endIndex >= node.endIndex)) return node;
    return resolveValue(source, chosen.value, depth + 1);
  }
  if (node.type === 'member_expression' || node.type === 'attribute') {
    const objectNode = node.childForFieldName('object') ?? undefined;
    const property = node.childForFieldName(node.type === 'attribute' ? 'attribute' : 'property')?.text;
    if (!property) return node;
    const object = resolveValue(source, objectNode, depth + 1);
    const value = propertyOf(object, property);
    if (value) return resolveValue(source, value, depth + 1);
    if (!isPython(source) || objectNode?.type !== 'identifier') return node;
    const field = classFieldValue(source, property);
    return field ? resolveValue(source, field, depth + 1) : node;
  }
  return node;
}

export interface SecretValue {
  value: string;
  /** 'literal': written as the key; 'constant': a same-file constant; 'fallback': default of an env lookup. */
  how: 'literal' | 'constant' | 'fallback';
  /** The string literal node. */
  literal: Node;
  /** The name the literal was bound to, when it came through one. */
  name?: string;
}

const ENV_GETTERS = /(^|\.)(getenv|environ\.get|get_env|env|env\.str|config)$/;

/** The env-lookup fallback of `node`: `process.env.X || 'x'`, `os.getenv("X", "x")`, `config("X", default="x")`. */
function envFallback(source: SourceFile, node: Node): Node | undefined {
  if (node.type === 'binary_expression') {
    const operator = node.childForFieldName('operator')?.text;
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if ((operator === '||' || operator === '??') && left && right && /^process\.env\b|^import\.meta\.env\b/.test(left.text)) {
      return right;
    }
    return undefined;
  }
  if (node.type === 'boolean_operator') {
    const left = node.childForFieldName('left');
    const right = node.childForFieldName('right');
    if (node.childForFieldName('operator')?.text === 'or' && left && right && /environ|getenv/.test(left.text)) return right;
    return undefined;
  }
  if (node.type === 'call') {
    const call = callSiteAt(source, node);
    if (!call || !ENV_GETTERS.test(call.callee)) return undefined;
    return call.kwargs.get('default') ?? call.args[1];
  }
  return undefined;
}

/** The hard-coded string a key expression ends up as, if any. */
export function secretValue(source: SourceFile, node: Node | undefined): SecretValue | undefined {
  if (!node) return undefined;
  const direct = stringValue(node);
  if (direct !== undefined) return { value: direct, how: 'literal', literal: node };
  if (isJs(source) && node.type === 'call_expression' && /^(Buffer\.from|new TextEncoder\(\)\.encode)$/.test(node.childForFieldName('function')?.text ?? '')) {
    return secretValue(source, node.childForFieldName('arguments')?.namedChildren[0] ?? undefined);
  }
  if (isJs(source) && node.type === 'call_expression') {
    const fn = node.childForFieldName('function');
    if (fn?.type === 'member_expression' && fn.childForFieldName('property')?.text === 'encode') {
      return secretValue(source, node.childForFieldName('arguments')?.namedChildren[0] ?? undefined);
    }
  }
  if (isPython(source) && node.type === 'call' && /\.encode$/.test(node.childForFieldName('function')?.text ?? '')) {
    const object = node.childForFieldName('function')?.childForFieldName('object');
    return secretValue(source, object ?? undefined);
  }
  const resolved = resolveValue(source, node);
  if (!resolved) return undefined;
  const fallback = envFallback(source, resolved);
  if (fallback) {
    const value = stringValue(fallback);
    return value === undefined ? undefined : { value, how: 'fallback', literal: fallback, name: node.text };
  }
  if (resolved.id === node.id) return undefined;
  const inner = secretValue(source, resolved);
  if (!inner) return undefined;
  return { ...inner, how: inner.how === 'fallback' ? 'fallback' : 'constant', name: inner.name ?? node.text };
}

/** A duration in seconds from `'15m'`, `900`, `60 * 60 * 24`, `timedelta(days=30)`; undefined when unknown. */
export function durationSeconds(source: SourceFile, node: Node | undefined, stringsAreMs = false, depth = 0): number | undefined {
  if (!node || depth > 5) return undefined;
  const resolved = resolveValue(source, node);
  if (!resolved) return undefined;
  const literal = literalValue(resolved);
  if (typeof literal === 'number') return literal;
  if (typeof literal === 'string') {
    const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|sec|secs|seconds?|m|mins?|minutes?|h|hrs?|hours?|d|days?|w|weeks?|y|years?)?\s*$/i.exec(literal);
    if (!match) return undefined;
    const amount = Number(match[1]);
    const unit = (match[2] ?? '').toLowerCase();
    if (unit === '') return stringsAreMs ? amount / 1000 : amount;
    if (unit === 'ms') return amount / 1000;
    const factor: Record<string, number> = lookupTable({ s: 1, m: 60, h: 3600, d: 86400, w: 604800, y: 31557600 });
    const key = unit.startsWith('mi') ? 'm' : unit.startsWith('se') ? 's' : unit.startsWith('hr') ? 'h' : (unit[0] ?? 's');
    return amount * (factor[key] ?? 1);
  }
  if (resolved.type === 'binary_expression' || resolved.type === 'binary_operator') {
    const operator = resolved.childForFieldName('operator')?.text;
    const left = durationSeconds(source, resolved.childForFieldName('left') ?? undefined, stringsAreMs, depth + 1);
    const right = durationSeconds(source, resolved.childForFieldName('right') ?? undefined, stringsAreMs, depth + 1);
    if (left === undefined || right === undefined) return undefined;
    if (operator === '*') return left * right;
    if (operator === '+') return left + right;
    if (operator === '-') return left - right;
    if (operator === '/' || operator === '//') return right === 0 ? undefined : left / right;
    return undefined;
  }
  if (resolved.type === 'call' && /(^|\.)timedelta$/.test(resolved.childForFieldName('function')?.text ?? '')) {
    const units: Record<string, number> = lookupTable({ weeks: 604800, days: 86400, hours: 3600, minutes: 60, seconds: 1 });
    let total = 0;
    const args = resolved.childForFieldName('arguments')?.namedChildren ?? [];
    for (const [index, arg] of args.entries()) {
      if (!arg) continue;
      if (arg.type === 'keyword_argument') {
        const factor = units[arg.childForFieldName('name')?.text ?? ''];
        const value = durationSeconds(source, arg.childForFieldName('value') ?? undefined, false, depth + 1);
        if (factor === undefined || value === undefined) return undefined;
        total += factor * value;
      } else {
        const value = durationSeconds(source, arg, false, depth + 1);
        if (value === undefined || index > 0) return undefined;
        total += value * 86400;
      }
    }
    return total;
  }
  return undefined;
}

/** `now + delta` (Python datetimes, `time.time()`, `Date.now() / 1000`): the delta in seconds. */
export function offsetFromNow(source: SourceFile, node: Node | undefined, depth = 0): number | undefined {
  if (!node || depth > 4) return undefined;
  const resolved = resolveValue(source, node);
  if (!resolved) return undefined;
  if (resolved.type === 'call' || resolved.type === 'call_expression') {
    const fn = resolved.childForFieldName('function')?.text ?? '';
    if (/^(int|round|Math\.floor|Math\.round|Math\.ceil)$/.test(fn)) {
      return offsetFromNow(source, resolved.childForFieldName('arguments')?.namedChildren[0] ?? undefined, depth + 1);
    }
  }
  if (resolved.type !== 'binary_operator' && resolved.type !== 'binary_expression') return undefined;
  if (resolved.childForFieldName('operator')?.text !== '+') return undefined;
  const left = resolved.childForFieldName('left');
  const right = resolved.childForFieldName('right');
  if (!left || !right) return undefined;
  const isNow = (side: Node): boolean => /\b(utcnow|now|time\.time|Date\.now|getTime|timezone\.now|datetime\.datetime\.now)\b/.test(side.text);
  if (isNow(left)) return durationSeconds(source, right);
  if (isNow(right)) return durationSeconds(source, left);
  return undefined;
}

/** The string elements of an `algorithms` list (resolved), or undefined when it is not a literal list. */
export function algorithmList(source: SourceFile, node: Node | undefined): { values: string[]; node: Node } | undefined {
  const resolved = resolveValue(source, node);
  if (!resolved) return undefined;
  const single = stringValue(resolved);
  if (single !== undefined) return { values: [single], node: resolved };
  if (!['list', 'array', 'tuple', 'set'].includes(resolved.type)) return undefined;
  const values: string[] = [];
  for (const element of elementsOf(resolved)) {
    const value = stringValue(resolveValue(source, element));
    if (value !== undefined) values.push(value);
  }
  return { values, node: resolved };
}

/** A JS options object / Python dict literal, resolved through same-function variables. */
export function objectOf(source: SourceFile, node: Node | undefined): Node | undefined {
  const resolved = resolveValue(source, node);
  return resolved && (resolved.type === 'object' || resolved.type === 'dictionary') ? resolved : undefined;
}

/** A property of an options object, resolved (`{ algorithms }` shorthand and variables included). */
export function option(source: SourceFile, object: Node | undefined, key: string): Node | undefined {
  const value = propertyOf(object, key);
  if (!value) return undefined;
  if (value.type === 'shorthand_property_identifier') {
    const bindings = bindingsFor(source, value);
    return bindings.at(-1)?.value ?? value;
  }
  return resolveValue(source, value);
}

export function hasSpread(object: Node | undefined): boolean {
  return object?.namedChildren.some((child) => child?.type === 'spread_element' || child?.type === 'dictionary_splat') ?? false;
}

export type JwtKind = 'verify' | 'decode-unverified' | 'sign';
/**
 * The library a JWT call goes through, as its provider names it: `PyJWT`, `python-jose`, `authlib`
 * (python/jwt.ts), `jsonwebtoken`, `jose`, `passport-jwt` (js/jwt.ts), `express-jwt` (express/jwt.ts),
 * `@nestjs/jwt` (nestjs/jwt.ts), `@fastify/jwt` (fastify/jwt.ts).
 */
export type JwtLibrary = string;

/** A call that signs, verifies or decodes a JWT, with its arguments located. */
export interface JwtCall {
  call: CallSite;
  library: JwtLibrary;
  kind: JwtKind;
  /** How the call is written, for messages. */
  name: string;
  key?: Node;
  payload?: Node;
  /** JS options object (resolved) when there is one. */
  options?: Node;
  /** Python: keyword argument or, for `options=`, the dict. JS: property of `options`. */
  get(name: string): Node | undefined;
  /** Like `get`, without following variables (so a secret's constant or env fallback stays visible). */
  raw(name: string): Node | undefined;
  /** True when the options hide keys (a spread, `**kwargs`, or an unresolved variable). */
  opaque: boolean;
  /**
   * The options that hold the key when the library takes it among its options rather than as an argument
   * (express-jwt's `secret`, passport-jwt's `secretOrKey`, @nestjs/jwt's `secret` or `privateKey`), the first one set wins.
   */
  keyOptions?: readonly string[];
  /**
   * The option whose object holds the options tokens are signed and verified with, when the library nests them
   * (@fastify/jwt's plugin options `sign: { algorithm, expiresIn }` and `verify: { algorithms, ignoreExpiration }`).
   */
  nestedOptions?: { sign: string; verify: string };
  /** The call also issues tokens though it verifies them (@fastify/jwt's plugin registration decorates `reply.jwtSign`). */
  alsoSigns?: boolean;
  /**
   * Where the token lifetime is set when the library reads it from its options only, never from the payload's `exp`
   * (@nestjs/jwt: the call's options or, for `JwtModule.register`, its `signOptions`; @fastify/jwt: `sign`):
   * `options` names the option that holds them (else the call's own), `numbersInMs` when a bare number is milliseconds (fast-jwt).
   */
  lifetimeOptions?: { options?: string; numbersInMs?: boolean };
  /**
   * Without an `algorithms` option the verifier lets the token header choose (express-jwt), unless the project declares
   * the library at `safeFrom` or later (express-jwt 6 refuses to start without them).
   */
  unpinnedWithoutList?: { safeFrom?: readonly [dependency: string, major: number] };
  /** The call takes the expected audience and issuer among its options (express-jwt's `audience`, `issuer`). */
  audienceOptions?: boolean;
}

const jwtCache = new WeakMap<SourceFile, JwtCall[]>();

/**
 * Every JWT sign / verify / decode call in a file, across the libraries the framework plugins' JWT
 * providers know (src/collectors/code/<framework>/jwt.ts, library families in js/ and python/): each
 * call is asked of the providers of the file's language in registry order, and the first answer wins.
 */
export function jwtCalls(source: SourceFile): JwtCall[] {
  const cached = jwtCache.get(source);
  if (cached) return cached;
  const out = callsAnsweredBy(source, jwtProviders());
  jwtCache.set(source, out);
  return out;
}

/** True when a function around `node` also verifies a JWT (a decode there then only peeks at the header). */
export function functionVerifies(source: SourceFile, node: Node): boolean {
  const fn = enclosingFunction(node);
  return jwtCalls(source).some(
    (other) => other.kind === 'verify' && other.call.node.id !== node.id && (fn ? isInside(other.call.node, fn) : true),
  );
}

export function isInside(node: Node, container: Node): boolean {
  return node.startIndex >= container.startIndex && node.endIndex <= container.endIndex;
}

/** The name of the function around a node (def, function, method, or the variable an arrow is bound to). */
export function functionName(node: Node): string {
  const fn = enclosingFunction(node);
  if (!fn) return '';
  const own = fn.childForFieldName('name')?.text;
  if (own) return own;
  const parent = parentOf(fn);
  if (parent?.type === 'variable_declarator') return parent.childForFieldName('name')?.text ?? '';
  if (parent?.type === 'pair') return parent.childForFieldName('key')?.text ?? '';
  return '';
}

/** The last identifier-like segment of an expression: `req.headers['x-api-key']` → `x-api-key`, `settings.API_KEY` → `API_KEY`. */
export function lastName(node: Node | undefined): string {
  if (!node) return '';
  switch (node.type) {
    case 'identifier':
    case 'property_identifier':
    case 'shorthand_property_identifier':
      return node.text;
    case 'attribute':
      return node.childForFieldName('attribute')?.text ?? '';
    case 'member_expression':
      return node.childForFieldName('property')?.text ?? '';
    case 'subscript':
      return stringValue(node.childForFieldName('subscript')) ?? '';
    case 'subscript_expression':
      return stringValue(node.childForFieldName('index')) ?? '';
    case 'call':
    case 'call_expression': {
      const fn = node.childForFieldName('function');
      const method = fn ? lastName(fn) : '';
      const first = node.childForFieldName('arguments')?.namedChildren[0];
      if (/^(get|getHeader|header|get_header)$/.test(method)) return stringValue(first) ?? '';
      return '';
    }
    case 'parenthesized_expression':
    case 'await_expression':
    case 'await':
      return lastName(node.namedChildren[0] ?? undefined);
    default:
      return '';
  }
}

