/**
 * Authentication middleware of libraries written for net/http (`func(http.Handler) http.Handler`),
 * which any net/http router mounts (net/http, routegroup, chi, gorilla/mux). Each entry is read from
 * the library's documentation and source: only what answers 401 without credentials is listed.
 */
import type { AuthMechanism } from '../../../model/types.js';
import type { Value } from './engine.js';

type Ext = Extract<Value, { k: 'ext' }>;

/**
 * github.com/go-pkgz/auth (v1 and /v2): `Service.Middleware()` returns a `middleware.Authenticator`
 * whose `Auth`, `AdminOnly` and `RBAC(…)` run `auth(true)` and answer 401 without a valid JWT (cookie
 * or `X-JWT` header); `Trace` only reads a token when there is one and lets anonymous requests through.
 */
function goPkgzAuth(ext: Ext): { mechanism: AuthMechanism; detail: string } | undefined {
  const match = /^github\.com\/go-pkgz\/auth(?:\/v\d+)?(\/middleware)?$/.exec(ext.path);
  if (!match) return undefined;
  let chain: string[] | undefined;
  if (match[1] !== undefined) chain = ext.name === 'Authenticator' ? ext.chain : undefined;
  else if ((ext.name === 'Service' || ext.name === 'NewService') && ext.chain[0] === 'Middleware') chain = ext.chain.slice(1);
  const [method, ...rest] = chain ?? [];
  if (rest.length > 0 || (method !== 'Auth' && method !== 'AdminOnly' && method !== 'RBAC')) return undefined;
  return { mechanism: 'jwt', detail: `go-pkgz/auth ${method} (401 without a valid token)` };
}

export function httpMiddlewareAuth(ext: Ext): { mechanism: AuthMechanism; detail: string } | undefined {
  return goPkgzAuth(ext);
}
