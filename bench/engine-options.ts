// What the audit's engine accepts today, for the benchmark (issue 13). Each `false` below must become
// `true` when AuditOptions gains the option: typecheck fails until they match.
import type { AuditOptions } from '../src/index.js';

const hasJobs: 'jobs' extends keyof AuditOptions ? true : false = true;
const hasCache: 'cache' extends keyof AuditOptions ? true : false = true;

/** `jobs` (worker count) in AuditOptions: until then the audit runs on one thread and the floor too. */
export const AUDIT_HAS_JOBS: boolean = hasJobs;
/** `cache` (fact cache directory) in AuditOptions: until then "warm" is a second cold run. */
export const AUDIT_HAS_CACHE: boolean = hasCache;
