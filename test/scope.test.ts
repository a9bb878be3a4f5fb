import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../src/cli/io.js';
import { run } from '../src/cli/run.js';
import { audit } from '../src/index.js';

const APP = `const express = require('express');
const jwt = require('jsonwebtoken');
const { requireUser } = require('./auth');

const app = express();
app.use(express.json());

app.get('/api/orders/:id', requireUser, async (req, res) => {
  const order = await req.db.orders.findOne({ id: req.params.id, ownerId: req.user.id });
  if (!order) return res.status(404).end();
  res.json({ id: order.id, total: order.total });
});

module.exports = app;
`;

const AUTH = `const jwt = require('jsonwebtoken');

function requireUser(req, res, next) {
  const header = req.get('authorization') || '';
  try {
    req.user = jwt.verify(header.replace(/^Bearer /, ''), process.env.JWT_SECRET, { algorithms: ['HS256'] });
    return next();
  } catch (error) {
    return res.status(401).json({ error: 'unauthorized' });
  }
}

module.exports = { requireUser };
`;

// Test code full of things that are weaknesses only where requests are served.
const TEST = `const request = require('supertest');
const jwt = require('jsonwebtoken');
const express = require('express');
const app = require('../src/app');

const SECRET = 'test-secret-do-not-use';

describe('orders', () => {
  it('reads an order', async () => {
    const token = jwt.sign({ id: 1 }, SECRET);
    const claims = jwt.decode(token);
    expect(claims.id).toBe(1);
  });

  it('serves a stub route', async () => {
    const stub = express();
    stub.post('/api/admin/users/:id/delete', (req, res) => res.json(Object.assign({}, req.body)));
    await request(stub).post('/api/admin/users/1/delete').expect(200);
  });
});
`;

function minifiedBundle(bytes: number): string {
  const unit = 'function r(e){return fetch("/api/orders/"+e,{headers:{Authorization:"Bearer "+localStorage.getItem("token")}}).then(function(t){return t.json()})}var o=document.querySelector("#app");';
  return `!function(){${unit.repeat(Math.ceil(bytes / unit.length))}}();\n//# sourceMappingURL=app.js.map\n`;
}

function ioFor(cwd: string): { io: CliIo; out: () => string; err: () => string } {
  let stdout = '';
  let stderr = '';
  return {
    io: {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      cwd,
      env: {},
    },
    out: () => stdout,
    err: () => stderr,
  };
}

describe('scope: code that never serves requests', () => {
  let root: string;
  beforeAll(() => {
    root = mkdtempSync(path.join(os.tmpdir(), 'apisec-scope-'));
    const write = (relative: string, text: string): void => {
      mkdirSync(path.dirname(path.join(root, relative)), { recursive: true });
      writeFileSync(path.join(root, relative), text);
    };
    write('package.json', JSON.stringify({ name: 'orders', dependencies: { express: '4.21.0', jsonwebtoken: '9.0.2' } }));
    write('src/app.js', APP);
    write('src/auth.js', AUTH);
    write('test/orders.test.js', TEST);
    write('examples/quickstart/server.js', TEST.replace("require('../src/app')", "require('express')()"));
    write('public/js/app.js', minifiedBundle(1_200_000));
  });
  afterAll(() => {
    rmSync(root, { recursive: true, force: true });
  });

  it('leaves tests, examples and a 1.2 MB minified bundle out, and says so', async () => {
    const result = await audit({ root, name: 'orders', today: '2026-01-01' });
    const files = new Set(result.findings.flatMap((finding) => [finding.location.file]));
    expect([...files].filter((file) => !file.startsWith('src/'))).toEqual([]);
    expect(result.inventory.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`)).toEqual(['GET /api/orders/{id}']);
    expect(result.stats.excludedByReason).toEqual({ test: 1, example: 1, minified: 1 });
    expect(result.diagnostics.filter((diagnostic) => diagnostic.level !== 'info')).toEqual([]);
  });

  it('brings tests back with --include-tests', async () => {
    const result = await audit({ root, name: 'orders', today: '2026-01-01', includeTests: true });
    expect(result.stats.excludedByReason).toEqual({ example: 1, minified: 1 });
    expect(result.inventory.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`)).toContain('POST /api/admin/users/{id}/delete');
  });

  it('reports the files left out in 02-protect.md', async () => {
    const cwd = mkdtempSync(path.join(os.tmpdir(), 'apisec-scope-cwd-'));
    try {
      const { io, err } = ioFor(cwd);
      const code = await run(['audit', 'orders', root, '--skip-checks', '--today', '2026-01-01', '--quiet'], io);
      expect(err()).toBe('');
      expect(code).toBe(0);
      const markdown = readFileSync(path.join(cwd, '.metapowers/security/orders/02-protect.md'), 'utf8');
      expect(markdown).toContain('Left out of scope: 3 files that never serve requests (tests and their fixtures 1, examples and samples 1, minified or bundled code 1)');
    } finally {
      rmSync(cwd, { recursive: true, force: true });
    }
  });
});

describe('an audit that finds no API', () => {
  let cwd: string;
  beforeAll(() => {
    cwd = mkdtempSync(path.join(os.tmpdir(), 'apisec-empty-'));
    mkdirSync(path.join(cwd, 'empty'));
    mkdirSync(path.join(cwd, 'frontend/src'), { recursive: true });
    writeFileSync(path.join(cwd, 'frontend/src/main.js'), "document.querySelector('#app').textContent = 'hello';\n");
  });
  afterAll(() => {
    rmSync(cwd, { recursive: true, force: true });
  });

  it.each(['empty', 'frontend'])('exits 2 on %s with a clear message and writes nothing', async (dir) => {
    const { io, err } = ioFor(cwd);
    const code = await run(['audit', 'svc', dir, '--skip-checks'], io);
    expect(code).toBe(2);
    expect(err()).toContain(`No API was found in "${dir}"`);
    expect(err()).toContain('--allow-empty');
    expect(existsSync(path.join(cwd, '.metapowers/security/svc/02-protect.md'))).toBe(false);
  });

  it('passes with --allow-empty and writes the report', async () => {
    const { io, err } = ioFor(cwd);
    const code = await run(['audit', 'svc', 'empty', '--skip-checks', '--allow-empty', '--quiet'], io);
    expect(err()).toBe('');
    expect(code).toBe(0);
    expect(existsSync(path.join(cwd, '.metapowers/security/svc/02-protect.md'))).toBe(true);
  });
});
