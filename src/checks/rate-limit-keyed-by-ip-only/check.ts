import { levelLabel, rateLimitAnalysis } from '../../analysis/code-ratelimit.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'rate-limit-keyed-by-ip-only',
  // Under 50% useful precision on the real-world corpus (bench/realworld, 0 of 2 useful: IP keys are the standard design of login and proxy-aware throttlers): off unless --experimental.
  experimental: true,
  title: 'Authenticated endpoints limited per IP address only',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'low',
  confidence: 'medium',
  section: 'rate-limiting',
  targets: ['code'],
  rationale:
    'A per-IP limit on authenticated endpoints is bypassed by one account spread over many addresses (proxies, botnets, IPv6 ranges) and penalises many users behind one NAT; the caller is known, so the limit should follow the account or API key.',
  remediation:
    'Key the limit by the authenticated principal: `Limiter(key_func=lambda request: request.state.user_id)` or `@limiter.limit("100/minute", key_func=user_key)` (slowapi, flask-limiter), `keyGenerator: (req) => req.user.id` (express-rate-limit), a `ThrottlerGuard` subclass whose `getTracker` returns the user id (NestJS), `UserRateThrottle` (DRF), `@ratelimit(key="user")` (django-ratelimit); keep the per-IP limit for anonymous routes.',
  messages: {
    ip: 'The {{library}} limit ({{level}}) is keyed by {{key}} only, yet it covers {{count}} authenticated endpoint(s) such as {{example}} with no per-account limit.',
  },
  run(ctx, report) {
    const analysis = rateLimitAnalysis(ctx);
    for (const [limiter, endpoints] of analysis.covered) {
      if (limiter.key !== 'ip') continue;
      const exposed = endpoints.filter((endpoint) => {
        if (endpoint.auth.state !== 'protected') return false;
        const coverage = analysis.coverage.get(endpoint.id);
        return !coverage?.applied.some((applied) => applied.limiter.key === 'user' || applied.limiter.key === 'key');
      });
      const first = exposed[0];
      if (!first) continue;
      const level = analysis.coverage.get(first.id)?.applied.find((applied) => applied.limiter === limiter)?.level ?? 'app';
      report({
        messageId: 'ip',
        data: { library: limiter.library, level: levelLabel(level), key: limiter.keyDetail, count: exposed.length, example: `\`${first.method} ${first.path}\`` },
        location: limiter.location,
        evidence: { snippet: limiter.snippet },
        occurrences: exposed.length,
        ...(exposed.length === 1 ? { endpointId: first.id } : {}),
      });
    }
  },
});
