import { jsOptionsAt } from '../js-graphql/servers.js';
import type { GraphqlServerProvider } from '../plugin.js';

/**
 * `GraphQLModule.forRoot({ … })` / `forRootAsync` of @nestjs/graphql. Introspection is not on by default in the sense the
 * check reports: the module's drivers (Apollo's) turn it off when `NODE_ENV` is `production`, so only an explicit `introspection` counts.
 */
export const nestGraphql: GraphqlServerProvider = {
  server(source, call) {
    if (/^@nestjs\/graphql\.GraphQLModule\.forRoot(Async)?$/.test(call.callee)) return { source, call, library: 'nestjs', option: jsOptionsAt(call, 0), introspectionByDefault: false };
    return undefined;
  },
};
