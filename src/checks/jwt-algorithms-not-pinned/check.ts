import type { Node } from 'web-tree-sitter';
import { algorithmList, at, jwtCalls, resolveValue, type JwtCall } from '../../analysis/code-auth.js';
import { declaredMajorAtLeast, elementsOf } from '../../analysis/code.js';
import type { ProjectInfo, SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { lookupTable } from '../../analysis/lookup.js';
import { goUnpinned } from './go.js';
import { phpMixedAlgorithms } from './php.js';
import { goSite } from '../../analysis/go-taint.js';
import { jvmPublicKeySecrets } from './jvm.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { lineSnippet } from '../../analysis/code-transport.js';

const HEADER_ALG = /\[\s*["'`]alg["'`]\s*\]|\.alg\b|\.get\(\s*["']alg["']/;
// Libraries that fall back to the token's own `alg` (or every algorithm) when none is listed (with the JWT providers' `unpinnedWithoutList`).
const NEEDS_LIST = new Set(['PyJWT', 'python-jose', 'jsonwebtoken', 'passport-jwt']);

function fromHeader(source: SourceFile, algorithms: Node): boolean {
  const resolved = resolveValue(source, algorithms) ?? algorithms;
  if (HEADER_ALG.test(resolved.text)) return true;
  return elementsOf(resolved).some((element) => HEADER_ALG.test((resolveValue(source, element) ?? element).text));
}

function family(alg: string): string {
  return alg.slice(0, 2).toUpperCase();
}

/**
 * Versions whose verifier never lets the token header choose: jsonwebtoken 9 derives the allowed
 * algorithms from the key's type and rejects `none` unless it is listed; PyJWT 2 refuses to decode
 * without `algorithms` (and a JWT provider's `unpinnedWithoutList.safeFrom`).
 */
const SAFE_FROM: Record<string, readonly [string, number]> = lookupTable({
  jsonwebtoken: ['npm:jsonwebtoken', 9],
  PyJWT: ['pypi:pyjwt', 2],
});

function pinnedByLibrary(project: ProjectInfo, jwt: JwtCall): boolean {
  const safe = SAFE_FROM[jwt.library] ?? jwt.unpinnedWithoutList?.safeFrom;
  return safe !== undefined && declaredMajorAtLeast(project, safe[0], safe[1]) === true;
}

function describeCall(jwt: JwtCall): string {
  return jwt.name;
}

export default defineCheck({
  id: 'jwt-algorithms-not-pinned',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'JWT algorithms not pinned',
  owasp: 'API2:2023',
  cwe: ['CWE-347', 'CWE-757'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'When the verifier lets the token choose its algorithm, an attacker can switch an RS256 token to HS256 and sign it with the public key as the HMAC secret (algorithm confusion), or pick a weaker algorithm.',
  remediation:
    'Pin the one algorithm family your issuer uses, never the token header: PyJWT `jwt.decode(token, key, algorithms=["RS256"], audience=..., issuer=...)`; jsonwebtoken `jwt.verify(token, publicKey, { algorithms: [\'RS256\'], audience, issuer })`; passport-jwt `new JwtStrategy({ algorithms: [\'RS256\'], ... })`. golang-jwt `jwt.Parse(s, keyFunc, jwt.WithValidMethods([]string{"RS256"}))` or a key function that rejects a `token.Method` of another type. Read the header only to choose a key by `kid`. In Java and Kotlin, verify RSA/EC tokens with the public key object (`new RSASSAVerifier(publicKey)`, `Jwts.parser().verifyWith(publicKey)`, `Algorithm.RSA256(publicKey, null)`), never with its bytes as an HMAC secret.',
  messages: {
    fromHeader: '`{{call}}` takes its allowed algorithms from the unverified token header (`{{algorithms}}`).',
    mixed: '`{{call}}` accepts both symmetric and asymmetric algorithms (`{{algorithms}}`), which enables algorithm confusion.',
    missing: '`{{call}}` verifies tokens without an `algorithms` allowlist, so the token header decides the algorithm.',
    publicKeySecret: '`{{call}}` makes an HMAC key out of the bytes of a public key: anyone who has the public key can sign tokens this verifier accepts (algorithm confusion).',
    keyfunc: '`{{call}}` verifies tokens with a key function that never checks `token.Method` and without `jwt.WithValidMethods`, so the token header picks any algorithm the returned key fits.',
  },
  run(ctx, report) {
    for (const hit of phpMixedAlgorithms(ctx.sources)) report({ messageId: 'mixed', data: { call: 'JWT::decode', algorithms: hit.algorithms.join(', ') }, ...at(ctx, hit.source, hit.node) });
    for (const source of ctx.sources) {
      for (const jwt of jwtCalls(source)) {
        if (jwt.kind !== 'verify') continue;
        const algorithms = jwt.get('algorithms');
        const where = at(ctx, source, jwt.call.node);
        if (algorithms) {
          const text = (resolveValue(source, algorithms) ?? algorithms).text.replace(/\s+/g, ' ');
          if (fromHeader(source, algorithms)) {
            report({ messageId: 'fromHeader', data: { call: describeCall(jwt), algorithms: text }, ...where });
            continue;
          }
          const families = new Set(algorithmList(source, algorithms)?.values.filter((v) => v.toLowerCase() !== 'none').map(family));
          if (families.has('HS') && [...families].some((f) => f !== 'HS')) {
            report({ messageId: 'mixed', data: { call: describeCall(jwt), algorithms: text }, ...where });
          }
          continue;
        }
        if (!(NEEDS_LIST.has(jwt.library) || jwt.unpinnedWithoutList) || jwt.opaque) continue;
        if (jwt.library === 'jsonwebtoken' && jwt.call.args.length < 2) continue;
        if (pinnedByLibrary(ctx.project, jwt)) continue;
        // Every verify call written without a list is one habit of the code base: one finding, every place listed.
        report({ messageId: 'missing', data: { call: describeCall(jwt) }, ...where, severity: 'medium', confidence: 'medium', rootCause: `missing ${jwt.library}` });
      }
    }
    // The JVM libraries bind the algorithm family to the key's type: only an HMAC key made of public material is confusion.
    for (const hit of jvmPublicKeySecrets(ctx.sources)) {
      report({ messageId: 'publicKeySecret', data: { call: hit.call }, ...jvmAt(ctx, hit.source, hit.node, lineSnippet(hit.source, hit.node)) });
    }
    // golang-jwt checks the key's Go type against the algorithm, so only algorithms of the key's family get through.
    for (const hit of goUnpinned(ctx.sources)) {
      report({ messageId: 'keyfunc', data: { call: hit.written }, ...goSite(ctx, hit.source, hit.call), severity: 'medium', confidence: 'medium', rootCause: 'missing golang-jwt' });
    }
  },
});
