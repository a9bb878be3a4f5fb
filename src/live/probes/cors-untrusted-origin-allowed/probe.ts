import defineProbe from '../../probe.js';
import type { Exchange } from '../../http.js';
import type { Credentials, ProbeContext } from '../../probe.js';
import { defaultCredentials } from '../support.js';

/** The origins an attacker's page could have, derived from the target's host. */
export function hostileOrigins(origin: string): { label: string; origin: string }[] {
  const host = new URL(origin).hostname.replace(/^\[|\]$/g, '');
  const labels = host.split('.');
  // A naive registrable name (last two labels) so `apisecprobe-shop.example` ends with `shop.example` without being under it.
  const base = /^[\d.]+$/.test(host) || labels.length < 2 ? host : labels.slice(-2).join('.');
  return [
    { label: 'a foreign origin', origin: 'https://apisec-probe.example' },
    { label: 'the `null` origin', origin: 'null' },
    { label: `a look-alike ending in \`${base}\``, origin: `https://apisecprobe-${base}` },
    { label: `a look-alike starting with \`${host}\``, origin: `https://${host}.apisec-probe.example` },
  ];
}

function allows(exchange: Exchange, origin: string): { allowed: boolean; credentials: boolean } {
  const allowOrigin = exchange.response.headers['access-control-allow-origin']?.trim();
  const credentials = exchange.response.headers['access-control-allow-credentials']?.trim().toLowerCase() === 'true';
  return { allowed: allowOrigin === origin, credentials };
}

async function run(ctx: ProbeContext): Promise<void> {
  // A route that needs credentials is where a credentialed cross-origin read hurts; the root otherwise.
  const item = ctx.endpoints.find((candidate) => candidate.needsAuth && candidate.method === 'GET');
  const path = item?.path ?? '/';
  const credentials: Credentials = item ? defaultCredentials(ctx) : 'none';
  const accepted: { label: string; origin: string; exchange: Exchange; credentials: boolean; kind: 'simple' | 'preflight' }[] = [];

  for (const candidate of hostileOrigins(ctx.origin)) {
    const exchange = await ctx.send({ method: 'GET', path, headers: { Origin: candidate.origin } }, credentials);
    const verdict = allows(exchange, candidate.origin);
    if (verdict.allowed) accepted.push({ ...candidate, exchange, credentials: verdict.credentials, kind: 'simple' });
  }
  const foreign = hostileOrigins(ctx.origin)[0];
  if (foreign) {
    const preflight = await ctx.send({
      method: 'OPTIONS',
      path,
      headers: { Origin: foreign.origin, 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    const verdict = allows(preflight, foreign.origin);
    if (verdict.allowed) accepted.push({ ...foreign, exchange: preflight, credentials: verdict.credentials, kind: 'preflight' });
  }
  if (accepted.length === 0) return;

  // One policy, one finding: the worst answer leads, the others are listed.
  accepted.sort((a, b) => Number(b.credentials) - Number(a.credentials));
  const lead = accepted[0];
  if (!lead) return;
  const withCredentials = accepted.some((entry) => entry.credentials);
  const which = [...new Set(accepted.map((entry) => `${entry.label} (\`${entry.origin}\`, ${entry.kind}${entry.credentials ? ', with credentials' : ''})`))];
  ctx.report({
    message: `The target allows ${which.join('; ')} to read \`${path}\`${withCredentials ? ' with the visitor\'s credentials' : ''}.`,
    exchanges: accepted.map((entry) => entry.exchange),
    ...(item ? { endpointId: item.endpoint.id } : {}),
    severity: withCredentials ? 'high' : 'low',
    facts: { allowedOrigins: accepted.map((entry) => entry.origin).join(' '), credentials: withCredentials },
  });
}

export default defineProbe({
  id: 'cors-untrusted-origin-allowed',
  title: 'Cross-origin reads allowed for an untrusted origin',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-942', 'CWE-346'],
  severity: 'high',
  confidence: 'high',
  section: 'cors-transport',
  rationale:
    'When the API answers a foreign, `null` or look-alike origin with `Access-Control-Allow-Origin` set to that origin (and `Access-Control-Allow-Credentials: true`), any web page a signed-in user visits can read the API\'s answers with the user\'s cookies or credentials.',
  remediation:
    'Compare the `Origin` header with an exact allow-list of your front-end origins (scheme, host and port), never reflect it, never trust `null`, and never match by prefix, suffix or an unanchored regular expression; send `Vary: Origin`.',
  confirms: ['cors-origin-reflected', 'cors-null-origin-allowed', 'cors-origin-regex-too-broad', 'cors-wildcard-with-credentials'],
  maxRequests: 5,
  run,
});
