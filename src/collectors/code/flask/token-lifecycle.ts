import type { SourceFile } from '../../../engine/context.js';
import { descendantsOf } from '../../../parsing/tree-index.js';
import type { TokenLifecycleFact, TokenLifecycleProvider } from '../plugin.js';

/** flask-jwt-extended's `@jwt.token_in_blocklist_loader` (or its older `token_in_blacklist_loader`): revoked tokens are refused. */
function blocklistLoaders(python: readonly SourceFile[]): TokenLifecycleFact[] {
  const out: TokenLifecycleFact[] = [];
  for (const source of python) {
    for (const decorator of descendantsOf(source.tree.rootNode, ['decorator'])) {
      if (!/\.(token_in_blocklist_loader|token_in_blacklist_loader)\b/.test(decorator.text)) continue;
      out.push({ kind: 'revocation', source, node: decorator, detail: 'flask-jwt-extended refuses tokens its `token_in_blocklist_loader` reports revoked' });
    }
  }
  return out;
}

/** Flask-Login's `logout_user` ends the session; flask-jwt-extended issues self-contained tokens and refuses those its blocklist loader reports revoked. */
export const flaskTokenLifecycle: TokenLifecycleProvider = {
  languages: ['python'],
  logouts: ['flask_login\\.logout_user', 'flask_login\\.utils\\.logout_user'],
  statelessModules: ['flask_jwt_extended'],
  configured: blocklistLoaders,
};
