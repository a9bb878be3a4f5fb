import type { RequestIdProvider } from '../plugin.js';

/** Koa middleware that gives every request an id (koa-requestid, @koa/request-id). */
export const koaRequestIds: RequestIdProvider = {
  jsModules: ['koa-requestid', '@koa/request-id'],
};
