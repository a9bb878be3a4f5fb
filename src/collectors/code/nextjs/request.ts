import type { RequestSourceProvider } from '../plugin.js';

/** Next.js: a route handler's `request.nextUrl`. */
export const nextRequest: RequestSourceProvider = {
  family: 'js',
  attributes: { nextUrl: true },
};
