import type { RequestIdProvider } from '../plugin.js';

/** Express middleware that gives every request an id (express-request-id, express-correlation-id) and express-pino-logger, pino-http's Express wrapper. */
export const expressRequestIds: RequestIdProvider = {
  jsModules: ['express-request-id', 'express-correlation-id', 'express-pino-logger'],
};
