import type { AnyCheck } from './define-check.js';

/** The catalogue: explicit and sorted by id (a test checks it against the folders). */
export const allChecks: readonly AnyCheck[] = [];
