import type { BasicAuthProvider } from '../plugin.js';

/** Flask-HTTPAuth's `HTTPBasicAuth` and Flask-BasicAuth; Flask-Talisman; the development server's `app.run(…)`. */
export const flaskBasicAuth: BasicAuthProvider = {
  calls: { 'flask_httpauth.HTTPBasicAuth': 'HTTPBasicAuth', 'flask_basicauth.BasicAuth': 'BasicAuth' },
  tls: [String.raw`Talisman\s*\(`],
  plainListen: [String.raw`\bapp\.run\s*\(`],
};
