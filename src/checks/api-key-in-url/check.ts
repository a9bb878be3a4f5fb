import { stringAt } from '../../analysis/openapi.js';
import { calibrateFor, schemeUsage } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'api-key-in-url',
  title: 'API key sent in the URL',
  owasp: 'API2:2023',
  cwe: ['CWE-598'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['openapi'],
  peerRules: ['owasp:api2:2023-no-api-keys-in-url'],
  rationale:
    'A key in the query string or path is written to access logs, proxy and CDN logs, browser history and `Referer` headers, where anyone with access to those records can reuse it.',
  remediation:
    'Move the key to a header: declare the scheme as `type: apiKey, in: header, name: X-API-Key` (or use `type: http, scheme: bearer`), accept it only there, and rotate the keys that travelled in URLs.',
  messages: {
    inUrl: 'Security scheme `{{scheme}}` takes the API key `{{name}}` in the {{location}}.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const inUrl = schemeUsage(ctx, doc).flatMap((use) => {
        const where = stringAt(use.node, 'in');
        if (stringAt(use.node, 'type') !== 'apiKey' || (where !== 'query' && where !== 'path')) return [];
        return [{ use, where, name: stringAt(use.node, 'name') ?? '' }];
      });
      for (const { use, where, name } of inUrl) {
        // Several schemes reading the same parameter (an app token and a client token both accepted as
        // `?token=`) are one mechanism: one finding, the other schemes as its places.
        const shared = inUrl.filter((other) => other.where === where && other.name === name).length > 1;
        report({
          messageId: 'inUrl',
          data: { scheme: use.name, name, location: where === 'query' ? 'query string' : 'URL path' },
          location: doc.locate(use.node),
          severity: calibrateFor('high', use.operations),
          evidence: { snippet: `in: ${where}, name: ${name}` },
          ...(use.operations.length > 0 ? { occurrences: use.operations.length } : {}),
          ...(shared ? { rootCause: `${doc.file}\u0000${where}\u0000${name}` } : {}),
        });
      }
    }
  },
});
