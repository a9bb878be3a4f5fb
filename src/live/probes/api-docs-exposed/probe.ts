import defineProbe from '../../probe.js';
import type { Exchange } from '../../http.js';
import type { ProbeContext } from '../../probe.js';
import { isObject, isSuccess, jsonOf } from '../support.js';

/** Where frameworks publish their API description and documentation UI by default. */
const DOC_PATHS = ['/openapi.json', '/openapi.yaml', '/swagger.json', '/v3/api-docs', '/api-docs', '/swagger/v1/swagger.json', '/docs', '/swagger-ui.html', '/redoc', '/graphiql'];

type Kind = 'OpenAPI document' | 'documentation UI' | 'GraphQL IDE';

function recognise(exchange: Exchange): Kind | undefined {
  const { response } = exchange;
  if (!isSuccess(response)) return undefined;
  const json = jsonOf(response);
  if (isObject(json) && (typeof json.openapi === 'string' || typeof json.swagger === 'string') && isObject(json.paths)) return 'OpenAPI document';
  const body = response.body;
  if (/^\s*(?:openapi|swagger):\s*["']?\d/m.test(body) && /^paths:\s*$/m.test(body)) return 'OpenAPI document';
  if (!/<html|<!doctype html/i.test(body)) return undefined;
  if (/SwaggerUIBundle|swagger-ui(?:-dist|\.css|-bundle)|<redoc[\s>]|Redoc\.init|redoc\.standalone/i.test(body)) return 'documentation UI';
  if (/GraphiQL\.createFetcher|graphiql(?:\.min)?\.js|GraphQLPlayground\.init|graphql-playground-react|apollo-sandbox|embeddable-sandbox/i.test(body)) return 'GraphQL IDE';
  return undefined;
}

async function run(ctx: ProbeContext): Promise<void> {
  const found: { path: string; kind: Kind; exchange: Exchange }[] = [];
  const requests = [
    ...DOC_PATHS.map((path) => ({ path, headers: { Accept: 'application/json, text/html;q=0.9, */*;q=0.5' } })),
    ...ctx.graphqlPaths.slice(0, 2).map((path) => ({ path, headers: { Accept: 'text/html' } })),
  ];
  for (const request of requests) {
    const exchange = await ctx.send({ method: 'GET', path: request.path, headers: request.headers }, 'none');
    if (ctx.isBaselineLike(exchange.response)) continue;
    const kind = recognise(exchange);
    if (kind) found.push({ path: request.path, kind, exchange });
  }
  if (found.length === 0) return;
  ctx.report({
    message: `API documentation is served to anonymous callers: ${found.map((entry) => `${entry.kind} at \`${entry.path}\``).join(', ')}.`,
    exchanges: found.map((entry) => entry.exchange),
    facts: { paths: found.map((entry) => entry.path).join(' ') },
  });
}

export default defineProbe({
  id: 'api-docs-exposed',
  title: 'API documentation and schema served publicly',
  kind: 'passive',
  owasp: 'API9:2023',
  cwe: ['CWE-200', 'CWE-1059'],
  severity: 'low',
  confidence: 'high',
  section: 'cors-transport',
  rationale:
    'A published OpenAPI document, Swagger UI or GraphQL IDE lists every operation, parameter and schema, internal and deprecated ones included, and offers a console to call them: reconnaissance done for the attacker. It is fine for a public API whose documentation is public on purpose.',
  remediation:
    'Serve documentation only where it is meant to be read: disable the docs routes in production (FastAPI: `docs_url=None, openapi_url=None`; springdoc: `springdoc.api-docs.enabled=false`), or put them behind authentication.',
  maxRequests: 12,
  run,
});
