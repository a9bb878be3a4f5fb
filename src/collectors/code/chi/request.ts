import type { GoRequestProvider } from '../plugin.js';

/** chi's path parameters: `chi.URLParam(r, "id")`. */
export const chiRequest: GoRequestProvider = {
  functions: ['github.com/go-chi/chi.URLParam', 'github.com/go-chi/chi/v5.URLParam'],
};
