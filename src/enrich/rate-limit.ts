import { levelLabel, rateLimitAnalysis } from '../analysis/code-ratelimit.js';
import type { Diagnostic, RateLimitEvidence } from '../model/types.js';
import type { Enricher } from './enricher.js';

/** Sets `endpoint.rateLimit` from the limiters in code and the gateway and proxy configuration. */
export const rateLimitEnricher: Enricher = {
  id: 'rate-limit',
  run(ctx) {
    const diagnostics: Diagnostic[] = [];
    const analysis = rateLimitAnalysis(ctx);
    for (const endpoint of ctx.inventory.endpoints) {
      const coverage = analysis.coverage.get(endpoint.id);
      if (!coverage) continue;
      // A spec-only endpoint keeps what its spec said, unless a gateway limit is known.
      if (coverage.state === 'unknown' && endpoint.rateLimit !== undefined) continue;
      const effective = coverage.effective;
      const evidence: RateLimitEvidence = { state: coverage.state };
      if (effective) {
        if (effective.limiter.limit !== undefined) evidence.limit = effective.limiter.limit;
        evidence.where = effective.limiter.location;
        evidence.scope = `${effective.limiter.key}, ${levelLabel(effective.level)} (${effective.limiter.library})`;
      } else if (coverage.reason !== undefined && coverage.reason !== 'no limiter applies') {
        evidence.scope = coverage.reason;
      }
      endpoint.rateLimit = evidence;
    }
    return diagnostics;
  },
};
