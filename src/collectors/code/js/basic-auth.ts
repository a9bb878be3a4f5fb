import type { BasicAuthProvider } from '../plugin.js';

/** Libraries any JS framework mounts (`js-basic-auth`): passport-http's `BasicStrategy`; helmet (HSTS on by default) as TLS evidence. */
export const jsBasicAuthLibraries: BasicAuthProvider = {
  calls: { 'passport-http.BasicStrategy': 'passport-http BasicStrategy' },
  tls: [String.raw`helmet\s*\(`],
};
