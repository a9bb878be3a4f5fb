/**
 * Ktor's exception handlers: the StatusPages plugin's `exception<T> { call, cause -> … }` (installed with
 * `install(StatusPages) { … }`), whose response verbose-error-response reads when `T` is a broad type.
 * Read through the plugin's `errorDetails` section.
 */
import type { ErrorDetailsProvider } from '../plugin.js';

export const ktorErrorDetails: ErrorDetailsProvider = {
  kotlinHandlers: [{ call: 'exception', exceptionParameter: 1, mention: 'StatusPages' }],
};
