import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { SCHEMA_QUERY, dataOf, endpointIdOf, graphqlPaths, postGraphql, readSchema } from '../graphql-support.js';

async function run(ctx: ProbeContext): Promise<void> {
  for (const path of graphqlPaths(ctx)) {
    const answer = await postGraphql(ctx, path, { query: SCHEMA_QUERY });
    const schema = readSchema(dataOf(answer.result));
    if (!schema) continue;
    const endpointId = endpointIdOf(ctx, path);
    ctx.report({
      message: `The GraphQL endpoint \`${path}\` answers introspection: its whole schema (${schema.objects.size} object types, from \`${schema.queryType}\`) is readable by the caller.`,
      exchanges: [answer.exchange],
      ...(endpointId === undefined ? {} : { endpointId }),
      key: path,
      facts: { objectTypes: schema.objects.size },
    });
  }
}

export default defineProbe({
  id: 'graphql-introspection-open',
  title: 'GraphQL schema readable by introspection',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-200'],
  severity: 'medium',
  confidence: 'high',
  section: 'authorization',
  rationale:
    'Introspection hands an attacker every type, field, argument and mutation, internal and deprecated ones included: the map for every other GraphQL attack.',
  remediation:
    'Turn introspection off outside development (Apollo Server: `introspection: false`; graphql-js: add `NoSchemaIntrospectionCustomRule` to the validation rules; graphene: a validation rule disabling it) and publish the schema only to the clients that need it.',
  confirms: ['graphql-introspection-enabled'],
  maxRequests: 2,
  run,
});
