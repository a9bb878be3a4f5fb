import type { AppCodeProvider } from '../plugin.js';

/** `fastify()` / `Fastify({ logger })`; `require('fastify')` / `from 'fastify'` make a file server code. */
export const fastifyAppCode: AppCodeProvider = {
  creation: [String.raw`\b(?:fastify|Fastify)\s*\(`],
  serverModules: { required: ['fastify'], imported: ['fastify'] },
};
