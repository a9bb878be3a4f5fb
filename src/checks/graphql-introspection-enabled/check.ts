import { at } from '../../analysis/code-auth.js';
import { graphqlServers, introspectionDisabledInCode } from '../../analysis/code-authz.js';
import { literalValue } from '../../analysis/code.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

export default defineCheck({
  id: 'graphql-introspection-enabled',
  // Under 50% useful precision on the real-world corpus (bench/realworld, 1 of 3 useful: introspection behind a login the collectors do not see yet, or on an API whose clients are public): off unless --experimental.
  experimental: true,
  title: 'GraphQL introspection enabled in production',
  owasp: 'API8:2023',
  cwe: ['CWE-200', 'CWE-16'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authorization',
  targets: ['code'],
  rationale:
    'Introspection hands anyone the whole schema: every type, field, argument and mutation, including admin ones, which maps the attack surface for BOLA and authorization probing in one request.',
  remediation:
    'Turn introspection off outside development: Apollo `introspection: process.env.NODE_ENV !== "production"`; express-graphql / Yoga `validationRules: [NoSchemaIntrospectionCustomRule]` / `useDisableIntrospection()`; Strawberry `extensions=[DisableIntrospection()]` (or `AddValidationRules([NoSchemaIntrospectionCustomRule])`); Ariadne `GraphQL(schema, introspection=False)`; Graphene `validation_rules=[DisableIntrospection]`.',
  messages: {
    explicit: '`{{setting}}` enables GraphQL introspection unconditionally.',
    byDefault: '`{{call}}` serves introspection: {{library}} enables it by default and nothing turns it off.',
  },
  run(ctx, report) {
    const disabled = introspectionDisabledInCode(ctx);
    for (const server of graphqlServers(ctx)) {
      const setting = server.option('introspection');
      if (setting) {
        if (literalValue(setting) === true) report({ messageId: 'explicit', data: { setting: parentOf(setting)?.text ?? setting.text }, ...at(ctx, server.source, parentOf(setting) ?? setting) });
        continue;
      }
      if (!server.introspectionByDefault || disabled) continue;
      report({ messageId: 'byDefault', data: { call: `${server.call.written}(…)`, library: server.library }, ...at(ctx, server.source, server.call.node) });
    }
  },
});
