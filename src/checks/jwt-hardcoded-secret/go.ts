import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, fields, named, stringLiteral, unwrap, walk } from '../../collectors/code/go/ast.js';

const JWT_PACKAGES = /^github\.com\/(golang-jwt\/jwt|dgrijalva\/jwt-go|form3tech-oss\/jwt-go)(\/v\d+)?$/;

export interface GoSecret {
  /** The call that signs or verifies with the key. */
  call: Node;
  name: string;
  /** The literal holding the secret. */
  literal: Node;
  value: string;
  /** Set when the key is a package-level constant or variable. */
  constant?: string;
}

/** `"secret"`, `[]byte("secret")`, or a package-level `var jwtKey = []byte("secret")` / `const secret = "…"` of this file. */
function secretOf(node: Node | undefined, consts: ReadonlyMap<string, Node>, depth = 0): { literal: Node; value: string; constant?: string } | undefined {
  if (!node || depth > 3) return undefined;
  const current = unwrap(node);
  const text = stringLiteral(current);
  if (text !== undefined) return { literal: current, value: text };
  if (current.type === 'type_conversion_expression' || current.type === 'call_expression') {
    const type = field(current, 'type') ?? field(current, 'function');
    if (type?.text !== '[]byte') return undefined;
    const operand = field(current, 'operand') ?? callArgs(current)[0];
    return secretOf(operand, consts, depth + 1);
  }
  if (current.type === 'identifier') {
    const value = consts.get(current.text);
    const inner = value ? secretOf(value, consts, depth + 1) : undefined;
    return inner ? { ...inner, constant: current.text } : undefined;
  }
  return undefined;
}

function packageValues(root: Node): Map<string, Node> {
  const out = new Map<string, Node>();
  for (const declaration of named(root)) {
    if (declaration.type !== 'var_declaration' && declaration.type !== 'const_declaration') continue;
    const specs = named(declaration).flatMap((child) => (child.type.endsWith('_spec_list') ? named(child) : [child]));
    for (const spec of specs) {
      const names = fields(spec, 'name');
      const list = field(spec, 'value');
      const values = list ? named(list) : [];
      names.forEach((name, index) => {
        const value = values[index];
        if (value && values.length === names.length) out.set(name.text, value);
      });
    }
  }
  return out;
}

/** The key a keyfunc literal returns: `func(t *jwt.Token) (interface{}, error) { return []byte("…"), nil }`. */
function keyfuncReturn(node: Node): Node | undefined {
  const fn = unwrap(node);
  if (fn.type !== 'func_literal') return undefined;
  let key: Node | undefined;
  walk(field(fn, 'body') ?? fn, (current) => {
    if (key) return false;
    if (current.type === 'return_statement') {
      const list = named(current)[0];
      key = list?.type === 'expression_list' ? named(list)[0] : list;
      return false;
    }
    return true;
  });
  return key;
}

/** golang-jwt signing (`SignedString`) and parsing (`jwt.Parse`, `ParseWithClaims`) with a hard-coded key. */
export function goSecrets(source: SourceFile): GoSecret[] {
  const root = source.tree.rootNode;
  const imports = [...source.text.matchAll(/"(github\.com\/[^"]+)"/g)].map((match) => match[1] ?? '');
  if (!imports.some((path) => JWT_PACKAGES.test(path))) return [];
  const consts = packageValues(root);
  const out: GoSecret[] = [];
  walk(
    root,
    (node) => {
      if (node.type !== 'call_expression') return true;
      const fn = field(node, 'function');
      const name = fn?.type === 'selector_expression' ? (field(fn, 'field')?.text ?? '') : '';
      const args = callArgs(node);
      let key: Node | undefined;
      if (name === 'SignedString') key = args[0];
      else if (name === 'Parse' || name === 'ParseWithClaims') {
        const keyfunc = args[name === 'Parse' ? 1 : 2];
        key = keyfunc ? keyfuncReturn(keyfunc) : undefined;
      }
      const secret = secretOf(key, consts);
      if (secret && secret.value !== '' && !/^-----BEGIN (PUBLIC KEY|CERTIFICATE)/.test(secret.value)) {
        out.push({ call: node, name: fn?.text ?? name, ...secret });
      }
      return true;
    },
    true,
  );
  return out;
}
