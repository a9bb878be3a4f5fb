import type { AppCodeProvider } from '../plugin.js';

/** `app.config[…]`, `current_app.config[…]` read the deployment's configuration. */
export const flaskAppCode: AppCodeProvider = {
  configReads: [String.raw`(?:flask\.)?(?:current_app|app|self\.app)\.config\b`],
};
