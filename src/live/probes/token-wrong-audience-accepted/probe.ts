import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { acceptedSigner, reference, tryToken } from '../token-forgery.js';

async function run(ctx: ProbeContext): Promise<void> {
  const ref = await reference(ctx);
  // Without the private key a token for another audience can only be minted by a forgery the target accepts.
  if (!ref) return;
  const signer = await acceptedSigner(ctx, ref);
  if (!signer) return;
  const audience = 'https://another-service.apisec.invalid';
  const { accepted, exchange } = await tryToken(ctx, ref, signer.sign({ ...ref.jwt.claims, aud: audience }));
  if (!accepted) return;
  ctx.report({
    message: `\`GET ${ref.item.endpoint.path}\` accepted identity A's token issued for another audience (\`aud: ${audience}\`; minted with ${signer.name}).`,
    exchanges: [exchange],
    endpointId: ref.item.endpoint.id,
    facts: { mintedWith: signer.name },
  });
}

export default defineProbe({
  id: 'token-wrong-audience-accepted',
  title: 'Token for another audience accepted',
  kind: 'active',
  owasp: 'API2:2023',
  cwe: ['CWE-287', 'CWE-345'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  rationale:
    'When `aud` is not checked, a token the same identity provider issued for any other service (or any other tenant) is accepted here too.',
  remediation: 'Verify `aud` (and `iss`) against this API\'s own identifiers on every token (`audience:` / `issuer:` options of the verifier).',
  confirms: ['jwt-audience-not-validated'],
  maxRequests: 14,
  run,
});
