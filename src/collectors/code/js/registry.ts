import type { CodeCollector } from '../collector.js';
import { expressCollector } from '../express/collector.js';
import { fastifyCollector } from '../fastify/collector.js';
import { honoCollector } from '../hono/collector.js';
import { jsGraphqlCollector } from '../js-graphql/collector.js';
import { koaCollector } from '../koa/collector.js';
import { nestCollector } from '../nestjs/collector.js';
import { nextCollector } from '../nextjs/collector.js';

/** The JavaScript/TypeScript collectors, sorted by id (the tests run them together, as the pipeline does). */
export const jsCollectors: readonly CodeCollector[] = [
  expressCollector,
  fastifyCollector,
  honoCollector,
  jsGraphqlCollector,
  koaCollector,
  nestCollector,
  nextCollector,
];
