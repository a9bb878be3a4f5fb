import type { CodeCollector } from './collector.js';

/** Framework collectors, one per file. */
export const allCollectors: readonly CodeCollector[] = [];
