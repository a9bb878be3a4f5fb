import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { atLeast, lines, probe, startServers } from '../../../../test/live/harness.js';
import type { Servers } from '../../../../test/live/harness.js';
import errors, { signsIn } from './probe.js';

let servers: Servers;
beforeAll(async () => {
  servers = await startServers();
});
afterAll(async () => {
  await servers.close();
});

describe('error-details-leaked', () => {
  it('reports the stack trace, the SQL error and the internal address once each on the vulnerable server', async () => {
    const result = await probe(servers.vulnerable, [errors], { tokens: servers.vulnerable.tokens });
    expect(result.findings.map((finding) => finding.evidence?.leak).sort()).toEqual(['internal-address', 'sql-error', 'stack-trace']);
    const sql = result.findings.find((finding) => finding.evidence?.leak === 'sql-error');
    expect(sql?.message).toContain('syntax error at or near');
    expect(sql?.endpointId).toMatch(/GET \/api\/orders\/\{orderId\}$/);
    const stack = result.findings.find((finding) => finding.evidence?.leak === 'stack-trace');
    expect(stack?.message).toMatch(/Node\.js stack trace/);
    expect(String(stack?.evidence?.request)).toContain('{"apisec": ["');
  });

  it('finds nothing at medium or above on the hardened twin, nothing on the say-yes server', async () => {
    const hardened = await probe(servers.hardened, [errors], { tokens: servers.hardened.tokens });
    expect(lines(atLeast(hardened.findings, 'low'))).toEqual([]);
    const sayYes = await probe(servers.sayYes, [errors], { tokens: servers.vulnerable.tokens });
    expect(lines(sayYes.findings)).toEqual([]);
    expect(sayYes.summary.requests).toBeGreaterThan(4);
  });
});

describe('error-details-leaked signs, on error bodies of other stacks', () => {
  const leaks: [string, string, string][] = [
    ['stack-trace', 'Python traceback', 'Traceback (most recent call last):\n  File "/srv/app/views.py", line 41, in create_order\n    qty = int(body["qty"])\nKeyError: \'qty\''],
    ['stack-trace', 'Python traceback', '{"detail": "Internal error", "trace": "  File \\"/app/api/routes.py\\", line 12, in get_item"}'],
    ['stack-trace', 'Java stack trace', '{"error":"Internal Server Error","trace":"java.lang.NumberFormatException: For input string: \\"1\'\\"\\n\\tat java.base/java.lang.Integer.parseInt(Integer.java:652)\\n\\tat com.shop.orders.OrderController.get(OrderController.java:57)"}'],
    ['stack-trace', '.NET stack trace', 'System.FormatException: Input string was not in a correct format.\n   at Shop.Api.OrdersController.Get(String id) in /src/Shop.Api/Controllers/OrdersController.cs:line 31'],
    ['stack-trace', 'PHP stack trace', '#0 /var/www/html/app/Http/Controllers/OrderController.php(44): App\\Models\\Order::findOrFail(\'1\\\'\')'],
    ['stack-trace', 'Go panic', 'panic: runtime error: index out of range [3] with length 3\n\ngoroutine 7 [running]:\nmain.handler(...)'],
    ['sql-error', 'database error', '{"message":"SQLSTATE[42000]: Syntax error or access violation: 1064 You have an error in your SQL syntax; check the manual"}'],
    ['sql-error', 'database error', '<p>ORA-01756: quoted string not properly terminated</p>'],
    ['sql-error', 'database error', '{"error":"SequelizeDatabaseError: invalid input syntax for type integer"}'],
    ['debug-page', 'debug page', '<p>You\'re seeing this error because you have <code>DEBUG = True</code> in your Django settings file.</p>'],
    ['debug-page', 'debug page', '<title>TypeError // Werkzeug Debugger</title>'],
    ['internal-address', 'internal network address', '{"error":"upstream 172.20.4.9:8080 timed out"}'],
  ];
  it.each(leaks)('%s: %s', (kind, label, body) => {
    expect(signsIn(body)).toEqual(expect.arrayContaining([expect.objectContaining({ kind, label: expect.stringContaining(label) as unknown })]));
  });

  const safe = [
    '{"error":"Unexpected token } in JSON at position 12"}',
    '{"error":"password must be at least 8 characters"}',
    '{"error":"invalid value at line 1 column 5"}',
    '{"error":"order 1\' not found"}',
    '{"released":"10.12.2024","version":"3.10.2","host":"127.0.0.1:8080","cdn":"203.0.113.7"}',
    '<h1>Bad Request</h1><p>The browser (or proxy) sent a request that this server could not understand.</p>',
    '{"title":"Learn SQL syntax basics","error":"not found"}',
  ];
  it.each(safe)('no sign in %s', (body) => {
    expect(signsIn(body)).toEqual([]);
  });
});
