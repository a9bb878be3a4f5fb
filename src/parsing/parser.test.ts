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

describe("web-tree-sitter's Node, as patched (patches/web-tree-sitter+0.25.10.patch)", () => {
  it('keeps its Wasm handle in a named field, not an indexed one (no 152-byte elements store per node)', async () => {
    const tree = await parse('javascript', 'app.get("/a", (req, res) => res.send(req.query.q));\nfunction f(x) { return x + 1; }\n');
    const calls = tree?.rootNode.descendantsOfType('call_expression') ?? [];
    expect(calls.length).toBeGreaterThan(0);
    for (const node of calls) {
      expect(Object.keys(node as object)).not.toContain('0');
      expect(typeof (node as unknown as { _other: unknown })._other).toBe('number');
    }
  });

  it('still navigates from a node kept while other nodes were made (the handle goes back to Wasm)', async () => {
    const tree = await parse('javascript', 'app.get("/a", handler);\nrouter.post("/b", other);\n');
    const [first, second] = tree?.rootNode.descendantsOfType('call_expression') ?? [];
    expect(second?.childForFieldName('function')?.text).toBe('router.post');
    expect(first?.childForFieldName('function')?.text).toBe('app.get');
    expect(first?.childForFieldName('arguments')?.namedChildren.map((child) => child?.text)).toEqual(['"/a"', 'handler']);
    expect(first?.parent?.type).toBe('expression_statement');
    expect(first?.nextSibling?.type).toBe(';');
  });
});

describe("web-tree-sitter's field and type lookups, as patched", () => {
  const source = 'class A { m(x) { return obj.get(x)?.y ?? f(1, 2); } }\nconst g = async ({ a }) => { await h(a); };\nlet bad = (;\n';

  it('childForFieldName answers what childForFieldId answers for the field id, for every field of the grammar', async () => {
    const tree = await parse('javascript', source);
    const language = tree?.rootNode.tree.language;
    const names = (language?.fields ?? []).filter((name): name is string => typeof name === 'string');
    expect(names).toContain('function');
    const nodes = tree?.rootNode.descendantsOfType([...new Set(language?.types.filter((type): type is string => typeof type === 'string') ?? [])]) ?? [];
    let found = 0;
    for (const node of nodes) {
      for (const name of names) {
        const id = language?.fieldIdForName(name);
        const expected = id === null || id === undefined ? null : node?.childForFieldId(id);
        const actual = node?.childForFieldName(name);
        expect(actual?.id ?? null).toBe(expected?.id ?? null);
        if (actual) found++;
        expect(node?.childrenForFieldName(name).map((child) => child?.id)).toEqual(id === null || id === undefined ? [] : node?.childrenForFieldId(id).map((child) => child?.id));
      }
      expect(node?.childForFieldName('no_such_field')).toBeNull();
    }
    expect(found).toBeGreaterThan(10);
  });

  it("a node's type is its grammar's name for its type id, ERROR included, and stays so when read again", async () => {
    const tree = await parse('javascript', source);
    const language = tree?.rootNode.tree.language;
    const all = tree?.rootNode.descendantsOfType([...new Set(language?.types.filter((type): type is string => typeof type === 'string') ?? []), 'ERROR']) ?? [];
    expect(all.some((node) => node?.type === 'ERROR')).toBe(true);
    for (const node of all) {
      const expected = language?.types[node?.typeId ?? -1] || 'ERROR';
      expect(node?.type).toBe(expected);
      expect(node?.type).toBe(expected);
    }
  });
});
