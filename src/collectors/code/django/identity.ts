import type { IdentityEvidence } from '../plugin.js';

/** Class-based views read the caller on `self.request` and the URL's ids in `self.kwargs`; DRF's `request.data` / `query_params`, Django's `request.GET` / `POST`. */
export const djangoIdentity: IdentityEvidence = {
  family: 'python',
  callerHolders: [String.raw`self\.request`],
  ids: [String.raw`\b(?:self\.)?kwargs(?:\.get\(|\[)`, String.raw`\brequest\.(?:GET|POST|data|query_params)(?:\.get\(\s*|\[\s*)["'](?:id|pk|uuid|\w+_id)["']`],
};
