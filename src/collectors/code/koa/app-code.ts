import type { AppCodeProvider } from '../plugin.js';

/** `new Koa()`; `koa` and `@koa/router` imports make a file server code. */
export const koaAppCode: AppCodeProvider = {
  creation: [String.raw`\bKoa\s*\(`],
  serverModules: { required: ['koa', String.raw`@koa\/router`], imported: ['koa', String.raw`@koa\/router`] },
};
