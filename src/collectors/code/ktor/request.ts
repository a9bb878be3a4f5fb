/**
 * How Ktor route lambdas read client input, for the Kotlin taint analysis (the plugin's `jvmRequest`):
 * `call.parameters["id"]`, `call.request.queryParameters["q"]`, `call.request.headers[…]`,
 * `call.request.cookies[…]`, `call.receiveText()`, `call.receive<T>()`, `call.receiveParameters()`; and how
 * they answer with a body (`call.respond(value)`, `call.respondNullable(value)`) or a file
 * (`call.respondFile(dir, name)`).
 */
import type { JvmRequestProvider } from '../plugin.js';

export const ktorRequest: JvmRequestProvider = {
  kotlinCall: {
    name: 'call',
    reads: ['parameters', 'queryParameters', 'headers', 'cookies', 'rawQueryParameters', 'formParameters'],
    request: 'request',
    receives: ['receive', 'receiveText', 'receiveNullable', 'receiveParameters', 'receiveMultipart', 'receiveChannel', 'receiveStream'],
    entries: ['receive', 'parameters', 'request'],
    responds: ['respond', 'respondNullable'],
    bodyReceives: ['receive', 'receiveNullable', 'receiveOrNull'],
    fileResponses: ['respondFile'],
  },
};
