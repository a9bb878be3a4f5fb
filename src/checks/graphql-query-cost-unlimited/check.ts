import { at } from '../../analysis/code-auth.js';
import { graphqlServers, hasGraphqlDepthLimit } from '../../analysis/code-authz.js';
import { literalValue } from '../../analysis/code.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

export default defineCheck({
  id: 'graphql-query-cost-unlimited',
  title: 'GraphQL queries without depth, cost or batch limits',
  owasp: 'API4:2023',
  cwe: ['CWE-770', 'CWE-400'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authorization',
  targets: ['code'],
  rationale:
    'One GraphQL request can nest relations a hundred levels deep, alias a field a thousand times or batch hundreds of operations: without a depth or cost limit a single client exhausts the database, and batching multiplies brute-force attempts past per-request rate limits.',
  remediation:
    'Reject expensive documents before execution: `validationRules: [depthLimit(8), createComplexityLimitRule(1000)]` (graphql-depth-limit, graphql-validation-complexity) or GraphQL Armor for Apollo/Yoga; Mercurius `queryDepth: 8`; Strawberry `extensions=[QueryDepthLimiter(max_depth=8), MaxTokensLimiter(max_token_count=1000)]`; Graphene `validation_rules=[depth_limit_validator(max_depth=8)]`; Ariadne `validation_rules=[cost_validator(maximum_cost=1000)]`. Leave batching off, or cap the batch size.',
  messages: {
    depth: '`{{call}}` serves GraphQL with no query depth or cost limit anywhere in the project.',
    batching: '`{{setting}}` accepts batched operations with no limit on their number.',
  },
  run(ctx, report) {
    const limited = hasGraphqlDepthLimit(ctx);
    for (const server of graphqlServers(ctx)) {
      if (!limited) report({ messageId: 'depth', data: { call: `${server.call.written}(…)` }, ...at(ctx, server.source, server.call.node) });
      for (const name of ['allowBatchedHttpRequests', 'allowBatchedQueries', 'batching', 'batch']) {
        const setting = server.option(name);
        if (setting && literalValue(setting) === true) report({ messageId: 'batching', data: { setting: parentOf(setting)?.text ?? setting.text }, ...at(ctx, server.source, parentOf(setting) ?? setting) });
      }
    }
  },
});
