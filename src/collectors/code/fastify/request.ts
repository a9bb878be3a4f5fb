import type { RequestSourceProvider } from '../plugin.js';

/** Fastify: `reply.sendFile(path)` / `reply.download(path)` (@fastify/static) send a file; its request reads are the generic ones. */
export const fastifyRequest: RequestSourceProvider = {
  family: 'js',
  fileResponses: { methods: ['sendFile', 'download'], receivers: ['reply'] },
};
