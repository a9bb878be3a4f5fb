import type { AppCodeProvider } from '../plugin.js';

/** `settings.X` reads the deployment's settings. */
export const djangoAppCode: AppCodeProvider = {
  configReads: [String.raw`(?:django\.conf\.)?settings\.[A-Z_]`],
};
