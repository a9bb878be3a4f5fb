import type { GoCorsProvider } from '../plugin.js';

/** fiber's CORS middleware (v1 to v3): `cors.New(cors.Config{…})`. */
export const fiberCors: GoCorsProvider = {
  optionTypes: [{ path: String.raw`github\.com/gofiber/fiber(/v\d+)?/middleware/cors`, names: ['Options', 'Config'] }],
};
