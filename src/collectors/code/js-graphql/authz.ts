import type { AuthzProvider } from '../plugin.js';

/** GraphQL resolvers (graphql-js, Apollo …): the caller on the resolver's `info.context`. */
export const jsGraphqlAuthz: AuthzProvider = {
  identity: { family: 'js', callerHolders: [String.raw`info\.context`] },
};
