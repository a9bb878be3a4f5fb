import { allCollectors } from './index.js';
import type { AuthzProvider, FrameworkPlugin, RateLimitProvider, TransportProvider, ValidationProvider, JwtProvider, HttpClientProvider, GraphqlServerProvider, DataAccessProvider, SerializerProvider, GoRequestProvider, GoCorsProvider, RubyParamsProvider, RequestIdProvider, AmbientCredentialProvider, CorsSettingsProvider, PhpSigningKeyProvider, PhpCommandProvider, RequestSourceProvider, WebhookSenderProvider, DebugModeProvider, BodyLimitProvider, BasicAuthProvider, ObjectAccessProvider, CsrfProvider, PasswordHashingProvider, TokenValidationProvider } from './plugin.js';
import { djangoAuthz } from './django/authz.js';
import { djangoDataAccess } from './django/data-access.js';
import { djangoRequest } from './django/request.js';
import { expressRequest } from './express/request.js';
import { fastifyRequest } from './fastify/request.js';
import { fastapiRequest } from './fastapi/request.js';
import { flaskRequest } from './flask/request.js';
import { honoRequest } from './hono/request.js';
import { koaRequest } from './koa/request.js';
import { nextRequest } from './nextjs/request.js';
import { nestRequest } from './nestjs/request.js';
import { DJANGO_POLICY, DJANGO_ROLES, DRF_PERMISSION_PLUMBING } from './django/guards.js';
import { djangoIdentity } from './django/identity.js';
import { fastapiAuthz } from './fastapi/authz.js';
import { flaskAuthz } from './flask/authz.js';
import { honoAuthz } from './hono/authz.js';
import { jsAuthz } from './js/authz.js';
import { jsGraphqlAuthz } from './js-graphql/authz.js';
import { jsGraphqlServers } from './js-graphql/servers.js';
import { koaAuthz } from './koa/authz.js';
import { nestAuthz } from './nestjs/authz.js';
import { nextAuthz } from './nextjs/authz.js';
import { pythonAuthz } from './python/authz.js';
import { pythonGraphqlAuthz } from './python-graphql/authz.js';
import { pythonGraphqlServers } from './python-graphql/servers.js';
import { djangoRateLimit } from './django/rate-limit.js';
import { djangoTransport } from './django/transport.js';
import { echoRateLimit } from './echo/rate-limit.js';
import { echoRequest } from './echo/request.js';
import { chiRequest } from './chi/request.js';
import { expressJwt } from './express/jwt.js';
import { expressTransport } from './express/transport.js';
import { fastapiTransport } from './fastapi/transport.js';
import { fastifyAuthz } from './fastify/authz.js';
import { fastifyGraphql } from './fastify/graphql.js';
import { fastifyJwt } from './fastify/jwt.js';
import { fastifyValidation } from './fastify/body-schema.js';
import { fastifyRateLimit } from './fastify/rate-limit.js';
import { fastifyTransport } from './fastify/transport.js';
import { fiberRateLimit } from './fiber/rate-limit.js';
import { fiberRequest } from './fiber/request.js';
import { limitsFamilyRateLimit } from './flask/rate-limit.js';
import { flaskTransport } from './flask/transport.js';
import { ginRateLimit } from './gin/rate-limit.js';
import { ginRequest } from './gin/request.js';
import { gorillaMuxRequest } from './gorilla-mux/request.js';
import { goRateLimit } from './go/rate-limit.js';
import { jsDataAccess } from './js/data-access.js';
import { jsHttpClients } from './js/http-clients.js';
import { jsJwtLibraries } from './js/jwt.js';
import { jsLimiterLibraries } from './js/rate-limit.js';
import { jsTransportLibraries } from './js/transport.js';
import { koaTransport } from './koa/transport.js';
import { nestGraphql } from './nestjs/graphql.js';
import { nestJwt } from './nestjs/jwt.js';
import { nestValidation } from './nestjs/validation-pipe.js';
import { nestRateLimit } from './nestjs/rate-limit.js';
import { nestTransport } from './nestjs/transport.js';
import { nextRateLimit } from './nextjs/rate-limit.js';
import { pythonDataAccess } from './python/data-access.js';
import { webhookSenders } from './webhook-senders/senders.js';
import { pythonHttpClients } from './python/http-clients.js';
import { pythonJwtLibraries } from './python/jwt.js';
import { pythonTransportLibraries } from './python/transport.js';
import { springRateLimit } from './spring/rate-limit.js';
import { ktorRateLimit } from './ktor/rate-limit.js';
import { djangoDebug } from './django/debug.js';
import { expressDebug } from './express/debug.js';
import { fastapiDebug } from './fastapi/debug.js';
import { flaskDebug } from './flask/debug.js';
import { ginDebug } from './gin/debug.js';
import { netHttpDebug } from './net-http/debug.js';
import { pythonDebug } from './python/debug.js';
import { djangoBodyLimit } from './django/body-limit.js';
import { expressBodyLimit } from './express/body-limit.js';
import { fastapiBodyLimit } from './fastapi/body-limit.js';
import { fastifyBodyLimit } from './fastify/body-limit.js';
import { flaskBodyLimit } from './flask/body-limit.js';
import { koaBodyLimit } from './koa/body-limit.js';
import { nestBodyLimit } from './nestjs/body-limit.js';
import { jsUploadLibraries } from './js/uploads.js';
import { djangoBasicAuth } from './django/basic-auth.js';
import { expressBasicAuth } from './express/basic-auth.js';
import { fastapiBasicAuth } from './fastapi/basic-auth.js';
import { fastifyBasicAuth } from './fastify/basic-auth.js';
import { flaskBasicAuth } from './flask/basic-auth.js';
import { koaBasicAuth } from './koa/basic-auth.js';
import { jsBasicAuthLibraries } from './js/basic-auth.js';
import { aspnetcoreDebug } from './aspnetcore/debug.js';
import { laravelDebug } from './laravel/debug.js';
import { railsDebug } from './rails/debug.js';
import { sinatraDebug } from './sinatra/debug.js';
import { springDebugSettings } from './spring/debug.js';
import { laravelObjectAccess } from './laravel/object-access.js';
import { symfonyObjectAccess } from './symfony/object-access.js';
import { springObjectAccess } from './spring/object-access.js';
import { ktorObjectAccess } from './ktor/object-access.js';
import { exposedLoads } from './jvm/exposed.js';
import { railsCsrf } from './rails/csrf.js';
import { springCsrf } from './spring/csrf.js';
import { djangoSerializers } from './django/serializers.js';
import { echoCors } from './echo/cors.js';
import { fiberCors } from './fiber/cors.js';
import { ginCors } from './gin/cors.js';
import { grapeParams } from './grape/params.js';
import { railsParams } from './rails/params.js';
import { aspnetcoreAmbientCredentials } from './aspnetcore/ambient-credentials.js';
import { djangoAmbientCredentials } from './django/ambient-credentials.js';
import { echoAmbientCredentials } from './echo/ambient-credentials.js';
import { fiberAmbientCredentials } from './fiber/ambient-credentials.js';
import { ginAmbientCredentials } from './gin/ambient-credentials.js';
import { expressAmbientCredentials } from './express/ambient-credentials.js';
import { fastapiAmbientCredentials } from './fastapi/ambient-credentials.js';
import { fastifyAmbientCredentials } from './fastify/ambient-credentials.js';
import { flaskAmbientCredentials } from './flask/ambient-credentials.js';
import { koaAmbientCredentials } from './koa/ambient-credentials.js';
import { laravelAmbientCredentials } from './laravel/ambient-credentials.js';
import { laravelCors } from './laravel/cors.js';
import { laravelSigningKeys } from './laravel/signing-keys.js';
import { symfonySigningKeys } from './symfony/signing-keys.js';
import { nestAmbientCredentials } from './nestjs/ambient-credentials.js';
import { nextAmbientCredentials } from './nextjs/ambient-credentials.js';
import { djangoRequestIds } from './django/request-ids.js';
import { expressRequestIds } from './express/request-ids.js';
import { fastapiRequestIds } from './fastapi/request-ids.js';
import { fastifyRequestIds } from './fastify/request-ids.js';
import { flaskRequestIds } from './flask/request-ids.js';
import { honoRequestIds } from './hono/request-ids.js';
import { koaRequestIds } from './koa/request-ids.js';
import { nestRequestIds } from './nestjs/request-ids.js';
import { laravelProcess } from './laravel/process.js';
import type { PhpFilesProvider } from './plugin.js';
import { laravelFiles } from './laravel/files.js';
import { symfonyFiles } from './symfony/files.js';
import type { PhpHttpProvider } from './plugin.js';
import { laravelHttp } from './laravel/http.js';
import { symfonyHttp } from './symfony/http.js';
import type { PhpValidationProvider } from './plugin.js';
import { laravelValidation } from './laravel/validation.js';
import { symfonyValidation } from './symfony/validation.js';
import { laravelErrorDetails } from './laravel/error-details.js';
import { railsObjectAccess } from './rails/object-access.js';
import type { RubySigningKeyProvider } from './plugin.js';
import { railsSigningKeys } from './rails/signing-keys.js';
import { sinatraParams } from './sinatra/params.js';
import { djangoPasswordHashing } from './django/password-hashers.js';
import { symfonyPasswordHashing } from './symfony/password-hashers.js';
import { springPasswordEncoders } from './spring/password-encoders.js';
import { aspnetcoreTokenValidation } from './aspnetcore/token-validation.js';
import { aspnetcoreTransport } from './aspnetcore/transport.js';
import { aspnetcoreCors } from './aspnetcore/cors.js';
import { aspnetcoreAppCode } from './aspnetcore/app-code.js';
import { ktorAppCode } from './ktor/app-code.js';
import type { CsharpCorsProvider } from './plugin.js';
import { springTokenValidation } from './spring/token-validation.js';
import { springErrorDetails } from './spring/error-details.js';
import { ktorErrorDetails } from './ktor/error-details.js';
import { aspnetcoreErrorDetails } from './aspnetcore/error-details.js';
import { springHttpClients } from './spring/http-clients.js';
import { ktorHttpClient } from './ktor/http-client.js';
import { springCors } from './spring/cors.js';
import type { JvmCorsProvider } from './plugin.js';
import { springRoles } from './spring/roles.js';
import { jsr250Roles } from './jvm/roles.js';
import type { JvmRolesProvider } from './plugin.js';
import { flaskJwtSettings } from './flask/jwt-settings.js';
import { djangoJwtSettings } from './django/jwt-settings.js';
import type { JwtSettingsProvider } from './plugin.js';
import type { JvmHttpClientProvider } from './plugin.js';
import type { CsharpSqlProvider } from './plugin.js';
import type { PhpSqlProvider } from './plugin.js';
import { laravelSql } from './laravel/sql.js';
import type { PhpMassAssignmentProvider } from './plugin.js';
import { laravelMassAssignment } from './laravel/mass-assignment.js';
import { efCoreData, efCoreSql } from './csharp/ef-core.js';
import type { CsharpDataProvider } from './plugin.js';
import { springSql } from './spring/sql.js';
import { springMongoQueries } from './spring/mongo.js';
import { springPathSinks } from './spring/paths.js';
import { jpaEntities, jpaSql } from './jvm/jpa.js';
import { mybatisPlusEntities } from './jvm/mybatis.js';
import { springMongoEntities } from './spring/mongo.js';
import { springResponseWrappers } from './spring/response-wrappers.js';
import { reactorWrappers } from './jvm/reactor.js';
import type { JvmEntityProvider } from './plugin.js';
import type { SqlSinkProvider } from './plugin.js';
import type { MongoQueryProvider } from './plugin.js';
import type { PathSinkProvider } from './plugin.js';
import type { ErrorDetailsProvider } from './plugin.js';
import type { JvmTokenDecoders } from './plugin.js';
import type { JvmRequestProvider } from './plugin.js';
import { servletRequest } from './jvm/servlet.js';
import { springRequest } from './spring/request.js';
import { jaxrsRequest } from './jaxrs/request.js';
import { micronautRequest } from './micronaut/request.js';
import { ktorRequest } from './ktor/request.js';
import { djangoTokenLifecycle } from './django/token-lifecycle.js';
import { expressTokenLifecycle } from './express/token-lifecycle.js';
import { fastapiTokenLifecycle } from './fastapi/token-lifecycle.js';
import { fastifyTokenLifecycle } from './fastify/token-lifecycle.js';
import { flaskTokenLifecycle } from './flask/token-lifecycle.js';
import { honoTokenLifecycle } from './hono/token-lifecycle.js';
import { nestTokenLifecycle } from './nestjs/token-lifecycle.js';
import type { TokenLifecycleProvider } from './plugin.js';
import { flaskDataAccess } from './flask/data-access.js';
import { nestDataAccess } from './nestjs/data-access.js';
import { connexionAppCode } from './connexion/app-code.js';
import { djangoAppCode } from './django/app-code.js';
import { expressAppCode } from './express/app-code.js';
import { fastapiAppCode } from './fastapi/app-code.js';
import { fastifyAppCode } from './fastify/app-code.js';
import { flaskAppCode } from './flask/app-code.js';
import { honoAppCode } from './hono/app-code.js';
import { koaAppCode } from './koa/app-code.js';
import { nestAppCode } from './nestjs/app-code.js';
import { nextAppCode } from './nextjs/app-code.js';
import type { AppCodeProvider } from './plugin.js';
import { connexionValidation } from './connexion/validation.js';
import { expressValidation } from './express/validation.js';

/**
 * The framework plugins (contract in ./plugin.ts). One entry per framework id of the collectors
 * (./index.ts), plus the library families several frameworks mount. Within one phase, providers are
 * asked in this order.
 */

/** Library families: limiters for every route of their language, transport middleware for every app of their family, JWT libraries, outbound HTTP clients, the language's identity idioms, its data-access libraries (ORMs, query builders, drivers). */
const libraries: FrameworkPlugin[] = [
  { id: 'js-limiters', rateLimit: jsLimiterLibraries },
  { id: 'js-transport', transport: jsTransportLibraries },
  { id: 'python-transport', transport: pythonTransportLibraries },
  { id: 'js-jwt', jwt: jsJwtLibraries },
  { id: 'python-jwt', jwt: pythonJwtLibraries },
  { id: 'js-http', http: jsHttpClients },
  { id: 'python-http', http: pythonHttpClients },
  { id: 'js-authz', authz: jsAuthz },
  { id: 'python-authz', authz: pythonAuthz },
  { id: 'js-data', dataAccess: jsDataAccess },
  { id: 'python-data', dataAccess: pythonDataAccess },
  { id: 'python-debug', debug: pythonDebug },
  { id: 'js-uploads', bodyLimit: jsUploadLibraries },
  { id: 'js-basic-auth', basicAuth: jsBasicAuthLibraries },
  { id: 'jvm-servlet', jvmRequest: servletRequest },
  { id: 'jvm-exposed', objectAccess: { languages: ['kotlin'], kotlinLoads: exposedLoads } },
  { id: 'jvm-jpa', sqlSinks: jpaSql, jvmEntities: jpaEntities },
  { id: 'jvm-mybatis', jvmEntities: mybatisPlusEntities },
  { id: 'jvm-reactor', jvmEntities: reactorWrappers },
  { id: 'jvm-jsr250', jvmRoles: jsr250Roles },
  { id: 'csharp-efcore', csharpSql: efCoreSql, csharpData: efCoreData },
  ...webhookSenders.map((webhookSender): FrameworkPlugin => ({ id: `${webhookSender.service}-webhooks`, webhookSender })),
];

/** Frameworks with rate-limit providers; the other collectors are plugins with routes only. */
const providers: Record<string, RateLimitProvider> = {
  chi: goRateLimit('chi'),
  django: djangoRateLimit,
  echo: echoRateLimit,
  fastapi: limitsFamilyRateLimit,
  fastify: fastifyRateLimit,
  fiber: fiberRateLimit,
  flask: limitsFamilyRateLimit,
  gin: ginRateLimit,
  ktor: ktorRateLimit,
  'gorilla-mux': goRateLimit('gorilla-mux'),
  nestjs: nestRateLimit,
  'net/http': goRateLimit('net/http'),
  nextjs: nextRateLimit,
  spring: springRateLimit,
};

/** Frameworks with transport providers (apps, CORS, HTTPS, security headers). */
const transports: Record<string, TransportProvider> = {
  aspnetcore: aspnetcoreTransport,
  django: djangoTransport,
  express: expressTransport,
  fastapi: fastapiTransport,
  fastify: fastifyTransport,
  flask: flaskTransport,
  koa: koaTransport,
  nestjs: nestTransport,
};

/** Frameworks with authorization providers (what a framework declares beside a route's handler). */
const authz: Record<string, AuthzProvider> = {
  ariadne: pythonGraphqlAuthz,
  django: { ...djangoAuthz, identity: djangoIdentity, guardPlumbing: DRF_PERMISSION_PLUMBING, roles: DJANGO_ROLES, policy: DJANGO_POLICY },
  fastapi: fastapiAuthz,
  fastify: fastifyAuthz,
  flask: flaskAuthz,
  graphene: pythonGraphqlAuthz,
  hono: honoAuthz,
  'js-graphql': jsGraphqlAuthz,
  koa: koaAuthz,
  nestjs: nestAuthz,
  nextjs: nextAuthz,
  strawberry: pythonGraphqlAuthz,
};

/** Frameworks with validation providers (request schemas enforced before the handler). */
const validations: Record<string, ValidationProvider> = {
  connexion: connexionValidation,
  express: expressValidation,
  fastify: fastifyValidation,
  nestjs: nestValidation,
};

/** Frameworks with JWT providers (a framework's own token module or middleware). */
const jwts: Record<string, JwtProvider> = {
  express: expressJwt,
  fastify: fastifyJwt,
  nestjs: nestJwt,
};

/** Frameworks whose configuration keeps JWT keys (their own settings, or their JWT extension's). */
const jwtSettingsSections: Record<string, JwtSettingsProvider> = {
  django: djangoJwtSettings,
  flask: flaskJwtSettings,
};

/** Frameworks (with their token and login extensions) that end sessions and rotate or revoke tokens. */
const tokenLifecycleSections: Record<string, TokenLifecycleProvider> = {
  django: djangoTokenLifecycle,
  express: expressTokenLifecycle,
  fastapi: fastapiTokenLifecycle,
  fastify: fastifyTokenLifecycle,
  flask: flaskTokenLifecycle,
  hono: honoTokenLifecycle,
  nestjs: nestTokenLifecycle,
};

/** Frameworks whose application shows in their code (its creation or host start, its server modules, its configuration reads). */
const appCodeSections: Record<string, AppCodeProvider> = {
  aspnetcore: aspnetcoreAppCode,
  connexion: connexionAppCode,
  django: djangoAppCode,
  express: expressAppCode,
  fastapi: fastapiAppCode,
  fastify: fastifyAppCode,
  flask: flaskAppCode,
  hono: honoAppCode,
  koa: koaAppCode,
  ktor: ktorAppCode,
  nestjs: nestAppCode,
  nextjs: nextAppCode,
};

/** Frameworks and GraphQL libraries with GraphQL server providers. */
const graphqlServers: Record<string, GraphqlServerProvider> = {
  ariadne: pythonGraphqlServers,
  fastify: fastifyGraphql,
  graphene: pythonGraphqlServers,
  'js-graphql': jsGraphqlServers,
  nestjs: nestGraphql,
  strawberry: pythonGraphqlServers,
};

/** Frameworks with their own ORM (data-access idioms of the framework rather than of a library family). */
const dataAccesses: Record<string, DataAccessProvider> = {
  django: djangoDataAccess,
  flask: flaskDataAccess,
  nestjs: nestDataAccess,
};

/** Go frameworks with their own CORS middleware. */
const goCorses: Record<string, GoCorsProvider> = {
  echo: echoCors,
  fiber: fiberCors,
  gin: ginCors,
};

/** Ruby frameworks and how they hand request parameters to handlers. */
const rubyParamsSections: Record<string, RubyParamsProvider> = {
  grape: grapeParams,
  rails: railsParams,
  sinatra: sinatraParams,
};

/** Frameworks with their own ways of giving every request an id that the logs carry (middleware, loggers, hooks, settings). */
const requestIdSections: Record<string, RequestIdProvider> = {
  django: djangoRequestIds,
  express: expressRequestIds,
  fastapi: fastapiRequestIds,
  fastify: fastifyRequestIds,
  flask: flaskRequestIds,
  hono: honoRequestIds,
  koa: koaRequestIds,
  nestjs: nestRequestIds,
};

/** Frameworks whose applications keep a credential the browser attaches on its own (session and auth cookies, HTTP Basic) in their own ways. */
const ambientCredentialSections: Record<string, AmbientCredentialProvider> = {
  aspnetcore: aspnetcoreAmbientCredentials,
  django: djangoAmbientCredentials,
  echo: echoAmbientCredentials,
  express: expressAmbientCredentials,
  fastapi: fastapiAmbientCredentials,
  fastify: fastifyAmbientCredentials,
  fiber: fiberAmbientCredentials,
  flask: flaskAmbientCredentials,
  gin: ginAmbientCredentials,
  koa: koaAmbientCredentials,
  laravel: laravelAmbientCredentials,
  nestjs: nestAmbientCredentials,
  nextjs: nextAmbientCredentials,
};

/** Frameworks whose configuration files declare CORS policies. */
const corsSettingsSections: Record<string, CorsSettingsProvider> = {
  laravel: laravelCors,
};

/** PHP frameworks that keep signing keys in their own configuration and `.env`. */
const phpSigningKeySections: Record<string, PhpSigningKeyProvider> = {
  laravel: laravelSigningKeys,
  symfony: symfonySigningKeys,
};

/** PHP frameworks with a facade that runs shell commands. */
const phpCommandSections: Record<string, PhpCommandProvider> = {
  laravel: laravelProcess,
};

/** PHP frameworks with their own calls that take SQL text (a database facade, a query builder's raw methods). */
const phpSqlSections: Record<string, PhpSqlProvider> = {
  laravel: laravelSql,
};

/** PHP frameworks whose ORM writes a model from the whole request body (mass assignment). */
const phpMassAssignmentSections: Record<string, PhpMassAssignmentProvider> = {
  laravel: laravelMassAssignment,
};

/** PHP frameworks with their own calls that open or send the file a path names (file responses, storage facades). */
const phpFilesSections: Record<string, PhpFilesProvider> = {
  laravel: laravelFiles,
  symfony: symfonyFiles,
};

/** PHP frameworks with their own outbound HTTP clients. */
const phpHttpSections: Record<string, PhpHttpProvider> = {
  laravel: laravelHttp,
  symfony: symfonyHttp,
};

/** PHP frameworks whose write actions read the request body and validate it in their own ways. */
const phpValidationSections: Record<string, PhpValidationProvider> = {
  laravel: laravelValidation,
  symfony: symfonyValidation,
};

/** Ruby frameworks that keep signing keys in their own configuration. */
const rubySigningKeySections: Record<string, RubySigningKeyProvider> = {
  rails: railsSigningKeys,
};

/** Go frameworks whose handlers receive the request through their own context or helpers (net/http's is the Go analysis's own). */
const goRequests: Record<string, GoRequestProvider> = {
  chi: chiRequest,
  echo: echoRequest,
  fiber: fiberRequest,
  gin: ginRequest,
  'gorilla-mux': gorillaMuxRequest,
};

/** Frameworks whose JS or Python handlers read client input beyond the generic request shapes of the taint analysis. */
const requests: Record<string, RequestSourceProvider> = {
  django: djangoRequest,
  express: expressRequest,
  fastapi: fastapiRequest,
  fastify: fastifyRequest,
  flask: flaskRequest,
  hono: honoRequest,
  koa: koaRequest,
  nestjs: nestRequest,
  nextjs: nextRequest,
};

/** JVM frameworks whose Java or Kotlin handlers receive client input through their own annotations, injected types and call objects. */
const jvmRequests: Record<string, JvmRequestProvider> = {
  jaxrs: jaxrsRequest,
  ktor: ktorRequest,
  micronaut: micronautRequest,
  spring: springRequest,
};

/** Frameworks whose handlers load objects by a client's id in ways only the framework knows (its ORM, its argument binding). */
const objectAccesses: Record<string, ObjectAccessProvider> = {
  ktor: ktorObjectAccess,
  laravel: laravelObjectAccess,
  rails: railsObjectAccess,
  spring: springObjectAccess,
  symfony: symfonyObjectAccess,
};

/** Frameworks whose CSRF protection can be turned off for routes that keep a cookie session. */
const csrfs: Record<string, CsrfProvider> = {
  rails: railsCsrf,
  spring: springCsrf,
};

/** Frameworks with model serializers (the fields a write takes, the fields a response sends). */
const serializerSections: Record<string, SerializerProvider> = {
  django: djangoSerializers,
};

/** Frameworks with debug switches the code can turn on (settings, app options, development error handlers, profilers). */
const debugs: Record<string, DebugModeProvider> = {
  aspnetcore: aspnetcoreDebug,
  django: djangoDebug,
  express: expressDebug,
  fastapi: fastapiDebug,
  flask: flaskDebug,
  gin: ginDebug,
  laravel: laravelDebug,
  'net/http': netHttpDebug,
  rails: railsDebug,
  sinatra: sinatraDebug,
  spring: springDebugSettings,
};

/** Frameworks that configure how passwords are hashed, or ship weak password encoders. */
const passwordHashings: Record<string, PasswordHashingProvider> = {
  django: djangoPasswordHashing,
  spring: springPasswordEncoders,
  symfony: symfonyPasswordHashing,
};

/** Frameworks whose authentication validates tokens as its configuration says. */
const tokenValidations: Record<string, TokenValidationProvider> = {
  aspnetcore: aspnetcoreTokenValidation,
  spring: springTokenValidation,
};

/** Frameworks with their own query methods that take SQL text. */
const sqlSinksByFramework: Record<string, SqlSinkProvider> = {
  spring: springSql,
};

/** Frameworks with MongoDB query builders that take JSON text, field names or patterns. */
const mongoQueriesByFramework: Record<string, MongoQueryProvider> = {
  spring: springMongoQueries,
};

/** Frameworks with types whose constructor opens the file a path names. */
const pathSinksByFramework: Record<string, PathSinkProvider> = {
  spring: springPathSinks,
};

/** JVM frameworks whose data access marks persisted classes with their own annotations. */
const jvmEntitiesByFramework: Record<string, JvmEntityProvider> = {
  spring: { ...springMongoEntities, wrappers: springResponseWrappers },
};

/** JVM frameworks with their own outbound HTTP clients. */
const jvmHttpClients: Record<string, JvmHttpClientProvider> = {
  ktor: ktorHttpClient,
  spring: springHttpClients,
};

/** JVM frameworks whose code declares CORS configurations. */
const jvmCorsSections: Record<string, JvmCorsProvider> = {
  spring: springCors,
};

/** C# frameworks whose code declares CORS policies. */
const csharpCorsSections: Record<string, CsharpCorsProvider> = {
  aspnetcore: aspnetcoreCors,
};

/** JVM frameworks whose annotations restrict a handler to a role or an authority. */
const jvmRolesSections: Record<string, JvmRolesProvider> = {
  spring: springRoles,
};

/** Frameworks whose settings put exception details in every error response, or whose JVM code declares exception handlers. */
const errorDetailsByFramework: Record<string, ErrorDetailsProvider> = {
  aspnetcore: aspnetcoreErrorDetails,
  ktor: ktorErrorDetails,
  laravel: laravelErrorDetails,
  spring: springErrorDetails,
};

/** Frameworks that bound request bodies or receive uploads in their own way (parsers, settings, upload objects). */
const bodyLimits: Record<string, BodyLimitProvider> = {
  django: djangoBodyLimit,
  express: expressBodyLimit,
  fastapi: fastapiBodyLimit,
  fastify: fastifyBodyLimit,
  flask: flaskBodyLimit,
  koa: koaBodyLimit,
  nestjs: nestBodyLimit,
};

/** Frameworks with their own HTTP Basic authentication or TLS switches. */
const basicAuths: Record<string, BasicAuthProvider> = {
  django: djangoBasicAuth,
  express: expressBasicAuth,
  fastapi: fastapiBasicAuth,
  fastify: fastifyBasicAuth,
  flask: flaskBasicAuth,
  koa: koaBasicAuth,
};

export const frameworkPlugins: readonly FrameworkPlugin[] = [
  ...libraries,
  ...allCollectors.map((entry): FrameworkPlugin => {
    const rateLimit = providers[entry.id];
    const transport = transports[entry.id];
    const authzProvider = authz[entry.id];
    const validation = validations[entry.id];
    const jwt = jwts[entry.id];
    const graphql = graphqlServers[entry.id];
    const dataAccess = dataAccesses[entry.id];
    const goRequest = goRequests[entry.id];
    const goCors = goCorses[entry.id];
    const rubyParams = rubyParamsSections[entry.id];
    const requestIds = requestIdSections[entry.id];
    const ambientCredentials = ambientCredentialSections[entry.id];
    const corsSettings = corsSettingsSections[entry.id];
    const phpSigningKeys = phpSigningKeySections[entry.id];
    const phpCommands = phpCommandSections[entry.id];
    const request = requests[entry.id];
    const debug = debugs[entry.id];
    const bodyLimit = bodyLimits[entry.id];
    const basicAuth = basicAuths[entry.id];
    const objectAccess = objectAccesses[entry.id];
    const csrf = csrfs[entry.id];
    const serializers = serializerSections[entry.id];
    const passwordHashing = passwordHashings[entry.id];
    const tokenValidation = tokenValidations[entry.id];
    const errorDetails = errorDetailsByFramework[entry.id];
    const sqlSinks = sqlSinksByFramework[entry.id];
    const mongoQueries = mongoQueriesByFramework[entry.id];
    const pathSinks = pathSinksByFramework[entry.id];
    const jvmHttp = jvmHttpClients[entry.id];
    const jvmCors = jvmCorsSections[entry.id];
    const csharpCors = csharpCorsSections[entry.id];
    const jvmRoles = jvmRolesSections[entry.id];
    const jwtSettings = jwtSettingsSections[entry.id];
    const jvmEntities = jvmEntitiesByFramework[entry.id];
    const jvmRequest = jvmRequests[entry.id];
    const phpSql = phpSqlSections[entry.id];
    const phpMassAssignment = phpMassAssignmentSections[entry.id];
    const phpFiles = phpFilesSections[entry.id];
    const phpHttp = phpHttpSections[entry.id];
    const phpValidation = phpValidationSections[entry.id];
    const rubySigningKeys = rubySigningKeySections[entry.id];
    const tokenLifecycle = tokenLifecycleSections[entry.id];
    const appCode = appCodeSections[entry.id];
    return {
      id: entry.id,
      collector: entry,
      ...(rateLimit ? { rateLimit } : {}),
      ...(transport ? { transport } : {}),
      ...(authzProvider ? { authz: authzProvider } : {}),
      ...(validation ? { validation } : {}),
      ...(jwt ? { jwt } : {}),
      ...(graphql ? { graphql } : {}),
      ...(dataAccess ? { dataAccess } : {}),
      ...(goRequest ? { goRequest } : {}),
      ...(goCors ? { goCors } : {}),
      ...(rubyParams ? { rubyParams } : {}),
      ...(requestIds ? { requestIds } : {}),
      ...(ambientCredentials ? { ambientCredentials } : {}),
      ...(corsSettings ? { corsSettings } : {}),
      ...(phpSigningKeys ? { phpSigningKeys } : {}),
      ...(phpCommands ? { phpCommands } : {}),
      ...(request ? { request } : {}),
      ...(debug ? { debug } : {}),
      ...(bodyLimit ? { bodyLimit } : {}),
      ...(basicAuth ? { basicAuth } : {}),
      ...(objectAccess ? { objectAccess } : {}),
      ...(csrf ? { csrf } : {}),
      ...(serializers ? { serializers } : {}),
      ...(passwordHashing ? { passwordHashing } : {}),
      ...(tokenValidation ? { tokenValidation } : {}),
      ...(errorDetails ? { errorDetails } : {}),
      ...(sqlSinks ? { sqlSinks } : {}),
      ...(mongoQueries ? { mongoQueries } : {}),
      ...(pathSinks ? { pathSinks } : {}),
      ...(jvmHttp ? { jvmHttp } : {}),
      ...(jvmCors ? { jvmCors } : {}),
      ...(csharpCors ? { csharpCors } : {}),
      ...(jvmRoles ? { jvmRoles } : {}),
      ...(jwtSettings ? { jwtSettings } : {}),
      ...(jvmEntities ? { jvmEntities } : {}),
      ...(jvmRequest ? { jvmRequest } : {}),
      ...(phpSql ? { phpSql } : {}),
      ...(phpMassAssignment ? { phpMassAssignment } : {}),
      ...(phpFiles ? { phpFiles } : {}),
      ...(phpHttp ? { phpHttp } : {}),
      ...(phpValidation ? { phpValidation } : {}),
      ...(rubySigningKeys ? { rubySigningKeys } : {}),
      ...(tokenLifecycle ? { tokenLifecycle } : {}),
      ...(appCode ? { appCode } : {}),
    };
  }),
];

/** The plugin of a framework id. */
export function pluginOf(id: string): FrameworkPlugin | undefined {
  return frameworkPlugins.find((plugin) => plugin.id === id);
}

/** Every distinct rate-limit provider, in registry order (fastapi and flask share one). */
export function rateLimitProviders(): RateLimitProvider[] {
  return [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.rateLimit ? [plugin.rateLimit] : [])))];
}

/** Every transport provider with its plugin's id, in registry order (library families first). */
export function transportProviders(): { id: string; provider: TransportProvider }[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.transport ? [{ id: plugin.id, provider: plugin.transport }] : []));
}

let authzList: AuthzProvider[] | undefined;

/** Every distinct authorization provider, in registry order. */
export function authzProviders(): readonly AuthzProvider[] {
  authzList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.authz ? [plugin.authz] : [])))];
  return authzList;
}

let validationList: ValidationProvider[] | undefined;

/** Every distinct validation provider, in registry order. */
export function validationProviders(): readonly ValidationProvider[] {
  validationList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.validation ? [plugin.validation] : [])))];
  return validationList;
}

let jwtList: JwtProvider[] | undefined;

/** Every distinct JWT provider, in registry order (library families first). */
export function jwtProviders(): readonly JwtProvider[] {
  jwtList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.jwt ? [plugin.jwt] : [])))];
  return jwtList;
}

let jwtSettingsList: JwtSettingsProvider[] | undefined;

/** Every distinct JWT settings provider, in registry order. */
export function jwtSettingsProviders(): readonly JwtSettingsProvider[] {
  jwtSettingsList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.jwtSettings ? [plugin.jwtSettings] : [])))];
  return jwtSettingsList;
}

let httpList: HttpClientProvider[] | undefined;

/** Every distinct outbound HTTP client provider, in registry order. */
export function httpClientProviders(): readonly HttpClientProvider[] {
  httpList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.http ? [plugin.http] : [])))];
  return httpList;
}

let graphqlList: GraphqlServerProvider[] | undefined;

/** Every distinct GraphQL server provider, in registry order. */
export function graphqlServerProviders(): readonly GraphqlServerProvider[] {
  graphqlList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.graphql ? [plugin.graphql] : [])))];
  return graphqlList;
}

let dataAccessList: DataAccessProvider[] | undefined;

/** Every distinct data-access provider, in registry order (library families first). */
export function dataAccessProviders(): readonly DataAccessProvider[] {
  dataAccessList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.dataAccess ? [plugin.dataAccess] : [])))];
  return dataAccessList;
}

/** Every Ruby parameters provider, in registry order. */
export function rubyParamsProviders(): RubyParamsProvider[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.rubyParams ? [plugin.rubyParams] : []));
}

/** Every request-id provider, in registry order. */
export function requestIdProviders(): RequestIdProvider[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.requestIds ? [plugin.requestIds] : []));
}

/** Every ambient-credential provider, in registry order. */
export function ambientCredentialProviders(): AmbientCredentialProvider[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.ambientCredentials ? [plugin.ambientCredentials] : []));
}

/** Every CORS settings provider, in registry order. */
export function corsSettingsProviders(): CorsSettingsProvider[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.corsSettings ? [plugin.corsSettings] : []));
}

/** Every PHP signing-key provider, in registry order. */
export function phpSigningKeyProviders(): PhpSigningKeyProvider[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.phpSigningKeys ? [plugin.phpSigningKeys] : []));
}

/** Every PHP command facade provider, in registry order. */
export function phpCommandProviders(): PhpCommandProvider[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.phpCommands ? [plugin.phpCommands] : []));
}

let phpSqlList: PhpSqlProvider[] | undefined;

/** Every distinct PHP SQL provider, in registry order. */
export function phpSqlProviders(): readonly PhpSqlProvider[] {
  phpSqlList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.phpSql ? [plugin.phpSql] : [])))];
  return phpSqlList;
}

let phpMassAssignmentList: PhpMassAssignmentProvider[] | undefined;

/** Every distinct PHP mass-assignment provider, in registry order. */
export function phpMassAssignmentProviders(): readonly PhpMassAssignmentProvider[] {
  phpMassAssignmentList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.phpMassAssignment ? [plugin.phpMassAssignment] : [])))];
  return phpMassAssignmentList;
}

let phpFilesList: PhpFilesProvider[] | undefined;

/** Every distinct PHP file provider, in registry order. */
export function phpFilesProviders(): readonly PhpFilesProvider[] {
  phpFilesList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.phpFiles ? [plugin.phpFiles] : [])))];
  return phpFilesList;
}

let phpHttpList: PhpHttpProvider[] | undefined;

/** Every distinct PHP outbound HTTP client provider, in registry order. */
export function phpHttpProviders(): readonly PhpHttpProvider[] {
  phpHttpList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.phpHttp ? [plugin.phpHttp] : [])))];
  return phpHttpList;
}

/** Every PHP validation provider with its plugin's id (the collector's `via` of the routes it reads), in registry order. */
export function phpValidationProviders(): { id: string; provider: PhpValidationProvider }[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.phpValidation ? [{ id: plugin.id, provider: plugin.phpValidation }] : []));
}

let rubySigningKeyList: RubySigningKeyProvider[] | undefined;

/** Every distinct Ruby signing-key provider, in registry order. */
export function rubySigningKeyProviders(): readonly RubySigningKeyProvider[] {
  rubySigningKeyList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.rubySigningKeys ? [plugin.rubySigningKeys] : [])))];
  return rubySigningKeyList;
}

/** Every Go CORS provider, in registry order. */
export function goCorsProviders(): GoCorsProvider[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.goCors ? [plugin.goCors] : []));
}

/** Every Go request provider with its plugin's id (the name the Go analysis gives the framework's context), in registry order. */
export function goRequestProviders(): { id: string; provider: GoRequestProvider }[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.goRequest ? [{ id: plugin.id, provider: plugin.goRequest }] : []));
}

let requestList: RequestSourceProvider[] | undefined;

/** Every distinct JS/Python request source provider, in registry order. */
export function requestSourceProviders(): readonly RequestSourceProvider[] {
  requestList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.request ? [plugin.request] : [])))];
  return requestList;
}

/** The frameworks (collectors' `via`) whose collector lists every request parameter of a handler (`request.parameters.listed`). */
export function parametersListedBy(): ReadonlySet<string> {
  return new Set(frameworkPlugins.flatMap((plugin) => (plugin.request?.parameters?.listed === true ? [plugin.id] : [])));
}

/** Every webhook-signing service's provider, in registry order. */
export function webhookSenderProviders(): readonly WebhookSenderProvider[] {
  return frameworkPlugins.flatMap((plugin) => (plugin.webhookSender ? [plugin.webhookSender] : []));
}

let objectAccessList: ObjectAccessProvider[] | undefined;

/** Every distinct object-access provider, in registry order. */
export function objectAccessProviders(): readonly ObjectAccessProvider[] {
  objectAccessList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.objectAccess ? [plugin.objectAccess] : [])))];
  return objectAccessList;
}

let csrfList: CsrfProvider[] | undefined;

/** Every distinct CSRF provider, in registry order. */
export function csrfProviders(): readonly CsrfProvider[] {
  csrfList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.csrf ? [plugin.csrf] : [])))];
  return csrfList;
}

let serializerList: SerializerProvider[] | undefined;

/** Every distinct serializer provider, in registry order. */
export function serializerProviders(): readonly SerializerProvider[] {
  serializerList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.serializers ? [plugin.serializers] : [])))];
  return serializerList;
}

let debugList: DebugModeProvider[] | undefined;

/** Every distinct debug-mode provider, in registry order. */
export function debugModeProviders(): readonly DebugModeProvider[] {
  debugList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.debug ? [plugin.debug] : [])))];
  return debugList;
}

let passwordHashingList: PasswordHashingProvider[] | undefined;

/** Every distinct password hashing provider, in registry order. */
export function passwordHashingProviders(): readonly PasswordHashingProvider[] {
  passwordHashingList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.passwordHashing ? [plugin.passwordHashing] : [])))];
  return passwordHashingList;
}

let tokenValidationList: TokenValidationProvider[] | undefined;

/** Every distinct token validation provider, in registry order. */
export function tokenValidationProviders(): readonly TokenValidationProvider[] {
  tokenValidationList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.tokenValidation ? [plugin.tokenValidation] : [])))];
  return tokenValidationList;
}

let jvmTokenDecoderList: JvmTokenDecoders[] | undefined;

/** The token decoders JVM frameworks build in code (their `tokenValidation.decoders`), in registry order. */
export function jvmTokenDecoders(): readonly JvmTokenDecoders[] {
  jvmTokenDecoderList ??= tokenValidationProviders().flatMap((provider) => (provider.decoders ? [provider.decoders] : []));
  return jvmTokenDecoderList;
}

let jvmRequestList: JvmRequestProvider[] | undefined;

/** Every distinct JVM request provider, in registry order (library families first). */
export function jvmRequestProviders(): readonly JvmRequestProvider[] {
  jvmRequestList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.jvmRequest ? [plugin.jvmRequest] : [])))];
  return jvmRequestList;
}

let sqlSinkList: SqlSinkProvider[] | undefined;

/** Every distinct SQL sink provider, in registry order (library families first). */
export function sqlSinkProviders(): readonly SqlSinkProvider[] {
  sqlSinkList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.sqlSinks ? [plugin.sqlSinks] : [])))];
  return sqlSinkList;
}

/**
 * Receiver types by method, joined over several providers' tables (`sqlSinks.methods`,
 * `mongoQueries.commands`, a check's own): a method named by several keeps every type, in order.
 */
export function typesByMethod(tables: Iterable<Readonly<Record<string, readonly string[]>>>): Map<string, Set<string>> {
  const byMethod = new Map<string, Set<string>>();
  for (const table of tables) {
    for (const [method, types] of Object.entries(table)) {
      const known = byMethod.get(method) ?? new Set<string>();
      for (const type of types) known.add(type);
      byMethod.set(method, known);
    }
  }
  return byMethod;
}

let mongoQueryList: MongoQueryProvider[] | undefined;

/** Every distinct MongoDB query-builder provider, in registry order. */
export function mongoQueryProviders(): readonly MongoQueryProvider[] {
  mongoQueryList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.mongoQueries ? [plugin.mongoQueries] : [])))];
  return mongoQueryList;
}

let pathSinkList: PathSinkProvider[] | undefined;

/** Every distinct path-sink provider, in registry order. */
export function pathSinkProviders(): readonly PathSinkProvider[] {
  pathSinkList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.pathSinks ? [plugin.pathSinks] : [])))];
  return pathSinkList;
}

let jvmHttpList: JvmHttpClientProvider[] | undefined;

/** Every distinct JVM outbound HTTP client provider, in registry order. */
export function jvmHttpClientProviders(): readonly JvmHttpClientProvider[] {
  jvmHttpList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.jvmHttp ? [plugin.jvmHttp] : [])))];
  return jvmHttpList;
}

let jvmCorsList: JvmCorsProvider[] | undefined;

/** Every distinct JVM CORS provider, in registry order. */
export function jvmCorsProviders(): readonly JvmCorsProvider[] {
  jvmCorsList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.jvmCors ? [plugin.jvmCors] : [])))];
  return jvmCorsList;
}

let csharpCorsList: CsharpCorsProvider[] | undefined;

/** Every distinct C# CORS provider, in registry order. */
export function csharpCorsProviders(): readonly CsharpCorsProvider[] {
  csharpCorsList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.csharpCors ? [plugin.csharpCors] : [])))];
  return csharpCorsList;
}

let jvmRolesList: JvmRolesProvider[] | undefined;

/** Every distinct JVM role-annotation provider, in registry order (library families first). */
export function jvmRolesProviders(): readonly JvmRolesProvider[] {
  jvmRolesList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.jvmRoles ? [plugin.jvmRoles] : [])))];
  return jvmRolesList;
}

let jvmEntityList: string[] | undefined;

/** The annotations that mark a JVM class as a persisted entity, from every provider's `jvmEntities`, in registry order. */
export function jvmEntityAnnotations(): readonly string[] {
  jvmEntityList ??= [...new Set(frameworkPlugins.flatMap((plugin) => plugin.jvmEntities?.annotations ?? []))];
  return jvmEntityList;
}

let jvmWrapperList: string[] | undefined;

/** The generic types a JVM handler's return type wraps its body in, from every provider's `jvmEntities.wrappers`, in registry order. */
export function jvmResponseWrappers(): readonly string[] {
  jvmWrapperList ??= [...new Set(frameworkPlugins.flatMap((plugin) => plugin.jvmEntities?.wrappers ?? []))];
  return jvmWrapperList;
}

let csharpDataList: CsharpDataProvider[] | undefined;

/** Every distinct C# data-access provider, in registry order. */
export function csharpDataProviders(): readonly CsharpDataProvider[] {
  csharpDataList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.csharpData ? [plugin.csharpData] : [])))];
  return csharpDataList;
}

let csharpSqlList: CsharpSqlProvider[] | undefined;

/** Every distinct C# SQL provider, in registry order. */
export function csharpSqlProviders(): readonly CsharpSqlProvider[] {
  csharpSqlList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.csharpSql ? [plugin.csharpSql] : [])))];
  return csharpSqlList;
}

let errorDetailsList: ErrorDetailsProvider[] | undefined;

/** Every distinct error-details provider, in registry order. */
export function errorDetailsProviders(): readonly ErrorDetailsProvider[] {
  errorDetailsList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.errorDetails ? [plugin.errorDetails] : [])))];
  return errorDetailsList;
}

let bodyLimitList: BodyLimitProvider[] | undefined;

/** Every distinct body-limit provider, in registry order (library families first). */
export function bodyLimitProviders(): readonly BodyLimitProvider[] {
  bodyLimitList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.bodyLimit ? [plugin.bodyLimit] : [])))];
  return bodyLimitList;
}

let basicAuthList: BasicAuthProvider[] | undefined;

/** Every distinct Basic-authentication provider, in registry order (library families first). */
export function basicAuthProviders(): readonly BasicAuthProvider[] {
  basicAuthList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.basicAuth ? [plugin.basicAuth] : [])))];
  return basicAuthList;
}

let tokenLifecycleList: TokenLifecycleProvider[] | undefined;

/** Every distinct token lifecycle provider, in registry order. */
export function tokenLifecycleProviders(): readonly TokenLifecycleProvider[] {
  tokenLifecycleList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.tokenLifecycle ? [plugin.tokenLifecycle] : [])))];
  return tokenLifecycleList;
}

let appCodeList: AppCodeProvider[] | undefined;

/** Every distinct application-code provider, in registry order. */
export function appCodeProviders(): readonly AppCodeProvider[] {
  appCodeList ??= [...new Set(frameworkPlugins.flatMap((plugin) => (plugin.appCode ? [plugin.appCode] : [])))];
  return appCodeList;
}
