import { items } from '../../analysis/openapi.js';
import { calibrateFor, hostOf, nonProductionHost, rootChild, servedOperations, servers } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const PLAIN = /^(http|ws):\/\//i;

export default defineCheck({
  id: 'server-plain-http',
  title: 'Server reached over plain HTTP',
  owasp: 'API8:2023',
  cwe: ['CWE-319'],
  severity: 'high',
  confidence: 'high',
  section: 'cors-transport',
  targets: ['openapi'],
  peerRules: ['owasp:api8:2023-no-server-http', 'owasp:api8:2023-no-scheme-http'],
  rationale:
    'Without TLS, credentials, tokens and personal data cross the network in clear text, and anyone on the path can read or alter requests and responses.',
  remediation:
    'Serve the API over TLS only: list `https://` (or `wss://`) server URLs (`schemes: [https]` in Swagger 2.0), redirect or refuse plain HTTP, and send `Strict-Transport-Security`.',
  messages: {
    server: 'Server `{{url}}` is reached over unencrypted `{{scheme}}`.',
    scheme: 'The API is offered over the unencrypted `{{scheme}}` scheme.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      if (doc.format === 'swagger-2.0') {
        // `host: localhost`: a local development entry, the request never leaves the machine.
        const declaredHost = rootChild(doc, 'host')?.value;
        const local = typeof declaredHost === 'string' ? hostOf(`http://${declaredHost}`) : undefined;
        if (local !== undefined && nonProductionHost(local) === 'loopback') continue;
        const served = servedOperations(ctx, doc);
        const holders = [{ node: rootChild(doc, 'schemes'), ops: served }, ...served.map((op) => ({ node: doc.child(op.node, 'schemes'), ops: [op] }))];
        for (const holder of holders) {
          for (const item of items(doc, holder.node)) {
            if (typeof item.value !== 'string' || !/^(http|ws)$/i.test(item.value)) continue;
            report({
              messageId: 'scheme',
              data: { scheme: item.value },
              location: doc.locate(item),
              severity: calibrateFor('high', holder.ops),
              evidence: { snippet: `schemes: ${item.value}` },
            });
          }
        }
        continue;
      }
      for (const server of servers(ctx, doc)) {
        const plain = server.candidates.find((url) => PLAIN.test(url));
        if (plain === undefined) continue;
        // A plain-HTTP loopback server is a local development entry: the request never leaves the machine.
        const host = hostOf(plain);
        const kind = host === undefined ? undefined : nonProductionHost(host);
        if (kind === 'loopback') continue;
        report({
          messageId: 'server',
          data: { url: server.url, scheme: (/^[a-z]+/i.exec(plain)?.[0] ?? 'http').toLowerCase() },
          location: doc.locate(server.node),
          // Traffic to a private or staging host stays off the internet: still worth fixing, not an emergency.
          severity: kind === undefined ? calibrateFor('high', server.operations) : 'medium',
          evidence: { snippet: `url: ${server.url}` },
        });
      }
    }
  },
});
