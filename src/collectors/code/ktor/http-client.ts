/**
 * The Ktor client (`io.ktor.client.HttpClient`): its request functions take the URL first (`client.get(url)`,
 * `client.request(url)`, `client.prepareGet(url)`). Read by ssrf-user-controlled-url's Kotlin reading through
 * the plugin's `jvmHttp` section.
 */
import type { JvmHttpClientProvider } from '../plugin.js';

export const ktorHttpClient: JvmHttpClientProvider = {
  mentions: { kotlin: ['HttpClient', 'client'] },
  clients: [{ types: ['HttpClient'], methods: ['get', 'post', 'put', 'delete', 'patch', 'head', 'options', 'request', 'prepareGet', 'preparePost', 'prepareRequest'], languages: ['kotlin'] }],
};
