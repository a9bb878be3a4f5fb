import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo, CliStream } from '../src/cli/io.js';
import { run } from '../src/cli/run.js';
import { analyse } from '../src/index.js';
import { ConfigError, loadConfig, parseConfig } from '../src/workspace/config.js';

interface Captured extends CliStream {
  text: string;
}

function capture(): Captured {
  const captured: Captured = {
    text: '',
    write(chunk: string) {
      captured.text += chunk;
      return true;
    },
  };
  return captured;
}

let dirs: string[] = [];

function workspace(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(os.tmpdir(), 'apisec-hardening-'));
  dirs.push(root);
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, file)), { recursive: true });
    writeFileSync(path.join(root, file), content);
  }
  return root;
}

async function cli(cwd: string, argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  const stdout = capture();
  const stderr = capture();
  const io: CliIo = { stdout, stderr, cwd, env: {}, now: () => new Date('2026-06-01T00:00:00.000Z') };
  const code = await run(argv, io);
  return { code, stdout: stdout.text, stderr: stderr.text };
}

beforeEach(() => {
  dirs = [];
});

afterEach(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

const SPEC = `openapi: 3.0.3
info: { title: Orders, version: 1.0.0 }
paths:
  /orders:
    get:
      responses:
        '200': { description: The orders. }
`;

describe('a single hostile file costs only its own diagnostic', () => {
  it('reads the first document of a multi-document YAML spec and says so', async () => {
    const root = workspace({
      'deploy/openapi.yaml': `${SPEC}---\nkind: ConfigMap\nmetadata: { name: orders }\n`,
      'specs/leading.yaml': `---\n${SPEC.replace('/orders', '/invoices')}---\n---\n`,
    });
    const analysis = await analyse({ root, today: '2026-06-01' });
    try {
      const paths = analysis.context.inventory.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`);
      expect(paths).toEqual(expect.arrayContaining(['GET /orders', 'GET /invoices']));
      const warning = analysis.diagnostics.find((diagnostic) => diagnostic.file === 'deploy/openapi.yaml');
      expect(warning).toMatchObject({ line: 1, message: expect.stringMatching(/2 YAML documents; only the first/) as unknown });
    } finally {
      analysis.dispose();
    }
  });

  const HOSTILE_CONFIGS: [string, string, number][] = [
    [
      'an alias bomb',
      'a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c, *c]\ne: &e [*d, *d, *d, *d, *d, *d, *d, *d, *d]\n',
      2,
    ],
    ['an alias to no anchor', 'publicEndpoints:\n  - GET /health\ndisabledChecks: *missing\n', 3],
    ['a mapping used as a key', 'apiTypes:\n  ? { name: payments }\n  : partner\n', 2],
    ['a list used as a key', 'disabledChecks: []\n? [a, b]\n: c\n', 2],
    ['flow nesting deeper than the stack', `apiTypes: ${'['.repeat(20_000)}${']'.repeat(20_000)}\n`, 1],
    ['block nesting deeper than the stack', Array.from({ length: 5_000 }, (_, depth) => `${' '.repeat(depth)}k:\n`).join(''), 514],
    ['several documents', 'disabledChecks: []\n---\napiTypes: {}\n', 2],
    ['a set where a list is expected', 'publicEndpoints: !!set { GET /health }\n', 1],
  ];

  it.each(HOSTILE_CONFIGS)('turns %s in .apisec.yaml into a configuration error with file and line', (_label, text, line) => {
    let thrown: unknown;
    try {
      parseConfig(text, '.apisec.yaml');
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(ConfigError);
    expect(thrown).toMatchObject({ file: '.apisec.yaml', line });
  });

  it('gives exit code 2 and a configuration error, never the internal-error message', async () => {
    const bomb = HOSTILE_CONFIGS[0]?.[1] ?? '';
    const root = workspace({ 'apisec.config.yaml': bomb, 'openapi.yaml': SPEC });
    const result = await cli(root, ['audit', 'orders', '.', '--skip-checks', '--quiet']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('apisec.config.yaml:2');
    expect(result.stderr).not.toMatch(/looks like a bug/);
  });

  it('keeps API names that collide with Object.prototype as plain keys', () => {
    const config = parseConfig('apiTypes:\n  __proto__: partner\n  constructor: internal\n', '.apisec.yaml');
    expect(Object.entries(config.apiTypes)).toEqual([
      ['__proto__', 'partner'],
      ['constructor', 'internal'],
    ]);
    expect(config.apiTypes['toString']).toBeUndefined();
    expect(config.apiTypes['hasOwnProperty']).toBeUndefined();
  });

  it('refuses a config file that links outside the audited directory', async () => {
    const outside = workspace({ 'secret.yaml': 'disabledChecks: [from-outside]\n' });
    const root = workspace({});
    symlinkSync(path.join(outside, 'secret.yaml'), path.join(root, '.apisec.yaml'));
    await expect(loadConfig(root)).rejects.toThrow(/\.apisec\.yaml: it is a link to a file outside the audited directory/);
  });
});

describe('a broken spec is never silent', () => {
  const longDescription = `  description: |\n${Array.from({ length: 120 }, (_, i) => `    Paragraph ${i} of the service overview, long enough to push the version key past 4 KB.\n`).join('')}`;

  it('reports a broken YAML spec whose openapi key comes after the first 4 KB, whatever its name', async () => {
    const yaml = `info:\n  title: Billing\n  version: 2.1.0\n${longDescription}openapi: 3.0.3\npaths:\n  /invoices:\n    get:\n      summary: List: invoices\n      responses: {'200': {description: ok}}\n`;
    const json = `{"info": {"title": "Billing", "description": ${JSON.stringify('x'.repeat(5000))}}, "openapi": "3.0.3", "paths": {"/invoices": {"get": {,}}}}`;
    const root = workspace({
      'definitions/billing.yaml': yaml,
      'definitions/billing-v2.json': json,
      // Safe look-alikes: broken files that only mention openapi below the top level.
      'config/settings.yaml': `server:\n${longDescription}  openapi: 3.0.3\n  port: [80\n`,
      'config/tools.json': `{"tools": {"description": ${JSON.stringify('x'.repeat(5000))}, "openapi": "3.0.3", "lint": [,]}}`,
    });
    const yamlLine = yaml.split('\n').findIndex((line) => line.includes('List: invoices')) + 1;
    const analysis = await analyse({ root, today: '2026-06-01' });
    try {
      const of = (file: string): { line?: number; message: string }[] => analysis.diagnostics.filter((diagnostic) => diagnostic.file === file);
      expect(yaml.indexOf('openapi:')).toBeGreaterThan(4096);
      expect(of('definitions/billing.yaml')).toEqual([expect.objectContaining({ line: yamlLine, message: expect.stringMatching(/invalid YAML/) as unknown })]);
      expect(of('definitions/billing-v2.json')).toEqual([expect.objectContaining({ line: 1, message: expect.stringMatching(/invalid JSON/) as unknown })]);
      expect(of('config/settings.yaml')).toEqual([]);
      expect(of('config/tools.json')).toEqual([]);
    } finally {
      analysis.dispose();
    }
  });
});

describe('control characters from the audited repository never reach a terminal or the report', () => {
  // eslint-disable-next-line no-control-regex -- control characters are what the test looks for.
  const RAW = /[\u0000-\u0008\u000b-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/;
  const ESC = '\u001b';
  const planted = {
    file: `routes/${ESC}[2J${ESC}]0;owned\u0007orders\u202e.js`,
    route: `/orders/${ESC}[31mred\u009b2J`,
    spec: `specs/${ESC}[1Apayments.yaml`,
    broken: `specs/openapi-${ESC}[8mhidden.yaml`,
  };

  it('escapes them in the summary, diagnostics, progress, 02-protect.md and 02-protect.json', async () => {
    const root = workspace({
      'package.json': JSON.stringify({ name: 'shop', dependencies: { express: '^4.19.2' } }),
      [planted.file]: `const express = require('express');\nconst app = express();\napp.get('${planted.route}', (req, res) => res.json({ ok: true }));\napp.delete('/orders/:id', (req, res) => res.status(204).end());\napp.listen(3000);\n`,
      [planted.spec]: SPEC.replace('/orders:', '"/payments/\\e[2K\\r\\u202e":'),
      [planted.broken]: 'openapi: 3.0.3\ninfo: [\n',
    });
    const stdout = capture();
    const stderr = capture();
    stderr.isTTY = true;
    const io: CliIo = { stdout, stderr, cwd: root, env: { FORCE_COLOR: '1' }, now: () => new Date('2026-06-01T00:00:00.000Z') };
    const code = await run(['audit', 'shop', '.', '--skip-checks', '--today', '2026-06-01'], io);
    expect(code).toBe(0);
    const markdown = readFileSync(path.join(root, '.metapowers/security/shop/02-protect.md'), 'utf8');
    const json = readFileSync(path.join(root, '.metapowers/security/shop/02-protect.json'), 'utf8');
    const skipLog = readFileSync(path.join(root, '.metapowers/security/shop/skip-log.md'), 'utf8');
    expect(markdown).toContain('\\x1b[31mred\\x9b2J');
    expect(markdown).toContain('\\x1b[8mhidden.yaml');
    expect(markdown).toContain('/payments/\\x1b[2K\\x0d\\u202e');
    expect(markdown).not.toMatch(RAW);
    expect(skipLog).not.toMatch(RAW);
    expect(json).not.toMatch(RAW);
    // The JSON escapes are lossless: the data still names the planted path.
    expect(json).toContain(planted.route.replace(ESC, '\\u001b').replace('\u009b', '\\u009b'));
    const summary = stdout.text.replace(new RegExp(`${ESC}\\[[0-9;]*m`, 'g'), ''); // picocolors' own colours
    expect(summary).toContain('API Security Audit: shop');
    expect(summary).not.toMatch(RAW);
    const progress = stderr.text.replaceAll(`\r${ESC}[2K`, ''); // the progress line's own rewrite
    expect(progress).not.toMatch(RAW);
  });

  it('escapes them in errors printed by the CLI', async () => {
    const root = workspace({});
    const result = await cli(root, ['audit', 'shop', `missing-${ESC}]52;c;cHduZWQ=\u0007dir`, '--skip-checks']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('missing-\\x1b]52;c;cHduZWQ=\\x07dir');
    expect(result.stderr).not.toMatch(RAW);
    const unknown = await cli(root, ['audit', 'shop', '.', `--${ESC}[2Jbogus`]);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).not.toMatch(RAW);
  });
});

describe('names from the audited code that collide with Object.prototype are just names', () => {
  const HOSTILE = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString'];
  const BENIGN = ['listItems', 'showItem', 'archive', 'restore', 'publish', 'reorder', 'duplicate', 'summarise'];

  function project(names: readonly string[]): Record<string, string> {
    const title = (name: string): string => `${name.charAt(0).toUpperCase()}${name.slice(1)}`;
    const spec = {
      openapi: '3.0.3',
      info: { title: 'Items', version: '1.0.0' },
      paths: Object.fromEntries(
        names.map((name) => [
          `/spec/${name}/{${name}}`,
          {
            get: {
              operationId: name,
              tags: [name],
              security: [{ [name]: [] }],
              parameters: [
                { name, in: 'path', required: true, schema: { type: 'string' } },
                { name: `X-${name}`, in: 'header', schema: { $ref: `#/components/schemas/${name}` } },
              ],
              responses: {
                '200': {
                  description: 'The item.',
                  headers: { [name]: { schema: { type: 'string' } } },
                  content: { 'application/json': { schema: { $ref: `#/components/schemas/${name}` } } },
                },
              },
            },
          },
        ]),
      ),
      components: {
        securitySchemes: Object.fromEntries(names.map((name) => [name, { type: 'apiKey', in: 'header', name: `X-${name}` }])),
        schemas: Object.fromEntries(names.map((name) => [name, { type: 'object', properties: { [name]: { type: 'string' } }, required: [name] }])),
      },
    };
    return {
      'package.json': JSON.stringify({ dependencies: { express: '^4.19.2', '@nestjs/core': '^10.0.0', '@nestjs/common': '^10.0.0', graphql: '^16.0.0' } }),
      'requirements.txt': 'fastapi\nflask\nflask-restx\ndjangorestframework\nariadne\n',
      'openapi.json': JSON.stringify(spec, null, 2),
      'server.js': [
        "const express = require('express');",
        "const jwt = require('jsonwebtoken');",
        'const app = express();',
        ...names.map((name) => `function ${name}(req, res) { const ${name} = req.query.${name}; res.set('${name}', ${name}); res.json({ ${name}: jwt.${name}(req.body.${name}) }); }\napp.get('/js/${name}/:${name}', ${name});`),
        'app.listen(3000);',
      ].join('\n'),
      'src/items.controller.ts': [
        "import { Controller, Get, Param, Query, Headers } from '@nestjs/common';",
        "@Controller('nest')",
        'export class ItemsController {',
        ...names.map((name) => `  @Get('${name}/:${name}')\n  @${name}()\n  ${name}(@Param('${name}') ${name}: string, @Headers('${name}') header: string) {\n    return this.${name};\n  }`),
        '}',
      ].join('\n'),
      'main.py': [
        'from fastapi import FastAPI, Depends',
        'from flask import Flask',
        'from flask_restx import Api, Resource',
        'app = FastAPI()',
        'web = Flask(__name__)',
        'api = Api(web)',
        ...names.map((name) => `${name} = ${name}(tokenUrl="token")\n\n@app.get("/py/${name}/{${name}}")\n@${name}\nasync def ${name}(${name}: str, user=Depends(${name})):\n    return {"${name}": ${name}}\n\n@api.route("/restx/${name}")\nclass ${title(name)}Resource(Resource):\n    method_decorators = [${name}]\n\n    def get(self):\n        return ${name}.${name}`),
      ].join('\n'),
      'shop/views.py': [
        'from rest_framework import viewsets',
        'from rest_framework.decorators import action',
        ...names.map((name) => `class ${title(name)}ViewSet(viewsets.ModelViewSet):\n    permission_classes = [${name}]\n    authentication_classes = [${name}]\n\n    @action(detail=True, methods=["post"])\n    def ${name}(self, request, pk=None):\n        return request.data["${name}"]`),
      ].join('\n'),
      'shop/urls.py': [
        'from rest_framework.routers import DefaultRouter',
        'from . import views',
        'router = DefaultRouter()',
        ...names.map((name) => `router.register(r"${name}", views.${title(name)}ViewSet, basename="${name}")`),
        'urlpatterns = router.urls',
      ].join('\n'),
      'graph.py': [
        'from ariadne import QueryType, ObjectType, make_executable_schema',
        'query = QueryType()',
        ...names.map((name) => `${name} = ObjectType("${title(name)}")\n\n@query.field("${name}")\ndef resolve_${name}(obj, info, ${name}=None):\n    return ${name}`),
        `schema = make_executable_schema("type Query { x: Int }", query, ${names.join(', ')})`,
      ].join('\n'),
    };
  }

  async function shape(names: readonly string[]): Promise<{ crashes: string[]; endpoints: string[]; findings: string[] }> {
    const root = workspace(project(names));
    const analysis = await analyse({ root, today: '2026-06-01' });
    try {
      const rename = (text: string): string => names.reduce((out, name, index) => out.split(name).join(`#${index}`), text);
      return {
        crashes: analysis.diagnostics.filter((diagnostic) => /crash|skipped/i.test(diagnostic.message)).map((diagnostic) => diagnostic.message),
        endpoints: analysis.context.inventory.endpoints.map((endpoint) => rename(`${endpoint.method} ${endpoint.path} ${endpoint.auth.state}`)).sort(),
        findings: analysis.findings.map((finding) => `${finding.checkId} ${finding.location.file}:${finding.location.line}`).sort(),
      };
    } finally {
      analysis.dispose();
    }
  }

  it('audits code and specs named toString, constructor, __proto__ … exactly as it audits ordinary names', async () => {
    const hostile = await shape(HOSTILE);
    const benign = await shape(BENIGN);
    expect(hostile.crashes).toEqual([]);
    expect(benign.endpoints.length).toBeGreaterThan(30);
    expect(hostile.endpoints).toEqual(benign.endpoints);
    expect(hostile.findings).toEqual(benign.findings);
  });
});

describe('input nested 10,000 deep never overflows the stack', () => {
  const rep = (text: string, count: number): string => Array.from({ length: count }, () => text).join('');
  const DEEP = 10_000;

  it('reports deeply nested source, specs and schemas as diagnostics and audits the rest', async () => {
    const root = workspace({
      'package.json': JSON.stringify({ name: 'deep', dependencies: { express: '^4.19.2', flask: '*' } }),
      'requirements.txt': 'flask\n',
      'src/app.js': "const express = require('express');\nconst app = express();\napp.get('/status', (req, res) => res.json({ ok: true }));\nmodule.exports = app;\n",
      'src/blocks.js': `const app = require('express')();\napp.get('/a', (req, res) => {\n${rep('if (req.query.a) {\n', DEEP)}${rep('}\n', DEEP)}res.json(1);\n});\n`,
      'src/functions.js': `${rep('function f() {\n', DEEP)}${rep('}\n', DEEP)}`,
      'src/callbacks.js': `const app = require('express')();\n${rep('app.use((req, res, next) => {\n', DEEP)}${rep('});\n', DEEP)}`,
      'src/chain.js': `const app = require('express')();\napp.get('/c', (req, res) => res.json(req${rep('\n  .a', DEEP)}));\n`,
      'src/parens.py': `from flask import Flask, request\napp = Flask(__name__)\n\n@app.route("/p")\ndef p():\n    x = ${rep('(\n', DEEP)}request.args${rep(')\n', DEEP)}\n    return x\n`,
      'src/lists.py': `DATA = ${rep('[\n', DEEP)}${rep(']\n', DEEP)}\n`,
      // Left out as generated (its lines are too long) or reported: either way, no crash.
      'src/blocks.py': `def f(x):\n${Array.from({ length: 1_000 }, (_, depth) => `${' '.repeat(depth + 1)}if x:\n`).join('')}${' '.repeat(1_001)}return x\n`,
      'specs/openapi.json': `{"openapi": "3.0.3", "info": {"title": "Deep", "version": "1"}, "paths": {"/deep": {"get": {"responses": {"200": {"description": "ok"}}}}}, "x-deep": ${rep('[', DEEP)}${rep(']', DEEP)}, "x-object": ${rep('{"a": ', DEEP)}1${rep('}', DEEP)}}`,
      'specs/deep-openapi.yaml': `openapi: 3.0.3\ninfo: {title: Deep, version: '1'}\npaths: {}\nx-deep: ${rep('[', DEEP)}${rep(']', DEEP)}\n`,
      'graphql/schema.json': `{"data": {"__schema": {"queryType": {"name": "Query"}, "types": [{"kind": "OBJECT", "name": "Query", "fields": [{"name": "a", "args": [], "type": ${rep('{"kind": "LIST", "ofType": ', DEEP)}{"kind": "SCALAR", "name": "Int"}${rep('}', DEEP)}}]}]}}}`,
    });
    const analysis = await analyse({ root, today: '2026-06-01' });
    try {
      const messages = analysis.diagnostics.map((diagnostic) => `${diagnostic.file ?? ''}: ${diagnostic.message}`);
      expect(messages.filter((message) => /crashed|skipped:|Maximum call stack/i.test(message))).toEqual([]);
      for (const file of ['src/blocks.js', 'src/functions.js', 'src/callbacks.js', 'src/chain.js', 'src/parens.py', 'src/lists.py']) {
        const found = analysis.diagnostics.filter((diagnostic) => diagnostic.file === file);
        expect(found, file).toEqual([expect.objectContaining({ level: 'warning', line: expect.any(Number) as unknown, message: expect.stringMatching(/not analysed/) as unknown })]);
      }
      expect(analysis.diagnostics.some((diagnostic) => diagnostic.file === 'specs/deep-openapi.yaml')).toBe(true);
      const paths = analysis.context.inventory.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`);
      expect(paths).toEqual(expect.arrayContaining(['GET /status', 'GET /deep']));
    } finally {
      analysis.dispose();
    }
  });
});
