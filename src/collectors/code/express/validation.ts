import type { ValidationProvider } from '../plugin.js';

/** express-openapi-validator: `app.use(OpenApiValidator.middleware({ apiSpec }))` validates every request against the document. */
export const expressValidation: ValidationProvider = {
  specValidation: { code: ['express-openapi-validator', String.raw`OpenApiValidator\.middleware`], npm: ['express-openapi-validator'] },
};
