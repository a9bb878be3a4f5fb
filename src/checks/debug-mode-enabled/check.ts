import { isPython } from '../../analysis/code-auth.js';
import { factsOf, literalValue, nodesOfType, stringValue } from '../../analysis/code.js';
import { guarded, isTrue } from '../../analysis/debug-mode.js';
import { siteOf } from '../../analysis/code-input.js';
import { debugModeProviders } from '../../collectors/code/plugins.js';
import type { DebugModeProvider, DebugSwitch } from '../../collectors/code/plugin.js';
import defineCheck from '../define-check.js';

const DEV_SETTINGS = /(^|\/)(dev|development|local|test|tests|testing|ci)(_settings)?\.py$|settings[/_.](dev|development|local|test|testing|ci)\w*\.py$|(^|\/)tests?\//;

/** The first answer of the frameworks' debug sections (registry order) for one node. */
function firstSwitch(ask: (provider: DebugModeProvider) => DebugSwitch | undefined): DebugSwitch | undefined {
  for (const provider of debugModeProviders()) {
    const hit = ask(provider);
    if (hit) return hit;
  }
  return undefined;
}

/** The generic messages, then each framework's own (src/collectors/code/<framework>/debug.ts). */
const MESSAGES: Record<string, string> = {
  appDebug: '`{{expression}}` turns on debug mode for the app.',
  ctorDebug: '`{{call}}` creates the app with `debug=True`.',
  errorhandler: '`{{call}}` installs the development error handler (full stack traces in responses) unconditionally.',
  nodeEnv: '`{{expression}}` forces the development environment in code.',
  ...Object.fromEntries(debugModeProviders().flatMap((provider) => Object.entries(provider.messages ?? {}))),
};

export default defineCheck({
  id: 'debug-mode-enabled',
  title: 'Debug mode enabled in application code',
  owasp: 'API8:2023',
  cwe: ['CWE-489', 'CWE-215'],
  severity: 'high',
  confidence: 'high',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'Debug mode returns full stack traces, settings and SQL to whoever triggers an error, and the Werkzeug debugger runs arbitrary Python from the browser; a hard-coded switch ships to production with the code.',
  remediation:
    'Read the switch from the environment and default it to off: Django `DEBUG = os.environ.get("DJANGO_DEBUG") == "1"`; Flask `app.run()` without `debug=True` (use `flask --debug run` locally); `FastAPI()` without `debug=True`; Express `if (app.get("env") === "development") app.use(errorhandler())`, and never assign `process.env.NODE_ENV` in code; Rails `config.consider_all_requests_local = false` in config/environments/production.rb (true only in development.rb), Sinatra `show_exceptions` only inside `configure :development`; Laravel `APP_DEBUG=false` in the deployed environment (never a committed `.env`) and the `debug` entry of config/app.php read as `(bool) env("APP_DEBUG", false)`; ASP.NET Core `if (app.Environment.IsDevelopment()) app.UseDeveloperExceptionPage();` with `app.UseExceptionHandler("/error")` otherwise, and the environment from `ASPNETCORE_ENVIRONMENT` rather than `UseEnvironment("Development")`; Spring Boot `server.error.include-stacktrace=never` (the default), and `management.endpoints.web.exposure.include=health,info` with the other actuator endpoints behind Spring Security or on an internal `management.server.port`.',
  messages: MESSAGES,
  run(ctx, report) {
    const reportSwitch = (hit: DebugSwitch): void => {
      report({ messageId: hit.messageId, ...(hit.data ? { data: hit.data } : {}), ...siteOf(ctx, hit.source, hit.node, hit.snippet) });
    };
    for (const provider of debugModeProviders()) provider.workspace?.(ctx).forEach(reportSwitch);
    // Settings files and framework code (Spring Boot's properties, a committed .env, Rails' environments, ASP.NET Core's developer pages).
    for (const provider of debugModeProviders()) {
      for (const hit of provider.settings?.(ctx) ?? []) {
        const where = 'location' in hit ? { location: hit.location, evidence: { snippet: hit.snippet } } : siteOf(ctx, hit.source, hit.node, hit.snippet);
        report({ messageId: hit.messageId, ...(hit.data ? { data: hit.data } : {}), ...where });
      }
    }
    for (const source of ctx.sources) {
      if (DEV_SETTINGS.test(source.file)) continue;
      if (isPython(source)) {
        for (const assignment of nodesOfType(source, 'assignment')) {
          const right = assignment.childForFieldName('right');
          if (literalValue(right) !== true || guarded(assignment)) continue;
          const target = assignment.childForFieldName('left')?.text ?? '';
          const hit = firstSwitch((provider) => provider.pythonAssignment?.(source, assignment, target));
          if (hit) reportSwitch(hit);
        }
        for (const call of factsOf(source).calls) {
          const debug = call.kwargs.get('debug') ?? call.kwargs.get('DEBUG');
          if (!debug || !isTrue(source, debug) || guarded(call.node)) continue;
          const hit = firstSwitch((provider) => provider.pythonDebugKeyword?.(source, call, debug));
          if (hit) reportSwitch(hit);
        }
        continue;
      }
      for (const call of factsOf(source).calls) {
        const hit = firstSwitch((provider) => provider.call?.(source, call));
        if (hit) reportSwitch(hit);
      }
      for (const assignment of nodesOfType(source, 'assignment_expression')) {
        const left = assignment.childForFieldName('left')?.text ?? '';
        const value = stringValue(assignment.childForFieldName('right'));
        if (/^process\.env\.NODE_ENV$|^process\.env\[['"]NODE_ENV['"]\]$/.test(left) && /^dev(elopment)?$/.test(value ?? '') && !guarded(assignment)) {
          report({ messageId: 'nodeEnv', data: { expression: assignment.text }, ...siteOf(ctx, source, assignment) });
        }
      }
    }
  },
});
