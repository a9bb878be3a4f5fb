import { calibrate, operationLabel, type Operation } from '../../analysis/openapi.js';
import {
  aggregates,
  endpointData,
  exampleList,
  pathOperations,
  pathsLocation,
  rateLimitDocs,
  rateLimitDocumented,
  sensitiveFlow,
  worstOf,
} from '../../analysis/openapi-schema.js';
import defineCheck from '../define-check.js';

type Gap = 'none' | 'no429' | 'noHeaders';

export default defineCheck({
  id: 'rate-limit-undocumented',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Operation without a documented rate limit',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'medium',
  confidence: 'medium',
  section: 'rate-limiting',
  targets: ['openapi'],
  rationale:
    'An operation whose spec declares neither a `429 Too Many Requests` response nor rate-limit headers gives no sign that a limit exists; clients cannot back off, and reviewers cannot tell whether the gateway throttles it at all.',
  remediation:
    'Declare a shared `429` response (with `Retry-After`) under `components/responses` and reference it from every operation, and declare `RateLimit-Limit`/`RateLimit-Remaining`/`RateLimit-Reset` (or `X-RateLimit-*`) headers on success responses; or state the gateway policy in an `x-ratelimit` extension.',
  messages: {
    none: '`{{operation}}` documents no rate limit: no `429` response and no rate-limit headers.',
    no429: '`{{operation}}` declares rate-limit headers but no `429` response.',
    noHeaders: '`{{operation}}` declares a `429` response but no rate-limit headers on its success responses.',
    document: 'No rate limit is documented for {{lacking}} of {{total}} operations ({{summary}}), e.g. {{examples}}.',
  },
  peerRules: ['owasp:api4:2023-rate-limit', 'owasp:api4:2023-rate-limit-responses-429'],
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const ops = pathOperations(ctx, doc);
      const gaps: [Operation, Gap][] = [];
      let total = 0;
      for (const op of ops) {
        const docs = rateLimitDocs(op);
        // Sensitive flows with nothing documented are the auth/business-flow checks' findings.
        if (!rateLimitDocumented(docs) && sensitiveFlow(op) !== undefined) continue;
        total += 1;
        if (docs.extension || (docs.headers && docs.tooMany)) continue;
        gaps.push([op, docs.tooMany ? 'noHeaders' : docs.headers ? 'no429' : 'none']);
      }
      if (aggregates(gaps.length, total)) {
        const count = (gap: Gap): number => gaps.filter(([, kind]) => kind === gap).length;
        const parts = [
          [count('none'), 'neither a `429` nor rate-limit headers'],
          [count('no429'), 'no `429`'],
          [count('noHeaders'), 'no rate-limit headers'],
        ] as const;
        report({
          messageId: 'document',
          data: {
            lacking: gaps.length,
            total,
            summary: parts.filter(([n]) => n > 0).map(([n, text]) => `${n} with ${text}`).join(', '),
            examples: exampleList(gaps.map(([op]) => operationLabel(op))),
          },
          location: pathsLocation(doc),
          severity: calibrate(count('none') > 0 ? 'medium' : 'low', worstOf(gaps.map(([op]) => op.endpoint))),
          occurrences: gaps.length,
          evidence: { operations: gaps.length, examples: gaps.slice(0, 5).map(([op]) => operationLabel(op)) },
        });
        continue;
      }
      for (const [op, gap] of gaps) {
        report({
          messageId: gap,
          data: { operation: operationLabel(op) },
          location: doc.locate(op.node),
          severity: calibrate(gap === 'none' ? 'medium' : 'low', op.endpoint),
          ...endpointData(op),
        });
      }
    }
  },
});
