import type { AmbientCredentialProvider } from '../plugin.js';

/** Gin: gin-contrib/sessions and its own Basic-auth middleware (`gin.BasicAuth`, `gin.BasicAuthForRealm`). */
export const ginAmbientCredentials: AmbientCredentialProvider = {
  family: 'go',
  markers: [String.raw`gin-contrib\/sessions`, String.raw`\bgin\.BasicAuth(?:ForRealm)?\s*\(`],
};
