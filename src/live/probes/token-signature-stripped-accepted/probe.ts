import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { encode, reference, tryToken } from '../token-forgery.js';

async function run(ctx: ProbeContext): Promise<void> {
  const ref = await reference(ctx);
  if (!ref) return;
  const { accepted, exchange } = await tryToken(ctx, ref, encode(ref.jwt.header, ref.jwt.claims));
  if (!accepted) return;
  ctx.report({
    message: `\`GET ${ref.item.endpoint.path}\` accepted identity A's token with its signature removed (header \`alg: ${String(ref.jwt.header.alg)}\` kept), and answered as to A.`,
    exchanges: [exchange, ref.anonymous],
    endpointId: ref.item.endpoint.id,
  });
}

export default defineProbe({
  id: 'token-signature-stripped-accepted',
  title: 'Token accepted without its signature',
  kind: 'active',
  owasp: 'API2:2023',
  cwe: ['CWE-347'],
  severity: 'critical',
  confidence: 'high',
  section: 'authentication',
  rationale: 'A server that skips verification when the signature is empty (or decodes instead of verifying) accepts any claims anyone writes.',
  remediation:
    'Verify every token (`jwt.verify`, never `jwt.decode`, for authentication) and refuse tokens whose signature is missing or empty, with a maintained library.',
  confirms: ['jwt-signature-not-verified'],
  maxRequests: 7,
  run,
});
