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
  id: 'auth-rate-limit-undocumented',
  title: 'Authentication operation without a documented rate limit',
  owasp: 'API2:2023',
  cwe: ['CWE-307', 'CWE-770'],
  severity: 'high',
  confidence: 'medium',
  section: 'rate-limiting',
  targets: ['openapi'],
  rationale:
    'Login, token, one-time-code and password-reset operations are where credential stuffing, OTP brute force and SMS flooding happen; when the spec documents no rate limit for them, nothing shows that a stricter limit than the rest of the API exists.',
  remediation:
    'Enforce a strict per-account and per-IP limit on the operation (e.g. 5 attempts per minute with lockout) and document it: declare a `429` response with `Retry-After`, `RateLimit-*` headers on its responses, or an `x-ratelimit` extension stating the policy.',
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
        if (flow === undefined || !AUTH_FLOWS.has(flow) || rateLimitDocumented(rateLimitDocs(op))) continue;
        report({
          messageId: 'undocumented',
          data: { flow: FLOW_NAMES[flow], operation: operationLabel(op) },
          location: doc.locate(op.node),
          severity: calibrate('high', op.endpoint),
          ...endpointData(op),
        });
      }
    }
  },
});
