import type { AmbientCredentialProvider } from '../plugin.js';

/** Fastify: `reply.setCookie(…)` and the session and cookie plugins. */
export const fastifyAmbientCredentials: AmbientCredentialProvider = {
  family: 'js',
  markers: [String.raw`\breply\.setCookie\s*\(`, String.raw`['"\`]@fastify\/(?:(?:secure-)?session|cookie)['"\`]`],
};
