import type { TokenLifecycleProvider } from '../plugin.js';

/** @nestjs/jwt's `JwtService` signs and verifies self-contained tokens. */
export const nestTokenLifecycle: TokenLifecycleProvider = {
  languages: ['javascript', 'typescript', 'tsx'],
  statelessModules: ['@nestjs/jwt'],
};
