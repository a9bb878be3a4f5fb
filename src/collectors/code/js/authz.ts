import type { AuthzProvider } from '../plugin.js';

/**
 * How JS handlers of any framework read the caller and the object ids: `req`/`request` (Express and its
 * kin), the Fetch API's `searchParams`, and `event.locals` / `event.params` of the server frameworks that
 * have no collector of their own (SvelteKit, Astro).
 */
export const jsAuthz: AuthzProvider = {
  // CASL's `ForbiddenError.from(ability).throwUnlessCan(…)`; node-casbin; the Oso, Cerbos and Permit.io clients.
  policy: { calls: ['throwUnlessCan'], receivers: ['casbin'], engines: ['oso', 'permit', 'cerbos'] },
  identity: {
    family: 'js',
    callerHolders: ['request', 'req', 'session', 'context', String.raw`event\.locals`, 'locals'],
    caller: [String.raw`\b(?:currentUser|authUser|principal|caller|viewer|session\.user|claims\[["']sub["']\]|claims\.sub|token\.sub)`],
    ids: [
      String.raw`\b(?:req|request|event)\.params\b`,
      String.raw`\bparams\.(?:id|\w+Id|\w+_id|slug)\b`,
      String.raw`\b(?:req|request)\.(?:query|body)\.(?:id|\w+Id|\w+_id|\w+ID)\b`,
      String.raw`\bsearchParams\.get\(\s*["'](?:id|\w+Id)["']`,
    ],
  },
};
