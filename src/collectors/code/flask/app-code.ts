import type { AppCodeProvider } from '../plugin.js';

/** `app = Flask(__name__)`; `app.config[…]`, `current_app.config[…]` read the deployment's configuration. */
export const flaskAppCode: AppCodeProvider = {
  creation: [String.raw`\bFlask\s*\(`],
  configReads: [String.raw`(?:flask\.)?(?:current_app|app|self\.app)\.config\b`],
};
