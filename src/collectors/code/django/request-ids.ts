import { stringValue } from '../../../analysis/code.js';
import type { RequestIdProvider } from '../plugin.js';

/** Request-id middleware a settings module's `MIDDLEWARE` names (django-guid, django-log-request-id, asgi-correlation-id). */
const MIDDLEWARE = /^(django_guid\.middleware\.guid_middleware|log_request_id\.middleware\.RequestIDMiddleware|asgi_correlation_id\..*)$/;

/** django-guid and django-log-request-id, and the request-id middleware a settings module (`settings.py`, `settings/*.py`) mounts. */
export const djangoRequestIds: RequestIdProvider = {
  pythonModules: ['django_guid', 'log_request_id'],
  settings(source) {
    if (!/(^|\/)settings[^/]*\.py$|(^|\/)settings\/[^/]+\.py$/.test(source.file)) return [];
    const out: ReturnType<NonNullable<RequestIdProvider['settings']>> = [];
    // MIDDLEWARE = ["django_guid.middleware.guid_middleware", …] is a list of strings, not a call.
    for (const node of source.tree.rootNode.descendantsOfType('string')) {
      if (!node) continue;
      const value = stringValue(node);
      if (value !== undefined && MIDDLEWARE.test(value)) out.push({ node, detail: `request-id middleware \`${value}\`` });
    }
    return out;
  },
};
