import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { defaultCredentials, getCached, isSuccess, marker } from '../support.js';

/** A method no REST route declares and that changes nothing (WebDAV's read), to see whether routes ignore the method. */
const UNDECLARED = 'PROPFIND';

async function run(ctx: ProbeContext): Promise<void> {
  // TRACE: the answer echoes the request, headers included (cross-site tracing, header disclosure behind proxies).
  const nonce = marker('trace');
  const trace = await ctx.send({ method: 'TRACE', path: '/', headers: { 'X-Apisec-Trace': nonce } });
  if (isSuccess(trace.response) && trace.response.body.includes(nonce)) {
    ctx.report({
      message: 'The target answers `TRACE /` by echoing the request back, headers included.',
      exchanges: [trace],
      severity: 'low',
      key: 'TRACE',
      facts: { method: 'TRACE' },
    });
  }

  // An undeclared method answered exactly like GET: the route matches any method, so a rule written per method can be stepped around.
  const credentials = defaultCredentials(ctx);
  const readOnly = ctx.endpoints
    .filter((item) => item.method === 'GET' && !item.path.includes('?') && ctx.endpoints.every((other) => other.endpoint.path !== item.endpoint.path || other.method === 'GET'))
    .slice(0, 3);
  const served: { path: string; exchange: Awaited<ReturnType<ProbeContext['send']>>; endpointId: string }[] = [];
  for (const item of readOnly) {
    const get = await getCached(ctx, item.path, item.needsAuth ? credentials : 'none');
    if (!isSuccess(get.response) || ctx.isBaselineLike(get.response) || get.response.body.trim() === '') continue;
    const other = await ctx.send({ method: UNDECLARED, path: item.path }, item.needsAuth ? credentials : 'none');
    if (isSuccess(other.response) && !ctx.isBaselineLike(other.response) && other.response.body === get.response.body) {
      served.push({ path: item.endpoint.path, exchange: other, endpointId: item.endpoint.id });
    }
  }
  const lead = served[0];
  if (lead) {
    ctx.report({
      message: `\`${UNDECLARED}\` is answered like \`GET\` at ${served.map((entry) => `\`${entry.path}\``).join(', ')}, though the API declares only GET there.`,
      exchanges: served.map((entry) => entry.exchange),
      endpointId: lead.endpointId,
      severity: 'low',
      key: UNDECLARED,
      facts: { method: UNDECLARED },
    });
  }
}

export default defineProbe({
  id: 'http-methods-unrestricted',
  title: 'Unneeded HTTP methods answered',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-749', 'CWE-650'],
  severity: 'low',
  confidence: 'high',
  section: 'cors-transport',
  rationale:
    'TRACE echoes requests (headers and cookies a proxy added included), and routes that answer any method let a request step around rules and limits written for one method.',
  remediation:
    'Disable TRACE at the server or proxy (nginx answers 405 by default; Apache: `TraceEnable off`), register routes per method (`app.get`, not `app.all`) and answer other methods with 405 and an `Allow` header.',
  maxRequests: 7,
  run,
});
