import type { Severity } from '../../model/types.js';
import { hostOf, nonProductionHost, rootChild, servers, type HostKind } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const SEVERITY: Record<HostKind, Severity> = { loopback: 'low', private: 'low', 'non-production': 'medium' };

export default defineCheck({
  id: 'non-production-server',
  title: 'Non-production or private server in the spec',
  owasp: 'API9:2023',
  cwe: ['CWE-668'],
  severity: 'medium',
  confidence: 'medium',
  section: 'inventory',
  targets: ['openapi'],
  // Loopback servers (local development entries) are reported by neither this check nor server-plain-http.
  peerRules: ['owasp:api8:2023-no-server-http'],
  rationale:
    'Staging, development and test hosts listed in a published spec invite attackers to the environments with the weakest controls and, often, copies of production data; private addresses and internal host names map the internal network for them.',
  remediation:
    'Publish only production (and deliberate public sandbox) servers; move staging, development and local servers to a separate internal spec or mark them `x-internal: true` so documentation builds strip them, and put non-production hosts behind the VPN or an allowlist.',
  messages: {
    private: 'Server `{{url}}` points at the private or internal host `{{host}}`.',
    'non-production': 'Server `{{url}}` points at the non-production host `{{host}}`.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const targets: { node: Parameters<typeof doc.locate>[0]; url: string; candidates: string[] }[] = [];
      if (doc.format === 'swagger-2.0') {
        const hostNode = rootChild(doc, 'host');
        if (hostNode && typeof hostNode.value === 'string') targets.push({ node: hostNode, url: hostNode.value, candidates: [`https://${hostNode.value}`] });
      } else {
        for (const server of servers(ctx, doc)) {
          if (server.node.value['x-internal'] === true) continue;
          targets.push({ node: server.node, url: server.url, candidates: server.candidates });
        }
      }
      for (const target of targets) {
        for (const candidate of target.candidates) {
          const host = hostOf(candidate);
          const kind = host === undefined ? undefined : nonProductionHost(host);
          if (!kind || host === undefined) continue;
          // A loopback server is the reader's own machine (the "try it" entry for local development):
          // it exposes no environment and maps no network, the two harms this check is about.
          if (kind === 'loopback') break;
          report({
            messageId: kind,
            data: { url: target.url, host },
            location: doc.locate(target.node),
            severity: SEVERITY[kind],
            evidence: { snippet: `url: ${target.url}` },
          });
          break;
        }
      }
    }
  },
});
