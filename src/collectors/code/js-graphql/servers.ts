import type { Node } from 'web-tree-sitter';
import type { CallSite } from '../../../analysis/code.js';
import type { GraphqlServerProvider } from '../plugin.js';

/** A property of the object literal passed as argument `index` (key as written, shorthand included). */
export function jsOptionsAt(call: CallSite, index: number): (name: string) => Node | undefined {
  return (name) => {
    const object = call.args[index];
    if (object?.type !== 'object') return undefined;
    for (const child of object.namedChildren) {
      if (child?.type === 'pair' && (child.childForFieldName('key')?.text ?? '') === name) return child.childForFieldName('value') ?? undefined;
      if (child?.type === 'shorthand_property_identifier' && child.text === name) return child;
    }
    return undefined;
  };
}

/** Apollo Server (introspection off in production by default), express-graphql and GraphQL Yoga (on unless configured off). */
export const jsGraphqlServers: GraphqlServerProvider = {
  // graphql-depth-limit, graphql-validation-complexity, graphql-query-complexity, graphql-cost-analysis, GraphQL Armor, envelop.
  queryLimits: ['graphql-depth-limit', 'createComplexityLimitRule', 'graphql-query-complexity', 'getComplexity', 'costAnalysis', 'graphql-cost-analysis', 'graphql-armor', 'useDepthLimit'],
  // graphql-js's validation rule, envelop's plugin, graphql-disable-introspection.
  introspectionOff: ['NoSchemaIntrospectionCustomRule', 'useDisableIntrospection', 'graphql-disable-introspection'],
  server(source, call) {
    const c = call.callee;
    if (call.isNew && /^(@apollo\/server|apollo-server(-\w+)?)\.ApolloServer$/.test(c)) return { source, call, library: 'apollo', option: jsOptionsAt(call, 0), introspectionByDefault: false };
    if (/^express-graphql\.graphqlHTTP$|^express-graphql$/.test(c)) return { source, call, library: 'express-graphql', option: jsOptionsAt(call, 0), introspectionByDefault: true };
    if (/^graphql-yoga\.createYoga$/.test(c)) return { source, call, library: 'yoga', option: jsOptionsAt(call, 0), introspectionByDefault: true };
    return undefined;
  },
};
