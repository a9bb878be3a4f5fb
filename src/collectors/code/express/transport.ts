import type { TransportProvider } from '../plugin.js';

/** Express apps (`express()`); `req.secure` tested in code forces HTTPS. CORS and helmet are js/transport.ts. */
export const expressTransport: TransportProvider = {
  family: 'js',
  app: {
    name: 'Express',
    createdBy: (call) => call.callee === 'express' || call.callee === 'express.default',
  },
  https: { code: /\breq\.secure\b/i },
};
