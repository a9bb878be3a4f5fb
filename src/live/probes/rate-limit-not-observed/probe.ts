import defineProbe from '../../probe.js';
import type { Exchange, LiveResponse } from '../../http.js';
import type { LiveEndpoint, ProbeContext } from '../../probe.js';
import { JSON_HEADERS, defaultCredentials, getCached, isSuccess, marker } from '../support.js';

/** Short on purpose: enough for any login limit worth the name, never a load test. */
const LOGIN_BURST = 12;
const SPRAY_BURST = 6;
const DATA_BURST = 15;

const LOGIN_PATH = /(?:^|\/)(?:log-?in|sign-?in|auth(?:enticate)?|token|sessions?)(?:\/|$)/i;
const USER_FIELD = /user|login|email|account|identifier/i;
const SECRET_FIELD = /pass|secret|pin/i;

function limitHeaders(response: LiveResponse): string[] {
  return Object.keys(response.headers).filter((name) => /^(?:x-)?rate-?limit-|^retry-after$/i.test(name));
}

const rejected = (response: LiveResponse): boolean => [400, 401, 403, 404, 422].includes(response.status);

function loginBody(item: LiveEndpoint, user: string, attempt: number): string {
  const fields = item.endpoint.parameters.filter((parameter) => parameter.in === 'body' || parameter.in === 'form');
  const body: Record<string, string> = {};
  for (const field of fields) {
    if (SECRET_FIELD.test(field.name)) body[field.name] = `apisec-wrong-${attempt}`;
    else if (USER_FIELD.test(field.name)) body[field.name] = /email/i.test(field.name) ? `${user}@example.invalid` : user;
    else if (field.required === true) body[field.name] = 'apisec';
  }
  if (Object.keys(body).length === 0) return JSON.stringify({ username: user, email: `${user}@example.invalid`, password: `apisec-wrong-${attempt}` });
  return JSON.stringify(body);
}

async function burst(ctx: ProbeContext, count: number, make: (i: number) => Promise<Exchange>): Promise<Exchange[]> {
  return Promise.all(Array.from({ length: count }, (_, i) => make(i)));
}

async function probeLogin(ctx: ProbeContext, item: LiveEndpoint): Promise<void> {
  // An account that does not exist: nobody is locked out by the probe.
  const user = marker('nobody');
  const attempts = await burst(ctx, LOGIN_BURST, (i) => ctx.send({ method: item.method, path: item.path, headers: JSON_HEADERS, body: loginBody(item, user, i) }, 'none'));
  const limited = attempts.filter((exchange) => exchange.response.status === 429);
  if (limited.length > 0) {
    const first = limited[0];
    if (first && first.response.headers['retry-after'] === undefined) {
      ctx.report({
        message: `\`${item.method} ${item.endpoint.path}\` answers 429 without \`Retry-After\`: clients cannot tell when to come back and retry at once.`,
        exchanges: [first],
        endpointId: item.endpoint.id,
        severity: 'low',
        key: 'retry-after',
      });
    }
    // Limited per account, or per client? The same burst spread over other (non-existent) accounts tells.
    const spray = await burst(ctx, SPRAY_BURST, (i) => ctx.send({ method: item.method, path: item.path, headers: JSON_HEADERS, body: loginBody(item, marker(`spray${i}`), i) }, 'none'));
    if (spray.every((exchange) => rejected(exchange.response) && !ctx.isBaselineLike(exchange.response))) {
      ctx.report({
        message: `\`${item.method} ${item.endpoint.path}\` limits failed logins per account only: after the limit was hit, ${SPRAY_BURST} attempts on other accounts from the same client were all processed (password spraying is not slowed).`,
        exchanges: [spray[0] ?? first ?? attempts[0]].filter((exchange): exchange is Exchange => exchange !== undefined),
        endpointId: item.endpoint.id,
        severity: 'low',
        key: 'per-account-only',
      });
    }
    return;
  }
  const processed = attempts.every((exchange) => rejected(exchange.response) && !ctx.isBaselineLike(exchange.response));
  const announced = attempts.flatMap((exchange) => limitHeaders(exchange.response));
  if (!processed || announced.length > 0) return;
  const last = attempts.at(-1);
  if (!last) return;
  ctx.report({
    message: `${LOGIN_BURST} failed logins in a row on \`${item.method} ${item.endpoint.path}\` were all answered ${[...new Set(attempts.map((exchange) => exchange.response.status))].join('/')}: no 429, no \`Retry-After\`, no \`RateLimit-*\` header.`,
    exchanges: [last],
    endpointId: item.endpoint.id,
    severity: 'medium',
    key: 'login',
    facts: { attempts: LOGIN_BURST },
  });
}

async function probeData(ctx: ProbeContext, item: LiveEndpoint): Promise<void> {
  const credentials = item.needsAuth ? defaultCredentials(ctx) : 'none';
  const first = await getCached(ctx, item.path, credentials);
  if (!isSuccess(first.response) || ctx.isBaselineLike(first.response)) return;
  const answers = await burst(ctx, DATA_BURST, () => ctx.send({ method: 'GET', path: item.path, headers: { Accept: 'application/json' } }, credentials));
  if (answers.some((exchange) => !isSuccess(exchange.response) || ctx.isBaselineLike(exchange.response))) return;
  if (answers.some((exchange) => limitHeaders(exchange.response).length > 0)) return;
  const last = answers.at(-1);
  if (!last) return;
  ctx.report({
    message: `${DATA_BURST} requests in a burst on \`GET ${item.endpoint.path}\` were all served: no 429 and no \`RateLimit-*\` header announcing a limit.`,
    exchanges: [last],
    endpointId: item.endpoint.id,
    severity: 'low',
    key: 'data',
    facts: { requests: DATA_BURST },
  });
}

async function run(ctx: ProbeContext): Promise<void> {
  const login = ctx.endpoints.find((item) => item.method === 'POST' && !item.needsAuth && LOGIN_PATH.test(item.endpoint.path));
  if (login) await probeLogin(ctx, login);
  const data =
    ctx.endpoints.find((item) => item.method === 'GET' && item.needsAuth && !/\{/.test(item.endpoint.path) && ctx.cached(item.path, defaultCredentials(ctx)) !== undefined) ??
    ctx.endpoints.find((item) => item.method === 'GET' && !/\{/.test(item.endpoint.path) && item.path !== '/');
  if (data) await probeData(ctx, data);
}

export default defineProbe({
  id: 'rate-limit-not-observed',
  title: 'No rate limit observed on a short burst',
  kind: 'passive',
  owasp: 'API4:2023',
  cwe: ['CWE-770', 'CWE-307'],
  severity: 'medium',
  confidence: 'medium',
  section: 'rate-limiting',
  rationale:
    'Without a limit on failed logins, passwords can be guessed and leaked credentials stuffed at the speed of the network; without a limit on data endpoints, one client can scrape or exhaust the service.',
  remediation:
    'Limit failed logins per account and per client address (for example 5 per minute, then 429 with `Retry-After`), limit every endpoint per identity, and announce limits with `RateLimit-Limit`/`RateLimit-Remaining`/`RateLimit-Reset`.',
  confirms: ['rate-limiting-absent', 'sensitive-endpoint-without-strict-limit', 'auth-rate-limit-undocumented', 'rate-limit-undocumented', 'rate-limit-retry-after-missing'],
  maxRequests: LOGIN_BURST + SPRAY_BURST + DATA_BURST + 1,
  run,
});
