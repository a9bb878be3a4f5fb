import type { ProjectInfo } from '../../../engine/context.js';
import type { PhpSigningKeyProvider } from '../plugin.js';

/** Symfony's committed `.env` holds development defaults by design (real values live in `.env.local` or the environment). */
export const symfonySigningKeys: PhpSigningKeyProvider = {
  uses: (_php, project: ProjectInfo): boolean => (project.dependencies['composer'] ?? []).includes('symfony/framework-bundle'),
  committedDefaults: true,
};
