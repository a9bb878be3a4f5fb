import { allCollectors } from './index.js';
import type { FrameworkPlugin, RateLimitProvider } from './plugin.js';
import { djangoRateLimit } from './django/rate-limit.js';
import { echoRateLimit } from './echo/rate-limit.js';
import { fastifyRateLimit } from './fastify/rate-limit.js';
import { fiberRateLimit } from './fiber/rate-limit.js';
import { limitsFamilyRateLimit } from './flask/rate-limit.js';
import { ginRateLimit } from './gin/rate-limit.js';
import { goRateLimit } from './go/rate-limit.js';
import { jsLimiterLibraries } from './js/rate-limit.js';
import { nestRateLimit } from './nestjs/rate-limit.js';
import { nextRateLimit } from './nextjs/rate-limit.js';
import { springRateLimit } from './spring/rate-limit.js';

/**
 * The framework plugins (contract in ./plugin.ts). One entry per framework id of the collectors
 * (./index.ts), plus the library families several frameworks mount. Within one phase, providers are
 * asked in this order.
 */

/** Limiter libraries: every route of their language. */
const libraries: FrameworkPlugin[] = [
  { id: 'js-limiters', rateLimit: jsLimiterLibraries },
];

/** Frameworks with rate-limit providers; the other collectors are plugins with routes only. */
const providers: Record<string, RateLimitProvider> = {
  chi: goRateLimit('chi'),
  django: djangoRateLimit,
  echo: echoRateLimit,
  fastapi: limitsFamilyRateLimit,
  fastify: fastifyRateLimit,
  fiber: fiberRateLimit,
  flask: limitsFamilyRateLimit,
  gin: ginRateLimit,
  'gorilla-mux': goRateLimit('gorilla-mux'),
  nestjs: nestRateLimit,
  'net/http': goRateLimit('net/http'),
  nextjs: nextRateLimit,
  spring: springRateLimit,
};

export const frameworkPlugins: readonly FrameworkPlugin[] = [
  ...libraries,
  ...allCollectors.map((entry): FrameworkPlugin => {
    const rateLimit = providers[entry.id];
    return { id: entry.id, collector: entry, ...(rateLimit ? { rateLimit } : {}) };
  }),
];

/** The plugin of a framework id. */
export function pluginOf(id: string): FrameworkPlugin | undefined {
  return frameworkPlugins.find((plugin) => plugin.id === id);
}

/** Every distinct rate-limit provider, in registry order (fastapi and flask share one). */
export function rateLimitProviders(): RateLimitProvider[] {
  return [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.rateLimit ? [plugin.rateLimit] : [])))];
}
