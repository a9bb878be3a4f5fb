import type { PhpHttpProvider } from '../plugin.js';

/**
 * Symfony's HttpClient component: a client held in a property, parameter or local of its interface or one of its
 * implementations (`$this->client->request('GET', $url)`), in a source that imports or creates one.
 */
export const symfonyHttp: PhpHttpProvider = {
  clients: {
    classes: ['HttpClientInterface', 'HttpClient', 'CurlHttpClient', 'NativeHttpClient', 'ScopingHttpClient', 'RetryableHttpClient'],
    imports: /HttpClientInterface|HttpClient::create|Symfony\\Component\\HttpClient/,
  },
};
