import { at } from '../../analysis/code-auth.js';
import { lineSnippet } from '../../analysis/code-transport.js';
import type { Location } from '../../model/types.js';
import defineCheck from '../define-check.js';
import type { HandlerVerdict } from './handlers.js';
import { tokenLifecycle } from './lifecycle.js';

/** The route's declaration (decorator, `router.post(…)`) when it is in the handler's file: where a reader looks first. */
function routeLocation(verdict: HandlerVerdict): { location: Location } | Record<string, never> {
  const declared = verdict.endpoint.sources.find((entry) => entry.kind === 'code' && entry.location.file === verdict.source.file);
  return declared ? { location: declared.location } : {};
}

export default defineCheck({
  id: 'token-revocation-missing',
  title: 'Token not rotated or revoked server-side',
  owasp: 'API2:2023',
  cwe: ['CWE-613'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'A refresh token that stays valid after use, or a logout that only deletes the cookie in the browser, leaves a stolen token working until it expires: the user cannot end a compromised session, and a replayed refresh token is never noticed.',
  remediation:
    "Keep server-side state for long-lived tokens and end it: on refresh, issue a new refresh token and delete or deny-list the presented one (store its `jti`, or a per-user token version the verifier compares); on logout, delete the stored refresh token or add the access token's `jti` to a deny list the authentication checks (flask-jwt-extended `@jwt.token_in_blocklist_loader`, express-jwt `isRevoked`); djangorestframework-simplejwt: `SIMPLE_JWT = {'ROTATE_REFRESH_TOKENS': True, 'BLACKLIST_AFTER_ROTATION': True}` with `rest_framework_simplejwt.token_blacklist` in `INSTALLED_APPS` and `TokenBlacklistView` for logout.",
  messages: {
    unrotated: '`{{endpoint}}` issues tokens ({{issue}}) without invalidating the refresh token it was given, so a stolen refresh token keeps minting access tokens until it expires.',
    clientOnly: '`{{endpoint}}` logs out without invalidating anything on the server{{cookie}}: the tokens the client held stay valid until they expire.',
    library: 'The token library leaves used tokens valid: {{detail}}.',
  },
  run(ctx, report) {
    const lifecycle = tokenLifecycle(ctx);
    for (const verdict of lifecycle.unrotated) {
      const issue = verdict.issues?.call.written ?? 'a token';
      report({
        messageId: 'unrotated',
        data: { endpoint: `${verdict.endpoint.method} ${verdict.endpoint.path}`, issue: `\`${issue}\`` },
        ...at(ctx, verdict.source, verdict.node, lineSnippet(verdict.source, verdict.node)),
        ...routeLocation(verdict),
        endpointId: verdict.endpoint.id,
        key: verdict.endpoint.id,
      });
    }
    for (const verdict of lifecycle.clientOnly) {
      report({
        messageId: 'clientOnly',
        data: { endpoint: `${verdict.endpoint.method} ${verdict.endpoint.path}`, cookie: verdict.clearsCookie ? ` (it only clears cookies: \`${verdict.clearsCookie.written}\`)` : '' },
        ...at(ctx, verdict.source, verdict.node, lineSnippet(verdict.source, verdict.node)),
        ...routeLocation(verdict),
        endpointId: verdict.endpoint.id,
        key: verdict.endpoint.id,
      });
    }
    for (const gap of lifecycle.libraryGaps) {
      report({ messageId: 'library', data: { detail: gap.detail }, ...at(ctx, gap.source, gap.node) });
    }
  },
});
