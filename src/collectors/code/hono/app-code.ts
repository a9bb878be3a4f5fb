import type { AppCodeProvider } from '../plugin.js';

/** `new Hono()`. */
export const honoAppCode: AppCodeProvider = {
  creation: [String.raw`\bHono\s*\(`],
};
