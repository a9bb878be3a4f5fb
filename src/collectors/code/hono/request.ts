import type { RequestSourceProvider } from '../plugin.js';

/** Hono: the request is `c.req`, read with `param()` and `header()` (and the Fetch API's methods). */
export const honoRequest: RequestSourceProvider = {
  family: 'js',
  traced: { receivers: ['c'], attributes: [String.raw`req\.(query|param|json)`] },
  bases: ['c.req'],
  attributes: { param: true, header: true },
  query: { queries: [String.raw`c\.req\.(query|queryStringParameters)`] },
};
