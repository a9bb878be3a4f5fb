import type { AuthzProvider } from '../plugin.js';

/** Graphene, Strawberry and Ariadne resolvers: the caller on `info.context`. */
export const pythonGraphqlAuthz: AuthzProvider = {
  identity: { family: 'python', callerHolders: [String.raw`info\.context`] },
};
