import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../../engine/context.js';
import { nodesOfType } from '../../../analysis/code.js';
import { type CorsPolicy, isTrue, listEntries } from '../../../analysis/transport/model.js';
import type { TransportProvider } from '../plugin.js';
import { settingValue, settingsOf } from '../python/transport.js';

/**
 * Django projects: one app per production settings module (`MIDDLEWARE` with `INSTALLED_APPS` or
 * `ROOT_URLCONF`), django-cors-headers settings (`CORS_ALLOW_ALL_ORIGINS`, `CORS_ALLOWED_ORIGINS`,
 * `CORS_ALLOWED_ORIGIN_REGEXES` and their pre-3.0 names), `SECURE_SSL_REDIRECT` / `SECURE_HSTS_SECONDS`
 * (literal or an env reader's default), `SecurityMiddleware`, the header settings and django-csp.
 */

export function isDjangoSettings(source: SourceFile): boolean {
  // `MIDDLEWARE = [...]` is written out: other modules' assignments are not read.
  if (!source.text.includes('MIDDLEWARE')) return false;
  const settings = settingsOf(source);
  return settings.has('MIDDLEWARE') && (settings.has('INSTALLED_APPS') || settings.has('ROOT_URLCONF'));
}

/** Settings files for development or tests do not describe production. */
function isNonProductionSettings(file: string): boolean {
  return /(^|[/_.-])(dev|development|local|test|tests|testing|ci)(\.py)?$/i.test(file.replace(/\.py$/, ''));
}

function corsSettings(source: SourceFile): CorsPolicy[] {
  if (!isDjangoSettings(source) && !(source.text.includes('CORS_ALLOW') && (settingsOf(source).has('CORS_ALLOWED_ORIGINS') || settingsOf(source).has('CORS_ALLOW_ALL_ORIGINS')))) return [];
  const settings = settingsOf(source);
  const allowAll = settings.get('CORS_ALLOW_ALL_ORIGINS') ?? settings.get('CORS_ORIGIN_ALLOW_ALL');
  const credentials = isTrue(source, settingValue(source, 'CORS_ALLOW_CREDENTIALS'));
  const exact = settings.get('CORS_ALLOWED_ORIGINS') ?? settings.get('CORS_ORIGIN_WHITELIST');
  const regexes = settings.get('CORS_ALLOWED_ORIGIN_REGEXES') ?? settings.get('CORS_ORIGIN_REGEX_WHITELIST');
  if (allowAll && isTrue(source, allowAll.childForFieldName('right') ?? undefined)) {
    return [{ source, node: allowAll, line: allowAll.startPosition.row + 1, label: allowAll.childForFieldName('left')?.text ?? '', origins: { kind: 'wildcard' }, credentials, global: true }];
  }
  if (!exact && !regexes) return [];
  const entries = [
    ...(listEntries(source, exact?.childForFieldName('right') ?? undefined, undefined) ?? []),
    ...(listEntries(source, regexes?.childForFieldName('right') ?? undefined, 'match') ?? []),
  ];
  const node = exact ?? regexes;
  return node ? [{ source, node, line: node.startPosition.row + 1, label: 'django-cors-headers', origins: { kind: 'list', entries }, credentials, global: true }] : [];
}

/** `SECURE_HSTS_SECONDS = 31536000` in any module (a positive integer literal), for the checklist's HSTS evidence. */
function hstsSeconds(source: SourceFile): { node: Node; detail: string }[] {
  const out: { node: Node; detail: string }[] = [];
  for (const assignment of source.text.includes('SECURE_HSTS_SECONDS') ? nodesOfType(source, 'assignment') : []) {
    if (assignment.childForFieldName('left')?.text !== 'SECURE_HSTS_SECONDS') continue;
    const right = assignment.childForFieldName('right');
    if (right?.type === 'integer' && Number(right.text.replace(/_/g, '')) > 0) out.push({ node: assignment, detail: `Django \`SECURE_HSTS_SECONDS = ${right.text}\`` });
  }
  return out;
}

export const djangoTransport: TransportProvider = {
  family: 'python',
  webhook: { bodyRead: [String.raw`\brequest\.(data|POST)\b`] },
  app: {
    name: 'Django',
    fix: {
      https: '`SECURE_SSL_REDIRECT = True` and `SECURE_HSTS_SECONDS = 31536000`',
      headers: '`django.middleware.security.SecurityMiddleware` and `XFrameOptionsMiddleware` in `MIDDLEWARE`',
    },
    configuredBy(source) {
      if (!isDjangoSettings(source)) return undefined;
      if (isNonProductionSettings(source.file)) return null;
      const node = settingsOf(source).get('MIDDLEWARE');
      return node ? { node, label: source.file.split('/').pop() ?? source.file } : null;
    },
    describe: (app) => `the Django project configured in \`${app.source.file}\``,
  },
  cors: {
    file: corsSettings,
    requestOrigin: /\brequest\b[\w.]*\.META(\.get\(|\[)\s*['"]HTTP_ORIGIN['"]/i,
  },
  https: {
    code: /SECURE_SSL_REDIRECT\s*=\s*(True|[\w.]+\([^)]*default\s*=\s*True)|SECURE_HSTS_SECONDS\s*=\s*([1-9]|[\w.]+\([^)]*default\s*=\s*[1-9])/,
  },
  hsts: { file: hstsSeconds },
  headers: {
    middleware(_ctx, app) {
      const middleware = settingValue(app.source, 'MIDDLEWARE');
      return middleware && /django\.middleware\.security\.SecurityMiddleware/.test(middleware.text) ? 'SecurityMiddleware' : undefined;
    },
    alternatives: {
      'X-Content-Type-Options': /SECURE_CONTENT_TYPE_NOSNIFF\s*=\s*True/,
      'X-Frame-Options': /XFrameOptionsMiddleware|X_FRAME_OPTIONS\s*=/,
      'Strict-Transport-Security': /SECURE_HSTS_SECONDS\s*=\s*[1-9]/,
      'Referrer-Policy': /SECURE_REFERRER_POLICY\s*=/,
      'Content-Security-Policy': /CSP_DEFAULT_SRC\s*=/,
    },
  },
};
