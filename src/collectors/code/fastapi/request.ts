import type { RequestSourceProvider } from '../plugin.js';

/** Starlette's `Request`, FastAPI's: `query_params`, `path_params`, `body()`. */
export const fastapiRequest: RequestSourceProvider = {
  family: 'python',
  attributes: { query_params: true, path_params: true, body: true },
  modules: ['starlette', 'fastapi'],
  bodies: [String.raw`(await\s+)?request\.json\(\)`],
  presented: { code: [String.raw`\bHeader\(`, String.raw`\bSecurity\(`, 'APIKey(Header|Query|Cookie)'] },
};
