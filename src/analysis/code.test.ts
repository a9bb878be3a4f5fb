import { describe, expect, it } from 'vitest';
import type { SourceFile } from '../engine/context.js';
import type { SourceLanguage } from '../parsing/languages.js';
import { parse } from '../parsing/parser.js';
import { argument, findCalls, literalValue, propertyOf, stringValue, elementsOf, factsOf } from './code.js';

async function source(language: SourceLanguage, text: string): Promise<SourceFile> {
  const tree = await parse(language, text);
  if (!tree) throw new Error('parse failed');
  return { file: `x.${language}`, language, text, tree };
}

describe('call sites resolved through imports (Python)', () => {
  it('resolves module aliases, from-imports and aliased from-imports to one qualified name', async () => {
    const file = await source(
      'python',
      [
        'import jwt as pyjwt',
        'from jwt import decode',
        'from jwt import decode as jwt_decode',
        'import jwt',
        'a = pyjwt.decode(token, options={"verify_signature": False})',
        'b = decode(token, key, algorithms=["HS256"])',
        'c = jwt_decode(token, verify=False)',
        'd = jwt.decode(token, KEY, algorithms=["RS256"], audience="api")',
        'e = other.decode(token)',
      ].join('\n'),
    );
    const calls = findCalls(file, ['jwt.decode']);
    expect(calls.map((call) => call.node.startPosition.row + 1)).toEqual([5, 6, 7, 8]);
    const first = calls[0];
    expect(first && stringValue(first.kwargs.get('options')?.namedChildren[0]?.childForFieldName('key'))).toBe('verify_signature');
    expect(first && literalValue(propertyOf(first.kwargs.get('options'), 'verify_signature'))).toBe(false);
    const third = calls[2];
    expect(third && literalValue(argument(third, 99, 'verify'))).toBe(false);
    const fourth = calls[3];
    expect(fourth && elementsOf(fourth.kwargs.get('algorithms')).map((node) => stringValue(node))).toEqual(['RS256']);
  });

  it('resolves `from package import module` to the package path', async () => {
    const file = await source('python', 'from jose import jwt\njwt.decode(t, k)\n');
    expect(findCalls(file, ['jose.jwt.decode'])).toHaveLength(1);
  });
});

describe('call sites resolved through imports (JavaScript/TypeScript)', () => {
  it('resolves require, destructured require, default, namespace and named imports', async () => {
    const js = await source(
      'javascript',
      [
        "const jwt = require('jsonwebtoken');",
        "const { verify, decode: peek } = require('jsonwebtoken');",
        'jwt.verify(token, secret, { algorithms: ["HS256", "none"] });',
        'verify(token, secret);',
        'peek(token);',
        "require('jsonwebtoken').sign(payload, 'hunter2');",
      ].join('\n'),
    );
    expect(findCalls(js, ['jsonwebtoken.verify']).map((call) => call.node.startPosition.row + 1)).toEqual([3, 4]);
    expect(findCalls(js, ['jsonwebtoken.decode'])).toHaveLength(1);
    expect(findCalls(js, ['jsonwebtoken.sign'])).toHaveLength(1);
    const options = findCalls(js, ['jsonwebtoken.verify'])[0]?.args[2];
    expect(elementsOf(propertyOf(options, 'algorithms')).map((node) => stringValue(node))).toEqual(['HS256', 'none']);

    const ts = await source(
      'typescript',
      [
        "import * as jwt from 'jsonwebtoken';",
        "import jsonwebtoken, { verify as check } from 'jsonwebtoken';",
        "import cp = require('child_process');",
        'jwt.verify(t, k);',
        'check(t, k);',
        'jsonwebtoken.sign({}, k);',
        'cp.exec(cmd);',
        'new URL(input);',
      ].join('\n'),
    );
    expect(findCalls(ts, ['jsonwebtoken.verify'])).toHaveLength(2);
    expect(findCalls(ts, ['jsonwebtoken.sign'])).toHaveLength(1);
    expect(findCalls(ts, ['child_process.exec'])).toHaveLength(1);
    expect(findCalls(ts, ['URL'])[0]?.isNew).toBe(true);
    expect(factsOf(ts).imports.get('check')).toBe('jsonwebtoken.verify');
  });

  it('does not resolve a local variable that merely shares a module name', async () => {
    const js = await source('javascript', "const jwt = makeClient();\njwt.verify(t);\n");
    expect(findCalls(js, ['jsonwebtoken.verify'])).toHaveLength(0);
    expect(findCalls(js, ['jwt.verify'])).toHaveLength(1);
  });
});
