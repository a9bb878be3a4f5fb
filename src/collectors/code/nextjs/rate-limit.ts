import type { Limiter } from '../../../analysis/rate-limit/model.js';
import { jsGraph, limiterCalledIn } from '../js/rate-limit.js';
import type { RateLimitProvider } from '../plugin.js';

/** Next.js: a limiter called in the root `middleware.ts` runs before every route handler. */

const MIDDLEWARE = {};

export const nextRateLimit: RateLimitProvider = {
  frameworks: ['nextjs'],
  endpoint(scope, _endpoint, sink) {
    const limiter = scope.memo(MIDDLEWARE, (): Limiter | null => {
      let found: Limiter | null = null;
      for (const source of scope.ctx.sources) {
        if (!/(^|\/)(src\/)?middleware\.(ts|js)$/.test(source.file)) continue;
        const module = jsGraph(scope).modules.get(source.file);
        if (!module) continue;
        const verdict = limiterCalledIn(scope, module, source.tree.rootNode);
        if (verdict && verdict !== 'unknown') found = verdict;
      }
      return found;
    });
    if (limiter) sink.add({ limiter, level: 'app' });
  },
};
