import { at, isPython, jwtCalls, objectOf, resolveValue } from '../../analysis/code-auth.js';
import { literalValue, propertyOf } from '../../analysis/code.js';
import defineCheck from '../define-check.js';
import { goAudienceGaps } from './go.js';
import { jvmAudienceGaps } from './jvm.js';
import { tokenValidationProviders } from '../../collectors/code/plugins.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { lineSnippet } from '../../analysis/code-transport.js';
import { goSite } from '../../analysis/go-taint.js';

// The libraries that take audience/issuer in the call (and the JWT providers' `audienceOptions`); Nest, fastify and authlib set them at module or claims level, outside the call.
const CHECKED = new Set(['PyJWT', 'python-jose', 'jsonwebtoken', 'jose', 'passport-jwt']);

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
    'Pass the expected audience and issuer to the verifier: PyJWT `jwt.decode(token, key, algorithms=["RS256"], audience="https://api.example.com", issuer="https://auth.example.com")`; jsonwebtoken `jwt.verify(token, publicKey, { algorithms: [\'RS256\'], audience, issuer })`; jose `jwtVerify(token, JWKS, { audience, issuer })`; passport-jwt `new JwtStrategy({ audience, issuer, ... })`; golang-jwt v5 `jwt.ParseWithClaims(s, &claims, keyFunc, jwt.WithAudience("api"), jwt.WithIssuer(issuer))`; lestrrat-go/jwx `jwt.Parse(b, jwt.WithKeySet(set), jwt.WithAudience("api"), jwt.WithIssuer(issuer))`; java-jwt `JWT.require(alg).withAudience("api").withIssuer(issuer).build()`; jjwt `Jwts.parser().verifyWith(key).requireAudience("api").requireIssuer(issuer)`; nimbus `new DefaultJWTClaimsVerifier<>("api", new JWTClaimsSet.Builder().issuer(issuer).build(), Set.of("exp"))`; Spring `decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(issuer), new JwtClaimValidator<List<String>>(JwtClaimNames.AUD, aud -> aud.contains("api"))))` (Boot: `spring.security.oauth2.resourceserver.jwt.audiences`).',
  messages: {
    neither: '`{{call}}` verifies the token without checking its audience or its issuer.',
    audience: '`{{call}}` verifies the token without checking its audience.',
    issuer: '`{{call}}` checks the audience but not the issuer of the token.',
    disabled: '`{{call}}` is called with `verify_aud` turned off, so tokens for any audience are accepted.',
    // The frameworks' token validation settings (src/collectors/code/<framework>/token-validation.ts).
    ...(Object.assign({}, ...tokenValidationProviders().map((provider) => provider.messages)) as Record<string, string>),
  } as Record<string, string>,
  run(ctx, report) {
    const goModules = ctx.infra.filter((file) => file.kind === 'go-mod').map((file) => (file.file.includes('/') ? file.file.slice(0, file.file.lastIndexOf('/')) : ''));
    for (const gap of goAudienceGaps(ctx.sources, goModules)) {
      const messageId = !gap.audience && !gap.issuer ? 'neither' : !gap.audience ? 'audience' : 'issuer';
      // The same options copied into every parse are one root cause, reported once with its places.
      report({ messageId, data: { call: gap.written }, ...goSite(ctx, gap.source, gap.call), ...(messageId === 'issuer' ? { severity: 'low' as const } : {}), rootCause: `go ${gap.audience ? '' : 'audience'} ${gap.issuer ? '' : 'issuer'}` });
    }
    for (const gap of jvmAudienceGaps(ctx.sources)) {
      const messageId = !gap.audience && !gap.issuer ? 'neither' : !gap.audience ? 'audience' : 'issuer';
      report({ messageId, data: { call: gap.call }, ...jvmAt(ctx, gap.source, gap.node, lineSnippet(gap.source, gap.node)), ...(messageId === 'issuer' ? { severity: 'low' as const } : {}), rootCause: `${gap.library} ${gap.audience ? '' : 'audience'} ${gap.issuer ? '' : 'issuer'}` });
    }
    for (const provider of tokenValidationProviders()) {
      for (const gap of provider.audience?.(ctx) ?? []) {
        const where = 'location' in gap ? { location: gap.location, evidence: { snippet: gap.snippet } } : at(ctx, gap.source, gap.node, gap.snippet);
        report({ messageId: gap.messageId, ...(gap.data ? { data: gap.data } : {}), ...where });
      }
    }
    for (const source of ctx.sources) {
      for (const jwt of jwtCalls(source)) {
        if (jwt.kind !== 'verify' || !(CHECKED.has(jwt.library) || jwt.audienceOptions) || jwt.opaque) continue;
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
