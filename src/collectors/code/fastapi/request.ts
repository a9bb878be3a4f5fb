import type { RequestSourceProvider } from '../plugin.js';

/**
 * Starlette's `Request`, FastAPI's: `query_params`, `path_params`, `body()`. A handler parameter whose default or
 * annotation calls `Depends` / `Security`, or typed as a request, WebSocket, background tasks or response, is
 * injected; the collector lists the query, path and body parameters, so any other parameter is injected too.
 * `FileResponse(path)` sends a file.
 */
export const fastapiRequest: RequestSourceProvider = {
  family: 'python',
  traced: { attributes: ['query_params', 'json', 'form'], injected: [String.raw`Depends\(`, String.raw`Security\(`, String.raw`\bRequest\b`, 'BackgroundTasks'] },
  attributes: { query_params: true, path_params: true, body: true },
  modules: ['starlette', 'fastapi'],
  bodies: [String.raw`(await\s+)?request\.json\(\)`],
  presented: { code: [String.raw`\bHeader\(`, String.raw`\bSecurity\(`, 'APIKey(Header|Query|Cookie)'] },
  parameters: { injections: ['Depends', 'Security'], injectedTypes: ['Request', 'WebSocket', 'BackgroundTasks', 'Response'], listed: true },
  fileResponses: { callables: ['fastapi.responses.FileResponse', 'starlette.responses.FileResponse', 'FileResponse'] },
  query: { queries: [String.raw`request\.query_params`], credentials: ['fastapi.security.APIKeyQuery', 'fastapi.security.api_key.APIKeyQuery'] },
};
