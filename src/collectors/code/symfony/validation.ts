import type { PhpValidationProvider } from '../plugin.js';

/**
 * Symfony: the request's body reads (`$request->toArray()`, `->getPayload()`, the form body `$request->request->all()`,
 * `json_decode($request->getContent())`), the parameter attributes that map and validate it (`#[MapRequestPayload]`,
 * `#[MapQueryString]`), and the validating calls: the validator's `validate(...)`, a submitted form's `isValid()`.
 */
export const symfonyValidation: PhpValidationProvider = {
  body: { methods: ['toArray', 'getPayload'], formBags: ['request'], rawContent: ['getContent'] },
  validatedAttributes: ['MapRequestPayload', 'MapQueryString'],
  validatorCalls: /^(validate\w*|isValid)$/,
};
