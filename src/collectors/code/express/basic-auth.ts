import type { BasicAuthProvider } from '../plugin.js';

/** express-basic-auth; express-sslify. */
export const expressBasicAuth: BasicAuthProvider = {
  calls: { 'express-basic-auth': 'express-basic-auth' },
  tls: ['express-sslify'],
};
