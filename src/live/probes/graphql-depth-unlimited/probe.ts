import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { SCHEMA_QUERY, dataOf, deepQuery, endpointIdOf, errorMessages, graphqlPaths, postGraphql, readSchema } from '../graphql-support.js';

/** Far beyond what any screen needs (graphql-armor's default maximum depth is 6). */
const DEPTH = 12;

async function run(ctx: ProbeContext): Promise<void> {
  for (const path of graphqlPaths(ctx)) {
    // A deep query needs a cycle in the schema; without introspection there is no honest way to build one.
    const schema = readSchema(dataOf((await postGraphql(ctx, path, { query: SCHEMA_QUERY })).result));
    const query = schema ? deepQuery(schema, DEPTH) : undefined;
    if (query === undefined) continue;
    const answer = await postGraphql(ctx, path, { query });
    const data = dataOf(answer.result);
    if (data === undefined || errorMessages(answer.result).length > 0) continue;
    const endpointId = endpointIdOf(ctx, path);
    ctx.report({
      message: `The GraphQL endpoint \`${path}\` executed a query ${DEPTH} levels deep along a cycle of its schema without complaint: nested lists grow the work exponentially with depth.`,
      exchanges: [answer.exchange],
      ...(endpointId === undefined ? {} : { endpointId }),
      key: path,
      facts: { depth: DEPTH },
    });
  }
}

export default defineProbe({
  id: 'graphql-depth-unlimited',
  title: 'GraphQL query depth not limited',
  kind: 'passive',
  owasp: 'API4:2023',
  cwe: ['CWE-770', 'CWE-674'],
  severity: 'medium',
  confidence: 'high',
  section: 'rate-limiting',
  rationale:
    'A query following a cycle of the schema (user → orders → owner → orders …) multiplies the objects resolved at each level: one request can exhaust the database and the server.',
  remediation:
    'Reject queries deeper than the clients need in validation (graphql-depth-limit, graphql-armor\'s `maxDepth`, Hot Chocolate\'s `AddMaxExecutionDepthRule`), and add a cost limit for wide lists.',
  confirms: ['graphql-query-cost-unlimited'],
  maxRequests: 4,
  run,
});
