import type { AppCodeProvider } from '../plugin.js';

/** `koa` and `@koa/router` imports make a file server code. */
export const koaAppCode: AppCodeProvider = {
  serverModules: { required: ['koa', String.raw`@koa\/router`], imported: ['koa', String.raw`@koa\/router`] },
};
