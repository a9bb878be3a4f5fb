import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError, jsonErrorOffset, loadConfig, parseConfig } from './config.js';

let root: string;
beforeEach(async () => {
  root = await mkdtemp(join(tmpdir(), 'apisec-config-'));
});
afterEach(async () => {
  await rm(root, { recursive: true, force: true });
});

function configError(run: () => unknown): ConfigError {
  try {
    run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

async function configErrorAsync(run: () => Promise<unknown>): Promise<ConfigError> {
  try {
    await run();
  } catch (error) {
    if (error instanceof ConfigError) return error;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('loadConfig', () => {
  it('returns the defaults when there is no config file', async () => {
    expect(await loadConfig(root)).toEqual({ publicEndpoints: [], apiTypes: {}, disabledChecks: [] });
  });

  it('reads the access-token lifetime of seed 003 as seconds, from a duration or a number, and rejects anything else', () => {
    expect(parseConfig('accessTokenLifetime: 15m\n', 'apisec.config.yaml').accessTokenMaxSeconds).toBe(900);
    expect(parseConfig('accessTokenLifetime: 1h\n', 'apisec.config.yaml').accessTokenMaxSeconds).toBe(3600);
    expect(parseConfig('{"accessTokenLifetime": 600}', 'apisec.config.json').accessTokenMaxSeconds).toBe(600);
    const error = configError(() => parseConfig('accessTokenLifetime: soon\n', 'apisec.config.yaml'));
    expect(error.issues[0]?.keyPath).toBe('accessTokenLifetime');
    expect(error.issues[0]?.message).toContain('duration such as `15m`');
  });

  it('loads apisec.config.yaml and fills in missing keys', async () => {
    await writeFile(join(root, 'apisec.config.yaml'), 'publicEndpoints:\n  - GET /health\n  - /docs/*\napiTypes:\n  payments: partner\n');
    expect(await loadConfig(root)).toEqual({
      publicEndpoints: ['GET /health', '/docs/*'],
      apiTypes: { payments: 'partner' },
      disabledChecks: [],
      file: 'apisec.config.yaml',
    });
  });

  it('prefers apisec.config.json over the YAML names, and .apisec.yml is found last', async () => {
    await writeFile(join(root, '.apisec.yml'), 'disabledChecks: [from-dot-yml]\n');
    expect((await loadConfig(root)).disabledChecks).toEqual(['from-dot-yml']);
    await writeFile(join(root, 'apisec.config.yml'), 'disabledChecks: [from-yml]\n');
    expect((await loadConfig(root)).disabledChecks).toEqual(['from-yml']);
    await writeFile(join(root, 'apisec.config.json'), '{"disabledChecks": ["from-json"]}');
    expect(await loadConfig(root)).toEqual({ publicEndpoints: [], apiTypes: {}, disabledChecks: ['from-json'], disabledCheckLines: [1], file: 'apisec.config.json' });
  });

  it('treats an empty YAML file as the defaults', async () => {
    await writeFile(join(root, '.apisec.yaml'), '# nothing yet\n');
    expect(await loadConfig(root)).toEqual({ publicEndpoints: [], apiTypes: {}, disabledChecks: [], file: '.apisec.yaml' });
  });

  it('loads an explicit path and fails clearly when it is missing', async () => {
    const explicit = join(root, 'custom.yml');
    await writeFile(explicit, 'disabledChecks: [cors-wildcard-origin]\n');
    expect(await loadConfig(root, explicit)).toMatchObject({ disabledChecks: ['cors-wildcard-origin'], file: explicit });
    const missing = join(root, 'nope.yml');
    const error = await configErrorAsync(() => loadConfig(root, missing));
    expect(error.file).toBe(missing);
    expect(error.message).toBe(`config file not found: ${missing}`);
  });

  it('names the file, key path and line of an unknown key found on disk', async () => {
    await writeFile(join(root, 'apisec.config.yml'), 'publicEndpoints: []\n\npublicEndpiont:\n  - /health\n');
    const error = await configErrorAsync(() => loadConfig(root));
    expect(error.file).toBe('apisec.config.yml');
    expect(error.line).toBe(3);
    expect(error.issues).toEqual([
      { keyPath: 'publicEndpiont', line: 3, message: 'unknown key (allowed: publicEndpoints, apiTypes, disabledChecks, include, exclude, ignore, severityOverrides, accessTokenLifetime)' },
    ]);
    expect(error.message).toContain('apisec.config.yml:3: `publicEndpiont`: unknown key');
    expect(error.cause).toBeDefined();
  });
});

describe('parseConfig', () => {
  it('reports every wrong value with its key path and YAML line', () => {
    const text = ['publicEndpoints:', '  - GET /health', '  - 42', 'apiTypes:', '  payments: partner', '  billing: public', 'disabledChecks: nope', ''].join('\n');
    const error = configError(() => parseConfig(text, '.apisec.yaml'));
    expect(error.file).toBe('.apisec.yaml');
    expect(error.line).toBe(3);
    expect(error.issues).toEqual([
      { keyPath: 'publicEndpoints[1]', line: 3, message: 'expected string, received number' },
      { keyPath: 'apiTypes.billing', line: 6, message: 'expected one of internal, external, partner, got "public"' },
      { keyPath: 'disabledChecks', line: 7, message: 'expected array, received string' },
    ]);
    expect(error.message).toBe(
      [
        'invalid configuration in .apisec.yaml:',
        '  .apisec.yaml:3: `publicEndpoints[1]`: expected string, received number',
        '  .apisec.yaml:6: `apiTypes.billing`: expected one of internal, external, partner, got "public"',
        '  .apisec.yaml:7: `disabledChecks`: expected array, received string',
      ].join('\n'),
    );
  });

  it('rejects a malformed public endpoint pattern', () => {
    const error = configError(() => parseConfig('publicEndpoints:\n  - "GET health"\n', 'apisec.config.yaml'));
    expect(error.issues).toEqual([
      { keyPath: 'publicEndpoints[0]', line: 2, message: 'expected `METHOD /path` or `/path` (`*` wildcards allowed)' },
    ]);
  });

  it('gives lines for JSON files too, including unknown nested keys', () => {
    const text = '{\n  "apiTypes": {\n    "payments": "partner"\n  },\n  "extra": true\n}\n';
    const error = configError(() => parseConfig(text, 'apisec.config.json'));
    expect(error.issues).toEqual([
      { keyPath: 'extra', line: 5, message: 'unknown key (allowed: publicEndpoints, apiTypes, disabledChecks, include, exclude, ignore, severityOverrides, accessTokenLifetime)' },
    ]);
    expect(error.line).toBe(5);
  });

  it('reports YAML syntax errors with their line', () => {
    const error = configError(() => parseConfig('publicEndpoints:\n  - /a\n  bad: [\n', 'apisec.config.yaml'));
    expect(error.file).toBe('apisec.config.yaml');
    expect(error.line).toBe(3);
    expect(error.message).toMatch(/^apisec\.config\.yaml:3: invalid YAML: /);
  });

  it('reports JSON syntax errors with their line', () => {
    const error = configError(() => parseConfig('{\n  "publicEndpoints": [\n    "/a",\n  ]\n}\n', 'apisec.config.json'));
    expect(error.file).toBe('apisec.config.json');
    expect(error.line).toBe(4);
    expect(error.message).toMatch(/^apisec\.config\.json:4: invalid JSON: /);
    expect(error.cause).toBeInstanceOf(SyntaxError);
  });

  it('rejects a top level that is not a mapping', () => {
    const error = configError(() => parseConfig('- a\n- b\n', 'apisec.config.yaml'));
    expect(error.issues).toEqual([{ keyPath: '(top level)', line: 1, message: 'expected object, received array' }]);
  });
});

describe('jsonErrorOffset', () => {
  it.each([
    ['{"a": [1, 2,]}', 12],
    ['{"a": tru}', 6],
    ['{"a" 1}', 5],
    ['{"a": "b"} x', 11],
    ['', 0],
    ['{"a": "unterminated', 19],
  ])('%j fails at %i', (text, offset) => {
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(jsonErrorOffset(text)).toBe(offset);
  });

  it('finds nothing wrong in valid JSON', () => {
    expect(jsonErrorOffset('{"a": [1, -2.5e3, true, false, null, "x\\"y"], "b": {}}')).toBeUndefined();
  });
});
