import type { TransportProvider } from '../plugin.js';

/** Koa apps (`new Koa()`); `ctx.secure` tested in code forces HTTPS. @koa/cors and koa-helmet are js/transport.ts. */
export const koaTransport: TransportProvider = {
  family: 'js',
  webhook: { bodyRead: [String.raw`\bctx\.request\.body\b`] },
  app: {
    name: 'Koa',
    fix: {
      https: '`app.use(helmet())` from koa-helmet and `koa-sslify`',
      headers: '`app.use(helmet())` (koa-helmet)',
    },
    createdBy: (call) => (call.callee === 'koa' || call.callee === 'koa.default') && call.isNew,
  },
  https: { code: /\bctx\.secure\b/i },
};
