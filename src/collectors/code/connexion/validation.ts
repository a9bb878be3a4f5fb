import type { ValidationProvider } from '../plugin.js';

/** connexion validates request bodies against the OpenAPI document its routes come from. */
export const connexionValidation: ValidationProvider = {
  specValidation: { code: ['connexion'] },
};
