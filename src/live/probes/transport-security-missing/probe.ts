import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { getCached } from '../support.js';

/** 180 days: below this, HSTS lapses between visits of an ordinary user. */
const MIN_HSTS_SECONDS = 15_552_000;

async function run(ctx: ProbeContext): Promise<void> {
  const https = ctx.origin.startsWith('https:');
  // The pre-flight fetched `/` already; an answer like the one to a random path proves nothing was served.
  let exchange = await getCached(ctx, '/', 'none');
  if (ctx.isBaselineLike(exchange.response)) {
    const item = ctx.endpoints.find((candidate) => candidate.method === 'GET' && !candidate.needsAuth);
    if (!item) return;
    exchange = await getCached(ctx, item.path, 'none');
    if (ctx.isBaselineLike(exchange.response)) return;
  }
  if (!https) {
    ctx.report({
      message: `The API answers over plaintext HTTP at ${ctx.origin}: requests, credentials and answers cross the network unencrypted.`,
      exchanges: [exchange],
      key: 'plaintext',
      facts: { scheme: 'http' },
    });
    return;
  }
  const hsts = exchange.response.headers['strict-transport-security'];
  if (hsts === undefined) {
    ctx.report({ message: 'The HTTPS answers carry no `Strict-Transport-Security` header: a first visit or a downgrade can still go over plaintext.', exchanges: [exchange], severity: 'medium', key: 'hsts-missing' });
    return;
  }
  const maxAge = /max-age\s*=\s*"?(\d+)/i.exec(hsts);
  const seconds = maxAge ? Number(maxAge[1]) : 0;
  if (seconds < MIN_HSTS_SECONDS) {
    ctx.report({ message: `\`Strict-Transport-Security: ${hsts}\` keeps HTTPS for ${seconds} seconds only (at least ${MIN_HSTS_SECONDS} expected).`, exchanges: [exchange], severity: 'low', key: 'hsts-short' });
  }
}

export default defineProbe({
  id: 'transport-security-missing',
  title: 'Transport not protected by HTTPS and HSTS',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-319', 'CWE-523'],
  severity: 'medium',
  confidence: 'high',
  section: 'cors-transport',
  rationale:
    'Over plaintext HTTP, or over HTTPS without HSTS, anyone on the network path can read or change requests and answers, tokens and passwords included.',
  remediation:
    'Serve the API over HTTPS only, redirect or refuse plaintext requests, and send `Strict-Transport-Security: max-age=31536000; includeSubDomains` on every HTTPS answer.',
  confirms: ['https-not-enforced', 'server-plain-http', 'insecure-http-auth-scheme'],
  maxRequests: 2,
  run,
});
