import type { AuthzProvider } from '../plugin.js';

/** How Python handlers of any framework read the caller: the request, the session, a SQLAlchemy session parameter that is not it. */
export const pythonAuthz: AuthzProvider = {
  // pycasbin; the Oso, Cerbos and Permit.io clients.
  policy: { receivers: ['casbin'], engines: ['oso', 'permit', 'cerbos'] },
  identity: {
    family: 'python',
    callerHolders: ['request', 'session', 'context'],
    caller: [String.raw`\b(?:current_user|auth_user|principal|caller|viewer|get_current_user\(\)|session\.user|claims\[["']sub["']\]|claims\.sub|token\.sub)`],
    sessionParameter: [String.raw`:\s*(?:sqlalchemy\.orm\.|orm\.)?(?:Async)?Session\b`],
  },
};
