/**
 * The Jakarta (javax) Servlet API's request objects, which Spring MVC, JAX-RS and other servlet-based
 * frameworks hand their handlers alike: a library family's `jvmRequest` for the JVM taint analyses. The
 * request's reads (`getParameter`, `getHeader`, `getInputStream` …) return client data; the response and
 * the session it injects carry none.
 */
import type { JvmRequestProvider } from '../plugin.js';

export const servletRequest: JvmRequestProvider = {
  injected: ['HttpServletRequest', 'HttpServletResponse', 'ServletRequest', 'ServletResponse', 'HttpSession'],
  requestTypes: ['HttpServletRequest', 'ServletRequest'],
  requestReads: [
    'getParameter', 'getParameterValues', 'getParameterMap', 'getHeader', 'getHeaders', 'getQueryString', 'getInputStream', 'getReader', 'getRequestURI',
    'getRequestURL', 'getPathInfo', 'getServletPath', 'getCookies', 'getPart', 'getParts',
  ],
};
