import { factsOf } from '../../../analysis/code.js';
import { jsOptionsAt } from '../js-graphql/servers.js';
import type { GraphqlServerProvider } from '../plugin.js';

/** mercurius, Fastify's GraphQL plugin: `app.register(mercurius, { schema, graphiql, … })`. */
export const fastifyGraphql: GraphqlServerProvider = {
  server(source, call) {
    if (/\.register$/.test(call.callee) && call.args[0] && /^mercurius$/.test(factsOf(source).imports.get(call.args[0].text) ?? '')) {
      return { source, call, library: 'mercurius', option: jsOptionsAt(call, 1), introspectionByDefault: true };
    }
    return undefined;
  },
};
