import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { encode, reference, tryToken } from '../token-forgery.js';

async function run(ctx: ProbeContext): Promise<void> {
  const ref = await reference(ctx);
  if (!ref) return;
  for (const alg of ['none', 'None']) {
    const { accepted, exchange } = await tryToken(ctx, ref, encode({ ...ref.jwt.header, alg }, ref.jwt.claims));
    if (!accepted) continue;
    ctx.report({
      message: `\`GET ${ref.item.endpoint.path}\` accepted identity A's token rewritten with \`alg: ${alg}\` and no signature, and answered as to A.`,
      exchanges: [exchange, ref.anonymous],
      endpointId: ref.item.endpoint.id,
      facts: { alg },
    });
    return;
  }
}

export default defineProbe({
  id: 'token-alg-none-accepted',
  title: 'Unsigned token (`alg: none`) accepted',
  kind: 'active',
  owasp: 'API2:2023',
  cwe: ['CWE-347', 'CWE-327'],
  severity: 'critical',
  confidence: 'high',
  section: 'authentication',
  rationale: 'A server that honours `alg: none` accepts tokens nobody signed: anyone can write any identity and any claim into one.',
  remediation:
    'Verify tokens with an explicit algorithm list that never contains `none` (`jwt.verify(token, key, { algorithms: ["RS256"] })`, `jwt.decode(token, key, algorithms=["RS256"])`), with a maintained library version.',
  confirms: ['jwt-none-algorithm-accepted', 'jwt-signature-not-verified', 'jwt-algorithms-not-pinned'],
  maxRequests: 8,
  run,
});
