import type { TokenLifecycleProvider } from '../plugin.js';

/** FastAPI Users' `logout` ends the session its authentication backend keeps; fastapi-jwt-auth issues self-contained tokens. */
export const fastapiTokenLifecycle: TokenLifecycleProvider = {
  languages: ['python'],
  logouts: ['fastapi_users\\.\\S+\\.logout'],
  statelessModules: ['fastapi_jwt_auth'],
};
