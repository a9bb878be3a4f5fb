import type { AppCodeProvider } from '../plugin.js';

/** `const app = express()`; `require('express')` / `from 'express'` make a file server code. */
export const expressAppCode: AppCodeProvider = {
  creation: [String.raw`\bexpress\s*\(`],
  serverModules: { required: ['express'], imported: ['express'] },
};
