import type { AppCodeProvider } from '../plugin.js';

/** `app = FastAPI()`, or Starlette's `Starlette(routes=…)` under it. */
export const fastapiAppCode: AppCodeProvider = {
  creation: [String.raw`\b(?:FastAPI|Starlette)\s*\(`],
};
