/**
 * How Micronaut controllers receive client input, for the JVM taint analyses (the plugin's `jvmRequest`):
 * `@Controller` classes, `@Get`-style handlers, `@QueryValue` / `@PathVariable` / `@Body` / `@Header`
 * parameters and the `HttpRequest` a handler may take.
 */
import type { JvmRequestProvider } from '../plugin.js';

export const micronautRequest: JvmRequestProvider = {
  controllers: ['Controller'],
  mappings: ['Get', 'Post', 'Put', 'Delete', 'Patch'],
  bound: ['QueryValue', 'PathVariable', 'Body', 'Header'],
  pathIds: ['PathVariable'],
  requestTypes: ['HttpRequest'],
  requestReads: ['getBody', 'getHeaders', 'getCookies'],
};
