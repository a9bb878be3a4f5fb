import type { AppCodeProvider } from '../plugin.js';

/** `require('express')` / `from 'express'` make a file server code. */
export const expressAppCode: AppCodeProvider = {
  serverModules: { required: ['express'], imported: ['express'] },
};
