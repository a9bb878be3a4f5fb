import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { dataOf, endpointIdOf, graphqlPaths, postGraphql } from '../graphql-support.js';

const ALIASES = 100;

async function run(ctx: ProbeContext): Promise<void> {
  for (const path of graphqlPaths(ctx)) {
    const fields = Array.from({ length: ALIASES }, (_, i) => `a${i}: __typename`).join(' ');
    const answer = await postGraphql(ctx, path, { query: `query ApisecAliases { ${fields} }` });
    const data = dataOf(answer.result);
    const resolved = data === undefined ? 0 : Object.keys(data).filter((key) => /^a\d+$/.test(key) && typeof data[key] === 'string').length;
    if (resolved < ALIASES) continue;
    const endpointId = endpointIdOf(ctx, path);
    ctx.report({
      message: `The GraphQL endpoint \`${path}\` resolved ${ALIASES} aliases of one field in a single operation: aliases multiply any field (a login mutation, an expensive resolver) without limit.`,
      exchanges: [answer.exchange],
      ...(endpointId === undefined ? {} : { endpointId }),
      key: path,
      facts: { aliasesResolved: resolved },
    });
  }
}

export default defineProbe({
  id: 'graphql-aliases-unlimited',
  title: 'GraphQL aliases not limited',
  kind: 'passive',
  owasp: 'API4:2023',
  cwe: ['CWE-770'],
  severity: 'medium',
  confidence: 'high',
  section: 'rate-limiting',
  rationale:
    'Aliases run the same field many times in one operation: a brute force of a login or OTP mutation, or a denial of service on an expensive resolver, inside one request a rate limit counts once.',
  remediation:
    'Limit aliases (or, better, the operation\'s cost) in validation: graphql-armor\'s `maxAliases`, a cost analysis rule, or a custom validation rule counting aliased fields.',
  confirms: ['graphql-query-cost-unlimited'],
  maxRequests: 2,
  run,
});
