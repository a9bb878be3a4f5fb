import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { audit, type AuditResult } from '../src/index.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderSarif } from '../src/report/sarif.js';
import { renderSummary } from '../src/report/summary.js';

/** The leaks of issue 12, each planted where a real repository has it. */
const SECRET = {
  jwtSignKey: 'Zq9vK2mXw8Rt4LpN7sYb3HfJ6dGc1AeT',
  pyDecodeKey: 'py-decode-key-5f2a9c7e1b3d',
  queryKey: '9f8e7d6c5b4a39281706f5e4d3c2b1a0',
  codeUrlPassword: 'hunter2Pass9x',
  serverPassword: 'sp3cPassw0rdX',
  refPassword: 'r3fPassw0rdQz',
  graphqlToken: 'sk_live_4eC39HqLyjWDarjtT1zdp7dc',
  summaryToken: 'ghp_R4nd0mT0k3nV4lu3H3r3abcdefghijkl',
  pathToken: 'xoxb-1234567890-abcdefghijklmnop',
  awsKey: 'AKIAIOSFODNN7EXAMPLQ',
};

const FILES: Record<string, string> = {
  'package.json': JSON.stringify({ name: 'payments', dependencies: { express: '^4.19.2', jsonwebtoken: '^9.0.2', axios: '^1.7.0' } }),
  'requirements.txt': 'flask==3.0.3\npyjwt==2.8.0\nrequests==2.32.3\n',
  'src/app.js': `const express = require('express');
const jwt = require('jsonwebtoken');
const axios = require('axios');
const app = express();
app.get('/token', (req, res) => {
  res.json({ token: jwt.sign({ sub: req.query.user }, '${SECRET.jwtSignKey}') });
});
app.get('/me', (req, res) => res.json(jwt.verify(req.headers.authorization, '${SECRET.jwtSignKey}')));
app.get('/proxy', async (req, res) => {
  const items = await axios.get('https://api.example.com/v1/items?api_key=${SECRET.queryKey}&q=' + req.query.q);
  const status = await axios.get('http://admin:${SECRET.codeUrlPassword}@internal.example.com/status?u=' + req.query.u);
  res.json({ items: items.data, status: status.data });
});
module.exports = app;
`,
  'service/app.py': `import jwt
from flask import Flask, request

app = Flask(__name__)


@app.route("/decode")
def decode():
    return jwt.decode(request.args["t"], "${SECRET.pyDecodeKey}", algorithms=["HS256"], options={"verify_exp": False})
`,
  'api/openapi.yaml': `openapi: 3.0.3
info: { title: Payments, version: 1.0.0 }
servers:
  - url: https://deploy:${SECRET.serverPassword}@api.example.com/v1
paths:
  /hooks/${SECRET.pathToken}/events:
    post:
      summary: Receives events signed with ${SECRET.summaryToken} for ${SECRET.awsKey}
      responses: { '200': { description: ok } }
  /items:
    get:
      responses:
        '200':
          description: ok
          content:
            application/json:
              schema:
                $ref: 'https://bot:${SECRET.refPassword}@schemas.example.com/item.yaml#/Item'
`,
  'schema/schema.graphql': `type Query {\n  me: String\n}\n${SECRET.graphqlToken}\n`,
};

let root: string;
let result: AuditResult;
let outputs: Record<string, string>;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'apisec-masking-'));
  for (const [file, content] of Object.entries(FILES)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  result = await audit({ root, name: 'payments', today: '2026-01-01' });
  outputs = {
    markdown: renderMarkdown(result),
    json: renderJson(result),
    terminal: renderSummary(result, { color: false }),
    sarif: renderSarif(result),
  };
});

afterAll(() => {
  rmSync(root, { recursive: true, force: true });
});

describe('secrets in every output', () => {
  it('the audit quotes the places the secrets sit in (the test would pass vacuously otherwise)', () => {
    const json = outputs.json ?? '';
    expect(json).toContain('jwt.sign(');
    expect(json).toContain('jwt.decode(');
    expect(json).toContain('api_key=');
    expect(json).toContain('https://deploy:');
    expect(json).toContain('https://bot:');
    expect(json).toContain('/hooks/xoxb-');
    expect(json).toContain('Receives events signed with ghp_');
    expect(json).toContain('schema.graphql');
  });

  it.each(Object.entries(SECRET))('never shows %s beyond its short prefix', (_label, secret) => {
    for (const [name, text] of Object.entries(outputs)) {
      expect(text, name).not.toContain(secret);
      expect(text, name).not.toContain(secret.slice(-8));
    }
  });

  it('masks the same value the same way in every place, so ids still match', () => {
    // A spec-only operation is listed under its servers' path (`/v1`).
    const endpoint = result.inventory.endpoints.find((candidate) => candidate.path.startsWith('/v1/hooks/'));
    expect(endpoint).toBeDefined();
    const json = JSON.parse(outputs.json ?? '{}') as { endpoints: { id: string; path: string }[]; apis: { endpointIds: string[] }[] };
    const hooks = json.endpoints.find((candidate) => candidate.path.startsWith('/v1/hooks/'));
    expect(hooks?.path).toBe('/v1/hooks/xoxb-1234********/events');
    expect(json.apis.some((api) => api.endpointIds.includes(hooks?.id ?? ''))).toBe(true);
  });
});
