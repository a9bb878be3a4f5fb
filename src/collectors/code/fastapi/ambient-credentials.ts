import type { AmbientCredentialProvider } from '../plugin.js';

/** FastAPI: Starlette's `SessionMiddleware`, and the `HTTPBasic` and `APIKeyCookie` security schemes. */
export const fastapiAmbientCredentials: AmbientCredentialProvider = {
  family: 'python',
  markers: [String.raw`\bSessionMiddleware\b`, String.raw`\bHTTPBasic\b`, String.raw`\bAPIKeyCookie\b`],
};
