import type { AmbientCredentialProvider } from '../plugin.js';

/**
 * Laravel: the session middleware (`StartSession`), Sanctum's stateful SPA log-in (`EnsureFrontendRequestsAreStateful`,
 * `statefulApi()`), queued and response cookies, the `auth.basic` middleware and `Auth::attempt` / `Auth::login`.
 */
export const laravelAmbientCredentials: AmbientCredentialProvider = {
  family: 'php',
  markers: [
    String.raw`\bStartSession\b`,
    String.raw`\bEnsureFrontendRequestsAreStateful\b`,
    String.raw`\bstatefulApi\s*\(`,
    String.raw`\bCookie::queue\b`,
    String.raw`->(?:cookie|withCookie)\s*\(`,
    String.raw`['"]auth\.basic['"]`,
    String.raw`\bAuth::(?:attempt|login)\s*\(`,
  ],
};
