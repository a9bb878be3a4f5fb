import type { CodeCollector } from './collector.js';
import { aspnetcoreCollector } from './aspnetcore/collector.js';
import { chiCollector } from './chi/collector.js';
import { connectCollector } from './connect/collector.js';
import { connexionCollector } from './connexion/collector.js';
import { djangoCollector } from './django/collector.js';
import { echoCollector } from './echo/collector.js';
import { expressCollector } from './express/collector.js';
import { fastapiCollector } from './fastapi/collector.js';
import { fastifyCollector } from './fastify/collector.js';
import { fiberCollector } from './fiber/collector.js';
import { flaskCollector } from './flask/collector.js';
import { ginCollector } from './gin/collector.js';
import { gorillaMuxCollector } from './gorilla-mux/collector.js';
import { grapeCollector } from './grape/collector.js';
import { honoCollector } from './hono/collector.js';
import { jaxrsCollector } from './jaxrs/collector.js';
import { jsGraphqlCollector } from './js-graphql/collector.js';
import { koaCollector } from './koa/collector.js';
import { ktorCollector } from './ktor/collector.js';
import { laravelCollector } from './laravel/collector.js';
import { netHttpCollector } from './net-http/collector.js';
import { micronautCollector } from './micronaut/collector.js';
import { nestCollector } from './nestjs/collector.js';
import { nextCollector } from './nextjs/collector.js';
import { railsCollector } from './rails/collector.js';
import { routegroupCollector } from './routegroup/collector.js';
import { ariadneCollector } from './python-graphql/ariadne.js';
import { sinatraCollector } from './sinatra/collector.js';
import { springCollector } from './spring/collector.js';
import { grapheneCollector } from './python-graphql/graphene.js';
import { strawberryCollector } from './python-graphql/strawberry.js';
import { symfonyCollector } from './symfony/collector.js';

/** Framework collectors, one per file. */
export const allCollectors: readonly CodeCollector[] = [
  ariadneCollector,
  aspnetcoreCollector,
  chiCollector,
  connectCollector,
  connexionCollector,
  djangoCollector,
  echoCollector,
  expressCollector,
  fastapiCollector,
  fastifyCollector,
  fiberCollector,
  flaskCollector,
  ginCollector,
  gorillaMuxCollector,
  grapeCollector,
  grapheneCollector,
  honoCollector,
  jaxrsCollector,
  jsGraphqlCollector,
  koaCollector,
  ktorCollector,
  laravelCollector,
  micronautCollector,
  nestCollector,
  netHttpCollector,
  nextCollector,
  railsCollector,
  routegroupCollector,
  sinatraCollector,
  springCollector,
  strawberryCollector,
  symfonyCollector,
];
