/**
 * Spring Security filter chains (facts from the Spring plugin) that turn CSRF protection off while
 * keeping the user in a cookie session: `formLogin`, `oauth2Login`, `rememberMe` or `saml2Login`
 * without `SessionCreationPolicy.STATELESS`. A token-only (stateless) API does not need CSRF tokens.
 * Read by csrf-disabled-with-session-auth through the plugin's `csrf` section.
 */
import type { CheckContext, SourceFile } from '../../../engine/context.js';
import type { Location } from '../../../model/types.js';
import type { CsrfProvider, FrameworkFinding } from '../plugin.js';
import { jvmFiles } from '../jvm/ast.js';
import { JvmProgram } from '../jvm/values.js';
import { securityChains } from './security.js';

interface SpringCsrfGap {
  where: Location;
  logins: string;
}

function springCsrfGaps(sources: readonly SourceFile[]): SpringCsrfGap[] {
  if (!sources.some((source) => (source.language === 'java' || source.language === 'kotlin') && /\bcsrf\b/.test(source.text))) return [];
  const program = new JvmProgram(jvmFiles(sources));
  return securityChains(program)
    .filter((chain) => chain.csrfDisabled && !chain.notApplied && !chain.stateless && (chain.sessionLogins?.length ?? 0) > 0)
    .flatMap((chain) => (chain.csrfDisabled ? [{ where: chain.csrfDisabled, logins: [...new Set(chain.sessionLogins)].join(', ') }] : []));
}

export const springCsrf: CsrfProvider = {
  messages: {
    spring: 'The filter chain turns CSRF protection off while {{logins}} keeps users in a session cookie.',
  },
  gaps(ctx: CheckContext): FrameworkFinding[] {
    return springCsrfGaps(ctx.sources).map((gap) => ({ messageId: 'spring', data: { logins: gap.logins }, location: gap.where, snippet: 'csrf disabled' }));
  },
};
