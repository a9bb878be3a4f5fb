import defineCheck from '../define-check.js';
import { springCsrfGaps } from './jvm.js';
import { railsCsrfGaps } from './ruby.js';
import { at } from '../../analysis/code-auth.js';

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
  messages: {
    spring: 'The filter chain turns CSRF protection off while {{logins}} keeps users in a session cookie.',
    rails: '`{{skip}}` turns CSRF protection off for {{routes}}, which act as the user of the session cookie (`{{via}}`).',
  },
  run(ctx, report) {
    for (const gap of springCsrfGaps(ctx.sources)) {
      report({ messageId: 'spring', data: { logins: gap.logins }, location: gap.where, evidence: { snippet: 'csrf disabled' } });
    }
    for (const gap of railsCsrfGaps(ctx)) {
      const routes = gap.routes.length > 3 ? `${gap.routes.slice(0, 3).map((route) => `\`${route}\``).join(', ')} and ${gap.routes.length - 3} more` : gap.routes.map((route) => `\`${route}\``).join(', ');
      report({ messageId: 'rails', data: { skip: gap.node.text.split('\n')[0] ?? '', routes, via: gap.via }, ...at(ctx, gap.source, gap.node) });
    }
  },
});
