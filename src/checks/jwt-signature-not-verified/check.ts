import { lcobucciUse } from '../../collectors/code/php/jwt.js';
import { lineSnippet } from '../../analysis/code-transport.js';
import type { Node } from 'web-tree-sitter';
import { at, functionName, functionVerifies, isPython, jwtCalls, type JwtCall } from '../../analysis/code-auth.js';
import { enclosingFunction, factsOf, within } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import { goUnverifiedTokens } from './go.js';
import defineCheck from '../define-check.js';
import { tokenValidationProviders } from '../../collectors/code/plugins.js';
import { rubyUnverifiedTokens } from './ruby.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { javaUnverified } from './java.js';
import { parentOf } from '../../parsing/tree-index.js';
import { goSite } from '../../analysis/go-taint.js';

// A claim set that becomes the caller's identity: assigned to the request, or read in an auth helper.
const IDENTITY_SINK = /\b(req|request|ctx\.state|ctx|res\.locals|context)\.(user|auth|principal|claims|identity|session|userId|account)\s*=(?!=)/;
const AUTH_FUNCTION = /authenticat|authoriz|verif|validat|guard|canActivate|requireAuth|isAuth|currentUser|current_user|getUser|get_user|protect|checkAuth|check_auth|login_required|middleware/i;

function classNameOf(node: Node): string {
  let current: Node | null = parentOf(node);
  while (current && current.type !== 'class_declaration' && current.type !== 'class' && current.type !== 'class_definition') current = parentOf(current);
  return current?.childForFieldName('name')?.text ?? '';
}

function usedAsIdentity(jwt: JwtCall): boolean {
  const fn = enclosingFunction(jwt.call.node);
  if (!fn) return false;
  return IDENTITY_SINK.test(fn.text) || AUTH_FUNCTION.test(functionName(jwt.call.node)) || /Guard|Strategy|Middleware/.test(classNameOf(jwt.call.node));
}

/** `name = value` assignments of a Python function, by name. */
function assigned(source: SourceFile, fn: Node, name: string): Node[] {
  return within(source.tree.rootNode.descendantsOfType('assignment').filter((node): node is Node => node !== null), fn)
    .filter((node) => node.childForFieldName('left')?.text === name)
    .flatMap((node) => node.childForFieldName('right') ?? []);
}

const TOKEN_POST = /^(requests|httpx|aiohttp)\.(post|request)$|\.post$/;

/**
 * `tokens["id_token"]` where `tokens` is the JSON answer of the provider's token endpoint, fetched
 * by the server itself (`requests.post(token_url, data=…).json()`, an OAuth client's
 * `fetch_token(code=…)`): OpenID Connect lets the client trust TLS for such an ID token.
 */
function fromTokenEndpoint(source: SourceFile, fn: Node, value: Node): boolean {
  let base: Node | null = value;
  if (base.type === 'subscript') base = base.childForFieldName('value');
  else if (base.type === 'call' && base.childForFieldName('function')?.childForFieldName('attribute')?.text === 'get') base = base.childForFieldName('function')?.childForFieldName('object') ?? null;
  else return false;
  if (base?.type !== 'identifier') return false;
  const calls = factsOf(source).callsById;
  const origins = assigned(source, fn, base.text);
  return origins.length > 0 && origins.every((origin) => {
    const call = calls.get(origin.id);
    if (!call) return false;
    if (/(^|\.)fetch_token$/.test(call.callee)) return true;
    const receiver = origin.childForFieldName('function')?.childForFieldName('object');
    if (!/(^|\.)json$/.test(call.written) || !receiver) return false;
    const responses = receiver.type === 'identifier' ? assigned(source, fn, receiver.text) : [receiver];
    return responses.length > 0 && responses.every((response) => TOKEN_POST.test(calls.get(response.id)?.callee ?? ''));
  });
}

/**
 * The token decoded is an ID token the server received from the token endpoint itself, directly or
 * kept in a field of a class that this file builds only from such answers (`self.id_token`).
 */
function serverFetchedToken(source: SourceFile, jwt: JwtCall): boolean {
  const fn = enclosingFunction(jwt.call.node);
  let token: Node | undefined = jwt.call.kwargs.get('jwt') ?? jwt.call.args[0];
  if (!fn || !token) return false;
  if (token.type === 'identifier') {
    const values = assigned(source, fn, token.text);
    if (values.length !== 1) return false;
    token = values[0];
  }
  if (!token) return false;
  if (fromTokenEndpoint(source, fn, token)) return true;
  const field = token.type === 'attribute' && token.childForFieldName('object')?.text === 'self' ? token.childForFieldName('attribute')?.text : undefined;
  const className = classNameOf(jwt.call.node);
  if (!field || !className) return false;
  const builds = factsOf(source).calls.filter((call) => call.callee === className || call.written === className);
  return builds.length > 0 && builds.every((call) => {
    const value = call.kwargs.get(field);
    const caller = enclosingFunction(call.node);
    return value !== undefined && caller !== undefined && fromTokenEndpoint(source, caller, value);
  });
}

function disabledOption(source: SourceFile, jwt: JwtCall): string {
  if (jwt.call.kwargs.has('verify')) return 'verify=False';
  return isPython(source) ? 'options={"verify_signature": False}' : 'verification disabled';
}

export default defineCheck({
  id: 'jwt-signature-not-verified',
  title: 'JWT signature not verified',
  owasp: 'API2:2023',
  cwe: ['CWE-347', 'CWE-345'],
  severity: 'critical',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'A token whose signature is not checked is just JSON the caller wrote: anyone can set `sub`, `role` or `exp` to whatever they like and be accepted as any user.',
  remediation:
    'Verify the token before trusting any claim: in PyJWT `jwt.decode(token, key, algorithms=["RS256"], audience=..., issuer=...)` with signature verification left on; in jsonwebtoken `jwt.verify(token, publicKey, { algorithms: [\'RS256\'], audience, issuer })` instead of `jwt.decode`; in jose `await jwtVerify(token, key, { algorithms, audience, issuer })`; in NestJS `await this.jwtService.verifyAsync(token)`; in golang-jwt `jwt.ParseWithClaims(s, &claims, keyFunc, jwt.WithValidMethods([]string{"RS256"}))` instead of `ParseUnverified`; in lestrrat-go/jwx `jwt.Parse(b, jwt.WithKey(jwa.RS256, key))`; in jjwt `Jwts.parserBuilder().setSigningKey(key).build().parseClaimsJws(token)` (0.12: `Jwts.parser().verifyWith(key).build().parseSignedClaims(token)`), never `parseClaimsJwt`; in java-jwt `JWT.require(Algorithm.RSA256(publicKey, null)).build().verify(token)` instead of `JWT.decode`; in nimbus-jose-jwt `signedJwt.verify(new RSASSAVerifier(publicKey))` before reading claims, or Spring Security\'s `NimbusJwtDecoder`. in ruby-jwt `JWT.decode(token, key, true, algorithm: "RS256")`, never `false` as the third argument; in lcobucci/jwt `$config->validator()->assert($token, new SignedWith($config->signer(), $config->verificationKey()), new StrictValidAt($clock))` after `parse()`, and `Configuration::forSymmetricSigner` / `forAsymmetricSigner`, never `forUnsecuredSigner`. Use the unverified readers only to pick a key by `kid`.',
  messages: {
    disabled: '`{{call}}` is called with `{{option}}`, so the token signature is never checked.',
    unverified: '`{{call}}` reads the token claims without checking the signature, and they are trusted as the caller identity.',
    signatureValidator: '`SignatureValidator` returns the token without checking its signature, so tokens with any signature are accepted.',
    unsecured: '`{{call}}` accepts only unsigned JWTs: a token anyone wrote with `"alg": "none"` is read as valid.',
    keyless: '`{{call}}` is called on a jjwt parser given no key: only unsigned tokens can pass, and they are accepted.',
    parsed: '`{{call}}` parses the token with lcobucci/jwt, and nothing in the code validates a token with a `SignedWith` constraint, so its signature is never checked.',
    decode: '`{{call}}` reads the token without checking its signature, and nothing in the code verifies tokens with a `JWTVerifier`.',
    nimbus: '`{{call}}` reads the token and its claims are used without `verify(…)` being called on it.',
  },
  run(ctx, report) {
    const lcobucci = lcobucciUse(ctx.sources);
    if (!lcobucci.signatureChecked) {
      for (const { source, call } of lcobucci.parses) report({ messageId: 'parsed', data: { call: `${call.receiver?.text.split('\n')[0] ?? ''}->parse()` }, ...at(ctx, source, call.node, lineSnippet(source, call.node)) });
    }
    for (const hit of lcobucci.unsecured) report({ messageId: 'unsecured', data: { call: hit.written }, ...at(ctx, hit.source, hit.node, lineSnippet(hit.source, hit.node)) });
    for (const hit of rubyUnverifiedTokens(ctx.sources)) {
      report({ messageId: 'disabled', data: { call: 'JWT.decode(…)', option: 'verify = false' }, ...at(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]) });
    }
    for (const hit of goUnverifiedTokens(ctx.sources)) {
      const where = goSite(ctx, hit.source, hit.call);
      if (hit.option !== undefined) report({ messageId: 'disabled', data: { call: hit.written, option: hit.option }, ...where });
      else report({ messageId: 'unverified', data: { call: hit.written }, ...where });
    }
    for (const provider of tokenValidationProviders()) {
      if (!provider.signatureSkipped) continue;
      for (const source of ctx.sources) {
        for (const hit of provider.signatureSkipped(source)) report({ messageId: 'signatureValidator', ...at(ctx, source, hit.node) });
      }
    }
    for (const hit of javaUnverified(ctx.sources)) {
      report({ messageId: hit.kind, data: { call: hit.call }, ...jvmAt(ctx, hit.source, hit.node) });
    }
    for (const source of ctx.sources) {
      for (const jwt of jwtCalls(source)) {
        if (jwt.kind !== 'decode-unverified') continue;
        if (functionVerifies(source, jwt.call.node)) continue;
        if (isPython(source) && serverFetchedToken(source, jwt)) continue;
        const where = at(ctx, source, jwt.call.node);
        if (isPython(source) && jwt.library !== 'python-jose') {
          report({ messageId: 'disabled', data: { call: jwt.name, option: disabledOption(source, jwt) }, ...where });
        } else if (isPython(source)) {
          const disabled = /decode$/.test(jwt.name);
          if (disabled) report({ messageId: 'disabled', data: { call: jwt.name, option: disabledOption(source, jwt) }, ...where });
          else report({ messageId: 'unverified', data: { call: jwt.name }, ...where });
        } else if (usedAsIdentity(jwt)) {
          report({ messageId: 'unverified', data: { call: jwt.name }, ...where });
        }
      }
    }
  },
});
