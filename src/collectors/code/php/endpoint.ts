import type { ProjectInfo, SourceFile } from '../../../engine/context.js';

/** True when composer.json requires one of `packages`, or a PHP file uses one of `namespaces`. */
export function phpEnabled(project: ProjectInfo, sources: readonly SourceFile[], packages: readonly string[], namespaces: RegExp): boolean {
  const composer = project.dependencies['composer'] ?? [];
  if (packages.some((name) => composer.includes(name))) return true;
  return sources.some((source) => source.language === 'php' && namespaces.test(source.text));
}

/** Joins URL segments the way Laravel and Symfony do: one slash between, none at the end. */
export function joinPath(...parts: readonly string[]): string {
  const segments = parts.flatMap((part) => part.split('/')).filter((segment) => segment !== '');
  return `/${segments.join('/')}`;
}

/** `{id}`, `{id?}`, `{slug:title}` (Laravel) and `{id<\d+>}`, `{page?1}` (Symfony) become `{id}`. */
export function normalisePath(raw: string): string {
  return raw.replace(/\{([A-Za-z_][A-Za-z0-9_]*)[^}]*\}/g, '{$1}');
}
