import type { AmbientCredentialProvider } from '../plugin.js';

/** Next.js: `cookies().set(…)` from `next/headers`, and NextAuth's session cookie. */
export const nextAmbientCredentials: AmbientCredentialProvider = {
  family: 'js',
  markers: [String.raw`\bcookies\(\)\.set\s*\(`, String.raw`['"\`]next-auth['"\`]`],
};
