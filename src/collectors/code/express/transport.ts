import type { TransportProvider } from '../plugin.js';

/**
 * Express apps (`express()`), which send `X-Powered-By: Express` unless `app.disable('x-powered-by')` or
 * `app.set('x-powered-by', false)`; `req.secure` tested in code forces HTTPS. CORS and helmet are js/transport.ts.
 */
export const expressTransport: TransportProvider = {
  family: 'js',
  // Webhook receivers: express.raw / bodyParser.raw keep the raw body for an HMAC; `req.body` reads it.
  webhook: { signedInput: [String.raw`express\.raw\s*\(|bodyParser\.raw\s*\(`], bodyRead: [String.raw`\breq\.body\b`] },
  app: {
    name: 'Express',
    fix: {
      https: '`app.use(helmet())` (HSTS) and a redirect of `req.secure === false` requests to HTTPS',
      headers: '`app.use(helmet())`',
    },
    createdBy: (call) => call.callee === 'express' || call.callee === 'express.default',
    poweredBy: () => 'Express',
  },
  https: { code: /\breq\.secure\b/i },
  headers: { poweredByOff: /\.disable\(\s*['"]x-powered-by['"]\s*\)|\.set\(\s*['"]x-powered-by['"]\s*,\s*false\s*\)/i },
};
