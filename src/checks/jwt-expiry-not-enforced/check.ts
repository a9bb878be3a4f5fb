import { lcobucciUse } from '../../collectors/code/php/jwt.js';
import { lineSnippet } from '../../analysis/code-transport.js';
import type { Node } from 'web-tree-sitter';
import { at, isPython, jwtCalls, objectOf, option, resolveValue } from '../../analysis/code-auth.js';
import { literalValue, propertyOf } from '../../analysis/code.js';
import { goExpiryOff } from './go.js';
import { goSite } from '../../analysis/go-taint.js';
import defineCheck from '../define-check.js';
import { tokenValidationProviders } from '../../collectors/code/plugins.js';
import { jvmExpiryOff } from './jvm.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';

export default defineCheck({
  id: 'jwt-expiry-not-enforced',
  title: 'JWT expiry not enforced',
  owasp: 'API2:2023',
  cwe: ['CWE-613'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'A verifier that ignores `exp` keeps accepting a token forever: a token leaked from a log, a browser or a former employee stays a working credential.',
  remediation:
    'Leave expiry checks on and require the claim: PyJWT `jwt.decode(token, key, algorithms=["RS256"], audience=..., issuer=..., options={"require": ["exp"]})`; jsonwebtoken `jwt.verify(token, publicKey, { algorithms: [\'RS256\'], audience, issuer })` without `ignoreExpiration`; passport-jwt `ignoreExpiration: false`; golang-jwt without `jwt.WithoutClaimsValidation()` and with `jwt.WithExpirationRequired()`; lestrrat-go/jwx `jwt.Parse(b, jwt.WithKey(alg, key), jwt.WithValidate(true))`; lcobucci/jwt `new StrictValidAt(SystemClock::fromUTC())` (or `LooseValidAt` with a small leeway) among the constraints passed to `validate()` / `assert()`; java-jwt and jjwt with a leeway of seconds, not days (`acceptLeeway(60)`, `clockSkewSeconds(60)`); nimbus-jose-jwt with a `DefaultJWTClaimsVerifier` (`new DefaultJWTClaimsVerifier<>(null, new HashSet<>(List.of("exp")))` also requires the claim); Spring `decoder.setJwtValidator(new DelegatingOAuth2TokenValidator<>(JwtValidators.createDefaultWithIssuer(issuer), audienceValidator))`.',
  messages: {
    lcobucci: '`{{call}}` checks the token with lcobucci/jwt constraints, and none of the code\'s constraints is a `StrictValidAt` / `LooseValidAt`, so expired tokens are accepted.',
    pythonOption: '`{{call}}` is called with `options={"verify_exp": False}`, so expired tokens are accepted.',
    ignoreExpiration: '`{{call}}` is configured with `ignoreExpiration: true`, so expired tokens are accepted.',
    goOption: '`{{call}}` is called with `{{option}}`, so expired tokens are accepted.',
    jwxV1: '`{{call}}` verifies the signature, but lestrrat-go/jwx v1 checks `exp` only with `jwt.WithValidate(true)` or a later `jwt.Validate`, so expired tokens are accepted.',
    ValidateLifetime: '`{{setting}}` turns off the lifetime check of the token validation parameters, so expired tokens are accepted.',
    RequireExpirationTime: '`{{setting}}` lets tokens without an `exp` claim through, and such a token never expires.',
    leeway: '`{{call}}` accepts tokens {{span}} after their `exp`, so expired tokens keep working.',
    claimsVerifier: '`{{call}}` replaces the nimbus processor\'s claims verifier with one that checks nothing, so expired tokens are accepted.',
    validator: '`{{call}}` replaces the decoder\'s default validator with validators none of which checks the timestamps (no `JwtTimestampValidator`, no `JwtValidators.createDefault…`), so expired tokens are accepted.',
  },
  run(ctx, report) {
    const lcobucci = lcobucciUse(ctx.sources);
    if (lcobucci.signatureChecked && !lcobucci.expiryChecked) {
      for (const { source, call } of lcobucci.validations) report({ messageId: 'lcobucci', data: { call: `->${call.name}()` }, ...at(ctx, source, call.node, lineSnippet(source, call.node)) });
    }
    for (const provider of tokenValidationProviders()) {
      if (!provider.lifetimeOff) continue;
      for (const source of ctx.sources) {
        for (const hit of provider.lifetimeOff(source)) report({ messageId: hit.accepts === 'expired' ? 'ValidateLifetime' : 'RequireExpirationTime', data: { setting: hit.setting }, ...at(ctx, source, hit.node) });
      }
    }
    for (const source of ctx.sources) {
      for (const jwt of jwtCalls(source)) {
        if (jwt.kind !== 'verify') continue;
        if (isPython(source)) {
          const options = objectOf(source, jwt.call.kwargs.get('options'));
          if (literalValue(resolveValue(source, propertyOf(options, 'verify_exp'))) === false) {
            report({ messageId: 'pythonOption', data: { call: jwt.name }, ...at(ctx, source, jwt.call.node) });
          }
          continue;
        }
        let ignore: Node | undefined = jwt.get('ignoreExpiration');
        if (jwt.nestedOptions) ignore = option(source, objectOf(source, jwt.get(jwt.nestedOptions.verify)), 'ignoreExpiration');
        if (literalValue(ignore) === true) report({ messageId: 'ignoreExpiration', data: { call: jwt.name }, ...at(ctx, source, jwt.call.node) });
      }
    }
    for (const hit of jvmExpiryOff(ctx.sources)) {
      report({ messageId: hit.kind, data: { call: hit.call, span: hit.span ?? '' }, ...jvmAt(ctx, hit.source, hit.node, lineSnippet(hit.source, hit.node)) });
    }
    for (const hit of goExpiryOff(ctx.sources)) {
      const where = goSite(ctx, hit.source, hit.call);
      if (hit.option.startsWith('no ')) report({ messageId: 'jwxV1', data: { call: hit.written }, ...where });
      else report({ messageId: 'goOption', data: { call: hit.written, option: hit.option }, ...where });
    }
  },
});
