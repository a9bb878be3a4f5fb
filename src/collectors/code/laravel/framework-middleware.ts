/**
 * Middleware that Laravel and a few well-known packages ship, and what each does to a request that
 * carries no credentials (from Laravel's documentation and the framework's own `handle()`).
 *
 * None of these authenticates: each either passes every request on or turns some away for a reason
 * unrelated to who is asking (a CSRF token, maintenance mode, a body too large, an untrusted host, an
 * invalid URL signature). A project class that extends one of them and ends its own `handle()` with
 * `return parent::handle($request, $next)` therefore decides nothing about authentication either.
 *
 * The classes that do authenticate, authorize or throttle are listed in middleware.ts; a class that is
 * in neither list is not decided.
 */
export const FRAMEWORK_MIDDLEWARE: Readonly<Record<string, string>> = {
  // Illuminate\Auth
  'Illuminate\\Auth\\Middleware\\RedirectIfAuthenticated': '`guest`: redirects a signed-in user away; a request without a user goes on',
  'Illuminate\\Auth\\Middleware\\EnsureEmailIsVerified': '`verified`: sends a user whose e-mail is not verified to the notice page; used after `auth`',
  'Illuminate\\Auth\\Middleware\\RequirePassword': '`password.confirm`: asks a signed-in user to confirm the password again',
  // Illuminate\Session and cookies
  'Illuminate\\Session\\Middleware\\StartSession': 'starts the session',
  'Illuminate\\Session\\Middleware\\AuthenticateSession': '`auth.session`: signs out a user whose password changed on another device; a request without a user goes on',
  'Illuminate\\Cookie\\Middleware\\EncryptCookies': 'decrypts incoming and encrypts outgoing cookies',
  'Illuminate\\Cookie\\Middleware\\AddQueuedCookiesToResponse': 'adds queued cookies to the response',
  'Illuminate\\View\\Middleware\\ShareErrorsFromSession': 'shares validation errors with views',
  // Illuminate\Foundation\Http
  'Illuminate\\Foundation\\Http\\Middleware\\VerifyCsrfToken': 'answers 419 to a state-changing request without the CSRF token (not a credential check)',
  'Illuminate\\Foundation\\Http\\Middleware\\ValidateCsrfToken': 'Laravel 11 name of VerifyCsrfToken',
  'Illuminate\\Foundation\\Http\\Middleware\\PreventRequestsDuringMaintenance': 'answers 503 while the application is down for maintenance',
  'Illuminate\\Foundation\\Http\\Middleware\\CheckForMaintenanceMode': 'pre-Laravel 8 name of PreventRequestsDuringMaintenance',
  'Illuminate\\Foundation\\Http\\Middleware\\ValidatePostSize': 'answers 413 when the body exceeds post_max_size',
  'Illuminate\\Foundation\\Http\\Middleware\\TrimStrings': 'trims input strings',
  'Illuminate\\Foundation\\Http\\Middleware\\ConvertEmptyStringsToNull': 'turns empty input strings into null',
  'Illuminate\\Foundation\\Http\\Middleware\\TransformsRequest': 'base class of the input-cleaning middleware',
  'Illuminate\\Foundation\\Http\\Middleware\\HandlePrecognitiveRequests': '`precognitive`: runs validation only for precognition requests',
  'Illuminate\\Foundation\\Http\\Middleware\\InvokeDeferredCallbacks': 'runs deferred callbacks after the response',
  // Illuminate\Http
  'Illuminate\\Http\\Middleware\\TrustProxies': 'sets the proxies whose X-Forwarded-* headers are trusted',
  'Illuminate\\Http\\Middleware\\TrustHosts': 'sets the host names the application answers to',
  'Illuminate\\Http\\Middleware\\HandleCors': 'answers CORS preflight requests and adds CORS headers',
  'Illuminate\\Http\\Middleware\\SetCacheHeaders': '`cache.headers`: sets Cache-Control and ETag headers',
  'Illuminate\\Http\\Middleware\\FrameGuard': 'sets X-Frame-Options',
  'Illuminate\\Http\\Middleware\\CheckResponseForModifications': 'answers 304 when the ETag matches',
  'Illuminate\\Http\\Middleware\\AddLinkHeadersForPreloadedAssets': 'adds Link preload headers',
  'Illuminate\\Http\\Middleware\\ValidatePostSize': 'Laravel 11 location of ValidatePostSize',
  'Illuminate\\Http\\Middleware\\ValidatePathEncoding': 'answers 400 to a path that is not valid UTF-8',
  // Illuminate\Routing
  'Illuminate\\Routing\\Middleware\\SubstituteBindings': '`bindings`: resolves route-model bindings (404 on a missing model)',
  'Illuminate\\Routing\\Middleware\\ValidateSignature': '`signed`: answers 403 to a URL whose signature is invalid or expired (a signed link, not a user credential)',
  // Packages
  'Fruitcake\\Cors\\HandleCors': 'fruitcake/laravel-cors: CORS headers',
  'Barryvdh\\Cors\\HandleCors': 'barryvdh/laravel-cors: CORS headers',
  'Fideloper\\Proxy\\TrustProxies': 'fideloper/proxy: trusted proxies',
  'Inertia\\Middleware': 'inertiajs/inertia-laravel: shares props, answers 409 on an asset version change',
  'Inertia\\EncryptHistoryMiddleware': 'inertiajs/inertia-laravel: encrypts the history state',
  'Laravel\\Sanctum\\Http\\Middleware\\EnsureFrontendRequestsAreStateful': 'Sanctum: adds session middleware for the first-party SPA (authentication comes from `auth:sanctum`)',
  'Laravel\\Passport\\Http\\Middleware\\CreateFreshApiToken': 'Passport: attaches an API token cookie to the response of a signed-in user',
};
