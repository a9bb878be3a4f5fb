import type { Node } from 'web-tree-sitter';
import { isPython, resolveValue } from '../../analysis/code-auth.js';
import { callSiteAt, factsOf, literalValue, nodesOfType, stringValue } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import { siteOf } from '../../analysis/code-input.js';
import defineCheck from '../define-check.js';
import { csharpDebug } from './csharp.js';
import { configDebug, dotenvDebug } from './php.js';
import { rubyDebugSettings } from './ruby.js';
import { goProfilers } from './go.js';
import { springDebug } from './jvm.js';
import { parentOf } from '../../parsing/tree-index.js';

const DEV_SETTINGS = /(^|\/)(dev|development|local|test|tests|testing|ci)(_settings)?\.py$|settings[/_.](dev|development|local|test|testing|ci)\w*\.py$|(^|\/)tests?\//;
const ENV_GUARD = /NODE_ENV|process\.env|environ|getenv|ENV\b|ENVIRONMENT|is_?dev|isDev|isDevelopment|development|DEBUG/i;

/** True when an `if` around the node consults the environment (a development-only branch). */
function guarded(node: Node): boolean {
  for (let current = parentOf(node); current; current = parentOf(current)) {
    if (current.type === 'if_statement') {
      const condition = current.childForFieldName('condition');
      if (condition && ENV_GUARD.test(condition.text) && !/__name__/.test(condition.text)) return true;
    }
    if (current.type === 'ternary_expression' || current.type === 'conditional_expression' || current.type === 'binary_expression' && /&&/.test(current.text.slice(0, 200))) {
      if (ENV_GUARD.test(current.text.slice(0, 200))) return true;
    }
  }
  return false;
}

function listensOnLoopback(source: SourceFile, host: Node | undefined): boolean {
  if (!host) return true;
  const value = stringValue(resolveValue(source, host));
  return value !== undefined && /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/.test(value);
}

function isTrue(source: SourceFile, node: Node | undefined): boolean {
  return literalValue(resolveValue(source, node)) === true;
}

function isDjangoSettings(source: SourceFile): boolean {
  return /\b(INSTALLED_APPS|ROOT_URLCONF|ALLOWED_HOSTS|MIDDLEWARE)\s*=/.test(source.text);
}

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
  messages: {
    djangoDebug: '`DEBUG = True` is hard-coded in the Django settings.',
    flaskRun: '`{{call}}` starts the server with the debugger enabled.',
    appDebug: '`{{expression}}` turns on debug mode for the app.',
    ctorDebug: '`{{call}}` creates the app with `debug=True`.',
    errorhandler: '`{{call}}` installs the development error handler (full stack traces in responses) unconditionally.',
    nodeEnv: '`{{expression}}` forces the development environment in code.',
    springStacktrace: '`{{line}}` returns the stack trace in every error response of the Spring application.',
    springActuator: '`{{line}}` publishes the diagnostic actuator endpoints {{endpoints}} without authentication.',
    laravelEnv: '`{{line}}` is committed in {{file}}, whose APP_ENV is `{{env}}`: Laravel answers errors with stack traces, queries and environment values.',
    laravelConfig: '`{{expression}}` is hard-coded in config/app.php: debug mode no longer follows APP_DEBUG.',
    railsLocal: '`{{expression}}` in {{file}} makes Rails answer every error with the developer exception page (stack trace, source, request and environment).',
    goProfiler: '`{{expression}}` publishes the Go profiler (/debug/pprof/: heap and goroutine dumps, CPU profiles, the command line) on the server every caller reaches (`{{server}}`).',
    sinatraShowExceptions: '`{{expression}}` makes Sinatra answer errors with its exception page (backtrace, environment) outside development.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      for (const hit of csharpDebug(source)) {
        if (hit.kind === 'page') report({ messageId: 'errorhandler', data: { call: hit.text }, ...siteOf(ctx, source, hit.node) });
        else report({ messageId: 'nodeEnv', data: { expression: hit.text }, ...siteOf(ctx, source, hit.node) });
      }
    }
    for (const hit of goProfilers(ctx.sources)) {
      report({ messageId: 'goProfiler', data: { expression: hit.text, server: hit.server }, ...siteOf(ctx, hit.source, hit.node, hit.text) });
    }
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
          if (target === 'DEBUG' && parentOf(parentOf(assignment))?.type === 'module' && isDjangoSettings(source)) {
            report({ messageId: 'djangoDebug', ...siteOf(ctx, source, assignment) });
          } else if (/^\w+\.debug$/.test(target) || /^\w+\.config\[\s*["']DEBUG["']\s*\]$/.test(target)) {
            report({ messageId: 'appDebug', data: { expression: assignment.text }, ...siteOf(ctx, source, assignment) });
          }
        }
        for (const call of factsOf(source).calls) {
          const debug = call.kwargs.get('debug') ?? call.kwargs.get('DEBUG');
          if (!debug || !isTrue(source, debug) || guarded(call.node)) continue;
          const where = siteOf(ctx, source, parentOf(debug) ?? debug, call.node.text.split('\n')[0]);
          if (/\.run$/.test(call.callee) && !/^(uvicorn|asyncio)\./.test(call.callee)) {
            // The development server binds 127.0.0.1 unless told otherwise: the debugger is then not reachable from the network.
            if (listensOnLoopback(source, call.kwargs.get('host') ?? call.args[0])) continue;
            report({ messageId: 'flaskRun', data: { call: `${call.written}(debug=True)` }, ...where });
          } else if (/(^|\.)(FastAPI|Starlette|Quart|Sanic)$/.test(call.callee)) report({ messageId: 'ctorDebug', data: { call: call.written }, ...where });
          else if (/\.config\.update$/.test(call.callee)) report({ messageId: 'appDebug', data: { expression: call.node.text.slice(0, 60) }, ...where });
        }
        continue;
      }
      for (const call of factsOf(source).calls) {
        const inner = call.args[0];
        const candidate = (/\.use$/.test(call.callee) && inner?.type === 'call_expression') || /^\w+\.set$/.test(call.callee);
        if (!candidate || guarded(call.node)) continue;
        if (/\.use$/.test(call.callee) && inner?.type === 'call_expression') {
          const innerCallee = callSiteAt(source, inner)?.callee;
          if (innerCallee === 'errorhandler') report({ messageId: 'errorhandler', data: { call: call.node.text.slice(0, 60) }, ...siteOf(ctx, source, call.node) });
        } else if (/^\w+\.set$/.test(call.callee) && stringValue(inner) === 'env' && stringValue(call.args[1]) === 'development') {
          report({ messageId: 'nodeEnv', data: { expression: call.node.text }, ...siteOf(ctx, source, call.node) });
        }
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
