import defineCheck from '../define-check.js';
import { at } from '../../analysis/code-auth.js';
import { csrfProviders } from '../../collectors/code/plugins.js';

export default defineCheck({
  id: 'csrf-disabled-with-session-auth',
  title: 'CSRF protection disabled for cookie-session authentication',
  owasp: 'API8:2023',
  cwe: ['CWE-352'],
  severity: 'high',
  confidence: 'high',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'With the user held in a session cookie the browser sends it on every request, including those another site makes it send; without CSRF tokens a page the user visits can change their data through the API.',
  remediation:
    'Keep CSRF protection on for session-based log-in (Spring Security enables it by default: remove `csrf().disable()`; for a JavaScript front end use `csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse()))`), or make the API stateless (`sessionCreationPolicy(SessionCreationPolicy.STATELESS)` with bearer tokens) before turning CSRF off. In Rails keep `protect_from_forgery with: :exception` and, for API controllers, inherit from `ActionController::API` or use `protect_from_forgery with: :null_session` so a request without the token gets no session, instead of `skip_before_action :verify_authenticity_token` on actions that use `current_user`.',
  // Each framework's messages (src/collectors/code/<framework>/csrf.ts).
  messages: Object.assign({}, ...csrfProviders().map((provider) => provider.messages)) as Record<string, string>,
  run(ctx, report) {
    for (const provider of csrfProviders()) {
      for (const gap of provider.gaps(ctx)) {
        const where = 'location' in gap ? { location: gap.location, evidence: { snippet: gap.snippet } } : at(ctx, gap.source, gap.node, gap.snippet);
        report({ messageId: gap.messageId, ...(gap.data ? { data: gap.data } : {}), ...where });
      }
    }
  },
});
