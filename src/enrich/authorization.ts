import { codeEndpoints, endpointAuthz } from '../analysis/code-authz.js';
import type { Enricher } from './enricher.js';

/** Object- and function-level authorization evidence for every code endpoint with a handler. */
export const authorizationEnricher: Enricher = {
  id: 'authorization',
  run(ctx) {
    for (const endpoint of codeEndpoints(ctx)) {
      const analysis = endpointAuthz(ctx, endpoint);
      if (analysis) endpoint.authorization = analysis.evidence;
    }
    return [];
  },
};
