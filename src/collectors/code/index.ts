import type { CodeCollector } from './collector.js';
import { connexionCollector } from './connexion/collector.js';
import { djangoCollector } from './django/collector.js';
import { expressCollector } from './express/collector.js';
import { fastapiCollector } from './fastapi/collector.js';
import { fastifyCollector } from './fastify/collector.js';
import { flaskCollector } from './flask/collector.js';
import { honoCollector } from './hono/collector.js';
import { jsGraphqlCollector } from './js-graphql/collector.js';
import { koaCollector } from './koa/collector.js';
import { nestCollector } from './nestjs/collector.js';
import { nextCollector } from './nextjs/collector.js';
import { ariadneCollector } from './python-graphql/ariadne.js';
import { grapheneCollector } from './python-graphql/graphene.js';
import { strawberryCollector } from './python-graphql/strawberry.js';

/** Framework collectors, one per file. */
export const allCollectors: readonly CodeCollector[] = [
  ariadneCollector,
  connexionCollector,
  djangoCollector,
  expressCollector,
  fastapiCollector,
  fastifyCollector,
  flaskCollector,
  grapheneCollector,
  honoCollector,
  jsGraphqlCollector,
  koaCollector,
  nestCollector,
  nextCollector,
  strawberryCollector,
];
