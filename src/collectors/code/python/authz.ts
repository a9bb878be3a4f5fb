import type { AuthzProvider } from '../plugin.js';

/** How Python handlers of any framework read the caller: the request, the session, a SQLAlchemy session parameter that is not it. */
export const pythonAuthz: AuthzProvider = {
  identity: {
    family: 'python',
    callerHolders: ['request', 'session', 'context'],
    caller: [String.raw`\b(?:current_user|auth_user|principal|caller|viewer|get_current_user\(\)|session\.user|claims\[["']sub["']\]|claims\.sub|token\.sub)`],
    sessionParameter: [String.raw`:\s*(?:sqlalchemy\.orm\.|orm\.)?(?:Async)?Session\b`],
  },
};
