import { at } from '../../analysis/code-auth.js';
import { factsOf, stringValue } from '../../analysis/code.js';
import defineCheck from '../define-check.js';

/** Morgan's predefined formats: none of them logs a request id. */
const PREDEFINED = new Set(['combined', 'common', 'dev', 'short', 'tiny', 'default']);
const ID_HEADER = /:req\[(x-)?(request|correlation|trace|amzn-trace)-id\]|:req\[traceparent\]/i;
const ID_TOKEN = /(^|[-_])(id|reqid|requestid|request-id|correlation-?id|trace-?id)$/i;

export default defineCheck({
  id: 'request-logging-without-correlation-id',
  // Under 50% useful precision on the real-world corpus (bench/realworld, 0 of 3 useful: access logs without a request id are logging hygiene; the checklist's item still reads its evidence): off unless --experimental.
  experimental: true,
  title: 'Request log without a correlation id',
  owasp: 'API8:2023',
  cwe: ['CWE-778'],
  severity: 'low',
  confidence: 'high',
  section: 'cors-transport',
  targets: ['code'],
  rationale:
    'A request log line that carries no request or correlation id cannot be tied to the application logs, the upstream gateway or the downstream calls of the same request: an incident (a token replayed, an object enumerated) cannot be traced end to end.',
  remediation:
    "Give every request an id and log it: accept or generate `X-Request-Id` (`cls-rtracer`, `express-request-id`, or `req.id = req.get('X-Request-Id') ?? randomUUID()`), return it in the response, and add it to the access log — morgan `morgan.token('id', (req) => req.id)` with `':id :method :url :status :response-time ms'`, or `pino-http`, which logs a `reqId` on every line.",
  messages: {
    format: 'The morgan request logger uses the format {{format}}, which logs no request or correlation id.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      if (source.language === 'python') continue;
      const calls = factsOf(source).calls;
      const tokens = new Set<string>();
      for (const call of calls) {
        if (call.callee !== 'morgan.token') continue;
        const name = stringValue(call.args[0]);
        if (name !== undefined) tokens.add(name);
      }
      for (const call of calls) {
        if (call.callee !== 'morgan' || call.isNew) continue;
        const first = call.args[0];
        const format = first === undefined ? 'default' : stringValue(first);
        // A format built elsewhere (a variable, a function) cannot be read: nothing is said.
        if (format === undefined) continue;
        if (!PREDEFINED.has(format)) {
          if (ID_HEADER.test(format)) continue;
          const used = [...format.matchAll(/:([\w-]+)/g)].map((match) => match[1] ?? '');
          if (used.some((token) => tokens.has(token) && ID_TOKEN.test(token))) continue;
        }
        report({ messageId: 'format', data: { format: `\`${format}\`` }, ...at(ctx, source, call.node) });
      }
    }
  },
});
