import type { AmbientCredentialProvider } from '../plugin.js';

/** Django: the session middleware, `request.COOKIES`, and DRF's session and Basic authentication classes. */
export const djangoAmbientCredentials: AmbientCredentialProvider = {
  family: 'python',
  markers: [String.raw`\bSessionMiddleware\b`, String.raw`\bSessionAuthentication\b`, String.raw`request\.COOKIES`, String.raw`\bBasicAuthentication\b`],
};
