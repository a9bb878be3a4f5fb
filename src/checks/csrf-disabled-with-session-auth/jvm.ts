/**
 * Spring Security filter chains (facts from the Spring plugin) that turn CSRF protection off while
 * keeping the user in a cookie session: `formLogin`, `oauth2Login`, `rememberMe` or `saml2Login`
 * without `SessionCreationPolicy.STATELESS`. A token-only (stateless) API does not need CSRF tokens.
 */
import type { SourceFile } from '../../engine/context.js';
import type { Location } from '../../model/types.js';
import { jvmFiles } from '../../collectors/code/jvm/ast.js';
import { JvmProgram } from '../../collectors/code/jvm/values.js';
import { securityChains } from '../../collectors/code/spring/security.js';

export interface CsrfGap {
  where: Location;
  logins: string;
}

export function springCsrfGaps(sources: readonly SourceFile[]): CsrfGap[] {
  if (!sources.some((source) => (source.language === 'java' || source.language === 'kotlin') && /\bcsrf\b/.test(source.text))) return [];
  const program = new JvmProgram(jvmFiles(sources));
  return securityChains(program)
    .filter((chain) => chain.csrfDisabled && !chain.notApplied && !chain.stateless && (chain.sessionLogins?.length ?? 0) > 0)
    .flatMap((chain) => (chain.csrfDisabled ? [{ where: chain.csrfDisabled, logins: [...new Set(chain.sessionLogins)].join(', ') }] : []));
}
