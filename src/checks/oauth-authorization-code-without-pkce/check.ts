import { at } from '../../analysis/code-auth.js';
import { oauthClients } from '../../analysis/oauth-clients.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'oauth-authorization-code-without-pkce',
  title: 'OAuth authorization-code client without PKCE',
  owasp: 'API2:2023',
  cwe: ['CWE-352', 'CWE-863'],
  severity: 'medium',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'Without PKCE an authorization code intercepted on its way back (a malicious app registered for the same redirect scheme, a leaked referrer or log, an open redirect) can be exchanged for tokens by someone else; OAuth 2.1 and RFC 9700 require PKCE for every client, public or confidential.',
  remediation:
    "Send a PKCE challenge with every authorization request: passport-oauth2 strategies `new Strategy({ …, state: true, pkce: true }, verify)`; Authlib `oauth.register(…, client_kwargs={'scope': 'openid email', 'code_challenge_method': 'S256'})`; openid-client `client.authorizationUrl({ code_challenge: generators.codeChallenge(verifier), code_challenge_method: 'S256' })`.",
  messages: {
    missing: 'The OAuth authorization-code client `{{call}}` sends no PKCE challenge ({{detail}}).',
  },
  run(ctx, report) {
    for (const client of oauthClients(ctx.sources)) {
      if (client.pkce) continue;
      report({ messageId: 'missing', data: { call: client.snippet.split('(')[0] ?? client.snippet, detail: client.detail }, ...at(ctx, client.source, client.node) });
    }
  },
});
