import { describe, expect, it } from 'vitest';
import { loadGraphql } from './graphql.js';
import { loadProto } from './protobuf.js';

const DEPTH = 20_000;

describe('documents nested beyond what the parsers can follow', () => {
  it('turns a deeply nested GraphQL document into a clear diagnostic', () => {
    const sdl = `type Query { a: ${'['.repeat(DEPTH)}Int${']'.repeat(DEPTH)} }`;
    const loaded = loadGraphql('schema.graphql', sdl);
    expect(loaded.document).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      { level: 'error', file: 'schema.graphql', line: 1, message: 'the GraphQL document nests too deeply to be read; skipped', source: 'graphql' },
    ]);
  });

  it('turns a deeply nested .proto file into a clear diagnostic', () => {
    const proto = `syntax = "proto3";\n${'message A { '.repeat(DEPTH)}${'}'.repeat(DEPTH)}`;
    const loaded = loadProto('deep.proto', proto);
    expect(loaded.document).toBeUndefined();
    expect(loaded.diagnostics.map((diagnostic) => diagnostic.message)).toEqual(['the proto file nests messages too deeply to be read; skipped']);
  });
});

describe('proto options without a value', () => {
  it.each(['option x', 'option x;', 'syntax = "proto3";\noption java_package', 'message A { int32 a = 1; }\noption x.y;', 'message A {\n  option deprecated'])(
    'reports %j instead of hanging the parser',
    (text) => {
      const loaded = loadProto('cut.proto', text);
      expect(loaded.document).toBeUndefined();
      expect(loaded.diagnostics[0]?.message).toMatch(/an option without a value$/);
    },
  );

  it('still reads options with values, and option words in comments or strings', () => {
    const text = 'syntax = "proto3";\n// option x\nmessage A { string note = 1 [json_name = "option"]; }\noption java_package = "com.acme";\n';
    expect(loadProto('ok.proto', text).document).toBeDefined();
  });
});
