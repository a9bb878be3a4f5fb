import type { GoCorsProvider } from '../plugin.js';

/** echo's CORS middleware (v3 and v4): `middleware.CORSWithConfig(middleware.CORSConfig{…})`. */
export const echoCors: GoCorsProvider = {
  optionTypes: [{ path: String.raw`github\.com/labstack/echo(/v\d+)?/middleware`, names: ['CORSConfig'] }],
};
