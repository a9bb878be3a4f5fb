import { algorithmList, at, jwtCalls, objectOf, option } from '../../analysis/code-auth.js';
import { propertyOf, stringValue } from '../../analysis/code.js';
import defineCheck from '../define-check.js';
import { tokenValidationProviders } from '../../collectors/code/plugins.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';
import { goNoneAlgorithms } from './go.js';
import { javaNoneAlgorithms } from './java.js';

export default defineCheck({
  id: 'jwt-none-algorithm-accepted',
  title: 'JWT `none` algorithm accepted',
  owasp: 'API2:2023',
  cwe: ['CWE-347', 'CWE-327'],
  severity: 'critical',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'A token with `"alg": "none"` carries no signature; a verifier that lists `none` among its algorithms accepts a token anyone can forge by editing the payload.',
  remediation:
    'List only the algorithm your issuer signs with: PyJWT `jwt.decode(token, key, algorithms=["RS256"], audience=..., issuer=...)`; jsonwebtoken `jwt.verify(token, publicKey, { algorithms: [\'RS256\'], audience, issuer })`; express-jwt `expressjwt({ secret, algorithms: [\'RS256\'] })`. java-jwt `JWT.require(Algorithm.RSA256(publicKey, null))`, never `Algorithm.none()`; jjwt without `.unsecured()`. Never sign with `none`.',
  messages: {
    accepted: '`{{call}}` accepts the `none` algorithm in `{{algorithms}}`, so unsigned tokens are valid.',
    defaults: '`{{call}}` accepts every registered algorithm (`{{algorithms}}`), including `none`.',
    signed: '`{{call}}` issues unsigned tokens with the `none` algorithm.',
    unsignedAllowed: '`{{setting}}` lets the JWT bearer handler accept tokens without a signature (`alg: none`).',
  },
  run(ctx, report) {
    for (const provider of tokenValidationProviders()) {
      if (!provider.unsignedAccepted) continue;
      for (const source of ctx.sources) {
        for (const hit of provider.unsignedAccepted(source)) report({ messageId: 'unsignedAllowed', data: { setting: hit.setting }, ...at(ctx, source, hit.node) });
      }
    }
    for (const source of ctx.sources) {
      for (const hit of goNoneAlgorithms(source)) report({ messageId: hit.kind, data: { call: hit.call, algorithms: hit.algorithms }, ...at(ctx, source, hit.node) });
    }
    for (const hit of javaNoneAlgorithms(ctx.sources)) {
      report({ messageId: hit.kind, data: { call: hit.call, algorithms: 'Algorithm.none()' }, ...jvmAt(ctx, hit.source, hit.node) });
    }
    for (const source of ctx.sources) {
      for (const jwt of jwtCalls(source)) {
        if (jwt.kind === 'sign') {
          let algorithm = jwt.get('algorithm');
          if (jwt.library === 'authlib') algorithm = propertyOf(objectOf(source, jwt.call.args[0]), 'alg');
          if (jwt.nestedOptions) algorithm = option(source, objectOf(source, jwt.get(jwt.nestedOptions.sign)), 'algorithm');
          if (stringValue(algorithm)?.toLowerCase() === 'none') report({ messageId: 'signed', data: { call: jwt.name }, ...at(ctx, source, jwt.call.node) });
          continue;
        }
        if (jwt.kind !== 'verify') continue;
        let algorithms = jwt.get('algorithms');
        if (jwt.nestedOptions) algorithms = option(source, objectOf(source, jwt.get(jwt.nestedOptions.verify)), 'algorithms');
        if (algorithms && /get_default_algorithms\s*\(/.test(algorithms.text)) {
          report({ messageId: 'defaults', data: { call: jwt.name, algorithms: algorithms.text }, ...at(ctx, source, jwt.call.node) });
          continue;
        }
        const list = algorithmList(source, algorithms);
        if (list?.values.some((value) => value.toLowerCase() === 'none')) {
          report({ messageId: 'accepted', data: { call: jwt.name, algorithms: list.node.text.replace(/\s+/g, ' ') }, ...at(ctx, source, jwt.call.node) });
        }
      }
    }
  },
});
