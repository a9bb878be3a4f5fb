import type { TransportProvider } from '../plugin.js';
import { helmetHsts, jsCorsPolicy } from '../js/transport.js';
import { registeredPlugin } from './register.js';

/**
 * Fastify apps (`fastify()`, `Fastify.fastify()`), @fastify/cors registered as a plugin (the `cors`
 * options shape), a TLS server (`fastify({ https: { key, cert } })`) and `request.protocol` tests.
 * @fastify/helmet is read with helmet in js/transport.ts; its registration is HSTS evidence here.
 */
export const fastifyTransport: TransportProvider = {
  family: 'js',
  app: {
    name: 'Fastify',
    fix: {
      https: '`fastify.register(helmet)` (HSTS) and a redirect to HTTPS',
      headers: '`await fastify.register(helmet)` (@fastify/helmet)',
    },
    createdBy: (call) => call.callee === 'fastify' || call.callee === 'fastify.default' || call.callee === 'fastify.fastify',
  },
  cors: {
    call(source, call) {
      const plugin = registeredPlugin(source, call);
      if (!plugin || !/^(@fastify\/cors|fastify-cors)$/.test(plugin)) return undefined;
      return jsCorsPolicy(source, call, call.args[1], `register(${call.args[0]?.text ?? 'cors'}, …)`);
    },
  },
  https: { code: /\brequest\.protocol\s*!==?\s*['"]https|https:\s*\{\s*(key|cert)\b/i },
  hsts: {
    // `fastify.register(helmet, options)`: @fastify/helmet (formerly fastify-helmet) takes helmet's options.
    call(source, call) {
      const plugin = registeredPlugin(source, call);
      return plugin !== undefined && /^(@fastify\/helmet|fastify-helmet)$/.test(plugin) ? helmetHsts(source, call, call.args[1], plugin) : undefined;
    },
  },
};
