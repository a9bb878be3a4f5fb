import defineProbe from '../../probe.js';
import type { Exchange } from '../../http.js';
import type { LiveEndpoint, ProbeContext } from '../../probe.js';
import { defaultCredentials, getCached, isObject, isSuccess, jsonOf } from '../support.js';

const PAGE_PARAM = /^(?:limit|page_?size|per_?page|size|count|top|\$top|first|max|max_?results|take|rows)$/i;
const OVERSIZED = 5000;
/** More items than any page a screen shows: a cap, where there is one, sits below. */
const CEILING = 1000;
const MAX_ENDPOINTS = 3;

function itemCount(exchange: Exchange): number | undefined {
  const json = jsonOf(exchange.response);
  if (Array.isArray(json)) return json.length;
  if (!isObject(json)) return undefined;
  const lists = Object.values(json).filter(Array.isArray);
  return lists.length === 0 ? undefined : Math.max(...lists.map((list) => list.length));
}

async function probeOne(ctx: ProbeContext, item: LiveEndpoint, param: string): Promise<void> {
  const credentials = item.needsAuth ? defaultCredentials(ctx) : 'none';
  const normal = await getCached(ctx, item.path, credentials);
  const normalCount = itemCount(normal);
  if (!isSuccess(normal.response) || ctx.isBaselineLike(normal.response) || normalCount === undefined) return;
  const separator = item.path.includes('?') ? '&' : '?';
  const big = await ctx.send({ method: 'GET', path: `${item.path}${separator}${encodeURIComponent(param)}=${OVERSIZED}`, headers: { Accept: 'application/json' } }, credentials);
  if (!isSuccess(big.response) || ctx.isBaselineLike(big.response)) return;
  const count = itemCount(big);
  const overflow = big.response.bodyTruncated && big.response.body.length > 10 * Math.max(normal.response.body.length, 1);
  if (!overflow && (count === undefined || count <= CEILING || count <= normalCount)) return;
  ctx.report({
    message: overflow
      ? `\`GET ${item.endpoint.path}?${param}=${OVERSIZED}\` answered with more data than apisec keeps (the default page has ${normalCount} items): the page size is not capped.`
      : `\`GET ${item.endpoint.path}?${param}=${OVERSIZED}\` returned ${count} items in one page (the default page has ${normalCount}): the page size is not capped.`,
    exchanges: [big],
    endpointId: item.endpoint.id,
    key: item.endpoint.id,
    facts: { parameter: param, requested: OVERSIZED, ...(count === undefined ? {} : { returned: count }) },
  });
}

async function run(ctx: ProbeContext): Promise<void> {
  let tried = 0;
  for (const item of ctx.endpoints) {
    if (tried >= MAX_ENDPOINTS) break;
    if (item.method !== 'GET' || item.endpoint.path.includes('{')) continue;
    const param = item.endpoint.parameters.find((parameter) => parameter.in === 'query' && PAGE_PARAM.test(parameter.name));
    if (!param) continue;
    tried++;
    await probeOne(ctx, item, param.name);
  }
}

export default defineProbe({
  id: 'page-size-not-capped',
  title: 'Page size not capped',
  kind: 'active',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'medium',
  confidence: 'high',
  section: 'rate-limiting',
  rationale:
    'A client that can ask for any page size can pull a whole table in one request: scraping made easy, and a few such requests exhaust the database, the memory and the bandwidth of the service.',
  remediation:
    'Clamp the page size on the server (`min(limit, 100)`, or reject larger values with 400), declare the maximum in the API description, and paginate with cursors.',
  confirms: ['page-size-unbounded', 'page-size-uncapped-in-code'],
  maxRequests: 2 * MAX_ENDPOINTS,
  run,
});
