import type { Severity } from '../../model/types.js';
import { calibrateFor, groupParameters, isCredentialName, parameterTypes, parameterUses, words, type ParameterUse } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

interface Kind {
  label: string;
  severity: Severity;
  test: (parts: string[], joined: string) => boolean;
}

const KINDS: Kind[] = [
  { label: 'a social security or national id number', severity: 'high', test: (p, j) => p.includes('ssn') || /socialsecurity|nationalid|nationalinsurance|taxid|taxnumber|passport|driverslicen|driverlicen|drivinglicen/.test(j) },
  { label: 'payment card data', severity: 'high', test: (p, j) => /cardnumber|creditcard|debitcard|cvv|cvc|securitycode/.test(j) || p.includes('pan') && p.length === 1 },
  { label: 'a bank account number', severity: 'high', test: (p, j) => p.includes('iban') || /accountnumber|routingnumber|sortcode|banknumber/.test(j) },
  { label: 'a date of birth', severity: 'high', test: (p, j) => p.includes('dob') || /birth/.test(j) },
  { label: 'an email address', severity: 'medium', test: (p, j) => /^e?mail$|^emailaddress$/.test(j) || p.includes('email') },
  { label: 'a phone number', severity: 'medium', test: (p) => p.includes('phone') || p.includes('msisdn') || p.includes('mobile') && p.includes('number') },
  { label: 'a postal address', severity: 'medium', test: (_p, j) => /^(home|billing|shipping|street|postal|mailing|residential)address$/.test(j) },
];

// Fields about the data rather than the data itself: `email_verified`, `phone_type`, `email_domain`.
const META_TAIL = new Set(['verified', 'confirmed', 'enabled', 'type', 'status', 'count', 'template', 'domain', 'provider', 'format', 'opt', 'optin', 'id', 'ids', 'country', 'region', 'code', 'prefix', 'hash', 'hashed']);

export default defineCheck({
  id: 'sensitive-data-in-url',
  title: 'Personal data in a URL parameter',
  owasp: 'API8:2023',
  cwe: ['CWE-598'],
  severity: 'medium',
  confidence: 'medium',
  section: 'cors-transport',
  targets: ['openapi'],
  rationale:
    'Query strings and paths are logged by servers, proxies, CDNs and analytics and kept in browser history: email addresses, phone numbers, dates of birth, national ids or card numbers placed there leak to everyone who can read those logs, outside the controls the data requires.',
  remediation:
    'Send the value in the body of a POST (for lookups, `POST /users/search` with `{ "email": … }`) or refer to the person by an opaque id, and drop the value from the URL parameter.',
  messages: {
    param: 'Parameter `{{name}}` puts {{kind}} in the {{location}}.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const kinds = new Map<ParameterUse, Kind>();
      for (const use of parameterUses(ctx, doc)) {
        if (use.in !== 'query' && use.in !== 'path') continue;
        const parts = words(use.name);
        const last = parts[parts.length - 1];
        if (last === undefined || META_TAIL.has(last) || isCredentialName(use.name)) continue;
        if (parameterTypes(doc, use.param).includes('boolean')) continue;
        const kind = KINDS.find((candidate) => candidate.test(parts, parts.join('')));
        if (!kind) continue;
        kinds.set(use, kind);
      }
      for (const { first, operations, definitions } of groupParameters([...kinds.keys()])) {
        const kind = kinds.get(first);
        if (!kind) continue;
        report({
          messageId: 'param',
          data: { name: first.name, kind: kind.label, location: first.in === 'query' ? 'query string' : 'URL path' },
          location: doc.locate(first.param),
          ...(operations.length === 1 && operations[0]?.endpoint ? { endpointId: operations[0].endpoint.id } : {}),
          severity: calibrateFor(kind.severity, operations),
          evidence: { snippet: `in: ${first.in}, name: ${first.name}`, definitions },
          ...(operations.length > 1 ? { occurrences: operations.length } : {}),
        });
      }
    }
  },
});
