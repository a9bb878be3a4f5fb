import type { ErrorDetailsProvider } from '../plugin.js';

/**
 * Laravel's exception rendering callbacks: `$exceptions->render(function (Throwable $e, Request $request) { … })` in
 * `bootstrap/app.php`, `$this->renderable(fn (Exception $e) => …)` in an exception handler.
 */
export const laravelErrorDetails: ErrorDetailsProvider = {
  phpHandlerCalls: { methods: ['render', 'renderable'], mentions: /renderable|->render\(/ },
};
