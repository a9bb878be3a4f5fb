import type { GoRequestProvider } from '../plugin.js';

/** chi's path parameters (`chi.URLParam(r, "id")`) and its companion go-chi/render's responses (`render.JSON(w, r, v)`). */
export const chiRequest: GoRequestProvider = {
  functions: ['github.com/go-chi/chi.URLParam', 'github.com/go-chi/chi/v5.URLParam'],
  responders: { 'github.com/go-chi/render': { JSON: 2, Respond: 2, XML: 2 } },
  packages: ['github.com/go-chi'],
};
