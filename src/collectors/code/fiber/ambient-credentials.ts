import type { AmbientCredentialProvider } from '../plugin.js';

/** Fiber: its Basic-auth middleware (`basicauth.New`). */
export const fiberAmbientCredentials: AmbientCredentialProvider = {
  family: 'go',
  markers: [String.raw`\bbasicauth\.New\s*\(`],
};
