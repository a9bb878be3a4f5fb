import type { AmbientCredentialProvider } from '../plugin.js';

/** Echo: its Basic-auth middleware (`middleware.BasicAuth`, `middleware.BasicAuthWithConfig`). */
export const echoAmbientCredentials: AmbientCredentialProvider = {
  family: 'go',
  markers: [String.raw`\bmiddleware\.BasicAuth(?:WithConfig)?\s*\(`],
};
