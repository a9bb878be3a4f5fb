import type { AppCodeProvider } from '../plugin.js';

/** `from 'next/server'` (route handlers, middleware) makes a file server code. */
export const nextAppCode: AppCodeProvider = {
  serverModules: { imported: [String.raw`next\/server`] },
};
