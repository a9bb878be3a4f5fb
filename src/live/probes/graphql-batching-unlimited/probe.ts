import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { endpointIdOf, graphqlPaths, postGraphql } from '../graphql-support.js';
import { isObject } from '../support.js';

const BATCH = 10;

async function run(ctx: ProbeContext): Promise<void> {
  for (const path of graphqlPaths(ctx)) {
    const answer = await postGraphql(ctx, path, Array.from({ length: BATCH }, (_, i) => ({ query: `query ApisecBatch${i} { __typename }` })));
    const results = Array.isArray(answer.result) ? answer.result : [];
    const executed = results.filter((result) => isObject(result.data) && typeof result.data.__typename === 'string').length;
    if (executed < BATCH) continue;
    const endpointId = endpointIdOf(ctx, path);
    ctx.report({
      message: `The GraphQL endpoint \`${path}\` executed a batch of ${BATCH} operations sent in one request: a rate limit counting requests counts it once.`,
      exchanges: [answer.exchange],
      ...(endpointId === undefined ? {} : { endpointId }),
      key: path,
      facts: { operationsExecuted: executed },
    });
  }
}

export default defineProbe({
  id: 'graphql-batching-unlimited',
  title: 'GraphQL batches executed without a limit',
  kind: 'passive',
  owasp: 'API4:2023',
  cwe: ['CWE-770', 'CWE-307'],
  severity: 'medium',
  confidence: 'high',
  section: 'rate-limiting',
  rationale:
    'An array of operations in one HTTP request multiplies the work per request and lets an attacker try many passwords, codes or ids while a per-request rate limit counts one.',
  remediation:
    'Refuse batched requests unless clients need them (Apollo Server 4: `allowBatchedHttpRequests: false`, the default); if they do, cap the batch size and count each operation against the rate limit.',
  confirms: ['graphql-query-cost-unlimited'],
  maxRequests: 2,
  run,
});
