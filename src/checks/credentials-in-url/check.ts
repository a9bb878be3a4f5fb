import { securitySchemes, stringAt } from '../../analysis/openapi.js';
import { calibrateFor, groupParameters, isCredentialName, parameterTypes, parameterUses, type ParameterUse } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'credentials-in-url',
  title: 'Credential in a URL parameter',
  owasp: 'API2:2023',
  cwe: ['CWE-598'],
  severity: 'high',
  confidence: 'medium',
  section: 'authentication',
  targets: ['openapi'],
  peerRules: ['owasp:api2:2023-no-credentials-in-url'],
  rationale:
    'Passwords, tokens, secrets and keys carried in the query string or path end up in access and proxy logs, browser history, analytics and `Referer` headers, where they outlive the request and can be replayed.',
  remediation:
    'Move the credential to a header (`Authorization: Bearer …`, or an `in: header` parameter) or to the request body of a POST, remove the URL parameter, and rotate the credentials that were sent in URLs.',
  messages: {
    param: 'Parameter `{{name}}` carries a credential in the {{location}}.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      // An API-key scheme in the URL is reported once by api-key-in-url, not again for each parameter mirroring it.
      const schemeParams = new Set<string>();
      for (const scheme of securitySchemes(doc).values()) {
        if (stringAt(scheme, 'type') === 'apiKey') schemeParams.add(`${stringAt(scheme, 'in') ?? ''}:${stringAt(scheme, 'name') ?? ''}`);
      }
      const flagged: ParameterUse[] = [];
      for (const use of parameterUses(ctx, doc)) {
        if (use.in !== 'query' && use.in !== 'path') continue;
        if (schemeParams.has(`${use.in}:${use.name}`) || !isCredentialName(use.name)) continue;
        if (parameterTypes(doc, use.param).some((type) => type === 'boolean' || type === 'integer')) continue;
        flagged.push(use);
      }
      for (const { first, operations, definitions } of groupParameters(flagged)) {
        report({
          messageId: 'param',
          data: { name: first.name, location: first.in === 'query' ? 'query string' : 'URL path' },
          location: doc.locate(first.param),
          ...(operations.length === 1 && operations[0]?.endpoint ? { endpointId: operations[0].endpoint.id } : {}),
          severity: calibrateFor('high', operations),
          evidence: { snippet: `in: ${first.in}, name: ${first.name}`, definitions },
          ...(operations.length > 1 ? { occurrences: operations.length } : {}),
        });
      }
    }
  },
});
