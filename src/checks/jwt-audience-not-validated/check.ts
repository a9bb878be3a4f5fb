import { at, isPython, jwtCalls, objectOf, resolveValue } from '../../analysis/code-auth.js';
import { literalValue, propertyOf } from '../../analysis/code.js';
import defineCheck from '../define-check.js';
import { csharpAudienceOff } from './csharp.js';

// Nest, fastify and authlib set audience/issuer at module or claims level, outside the call.
const CHECKED = new Set(['PyJWT', 'python-jose', 'jsonwebtoken', 'jose', 'passport-jwt', 'express-jwt']);

export default defineCheck({
  id: 'jwt-audience-not-validated',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'JWT audience or issuer not validated',
  owasp: 'API2:2023',
  cwe: ['CWE-287', 'CWE-345'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'Without an `aud` and `iss` check, a token the same identity provider issued for another service (or another tenant) is accepted here, so one compromised or low-trust client can call this API.',
  remediation:
    'Pass the expected audience and issuer to the verifier: PyJWT `jwt.decode(token, key, algorithms=["RS256"], audience="https://api.example.com", issuer="https://auth.example.com")`; jsonwebtoken `jwt.verify(token, publicKey, { algorithms: [\'RS256\'], audience, issuer })`; jose `jwtVerify(token, JWKS, { audience, issuer })`; passport-jwt `new JwtStrategy({ audience, issuer, ... })`.',
  messages: {
    neither: '`{{call}}` verifies the token without checking its audience or its issuer.',
    audience: '`{{call}}` verifies the token without checking its audience.',
    issuer: '`{{call}}` checks the audience but not the issuer of the token.',
    disabled: '`{{call}}` is called with `verify_aud` turned off, so tokens for any audience are accepted.',
    csAudience: '`{{setting}}` turns off the audience check of the token validation parameters, so tokens issued for any other audience are accepted.',
    csNeither: '`{{setting}}` turns off the audience check, and the issuer check is off too, so tokens issued by any issuer for any audience are accepted.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      for (const hit of csharpAudienceOff(source)) report({ messageId: hit.issuerToo ? 'csNeither' : 'csAudience', data: { setting: hit.setting }, ...at(ctx, source, hit.node) });
    }
    for (const source of ctx.sources) {
      for (const jwt of jwtCalls(source)) {
        if (jwt.kind !== 'verify' || !CHECKED.has(jwt.library) || jwt.opaque) continue;
        const where = at(ctx, source, jwt.call.node);
        if (isPython(source)) {
          const options = objectOf(source, jwt.call.kwargs.get('options'));
          if (literalValue(resolveValue(source, propertyOf(options, 'verify_aud'))) === false) {
            report({ messageId: 'disabled', data: { call: jwt.name }, ...where });
            continue;
          }
        }
        if (jwt.library === 'jsonwebtoken' && jwt.call.args.length < 2) continue;
        const audience = jwt.get('audience');
        const issuer = jwt.get('issuer');
        // The same options copied into every verify call are one root cause, reported once with its places.
        const rootCause = `${jwt.library} ${!audience ? 'audience' : ''} ${!issuer ? 'issuer' : ''}`;
        if (!audience && !issuer) report({ messageId: 'neither', data: { call: jwt.name }, ...where, rootCause });
        else if (!audience) report({ messageId: 'audience', data: { call: jwt.name }, ...where, rootCause });
        else if (!issuer) report({ messageId: 'issuer', data: { call: jwt.name }, ...where, severity: 'low', rootCause });
      }
    }
  },
});
