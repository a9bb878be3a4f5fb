import { describe, expect, it } from 'vitest';
import { csharpParseInput } from './csharp-input.js';
import { parse } from './parser.js';

describe('csharpParseInput', () => {
  it('leaves a file without raw strings alone', () => {
    const text = 'var s = "a" + @"b""c" + $"{x}";';
    expect(csharpParseInput(text)).toBe(text);
  });

  it('reads raw strings as verbatim strings of the same length', () => {
    const text = ['var a = """', '    {"k": "v"}', '    """;', 'var b = $"""id {id}: "x" """;', 'var c = $$"""{"n": {{n}}}""";', 'var d = "\\"\\"\\"";', '// """ in a comment', "var e = '\"';"].join('\n');
    const input = csharpParseInput(text);
    expect(input.length).toBe(text.length);
    expect(input.split('\n').map((line) => line.length)).toEqual(text.split('\n').map((line) => line.length));
    expect(input).toContain('var a = @" \n');
    expect(input).toContain("{'k': 'v'}");
    expect(input).toContain('var b = $@" id {id}: \'x\' "  ;');
    expect(input).toContain('var c =   @" {\'n\': {{n}}}"  ;');
    expect(input).toContain('var d = "\\"\\"\\"";');
    expect(input).toContain('// """ in a comment');
  });

  it('lets the grammar read the methods after a raw string, with the original text', async () => {
    const text = ['class C {', '  void A() { M("""', '    x "y"', '    """); }', '  void B() { }', '}'].join('\n');
    const tree = await parse('csharp', text);
    const names: string[] = [];
    const visit = (node: NonNullable<typeof tree>['rootNode']): void => {
      if (node.type === 'method_declaration') names.push(node.childForFieldName('name')?.text ?? '');
      for (const child of node.namedChildren) if (child) visit(child);
    };
    if (tree) visit(tree.rootNode);
    expect(names).toEqual(['A', 'B']);
    expect(tree?.rootNode.hasError).toBe(false);
    expect(tree?.rootNode.text).toBe(text);
  });
});
