import type { BasicAuthProvider } from '../plugin.js';

/** koa-basic-auth; koa-sslify. */
export const koaBasicAuth: BasicAuthProvider = {
  calls: { 'koa-basic-auth': 'koa-basic-auth' },
  tls: ['koa-sslify'],
};
