/**
 * Spring's outbound HTTP clients: `RestTemplate` (and its `RestOperations` interface and `TestRestTemplate`),
 * whose request methods take the URL first, `WebClient.create(url)`, and the `uri` / `baseUrl` of a
 * `WebClient` or `RestClient` builder chain. Read by ssrf-user-controlled-url through the plugin's `jvmHttp` section.
 */
import type { JvmHttpClientProvider } from '../plugin.js';

const REST_TEMPLATE = ['getForObject', 'getForEntity', 'postForObject', 'postForEntity', 'postForLocation', 'exchange', 'execute', 'put', 'delete', 'patchForObject', 'headForHeaders', 'optionsForAllow'];

export const springHttpClients: JvmHttpClientProvider = {
  mentions: { java: ['RestTemplate', 'RestOperations', 'WebClient'], kotlin: ['RestTemplate', 'restTemplate', 'WebClient', 'webClient'] },
  clients: [
    { types: ['RestTemplate'], methods: REST_TEMPLATE, languages: ['java', 'kotlin'] },
    // Typed through an interface or the test client: the Java reading types them.
    { types: ['RestOperations', 'TestRestTemplate'], methods: REST_TEMPLATE, languages: ['java'] },
  ],
  factories: { WebClient: ['create'] },
  builders: [
    {
      name: 'WebClient',
      starts: ['WebClient.create', 'WebClient.builder'],
      types: ['WebClient', 'RestClient'],
      // Kotlin: a chain on a `webClient` or after a request method (`client.get().uri(x)`).
      methods: { uri: String.raw`\bwebClient\b|\bWebClient\b|\.(get|post|put|delete|patch|method)\(`, baseUrl: 'WebClient' },
    },
  ],
};
