import { objectOf, option } from '../../../analysis/code-auth.js';
import { literalValue } from '../../../analysis/code.js';
import type { TransportProvider } from '../plugin.js';
import { jsCorsPolicy } from '../js/transport.js';

/**
 * Nest apps (`NestFactory.create`; on the default Express adapter they send `X-Powered-By: Express`, on
 * `FastifyAdapter` nothing), their CORS (`app.enableCors(opts)`, `NestFactory.create(AppModule, { cors })`).
 */
export const nestTransport: TransportProvider = {
  family: 'js',
  app: {
    name: 'NestJS',
    fix: {
      https: '`app.use(helmet())` (HSTS) and a redirect to HTTPS',
      headers: '`app.use(helmet())`',
    },
    createdBy: (call) => call.callee === '@nestjs/core.NestFactory.create',
    poweredBy: (app) => (/FastifyAdapter/.test(app.node.text) ? undefined : 'Express'),
  },
  cors: {
    call(source, call) {
      if (/\.enableCors$/.test(call.callee)) return jsCorsPolicy(source, call, call.args[0], 'enableCors(…)');
      if (call.callee !== '@nestjs/core.NestFactory.create') return undefined;
      const cors = option(source, objectOf(source, call.args[1]), 'cors');
      if (cors && literalValue(cors) === true) return jsCorsPolicy(source, call, undefined, 'NestFactory.create(…, { cors: true })');
      if (cors?.type === 'object') return jsCorsPolicy(source, call, cors, 'NestFactory.create(…, { cors })');
      return undefined;
    },
  },
};
