import type { BasicAuthProvider } from '../plugin.js';

/** FastAPI's `HTTPBasic` security scheme; Starlette's `HTTPSRedirectMiddleware`; an app served by `uvicorn.run(…)`. */
export const fastapiBasicAuth: BasicAuthProvider = {
  calls: { 'fastapi.security.HTTPBasic': 'HTTPBasic', 'fastapi.security.http.HTTPBasic': 'HTTPBasic' },
  tls: ['HTTPSRedirectMiddleware'],
  plainListen: [String.raw`uvicorn\.run\s*\(`],
};
