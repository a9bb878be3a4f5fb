import type { AppCodeProvider } from '../plugin.js';

/** A Ktor server starts with `embeddedServer(…)` or, configured in application.conf, `EngineMain.main(…)`. */
export const ktorAppCode: AppCodeProvider = {
  hostStart: [String.raw`\bembeddedServer\s*\(`, String.raw`\bEngineMain\.main\s*\(`],
};
