import type { RequestSourceProvider } from '../plugin.js';

/** Django's `HttpRequest` (`GET`, `POST`, `COOKIES`, `FILES`, `META`, `body`; `self.request` in class-based views; a view's parameter typed `HttpRequest` is the request; `FileResponse(path)` sends a file) and DRF's `request.data` / `query_params`. */
export const djangoRequest: RequestSourceProvider = {
  family: 'python',
  traced: { attributes: ['GET', 'POST', 'query_params', 'data'] },
  bases: ['self.request'],
  attributes: { GET: true, POST: true, COOKIES: true, FILES: true, META: true, body: true, data: false, query_params: true },
  modules: ['django'],
  bodies: [String.raw`(await\s+)?request\.(data|POST)`],
  presented: { attributes: ['META', 'GET', 'POST', 'COOKIES', 'data', 'query_params'] },
  parameters: { injectedTypes: ['HttpRequest'] },
  fileResponses: { callables: ['django.http.FileResponse', 'FileResponse'] },
  query: { queries: [String.raw`(request|self\.request)\.(GET|query_params)`] },
};
