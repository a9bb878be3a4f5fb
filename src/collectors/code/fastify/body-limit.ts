import { objectOf, option } from '../../../analysis/code-auth.js';
import { MB } from '../../../analysis/body-size.js';
import type { BodyLimitProvider } from '../plugin.js';

/** Fastify's `bodyLimit` option of the instance (`Fastify({ bodyLimit })`). */
export const fastifyBodyLimit: BodyLimitProvider = {
  parser(source, call) {
    if (!/^(fastify(\.default|\.fastify)?|Fastify)$/.test(call.callee)) return undefined;
    return { limit: option(source, objectOf(source, call.args[0]), 'bodyLimit'), threshold: MB };
  },
};
