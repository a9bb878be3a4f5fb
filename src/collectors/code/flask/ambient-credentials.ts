import type { AmbientCredentialProvider } from '../plugin.js';

/** Flask: its cookie `session` imported, Flask-Login (`login_user`), Flask-Session and Flask-HTTPAuth's `HTTPBasicAuth`. */
export const flaskAmbientCredentials: AmbientCredentialProvider = {
  family: 'python',
  markers: [String.raw`^\s*from flask import[^\n]*\bsession\b`, String.raw`\bflask_login\b`, String.raw`\blogin_user\s*\(`, String.raw`\bHTTPBasicAuth\b`, String.raw`\bflask_session\b`],
};
