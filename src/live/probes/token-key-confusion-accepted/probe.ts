import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { publicKeys, reference, signHs256, tryToken } from '../token-forgery.js';

async function run(ctx: ProbeContext): Promise<void> {
  const ref = await reference(ctx);
  if (!ref || ref.jwt.header.alg === 'HS256') return;
  for (const key of await publicKeys(ctx)) {
    // The PEM as published and without its final newline: libraries differ on which they key with.
    for (const secret of [key.pem, key.pem.trimEnd()]) {
      const { accepted, exchange } = await tryToken(ctx, ref, signHs256(ref.jwt.header, ref.jwt.claims, secret));
      if (!accepted) continue;
      ctx.report({
        message: `\`GET ${ref.item.endpoint.path}\` accepted identity A's claims signed with HS256 keyed with the target's own public key (published in its JWKS): the algorithm is taken from the token.`,
        exchanges: [exchange, key.exchange],
        endpointId: ref.item.endpoint.id,
      });
      return;
    }
  }
}

export default defineProbe({
  id: 'token-key-confusion-accepted',
  title: 'HS256 token keyed with the public key accepted (algorithm confusion)',
  kind: 'active',
  owasp: 'API2:2023',
  cwe: ['CWE-347', 'CWE-327'],
  severity: 'critical',
  confidence: 'high',
  section: 'authentication',
  rationale:
    'When the verifier takes the algorithm from the token and is given an RSA public key, an HS256 token "signed" with that public key verifies: anyone who reads the JWKS can mint tokens.',
  remediation:
    'Pin the algorithm on verification (`algorithms: ["RS256"]`), use a key object typed for its algorithm, and keep the library current (old jsonwebtoken, PyJWT and jose versions allowed this).',
  confirms: ['jwt-algorithms-not-pinned'],
  maxRequests: 13,
  run,
});
