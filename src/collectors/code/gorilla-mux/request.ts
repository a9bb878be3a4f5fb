import type { GoRequestProvider } from '../plugin.js';

/** gorilla/mux's path parameters: `mux.Vars(r)["id"]`. */
export const gorillaMuxRequest: GoRequestProvider = {
  functions: ['github.com/gorilla/mux.Vars'],
};
