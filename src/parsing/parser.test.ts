import { describe, expect, it } from 'vitest';
import { kotlinParseInput, parse } from './parser.js';

describe('Kotlin infix calls whose name starts with e', () => {
  const source = [
    'class FolderController(private val folders: FolderService) {',
    '    fun show(id: Int) = transaction { Folders.selectAll().where { Folders.id eq id }.single() }',
    '    fun sign(x: Int) = if (x > 0) x else -x',
    '}',
    'enum class Kind { A }',
  ].join('\n');

  it('parse as infix expressions and keep the class (the grammar scanner used to swallow it)', async () => {
    const tree = await parse('kotlin', source);
    expect(tree?.rootNode.hasError).toBe(false);
    const classes = tree?.rootNode.descendantsOfType('class_declaration') ?? [];
    expect(classes.map((node) => node?.childForFieldName('name')?.text ?? node?.namedChildren.find((child) => child?.type === 'type_identifier')?.text)).toEqual(['FolderController', 'Kind']);
    const infix = tree?.rootNode.descendantsOfType('infix_expression').map((node) => node?.text);
    expect(infix).toContain('Folders.id eq id');
  });

  it('reads every node from the file as written (same offsets, original text)', async () => {
    const tree = await parse('kotlin', source);
    expect(tree?.rootNode.text).toBe(source);
    expect(kotlinParseInput(source)).toHaveLength(source.length);
    expect(kotlinParseInput(source)).toContain('x else -x');
    expect(kotlinParseInput('val q = a eq b')).toBe('val q = a Eq b');
  });
});
