import { corsPolicies, policyAt } from '../../analysis/code-transport.js';
import { ambientCredential } from '../../analysis/ambient-credentials.js';
import { at } from '../../analysis/code-auth.js';
import defineCheck from '../define-check.js';
import { goPolicies } from './go.js';
import { corsSettingsProviders, csharpCorsProviders, jvmCorsProviders } from '../../collectors/code/plugins.js';

export default defineCheck({
  id: 'cors-wildcard-with-credentials',
  title: 'Wildcard CORS origin with credentials',
  owasp: 'API8:2023',
  cwe: ['CWE-942', 'CWE-346'],
  severity: 'high',
  confidence: 'high',
  section: 'cors-transport',
  targets: ['code', 'inventory'],
  rationale:
    'Asking for every origin and for credentials at once makes Starlette, flask-cors and django-cors-headers echo the caller\'s origin back with `Access-Control-Allow-Credentials: true`, so any website a user visits can call the API with their cookies and read the answers; where the `*` is sent as is, browsers drop the response and the configuration is broken instead. ASP.NET Core refuses `AllowAnyOrigin()` with `AllowCredentials()` at startup, but `SetIsOriginAllowed(_ => true)` with `AllowCredentials()` reflects every origin. Reported when the application uses a credential the browser attaches on its own (a session or auth cookie, HTTP Basic/Negotiate answered by the browser); an API whose only credential is a bearer token in a header gives a foreign page nothing to send.',
  remediation:
    'List the origins that may call the API with credentials: Express `cors({ origin: [\'https://app.example.com\'], credentials: true })`; Nest `app.enableCors({ origin: [\'https://app.example.com\'], credentials: true })`; FastAPI `app.add_middleware(CORSMiddleware, allow_origins=["https://app.example.com"], allow_credentials=True)`; Flask `CORS(app, origins=["https://app.example.com"], supports_credentials=True)`; Django `CORS_ALLOWED_ORIGINS = ["https://app.example.com"]` instead of `CORS_ALLOW_ALL_ORIGINS`; Go rs/cors `cors.Options{AllowedOrigins: []string{"https://app.example.com"}, AllowCredentials: true}` (likewise gin-contrib, echo and fiber CORS configs), never `*` or an `AllowOriginFunc` that returns true; Laravel config/cors.php `allowed_origins` listing the front-end origins (`[env("FRONTEND_URL")]`) when `supports_credentials` is true; Spring `@CrossOrigin(origins = "https://app.example.com", allowCredentials = "true")` or `registry.addMapping("/api/**").allowedOrigins("https://app.example.com").allowCredentials(true)`, never `allowedOriginPatterns("*")` with credentials; ASP.NET Core `policy.WithOrigins("https://app.example.com").AllowCredentials()`, never `SetIsOriginAllowed(_ => true)` with `AllowCredentials()`.',
  messages: {
    wildcard: '`{{label}}` allows every origin and also allows credentials.',
  },
  run(ctx, report) {
    // The hazard is the browser attaching a credential on its own: without a cookie or a browser-handled
    // challenge in the application (analysis/ambient-credentials.ts), a foreign page has nothing to send.
    const ambient = (file: string): boolean => ambientCredential(ctx, file) !== undefined;
    for (const policy of corsPolicies(ctx)) {
      if (policy.origins.kind !== 'wildcard' || !policy.credentials || !ambient(policy.source.file)) continue;
      report({ messageId: 'wildcard', data: { label: policy.label }, ...policyAt(ctx, policy) });
    }
    for (const source of ctx.sources) {
      if (source.language !== 'go' || source.file.endsWith('_test.go')) continue;
      for (const policy of goPolicies(source)) if (ambient(source.file)) report({ messageId: 'wildcard', data: { label: policy.label }, ...at(ctx, source, policy.node) });
    }
    for (const provider of jvmCorsProviders()) {
      for (const source of ctx.sources) {
        for (const policy of provider.wildcardWithCredentials(source)) if (ambient(source.file)) report({ messageId: 'wildcard', data: { label: policy.label }, ...at(ctx, source, policy.node) });
      }
    }
    for (const provider of csharpCorsProviders()) {
      for (const source of ctx.sources) {
        for (const policy of provider.wildcardWithCredentials(source)) if (ambient(source.file)) report({ messageId: 'wildcard', data: { label: policy.label }, ...at(ctx, source, policy.node, policy.snippet) });
      }
    }
    for (const provider of corsSettingsProviders()) {
      for (const source of ctx.sources) {
        for (const policy of provider.wildcardWithCredentials(source)) if (ambient(source.file)) report({ messageId: 'wildcard', data: { label: policy.label }, ...at(ctx, source, policy.node) });
      }
    }
  },
});
