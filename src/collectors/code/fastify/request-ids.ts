import type { RequestIdProvider } from '../plugin.js';

/** @fastify/request-context, and Fastify's own logger, which writes a per-request `reqId` on every line once it is on. */
export const fastifyRequestIds: RequestIdProvider = {
  jsModules: ['@fastify/request-context'],
  jsCall(call) {
    if (call.callee !== 'fastify') return undefined;
    const logger = call.args[0]?.namedChildren.find((pair) => pair?.type === 'pair' && pair.childForFieldName('key')?.text === 'logger');
    const value = logger?.childForFieldName('value');
    return value && value.text !== 'false' ? 'Fastify logger (every line carries `reqId`)' : undefined;
  },
};
