/**
 * How Spring MVC and WebFlux handlers receive client input, for the JVM taint analyses (the plugin's
 * `jvmRequest`): `@RestController` / `@Controller` classes, `@GetMapping`-style handlers, the binding
 * annotations (Spring binds every other parameter too), what Spring injects that is not client data
 * (models, binding results, the caller, paging, WebFlux's exchange) and WebFlux's `ServerHttpRequest`.
 */
import type { JvmRequestProvider } from '../plugin.js';

export const springRequest: JvmRequestProvider = {
  controllers: ['RestController', 'Controller', 'RequestMapping'],
  mappings: ['RequestMapping', 'GetMapping', 'PostMapping', 'PutMapping', 'DeleteMapping', 'PatchMapping'],
  bound: ['RequestParam', 'PathVariable', 'RequestBody', 'RequestHeader', 'CookieValue', 'ModelAttribute', 'RequestPart', 'MatrixVariable'],
  notBound: ['AuthenticationPrincipal', 'CurrentUser', 'SessionAttribute', 'RequestAttribute', 'Value'],
  pathIds: ['PathVariable'],
  bodies: ['RequestBody'],
  injected: [
    'Model', 'ModelMap', 'ModelAndView', 'BindingResult', 'Errors', 'Principal', 'Authentication', 'Pageable', 'Sort', 'WebRequest', 'NativeWebRequest',
    'ServerWebExchange', 'ServerHttpRequest', 'ServerHttpResponse', 'UriComponentsBuilder', 'RedirectAttributes', 'SessionStatus', 'HttpHeaders', 'HttpEntity',
    'Jwt', 'OAuth2User', 'UserDetails', 'SecurityContext',
  ],
  requestTypes: ['ServerHttpRequest', 'MultipartHttpServletRequest'],
  requestReads: ['getHeaders', 'getCookies', 'getBody', 'getQueryParams', 'getFirst'],
};
