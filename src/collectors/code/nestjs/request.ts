import type { RequestSourceProvider } from '../plugin.js';

/** Nest: a handler parameter decorated with `@Headers(…)` holds request headers (its other decorators read through Express or Fastify). */
export const nestRequest: RequestSourceProvider = {
  family: 'js',
  presented: { code: [String.raw`@Headers\(`] },
};
