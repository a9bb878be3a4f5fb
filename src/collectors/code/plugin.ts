import type { Node } from 'web-tree-sitter';
import type { CheckContext, ProjectInfo, SourceFile } from '../../engine/context.js';
import type { Confidence, Endpoint, Location, Severity } from '../../model/types.js';
import type { SourceLanguage } from '../../parsing/languages.js';
import type { Applied, Limiter } from '../../analysis/rate-limit/model.js';
import type { AppEntry, CorsPolicy, Family, HeaderWrite, SecurityHeader } from '../../analysis/transport/model.js';
import type { CallSite } from '../../analysis/code.js';
import type { BodySchema } from '../../analysis/validation.js';
import type { OutboundCall, OutboundRequest } from '../../analysis/outbound.js';
import type { GraphqlServer, HandlerScope } from '../../analysis/code-authz.js';
import type { JwtCall, SecretValue } from '../../analysis/code-auth.js';
import type { CodeCollector } from './collector.js';
import type { JvmCall } from './jvm/calls.js';
import type { JvmJwtCall } from './jvm/jwt.js';
import type { JvmClass, JvmMethod } from './jvm/ast.js';
import type { JvmProgram } from './jvm/values.js';
import type { PhpCallSite } from './php/sinks.js';

/**
 * A framework plugin: everything apisec knows about one framework (or one library family that
 * several frameworks mount), in that framework's folder, behind one small typed contract.
 *
 * - `collector`: the routes, with their registration chain, auth evidence and handler (collector.ts).
 * - `rateLimit`: the limiters the framework or library provides and which routes they cover.
 * - `transport`: the apps the framework creates, the CORS policies it declares, the code that forces
 *   HTTPS and the security-header middleware it mounts (or that a library family provides).
 * - `authz`: what the framework declares about a route's authorization beside its handler (permission
 *   classes, role hooks, class-based views' queryset scoping and object permissions).
 * - `validation`: request-body schemas the framework enforces before a route's handler runs, and its validators that keep undeclared properties.
 * - `jwt`: the calls through which the framework (or a library family) signs, verifies or decodes JWTs.
 * - `http`: a language's outbound HTTP clients (a library family of the language folder, not a framework).
 * - `graphql`: the GraphQL servers the framework (or a GraphQL library family) creates, with their options.
 * - `goRequest`: how a Go framework's handlers receive the request (its context type, the methods that read
 *   or bind request data), for the Go taint analysis.
 * - `goCors`: the options types of a Go framework's CORS middleware, for the CORS checks' Go detection.
 * - `rubyParams`: how a Ruby framework hands request parameters to its handlers (a plain hash, or strong parameters and the calls that turn them off).
 * - `phpCommands`: a PHP framework's facade that runs shell commands (Laravel's `Process`), for command-injection's PHP detection.
 * - `phpSql`: a PHP framework's own calls that take SQL text (Laravel's `DB` facade, the query builder's raw methods), for sql-injection's PHP reading.
 * - `phpMassAssignment`: a PHP framework's ORM writes of the whole request body (Eloquent's `create` / `update` / `fill`), for mass-assignment-request-body.
 * - `phpFiles`: a PHP framework's calls that open or send the file a path names (Laravel's `Storage`, `response()->download`; Symfony's `BinaryFileResponse`), for path-traversal's PHP reading.
 * - `phpHttp`: a PHP framework's outbound HTTP clients (Laravel's `Http` facade, Symfony's HttpClient) and the calls that turn certificate verification off, for the SSRF and TLS checks' PHP readings.
 * - `phpValidation`: how a PHP framework's write actions read the request body and what validates it (Laravel's `FormRequest`, `Validator::make`; Symfony's `#[MapRequestPayload]`, `isValid()`), for request-body-not-validated.
 * - `rubySigningKeys`: where a Ruby framework keeps its signing keys (Rails' `config.secret_key_base`, `config/secrets.yml`), for jwt-hardcoded-secret's Ruby reading.
 * - `requestIds`: the framework's ways of giving every request an id that the logs carry (request-id middleware, loggers, hooks, settings), for the checklist's evidence.
 * - `request`: where the framework's JS or Python handlers read client input (the request's names and
 *   attributes), for the taint analysis.
 * - `jvmRequest`: how the framework's Java or Kotlin handlers receive client input (handler and binding
 *   annotations, injected types, request objects, Ktor's `call`), for the JVM taint analyses.
 * - `webhookSender`: a service that signs the webhooks it sends (its SDK's modules, verification calls, headers).
 * - `debug`: the framework's debug switches turned on in code (settings, app options, development error handlers, profilers).
 * - `bodyLimit`: how the framework bounds request bodies and uploaded files (parser limits, settings, upload handling).
 * - `basicAuth`: the HTTP Basic authentication the framework installs and the code that serves it over TLS or plain HTTP.
 * - `dataAccess`: how the framework's ORM (or a data-access library family: ORMs, query builders, drivers)
 *   loads stored records, names the model it reads and declares models.
 * - `objectAccess`: the stored objects the framework's handlers load by an id the client chose with no
 *   ownership check (its ORM's lookups, route-model binding, argument resolvers), for bola-missing-ownership-check.
 * - `csrf`: the routes that keep a cookie session while the framework's CSRF protection is off for them.
 * - `serializers`: the framework's model serializers that take every field of a request for a write or expose a model's secrets (DRF's).
 * - `passwordHashing`: the framework's password hashing settings that store passwords weakly, and the JVM password encoders it ships that hash fast or not at all.
 * - `tokenValidation`: the framework's token validation settings that leave a check out (the audience, the signature, the lifetime).
 * - `errorDetails`: the framework's settings that put exception details in every error response, and how its JVM or PHP code declares exception handlers.
 * - `sqlSinks`: the JVM query methods that take SQL text (Spring's `JdbcTemplate`, `JdbcClient`, R2DBC `DatabaseClient`; JPA and
 *   Hibernate as a library family), for sql-injection's Java and Kotlin readings.
 * - `mongoQueries`: a JVM framework's MongoDB query builders that take JSON text, a field name or a pattern
 *   (Spring Data MongoDB's `BasicQuery`, `executeCommand`, `Criteria`), for nosql-injection's Java and Kotlin readings.
 * - `pathSinks`: a JVM framework's types whose constructor opens the file a path names (Spring's `FileSystemResource`),
 *   for path-traversal's Java and Kotlin readings.
 * - `csharpSql`: a C# data-access library's methods that run SQL text (EF Core's `FromSqlRaw`), for sql-injection's C# reading.
 * - `csharpData`: a C# data-access library's entity sets, tracked writes and lookups of one entity (EF Core's `DbSet<T>`,
 *   `Update` before `SaveChanges`, `FindAsync`), for the C# readings of mass-assignment-request-body and bola-missing-ownership-check.
 * - `jvmEntities`: the annotations that mark a JVM class as a persisted entity (JPA's `@Entity`, Spring Data MongoDB's `@Document`),
 *   for the Java and Kotlin readings of mass-assignment-request-body and excessive-data-exposure.
 * - `jvmHttp`: a JVM framework's outbound HTTP clients and the calls that take the URL (Spring's `RestTemplate` and
 *   `WebClient`, the Ktor client), for ssrf-user-controlled-url's Java and Kotlin readings.
 * - `jwtSettings`: the framework's settings that hold JWT keys (Flask-JWT-Extended's `JWT_SECRET_KEY`, simplejwt's
 *   `SIMPLE_JWT`) and the settings a JWT call reads its key from (Django's `settings.SECRET_KEY`), for jwt-hardcoded-secret.
 * - `jvmRoles`: the annotations that restrict a JVM handler to a role or an authority (Spring Security's `@PreAuthorize`
 *   and `@Secured`, JSR-250's `@RolesAllowed`), for mass-assignment-request-body's Java and Kotlin readings.
 * - `jvmCors`: the CORS configurations a JVM framework's code declares that allow every origin together with
 *   credentials (Spring's `@CrossOrigin`, `CorsRegistry`, `CorsConfiguration`), for cors-wildcard-with-credentials.
 * - `csharpCors`: the CORS policies a C# framework's code declares that allow every origin (ASP.NET Core's `SetIsOriginAllowed(_ => true)`
 *   with `AllowCredentials()`, `AllowAnyOrigin()` applied to the whole app), for cors-wildcard-with-credentials and cors-wildcard-on-authenticated-api.
 * - `appCode`: how the framework's application shows in its code (the line that creates it, the modules that make a file
 *   server code, the reads of its configuration), for rate-limiting-absent, role-check-only-in-client and oauth-implicit-or-password-grant-in-code.
 * - `tokenLifecycle`: how the framework (or its token and login extensions) ends sessions and rotates or revokes tokens
 *   (Django's `logout`, simplejwt's settings, flask-jwt-extended's blocklist loader, express-jwt's `isRevoked`), for token-revocation-missing.
 *
 * Each section is optional; a plugin provides what its framework has.
 * Plugins are listed in ./plugins.ts. Adding a framework touches its folder, its fixtures and that list.
 */
export interface FrameworkPlugin {
  /** The framework id (`express`, `django`, `spring` …, as the collectors' `via`), or a library family (`js-limiters`). */
  id: string;
  collector?: CodeCollector;
  rateLimit?: RateLimitProvider;
  transport?: TransportProvider;
  authz?: AuthzProvider;
  validation?: ValidationProvider;
  jwt?: JwtProvider;
  http?: HttpClientProvider;
  graphql?: GraphqlServerProvider;
  dataAccess?: DataAccessProvider;
  goRequest?: GoRequestProvider;
  goCors?: GoCorsProvider;
  rubyParams?: RubyParamsProvider;
  requestIds?: RequestIdProvider;
  ambientCredentials?: AmbientCredentialProvider;
  corsSettings?: CorsSettingsProvider;
  phpSigningKeys?: PhpSigningKeyProvider;
  request?: RequestSourceProvider;
  webhookSender?: WebhookSenderProvider;
  debug?: DebugModeProvider;
  bodyLimit?: BodyLimitProvider;
  basicAuth?: BasicAuthProvider;
  objectAccess?: ObjectAccessProvider;
  csrf?: CsrfProvider;
  serializers?: SerializerProvider;
  passwordHashing?: PasswordHashingProvider;
  tokenValidation?: TokenValidationProvider;
  errorDetails?: ErrorDetailsProvider;
  sqlSinks?: SqlSinkProvider;
  mongoQueries?: MongoQueryProvider;
  pathSinks?: PathSinkProvider;
  jvmHttp?: JvmHttpClientProvider;
  jvmCors?: JvmCorsProvider;
  csharpCors?: CsharpCorsProvider;
  jvmRoles?: JvmRolesProvider;
  jwtSettings?: JwtSettingsProvider;
  csharpSql?: CsharpSqlProvider;
  csharpData?: CsharpDataProvider;
  jvmEntities?: JvmEntityProvider;
  jvmRequest?: JvmRequestProvider;
  phpCommands?: PhpCommandProvider;
  phpSql?: PhpSqlProvider;
  phpMassAssignment?: PhpMassAssignmentProvider;
  phpFiles?: PhpFilesProvider;
  phpHttp?: PhpHttpProvider;
  phpValidation?: PhpValidationProvider;
  rubySigningKeys?: RubySigningKeyProvider;
  tokenLifecycle?: TokenLifecycleProvider;
  appCode?: AppCodeProvider;
}

/** What a rate-limit provider may use while it reads one inventory; one scope per analysis. */
export interface RateLimitScope {
  ctx: CheckContext;
  /** The parsed source of a file of the workspace. */
  source(file: string): SourceFile | undefined;
  /** The syntax node a location (a route, handler or middleware location) points at. */
  nodeAt(source: SourceFile, location: Location): Node | undefined;
  /** A limiter declared at `node` (the constructor call, decorator or annotation); one object per place. */
  limiter(source: SourceFile, node: Node, fields: Omit<Limiter, 'location' | 'snippet' | 'storeLocation'>): Limiter;
  /** One object per place for a limiter built by hand (a route's own override of a shared limiter). */
  remember(limiter: Limiter): Limiter;
  /** Project-wide facts a provider computes once per analysis (module graph, settings, app-wide limiters). */
  memo<T>(key: object, make: () => T): T;
}

/** What a provider reports for one endpoint. */
export interface CoverageSink {
  /** A limiter applies at a level (route, router, app). */
  add(applied: Applied): void;
  /** Something may limit requests but could not be read: the endpoint's coverage is unknown, never missing. */
  flag(reason: string): void;
  /** The route is explicitly exempted (`@limiter.exempt`, `@SkipThrottle()`): nothing from code applies. */
  exempt(reason: string): void;
}

/** `handled`: the decorator was this provider's, go on with the next one; `stop`: this endpoint's code evidence ends here. */
export type DecoratorVerdict = 'handled' | 'stop' | undefined;

/**
 * A framework's (or a limiter library's) rate-limit evidence. The driver (src/analysis/code-ratelimit.ts)
 * asks every provider that applies to an endpoint, phase by phase in the order of ./plugins.ts:
 * `middleware` (the route's middleware chain, outermost first), `decorator` (each decorator or annotation of
 * the handler, then of its class), `endpoint` (framework facts: module options, class attributes, app-wide
 * defaults) and `handler` (limiters called inside the handler's body). Gateways and proxies in front of the
 * app (nginx, Kong, API Gateway …) are no framework: src/analysis/rate-limit/gateway.ts reads them.
 */
export interface RateLimitProvider {
  /** Routes collected by these frameworks (`via`) … */
  frameworks?: readonly string[];
  /** … or every code route whose handler is written in one of these languages (limiter libraries any framework mounts). */
  languages?: readonly SourceLanguage[];
  middleware?(scope: RateLimitScope, endpoint: Endpoint, sink: CoverageSink): void;
  decorator?(scope: RateLimitScope, endpoint: Endpoint, decorator: Node, source: SourceFile, sink: CoverageSink): DecoratorVerdict;
  endpoint?(scope: RateLimitScope, endpoint: Endpoint, sink: CoverageSink): void;
  handler?(scope: RateLimitScope, endpoint: Endpoint, sink: CoverageSink): void;
  /**
   * Limiters applied by decorator anywhere (the libraries' names, and the decorator line: `@limiter.limit(…)`): an
   * application that decorates routes with them limits routes, even those the inventory could not place (rate-limiting-absent).
   */
  decoratorLimits?: { libraries: readonly string[]; decorator: RegExp };
}

/**
 * A framework's (or a library family's) transport evidence. The driver (src/analysis/code-transport.ts)
 * reads the non-test sources of the provider's `family`; nginx, ingress, gateway and serverless
 * configuration are no framework and stay in the driver.
 *
 * - Hooks that take an app (`https.enforced`, `headers.middleware`) are asked for the apps of the
 *   plugin's own framework; a library family's provider (no `app`) is asked for every app of its family.
 * - Code patterns (`https.code`, `headers.middlewareCode`) are text evidence tested against every non-test
 *   source of the provider's family, whatever app it serves; `headers.alternatives` against the sources of
 *   the app's family, whatever provider declares them.
 * - Per-call hooks (`app.createdBy`, `cors.call`) are asked call by call in source order, each provider in
 *   registry order; the first answer wins.
 */
export interface TransportProvider {
  /**
   * The language family whose sources the provider reads. The driver reads the `js` and `python` families; a
   * `csharp` provider reads its applications itself (`https.apps`, `https.metadataOverHttp`).
   */
  family: Family | 'csharp';
  /**
   * How the framework's webhook receivers read the request, as regular-expression sources the driver joins
   * with the other providers' and tests on any handler's text (each must stand alone).
   */
  webhook?: {
    /** Input only a signing sender's call needs: the raw body kept for an HMAC (`express.raw(`, `get_data(`); case-insensitive. */
    signedInput?: readonly string[];
    /** Reads of the request body (`req.body`, `request.get_json`, `ctx.request.body`). */
    bodyRead?: readonly string[];
  };
  /** The apps the framework creates; the app's `framework` is the plugin id. */
  app?: {
    /** The framework's name in messages (`Express`). */
    name: string;
    /** The framework's own fix, named in the transport checks' messages: forcing HTTPS (`https`), the security-header middleware (`headers`). */
    fix?: { https?: string; headers?: string };
    /** The call creates an app (`express()`, `new Koa()`, `FastAPI()`). */
    createdBy?(call: CallSite): boolean;
    /**
     * A file that configures the whole app (Django settings): the app's node and label, `null` for such a
     * file that describes no production app (development settings); its calls then create no app either.
     */
    configuredBy?(source: SourceFile): { node: Node; label: string } | null | undefined;
    /** How an app is named in messages, when not "the NAME app created by `LABEL`". */
    describe?(app: AppEntry): string;
    /** The `X-Powered-By` value an app sends unless the code turns it off (Express: `Express`). */
    poweredBy?(app: AppEntry): string | undefined;
  };
  cors?: {
    /** The CORS policy one call declares (middleware options, a plugin registration, a decorator). */
    call?(source: SourceFile, call: CallSite): CorsPolicy | undefined;
    /** Policies a whole file declares (settings modules), after its calls. */
    file?(source: SourceFile): CorsPolicy[];
    /**
     * Response headers a file writes by hand (`res.setHeader(name, value)`, `response[name] = value`): the
     * driver reads `Access-Control-Allow-*` among them. The first provider of the family that has this answers.
     */
    headerWrites?: (source: SourceFile) => HeaderWrite[];
    /** An expression that reads the request's `Origin` header (copied into the response, it reflects any origin). */
    requestOrigin?: RegExp;
  };
  https?: {
    /** Code that forces HTTPS: a redirect, HSTS, a TLS server. */
    code?: RegExp;
    /** Structural evidence that an app forces HTTPS (header middleware with HSTS on). */
    enforced?(ctx: CheckContext, app: AppEntry): boolean;
    /**
     * The applications of a family the driver does not read that serve routes and force no HTTPS outside development
     * (ASP.NET Core's hosts without `UseHttpsRedirection` / `UseHsts`); `deployed` tells whether the deployment forces
     * HTTPS in front of every app (then none is).
     */
    apps?: (ctx: CheckContext, deployed: () => boolean) => UnenforcedApp[];
    /** Authentication options that download signing keys over plain HTTP outside development (ASP.NET Core's `RequireHttpsMetadata = false`). */
    metadataOverHttp?: (ctx: CheckContext) => InsecureMetadata[];
  };
  /**
   * Where the framework's code sends `Strict-Transport-Security`, for the checklist's HSTS evidence: `call`, a call of
   * a source of the family that mounts HSTS (its node and how the proof reads) or mounts it turned off (`null`: the
   * call is read, no other reading applies); `file`, a whole source's settings that turn it on (Django's
   * `SECURE_HSTS_SECONDS`), read after its calls. A hand-written header stays the checklist's.
   */
  hsts?: {
    call?(source: SourceFile, call: CallSite): { node: Node; detail: string } | null | undefined;
    file?(source: SourceFile): { node: Node; detail: string }[];
  };
  headers?: {
    /** The security-header middleware in place for an app, by name. */
    middleware?(ctx: CheckContext, app: AppEntry): string | undefined;
    /** Code that mounts a security-header middleware; the first match (leftmost, in source order) names it. */
    middlewareCode?: RegExp;
    /** Code that sets a header another way (a setting, a middleware of one header). */
    alternatives?: Partial<Record<SecurityHeader, RegExp>>;
    /** Code that turns `X-Powered-By` off (an app setting, a header removed); tested on the family's sources. */
    poweredByOff?: RegExp;
    /** Structural evidence that the family's code hides `X-Powered-By` (helmet with `hidePoweredBy` left on). */
    hidesPoweredBy?(ctx: CheckContext): boolean;
  };
}

/** An application a transport provider reads itself that forces no HTTPS: where it is reported and how it is named. */
export interface UnenforcedApp {
  source: SourceFile;
  /** The host builder call, or the method that sets up the pipeline. */
  node: Node;
  /** How the app is named in messages. */
  label: string;
}

/** Authentication options that fetch metadata and signing keys over plain HTTP. */
export interface InsecureMetadata {
  source: SourceFile;
  node: Node;
  /** The authority the keys come from, as written. */
  authority: string;
}

/** What an authorization provider may use while it reads one endpoint; one scope per analysis. */
export interface AuthzScope {
  ctx: CheckContext;
  /** The parsed source of a file of the workspace. */
  source(file: string): SourceFile | undefined;
  /** The smallest statement spanning a line (a route registration, a mount). */
  statementAt(source: SourceFile, line: number): Node | undefined;
  /** Project-wide facts a provider computes once per analysis (e.g. the functions a framework registers by name). */
  memo<T>(key: object, make: () => T): T;
}

/** Object-level evidence a framework's class-based views give (a scoped queryset, an object permission, or an unscoped default). */
export interface ObjectEvidence {
  /** A guard that scopes or checks the object against the caller, described. */
  guard?: string;
  /** A class attribute that loads any object by id for the view (DRF `queryset = X.objects.all()` with no scoping). */
  unscoped?: Node;
  /** The model that attribute reads (`X`), when written. */
  unscopedModel?: string;
}

/**
 * A framework's authorization evidence. The shared analysis (src/analysis/code-authz.ts) reads the
 * handler body itself (ownership comparisons, policy calls, role conditions, data accesses); a provider
 * adds what only the framework knows, for the endpoints collected by its `frameworks` or whose handler
 * is written in one of its `languages`:
 * - `guards`: declarations on the handler's class that name its guards, as text (read for role checks,
 *   after the decorators and before the class's bases);
 * - `roleHook`: a role check proven by the route's registration options, described;
 * - `objectEvidence`: the class-based view's object-level evidence; `callers` are the handler's names
 *   bound to the caller's identity;
 * - `identity`: how the framework's (or the language's) handlers read the caller and the object ids.
 */
export interface AuthzProvider {
  frameworks?: readonly string[];
  languages?: readonly SourceLanguage[];
  guards?(scope: AuthzScope, endpoint: Endpoint, handler: Node): string[];
  roleHook?(scope: AuthzScope, endpoint: Endpoint, handler: Node): string | undefined;
  objectEvidence?(scope: AuthzScope, handler: HandlerScope, callers: ReadonlySet<string>): ObjectEvidence;
  identity?: IdentityEvidence;
  /** Guard text that names no role (DRF's `permission_classes`, `IsAuthenticated`), removed before a guard is read for role words; a global pattern. */
  guardPlumbing?: RegExp;
  roles?: RoleEvidence;
  policy?: PolicyEvidence;
  /** Code that rejects a request, beside the generic `raise`, `abort(`, `redirect(`, a 401/403 and `Forbidden`/`Unauthorized` (Django's `PermissionDenied`, FastAPI's `HTTPException`), as regular-expression sources each standing alone. */
  rejections?: readonly string[];
}

/**
 * The role and permission checks a framework or its libraries name, as regular-expression sources the
 * shared analysis joins with its generic names (`requireRole`, `isAdmin`, `roles`, `permissions`) and the
 * other providers' (each must stand alone), tested on any handler whatever framework collected the route.
 */
export interface RoleEvidence {
  /** Calls that check a role or permission, by their last segment (`permission_required`, `roles_accepted`, `SetMetadata`). */
  calls?: readonly string[];
  /** Names that mark a guard or decorator as a role check (`IsAdminUser`, `RolesGuard`), tested case-insensitively; word characters only. */
  words?: readonly string[];
  /** Names in a condition that test a role or permission (`has_perm`). */
  conditions?: readonly string[];
}

/** How a framework or a policy library decides access to one object, as regular-expression sources joined like RoleEvidence's. */
export interface PolicyEvidence {
  /** Calls that check the caller's access to an object, by their last segment (`check_object_permissions`, `get_objects_for_user`, `throwUnlessCan`). */
  calls?: readonly string[];
  /** A policy library's objects whose checks are called on them (`casbin`): a call on one that names a policy, an owner or an access is a policy check; case-insensitive. */
  receivers?: readonly string[];
  /** Policy engines (`oso`, `cerbos`, `permit`): as `receivers`, and any call whose text names one is read as deciding access; case-insensitive. */
  engines?: readonly string[];
}

/**
 * How handlers read the caller's identity and the object ids they act on, as regular-expression sources.
 * The shared analysis joins every provider's sources into one alternation (`ids` and `sessionParameter`
 * per language family: Python for Python handlers, JS for the others) and tests it on any handler's text,
 * whatever framework collected the route: a handler reads the caller through helpers written in any idiom.
 */
export interface IdentityEvidence {
  family: Family;
  /** Objects whose `.user`, `.auth`, `.identity`, `.tenant` … is the caller (`ctx\.state`, `g`, `self\.request`). */
  callerHolders?: readonly string[];
  /** Other expressions that read the caller, each anchored (`\bc\.get\(…\)`, `\bget_jwt_identity\(\)`). */
  caller?: readonly string[];
  /** A handler parameter's declaration that injects the caller (`Depends(get_current_user)`, `@CurrentUser()`). */
  callerParameter?: readonly string[];
  /** A handler parameter's declaration that injects a database session, never the caller (`Depends(get_db)`). */
  sessionParameter?: readonly string[];
  /** Expressions that carry an object id from the request (`request.view_args['id']`, `ctx.params`). */
  ids?: readonly string[];
  /** The handler parameter a decorator binds to a request id (`@Param('id') id: string`), by its declaration node. */
  idParameter?: (parameter: Node) => string | undefined;
}

/**
 * A framework's request validation. The driver (src/analysis/validation.ts) asks every provider in
 * registry order; the first answer wins.
 */
export interface ValidationProvider {
  /**
   * The body schema the framework checks before the handler whose body contains `node` runs, when it
   * keeps the fields it does not list out of the handler (a closed schema, a validator that strips extras).
   */
  bodySchema?(ctx: CheckContext, source: SourceFile, node: Node): BodySchema | undefined;
  /**
   * The framework's validators in a JS source that keep the properties a request's DTO does not declare (Nest's
   * `new ValidationPipe()` without `whitelist: true`), for validation-allows-unknown-fields; called once per audit
   * with the project, the answer is asked per source.
   */
  unknownFields?(ctx: CheckContext): (source: SourceFile) => UnknownFieldsValidator[];
  /** Words (regular-expression sources) that show a JS source's JSON schemas are enforced by the framework's ajv-based validation (`fastify`), for validation-allows-unknown-fields' `additionalProperties: true`. */
  ajvSchemaMarkers?: readonly string[];
  /**
   * How a project shows that the framework validates every request body against its OpenAPI document, for
   * request-body-not-validated: names in a JS source's text (regular-expression sources: express-openapi-validator's
   * `OpenApiValidator.middleware`, fastify-openapi-glue, connexion) and npm dependencies (`express-openapi-validator`).
   */
  specValidation?: { code: readonly string[]; npm?: readonly string[] };
}

/** A validator that keeps undeclared properties: where it is created and how the finding quotes it (`new ValidationPipe({…})`). */
export interface UnknownFieldsValidator {
  node: Node;
  call: string;
}

/**
 * A framework's (or a JWT library family's) token calls. The driver (`jwtCalls` in
 * src/analysis/code-auth.ts) asks each call of a file of one of the provider's `languages`, provider by
 * provider in registry order; the first answer wins. The JWT checks read the normalised `JwtCall`.
 */
export interface JwtProvider {
  languages: readonly SourceLanguage[];
  /** The JWT the call signs, verifies or decodes, with its key, payload and options located (js/jwt.ts, python/jwt.ts build one). */
  call(source: SourceFile, call: CallSite): JwtCall | undefined;
}

/** A JWT key written in a framework's configuration: the setting as the finding names it, the value that holds the key, and the node reported. */
export interface JwtKeySetting {
  name: string;
  value: Node;
  node: Node;
}

/** The hard-coded value of a setting a JWT call reads its key from: the settings module that holds it, and the name as the call reads it (`settings.SECRET_KEY`). */
export interface SettingsJwtKey {
  source: SourceFile;
  secret: SecretValue;
  name: string;
}

/**
 * Where a framework's configuration keeps JWT keys, for jwt-hardcoded-secret, which resolves the values itself
 * (literals, constants, environment fallbacks) and reports each once per file together with the JWT calls' keys.
 */
export interface JwtSettingsProvider {
  languages: readonly SourceLanguage[];
  /** Names whose presence makes a source worth reading for `assignment` (the settings as written). */
  mentions: readonly string[];
  /** The JWT key an assignment sets (`app.config["JWT_SECRET_KEY"] = …`, `SIMPLE_JWT = {"SIGNING_KEY": …}`). */
  assignment?(source: SourceFile, node: Node): JwtKeySetting | undefined;
  /** The JWT keys a call sets (`app.config.update(JWT_SECRET_KEY=…)`). */
  call?(source: SourceFile, call: CallSite): JwtKeySetting[];
  /** The hard-coded setting a JWT call's key reads (`settings.SECRET_KEY` with Django's settings). */
  settingKey?(ctx: CheckContext, source: SourceFile, key: Node | undefined): SettingsJwtKey | undefined;
}

/** How a JS or Python framework's application shows in its code, as regular-expression sources each standing alone. */
export interface AppCodeProvider {
  /** A line that creates the framework's application (`express(`, `FastAPI(`, `NestFactory.create`, Django's `urlpatterns =`), where rate-limiting-absent places an application's finding. */
  creation?: readonly string[];
  /**
   * A line that builds the host of an application whose routes are declared elsewhere (ASP.NET Core's
   * `WebApplication.Create*`, Ktor's `embeddedServer` / `EngineMain.main`), where rate-limiting-absent places the
   * finding of an application whose file has no `creation` line and declares no route.
   */
  hostStart?: readonly string[];
  /** Modules whose `require('…')` (`required`) or `import … from '…'` (`imported`) makes a JS file server code, for role-check-only-in-client. */
  serverModules?: { required?: readonly string[]; imported?: readonly string[] };
  /** Reads of the configuration the deployment provides, matched at the start of a value (Flask's `app.config`, Django's `settings.X`), for oauth-implicit-or-password-grant-in-code. */
  configReads?: readonly string[];
}

/**
 * What a framework's token library is configured to do about used tokens, at the node that shows it: a `rotation` or
 * `revocation` proof for the checklist, or a gap reported by token-revocation-missing.
 */
export interface TokenLifecycleFact {
  kind: 'rotation' | 'revocation' | 'rotation-without-blacklist' | 'refresh-not-rotated';
  source: SourceFile;
  node: Node;
  detail: string;
}

/**
 * How a framework, or its token and login extensions, ends sessions and rotates or revokes tokens, for
 * token-revocation-missing (src/checks/token-revocation-missing/, the driver) and the checklist's evidence.
 */
export interface TokenLifecycleProvider {
  languages: readonly SourceLanguage[];
  /** Calls that end the caller's server-side session whatever their receiver, as regular-expression sources matching the whole qualified callee (`django\.contrib\.auth\.logout`). */
  logouts?: readonly string[];
  /** Modules whose import shows that the project authenticates with self-contained tokens, as regular-expression sources matching the module name or its prefix before a `.` (`rest_framework_simplejwt`, `@nestjs/jwt`). */
  statelessModules?: readonly string[];
  /** What the framework's token library is configured to do, read from the sources of the provider's languages (tests left out), in document order. */
  configured?(sources: readonly SourceFile[]): TokenLifecycleFact[];
  /** The facts a call that mounts the framework's OAuth 2.0 provider gives (django-oauth-toolkit's `include("oauth2_provider.urls")`), asked of every Python call before the generic revocation endpoints. */
  oauthProvider?(source: SourceFile, call: CallSite, python: readonly SourceFile[]): TokenLifecycleFact[] | undefined;
}

/**
 * A language's outbound HTTP clients (src/collectors/code/<language>/http-clients.ts). The driver
 * (src/analysis/outbound.ts) asks each call of a file of one of the provider's `languages`.
 */
export interface HttpClientProvider {
  languages: readonly SourceLanguage[];
  /** A request through a known client library (module function, client instance it built): library, URL and options. */
  call(source: SourceFile, call: CallSite): OutboundCall | undefined;
  /** A call shaped like a request (known libraries, clients named as such), with the HTTP method when written. */
  request(source: SourceFile, call: CallSite): OutboundRequest | undefined;
}

/**
 * The GraphQL servers a framework or GraphQL library creates. The driver (`graphqlServers` in
 * src/analysis/code-authz.ts) asks every call of every source, provider by provider in registry order.
 */
export interface GraphqlServerProvider {
  /** The server a call creates or mounts (`new ApolloServer({…})`, `graphene.Schema(…)`), its options and whether introspection is on by default. */
  server(source: SourceFile, call: CallSite): GraphqlServer | undefined;
  /**
   * Names whose presence in any source sets a depth, cost or token limit on queries (`graphql-depth-limit`,
   * `QueryDepthLimiter`), as regular-expression sources the driver (`hasGraphqlDepthLimit`) joins with its
   * generic names (`maxDepth`, `depthLimit`) and the other providers'.
   */
  queryLimits?: readonly string[];
  /** Names whose presence in any source turns introspection off (`NoSchemaIntrospectionCustomRule`, `DisableIntrospection`), joined likewise. */
  introspectionOff?: readonly string[];
}

/** A model (or schema) a data-access library declares in a file, with its field names. */
export interface ModelDeclaration {
  name: string;
  fields: string[];
  /** The node that lists the fields (the schema object). */
  node: Node;
}

/**
 * A data-access library's idioms (an ORM, a query builder, a database driver), or a framework's own ORM,
 * as the authorization analysis (src/analysis/code-authz.ts) reads a handler's code. The driver keeps the
 * language-generic shapes (receivers named `db`, `session`, `repo`, `\w+Repository`; `getById`; SQL text;
 * a capitalised class's `find…`/`get…`/`where`/`filter`); each provider's entries are joined with them and
 * with the other providers' into one catalogue tested on any handler, whatever framework collected the
 * route (a handler reaches its data through any library of its language). Names are regular-expression
 * sources unless said otherwise, each standing alone.
 */
export interface DataAccessProvider {
  /** Receivers whose calls reach stored data (`prisma`, `knex`, `entityManager`): `prisma.post.findUnique(…)`. */
  receivers?: readonly string[];
  /** Attributes through which a model class is queried (`objects`, `query`): `Post.objects.get(…)`, `Post.query.filter(…)`. */
  managers?: readonly string[];
  /** Methods (plain names) that load records by id whatever their receiver (`get_object_or_404`, `findUnique`, `findByPk`). */
  lookups?: readonly string[];
  /** Methods that write, beyond the generic verbs (`findByIdAnd\w+`). */
  writes?: readonly string[];
  /** Calls that return a single record (`one_or_none`, `findFirst\w*`); tested case-insensitively before `(`. */
  singleResults?: readonly string[];
  /** Functions (plain names) that take the model class as first argument (`select(Post)`, `session.query(Post)`), in the order tried. */
  modelArguments?: readonly string[];
  /** Patterns whose first group names the model a call chain reads (`prisma.post.…`), tried in registry order before `modelArguments`. */
  modelAccessors?: readonly RegExp[];
  /** Static methods (plain names) of a model class that list its records (`Post.findAll(`), beyond the generic `find`/`all`/`list`/`select`. */
  classListings?: readonly string[];
  /** Patterns whose first group names the model a collection query lists (`.post.findMany(`, `postRepository.find(`), tried last, in registry order. */
  listings?: readonly RegExp[];
  /** Models the library declares in a non-Python file (`mongoose.model('Post', schema)`, `sequelize.define('Post', {…})`), in source order. */
  models?: (source: SourceFile) => ModelDeclaration[];
  /** Methods (plain names), by language family, that write every key of an object argument into a record, beyond the generic `create`/`update`/`insert` (`bulkCreate`, `get_or_create`), for mass-assignment-request-body. */
  fieldWrites?: Partial<Record<Family, readonly string[]>>;
  /** Keys of a write's object argument that hold the fields written (Prisma's `data`, `create`, `update`). */
  dataKeys?: readonly string[];
  /** Patterns whose first group names the model a write's receiver is (`prisma.post`, `Post.objects`, `session.query(Post)`), tried in registry order. */
  modelReceivers?: readonly RegExp[];
  /** Patterns (regular-expression sources, each standing alone) that mark a Python call chain as a query over stored records, whose `update(values)` writes every key of `values` (`Post.objects.filter(…)`, `session.query(Post)`). */
  queries?: readonly string[];
  /** Methods (plain names) that load one whole record, beyond the generic `get`, `first`, `one`, `findOne` (`findUnique`, `get_or_404`), for excessive-data-exposure. */
  loaders?: readonly string[];
  /** Code in a loading call that picks the fields it reads (`select: {…}`, `.only(`, `load_only`), as regular-expression sources each standing alone, beyond the generic `.select(`. */
  projections?: readonly string[];
  /** Functions (plain names) that load a record of the model class given first (`get_object_or_404(Post, …)`), beside the `modelArguments`. */
  modelLoaders?: readonly string[];
  /** Patterns whose first group names the model of a loaded record, tried after the generic `Post.find…(`/`Post.get…(` (`getRepository(Post)`). */
  recordModels?: readonly RegExp[];
  /**
   * The filter of a query that drops a condition whose value is `undefined` instead of rejecting it (Prisma's
   * `where`, TypeORM's `findBy(filter)`), with the library's name, for ownership-filter-allows-missing-user.
   */
  undefinedDroppingFilter?: (ctx: CheckContext, call: CallSite) => { library: string; filter: Node } | undefined;
  /** Methods (plain names), by language family, that find records by the columns their filter names (Python keyword arguments; a JS object or its `where`), beyond the generic `get`/`filter`/`find`/`findOne`/`where`, for api-key-stored-in-plaintext. */
  filterLookups?: Partial<Record<Family, readonly string[]>>;
  /** Receivers of a Python keyword lookup that query stored records (`Post.objects`, `session.query(Post)`), as regular-expression sources each standing alone. */
  lookupReceivers?: readonly string[];
  /** Names in a dependency or a source's text that show the project talks to MongoDB through the framework's extension (Flask-PyMongo, `@nestjs/mongoose`), as regular-expression sources matched as whole words, for nosql-injection. */
  mongoMarkers?: readonly string[];
}

/**
 * How a Go framework's handlers receive the request, for the Go taint analysis (src/analysis/go-taint.ts),
 * which knows the standard library's `*http.Request` itself. A handler parameter of one of `contextTypes`
 * is the framework's context; the analysis names it by the plugin's id (`goRequestParams` maps it to `gin`,
 * `echo`, `fiber`, or `http` for net/http), and checks may ask which framework a context belongs to.
 */
export interface GoRequestProvider {
  /** The context's type, qualified by its import path (`github.com/gin-gonic/gin.Context`), one per major version. */
  contextTypes?: readonly string[];
  /** The context's methods that return request text (`Query`, `Param`, `PostForm`, `FormValue`). */
  reads?: readonly string[];
  /** The context's methods that fill their pointer argument from the request (`ShouldBindJSON`, `BodyParser`). */
  binds?: readonly string[];
  /** How the context exposes its `*http.Request`: as a field (`c.Request`, gin) or a method (`c.Request()`, echo). */
  httpRequest?: 'field' | 'method';
  /** Package functions, qualified, that return request values (`github.com/gorilla/mux.Vars`, chi's `URLParam`). */
  functions?: readonly string[];
  /** The context's methods that write a response with the status first (`c.JSON(status, body)`), for verbose-error-response. */
  writers?: readonly string[];
  /** Methods called on the context's `Status(code)` that write the body (fiber's `c.Status(500).JSON(body)`). */
  statusBody?: readonly string[];
  /** Package functions, qualified, that build an HTTP error with the status first (`github.com/labstack/echo/v4.NewHTTPError`). */
  errors?: readonly string[];
  /** The context's methods that write a value as the response body, with the value's argument position (gin's `c.JSON(200, user)`: `JSON: 1`), for excessive-data-exposure. */
  bodyWriters?: Readonly<Record<string, number>>;
  /** Companion packages' functions that write a value as the response body, by import path, with the value's position (go-chi/render's `render.JSON(w, r, v)`). */
  responders?: Readonly<Record<string, Readonly<Record<string, number>>>>;
  /** Import-path prefixes of the framework's packages (`github.com/gin-gonic`): a call into them is the framework's, never a project helper. */
  packages?: readonly string[];
  /** The context's methods that send a file from disk or save an upload at a path, with the path's argument position (gin's `c.File(path)`: `File: 0`, `c.SaveUploadedFile(file, dst)`: `SaveUploadedFile: 1`), for path-traversal. */
  files?: Readonly<Record<string, number>>;
  /** The context's methods that set a response header, name first and value second (gin's `c.Header`, fiber's `c.Set` / `c.Append`), for cors-origin-reflected's hand-written headers; net/http's `Header().Set` / `Add` are the check's. */
  headerWriters?: readonly string[];
  /** The context's methods that return a request header by name (gin's `c.GetHeader`, fiber's `c.Get`); net/http's `Header.Get` / `Values` are the check's. */
  headerReads?: readonly string[];
}

/**
 * A Go framework's CORS middleware, for the CORS checks' Go detection, which know the middleware libraries any
 * net/http router mounts (rs/cors, go-chi/cors, gorilla/handlers, go-pkgz/rest) and hand-written headers themselves.
 */
export interface GoCorsProvider {
  /** The middleware's options struct types: the import path (a regular-expression source matched whole, `github\.com/gin-contrib/cors`) and the type names (`Config`). */
  optionTypes: readonly { path: string; names: readonly string[] }[];
}

/**
 * How a Ruby framework hands request parameters to its handlers, for the Ruby injection checks (nosql-injection's
 * Mongoid criteria), which know Rack's `request.params` and a parsed body themselves.
 */
export interface RubyParamsProvider {
  /** Methods of the framework's parameters object that return every request value as a plain hash (Rails' `permit!`, `to_unsafe_h`). */
  unsafe?: readonly string[];
  /** True when a source's `params` is a plain hash of request values, never protected by strong parameters (a Sinatra app). */
  plain?: (source: SourceFile) => boolean;
  /** True when a source holds the framework's request handlers (Rails' `app/controllers/`, a Sinatra app, a Grape API), for mass-assignment-request-body. */
  handlers?: (source: SourceFile) => boolean;
  /**
   * Strong parameters, for mass-assignment-request-body: `permitAll`, the methods of `unsafe` that mark the
   * parameters themselves as allowed, every key (`permit!`); `permit`, those that allow the keys they list
   * (`permit(:name, :role)`); `allPermitted`, a configuration source that turns strong parameters off
   * everywhere (`config.action_controller.permit_all_parameters = true`).
   */
  strong?: { permitAll: readonly string[]; permit: readonly string[]; allPermitted: (source: SourceFile) => boolean };
  /** Methods of the framework's request that return the raw body text (Rails' `request.raw_post`), for nosql-injection's parsed bodies; Rack's `request.body` and `env["rack.input"]` are the check's. */
  rawBody?: readonly string[];
}

/**
 * A PHP framework's facade that runs the command its first argument gives (Laravel's `Process::run`), for
 * command-injection's PHP detection, which knows PHP's shell functions, backticks and Symfony's Process
 * component (a library every PHP framework uses) itself.
 */
export interface PhpCommandProvider {
  /** Text that shows a source uses the facade (its imported namespace). */
  imports: RegExp;
  /** The facade: the first link of the call chain (`Process`). */
  facade: string;
  /** The methods anywhere in the chain that run the command their first argument gives (`run`, `start`, `command`, `forever`). */
  runs: readonly string[];
}

/**
 * A PHP framework's own calls that take SQL text, for sql-injection's PHP reading (which keeps PDO, mysqli, Doctrine
 * DBAL and Doctrine ORM's `createQuery` / `createNativeQuery`, libraries every PHP framework uses alike): facades whose
 * static methods take a statement first (Laravel's `DB::select($sql)`, also written with its namespace,
 * `\Illuminate\Support\Facades\DB::raw`), and query-builder methods that take a raw SQL fragment first
 * (`->whereRaw($sql)`), also called statically on a model that forwards them to its builder (Eloquent's
 * `Order::whereRaw($sql)`; not `parent::whereRaw`).
 */
export interface PhpSqlProvider {
  facades?: readonly { name: string; statements: readonly string[] }[];
  rawMethods?: readonly string[];
}

/** A mass assignment of the whole request body into a model that lets privileged or all columns through. */
export interface PhpMassAssignment {
  source: SourceFile;
  /** The write (`Invoice::create(…)`, `$invoice->update(…)`, `new Invoice(…)`). */
  call: Node;
  /** The body as written (`$request->all()`). */
  body: string;
  model: string;
  /** What the model lets through (its privileged `$fillable` fields, any column). */
  fields: string;
}

/**
 * A PHP framework's ORM writes that take the whole request body, for mass-assignment-request-body's PHP reading:
 * the framework knows its request object, its ORM's write methods and what a model lets a mass assignment write
 * (Eloquent's `$fillable` / `$guarded`).
 */
export interface PhpMassAssignmentProvider {
  writes(sources: readonly SourceFile[]): PhpMassAssignment[];
}

/** A call that opens or sends the file a path names: the positions of its path arguments, the call as the finding writes it. */
export interface PhpFileSink {
  indexes: readonly number[];
  written: string;
  /** The path is on a storage disk that normalises it and refuses `..` above its root (Laravel's `Storage`): any file of the disk, not of the server. */
  disk: boolean;
}

/**
 * A PHP framework's calls that open or send the file a path names, for path-traversal's PHP reading (which knows PHP's
 * filesystem functions, `include` / `require` and `SplFileObject` itself): `sink` answers a method or static call,
 * or a `new`, of the file's call list (Laravel's `response()->download($path)`, `Storage::disk('s3')->get($path)`,
 * `$file->storeAs($dir, $name)`; Symfony's `new BinaryFileResponse($path)`, `$this->file($path)`); `basePaths`, the
 * functions whose result is a base directory a path is built under (`storage_path('exports/') . $name`).
 */
export interface PhpFilesProvider {
  sink?(call: PhpCallSite): PhpFileSink | undefined;
  basePaths?: readonly string[];
  /**
   * Calls whose result is a name safe in a path: a helper's static methods, as written `Class::method` (Laravel's
   * `Str::slug`), and an uploaded file's methods (`$file->hashName()`, Symfony's `->guessExtension()`).
   */
  safeNames?: { statics?: readonly string[]; methods?: readonly string[] };
  /** Static methods that confine a value when a condition of the function calls them on it (Laravel's `Str::startsWith`, `Str::isUuid`). */
  guards?: readonly string[];
}

/**
 * A PHP framework's outbound HTTP clients, for ssrf-user-controlled-url's PHP reading (which knows cURL, PHP's URL-opening
 * functions and Guzzle / PSR-18 clients itself) and tls-certificate-verification-disabled's: `facade`, a client facade
 * whose chained call sends a request (Laravel's `Http::withToken($t)->get($url)`): `verbs` take the URL first, `send` takes
 * the method then the URL, and a chain through `base` sends to a configured base URL; `clients`, client classes whose
 * `get` / `post` / `request` … on a typed receiver send a request, read in a source that names one of `imports`
 * (Symfony's `HttpClientInterface`); `verificationOff`, the methods that turn certificate verification off
 * (`Http::withoutVerifying()`).
 */
export interface PhpHttpProvider {
  facade?: { name: string; verbs: readonly string[]; send: string; base: string };
  clients?: { classes: readonly string[]; imports: RegExp };
  verificationOff?: readonly string[];
}

/**
 * How a PHP framework's write actions read and validate the request body, for request-body-not-validated's PHP reading,
 * which reads the actions of the framework's routes (a route whose collector is the plugin's id): `body`, the request's
 * methods that read the whole body (`methods`; of those, `wholeWithoutArguments` read one field when given an argument:
 * Laravel's `input('name')`), its bags whose `all()` is the form body (`formBags`: Symfony's `$request->request`) and its
 * methods whose `json_decode` is the body (`rawContent`: `getContent`); what makes an action validated: a parameter whose
 * class extends one matching `validatedRequests` (Laravel's `FormRequest`), a parameter attribute of `validatedAttributes`
 * (Symfony's `#[MapRequestPayload]`), a call whose name matches `validatorCalls` (`$request->validate()`, a form's
 * `isValid()`), or a facade's static call of `facadeCalls` (`Validator::make()`).
 */
export interface PhpValidationProvider {
  body?: { methods?: readonly string[]; wholeWithoutArguments?: readonly string[]; formBags?: readonly string[]; rawContent?: readonly string[] };
  validatedRequests?: RegExp;
  validatedAttributes?: readonly string[];
  validatorCalls?: RegExp;
  facadeCalls?: readonly { scope: RegExp; methods: readonly string[] }[];
}

/** A secret written as a literal in a committed configuration file (`production.secret_key_base` of Rails' `config/secrets.yml`). */
export interface ConfigSecret {
  file: string;
  line: number;
  /** The setting's path (`production.secret_key_base`). */
  name: string;
  value: string;
}

/**
 * Where a Ruby framework keeps the keys that sign its sessions and tokens, for jwt-hardcoded-secret's Ruby reading (which
 * knows ruby-jwt's `JWT.encode` / `JWT.decode` itself): `settings`, the assignments in its configuration code that set one
 * (`assigned`, a pattern over the assignment's left side: Rails' `config.secret_key_base = "…"`; `mention`, the text
 * that makes a source worth reading); `localConfig`, its development and test configuration files, never reported;
 * `committedSecrets`, the literals of its committed configuration files (Rails' `config/secrets.yml` production
 * section, a plaintext `config/credentials*.yml`).
 */
export interface RubySigningKeyProvider {
  settings?: { assigned: RegExp; mention: RegExp };
  localConfig?: RegExp;
  committedSecrets?(infra: readonly { file: string; kind: string; text: string }[]): ConfigSecret[];
}

/**
 * Where a PHP framework keeps the keys that sign its sessions and tokens, for jwt-hardcoded-secret's PHP reading (which
 * knows firebase/php-jwt, lcobucci/jwt and tymon/jwt-auth's `config/jwt.php` itself), once `uses` says the project
 * is built on the framework: configuration files whose returned array holds a key (Laravel's `config/app.php`
 * `key`, named `app.key`); the `.env` variables that hold one, reported in a committed `.env`; and whether the
 * framework's committed `.env` holds development defaults by design (Symfony), so that no `.env` line is reported.
 */
export interface PhpSigningKeyProvider {
  uses(php: readonly SourceFile[], project: ProjectInfo): boolean;
  configKeys?: readonly { file: RegExp; key: string; name: string }[];
  dotenvKeys?: readonly string[];
  committedDefaults?: boolean;
}

/** A CORS policy a framework's configuration file declares, at the setting the finding points at. */
export interface SettingsCorsPolicy {
  node: Node;
  /** The setting as the finding quotes it (`'allowed_origins' => ['*'] with 'supports_credentials' => true`). */
  label: string;
}

/**
 * The CORS policies a framework's configuration files declare (Laravel's `config/cors.php`), for
 * cors-wildcard-with-credentials: those that allow every origin together with credentials.
 */
export interface CorsSettingsProvider {
  wildcardWithCredentials(source: SourceFile): SettingsCorsPolicy[];
}

/** A CORS configuration in a JVM framework's code: where it is reported and how the finding quotes it. */
export interface JvmCorsPolicy {
  node: Node;
  label: string;
}

/**
 * The CORS configurations a JVM framework's Java or Kotlin code declares (Spring's `@CrossOrigin`, `CorsRegistry`
 * chains, `CorsConfiguration` setters and Kotlin properties), for cors-wildcard-with-credentials: those that allow
 * every origin together with credentials.
 */
export interface JvmCorsProvider {
  wildcardWithCredentials(source: SourceFile): JvmCorsPolicy[];
}

/** A CORS policy in a C# framework's code: where it is reported, how the finding quotes it and the line it shows. */
export interface CsharpCorsPolicy {
  node: Node;
  label: string;
  snippet: string;
}

/** A CORS policy in a C# framework's code applied to the whole app, with its file. */
export interface CsharpWildcardPolicy {
  source: SourceFile;
  node: Node;
  label: string;
}

/**
 * The CORS policies a C# framework's code declares (ASP.NET Core's `CorsPolicyBuilder` chains in `AddCors` /
 * `UseCors`): those that echo every origin back with credentials (`SetIsOriginAllowed(_ => true)` with
 * `AllowCredentials()`), for cors-wildcard-with-credentials, and those that let every origin read the responses
 * without credentials and are applied to the whole app, for cors-wildcard-on-authenticated-api.
 */
export interface CsharpCorsProvider {
  wildcardWithCredentials(source: SourceFile): CsharpCorsPolicy[];
  wildcardApplied(sources: readonly SourceFile[]): CsharpWildcardPolicy[];
}

/**
 * What shows that an application of the framework keeps a credential the browser attaches on its own (a session or
 * auth cookie, HTTP Basic), for the CORS checks' ambient-credential evidence (src/analysis/ambient-credentials.ts),
 * which knows the generic cookie and challenge idioms itself (`Set-Cookie`, `req.cookies`, `set_cookie(`, `$_SESSION`):
 * regular-expression sources, each standing alone (`^` anchors at a line start), matched against the files of the
 * language family.
 */
export interface AmbientCredentialProvider {
  family: 'js' | 'python' | 'php' | 'go' | 'csharp';
  markers: readonly string[];
  /** Files that start an application: a file of the family belongs to the application of the nearest folder holding one (ASP.NET Core's `Program.cs` / `Startup.cs`); otherwise the whole workspace is one. */
  appEntry?: RegExp;
}

/**
 * How a framework gives every request an id that its logs carry, for the checklist's correlation-id evidence
 * (src/checklist/evidence.ts), which knows the libraries any framework mounts (cls-rtracer, correlation-id,
 * pino-http), request-scoped child loggers, structlog and response headers itself.
 */
export interface RequestIdProvider {
  /** JS modules (regular-expression sources, matched from the start of a call's qualified callee up to a `.` or its end) whose middleware gives every request an id. */
  jsModules?: readonly string[];
  /** JS wrappers of pino-http (same form) that log `req.id` on every line, or the id `genReqId` gives. */
  pinoHttp?: readonly string[];
  /** Python modules (same form, of an import's qualified name) whose middleware gives every request an id. */
  pythonModules?: readonly string[];
  /** A JS call of the framework that turns on logs carrying a per-request id (Fastify's `logger` option): the proof's detail. */
  jsCall?(call: CallSite): string | undefined;
  /** A Python module's code that stores a request id the log format writes (Flask's `before_request` hooks); `sources` are the unit's files, `idField` the names a request id goes by. */
  hooks?(source: SourceFile, sources: readonly SourceFile[], idField: RegExp): { node: Node; detail: string }[];
  /** A settings module that mounts request-id middleware (Django's `MIDDLEWARE`). */
  settings?(source: SourceFile): { node: Node; detail: string }[];
}

/**
 * Where a framework's JS or Python handlers read client input, for the taint analysis (src/analysis/taint.ts),
 * which knows the generic shapes itself (`req`/`request` with `body`, `query`, `params`, `headers`, `cookies`;
 * the Fetch API's `json()`, `text()`, `formData()`; a serverless `event`). The providers of a family are joined
 * into one table, whatever framework collected the route.
 */
export interface RequestSourceProvider {
  family: Family;
  /** Expressions that are the request in a handler (`ctx`, `c.req`, `self.request`). */
  bases?: readonly string[];
  /** Attributes of a request that carry client data; `true` when their values are always strings (never an object that could carry `$ne`). */
  attributes?: Readonly<Record<string, boolean>>;
  /** The only attributes of a base that are the request's (Koa's `ctx` also holds the app's state). */
  only?: Readonly<Record<string, readonly string[]>>;
  /** Modules whose `request` is the framework's (`flask`, `django`): a base imported from a module no provider lists is not the request. */
  modules?: readonly string[];
  /** The `query` of these bases holds only strings when `flat` holds (Koa's `querystring` parser unless the app swaps in koa-qs). */
  flatQuery?: { bases: readonly string[]; flat: (ctx: CheckContext) => boolean };
  /** Expressions that are the whole request body in a handler (`request.get_json()`, `ctx.request.body`), as regular-expression sources each standing alone, matched against the whole expression with its spaces collapsed (an optional `await` written in), for mass-assignment-request-body. */
  bodies?: readonly string[];
  /**
   * Where handlers read a credential the client presents, for api-key-stored-in-plaintext: attributes of
   * `request`/`req`/`ctx` beyond the generic ones (Django's `META`), and code that declares one (FastAPI's
   * `Header(`, `APIKeyHeader`), as regular-expression sources each standing alone.
   */
  presented?: { attributes?: readonly string[]; code?: readonly string[] };
  /**
   * How the framework binds handler parameters, for the taint analysis: JS parameter decorators that bind
   * request data (Nest's `Body`, `Query`) or inject the request itself (`Req`), and the pipes that turn a
   * decorated value into a number, boolean, UUID or enum (`ParseIntPipe`); Python calls whose presence in a
   * parameter's default or annotation injects a dependency (FastAPI's `Depends`, `Security`) and the parameter
   * types the framework injects (`Request`, `BackgroundTasks`, Django's `HttpRequest`), as plain names;
   * `listed`: the collector lists every request parameter of the framework's handlers (FastAPI), so an unlisted one is injected;
   * `bodyDecorators`: the JS parameter decorators that, written without arguments, bind the whole request body (Nest's `@Body()`), for mass-assignment-request-body.
   */
  parameters?: { decorators?: readonly string[]; requestDecorators?: readonly string[]; scalarPipes?: readonly string[]; injections?: readonly string[]; injectedTypes?: readonly string[]; listed?: boolean; bodyDecorators?: readonly string[] };
  /**
   * How the framework's handlers send the file a path names, for path-traversal: Python callables by qualified
   * name (`flask.send_file`, Starlette's `FileResponse`); JS response methods (`sendFile`, `download`) on the
   * response's names (`res`, `reply`), where an options object with `root` confines the path.
   */
  fileResponses?: { callables?: readonly string[]; methods?: readonly string[]; receivers?: readonly string[] };
  /**
   * The query string, for token-accepted-from-url: `queries`, expressions that are the request's query mapping
   * (Koa's `ctx.query`, Flask's `request.args`, Django's `request.GET`), as regular-expression sources each standing
   * alone, matched against the whole expression; `credentials`, callables by qualified name that declare a
   * credential read from it (FastAPI's `APIKeyQuery`).
   */
  query?: { queries?: readonly string[]; credentials?: readonly string[] };
  /**
   * Request input as request-input.ts traces a value back to it, with that reading's own spellings (not `bases` /
   * `attributes`, which differ): the request objects' names (`receivers`: Koa's `ctx`, Hono's `c`) and the attributes a
   * client controls (`attributes`: Koa's `request.query`, Hono's `req.json`, Flask's `args`, Django's `GET`), joined
   * with the other providers' of the family and the generic ones into `^(receivers)\.(attributes)\b` (Python: the
   * receiver is `request` or `self.request`); whole expressions matched at the start (`expressions`: `flask.request.`);
   * text that makes a Python handler parameter no request input (`injected`: FastAPI's `Depends(`, `Request`).
   * Regular-expression sources.
   */
  traced?: { receivers?: readonly string[]; attributes?: readonly string[]; expressions?: readonly string[]; injected?: readonly string[] };
}

/**
 * How a JVM framework's handlers receive client input, for the Java and Kotlin taint analyses
 * (src/collectors/code/jvm/taint.ts and kotlin.ts, which follow it through locals, string building, getters
 * and the methods it is handed to). The providers are joined into one table, whatever framework collected
 * the route; a method is a handler when it carries one of the `mappings` in a class that carries one of the
 * `controllers` (or whose super type is named `…Controller`). Names are annotations' simple names.
 */
export interface JvmRequestProvider {
  /** Class annotations of a controller (`RestController`, JAX-RS `Path`). */
  controllers?: readonly string[];
  /** Method annotations of a handler (`GetMapping`, JAX-RS `GET`, Micronaut `Get`). */
  mappings?: readonly string[];
  /** Handler annotations under which only annotated parameters (and the one entity body) are bound (JAX-RS `GET`, `Path`). */
  annotatedOnly?: readonly string[];
  /** Parameter annotations that bind request data (`RequestParam`, `QueryParam`, `QueryValue`). */
  bound?: readonly string[];
  /** Parameter annotations that inject something else than request data (`AuthenticationPrincipal`, JAX-RS `Context`). */
  notBound?: readonly string[];
  /** Parameter annotations that bind a path segment (`PathVariable`, JAX-RS `PathParam`). */
  pathIds?: readonly string[];
  /** Parameter annotations that bind the whole request body into an object (`RequestBody`), for mass-assignment-request-body. */
  bodies?: readonly string[];
  /** Parameter types the framework injects, which carry no client text themselves (`HttpServletResponse`, `Principal`, `Pageable`), as plain names. */
  injected?: readonly string[];
  /** Request objects, by type, whose reads return client data (`HttpServletRequest`), as plain names. */
  requestTypes?: readonly string[];
  /** Methods of those request objects that return client data (`getParameter`, `getHeader`). */
  requestReads?: readonly string[];
  /**
   * Kotlin: the object a route's lambda receives the call through (Ktor's `call`), its properties that hold
   * request data (`parameters`), the property that is the request (`request`, whose `reads` are request data
   * too: `call.request.queryParameters`), its methods that return the request's content (`receive`, `receiveText`)
   * and the beginnings of the members a function must name to be read for request data (`receive`, `parameters`, `request`);
   * `responds`: its methods that send a response body (`respond`, `respondNullable`), for excessive-data-exposure;
   * `bodyReceives`: its methods that read the body into a class (`receive<T>()`), for mass-assignment-request-body;
   * `fileResponses`: its methods that send the file their second argument names under their first (`respondFile(dir, name)`), for path-traversal.
   */
  kotlinCall?: { name: string; reads: readonly string[]; request: string; receives: readonly string[]; entries: readonly string[]; responds?: readonly string[]; bodyReceives?: readonly string[]; fileResponses?: readonly string[] };
}

/**
 * A service that signs the webhooks it sends (Stripe, Svix, GitHub, Slack, Twilio, Shopify, PayPal …), as the
 * webhook analysis (src/analysis/code-transport.ts) recognises it in a receiver of any framework: its SDK's
 * modules, the SDK calls that verify a delivery and the headers only its deliveries carry. Regular-expression
 * sources, each standing alone, joined with the other services' and the driver's generic shapes (a
 * `*signature*` header, a raw body, an event envelope; hand-written HMACs).
 */
export interface WebhookSenderProvider {
  service: string;
  /** SDK modules by language family whose import (`import stripe`, `require('svix')`) marks a file as receiving the service's webhooks. */
  modules?: Partial<Record<Family, readonly string[]>>;
  /** SDK calls that verify a delivery's signature (`webhooks\.constructEvent(Async)?\s*\(`). */
  verifiers?: readonly string[];
  /** Request headers only the service's deliveries carry (`x-hub-`, `svix-`); case-insensitive. */
  headers?: readonly string[];
}

/**
 * An object a framework's handler loads by an id the client chose, with nothing in the action, its class or
 * its route that checks a policy or compares the object's owner with the caller.
 */
export interface ObjectAccess {
  source: SourceFile;
  /** The loading call, the handler parameter the framework binds, or the operation that serves the object. */
  node: Node;
  /** The model's class name. */
  model: string;
  /** Where the id comes from (`{invoice}`, `route parameter $id`, `$request->input('id')`). */
  id: string;
  write: boolean;
  endpoint: Endpoint;
  /**
   * Who loads the object when the action does not: the framework binds a route parameter to a model
   * (`route-binding`, Laravel), resolves an entity argument (`entity-argument`, Symfony) or serves an
   * item operation (`api-item`, API Platform).
   */
  loader?: 'route-binding' | 'entity-argument' | 'api-item';
  /** For a binding: the other actions of the controller that take the same model unchecked. */
  alsoIn?: string[];
}

/**
 * A framework's unchecked object loads (its ORM's finders, route-model binding, entity argument resolvers),
 * found on its own endpoints and models. bola-missing-ownership-check reports every provider's accesses for
 * the languages of the audited sources, in registry order.
 */
export interface ObjectAccessProvider {
  languages: readonly SourceLanguage[];
  accesses?(ctx: CheckContext): ObjectAccess[];
  /**
   * Objects a route's handler (or a method it hands the id to) loads by the path id, found by a JVM analysis
   * of the handler's code: the check reports those of exposed routes that are not admin routes (anonymous
   * ones as such), at the handler's method.
   */
  handlerAccesses?(ctx: CheckContext): HandlerObjectAccess[];
  /** What the framework (or a data-access library) tells the Kotlin loads analysis (jvm/kotlin-loads.ts); joined across providers. */
  kotlinLoads?: KotlinLoads;
}

/** An object a JVM handler loads by the path id it was given. */
export interface HandlerObjectAccess {
  source: SourceFile;
  node: Node;
  /** The call as written (`orderRepository.findById`). */
  written: string;
  model: string;
  id: string;
  write: boolean;
  /** The route whose handler it is, when the inventory has it (the check reports only those). */
  endpoint: Endpoint | undefined;
}

/**
 * How a framework's or a data-access library's Kotlin code loads stored records and reads the caller, for the
 * Kotlin loads analysis (src/collectors/code/jvm/kotlin-loads.ts). Names are plain unless said otherwise.
 */
export interface KotlinLoads {
  /** Repository interfaces managing the entity their first type argument names (`JpaRepository<Order, Long>`), by super type. */
  repositories?: readonly string[];
  /** Methods that load (or delete) one record by the id given first, on a repository or a DAO class (`findById`, `deleteById`). */
  lookups?: readonly string[];
  /** Of those, the ones that delete. */
  writes?: readonly string[];
  /** DAO classes whose lookups load a record, by a super type pattern (Exposed's `Entity$`), as regular-expression sources. */
  daoTypes?: readonly string[];
  /** A query call whose condition compares a column to one of `names` and no owner column (Exposed's `Orders.select { Orders.id eq id }`): the model read, the call as written, and whether it writes. */
  query?: (program: JvmProgram, call: JvmCall, names: ReadonlySet<string>, from: JvmMethod, owners: { owned: (cls: JvmClass) => boolean; column: (name: string) => boolean }) => { model: string; written: string; write: boolean } | undefined;
  /** Code that reads the caller's identity (`SecurityContextHolder`, Ktor's `call.principal`), as regular-expression sources each standing alone. */
  identity?: readonly string[];
  /** Annotations that declare a method's access decision (`PreAuthorize`): the analysis does not follow the id into such a method. */
  guards?: readonly string[];
}

/**
 * A finding a framework's section hands a check as it is: one of the section's messages with its data, at
 * a node of a source (the evidence is the node's text unless `snippet` says otherwise) or at a location
 * with its snippet (configuration a plugin read).
 */
export type FrameworkFinding = { messageId: string; data?: Record<string, string | number> } & (
  | { source: SourceFile; node: Node; snippet?: string }
  | { location: Location; snippet: string }
);

/**
 * A framework's CSRF gaps: state-changing routes that act as the user of a cookie session while the
 * framework's CSRF protection is turned off for them (Rails' `skip_before_action :verify_authenticity_token`,
 * Spring Security's `csrf().disable()` with a form login). The check csrf-disabled-with-session-auth
 * reports every provider's gaps with the provider's messages.
 */
export interface CsrfProvider {
  /** Message templates of the provider's findings, by id (each a sentence, ids unique across providers). */
  messages: Readonly<Record<string, string>>;
  gaps(ctx: CheckContext): FrameworkFinding[];
}

/**
 * A framework's model serializers (DRF's `ModelSerializer`), as findings with the checks' messages (`serializer`)
 * and the confidence each has (`high` when the model is visible); the checks read request bodies bound to models
 * and loaded records sent back themselves.
 */
export interface SerializerProvider {
  /** Serializers a writable view writes through that take every field (`fields = "__all__"`, an `exclude` denylist), in one source, for mass-assignment-request-body. */
  writable?(ctx: CheckContext, source: SourceFile): (FrameworkFinding & { confidence: Confidence })[];
  /** Serializers of every field of a model with secret fields not write-only, in one source, for excessive-data-exposure. */
  exposing?(ctx: CheckContext, source: SourceFile): (FrameworkFinding & { confidence: Confidence })[];
}

/** A debug switch a framework's code turns on: where to report it, and the message (the check's or the provider's own). */
export interface DebugSwitch {
  source: SourceFile;
  node: Node;
  /** The evidence snippet, when not the node's text. */
  snippet?: string | undefined;
  /** One of the check's generic messages (`appDebug`, `ctorDebug`, `errorhandler`, `nodeEnv`) or of the provider's `messages`. */
  messageId: string;
  data?: Record<string, string>;
}

/**
 * A framework's debug switches (stack traces, debuggers, profilers served to every caller), as the check
 * debug-mode-enabled reads them; language-generic helpers in src/analysis/debug-mode.ts (`guarded`: a
 * development-only branch). The check skips development settings files and asks each provider in registry
 * order; for a node, the first answer wins.
 */
export interface DebugModeProvider {
  /** Message templates of the provider's own findings, by id (each a sentence, ids unique across providers). */
  messages?: Readonly<Record<string, string>>;
  /** A Python assignment of `True` outside a development-only branch (`DEBUG = True` in settings, `app.debug = True`); `target` is its left side. */
  pythonAssignment?(source: SourceFile, assignment: Node, target: string): DebugSwitch | undefined;
  /** A Python call given `debug=True` (or `DEBUG=True`) outside a development-only branch; `keyword` is that value's node. */
  pythonDebugKeyword?(source: SourceFile, call: CallSite, keyword: Node): DebugSwitch | undefined;
  /** A call of a source in another language (Express's `app.use(errorhandler())`, `app.set('env', 'development')`); the provider tests its own shapes and leaves development-only branches out (`guarded`). */
  call?(source: SourceFile, call: CallSite): DebugSwitch | undefined;
  /** Switches found across the workspace (a Go program's profiler on the public server). */
  workspace?(ctx: CheckContext): DebugSwitch[];
  /**
   * Switches in the framework's settings or code found across the workspace, at a location (a configuration
   * file: Spring Boot's properties, a committed `.env`) or a node (Rails' environment files, ASP.NET Core's developer pages).
   */
  settings?(ctx: CheckContext): FrameworkFinding[];
}

/**
 * The query methods of a JVM framework or data-access library that take SQL (or JPQL/HQL) text as their first
 * argument, for sql-injection's Java reading, which adds JDBC's own (`Statement`, `Connection`) and joins them.
 */
export interface SqlSinkProvider {
  /** Receiver types (simple names) by method name: `query` on a `JdbcTemplate`, `createQuery` on an `EntityManager`. */
  methods: Readonly<Record<string, readonly string[]>>;
  /** Names whose mention (as a word) makes a source worth reading (`JdbcTemplate`, `EntityManager`). */
  mentions: readonly string[];
  /**
   * Methods among `methods` that only a query factory declares (`createQuery`): the Kotlin reading, which
   * often cannot type a receiver, reads them on any receiver (a request-tainted text argument still decides).
   */
  factories?: readonly string[];
}

/**
 * A JVM framework's MongoDB query builders that take request text where the caller writes operators or picks
 * fields (Spring Data MongoDB), for nosql-injection's Java and Kotlin readings; the driver's own parsers
 * (`Document.parse`) and KMongo are the check's.
 */
export interface MongoQueryProvider {
  /** Types whose constructor takes a query or update document as JSON text (`BasicQuery`, `BasicUpdate`). */
  documentTypes: readonly string[];
  /** Methods that run a command given as JSON text, by receiver types (`executeCommand` on a `MongoTemplate`); Kotlin reads them on any receiver. */
  commands: Readonly<Record<string, readonly string[]>>;
  /**
   * Criteria builders: the type whose constructor, static `start` method (`Criteria.where(field)`) and chained
   * `field` method (`.and(field)`) take a field name, and whose chained `regex` method takes a pattern.
   */
  criteria: readonly { type: string; start: string; field: string; regex: string }[];
  /** Names whose mention (as a word) makes a source worth reading. */
  mentions: readonly string[];
}

/**
 * The annotations that mark a JVM class as a persisted entity of a framework or data-access library (JPA's `@Entity`,
 * Spring Data MongoDB's `@Document`, MyBatis-Plus' `@TableName`), for the Java and Kotlin readings of
 * mass-assignment-request-body (a request body bound to one and saved) and excessive-data-exposure (one sent back whole).
 */
export interface JvmEntityProvider {
  /** Annotation names, simple. */
  annotations: readonly string[];
  /**
   * Generic types a handler's declared return type wraps the body in, whose type argument is what is sent
   * (Spring's `ResponseEntity<T>`, `Page<T>`, HATEOAS' `EntityModel<T>`; Reactor's `Mono<T>`, `Flux<T>`), simple names;
   * the JDK's and Kotlin's collections and `Optional` are excessive-data-exposure's own.
   */
  wrappers?: readonly string[];
}

/**
 * The annotations that restrict a JVM handler (or every handler of its class) to callers holding a role, an authority
 * or a permission (Spring Security's `@Secured` and `@PreAuthorize`, JSR-250's `@RolesAllowed`), for the Java and
 * Kotlin readings of mass-assignment-request-body: an administrator setting roles is the point of such a handler.
 */
export interface JvmRolesProvider {
  /** Annotations that restrict access whatever their attributes (`@Secured`), simple names. */
  annotations: readonly string[];
  /**
   * Annotations whose expression (their `value`) decides access (`@PreAuthorize("hasRole('ADMIN')")`), with the
   * expressions that ask for authentication only (`isAuthenticated()`), as a regular-expression source matched against
   * the expression's text: any other expression restricts access.
   */
  expressions?: readonly { annotation: string; authenticatedOnly: string }[];
}

/**
 * A C# data-access library's methods that run the SQL text given first (EF Core's `FromSqlRaw`, `ExecuteSqlRaw`), for
 * sql-injection's C# reading, which reads them on any receiver; ADO.NET commands and Dapper stay the check's.
 */
export interface CsharpSqlProvider {
  /** Methods that run their string argument as SQL as it is (`FromSqlRaw`, `ExecuteSqlRaw`). */
  raw: readonly string[];
  /**
   * Methods that turn an interpolated string written in the call into parameters (EF Core's `FormattableString`
   * overloads: `FromSql`, `ExecuteSql`); a string built otherwise (concatenation, a local) is run as it is.
   */
  formattable?: readonly string[];
}

/**
 * A C# data-access library's entity sets, tracked writes and lookups of one entity (EF Core's `DbSet<T>`, `Add` /
 * `Update` / `Attach` before `SaveChanges`, `Find` / `FirstOrDefault`), for the C# readings of
 * mass-assignment-request-body (an entity bound from the request and saved) and bola-missing-ownership-check (an
 * owned entity loaded by a client's id alone). Names are matched exactly.
 */
export interface CsharpDataProvider {
  /** Generic types whose properties declare an entity set (`DbSet` in `DbSet<Order> Orders`). */
  entitySets: readonly string[];
  /** Calls that commit tracked changes, found in a handler's text (`SaveChanges`, also `SaveChangesAsync`). */
  saves: readonly string[];
  /** Methods that track the object given as an argument for insert or update at the next save (`Add`, `Update`, `Attach`, `SetValues`). */
  trackingWrites: readonly string[];
  /** An assignment that marks an entity for insert or update: its target as written (`Entry(item).State`), the states on its right. */
  stateWrite?: { target: RegExp; states: RegExp };
  /** Methods on an entity set that load one entity by its key (`Find`, `FindAsync`). */
  keyLookups: readonly string[];
  /** Query operators that load the first or only row, given a predicate or after `Where` (`FirstOrDefaultAsync`, `Single`). */
  firstRow: readonly string[];
  /** Query operators between a set and its lookup that keep the set's rows (`Include`, `AsNoTracking`, `Where`: its predicate is read). */
  passThrough: readonly string[];
  /** A context's generic methods that give the set of an entity (`Set<Order>()`). */
  setOf: readonly string[];
}

/**
 * A JVM framework's outbound HTTP clients whose calls take the URL a request goes to (Spring's `RestTemplate`,
 * `WebClient` and `RestClient`, the Ktor client), for ssrf-user-controlled-url's Java and Kotlin readings; the
 * JDK's `URL` / `URI` / `HttpRequest`, OkHttp and Apache HttpClient stay the check's (libraries any framework uses).
 */
export interface JvmHttpClientProvider {
  /** Names whose mention (as a word) makes a Java or a Kotlin source worth reading, by language. */
  mentions: { java?: readonly string[]; kotlin?: readonly string[] };
  /** Methods that take the URL first on a receiver of one of `types` (`restTemplate.getForObject(url, …)`, `client.get(url)`), read by the readings of `languages`. */
  clients?: readonly { types: readonly string[]; methods: readonly string[]; languages: readonly ('java' | 'kotlin')[] }[];
  /** Static factories that take the URL, by the type as written (`WebClient.create(url)`: `WebClient: ['create']`). */
  factories?: Readonly<Record<string, readonly string[]>>;
  /**
   * Fluent builders whose chained methods take the URL (`webClient.get().uri(url)`, `WebClient.builder().baseUrl(url)`),
   * named `name` in findings: the Java reading reads a chain that starts with one of `starts` or from a receiver of
   * one of `types`; the Kotlin reading, which often cannot type a chain, reads a method whose receiver's text matches
   * the method's pattern in `methods` (a regular-expression source).
   */
  builders?: readonly { name: string; starts: readonly string[]; types: readonly string[]; methods: Readonly<Record<string, string>> }[];
}

/**
 * A JVM framework's types whose constructor opens the file its path argument names (Spring's
 * `FileSystemResource`), for path-traversal's Java and Kotlin readings; the JDK's file API is the check's.
 */
export interface PathSinkProvider {
  /** Types whose constructor takes a file path (`FileSystemResource`, `PathResource`). */
  constructors: readonly string[];
  /** Types whose constructor takes a URL that may name a file (`UrlResource`): the Java reading counts them too. */
  urlConstructors?: readonly string[];
}

/**
 * A framework's settings that put exception details in every error response (Spring Boot's
 * `server.error.include-message=always`), as findings with the provider's messages, and how its Java or Kotlin code
 * declares the exception handlers whose response the check reads (Spring's `@ExceptionHandler`, Ktor's StatusPages),
 * for verbose-error-response; what a handler sends (the exception's message, its stack trace) is the check's.
 */
export interface ErrorDetailsProvider {
  /** Message templates of the provider's findings, by id (each a sentence, ids unique across providers). */
  messages?: Readonly<Record<string, string>>;
  settings?(ctx: CheckContext): FrameworkFinding[];
  /** Annotations that make a Java or Kotlin method an exception handler, the exception classes it handles as the annotation's value (`@ExceptionHandler(Exception.class)`). */
  handlerAnnotations?: readonly string[];
  /**
   * Kotlin calls without a receiver that register a lambda handling the exception type given as type argument
   * (Ktor's `install(StatusPages) { exception<Throwable> { call, cause -> … } }`): the call's name, the lambda
   * parameter that is the exception (`it` when the lambda declares none), and the word whose mention makes a
   * source worth reading (`StatusPages`).
   */
  kotlinHandlers?: readonly { call: string; exceptionParameter: number; mention: string }[];
  /**
   * How a C# framework's code puts a value in the response and hands over the exception it handles (ASP.NET Core):
   * helpers whose argument becomes the body, called bare or on `this` (controller helpers) or on one of `factories`
   * (`Results.Problem(…)`); result types whose constructor argument becomes the body; body writers on a receiver
   * matching `writers.receiver` (`HttpContext.Response.WriteAsync`); feature types whose `.Error` is the handled
   * exception (`context.Features.Get<IExceptionHandlerFeature>()?.Error`). Names are matched exactly.
   */
  csharpResponses?: {
    helpers: readonly string[];
    factories: readonly string[];
    resultTypes: readonly string[];
    writers: { methods: readonly string[]; receiver: RegExp };
    exceptionFeatures: readonly string[];
  };
  /**
   * PHP methods whose closure argument handles the exception type of its first parameter (Laravel's
   * `$exceptions->render(function (Throwable $e) { … })`, `$this->renderable(fn (Exception $e) => …)`), and the text
   * whose mention makes a source worth reading; PHP's own `catch` clauses are the check's.
   */
  phpHandlerCalls?: { methods: readonly string[]; mentions: RegExp };
}

/**
 * A framework's password hashing configuration (Symfony's `password_hashers:` in security.yaml): the settings
 * that store passwords in plain text, with a fast digest, or with too few rounds. weak-password-hashing reports
 * them with its own messages (`messageId` one of `scheme`, `iterations`, `cost`); and the password encoders a JVM
 * framework ships that hash fast or not at all (Spring Security's `NoOpPasswordEncoder`), for the check's Java and
 * Kotlin reading. Hashing calls of a language's digest libraries (`MessageDigest`, commons-codec, Guava) are the check's own.
 */
export interface PasswordHashingProvider {
  settings?(ctx: CheckContext): FrameworkFinding[];
  jvmEncoders?: JvmPasswordEncoders;
}

/** A JVM framework's password encoders and digest helpers that store passwords weakly (Spring Security's, Spring's `DigestUtils`). */
export interface JvmPasswordEncoders {
  /** Words whose mention makes a source worth reading (`PasswordEncoder`), as regular-expression sources. */
  mentions: readonly string[];
  /** Encoder types that hash fast or not at all, with what they do (`NoOpPasswordEncoder`: `no hashing at all`). */
  weak: Readonly<Record<string, string>>;
  /** Static accessors that return a shared encoder, by the encoder's type (`NoOpPasswordEncoder.getInstance()`: `getInstance`). */
  instances?: Readonly<Record<string, string>>;
  /** Methods that register a legacy encoder a delegating encoder still verifies but never hashes new passwords with (`encoders.put("MD5", new Md5PasswordEncoder())`). */
  legacyRegistrations?: readonly string[];
  /** Parameter types of a method that configures machine clients' secrets in memory, not user passwords (`AuthorizationServerSecurityConfigurer`). */
  clientConfigurers?: readonly string[];
  /** Static methods of the framework's `DigestUtils` that digest a password fast (Spring's `md5DigestAsHex`). */
  digests?: readonly string[];
}

/**
 * How a framework's authentication validates the tokens it accepts, from its configuration (Spring Boot's
 * `spring.security.oauth2.resourceserver.jwt.*`, ASP.NET Core's `TokenValidationParameters`): the places that
 * leave a check out. jwt-audience-not-validated reports `audience` with the provider's messages; verifier calls
 * of the JWT libraries are the checks' own.
 */
export interface TokenValidationProvider {
  /** Message templates of the provider's findings, by id (each a sentence, ids unique across providers). */
  messages: Readonly<Record<string, string>>;
  /** Token validation that accepts tokens issued for any audience. */
  audience?(ctx: CheckContext): FrameworkFinding[];
  /** The token decoders the framework's Java or Kotlin code builds (Spring Security's `NimbusJwtDecoder`). */
  decoders?: JvmTokenDecoders;
  /** Settings in a source that let the authentication handler accept tokens without a signature (ASP.NET Core's `RequireSignedTokens = false`), for jwt-none-algorithm-accepted. */
  unsignedAccepted?(source: SourceFile): TokenSettingHit[];
  /** Settings in a source that replace the signature check with one that accepts any signature (a `SignatureValidator` that only parses the token), for jwt-signature-not-verified. */
  signatureSkipped?(source: SourceFile): TokenSettingHit[];
  /** Settings in a source that let the authentication handler accept expired tokens (`ValidateLifetime = false`) or tokens without `exp` (`RequireExpirationTime = false`), for jwt-expiry-not-enforced. */
  lifetimeOff?(source: SourceFile): (TokenSettingHit & { accepts: 'expired' | 'without-exp' })[];
}

/** A token validation setting written in code: where it is reported and its text as the finding quotes it (whitespace collapsed). */
export interface TokenSettingHit {
  node: Node;
  setting: string;
}

/**
 * The JWT decoders a JVM framework's code builds (Spring Security's `NimbusJwtDecoder`), for the JWT checks'
 * Java and Kotlin detections, which know the JWT libraries' own verifiers (jjwt, java-jwt, nimbus) and ask
 * every provider for the calls no library branch claims.
 */
export interface JvmTokenDecoders {
  /** The name root causes give the framework's decoders (`spring`). */
  library: string;
  /** Packages whose import makes a file one that builds the decoders (`org\\.springframework\\.security\\.oauth2\\.jwt`), as regular-expression sources. */
  packages: readonly string[];
  /** The shared secret a Java call builds a decoder with (`NimbusJwtDecoder.withSecretKey(key)`), for jwt-hardcoded-secret. */
  secretKey?(call: Node): Node | undefined;
  /** Code that reads or checks a token's audience (`JwtClaimNames\\.AUD`, `JwtAudienceValidator`), as regular-expression sources the check joins with the libraries'. */
  audienceReads?: readonly string[];
  /** Code that reads or checks a token's issuer, likewise. */
  issuerReads?: readonly string[];
  /**
   * What the decoder a call chain builds checks, given the joined audience and issuer reads; undefined when
   * the chain builds no decoder of the framework or its validators cannot be read (jwt-audience-not-validated).
   */
  audience?(sources: readonly SourceFile[], source: SourceFile, call: JvmJwtCall, chain: { root: Node | undefined; calls: JvmCall[] }, reads: { audience: RegExp; issuer: RegExp }): { audience: boolean; issuer: boolean } | undefined;
  /** A call that gives a decoder validators none of which checks the timestamps (`decoder.setJwtValidator(v)`), for jwt-expiry-not-enforced. */
  timestampsOff?(sources: readonly SourceFile[], source: SourceFile, call: JvmJwtCall): boolean;
  /** A nimbus JWT processor the call configures is handed to the framework's decoder, whose own validators check the claims. */
  claimsChecked?(source: SourceFile, call: JvmJwtCall): boolean;
}

/** A finding a `bodyLimit` section hands its check: one of the section's messages with its data, at a node of a source. */
export interface BodyLimitFinding {
  source: SourceFile;
  node: Node;
  messageId: string;
  data?: Record<string, string>;
  severity?: Severity;
}

/**
 * How a framework (or a library family every framework of a language mounts) bounds request bodies and
 * uploaded files, for request-body-size-unbounded and upload-without-limits; sizes are read with
 * src/analysis/body-size.ts (`byteSize`). The checks keep what is no framework's (nginx's
 * `client_max_body_size`) and ask every provider in registry order.
 */
export interface BodyLimitProvider {
  /** Message templates of the provider's findings, by id (each a sentence, ids unique across providers). */
  messages?: Readonly<Record<string, string>>;
  /**
   * The body-size limit a call of the framework's body parsers sets (`express.json({ limit })`,
   * `Fastify({ bodyLimit })`): the limit's node (undefined when none is written) and the size above which the
   * check reports it; asked for every call of a JS source, the first answer wins.
   */
  parser?(source: SourceFile, call: CallSite): { limit: Node | undefined; threshold: number } | undefined;
  /** The framework's own settings that lift or omit the limit (Django's `DATA_UPLOAD_MAX_MEMORY_SIZE = None`, a Flask app with uploads and no `MAX_CONTENT_LENGTH`). */
  settings?(ctx: CheckContext): BodyLimitFinding[];
  /** Uploads accepted without a size or type limit (multer without `limits.fileSize`, FastAPI's `await file.read()` unchecked, Flask's `save()` unfiltered). */
  uploads?(ctx: CheckContext): BodyLimitFinding[];
}

/**
 * HTTP Basic authentication a framework (or a library family) installs, and the code that serves its apps
 * over TLS or over plain HTTP, for basic-auth-without-tls. The check joins every provider's entries with its
 * generic ones (HSTS, `x-forwarded-proto`, Node's `https.createServer`, a server's TLS options, `.listen(`).
 */
export interface BasicAuthProvider {
  /** Qualified calls that install Basic authentication, with the name the message gives (`fastapi.security.HTTPBasic`: `HTTPBasic`). */
  calls?: Readonly<Record<string, string>>;
  /** Other places a source installs it (a plugin registration, a settings string), in source order. */
  sites?(source: SourceFile): { node: Node; name: string }[];
  /** Code anywhere in the workspace that forces HTTPS or serves TLS, as regular-expression sources tested case-insensitively, each standing alone. */
  tls?: readonly string[];
  /** Code that serves the app over plain HTTP itself (`uvicorn.run(`, `manage.py runserver`), as regular-expression sources, each standing alone. */
  plainListen?: readonly string[];
}
