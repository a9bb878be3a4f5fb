import { items, objectNode, stringAt } from '../../analysis/openapi.js';
import { rootChild } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const ENVIRONMENT = /local|sandbox|alpha|beta|test|stag|prod|next|dev|qa|uat|live|mock/i;

export default defineCheck({
  id: 'server-inventory-unlabelled',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Server without audience or environment label',
  owasp: 'API9:2023',
  cwe: ['CWE-1059'],
  severity: 'info',
  confidence: 'high',
  section: 'inventory',
  targets: ['openapi'],
  peerRules: ['owasp:api9:2023-inventory-access', 'owasp:api9:2023-inventory-environment'],
  rationale:
    'An inventory is only useful when each server says who may call it and which environment it is: without that, internal and test hosts get published, and nobody can tell which deployments must meet production controls.',
  remediation:
    'Give every entry of `servers` an `x-internal: true|false` and a `description` naming its environment, e.g. `{ url: https://api.example.com, description: Production, x-internal: false }`.',
  messages: {
    both: 'Server `{{url}}` declares neither its audience (`x-internal`) nor its environment in its description.',
    audience: 'Server `{{url}}` does not declare its audience with `x-internal`.',
    environment: 'Server `{{url}}` does not name its environment (production, staging, sandbox…) in its description.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      if (doc.format === 'swagger-2.0') continue;
      for (const item of items(doc, rootChild(doc, 'servers'))) {
        const server = objectNode(item);
        const url = stringAt(server, 'url');
        if (!server || url === undefined) continue;
        const noAudience = typeof server.value['x-internal'] !== 'boolean';
        const noEnvironment = !ENVIRONMENT.test(stringAt(server, 'description') ?? '');
        if (!noAudience && !noEnvironment) continue;
        report({
          messageId: noAudience && noEnvironment ? 'both' : noAudience ? 'audience' : 'environment',
          data: { url },
          location: doc.locate(server),
          evidence: { snippet: `url: ${url}` },
        });
      }
    }
  },
});
