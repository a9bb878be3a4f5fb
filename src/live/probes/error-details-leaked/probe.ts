import defineProbe from '../../probe.js';
import type { Exchange, LiveRequest } from '../../http.js';
import type { LiveEndpoint, ProbeContext } from '../../probe.js';
import { JSON_HEADERS, defaultCredentials } from '../support.js';

type Kind = 'stack-trace' | 'sql-error' | 'debug-page' | 'internal-address';

/** What a generic error page never contains. Each pattern is a whole shape, not a keyword. */
const SIGNS: readonly { kind: Kind; label: string; regex: RegExp }[] = [
  { kind: 'debug-page', label: 'a framework debug page', regex: /You're seeing this error because you have <code>DEBUG = True<\/code>|Werkzeug Debugger|<title>Whoops! There was an error|Action Controller: Exception caught|Server Error in '\/' Application\.|<h1>Symfony Exception<\/h1>|Laravel\\?\s*Ignition/ },
  { kind: 'stack-trace', label: 'a Node.js stack trace', regex: /(?:\n|\\n)\s*at (?:[\w$.<>[\] ]+ \()?(?:\/|[A-Za-z]:\\|node:|file:\/\/)[^\s():]+:\d+:\d+\)?/ },
  { kind: 'stack-trace', label: 'a Python traceback', regex: /Traceback \(most recent call last\):|File \\?"[^"\n]+\.py\\?", line \d+, in \w+/ },
  { kind: 'stack-trace', label: 'a Java stack trace', regex: /(?:(?<!\w)|(?<=\\t))at (?:[\w.]+\/)?(?:[a-z][\w$]*\.)+[A-Z][\w$]*\.[\w$<>]+\((?:[\w$]+\.(?:java|kt|scala)|Unknown Source|Native Method)(?::\d+)?\)/ },
  { kind: 'stack-trace', label: 'a .NET stack trace', regex: /\bat [\w.`<>]+\([^)]*\) in [^\n]+:line \d+/ },
  { kind: 'stack-trace', label: 'a Go panic', regex: /goroutine \d+ \[running\]:/ },
  { kind: 'stack-trace', label: 'a PHP stack trace', regex: /#\d+ (?:\/|[A-Za-z]:\\)[^\s(]+\.php\(\d+\): /},
  {
    kind: 'sql-error',
    label: 'a database error',
    regex: /syntax error at or near \\?"|You have an error in your SQL syntax|SQLSTATE\[\w+\]|\bORA-\d{5}\b|SQLITE_ERROR|unterminated quoted string at or near|Unclosed quotation mark after the character string|PG::\w+Error|psycopg2?\.errors?\.\w+|SequelizeDatabaseError|QueryFailedError|org\.hibernate\.exception\.\w+|java\.sql\.SQL\w*Exception/,
  },
  { kind: 'internal-address', label: 'an internal network address', regex: /(?<![\d.])(?:10\.(?:\d{1,3}\.){2}\d{1,3}|192\.168\.\d{1,3}\.\d{1,3}|172\.(?:1[6-9]|2\d|3[01])\.\d{1,3}\.\d{1,3})(?::\d{2,5})?(?![\d.])/ },
];

const SEVERITY: Record<Kind, 'medium' | 'low'> = { 'debug-page': 'medium', 'stack-trace': 'medium', 'sql-error': 'medium', 'internal-address': 'low' };
const MAX_PER_KIND = 3;

export function signsIn(body: string): { kind: Kind; label: string; text: string }[] {
  const out: { kind: Kind; label: string; text: string }[] = [];
  for (const sign of SIGNS) {
    const match = sign.regex.exec(body);
    if (match) out.push({ kind: sign.kind, label: sign.label, text: match[0].trim().slice(0, 120) });
  }
  return out;
}

/** The requests that feed each endpoint malformed input without changing anything. */
function malformed(item: LiveEndpoint): LiveRequest | undefined {
  if (['POST', 'PUT', 'PATCH'].includes(item.method)) {
    // Truncated JSON: no handler gets as far as writing anything.
    return { method: item.method, path: item.path, headers: JSON_HEADERS, body: '{"apisec": ["' };
  }
  if (item.method !== 'GET') return undefined;
  const template = item.endpoint.path;
  const param = /\{([^}/]+)\}/.exec(template);
  if (param) {
    // A quote where an id goes: a query built by concatenation breaks, a parameterised one answers 404/400.
    const prefix = template.slice(0, param.index).replace(/\{[^}/]+\}/g, '1');
    const rest = template.slice(param.index + param[0].length).replace(/\{[^}/]+\}/g, '1');
    return { method: 'GET', path: `${prefix}1'%22${rest}` };
  }
  const query = item.endpoint.parameters.find((parameter) => parameter.in === 'query');
  if (query) return { method: 'GET', path: `${item.path}${item.path.includes('?') ? '&' : '?'}${encodeURIComponent(query.name)}=%27%22%5B` };
  return undefined;
}

async function run(ctx: ProbeContext): Promise<void> {
  const credentials = defaultCredentials(ctx);
  const writes = ctx.endpoints.filter((item) => ['POST', 'PUT', 'PATCH'].includes(item.method)).slice(0, 4);
  const reads = ctx.endpoints.filter((item) => item.method === 'GET' && malformed(item) !== undefined).slice(0, 4);
  const found = new Map<Kind, { label: string; text: string; exchange: Exchange; item: LiveEndpoint }[]>();
  for (const item of [...writes, ...reads]) {
    const request = malformed(item);
    if (!request) continue;
    const exchange = await ctx.send(request, credentials);
    if (ctx.isBaselineLike(exchange.response)) continue;
    const signs = signsIn(exchange.response.body);
    if (signs.length === 0) continue;
    // A sign the endpoint's ordinary answer already carries is its content, not a leak.
    const ordinary = ctx.cached(item.path, credentials)?.response.body;
    for (const sign of signs) {
      if (ordinary?.includes(sign.text)) continue;
      const list = found.get(sign.kind) ?? [];
      if (list.length < MAX_PER_KIND && !list.some((entry) => entry.label === sign.label && entry.item === item)) list.push({ ...sign, exchange, item });
      found.set(sign.kind, list);
    }
  }
  for (const [kind, entries] of found) {
    const lead = entries[0];
    if (!lead) continue;
    const places = [...new Set(entries.map((entry) => `${entry.exchange.request.method} ${entry.item.endpoint.path}`))];
    ctx.report({
      message: `Malformed input makes the API answer with ${lead.label} (\`${lead.text}\`) at ${places.join(', ')}.`,
      exchanges: entries.map((entry) => entry.exchange),
      endpointId: lead.item.endpoint.id,
      severity: SEVERITY[kind],
      key: kind,
      facts: { leak: kind },
    });
  }
}

export default defineProbe({
  id: 'error-details-leaked',
  title: 'Internal error details returned to the client',
  kind: 'passive',
  owasp: 'API8:2023',
  cwe: ['CWE-209', 'CWE-215'],
  severity: 'medium',
  confidence: 'high',
  section: 'input-validation',
  rationale:
    'Stack traces, database errors, debug pages and internal addresses tell an attacker the code paths, the query shapes (an injection point, often), the libraries and the network behind the API.',
  remediation:
    'Return a generic error body (a status, a short message, a correlation id) from one error handler, log the details server-side, turn debug mode off in every deployed environment, and reject malformed input with 400 before it reaches the database.',
  confirms: ['verbose-error-response', 'debug-mode-enabled', 'sql-injection'],
  maxRequests: 8,
  run,
});
