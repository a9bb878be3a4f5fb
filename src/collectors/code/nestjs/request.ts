import type { RequestSourceProvider } from '../plugin.js';

/**
 * Nest: a handler parameter decorated with `@Body()`, `@Query()`, `@Param()`, `@Headers()` or `@UploadedFile()` holds
 * request data (`@Headers(…)`: request headers, where a credential is presented), one decorated with `@Req()` /
 * `@Request()` is the request itself; a `Parse*Pipe` turns the value into a scalar. `@Body()` without arguments is the whole body.
 */
export const nestRequest: RequestSourceProvider = {
  family: 'js',
  presented: { code: [String.raw`@Headers\(`] },
  parameters: {
    decorators: ['Body', 'Query', 'Param', 'Headers', 'UploadedFile'],
    requestDecorators: ['Req', 'Request'],
    scalarPipes: ['ParseIntPipe', 'ParseFloatPipe', 'ParseBoolPipe', 'ParseUUIDPipe', 'ParseEnumPipe'],
    bodyDecorators: ['Body'],
  },
};
