import type { TokenLifecycleProvider } from '../plugin.js';

/** @fastify/jwt signs and verifies self-contained tokens. */
export const fastifyTokenLifecycle: TokenLifecycleProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  statelessModules: ['@fastify/jwt'],
};
