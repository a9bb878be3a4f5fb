import type { AmbientCredentialProvider } from '../plugin.js';

/** Nest: the Passport local strategy module (a form log-in that keeps a session). */
export const nestAmbientCredentials: AmbientCredentialProvider = {
  family: 'js',
  markers: [String.raw`['"\`]@nestjs\/passport-local['"\`]`],
};
