import { authorizationEnricher } from './authorization.js';
import type { Enricher } from './enricher.js';
import { rateLimitEnricher } from './rate-limit.js';

/** Run in this order, each at most once per audit. */
export const allEnrichers: readonly Enricher[] = [authorizationEnricher, rateLimitEnricher];
