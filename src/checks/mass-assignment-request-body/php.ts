import { phpMassAssignmentProviders } from '../../collectors/code/plugins.js';
import type { PhpMassAssignment } from '../../collectors/code/plugin.js';
import type { SourceFile } from '../../engine/context.js';

/** The frameworks' mass assignments of the whole request into a model that lets privileged or all columns through (their `phpMassAssignment` sections: Eloquent). */
export function phpMassAssignments(sources: readonly SourceFile[]): PhpMassAssignment[] {
  return phpMassAssignmentProviders().flatMap((provider) => provider.writes(sources));
}
