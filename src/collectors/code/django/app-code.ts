import type { AppCodeProvider } from '../plugin.js';

/** `get_wsgi_application()` / `get_asgi_application()` or the root `urlpatterns = […]`; `settings.X` reads the deployment's settings. */
export const djangoAppCode: AppCodeProvider = {
  creation: ['get_wsgi_application', 'get_asgi_application', String.raw`\burlpatterns\s*=`],
  configReads: [String.raw`(?:django\.conf\.)?settings\.[A-Z_]`],
};
