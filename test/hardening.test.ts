import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
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
