import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { arrayEntries, literalString, returnedConfig, unwrap } from '../php/ast.js';
import type { CorsSettingsProvider, SettingsCorsPolicy } from '../plugin.js';

function strings(node: Node): string[] {
  return (arrayEntries(node) ?? []).flatMap((entry) => {
    const value = literalString(entry.value);
    return value === undefined ? [] : [value];
  });
}

function isTrue(node: Node): boolean {
  const value = unwrap(node);
  return (value.type === 'boolean' || value.type === 'name') && value.text.toLowerCase() === 'true';
}

/**
 * Laravel's `config/cors.php` (fruitcake/php-cors behind `HandleCors`): `allowed_origins => ['*']` or a
 * pattern matching everything, with `supports_credentials => true`, makes the middleware echo any origin back.
 */
function wildcardWithCredentials(source: SourceFile): SettingsCorsPolicy[] {
  if (source.language !== 'php' || !/(^|\/)config\/cors\.php$/.test(source.file)) return [];
  const config = returnedConfig(source.tree.rootNode);
  const credentials = config.get('supports_credentials');
  if (!credentials || !isTrue(credentials.value)) return [];
  const origins = config.get('allowed_origins');
  const patterns = config.get('allowed_origins_patterns');
  const wildcard = origins && strings(origins.value).includes('*');
  const everything = patterns && strings(patterns.value).some((pattern) => /^(?:\*|\.\*|#\.\*#|\/\.\*\/|#\^\.\*\$#)$/.test(pattern));
  if (!wildcard && !everything) return [];
  const at = (wildcard ? origins : patterns) ?? credentials;
  return [{ node: at.key.parent ?? at.key, label: `${at.key.parent?.text ?? ''} with 'supports_credentials' => true` }];
}

export const laravelCors: CorsSettingsProvider = { wildcardWithCredentials };
