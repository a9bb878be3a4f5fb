import type { TokenLifecycleProvider } from '../plugin.js';

/** Hono's `hono/jwt` middleware and helpers sign and verify self-contained tokens. */
export const honoTokenLifecycle: TokenLifecycleProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  statelessModules: ['hono/jwt'],
};
