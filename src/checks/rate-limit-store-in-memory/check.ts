import { multiWorker, rateLimitAnalysis } from '../../analysis/code-ratelimit.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'rate-limit-store-in-memory',
  title: 'Rate-limit counters kept in process memory behind several workers',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'medium',
  confidence: 'medium',
  section: 'rate-limiting',
  targets: ['code'],
  rationale:
    'An in-memory store counts per process: with N workers, pods or instances each keeps its own counters, so a client gets N times the limit (and counters reset on every restart or deploy).',
  remediation:
    'Keep the counters in a store shared by every process: `rateLimit({ windowMs, limit, store: new RedisStore({ sendCommand: (...args) => redis.sendCommand(args) }) })` (express-rate-limit with rate-limit-redis), `Limiter(key_func=…, storage_uri="redis://redis:6379/0")` (slowapi, flask-limiter), `ThrottlerModule.forRoot({ throttlers: [...], storage: new ThrottlerStorageRedisService(redis) })` (NestJS), `RateLimiterRedis` (rate-limiter-flexible), a Redis `CACHES` backend (DRF, django-ratelimit), or enforce the limit at the gateway.',
  messages: {
    memory: 'The {{library}} limiter keeps its counters in {{store}}, but the app runs as several processes ({{workers}}); each process counts on its own, so the real limit is multiplied by the number of workers.',
  },
  run(ctx, report) {
    const workers = multiWorker(ctx);
    if (!workers) return;
    const analysis = rateLimitAnalysis(ctx);
    const seen = new Set<string>();
    for (const [limiter, endpoints] of analysis.covered) {
      if (limiter.store !== 'memory' || endpoints.length === 0) continue;
      const where = limiter.storeLocation;
      const key = `${where.file}:${where.line}:${where.column ?? 0}`;
      if (seen.has(key)) continue;
      seen.add(key);
      report({
        messageId: 'memory',
        data: { library: limiter.library, store: limiter.storeDetail, workers: workers.detail },
        location: where,
        evidence: { snippet: limiter.snippet },
        key,
      });
    }
  },
});
