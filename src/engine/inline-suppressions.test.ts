import { describe, expect, it } from 'vitest';
import { parse } from '../parsing/parser.js';
import { parseDirective, suppressionsIn } from './inline-suppressions.js';

describe('apisec-ignore comments', () => {
  it('reads one or more check ids and the reason', () => {
    expect(parseDirective(' apisec-ignore sql-injection: read-only replica (SEC-4)')).toEqual({ checkIds: ['sql-injection'], reason: 'read-only replica (SEC-4)' });
    expect(parseDirective('apisec-ignore cors-origin-reflected, x-powered-by-not-disabled: behind the gateway */')).toEqual({
      checkIds: ['cors-origin-reflected', 'x-powered-by-not-disabled'],
      reason: 'behind the gateway',
    });
    expect(parseDirective('apisec-ignore sql-injection')).toEqual({ checkIds: ['sql-injection'], reason: '' });
    expect(parseDirective('apisec-ignore: because')).toEqual({ checkIds: [], reason: 'because' });
    expect(parseDirective('apisec-ignored-paths are configured elsewhere')).toBeUndefined();
  });

  it('YAML: a # comment counts, a # inside a quoted or plain scalar does not', () => {
    const yaml = [
      'paths:',
      '  # apisec-ignore zombie-endpoint: kept for the mobile app until 2026',
      '  /legacy:',
      '    description: "see # apisec-ignore zombie-endpoint: not a comment"',
      "    summary: 'apisec-ignore zombie-endpoint: a quoted value'",
      '    get: {}  # apisec-ignore operation-past-sunset: sunset moved (API-9)',
      '    x-note: a#apisec-ignore zombie-endpoint: no space before the hash',
      "    post: {}  # it's kept: apisec-ignore operation-past-sunset: the mobile app's last version",
      "    x-owner: payments team's # apisec-ignore zombie-endpoint: an apostrophe opens no string",
    ].join('\n');
    expect(suppressionsIn('openapi.yaml', yaml)).toEqual([
      { file: 'openapi.yaml', line: 2, checkIds: ['zombie-endpoint'], reason: 'kept for the mobile app until 2026' },
      { file: 'openapi.yaml', line: 6, checkIds: ['operation-past-sunset'], reason: 'sunset moved (API-9)' },
      { file: 'openapi.yaml', line: 8, checkIds: ['operation-past-sunset'], reason: "the mobile app's last version" },
      { file: 'openapi.yaml', line: 9, checkIds: ['zombie-endpoint'], reason: 'an apostrophe opens no string' },
    ]);
  });

  it('stays linear on a hostile line full of markers', () => {
    const line = `x: "${'apisec-ignore a: b '.repeat(20_000)}"`;
    expect(suppressionsIn('spec.yaml', `${line}\n# apisec-ignore zombie-endpoint: real\n`)).toEqual([
      { file: 'spec.yaml', line: 2, checkIds: ['zombie-endpoint'], reason: 'real' },
    ]);
  });

  it('JSON has no comments, so it has no suppressions', () => {
    expect(suppressionsIn('openapi.json', '{"description": "# apisec-ignore zombie-endpoint: text"}')).toEqual([]);
  });

  it('protobuf without a syntax tree: // comments only, not strings', () => {
    const proto = ['// apisec-ignore grpc-reflection-enabled: internal only', 'option (note) = "// apisec-ignore x: y";'].join('\n');
    expect(suppressionsIn('api.proto', proto)).toEqual([{ file: 'api.proto', line: 1, checkIds: ['grpc-reflection-enabled'], reason: 'internal only' }]);
  });

  it('source code: only comment nodes count, wherever multi-byte text sits before them', async () => {
    const text = [
      "const banner = '🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀🚀'; /* apisec-ignore cors-origin-reflected: ok */ app.use(cors({ origin: true }));",
      "const note = 'apisec-ignore sql-injection: a string, not a comment';",
      '// apisec-ignore sql-injection: parameterised by the driver',
    ].join('\n');
    const tree = await parse('javascript', text);
    if (tree === undefined) throw new Error('javascript did not parse');
    try {
      expect(suppressionsIn('src/app.js', text, { file: 'src/app.js', language: 'javascript', text, tree })).toEqual([
        { file: 'src/app.js', line: 1, checkIds: ['cors-origin-reflected'], reason: 'ok' },
        { file: 'src/app.js', line: 3, checkIds: ['sql-injection'], reason: 'parameterised by the driver' },
      ]);
    } finally {
      tree.delete();
    }
  });
});
