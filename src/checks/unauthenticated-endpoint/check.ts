import { lineText, sourceByFile } from '../../analysis/code.js';
import { isAdminEndpoint } from '../../analysis/code-authz.js';
import { codeSource } from '../../analysis/drift.js';
import { handlerOf } from '../../analysis/code-transport.js';
import { credentialEntry, hasObjectParameter, isAuthEntryPath, isAuthFlowPath } from '../../analysis/credential-entry.js';
import { effectiveSecurity, operations, requiresAuth } from '../../analysis/openapi.js';
import { isAuthEntryPoint, isConfiguredPublic, isPublicProbe } from '../../analysis/openapi-security.js';
import type { CheckContext } from '../../engine/context.js';
import type { Endpoint, Severity, Tier } from '../../model/types.js';
import defineCheck from '../define-check.js';

const WRITES = new Set(['POST', 'PUT', 'PATCH', 'DELETE', 'MUTATION']);

// Rows: tier; columns: a write, then a read. An unauthenticated write on Critical data comes first;
// an anonymous write is never below medium, since the tier of code-only routes is often a guess.
const SEVERITY: Record<Tier, [Severity, Severity]> = {
  critical: ['critical', 'high'],
  high: ['high', 'medium'],
  medium: ['medium', 'low'],
  low: ['medium', 'info'],
};

// Receivers authenticate the sender by signature, not by user credentials: other checks judge them.
const WEBHOOK = /(^|[/_.-])(webhooks?|hooks?|callbacks?|ipn)([/_.-]|$)/i;

const ACCOUNT_COLLECTION = /\/(users|accounts|members|customers|registrations)\/?$/i;
const SIGN_UP_HANDLER = /\b(?:def|function|async function)\s+\w*(register|sign_?up|signUp|enrol{1,2})\w*|\b(register|sign_?up|signUp)\w*\s*[(=:]/i;

/**
 * Registration is public by design even where the path does not say so (`POST /users`): the
 * handler's own name decides (`def register(…)`, `async signUp(…)`), a plain `create_user` does not.
 */
function isRegistration(ctx: CheckContext, endpoint: Endpoint): boolean {
  if (endpoint.method.toUpperCase() !== 'POST' || !ACCOUNT_COLLECTION.test(endpoint.path) || !endpoint.handler) return false;
  const source = sourceByFile(ctx, endpoint.handler.file);
  const line = (source ? lineText(source, endpoint.handler.line) : undefined) ?? '';
  return SIGN_UP_HANDLER.test(line) || takesNewPassword(ctx, endpoint);
}

const BODY_TYPE = /(?:@Body\([^)]*\)|\b\w+)\s*:\s*([A-Z]\w*(?:Dto|DTO|Input|Schema|Create|In|Request|Payload|Body))\b/g;

/**
 * Creating an account with the password its owner chose is sign-up, whatever the handler is called:
 * the handler reads a password, or its typed body (`@Body() dto: CreateUserDto`, `user_in: UserCreate`)
 * is a class of the project that declares one.
 */
function takesNewPassword(ctx: CheckContext, endpoint: Endpoint): boolean {
  const handler = handlerOf(ctx, endpoint);
  if (!handler) return false;
  const text = handler.routeText;
  if (/\bpassword\b/i.test(text)) return true;
  for (const match of text.matchAll(BODY_TYPE)) {
    const type = match[1];
    if (type === undefined) continue;
    const declaration = new RegExp(`\\b(?:class|interface)\\s+${type}\\b[^{:]*[{:]([\\s\\S]{0,2000})`);
    for (const source of ctx.sources) {
      if (!source.text.includes(type)) continue;
      const body = declaration.exec(source.text)?.[1];
      if (body !== undefined && /\bpassword\b/i.test(body.split(/\n(?:class|export|interface|def)\b/)[0] ?? '')) return true;
    }
  }
  return false;
}

/** Endpoints whose OpenAPI operation requires credentials: spec-auth-not-enforced reports them when the code does not. */
function endpointsSpecProtects(ctx: CheckContext): Set<string> {
  const out = new Set<string>();
  for (const doc of ctx.specs) {
    for (const op of operations(ctx, doc)) if (op.endpoint && requiresAuth(effectiveSecurity(op))) out.add(op.endpoint.id);
  }
  return out;
}

const CREDENTIAL_INPUT = /password|passwd|passphrase|credentials|one_?time|otp|\bcode\b|refresh_?token|refreshToken|authenticate\(\s*['"]local|\.local\b/i;

/**
 * Anonymous by design: what the handler does decides (it checks a password, issues or verifies a
 * token the request carries, creates the account, runs an OAuth step, mails a recovery link). The
 * conventional path only supports it, and never hides a write on an identified object whose
 * handler shows none of that (`POST /users/{id}/reset-password`).
 */
function isExempt(ctx: CheckContext, endpoint: Endpoint): boolean {
  if (isPublicProbe(endpoint) || WEBHOOK.test(endpoint.path) || isRegistration(ctx, endpoint)) return true;
  if (credentialEntry(ctx, endpoint)) return true;
  if (!isAuthEntryPoint(endpoint) && !isAuthEntryPath(endpoint.path)) return false;
  if (!WRITES.has(endpoint.method.toUpperCase())) return true;
  const handler = handlerOf(ctx, endpoint);
  // Unreadable handler: the path is all there is. Readable: a write on an identified object is not
  // an entry point whatever its path says, and a credential noun (`/api-tokens`) needs a credential in.
  if (!handler) return true;
  if (hasObjectParameter(endpoint.path)) return false;
  return isAuthFlowPath(endpoint.path) || CREDENTIAL_INPUT.test(handler.routeText);
}

export default defineCheck({
  id: 'unauthenticated-endpoint',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Endpoint served without authentication',
  owasp: 'API2:2023',
  cwe: ['CWE-306'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['inventory'],
  rationale:
    'No authentication applies to this route in the code: anyone who can reach the service can call it. Unless it is public on purpose, every object and action behind it is exposed, and no authorization check that relies on the caller\'s identity can work.',
  remediation:
    'Put the route behind the app\'s authentication (Express `router.get(path, requireAuth, handler)` or `app.use(auth)` before it; FastAPI `Depends(get_current_user)`; Flask `@login_required` / `@jwt_required()`; DRF `permission_classes = [IsAuthenticated]`; NestJS `@UseGuards(JwtAuthGuard)`), or, if it is public by design, list it under `publicEndpoints` in `apisec.config.yaml` so the decision is recorded.',
  messages: {
    write: '`{{method}} {{path}}` changes data without authentication: no authentication applies to this route.',
    read: '`{{method}} {{path}}` returns {{tier}}-sensitivity data without authentication: no authentication applies to this route.',
    lowRead: '`{{first}}` answers without authentication; its data looks low-sensitivity, so confirm it is meant to be public.',
    lowReads:
      'Low-sensitivity read endpoints of this app answer without authentication ({{count}} of them, starting with `{{first}}`); confirm each is meant to be public.',
  },
  run(ctx, report) {
    const lowReads = new Map<string, Endpoint[]>();
    const specRequiresAuth = endpointsSpecProtects(ctx);
    for (const endpoint of ctx.inventory.endpoints) {
      // Only what the code proves: `unknown` never fires. The code outranks the spec, so operations
      // it describes are judged here too, except where it requires auth (spec-auth-not-enforced).
      if (endpoint.auth.state !== 'unprotected' || specRequiresAuth.has(endpoint.id)) continue;
      const code = codeSource(endpoint);
      if (!code || isExempt(ctx, endpoint) || isConfiguredPublic(ctx, endpoint)) continue;
      // Unauthenticated admin routes are reported, as critical, by admin-route-without-role-check.
      if (isAdminEndpoint(endpoint)) continue;
      const method = endpoint.method.toUpperCase();
      const write = WRITES.has(method);
      if (!write && endpoint.tier === 'low') {
        const group = lowReads.get(endpoint.apiId) ?? [];
        group.push(endpoint);
        lowReads.set(endpoint.apiId, group);
        continue;
      }
      const [writeSeverity, readSeverity] = SEVERITY[endpoint.tier];
      report({
        messageId: write ? 'write' : 'read',
        data: { method: endpoint.method, path: endpoint.path, tier: endpoint.tier },
        location: code.location,
        endpointId: endpoint.id,
        severity: write ? writeSeverity : readSeverity,
        evidence: {
          snippet: `${endpoint.method} ${endpoint.path}`,
          ...(endpoint.auth.detail === undefined ? {} : { auth: endpoint.auth.detail }),
          ...(endpoint.tierReason === undefined ? {} : { tier: endpoint.tierReason }),
        },
      });
    }
    for (const group of lowReads.values()) {
      const first = group[0];
      const code = first ? codeSource(first) : undefined;
      if (!first || !code) continue;
      report({
        messageId: group.length === 1 ? 'lowRead' : 'lowReads',
        data: { count: group.length, first: `${first.method} ${first.path}` },
        location: code.location,
        endpointId: first.id,
        severity: 'info',
        occurrences: group.length,
        key: `low-reads ${first.apiId}`,
        evidence: { snippet: group.slice(0, 10).map((endpoint) => `${endpoint.method} ${endpoint.path}`).join(', ') },
      });
    }
  },
});
