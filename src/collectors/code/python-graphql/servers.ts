import type { Node } from 'web-tree-sitter';
import type { GraphqlServerProvider } from '../plugin.js';

/** Strawberry's, Graphene's and Ariadne's schema or ASGI/WSGI app: options are the call's keywords. */
export const pythonGraphqlServers: GraphqlServerProvider = {
  // Strawberry's extensions, graphene's `depth_limit_validator`, Ariadne's `cost_validator`.
  queryLimits: ['QueryDepthLimiter', 'MaxTokensLimiter', 'MaxAliasesLimiter', 'depth_limit_validator', 'cost_validator'],
  // Strawberry's and graphene's `DisableIntrospection`, Ariadne's `disable_introspection`.
  introspectionOff: ['DisableIntrospection', 'disable_introspection'],
  server(source, call) {
    const c = call.callee;
    const library = /^strawberry\.Schema$|^strawberry\.federation\.Schema$/.test(c) ? 'strawberry' : /^graphene\.Schema$/.test(c) ? 'graphene' : /^ariadne\.asgi\.GraphQL$|^ariadne\.wsgi\.GraphQL$/.test(c) ? 'ariadne' : undefined;
    if (!library) return undefined;
    const option = (name: string): Node | undefined => call.kwargs.get(name);
    return { source, call, library, option, introspectionByDefault: true };
  },
};
