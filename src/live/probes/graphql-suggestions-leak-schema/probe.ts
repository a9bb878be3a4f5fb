import defineProbe from '../../probe.js';
import type { ProbeContext } from '../../probe.js';
import { SCHEMA_QUERY, dataOf, endpointIdOf, errorMessages, graphqlPaths, postGraphql, readSchema } from '../graphql-support.js';

/** Field names common enough that a misspelling of one is close to a real field of most schemas. */
const COMMON_FIELDS = ['user', 'users', 'me', 'viewer', 'order', 'orders', 'product', 'products', 'account', 'accounts', 'node', 'search', 'items', 'customer'];

const SUGGESTION = /Did you mean\s+["“]?[_A-Za-z][_0-9A-Za-z]*/;

async function run(ctx: ProbeContext): Promise<void> {
  for (const path of graphqlPaths(ctx)) {
    // With introspection closed the guesses are common names; with it open, the schema's own names.
    const introspected = readSchema(dataOf((await postGraphql(ctx, path, { query: SCHEMA_QUERY })).result));
    const names = introspected ? (introspected.objects.get(introspected.queryType) ?? []).map((field) => field.name).filter((name) => name.length > 3) : COMMON_FIELDS;
    const misspelt = [...new Set(names.slice(0, 12).map((name) => name.slice(0, -1)))].filter((name) => !names.includes(name));
    if (misspelt.length === 0) continue;
    const answer = await postGraphql(ctx, path, { query: `query ApisecSuggest { ${misspelt.join(' ')} }` });
    const suggestion = errorMessages(answer.result).find((message) => SUGGESTION.test(message));
    if (suggestion === undefined) continue;
    const endpointId = endpointIdOf(ctx, path);
    ctx.report({
      message: `The GraphQL endpoint \`${path}\` suggests real field names for misspelt ones: "${suggestion.slice(0, 160)}".`,
      exchanges: [answer.exchange],
      ...(endpointId === undefined ? {} : { endpointId }),
      key: path,
    });
  }
}

export default defineProbe({
  id: 'graphql-suggestions-leak-schema',
  title: 'GraphQL field suggestions reveal the schema',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-200'],
  severity: 'low',
  confidence: 'high',
  section: 'authorization',
  rationale:
    '"Did you mean …?" errors let tools such as Clairvoyance rebuild the schema field by field even when introspection is off.',
  remediation:
    'Hide suggestions in production (Apollo Server 4: `hideSchemaDetailsFromClientErrors: true`; graphql-js 17: `hideSuggestions`; otherwise strip "Did you mean" from error messages in the error formatter).',
  confirms: ['graphql-field-suggestions-enabled'],
  maxRequests: 4,
  run,
});
