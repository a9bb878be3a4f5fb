/**
 * Spring Boot's error-response settings in the configuration the application runs with by default:
 * `server.error.include-message=always` and `server.error.include-exception=true` put the exception's
 * message and class in every error response (`include-stacktrace` is debug-mode-enabled's, ./debug.ts);
 * and Spring MVC's exception handlers, `@ExceptionHandler` methods (in a `@ControllerAdvice` or a controller),
 * whose responses the check reads in Java and Kotlin.
 * Read by verbose-error-response through the plugin's `errorDetails` section.
 */
import type { CheckContext } from '../../../engine/context.js';
import type { ErrorDetailsProvider, FrameworkFinding } from '../plugin.js';
import { JvmConfig } from '../jvm/config.js';

function springErrorSettings(ctx: CheckContext): FrameworkFinding[] {
  const out: FrameworkFinding[] = [];
  const seen = new Set<string>();
  for (const [, properties] of new JvmConfig(ctx.infra).modules()) {
    for (const [key, pattern] of [['server.error.include-message', /^always$/i], ['server.error.include-exception', /^true$/i]] as const) {
      const set = properties.get(key);
      if (!set || !pattern.test(set.value.trim())) continue;
      const where = `${set.where.file}:${set.where.line}`;
      if (seen.has(where)) continue;
      seen.add(where);
      const text = `${key}=${set.value.trim()}`;
      out.push({ messageId: 'springSetting', data: { line: text }, location: set.where, snippet: text });
    }
  }
  return out;
}

export const springErrorDetails: ErrorDetailsProvider = {
  messages: {
    springSetting: '`{{line}}` puts exception messages in every error response of the Spring application.',
  },
  settings: springErrorSettings,
  handlerAnnotations: ['ExceptionHandler'],
};
