import type { AppCodeProvider } from '../plugin.js';

/** `NestFactory.create(AppModule)`; any `@nestjs/*` import makes a file server code; `this.configService.get(…)` reads @nestjs/config. */
export const nestAppCode: AppCodeProvider = {
  creation: [String.raw`NestFactory\.create`],
  serverModules: { imported: [String.raw`@nestjs\/[\w-]+`] },
  configReads: [String.raw`this\.configService\.get\(`],
};
