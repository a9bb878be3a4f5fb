import { isPython } from '../../analysis/code-auth.js';
import { factsOf, literalValue, nodesOfType, stringValue } from '../../analysis/code.js';
import { guarded, isTrue } from '../../analysis/debug-mode.js';
import { siteOf } from '../../analysis/code-input.js';
import { debugModeProviders } from '../../collectors/code/plugins.js';
import type { DebugModeProvider, DebugSwitch } from '../../collectors/code/plugin.js';
import defineCheck from '../define-check.js';
import { csharpDebug } from './csharp.js';
import { configDebug, dotenvDebug } from './php.js';
import { rubyDebugSettings } from './ruby.js';
import { springDebug } from './jvm.js';

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
  springStacktrace: '`{{line}}` returns the stack trace in every error response of the Spring application.',
  springActuator: '`{{line}}` publishes the diagnostic actuator endpoints {{endpoints}} without authentication.',
  laravelEnv: '`{{line}}` is committed in {{file}}, whose APP_ENV is `{{env}}`: Laravel answers errors with stack traces, queries and environment values.',
  laravelConfig: '`{{expression}}` is hard-coded in config/app.php: debug mode no longer follows APP_DEBUG.',
  railsLocal: '`{{expression}}` in {{file}} makes Rails answer every error with the developer exception page (stack trace, source, request and environment).',
  sinatraShowExceptions: '`{{expression}}` makes Sinatra answer errors with its exception page (backtrace, environment) outside development.',
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
    for (const source of ctx.sources) {
      for (const hit of csharpDebug(source)) {
        if (hit.kind === 'page') report({ messageId: 'errorhandler', data: { call: hit.text }, ...siteOf(ctx, source, hit.node) });
        else report({ messageId: 'nodeEnv', data: { expression: hit.text }, ...siteOf(ctx, source, hit.node) });
      }
    }
    const reportSwitch = (hit: DebugSwitch): void => {
      report({ messageId: hit.messageId, ...(hit.data ? { data: hit.data } : {}), ...siteOf(ctx, hit.source, hit.node, hit.snippet) });
    };
    for (const provider of debugModeProviders()) provider.workspace?.(ctx).forEach(reportSwitch);
    for (const hit of springDebug(ctx)) {
      if (hit.kind === 'stacktrace') report({ messageId: 'springStacktrace', data: { line: hit.text }, location: hit.location, evidence: { snippet: hit.text } });
      else report({ messageId: 'springActuator', data: { line: hit.text, endpoints: hit.endpoints ?? '' }, location: hit.location, evidence: { snippet: hit.text } });
    }
    for (const hit of dotenvDebug(ctx.infra)) {
      report({ messageId: 'laravelEnv', data: { line: hit.text, file: hit.file.file, env: hit.env }, location: { file: hit.file.file, line: hit.line }, evidence: { snippet: hit.text } });
    }
    for (const hit of rubyDebugSettings(ctx.sources)) {
      const expression = hit.node.text.split('\n')[0] ?? '';
      report({ messageId: hit.kind === 'rails' ? 'railsLocal' : 'sinatraShowExceptions', data: { expression, file: hit.source.file }, ...siteOf(ctx, hit.source, hit.node) });
    }
    for (const source of ctx.sources) {
      const hardCoded = configDebug(source);
      if (hardCoded) report({ messageId: 'laravelConfig', data: { expression: hardCoded.text }, ...siteOf(ctx, source, hardCoded) });
    }
    for (const source of ctx.sources) {
      if (DEV_SETTINGS.test(source.file)) continue;
      if (isPython(source)) {
        for (const assignment of nodesOfType(source, 'assignment')) {
          const left = assignment.childForFieldName('left');
          const right = assignment.childForFieldName('right');
          if (literalValue(right) !== true || guarded(assignment)) continue;
          const target = left?.text ?? '';
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
