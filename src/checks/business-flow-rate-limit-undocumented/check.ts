import { calibrate, operationLabel } from '../../analysis/openapi.js';
import {
  AUTH_FLOWS,
  endpointData,
  FLOW_NAMES,
  pathOperations,
  rateLimitDocs,
  rateLimitDocumented,
  sensitiveFlow,
} from '../../analysis/openapi-schema.js';
import { implementedInCode } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'business-flow-rate-limit-undocumented',
  title: 'Sensitive business flow without a documented rate limit',
  owasp: 'API6:2023',
  cwe: ['CWE-799', 'CWE-770'],
  severity: 'medium',
  confidence: 'medium',
  section: 'rate-limiting',
  targets: ['openapi'],
  rationale:
    'Sign-up, checkout and data-export operations are what bots automate: mass account creation, scalping limited stock, scraping every record; when the spec documents no rate limit for them, nothing shows that the flow is protected against automation.',
  remediation:
    'Limit the flow per account, per device and per IP (e.g. 3 checkouts per minute, one export per hour), add anti-automation where it fits (CAPTCHA on sign-up), and document the limit: a `429` response with `Retry-After`, `RateLimit-*` headers or an `x-ratelimit` extension.',
  messages: {
    undocumented:
      'The {{flow}} operation `{{operation}}` documents no rate limit: no `429` response, no rate-limit headers and no `x-ratelimit` extension.',
  },
  peerRules: ['owasp:api4:2023-rate-limit-responses-429', 'owasp:api4:2023-rate-limit'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      for (const op of pathOperations(ctx, doc)) {
        const flow = sensitiveFlow(op);
        // The code outranks the spec: where a route implements the operation, its limiter (or the lack of
        // one) is read from the code by rate-limiting-absent and sensitive-endpoint-without-strict-limit.
        if (implementedInCode(op)) continue;
        if (flow === undefined || AUTH_FLOWS.has(flow) || rateLimitDocumented(rateLimitDocs(op))) continue;
        report({
          messageId: 'undocumented',
          data: { flow: FLOW_NAMES[flow], operation: operationLabel(op) },
          location: doc.locate(op.node),
          severity: calibrate('medium', op.endpoint),
          ...endpointData(op),
        });
      }
    }
  },
});
