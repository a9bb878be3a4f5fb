import yaml from 'js-yaml';
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { callArgs, field, fields, goStructs, named, stringLiteral, unwrap, walk, type GoStruct, type GoStructField } from '../../collectors/code/go/ast.js';
import { descendantsOf } from '../../parsing/tree-index.js';

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

/** The key a golang-jwt call signs (`SignedString(key)`) or verifies with (the keyfunc's return of `Parse`, `ParseWithClaims`). */
function keyOfCall(node: Node): Node | undefined {
  const fn = field(node, 'function');
  const name = fn?.type === 'selector_expression' ? (field(fn, 'field')?.text ?? '') : '';
  const args = callArgs(node);
  if (name === 'SignedString') return args[0];
  if (name === 'Parse' || name === 'ParseWithClaims') {
    const keyfunc = args[name === 'Parse' ? 1 : 2];
    return keyfunc ? keyfuncReturn(keyfunc) : undefined;
  }
  return undefined;
}

function keyNodes(root: Node): Node[] {
  const out: Node[] = [];
  walk(
    root,
    (node) => {
      if (node.type !== 'call_expression') return true;
      const key = keyOfCall(node);
      if (key) out.push(key);
      return true;
    },
    true,
  );
  return out;
}

const CALL_TYPES = ['call_expression'];

/** golang-jwt signing (`SignedString`) and parsing (`jwt.Parse`, `ParseWithClaims`) with a hard-coded key. */
export function goSecrets(source: SourceFile): GoSecret[] {
  const root = source.tree.rootNode;
  const imports = [...source.text.matchAll(/"(github\.com\/[^"]+)"/g)].map((match) => match[1] ?? '');
  if (!imports.some((path) => JWT_PACKAGES.test(path))) return [];
  const consts = packageValues(root);
  const out: GoSecret[] = [];
  // Every call of the file, closures included, in document order: the tree's list of calls, not a walk.
  for (const node of descendantsOf(root, CALL_TYPES)) {
    const fn = field(node, 'function');
    const name = fn?.type === 'selector_expression' ? (field(fn, 'field')?.text ?? '') : '';
    const key = keyOfCall(node);
    const secret = secretOf(key, consts);
    if (secret && secret.value !== '' && !/^-----BEGIN (PUBLIC KEY|CERTIFICATE)/.test(secret.value)) {
      out.push({ call: node, name: fn?.text ?? name, ...secret });
    }
  }
  return out;
}

/** A JWT key a Go service reads from its own configuration file, where it is committed. */
export interface GoConfigSecret {
  source: SourceFile;
  /** The expression that reads the key: `viper.GetString("jwt.secret")`, `cfg.JWT.Secret`. */
  read: Node;
  /** The dotted key in the file, as written there. */
  key: string;
  file: string;
  line: number;
  value: string;
}

/** Development, test and example settings are not the deployment's. */
const NON_PRODUCTION_CONFIG = /(^|[/._-])(dev|develop|development|local|test|tests|testing|example|examples|sample|samples|demo|ci|e2e|mock|mocks|fixtures?|testdata|template|dist)([/._-]|$)/i;
const PLACEHOLDER = /^$|your|change.?me|replace|placeholder|example|sample|dummy|<[^>]*>|\$\{|\{\{|^\$\w+$|^__.*__$|^x{3,}$|^\*+$|todo|fixme|set.?(in|by|via)|override/i;
const TAG_KEYS = ['mapstructure', 'koanf', 'yaml', 'toml', 'json'];

interface FlatValue {
  value: string;
  line: number;
  key: string;
}

function flattenInto(value: unknown, prefix: string, out: Map<string, { value: string; key: string }>, depth = 0): void {
  if (depth > 12 || value === null || value === undefined) return;
  if (typeof value === 'string') out.set(prefix.toLowerCase(), { value, key: prefix });
  else if (typeof value === 'object' && !Array.isArray(value)) {
    for (const [key, inner] of Object.entries(value as Record<string, unknown>)) flattenInto(inner, prefix ? `${prefix}.${key}` : key, out, depth + 1);
  }
}

/** `[section]` tables and `key = "value"` pairs of a TOML file (strings only: the form a key takes). */
function tomlTable(text: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  let table = root;
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    const header = /^\[([\w.-]+)\]\s*(#.*)?$/.exec(line);
    if (header) {
      table = root;
      for (const part of (header[1] ?? '').split('.')) {
        const next = table[part];
        table = typeof next === 'object' && next !== null ? (next as Record<string, unknown>) : (table[part] = {});
      }
      continue;
    }
    const pair = /^([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|'([^']*)')\s*(#.*)?$/.exec(line);
    if (pair?.[1]) table[pair[1]] = pair[2] ?? pair[3] ?? '';
  }
  return root;
}

function lineOfLeaf(text: string, key: string): number {
  const leaf = (key.split('.').at(-1) ?? key).replace(/[.*+?^${}()|[\]\\-]/g, '\\$&');
  const pattern = new RegExp(`^\\s*["']?${leaf}["']?\\s*[:=]`, 'i');
  const index = text.split(/\r?\n/).findIndex((line) => pattern.test(line));
  return index < 0 ? 1 : index + 1;
}

/** Each configuration file's string values by lower-cased dotted key (viper's keys are case-insensitive). */
function configValues(file: InfraFile): Map<string, FlatValue> {
  const flat = new Map<string, { value: string; key: string }>();
  try {
    if (file.file.toLowerCase().endsWith('.toml')) flattenInto(tomlTable(file.text), '', flat);
    else if (file.file.toLowerCase().endsWith('.json')) flattenInto(JSON.parse(file.text) as unknown, '', flat);
    else for (const document of yaml.loadAll(file.text, undefined, { json: true })) flattenInto(document, '', flat);
  } catch {
    return new Map();
  }
  const out = new Map<string, FlatValue>();
  for (const [lower, { value, key }] of flat) out.set(lower, { value, key, line: lineOfLeaf(file.text, key) });
  return out;
}

/** The key a struct field is read under: its mapstructure/koanf/yaml/toml/json tag, or its name. */
function tagKey(item: GoStructField): string | undefined {
  for (const name of TAG_KEYS) {
    const match = new RegExp(`\\b${name}:"([^"]*)"`).exec(item.tag);
    if (!match) continue;
    const key = (match[1] ?? '').split(',')[0] ?? '';
    if (key === '-') return undefined;
    if (key !== '') return key;
  }
  return item.name;
}

/** `X.JWT.Secret` → `jwt.secret`, by the fields of the project's structs (one answer, or none). */
function structKey(path: readonly string[], structs: ReadonlyMap<string, GoStruct[]>, all: readonly GoStruct[]): string | undefined {
  const answers = new Set<string>();
  const follow = (candidates: readonly GoStruct[], index: number, keys: string[]): void => {
    if (answers.size > 1) return;
    for (const struct of candidates) {
      const item = struct.fields.find((fieldItem) => fieldItem.name === path[index]);
      const key = item ? tagKey(item) : undefined;
      if (!item || key === undefined) continue;
      if (index === path.length - 1) {
        answers.add([...keys, key].join('.').toLowerCase());
        continue;
      }
      const type = (item.type ?? '').replace(/^[*[\]]+/, '');
      const next = structs.get(type.slice(type.lastIndexOf('.') + 1)) ?? [];
      follow(next, index + 1, [...keys, key]);
    }
  };
  follow(all.filter((struct) => struct.fields.some((item) => item.name === path[0])), 0, []);
  return answers.size === 1 ? [...answers][0] : undefined;
}

/** The expression a key is: `[]byte(x)` unwrapped, a local or package variable followed to its value. */
function keyExpression(node: Node | undefined, consts: ReadonlyMap<string, Node>, depth = 0): Node | undefined {
  if (!node || depth > 3) return undefined;
  const current = unwrap(node);
  if (current.type === 'type_conversion_expression' || (current.type === 'call_expression' && field(current, 'function')?.text === '[]byte')) {
    return keyExpression(field(current, 'operand') ?? callArgs(current)[0], consts, depth + 1);
  }
  if (current.type === 'identifier') {
    let value: Node | undefined = consts.get(current.text);
    for (let scope = current.parent; scope && !value; scope = scope.parent) {
      if (scope.type !== 'function_declaration' && scope.type !== 'method_declaration' && scope.type !== 'func_literal') continue;
      walk(scope, (inner) => {
        if (value || inner.startIndex >= current.startIndex) return false;
        if (inner.type === 'short_var_declaration' || inner.type === 'assignment_statement' || inner.type === 'var_spec') {
          const left = inner.type === 'var_spec' ? fields(inner, 'name') : named(field(inner, 'left') ?? inner);
          const right = field(inner, inner.type === 'var_spec' ? 'value' : 'right');
          const index = left.findIndex((name) => name.text === current.text);
          if (index >= 0 && right) value = named(right)[index] ?? (index === 0 ? right : undefined);
        }
        return true;
      });
      break;
    }
    return value ? keyExpression(value, consts, depth + 1) : undefined;
  }
  return current;
}

/**
 * golang-jwt keys read from the service's configuration — `viper.GetString("jwt.secret")` (any viper
 * instance), or a config struct field (`cfg.JWT.Secret` with `mapstructure`/`yaml`/`toml`/`json` tags) —
 * whose value is committed in a configuration file of the repository. Development, test and example
 * files and placeholders (`${JWT_SECRET}`, `change-me`, empty) are not reported.
 */
export function goConfigSecrets(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): GoConfigSecret[] {
  const files = (infra ?? []).filter((file) => file.kind === 'app-config' && !NON_PRODUCTION_CONFIG.test(file.file));
  if (files.length === 0) return [];
  const reads: { source: SourceFile; read: Node; key: string }[] = [];
  let structs: GoStruct[] | undefined;
  let byName: Map<string, GoStruct[]> | undefined;
  for (const source of sources) {
    if (source.language !== 'go' || source.file.endsWith('_test.go')) continue;
    const imports = [...source.text.matchAll(/"(github\.com\/[^"]+)"/g)].map((match) => match[1] ?? '');
    if (!imports.some((path) => JWT_PACKAGES.test(path))) continue;
    const consts = packageValues(source.tree.rootNode);
    for (const key of keyNodes(source.tree.rootNode)) {
      const expression = keyExpression(key, consts);
      if (!expression) continue;
      let dotted: string | undefined;
      if (expression.type === 'call_expression') {
        const fn = field(expression, 'function');
        const method = fn?.type === 'selector_expression' ? field(fn, 'field')?.text : undefined;
        const arg = callArgs(expression)[0];
        if ((method === 'GetString' || method === 'Get') && arg) dotted = stringLiteral(unwrap(arg))?.toLowerCase();
      } else if (expression.type === 'selector_expression') {
        const path: string[] = [];
        let current: Node | undefined = expression;
        while (current?.type === 'selector_expression') {
          path.unshift(field(current, 'field')?.text ?? '');
          current = field(current, 'operand');
        }
        structs ??= goStructs(sources);
        byName ??= structs.reduce((map, struct) => map.set(struct.name, [...(map.get(struct.name) ?? []), struct]), new Map<string, GoStruct[]>());
        if (current?.type === 'identifier' && path.length > 0) dotted = structKey(path, byName, structs);
      }
      if (dotted) reads.push({ source, read: expression, key: dotted });
    }
  }
  if (reads.length === 0) return [];
  const out: GoConfigSecret[] = [];
  const seen = new Set<string>();
  for (const file of files) {
    const values = configValues(file);
    for (const read of reads) {
      const found = values.get(read.key);
      if (!found || PLACEHOLDER.test(found.value.trim()) || seen.has(`${file.file}:${found.line}`)) continue;
      seen.add(`${file.file}:${found.line}`);
      out.push({ source: read.source, read: read.read, key: found.key, file: file.file, line: found.line, value: found.value });
    }
  }
  return out;
}
