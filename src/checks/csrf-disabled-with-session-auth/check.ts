import defineCheck from '../define-check.js';
import { springCsrfGaps } from './jvm.js';

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
    'Keep CSRF protection on for session-based log-in (Spring Security enables it by default: remove `csrf().disable()`; for a JavaScript front end use `csrf(csrf -> csrf.csrfTokenRepository(CookieCsrfTokenRepository.withHttpOnlyFalse()))`), or make the API stateless (`sessionCreationPolicy(SessionCreationPolicy.STATELESS)` with bearer tokens) before turning CSRF off.',
  messages: {
    spring: 'The filter chain turns CSRF protection off while {{logins}} keeps users in a session cookie.',
  },
  run(ctx, report) {
    for (const gap of springCsrfGaps(ctx.sources)) {
      report({ messageId: 'spring', data: { logins: gap.logins }, location: gap.where, evidence: { snippet: 'csrf disabled' } });
    }
  },
});
