import type { PhpHttpProvider } from '../plugin.js';

/**
 * Laravel's HTTP client facade: `Http::get($url)`, `Http::withToken($t)->post($url)`, `Http::send('GET', $url)`;
 * `Http::baseUrl($base)->get($path)` sends to a configured base; `Http::withoutVerifying()` turns certificate checks off.
 */
export const laravelHttp: PhpHttpProvider = {
  facade: { name: 'Http', verbs: ['get', 'post', 'put', 'patch', 'delete', 'head'], send: 'send', base: 'baseUrl' },
  verificationOff: ['withoutVerifying'],
};
