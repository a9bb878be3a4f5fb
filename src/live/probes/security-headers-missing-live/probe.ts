import type { Exchange, LiveResponse } from '../../http.js';
import defineProbe, { type Credentials, type ProbeContext } from '../../probe.js';

/** Answers sampled at most: the headers are set app-wide, a few endpoints tell. */
const SAMPLE = 5;

interface Rule {
  header: string;
  /** The response breaks the rule: a sentence fragment, or undefined when it complies. */
  problem(response: LiveResponse, html: boolean): string | undefined;
}

const frameProtected = (response: LiveResponse): boolean =>
  /^(deny|sameorigin)$/i.test((response.headers['x-frame-options'] ?? '').trim()) || /frame-ancestors/i.test(response.headers['content-security-policy'] ?? '');

/** Seed 003's checklist, as it applies to what the response is. */
const RULES: readonly Rule[] = [
  { header: 'X-Content-Type-Options', problem: (r) => (/^\s*nosniff\s*$/i.test(r.headers['x-content-type-options'] ?? '') ? undefined : 'no `X-Content-Type-Options: nosniff`') },
  { header: 'X-Frame-Options', problem: (r) => (frameProtected(r) ? undefined : 'no `X-Frame-Options: DENY` (nor CSP `frame-ancestors`)') },
  { header: 'Content-Security-Policy', problem: (r, html) => (!html || r.headers['content-security-policy'] !== undefined ? undefined : 'an HTML page without `Content-Security-Policy`') },
  { header: 'Referrer-Policy', problem: (r) => (r.headers['referrer-policy'] !== undefined ? undefined : 'no `Referrer-Policy`') },
  {
    header: 'X-XSS-Protection',
    problem: (r) => {
      const value = r.headers['x-xss-protection'];
      return value === undefined || /^\s*0\s*$/.test(value) ? undefined : `\`X-XSS-Protection: ${value}\` (the legacy filter should be off: \`0\`)`;
    },
  },
];

async function sample(ctx: ProbeContext): Promise<Exchange[]> {
  const out: Exchange[] = [];
  const credentials: Credentials = ctx.identities.a ? 'a' : 'none';
  const candidates = [...ctx.endpoints.filter((item) => item.method === 'GET').map((item) => ({ path: item.path, credentials: item.needsAuth ? credentials : 'none' as Credentials })), { path: '/', credentials: 'none' as Credentials }];
  // Answers already seen are free; new requests (redirect hops included) stop near the declared
  // maximum, whatever they answered: one more request may follow a single redirect.
  const before = ctx.remaining();
  for (const { path, credentials: asWho } of candidates) {
    if (out.length >= SAMPLE) break;
    let exchange = ctx.cached(path, asWho);
    if (exchange === undefined) {
      if (before - ctx.remaining() >= SAMPLE) break;
      exchange = await ctx.send({ method: 'GET', path }, asWho);
    }
    // Only answers the API really gave: not a soft 404, not a say-yes server, not an error page.
    if (ctx.isBaselineLike(exchange.response) || exchange.response.status >= 400) continue;
    out.push(exchange);
  }
  return out;
}

export default defineProbe({
  id: 'security-headers-missing-live',
  title: 'Security headers missing from live API responses',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-693'],
  severity: 'low',
  confidence: 'high',
  section: 'cors-transport',
  rationale:
    'Without `nosniff` a browser may run a JSON answer as script or HTML; without frame protection an HTML answer can be framed for clickjacking; without a referrer policy URLs (ids, tokens in query strings) leak to third parties.',
  remediation:
    'Set the headers on every response in one place: Express `app.use(helmet())`, FastAPI/Starlette a middleware (e.g. `secure`), Django `SecurityMiddleware` with `SECURE_CONTENT_TYPE_NOSNIFF`, or the gateway (nginx `add_header … always`).',
  confirms: ['security-headers-missing'],
  maxRequests: SAMPLE + 1,
  async run(ctx) {
    const answers = await sample(ctx);
    const missing = new Map<string, { problem: string; exchange: Exchange; count: number }>();
    for (const exchange of answers) {
      const html = /text\/html/i.test(exchange.response.headers['content-type'] ?? '');
      for (const rule of RULES) {
        const problem = rule.problem(exchange.response, html);
        if (problem === undefined) continue;
        const seen = missing.get(rule.header);
        if (seen === undefined) missing.set(rule.header, { problem, exchange, count: 1 });
        else seen.count += 1;
      }
    }
    if (missing.size === 0) return;
    const first = [...missing.values()][0];
    if (first === undefined) return;
    const problems = [...missing.values()].map((item) => `${item.problem} (${item.count} of ${answers.length} answers)`);
    ctx.report({
      message: `Live API responses lack security headers: ${problems.join('; ')}.`,
      exchanges: [first.exchange],
      facts: { missing: [...missing.keys()].join(', '), sampled: answers.map((exchange) => new URL(exchange.request.url).pathname).join(', ') },
    });
  },
});
