import type { AppCodeProvider } from '../plugin.js';

/** Any `@nestjs/*` import makes a file server code; `this.configService.get(…)` reads @nestjs/config. */
export const nestAppCode: AppCodeProvider = {
  serverModules: { imported: [String.raw`@nestjs\/[\w-]+`] },
  configReads: [String.raw`this\.configService\.get\(`],
};
