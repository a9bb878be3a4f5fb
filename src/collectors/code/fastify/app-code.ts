import type { AppCodeProvider } from '../plugin.js';

/** `require('fastify')` / `from 'fastify'` make a file server code. */
export const fastifyAppCode: AppCodeProvider = {
  serverModules: { required: ['fastify'], imported: ['fastify'] },
};
