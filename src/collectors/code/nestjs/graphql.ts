import { jsOptionsAt } from '../js-graphql/servers.js';
import type { GraphqlServerProvider } from '../plugin.js';

/** `GraphQLModule.forRoot({ … })` / `forRootAsync` of @nestjs/graphql. */
export const nestGraphql: GraphqlServerProvider = {
  server(source, call) {
    if (/^@nestjs\/graphql\.GraphQLModule\.forRoot(Async)?$/.test(call.callee)) return { source, call, library: 'nestjs', option: jsOptionsAt(call, 0), introspectionByDefault: true };
    return undefined;
  },
};
