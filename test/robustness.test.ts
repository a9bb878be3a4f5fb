import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { analyse, type Analysis } from '../src/index.js';

const GOOD_SPEC = `openapi: 3.0.3
info:
  title: Accounts API
  version: 1.0.0
paths:
  /accounts/{accountId}:
    get:
      parameters:
        - name: accountId
          in: path
          required: true
          schema:
            type: string
      responses:
        '200':
          description: The account.
`;

const files: Record<string, string | Buffer> = {
  'specs/good.yaml': GOOD_SPEC,
  // Invalid YAML: a mapping value where none is allowed, on line 4.
  'specs/broken.yaml': 'openapi: 3.0.3\ninfo:\n  title: Broken\n  version: 1.0: 0\npaths: {}\n',
  'specs/payments/openapi.yaml': '',
  'specs/binary.yaml': Buffer.from([0x00, 0x01, 0x02, 0xff, 0xfe, 0x00, 0x7f, 0x45, 0x4c, 0x46]),
  'specs/dangling.yaml': `openapi: 3.0.3
info: { title: Dangling, version: 1.0.0 }
paths:
  /orders:
    post:
      requestBody:
        content:
          application/json:
            schema:
              $ref: '#/components/schemas/Missing'
      responses:
        '201': { description: Created. }
`,
  'specs/cyclic.yaml': `openapi: 3.0.3
info: { title: Cyclic, version: 1.0.0 }
paths:
  /a:
    get:
      responses:
        '200':
          description: A.
          content:
            application/json:
              schema:
                $ref: '#/components/schemas/A'
components:
  schemas:
    A:
      $ref: '#/components/schemas/B'
    B:
      $ref: '#/components/schemas/A'
`,
  'specs/remote.yaml': `openapi: 3.0.3
info: { title: Remote, version: 1.0.0 }
paths:
  /r:
    get:
      responses:
        '200':
          description: R.
          content:
            application/json:
              schema:
                $ref: 'http://127.0.0.1:9/schemas.yaml#/Thing'
`,
  'specs/broken.json': '{ "openapi": "3.0.3", "info": { "title": "x", "version": "1" }, "paths": { "/x": { "get": { ,,, } } } }',
  'specs/deep.json': `${'['.repeat(20_000)}${']'.repeat(20_000)}`,
  'src/broken.py': 'from fastapi import FastAPI\n\napp = FastAPI()\n\n@app.get("/items/{item_id}"\ndef read(item_id: int:\n    return {{\n',
  'src/app.js': "const express = require('express');\nconst app = express();\napp.get('/status', (req, res) => res.json({ ok: true }));\nmodule.exports = app;\n",
  'src/weird name\nwith newline.js': 'module.exports = 1;\n',
  'package.json': JSON.stringify({ name: 'robustness', dependencies: { express: '^4.19.2', fastapi: '*' } }),
};

let root = '';
let analysis: Analysis;

beforeAll(async () => {
  root = mkdtempSync(path.join(os.tmpdir(), 'apisec-robust-'));
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  analysis = await analyse({ root, today: '2026-06-01' });
});

afterAll(() => {
  analysis.dispose();
  rmSync(root, { recursive: true, force: true });
});

function diagnosticsFor(file: string): { line?: number; message: string }[] {
  return analysis.diagnostics.filter((diagnostic) => diagnostic.file === file);
}

describe('a workspace with broken and hostile files', () => {
  it('still inventories the good spec and the code', () => {
    const paths = analysis.context.inventory.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`);
    expect(paths).toContain('GET /accounts/{accountId}');
    expect(paths).toContain('GET /status');
  });

  it('names the file and line of invalid YAML', () => {
    const found = diagnosticsFor('specs/broken.yaml');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.line).toBe(4);
  });

  it('names the file of invalid JSON with a line', () => {
    const found = diagnosticsFor('specs/broken.json');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.line).toBe(1);
  });

  it('warns about an empty file named like a spec', () => {
    const found = diagnosticsFor('specs/payments/openapi.yaml');
    expect(found).toHaveLength(1);
    expect(found[0]?.line).toBe(1);
    expect(found[0]?.message).toMatch(/empty/);
  });

  it('reports a binary file named .yaml instead of parsing it', () => {
    expect(diagnosticsFor('specs/binary.yaml').map((d) => d.message).join(' ')).toMatch(/binary/i);
  });

  it('reports dangling, cyclic and remote refs with their line, and never fetches', () => {
    const dangling = diagnosticsFor('specs/dangling.yaml');
    expect(dangling.some((d) => d.line === 10 && /Missing/.test(d.message))).toBe(true);
    expect(diagnosticsFor('specs/cyclic.yaml').some((d) => /cycl/i.test(d.message))).toBe(true);
    expect(diagnosticsFor('specs/remote.yaml').some((d) => d.line === 12 && /remote|http/i.test(d.message))).toBe(true);
  });

  it('reports a syntax error in source code with its line', () => {
    const found = diagnosticsFor('src/broken.py');
    expect(found.length).toBeGreaterThan(0);
    expect(found[0]?.line).toBeGreaterThanOrEqual(5);
  });

  it('survives deep nesting without crashing a stage', () => {
    expect(analysis.diagnostics.filter((d) => /crashed/.test(d.message))).toEqual([]);
  });
});
