import { readFileSync } from 'node:fs';

let cached: string | undefined;

/** The version in package.json (two levels up from both src/cli and dist/cli). */
export function packageVersion(): string {
  if (cached !== undefined) return cached;
  try {
    const parsed: unknown = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8'));
    const version = typeof parsed === 'object' && parsed !== null && 'version' in parsed ? parsed.version : undefined;
    cached = typeof version === 'string' ? version : '0.0.0';
  } catch {
    cached = '0.0.0';
  }
  return cached;
}
