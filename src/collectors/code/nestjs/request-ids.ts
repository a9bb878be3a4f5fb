import type { RequestIdProvider } from '../plugin.js';

/** nestjs-cls (a request-scoped store with a generated id) and nestjs-pino's `LoggerModule.forRoot(…)`, pino-http's Nest wrapper. */
export const nestRequestIds: RequestIdProvider = {
  jsModules: ['nestjs-cls'],
  pinoHttp: [String.raw`nestjs-pino\.LoggerModule\.forRoot(Async)?`],
};
