import type { RequestIdProvider } from '../plugin.js';

/** Hono's own `requestId()` middleware and hono-pino, which logs the request id on every line. */
export const honoRequestIds: RequestIdProvider = {
  jsModules: ['hono/request-id'],
  pinoHttp: ['hono-pino'],
};
