import type { DataAccessProvider } from '../plugin.js';

/** @nestjs/mongoose: `MongooseModule.forRoot(…)`, models injected with `@InjectModel(Cat.name)`. */
export const nestDataAccess: DataAccessProvider = {
  mongoMarkers: ['@nestjs\\/mongoose', 'InjectModel'],
};
