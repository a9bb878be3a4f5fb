import type { AuthzProvider } from '../plugin.js';

/**
 * Flask: the caller on `g` or flask-jwt-extended's `get_jwt_identity()`; ids in `request.args/form/json/view_args`
 * and `get_json()`; Flask-Security's and Flask-User's `@roles_required` / `@roles_accepted`.
 */
export const flaskAuthz: AuthzProvider = {
  roles: { calls: ['roles_required', 'roles_accepted'], words: ['roles_accepted'] },
  identity: {
    family: 'python',
    callerHolders: ['g'],
    caller: [String.raw`\bget_jwt_identity\(\)`],
    ids: [
      String.raw`\brequest\.(?:args|form|json|view_args)(?:\.get\(\s*|\[\s*)["'](?:id|pk|uuid|\w+_id)["']`,
      String.raw`\brequest\.get_json\(\)(?:\.get\(\s*|\[\s*)["'](?:id|\w+_id)["']`,
    ],
  },
};
