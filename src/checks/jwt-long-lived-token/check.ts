import type { Node } from 'web-tree-sitter';
import {
  at,
  bindingsFor,
  durationSeconds,
  hasSpread,
  isPython,
  jwtCalls,
  objectOf,
  offsetFromNow,
  option,
  resolveValue,
  type JwtCall,
} from '../../analysis/code-auth.js';
import { enclosingFunction, factsOf, propertyOf, stringValue } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

const ONE_HOUR = 3600;
const REFRESH = /refresh|remember/i;

function humanise(seconds: number): string {
  const units: [number, string][] = [
    [31557600, 'year'],
    [604800, 'week'],
    [86400, 'day'],
    [3600, 'hour'],
    [60, 'minute'],
  ];
  for (const [size, name] of units) {
    if (seconds >= size && seconds % size === 0) return `${seconds / size} ${name}${seconds / size === 1 ? '' : 's'}`;
  }
  const hours = Math.round(seconds / 360) / 10;
  return `${hours} hours`;
}

/** A refresh or "remember me" token may legitimately outlive an hour. */
function isRefreshToken(node: Node): boolean {
  let current: Node | null = node;
  for (let i = 0; current && i < 6; i += 1, current = parentOf(current)) {
    if (current.type === 'variable_declarator' || current.type === 'assignment' || current.type === 'pair' || current.type === 'return_statement') {
      if (REFRESH.test(current.text.split(/[=:]/)[0] ?? '')) return true;
    }
  }
  const fn = enclosingFunction(node);
  const name = fn?.childForFieldName('name')?.text ?? parentOf(fn)?.childForFieldName('name')?.text ?? '';
  return REFRESH.test(name) || REFRESH.test(node.text);
}

/** The `exp` claim of a Python payload: in the dict, or added later with `payload.update({"exp": …})` / `payload["exp"] = …`. */
function pythonExp(source: SourceFile, payload: Node | undefined): { found: boolean; values: Node[] } {
  if (!payload) return { found: false, values: [] };
  const dict = objectOf(source, payload);
  const values: Node[] = [];
  const inDict = propertyOf(dict, 'exp');
  if (inDict) values.push(inDict);
  let opaque = !dict || hasSpread(dict);
  if (payload.type === 'identifier') {
    const fn = enclosingFunction(payload);
    const scope = fn ?? source.tree.rootNode;
    for (const call of factsOf(source).calls) {
      if (call.written !== `${payload.text}.update` || call.node.startIndex < scope.startIndex || call.node.endIndex > scope.endIndex) continue;
      const added = call.kwargs.get('exp') ?? propertyOf(objectOf(source, call.args[0]), 'exp');
      if (added) values.push(added);
      else opaque = true;
    }
    for (const node of scope.descendantsOfType('assignment')) {
      const left = node?.childForFieldName('left');
      if (left?.type === 'subscript' && left.childForFieldName('value')?.text === payload.text && stringValue(left.childForFieldName('subscript')) === 'exp') {
        const right = node?.childForFieldName('right');
        if (right) values.push(right);
      }
    }
  }
  return { found: values.length > 0 || opaque, values };
}

/** Every value an identifier may hold in its function (`expire = now + delta` in both branches of an if). */
function candidates(source: SourceFile, node: Node): Node[] {
  if (node.type !== 'identifier') return [node];
  const bound = bindingsFor(source, node).map((binding) => binding.value);
  return bound.length > 0 ? bound : [node];
}

function lifetimeOfExp(source: SourceFile, exp: Node): number | undefined {
  let longest: number | undefined;
  for (const value of candidates(source, exp)) {
    const seconds = offsetFromNow(source, value);
    if (seconds !== undefined) longest = Math.max(longest ?? 0, seconds);
  }
  return longest;
}

interface Lifetime {
  seconds?: number;
  none?: boolean;
  at?: Node;
}

function jsLifetime(source: SourceFile, jwt: JwtCall): Lifetime | undefined {
  if (jwt.lifetimeOptions) {
    const expiresIn = option(source, jwt.lifetimeOptions.options ? objectOf(source, jwt.get(jwt.lifetimeOptions.options)) : jwt.options, 'expiresIn');
    const resolved = jwt.lifetimeOptions.numbersInMs ? resolveValue(source, expiresIn) : undefined;
    const seconds = durationSeconds(source, expiresIn, true);
    return seconds === undefined ? undefined : { seconds: resolved?.type === 'number' ? seconds / 1000 : seconds };
  }
  const expiresIn = jwt.get('expiresIn');
  if (expiresIn) {
    const seconds = durationSeconds(source, expiresIn, true);
    return seconds === undefined ? undefined : { seconds };
  }
  if (jwt.opaque) return undefined;
  const payload = objectOf(source, jwt.payload);
  if (!payload || hasSpread(payload)) return undefined;
  const exp = propertyOf(payload, 'exp');
  if (!exp) return { none: true };
  const seconds = lifetimeOfExp(source, exp);
  return seconds === undefined ? undefined : { seconds };
}

function pyLifetime(source: SourceFile, jwt: JwtCall): Lifetime | undefined {
  const { found, values } = pythonExp(source, jwt.payload);
  if (!found) return objectOf(source, jwt.payload) ? { none: true } : undefined;
  let longest: number | undefined;
  for (const exp of values) {
    const seconds = lifetimeOfExp(source, exp);
    if (seconds !== undefined) longest = Math.max(longest ?? 0, seconds);
  }
  return longest === undefined ? undefined : { seconds: longest };
}

/** `new SignJWT(claims)…setExpirationTime('2h')…sign(key)`: the chain around the constructor. */
function joseLifetime(source: SourceFile, node: Node): Lifetime | undefined {
  let current: Node = node;
  let expiration: Node | undefined;
  let signed = false;
  for (let member = parentOf(current), call = parentOf(member); member?.type === 'member_expression' && call?.type === 'call_expression'; member = parentOf(current), call = parentOf(member)) {
    const method = member.childForFieldName('property')?.text;
    if (method === 'setExpirationTime') expiration = call.childForFieldName('arguments')?.namedChildren[0] ?? undefined;
    if (method === 'sign') signed = true;
    current = call;
  }
  if (expiration) {
    const seconds = stringValue(expiration) !== undefined ? durationSeconds(source, expiration) : offsetFromNow(source, expiration);
    return seconds === undefined ? undefined : { seconds };
  }
  return signed ? { none: true } : undefined;
}

interface SignedToken {
  node: Node;
  name: string;
  lifetime: Lifetime | undefined;
  /** The signing algorithm when written as a literal (`algorithm: 'RS256'`, `algorithm="RS256"`). */
  algorithm?: string;
}

/** Every place a file issues a JWT (jsonwebtoken, PyJWT, python-jose, NestJS, @fastify/jwt, jose) with its lifetime when readable. */
function signedTokens(source: SourceFile): SignedToken[] {
  const signs: SignedToken[] = [];
  for (const jwt of jwtCalls(source)) {
    if (jwt.kind !== 'sign' && !jwt.alsoSigns) continue;
    const algorithm = stringValue(jwt.get('algorithm'));
    signs.push({
      node: jwt.call.node,
      name: jwt.name,
      lifetime: isPython(source) ? pyLifetime(source, jwt) : jsLifetime(source, jwt),
      ...(algorithm === undefined ? {} : { algorithm }),
    });
  }
  for (const call of factsOf(source).calls) {
    if (call.isNew && call.callee === 'jose.SignJWT') signs.push({ node: call.node, name: call.written, lifetime: joseLifetime(source, call.node) });
  }
  return signs;
}

export interface IssuedAccessToken {
  file: string;
  line: number;
  /** The call as written, e.g. `jwt.sign`. */
  call: string;
  /** Lifetime in seconds; undefined when it cannot be read statically. */
  seconds?: number;
  /** The token carries no `exp` at all. */
  neverExpires?: boolean;
  /** The signing algorithm, when written as a literal. */
  algorithm?: string;
}

/**
 * The access tokens the code issues, with their lifetimes (refresh and "remember me" tokens left
 * out): what seed 003's checklist compares with its threshold (15 minutes by default).
 */
export function issuedAccessTokens(sources: readonly SourceFile[]): IssuedAccessToken[] {
  const out: IssuedAccessToken[] = [];
  for (const source of sources) {
    for (const { node, name, lifetime, algorithm } of signedTokens(source)) {
      if (isRefreshToken(node)) continue;
      const token: IssuedAccessToken = { file: source.file, line: node.startPosition.row + 1, call: name, ...(algorithm === undefined ? {} : { algorithm }) };
      if (lifetime?.none === true) token.neverExpires = true;
      else if (lifetime?.seconds !== undefined) token.seconds = lifetime.seconds;
      out.push(token);
    }
  }
  return out;
}

export { humanise as humaniseSeconds };

export default defineCheck({
  id: 'jwt-long-lived-token',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Long-lived or non-expiring access token',
  owasp: 'API2:2023',
  cwe: ['CWE-613'],
  severity: 'medium',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'A bearer token cannot be recalled once issued; an access token without `exp`, or valid for days, stays usable long after it leaks or the user loses access.',
  remediation:
    'Issue access tokens that expire within an hour (15 minutes is typical) and use rotating refresh tokens for long sessions: jsonwebtoken `jwt.sign(payload, key, { algorithm: \'RS256\', expiresIn: \'15m\' })`; PyJWT `jwt.encode({**claims, "exp": datetime.now(timezone.utc) + timedelta(minutes=15)}, key, algorithm="RS256")`; jose `new SignJWT(claims).setExpirationTime(\'15m\')`; NestJS `signOptions: { expiresIn: \'15m\' }`.',
  messages: {
    none: '`{{call}}` issues a token with no `exp` claim, so it never expires.',
    long: '`{{call}}` issues access tokens valid for {{lifetime}}, longer than one hour.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      for (const { node, name, lifetime } of signedTokens(source)) {
        if (!lifetime) continue;
        if (lifetime.none) {
          report({ messageId: 'none', data: { call: name }, ...at(ctx, source, node) });
        } else if (lifetime.seconds !== undefined && lifetime.seconds > ONE_HOUR && !isRefreshToken(node)) {
          report({ messageId: 'long', data: { call: name, lifetime: humanise(lifetime.seconds) }, ...at(ctx, source, node) });
        }
      }
    }
  },
});
