import { isPython } from '../../../analysis/code-auth.js';
import { nodesOfType, stringValue } from '../../../analysis/code.js';
import type { BasicAuthProvider } from '../plugin.js';

const DRF_BASIC = 'rest_framework.authentication.BasicAuthentication';

/** DRF's `BasicAuthentication` named in settings or a view; `SECURE_SSL_REDIRECT` and HSTS settings; `manage.py runserver`. */
export const djangoBasicAuth: BasicAuthProvider = {
  sites(source) {
    if (!isPython(source)) return [];
    return nodesOfType(source, 'string').filter((literal) => stringValue(literal) === DRF_BASIC).map((node) => ({ node, name: 'BasicAuthentication' }));
  },
  tls: [String.raw`SECURE_SSL_REDIRECT\s*=\s*True`, 'SECURE_HSTS_SECONDS'],
  plainListen: [String.raw`manage\.py`, 'runserver'],
};
