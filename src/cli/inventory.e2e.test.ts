import { cp, mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import yaml from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { run } from './run.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/payments-service', import.meta.url));

async function cli(argv: string[], cwd: string): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    cwd,
    env: {},
  };
  const code = await run(argv, io);
  return { code, stdout, stderr };
}

type Operation = Record<string, unknown>;
function operation(doc: unknown, path: string, method: string): Operation {
  const paths = (doc as { paths: Record<string, Record<string, Operation>> }).paths;
  const op = paths[path]?.[method];
  if (op === undefined) throw new Error(`no ${method} ${path} in the inventory`);
  return op;
}

describe('apisec inventory and apisec sunset, end to end', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apisec-inventory-'));
    await cp(EXAMPLE, join(cwd, 'payments'), { recursive: true });
    // A router no app mounts: its authentication cannot be decided.
    await mkdir(join(cwd, 'orders/src'), { recursive: true });
    await writeFile(join(cwd, 'orders/package.json'), '{"name":"orders","dependencies":{"express":"^4.19.2"}}\n');
    await writeFile(
      join(cwd, 'orders/src/orders.js'),
      "const express = require('express');\nconst router = express.Router();\nrouter.get('/orders/:id', (req, res) => res.json({ id: req.params.id }));\nmodule.exports = router;\n",
    );
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it("prints seed 001's inventory file, every x- field filled from evidence", async () => {
    const { code, stdout, stderr } = await cli(['inventory', 'payments', '--today', '2025-06-30'], cwd);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const doc = yaml.load(stdout) as Record<string, unknown>;
    expect(doc.openapi).toBe('3.1.0');
    expect(doc.info).toMatchObject({ title: 'payments API Inventory', version: '2025-06-30' });

    // Protected by the code: true, with where.
    expect(operation(doc, '/api/v1/payments', 'post')).toMatchObject({
      'x-api-status': 'active',
      'x-data-classification': 'critical',
      'x-auth-required': true,
      'x-auth-state': 'protected',
      'x-auth-scopes': [],
      'x-apisec-sources': ['spec openapi.yaml:44', 'code src/routes/payments.js:20'],
    });
    expect(operation(doc, '/api/v1/payments', 'post')['x-auth-evidence']).toContain('src/routes/payments.js');
    // The spec asks for a key, the code serves it without: false, never the spec's word.
    expect(operation(doc, '/api/v1/merchants/{merchantId}', 'get')).toMatchObject({ 'x-auth-required': false, 'x-auth-state': 'unprotected' });
    // Public on purpose (security: []) is not required either.
    const legacy = operation(doc, '/api/v0/payments/{paymentId}', 'get');
    expect(legacy).toMatchObject({
      'x-api-status': 'deprecated',
      deprecated: true,
      'x-sunset-date': '2025-12-31',
      'x-auth-required': false,
      'x-auth-state': 'public',
    });
    expect(operation(doc, '/health', 'get')).toMatchObject({ 'x-data-classification': 'low', 'x-api-status': 'active' });
    // The OpenAPI 3.1 webhook of the spec stays a webhook.
    expect((doc.webhooks as Record<string, Record<string, Operation>>).paymentSettled?.post).toMatchObject({ 'x-api-status': 'active' });
    // Dates stay strings in YAML, as in the seed.
    expect(stdout).toContain("x-sunset-date: '2025-12-31'");
  });

  it('says unknown, with the reason, where authentication cannot be decided', async () => {
    const { code, stdout } = await cli(['inventory', 'orders', '--format', 'json'], cwd);
    expect(code).toBe(0);
    const op = operation(JSON.parse(stdout), '/orders/{id}', 'get');
    expect(op['x-auth-required']).toBe('unknown');
    expect(op['x-auth-state']).toBe('unknown');
    expect(op['x-auth-unknown-reason']).toBe('the router is not mounted by any app found in the workspace');
    expect(op).not.toHaveProperty('x-auth-evidence');
  });

  it('renders CSV and Markdown with one row per operation', async () => {
    const csv = await cli(['inventory', 'payments', '--format', 'CSV'], cwd);
    expect(csv.code).toBe(0);
    const rows = csv.stdout.trimEnd().split('\n');
    expect(rows[0]).toBe('method,path,api,x-api-status,x-data-classification,x-auth-required,x-auth-scopes,x-deprecation-date,x-sunset-date,auth-state,auth-reason,sources');
    expect(rows).toHaveLength(17);
    expect(rows).toContain(
      'PUT,/api/v1/merchants/{merchantId}/payout-account,express app (src/app.js),active,high,false,,,,unprotected,no authentication applies to this route,code src/routes/merchants.js:11',
    );
    const md = await cli(['inventory', 'payments', '--format', 'md'], cwd);
    expect(md.stdout).toContain('| GET | `/api/v0/payments/{paymentId}` | `Acme Payments API` | deprecated | critical | false |   |   | 2025-12-31 | public |');
    const bad = await cli(['inventory', 'payments', '--format', 'xml'], cwd);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('openapi, json, csv, md');
  });

  it('writes -o FILE atomically and refuses to write through a symbolic link', async () => {
    const written = await cli(['inventory', 'payments', '-o', 'openapi-inventory.yaml', '--today', '2025-06-30'], cwd);
    expect(written).toEqual({ code: 0, stdout: '', stderr: '' });
    const doc = yaml.load(await readFile(join(cwd, 'openapi-inventory.yaml'), 'utf8'));
    expect(operation(doc, '/api/v1/payments', 'get')['x-auth-required']).toBe(true);

    await writeFile(join(cwd, 'precious.txt'), 'keep me\n');
    await symlink(join(cwd, 'precious.txt'), join(cwd, 'link.yaml'));
    const refused = await cli(['inventory', 'payments', '-o', 'link.yaml'], cwd);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('is a symbolic link');
    expect(await readFile(join(cwd, 'precious.txt'), 'utf8')).toBe('keep me\n');

    // Written into the audited folder, it is not inventoried again as an API of its own.
    const inside = await cli(['inventory', 'payments', '-o', 'payments/openapi-inventory.yaml', '--format', 'json'], cwd);
    expect(inside.code).toBe(0);
    const again = await cli(['inventory', 'payments', '--format', 'csv'], cwd);
    expect(again.stdout.trimEnd().split('\n')).toHaveLength(17);
    expect(again.stdout).not.toContain('API Inventory');

    const missing = await cli(['inventory', 'payments', '-o', 'no/such/folder/inv.yaml'], cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('does not exist');
  });

  it('gates on the inventory it wrote: exit 1 past the sunset, 0 before', async () => {
    await cli(['inventory', 'payments', '-o', 'inventory.yaml'], cwd);
    const past = await cli(['sunset', 'inventory.yaml', '--today', '2026-01-01'], cwd);
    expect(past.code).toBe(1);
    const lines = past.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(
      /^inventory\.yaml:\d+ \/paths\/~1api~1v0~1payments~1\{paymentId\}\/get GET \/api\/v0\/payments\/\{paymentId\}: deprecated, x-sunset-date 2025-12-31 \(line \d+\) is before 2026-01-01\.$/,
    );
    const text = await readFile(join(cwd, 'inventory.yaml'), 'utf8');
    const line = Number(/^inventory\.yaml:(\d+)/.exec(lines[0] ?? '')?.[1]);
    expect(text.split('\n')[line - 1]).toBe('    get:');
    expect(past.stderr).toContain('1 deprecated operation is past its x-sunset-date');

    const before = await cli(['sunset', 'inventory.yaml', '--today', '2025-12-31'], cwd);
    expect(before.code).toBe(0);
    expect(before.stdout).toContain('No deprecated operation is past its x-sunset-date (today 2025-12-31; 1 deprecated operation among');
  });

  it('works on any OpenAPI file: Swagger 2.0 JSON, path-level dates, x-api-status without deprecated: true', async () => {
    const swagger = {
      swagger: '2.0',
      info: { title: 'Legacy', version: '1' },
      paths: {
        '/v1/users': {
          get: { 'x-api-status': 'deprecated', 'x-sunset-date': '2024-03-01', responses: { 200: { description: 'ok' } } },
          post: { responses: { 201: { description: 'created' } }, 'x-sunset-date': '2020-01-01' },
        },
        '/v1/orders': {
          'x-sunset-date': '2024-06-30',
          delete: { deprecated: true, responses: { 204: { description: 'gone' } } },
        },
        '/v3/users': { get: { 'x-api-status': 'active', responses: { 200: { description: 'ok' } } } },
      },
    };
    const json = JSON.stringify(swagger, null, 2);
    await writeFile(join(cwd, 'legacy.json'), json);
    const lineOf = (needle: string, from = 0): number => json.split('\n').findIndex((line, index) => index >= from && line.includes(needle)) + 1;
    const result = await cli(['sunset', 'legacy.json', '--today', '2025-01-01'], cwd);
    expect(result.code).toBe(1);
    // The active POST has a past date but is not deprecated: the seed's gate leaves it alone.
    const users = lineOf('"/v1/users"');
    const orders = lineOf('"/v1/orders"');
    expect(result.stdout.trimEnd().split('\n')).toEqual([
      `legacy.json:${lineOf('"get"', users)} /paths/~1v1~1users/get GET /v1/users: deprecated, x-sunset-date 2024-03-01 (line ${lineOf('2024-03-01')}) is before 2025-01-01.`,
      `legacy.json:${lineOf('"delete"', orders)} /paths/~1v1~1orders/delete DELETE /v1/orders: deprecated, x-sunset-date 2024-06-30 (line ${lineOf('2024-06-30')}) is before 2025-01-01.`,
    ]);
  });

  it('exits 2 when it cannot decide: not OpenAPI, unreadable date, missing file, bad --today, no FILE', async () => {
    await writeFile(join(cwd, 'not-openapi.yaml'), 'name: just config\n');
    await writeFile(
      join(cwd, 'bad-date.yaml'),
      'openapi: 3.0.3\ninfo: {title: t, version: "1"}\npaths:\n  /old:\n    get:\n      deprecated: true\n      x-sunset-date: next spring\n      responses: {"200": {description: ok}}\n',
    );
    const notOpenapi = await cli(['sunset', 'not-openapi.yaml'], cwd);
    expect(notOpenapi.code).toBe(2);
    expect(notOpenapi.stderr).toContain('not an OpenAPI');
    const badDate = await cli(['sunset', 'bad-date.yaml'], cwd);
    expect(badDate.code).toBe(2);
    expect(badDate.stderr).toContain('bad-date.yaml:7 /paths/~1old/get/x-sunset-date: x-sunset-date of GET /old is "next spring", not a YYYY-MM-DD date.');
    expect((await cli(['sunset', 'nope.yaml'], cwd)).code).toBe(2);
    expect((await cli(['sunset', 'bad-date.yaml', '--today', '2025-13-01'], cwd)).code).toBe(2);
    expect((await cli(['sunset'], cwd)).code).toBe(2);
  });
});
