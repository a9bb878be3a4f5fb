import type { Enricher } from './enricher.js';

/** Run in this order, each at most once per audit. */
export const allEnrichers: readonly Enricher[] = [];
