export const SOURCE_LANGUAGES = ['python', 'javascript', 'typescript', 'tsx', 'go', 'java', 'kotlin', 'php', 'ruby', 'csharp'] as const;
export type SourceLanguage = (typeof SOURCE_LANGUAGES)[number];

const BY_EXTENSION: Record<string, SourceLanguage> = {
  '.py': 'python',
  '.js': 'javascript',
  '.mjs': 'javascript',
  '.cjs': 'javascript',
  '.jsx': 'javascript',
  '.ts': 'typescript',
  '.mts': 'typescript',
  '.cts': 'typescript',
  '.tsx': 'tsx',
  '.go': 'go',
  '.java': 'java',
  '.kt': 'kotlin',
  '.kts': 'kotlin',
  '.php': 'php',
  '.rb': 'ruby',
  '.cs': 'csharp',
};

export function languageOf(path: string): SourceLanguage | undefined {
  if (path.endsWith('.d.ts')) return undefined;
  const dot = path.lastIndexOf('.');
  if (dot < 0) return undefined;
  return BY_EXTENSION[path.slice(dot).toLowerCase()];
}

/** JavaScript and its dialects share most queries. */
export function isJsFamily(language: SourceLanguage): boolean {
  return language === 'javascript' || language === 'typescript' || language === 'tsx';
}
