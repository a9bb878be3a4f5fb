/**
 * Spring Security's method security annotations that restrict a handler to a role or an authority (the plugin's
 * `jvmRoles` section): `@Secured` whatever its attributes, and `@PreAuthorize` unless its SpEL expression asks for
 * authentication only (`isAuthenticated()`, `permitAll()` …); Micronaut's `@Secured` has the same simple name and is read alike.
 * `@RolesAllowed` is JSR-250's (jvm/roles.ts).
 */
import type { JvmRolesProvider } from '../plugin.js';

export const springRoles: JvmRolesProvider = {
  annotations: ['Secured'],
  expressions: [{ annotation: 'PreAuthorize', authenticatedOnly: '^(isAuthenticated|isFullyAuthenticated|permitAll|isRememberMe)\\(\\)$' }],
};
