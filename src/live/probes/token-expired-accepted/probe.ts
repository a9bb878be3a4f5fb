import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { acceptedSigner, reference, tryToken } from '../token-forgery.js';

async function run(ctx: ProbeContext): Promise<void> {
  const ref = await reference(ctx);
  // Without the private key an expired token can only be minted by a forgery the target accepts.
  if (!ref) return;
  const signer = await acceptedSigner(ctx, ref);
  if (!signer) return;
  const now = Math.floor(Date.now() / 1000);
  const { accepted, exchange } = await tryToken(ctx, ref, signer.sign({ ...ref.jwt.claims, iat: now - 7200, nbf: now - 7200, exp: now - 3600 }));
  if (!accepted) return;
  ctx.report({
    message: `\`GET ${ref.item.endpoint.path}\` accepted identity A's token expired an hour ago (\`exp\` in the past; minted with ${signer.name}).`,
    exchanges: [exchange],
    endpointId: ref.item.endpoint.id,
    facts: { mintedWith: signer.name },
  });
}

export default defineProbe({
  id: 'token-expired-accepted',
  title: 'Expired token accepted',
  kind: 'active',
  owasp: 'API2:2023',
  cwe: ['CWE-613'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  rationale: 'A server that ignores `exp` keeps a stolen or leaked token valid forever, and logging out or rotating credentials does not end it.',
  remediation:
    'Require and check `exp` on every token (most libraries do unless told not to: remove `ignoreExpiration: true` / `verify_exp: False`), with a small clock-skew allowance.',
  confirms: ['jwt-expiry-not-enforced', 'jwt-long-lived-token'],
  maxRequests: 14,
  run,
});
