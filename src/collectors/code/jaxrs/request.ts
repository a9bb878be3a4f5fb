/**
 * How JAX-RS resource methods receive client input, for the JVM taint analyses (the plugin's `jvmRequest`):
 * `@Path` resources, `@GET`-style methods, which bind only their annotated parameters and the one entity
 * body, the `@…Param` annotations, and what `@Context` injects.
 */
import type { JvmRequestProvider } from '../plugin.js';

const METHODS = ['GET', 'POST', 'PUT', 'DELETE', 'PATCH', 'Path'];

export const jaxrsRequest: JvmRequestProvider = {
  controllers: ['Path'],
  mappings: METHODS,
  annotatedOnly: METHODS,
  bound: ['QueryParam', 'PathParam', 'FormParam', 'HeaderParam', 'CookieParam', 'BeanParam'],
  notBound: ['Context'],
  pathIds: ['PathParam'],
  injected: ['UriInfo', 'Request', 'Response', 'AsyncResponse', 'SecurityContext'],
};
