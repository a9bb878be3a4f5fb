import type { PhpValidationProvider } from '../plugin.js';

/**
 * Laravel: the request's body reads (`$request->all()`, `->input()`, `->only([...])`, `->except(...)`, `->post()`,
 * `->json()`, `->collect()`; `input` / `post` / `json` / `collect` with an argument read one field), a form request
 * parameter (a class extending `FormRequest`), and the validating calls: `$request->validate(...)`,
 * `$this->validate(...)`, `validator(...)`, `Validator::make(...)`.
 */
export const laravelValidation: PhpValidationProvider = {
  body: { methods: ['all', 'input', 'only', 'except', 'post', 'json', 'collect'], wholeWithoutArguments: ['input', 'post', 'json', 'collect'] },
  validatedRequests: /(^|\\)FormRequest$/,
  validatorCalls: /^(validate\w*|validator)$/,
  facadeCalls: [{ scope: /^\\?(Illuminate\\Support\\Facades\\)?Validator$/, methods: ['make'] }],
};
