import type { ProjectInfo, SourceFile } from '../../../engine/context.js';
import type { PhpSigningKeyProvider } from '../plugin.js';

/**
 * Laravel: `config/app.php`'s `key` signs and encrypts session cookies; `APP_KEY` (and jwt-auth's `JWT_SECRET`) in a
 * committed `.env` (Laravel keeps `.env` out of git by default).
 */
export const laravelSigningKeys: PhpSigningKeyProvider = {
  uses: (php: readonly SourceFile[], project: ProjectInfo): boolean =>
    (project.dependencies['composer'] ?? []).includes('laravel/framework') || php.some((source) => /(^|\/)config\/app\.php$/.test(source.file) && /Illuminate\\/.test(source.text)),
  configKeys: [{ file: /(^|\/)config\/app\.php$/, key: 'key', name: 'app.key' }],
  dotenvKeys: ['APP_KEY', 'JWT_SECRET'],
};
