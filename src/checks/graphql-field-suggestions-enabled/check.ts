import { at } from '../../analysis/code-auth.js';
import { graphqlServers, introspectionDisabledInCode, type GraphqlServer } from '../../analysis/code-authz.js';
import { literalValue, nodesOfType, stringValue } from '../../analysis/code.js';
import type { CheckContext } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

// GraphQL Armor (block-field-suggestion plugin or the Apollo/Envelop presets, which enable it),
// Apollo Server 4.12+ `hideSchemaDetailsFromClientErrors`, graphql-js 17 `hideSuggestions`, Strawberry `MaskErrors`.
const BLOCKERS =
  /graphql-armor-block-field-suggestion|blockFieldSuggestionsPlugin|\bApolloArmor\b|\bEnvelopArmor(Plugin)?\b|\bMaskErrors\b|\bhideSchemaDetailsFromClientErrors\s*:\s*true\b|\bhideSuggestions\s*:\s*true\b/;
// GraphQL Armor's presets block suggestions unless told not to.
const ARMOR_OPT_OUT = /blockFieldSuggestion\s*:\s*\{[^}]*\benabled\s*:\s*false/;
const SUGGESTION_TEXT = /did you mean/i;
const INTROSPECTION_OFF = /NoSchemaIntrospectionCustomRule|DisableIntrospection|useDisableIntrospection|disable_introspection|graphql-disable-introspection/;

const blockedCache = new WeakMap<CheckContext, boolean>();

/** A plugin, option or error formatter somewhere in the project removes "Did you mean …?" suggestions. */
function suggestionsBlocked(ctx: CheckContext): boolean {
  const cached = blockedCache.get(ctx);
  if (cached !== undefined) return cached;
  let blocked = false;
  for (const source of ctx.sources) {
    // A formatter that rewrites the message: only string and regex literals count, never a comment.
    blocked =
      (BLOCKERS.test(source.text) && !ARMOR_OPT_OUT.test(source.text)) ||
      (SUGGESTION_TEXT.test(source.text) &&
        nodesOfType(source, ['string', 'regex', 'template_string']).some((node) => SUGGESTION_TEXT.test(stringValue(node) ?? node.text)));
    if (blocked) break;
  }
  blockedCache.set(ctx, blocked);
  return blocked;
}

/** How this server hides its schema, as written; undefined when nothing visibly turns introspection off. */
function introspectionOff(ctx: CheckContext, server: GraphqlServer): string | undefined {
  const setting = server.option('introspection');
  if (setting) {
    const value = literalValue(setting);
    if (value === true) return undefined;
    return (parentOf(setting) ?? setting).text.replace(/\s+/g, ' ');
  }
  const inCall = INTROSPECTION_OFF.exec(server.call.node.text);
  if (inCall) return inCall[0];
  if (introspectionDisabledInCode(ctx)) {
    for (const source of ctx.sources) {
      const found = INTROSPECTION_OFF.exec(source.text);
      if (found) return found[0];
    }
  }
  return undefined;
}

export default defineCheck({
  id: 'graphql-field-suggestions-enabled',
  title: 'GraphQL field suggestions left on with introspection off',
  owasp: 'API8:2023',
  cwe: ['CWE-200'],
  severity: 'low',
  confidence: 'medium',
  section: 'authorization',
  targets: ['code'],
  rationale:
    'With introspection off, GraphQL validation still answers a misspelt field with "Did you mean …?" and the real names: tools such as Clairvoyance rebuild most of the hidden schema, admin mutations included, from those errors alone, so turning introspection off hides much less than the team intended.',
  remediation:
    'Strip suggestions from validation errors where introspection is off: GraphQL Armor `blockFieldSuggestionsPlugin()` (`@escape.tech/graphql-armor-block-field-suggestion`) in Yoga/Envelop `plugins`, or `new ApolloArmor().protect()` for Apollo; Apollo Server 4.12+ `hideSchemaDetailsFromClientErrors: true`; Strawberry `extensions=[MaskErrors()]`; otherwise a `formatError` / `error_formatter` that removes the "Did you mean …?" sentence from `GraphQLError.message` in production.',
  messages: {
    suggestions:
      '`{{call}}` hides its schema ({{how}}) but {{library}} still answers unknown fields with "Did you mean …?" suggestions that reveal the real field names.',
  },
  run(ctx, report) {
    const servers = graphqlServers(ctx);
    if (servers.length === 0 || suggestionsBlocked(ctx)) return;
    for (const server of servers) {
      const how = introspectionOff(ctx, server);
      if (!how) continue;
      report({
        messageId: 'suggestions',
        data: { call: `${server.call.written}(…)`, how: `\`${how.length > 70 ? `${how.slice(0, 69)}…` : how}\``, library: server.library },
        ...at(ctx, server.source, server.call.node),
      });
    }
  },
});
