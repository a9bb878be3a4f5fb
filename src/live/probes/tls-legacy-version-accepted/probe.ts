import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';

/** Protocol versions deprecated by RFC 8996: a server still completing a handshake with them offers a downgrade. */
const LEGACY = ['TLSv1', 'TLSv1.1'] as const;

async function run(ctx: ProbeContext): Promise<void> {
  // Plaintext targets are transport-security-missing's.
  if (!ctx.origin.startsWith('https:')) return;
  const url = new URL(ctx.origin);
  const accepted: string[] = [];
  for (const version of LEGACY) {
    const answer = await ctx.handshake(version);
    if (answer.accepted) accepted.push(answer.protocol ?? version);
  }
  if (accepted.length === 0) return;
  const flags = accepted.map((version) => (version === 'TLSv1' ? '-tls1' : '-tls1_1'));
  ctx.report({
    message: `${ctx.origin} completes TLS handshakes with ${accepted.join(' and ')}, deprecated protocol versions (RFC 8996).`,
    exchanges: [],
    key: accepted.join(','),
    facts: {
      versions: accepted.join(', '),
      reproduce: `openssl s_client -connect ${url.hostname}:${url.port === '' ? '443' : url.port} -servername ${url.hostname} ${flags[0] ?? '-tls1'} -cipher 'DEFAULT@SECLEVEL=0' </dev/null`,
    },
  });
}

export default defineProbe({
  id: 'tls-legacy-version-accepted',
  title: 'Deprecated TLS protocol version accepted',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-327', 'CWE-326'],
  severity: 'medium',
  confidence: 'high',
  section: 'cors-transport',
  rationale:
    'TLS 1.0 and 1.1 are deprecated (RFC 8996): they rely on weak hashes and cipher constructions, and a server that still offers them lets an attacker on the path force clients down to them.',
  remediation:
    'Accept TLS 1.2 and 1.3 only at the load balancer or server: nginx `ssl_protocols TLSv1.2 TLSv1.3;`, Node `minVersion: \'TLSv1.2\'`, AWS ALB policy `ELBSecurityPolicy-TLS13-1-2-2021-06`.',
  confirms: ['tls-version-outdated'],
  maxRequests: 2,
  run,
});
