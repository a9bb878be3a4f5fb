import type { AmbientCredentialProvider } from '../plugin.js';

/** Express: `res.cookie(…)`, signed cookies, and the session, cookie and Basic-auth middleware it mounts. */
export const expressAmbientCredentials: AmbientCredentialProvider = {
  family: 'js',
  markers: [String.raw`\bres\.cookie\s*\(`, String.raw`['"\`](?:express-session|cookie-session|cookie-parser|express-basic-auth)['"\`]`, String.raw`\.signedCookies\b`],
};
