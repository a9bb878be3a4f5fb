import type { CheckContext } from '../engine/context.js';
import type { Diagnostic } from '../model/types.js';

/**
 * Adds evidence to endpoints after the inventory is built and before checks run: the
 * authorization and rate-limit facts that need the code (handler bodies, limiter
 * configuration). An enricher may set `endpoint.authorization` and `endpoint.rateLimit` and
 * nothing else; checks then read them, and the report's coverage tables show them.
 */
export interface Enricher {
  id: string;
  run(ctx: CheckContext): Diagnostic[];
}
