import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import { isJsFamily } from '../../../parsing/languages.js';

/** True when the manifests name the framework or a JS/TS source imports one of its packages. */
export function jsEnabled(project: ProjectInfo, sources: readonly SourceFile[], frameworks: readonly string[], packages: readonly string[]): boolean {
  if (frameworks.some((id) => project.frameworks.includes(id))) return true;
  if (packages.some((name) => project.dependencies.npm?.includes(name))) return true;
  const needles = packages.flatMap((name) => [`'${name}'`, `"${name}"`, `'${name}/`, `"${name}/`]);
  return sources.some((source) => isJsFamily(source.language) && needles.some((needle) => source.text.includes(needle)));
}
