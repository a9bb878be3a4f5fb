/**
 * How Ktor route lambdas read client input, for the Kotlin taint analysis (the plugin's `jvmRequest`):
 * `call.parameters["id"]`, `call.request.queryParameters["q"]`, `call.request.headers[…]`,
 * `call.request.cookies[…]`, `call.receiveText()`, `call.receive<T>()`, `call.receiveParameters()`.
 */
import type { JvmRequestProvider } from '../plugin.js';

export const ktorRequest: JvmRequestProvider = {
  kotlinCall: {
    name: 'call',
    reads: ['parameters', 'queryParameters', 'headers', 'cookies', 'rawQueryParameters', 'formParameters'],
    request: 'request',
    receives: ['receive', 'receiveText', 'receiveNullable', 'receiveParameters', 'receiveMultipart', 'receiveChannel', 'receiveStream'],
    entries: ['receive', 'parameters', 'request'],
  },
};
