import { rateLimitAnalysis, type Applied } from '../../analysis/code-ratelimit.js';
import type { Endpoint, Severity } from '../../model/types.js';
import defineCheck from '../define-check.js';

interface Kind {
  name: string;
  pattern: RegExp;
  methods: RegExp;
  severity: Severity;
  abuse: string;
}

const KINDS: Kind[] = [
  { name: 'login', pattern: /\/(login|signin|sign-in|log-in|authenticate|sessions?)(\/|$)|\/auth\/?(token)?$|\/oauth\/token|\/token(s)?(\/refresh)?$/i, methods: /^(POST|PUT|ANY)$/, severity: 'high', abuse: 'credential stuffing and password guessing (API2)' },
  { name: 'one-time code', pattern: /\/(otp|2fa|mfa|totp|verify|verification|confirm)([-_/]|$)|\/(send|resend)[-_]?(code|sms|otp)/i, methods: /^(POST|PUT|ANY)$/, severity: 'high', abuse: 'code brute-forcing and SMS/e-mail flooding (API2, API4)' },
  { name: 'password reset', pattern: /\/(password|passwd)([-_/]|$)|\/(forgot|reset)[-_]?password|\/password[-_]?reset/i, methods: /^(POST|PUT|PATCH|ANY)$/, severity: 'high', abuse: 'account takeover by guessing reset tokens and mass reset e-mails (API2)' },
  { name: 'sign-up', pattern: /\/(signup|sign-up|register|registration)(\/|$)/i, methods: /^(POST|ANY)$/, severity: 'medium', abuse: 'mass account creation (API6)' },
  { name: 'checkout or payment', pattern: /\/(checkout|purchase|payments?|redeem|coupons?|gift-?cards?)(\/|$)|\/(wallets?|funds|balances?|payouts?|bank[-_]?accounts?)\/(\w+\/)*transfers?(\/|$)/i, methods: /^(POST|ANY)$/, severity: 'medium', abuse: 'automated purchasing, card testing and transfer abuse (API6)' },
  { name: 'export', pattern: /\/(export|exports|download|bulk)(\/|$|[-_.])/i, methods: /^(GET|POST|ANY)$/, severity: 'medium', abuse: 'bulk data extraction and expensive report generation (API4)' },
  { name: 'search', pattern: /\/search(\/|$)/i, methods: /.*/, severity: 'low', abuse: 'scraping and expensive queries (API4)' },
];

const LOGOUT = /\/(logout|log-out|signout|sign-out)$/i;
// A caller who already presents a token or session is not guessing credentials (`POST /login/test-token`).
const TOKEN_MECHANISMS = new Set(['jwt', 'oauth2', 'openid', 'session', 'api-key', 'mtls']);
const SIGN_UP: Kind = { name: 'sign-up', pattern: /\/(users|accounts)(\/(create|new))?$/i, methods: /^POST$/, severity: 'medium', abuse: 'mass account creation (API6)' };

function kindOf(endpoint: Endpoint): Kind | undefined {
  if (endpoint.protocol !== 'rest') return undefined;
  const path = endpoint.path.replace(/\{[^}]+\}/g, 'x');
  const kind = KINDS.find((candidate) => candidate.methods.test(endpoint.method) && candidate.pattern.test(path));
  if (kind?.name === 'login') {
    if (LOGOUT.test(path)) return undefined;
    if (endpoint.auth.state === 'protected' && endpoint.auth.mechanisms.every((mechanism) => TOKEN_MECHANISMS.has(mechanism))) return undefined;
  }
  // Guessing credentials, codes or reset tokens is an anonymous caller's attack: a route that already
  // requires a session or token (`PATCH /users/me/password`, an admin-only recovery preview) is not one.
  if ((kind?.name === 'one-time code' || kind?.name === 'password reset') && endpoint.auth.state === 'protected') return undefined;
  // `POST /users` open to anonymous callers is registration (RealWorld, APIFairy, DRF `UserViewSet.create`).
  if (!kind && endpoint.auth.state === 'unprotected' && SIGN_UP.methods.test(endpoint.method) && SIGN_UP.pattern.test(path)) return SIGN_UP;
  return kind;
}

export default defineCheck({
  id: 'sensitive-endpoint-without-strict-limit',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Sensitive endpoint without a strict rate limit',
  owasp: 'API4:2023',
  cwe: ['CWE-307', 'CWE-799'],
  severity: 'high',
  confidence: 'medium',
  section: 'rate-limiting',
  targets: ['code'],
  specCounterparts: ['auth-rate-limit-undocumented', 'business-flow-rate-limit-undocumented'],
  rationale:
    'Login, one-time-code, password-reset, sign-up, checkout, export and search endpoints are the ones attackers automate; a default limit sized for ordinary reads (or none) lets them guess credentials, flood SMS, test cards or scrape at full speed.',
  remediation:
    'Put a strict per-route limit on the endpoint, keyed by account or target where possible: `@limiter.limit("5/minute")` (slowapi, flask-limiter), `@Throttle({ default: { limit: 5, ttl: 60000 } })` (NestJS), `router.post("/login", rateLimit({ windowMs: 15 * 60_000, limit: 5 }), login)` (express-rate-limit), `config: { rateLimit: { max: 5, timeWindow: "1 minute" } }` (Fastify), `@ratelimit(key="post:username", rate="5/m")` (django-ratelimit) or `throttle_scope = "login"` with `ScopedRateThrottle` (DRF).',
  messages: {
    none: 'Endpoint {{endpoint}} is a {{kind}} endpoint with no rate limit, open to {{abuse}}.',
    loose: 'Endpoint {{endpoint}} is a {{kind}} endpoint limited only by {{limiter}} ({{limit}}), a limit not stricter than the rest of the API; it stays open to {{abuse}}.',
  },
  run(ctx, report) {
    const analysis = rateLimitAnalysis(ctx);
    const apiSize = new Map(ctx.inventory.apis.map((api) => [api.id, api.endpointIds.length]));
    const strict = (applied: Applied, endpoint: Endpoint): boolean => {
      if (applied.level === 'route') return true;
      if (applied.limiter.perMinute !== undefined && applied.limiter.perMinute <= 10) return true;
      const covered = analysis.covered.get(applied.limiter)?.filter((other) => other.apiId === endpoint.apiId).length ?? 0;
      return covered < (apiSize.get(endpoint.apiId) ?? 0) / 2;
    };
    for (const endpoint of ctx.inventory.endpoints) {
      const kind = kindOf(endpoint);
      const site = endpoint.sources.find((source) => source.kind === 'code')?.location;
      const coverage = analysis.coverage.get(endpoint.id);
      if (!kind || !site || !coverage || coverage.state === 'unknown') continue;
      if (coverage.applied.some((applied) => strict(applied, endpoint))) continue;
      const label = `\`${endpoint.method} ${endpoint.path}\``;
      const effective = coverage.effective;
      const base = { location: site, endpointId: endpoint.id, severity: kind.severity, evidence: { snippet: `${endpoint.method} ${endpoint.path}` } };
      // One gap of the app (no limiter, or one limiter too loose for them all): one finding listing its sensitive endpoints.
      if (!effective) report({ messageId: 'none', data: { endpoint: label, kind: kind.name, abuse: kind.abuse }, ...base, rootCause: `none ${endpoint.apiId}` });
      else
        report({
          messageId: 'loose',
          data: { endpoint: label, kind: kind.name, abuse: kind.abuse, limiter: `the ${effective.limiter.library} limit at ${effective.limiter.location.file}:${effective.limiter.location.line}`, limit: effective.limiter.limit ?? 'limit not read' },
          ...base,
          rootCause: `loose ${endpoint.apiId} ${effective.limiter.library} ${effective.limiter.location.file}`,
        });
    }
  },
});
