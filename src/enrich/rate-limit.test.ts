import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { analyse } from '../index.js';

const root = mkdtempSync(path.join(os.tmpdir(), 'apisec-ratelimit-'));
afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

function project(name: string, files: Record<string, string>): string {
  const dir = path.join(root, name);
  for (const [file, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    writeFileSync(path.join(dir, file), text);
  }
  return dir;
}

async function verdicts(dir: string): Promise<Record<string, string>> {
  const analysis = await analyse({ root: dir, today: '2026-06-01', checks: [] });
  try {
    return Object.fromEntries(
      analysis.context.inventory.endpoints.map((endpoint) => [
        `${endpoint.method} ${endpoint.path}`,
        [endpoint.rateLimit?.state ?? 'none', endpoint.rateLimit?.limit ?? '', endpoint.rateLimit?.scope ?? ''].join(' | '),
      ]),
    );
  } finally {
    analysis.dispose();
  }
}

describe('rate-limit enricher', () => {
  it('follows express registration order, mounts and route-level limiters', async () => {
    const dir = project('express', {
      'package.json': '{ "dependencies": { "express": "4", "express-rate-limit": "7" } }',
      'app.js': [
        "const express = require('express');",
        "const rateLimit = require('express-rate-limit');",
        'const app = express();',
        "app.get('/health', (req, res) => res.end());",
        "app.use('/api', rateLimit({ windowMs: 60 * 1000, limit: 100 }));",
        "app.get('/api/items', (req, res) => res.json([]));",
        "app.post('/login', rateLimit({ windowMs: 15 * 60 * 1000, limit: 5, keyGenerator: (req) => req.body.username }), (req, res) => res.end());",
        "app.get('/other', (req, res) => res.end());",
        'module.exports = app;',
      ].join('\n'),
    });
    const result = await verdicts(dir);
    expect(result['GET /health']).toBe('missing |  | ');
    expect(result['GET /api/items']).toBe('present | 100 per minute | ip, app-wide (express-rate-limit)');
    expect(result['POST /login']).toBe('present | 5 per 15 minutes | user, route (express-rate-limit)');
    expect(result['GET /other']).toBe('missing |  | ');
  });

  it('reads slowapi defaults, decorators and exemptions', async () => {
    const dir = project('fastapi', {
      'requirements.txt': 'fastapi\nslowapi\n',
      'main.py': [
        'from fastapi import FastAPI, Request',
        'from slowapi import Limiter',
        'from slowapi.middleware import SlowAPIMiddleware',
        'from slowapi.util import get_remote_address',
        'limiter = Limiter(key_func=get_remote_address, default_limits=["100/minute"])',
        'app = FastAPI()',
        'app.add_middleware(SlowAPIMiddleware)',
        '@app.get("/items")',
        'async def items(request: Request):',
        '    return []',
        '@app.post("/login")',
        '@limiter.limit("5/minute")',
        'async def login(request: Request):',
        '    return {}',
        '@app.get("/health")',
        '@limiter.exempt',
        'async def health(request: Request):',
        '    return {}',
      ].join('\n'),
    });
    const result = await verdicts(dir);
    expect(result['GET /items']).toBe('present | 100/minute | ip, app-wide (slowapi)');
    expect(result['POST /login']).toBe('present | 5/minute | ip, route (slowapi)');
    expect(result['GET /health']).toMatch(/^missing \| {2}\| exempted by `@limiter.exempt`/);
  });

  it('maps nginx limit_req locations to endpoint paths', async () => {
    const dir = project('nginx', {
      'requirements.txt': 'flask\n',
      'app.py': ['from flask import Flask', 'app = Flask(__name__)', '@app.route("/api/orders")', 'def orders():', '    return []', '@app.route("/status")', 'def status():', '    return {}'].join('\n'),
      'nginx/site.conf': 'limit_req_zone $binary_remote_addr zone=api:10m rate=10r/s;\nserver {\n  location /api/ {\n    limit_req zone=api burst=20;\n  }\n}\n',
    });
    const result = await verdicts(dir);
    expect(result['GET /api/orders']).toBe('present | 10 per second | ip, gateway (nginx limit_req)');
    expect(result['GET /status']).toBe('missing |  | ');
  });

  it('says unknown when an unresolved middleware may limit requests', async () => {
    const dir = project('unknown', {
      'package.json': '{ "dependencies": { "express": "4" } }',
      'app.js': ["const express = require('express');", "const { throttle } = require('@acme/throttle');", 'const app = express();', 'app.use(throttle());', "app.get('/items', (req, res) => res.json([]));"].join('\n'),
    });
    const result = await verdicts(dir);
    expect(result['GET /items']).toMatch(/^unknown/);
  });
});
