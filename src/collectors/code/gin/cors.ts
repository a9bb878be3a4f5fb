import type { GoCorsProvider } from '../plugin.js';

/** gin-contrib/cors: `cors.New(cors.Config{…})`. */
export const ginCors: GoCorsProvider = {
  optionTypes: [{ path: String.raw`github\.com/gin-contrib/cors`, names: ['Options', 'Config'] }],
};
