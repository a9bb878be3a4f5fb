/**
 * JSR-250's `@RolesAllowed` (`jakarta.annotation.security`, `javax.annotation.security`), which Spring, JAX-RS and
 * Micronaut handlers all carry alike: the `jvm-jsr250` library family's `jvmRoles` section.
 */
import type { JvmRolesProvider } from '../plugin.js';

export const jsr250Roles: JvmRolesProvider = { annotations: ['RolesAllowed'] };
