import defineProbe from '../../probe.js';
import type { Exchange } from '../../http.js';
import type { LiveEndpoint, ProbeContext } from '../../probe.js';
import { JSON_HEADERS, isObject, isSuccess, jsonOf, sibling } from '../support.js';
import type { JsonObject } from '../support.js';

const MAX_TARGETS = 2;

/** Properties that grant privileges or skip a verification when a client can set them. */
const PRIVILEGED = /^(?:is_?)?(?:admin|superuser|staff|root)$|^roles?$|^permissions$|^scopes?$|^(?:is_?|email_?)verified$|^plan$|^tier$|^credits?$|^balance$|^account_?type$|^user_?type$|^group$/i;

function record(exchange: Exchange): JsonObject | undefined {
  const json = jsonOf(exchange.response);
  if (isObject(json) && isObject(json.data)) return json.data;
  return isObject(json) ? json : undefined;
}

/** The value a caller would want: true for a false flag, an admin role, a larger number. */
function escalated(name: string, current: unknown): unknown {
  if (typeof current === 'boolean') return !current ? true : undefined;
  if (typeof current === 'number') return current + 1_000_000;
  if (Array.isArray(current)) return [...(current as unknown[]), 'admin'];
  if (typeof current === 'string') return /admin/i.test(current) ? undefined : /plan|tier|type/i.test(name) ? 'enterprise' : 'admin';
  return undefined;
}

const equal = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

async function probeOne(ctx: ProbeContext, read: LiveEndpoint, write: LiveEndpoint): Promise<void> {
  const before = await ctx.send({ method: 'GET', path: read.path, headers: { Accept: 'application/json' } }, 'a');
  if (!isSuccess(before.response) || ctx.isBaselineLike(before.response)) return;
  const original = record(before);
  if (!original) return;
  // Only properties the API shows: a change must be read back to prove anything.
  const attempt: JsonObject = {};
  for (const [name, value] of Object.entries(original)) {
    if (!PRIVILEGED.test(name)) continue;
    const wanted = escalated(name, value);
    if (wanted !== undefined) attempt[name] = wanted;
  }
  if (Object.keys(attempt).length === 0) return;
  const body = write.method === 'PUT' ? { ...original, ...attempt } : attempt;
  const sent = await ctx.send({ method: write.method, path: write.path, headers: JSON_HEADERS, body: JSON.stringify(body) }, 'a');
  if (!isSuccess(sent.response)) return;
  const after = await ctx.send({ method: 'GET', path: read.path, headers: { Accept: 'application/json' } }, 'a');
  const now = record(after);
  if (!now) return;
  const accepted = Object.keys(attempt).filter((name) => equal(now[name], attempt[name]) && !equal(original[name], attempt[name]));
  if (accepted.length > 0) {
    ctx.report({
      message: `\`${write.method} ${write.endpoint.path}\` let identity A set ${accepted.map((name) => `\`${name}\` to \`${JSON.stringify(attempt[name])}\``).join(', ')}, read back by \`GET ${read.endpoint.path}\`.`,
      exchanges: [sent, after],
      endpointId: write.endpoint.id,
      key: write.endpoint.id,
      facts: { properties: accepted.join(' ') },
    });
    // Put the account back as it was; the server already proved it takes these properties.
    const restore: JsonObject = Object.fromEntries(accepted.map((name) => [name, original[name]]));
    await ctx.send({ method: write.method, path: write.path, headers: JSON_HEADERS, body: JSON.stringify(write.method === 'PUT' ? original : restore) }, 'a');
  }
}

async function run(ctx: ProbeContext): Promise<void> {
  if (!ctx.identities.a) return;
  let tried = 0;
  for (const write of ctx.endpoints) {
    if (tried >= MAX_TARGETS) break;
    if ((write.method !== 'PATCH' && write.method !== 'PUT') || !write.needsAuth) continue;
    const read = sibling(ctx, write, 'GET');
    // An item route needs an id of A's: only routes whose path names no object (`/users/me`, `/account`) are tried.
    if (!read || read.endpoint.path.includes('{')) continue;
    tried++;
    await probeOne(ctx, read, write);
  }
}

export default defineProbe({
  id: 'privileged-property-writable',
  title: 'Privileged property writable by its user (mass assignment)',
  kind: 'active',
  owasp: 'API3:2023',
  cwe: ['CWE-915'],
  severity: 'high',
  confidence: 'high',
  section: 'authorization',
  rationale:
    'When the API copies the request body onto the stored object, a user can set the properties that decide what they may do (`role`, `isAdmin`, `verified`, `balance`) and grant themselves privileges.',
  remediation:
    'Bind request bodies to an explicit input schema listing the writable fields (pydantic model without the privileged fields, `extra = "forbid"`; Joi/zod `.strict()`; DTOs with a whitelist) and never `Object.assign(user, req.body)` or `Model(**request.json)`.',
  confirms: ['mass-assignment-privileged-property', 'mass-assignment-request-body', 'mass-assignment-unknown-fields'],
  maxRequests: 5 * MAX_TARGETS,
  run,
});
