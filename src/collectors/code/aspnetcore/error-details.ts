/**
 * How ASP.NET Core code answers a request with a value and hands over the exception it handles, for
 * verbose-error-response's C# reading through the plugin's `errorDetails` section: controller helpers called on the
 * controller (`StatusCode(500, ex.Message)`, `Problem(…)`) and the `Results` / `TypedResults` factories of minimal
 * APIs, result objects (`new ObjectResult(…)`), `HttpContext.Response.WriteAsync` / `WriteAsJsonAsync`, and the
 * exception handler's feature (`context.Features.Get<IExceptionHandlerFeature>()?.Error` in `UseExceptionHandler`).
 */
import type { ErrorDetailsProvider } from '../plugin.js';

export const aspnetcoreErrorDetails: ErrorDetailsProvider = {
  csharpResponses: {
    helpers: ['StatusCode', 'BadRequest', 'Problem', 'ValidationProblem', 'Conflict', 'UnprocessableEntity', 'NotFound', 'Ok', 'Json', 'Content', 'InternalServerError', 'Created', 'CreatedAtAction', 'Accepted', 'Text'],
    factories: ['Results', 'TypedResults'],
    resultTypes: ['ObjectResult', 'JsonResult', 'ContentResult', 'BadRequestObjectResult', 'UnprocessableEntityObjectResult', 'ConflictObjectResult', 'OkObjectResult'],
    writers: { methods: ['WriteAsync', 'WriteAsJsonAsync'], receiver: /Response$/ },
    exceptionFeatures: ['IExceptionHandlerFeature', 'IExceptionHandlerPathFeature'],
  },
};
