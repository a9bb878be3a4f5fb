import type { RequestIdProvider } from '../plugin.js';

/** The Starlette middleware FastAPI apps mount for request ids: asgi-correlation-id and starlette-context's request-id plugins. */
export const fastapiRequestIds: RequestIdProvider = {
  pythonModules: ['asgi_correlation_id', String.raw`starlette_context\.plugins`],
};
