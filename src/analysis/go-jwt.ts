import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../engine/context.js';
import { callArgs, field, named, parameterNames, unwrap, walk } from '../collectors/code/go/ast.js';
import { importsOf } from '../collectors/code/go/program.js';
import { qualifiedCallee } from './go-taint.js';
import { goRequestProviders } from '../collectors/code/plugins.js';
import { descendantsOf, parentOf } from '../parsing/tree-index.js';

/**
 * Token parsing calls of the Go JWT libraries, for the JWT checks' `go.ts` files.
 *
 * golang-jwt (and its forks `dgrijalva/jwt-go`, `form3tech-oss/jwt-go`): `jwt.Parse(s, keyFunc,
 * opts...)`, `jwt.ParseWithClaims(s, claims, keyFunc, opts...)`, `jwt.ParseUnverified`, and the
 * same methods on a parser built in the file (`jwt.NewParser(opts...)`, `&jwt.Parser{…}`), whose
 * options and fields count as the call's. lestrrat-go/jwx `jwt.Parse`/`ParseString`/`ParseBytes`/
 * `ParseRequest`/`ParseReader`/`ParseInsecure` with their option calls.
 */

const GOLANG_JWT = /^github\.com\/(golang-jwt\/jwt|dgrijalva\/jwt-go|form3tech-oss\/jwt-go)(\/v(\d+))?$/;
const JWX = /^github\.com\/lestrrat-go\/jwx(\/v(\d+))?\/jwt(\/openid)?$/;
const JWX_PARSE = /^(Parse|ParseString|ParseBytes|ParseRequest|ParseReader|ParseHeader|ParseForm|ParseCookie|ParseInsecure)$/;

export interface GoJwtParse {
  source: SourceFile;
  call: Node;
  /** As written: `jwt.ParseWithClaims`, `parser.Parse`. */
  written: string;
  library: 'golang-jwt' | 'jwx';
  major: number;
  method: string;
  /** golang-jwt's key function argument. */
  keyfunc?: Node | undefined;
  /** Option calls of the call and of the parser it runs on (`jwt.WithValidMethods(…)`). */
  options: Node[];
  /** `jwt.Parser{ValidMethods: …, SkipClaimsValidation: true}` fields, and `p.Field = v` assignments. */
  parserFields: Map<string, Node>;
  /** An option list passed as `opts...`: its content is not known. */
  opaque: boolean;
  /** The function declaration around the call. */
  fn: Node;
}

/** Every assignment or var spec of `name` in `scope` (then in the file): the values. */
function valuesOf(name: string, scopes: Node[]): Node[] {
  for (const scope of scopes) {
    const out: Node[] = [];
    walk(
      scope,
      (node) => {
        if (node.type === 'var_spec') {
          const names = node.childrenForFieldName('name');
          const values = named(field(node, 'value') ?? node);
          const index = names.findIndex((child) => child?.text === name);
          const value = index >= 0 && field(node, 'value') ? values[index] : undefined;
          if (value) out.push(value);
        } else if (node.type === 'short_var_declaration' || node.type === 'assignment_statement') {
          const left = named(field(node, 'left') ?? node);
          const right = named(field(node, 'right') ?? node);
          const index = left.findIndex((child) => child.text === name);
          const value = index >= 0 ? (right.length === left.length ? right[index] : index === 0 ? right[0] : undefined) : undefined;
          if (value) out.push(value);
        }
        return true;
      },
      true,
    );
    if (out.length > 0) return out;
  }
  return [];
}

function optionCalls(args: Node[]): { options: Node[]; opaque: boolean } {
  const options: Node[] = [];
  let opaque = false;
  for (const arg of args) {
    if (arg.nextSibling?.type === '...') opaque = true;
    else options.push(unwrap(arg));
  }
  return { options, opaque };
}

/** The parser a method runs on: its options and literal fields. */
function parserOf(receiver: Node, imports: ReadonlyMap<string, string>, fn: Node, root: Node): { options: Node[]; fields: Map<string, Node>; opaque: boolean } | undefined {
  let value: Node | undefined = unwrap(receiver);
  const fields = new Map<string, Node>();
  if (value.type === 'identifier') {
    const name = value.text;
    // `p.SkipClaimsValidation = true`.
    walk(fn, (node) => {
      if (node.type !== 'assignment_statement') return true;
      const target = named(field(node, 'left') ?? node)[0];
      const assigned = named(field(node, 'right') ?? node)[0];
      if (target?.type === 'selector_expression' && field(target, 'operand')?.text === name && assigned) fields.set(field(target, 'field')?.text ?? '', assigned);
      return true;
    }, true);
    value = valuesOf(name, [fn, root])[0];
  }
  if (!value) return undefined;
  value = unwrap(value);
  if (value.type === 'unary_expression') value = unwrap(field(value, 'operand') ?? value);
  if (value.type === 'call_expression' && field(value, 'function')?.text === 'new') {
    // `new(jwt.Parser)`: a parser with every default.
    const type = named(field(value, 'arguments') ?? value)[0]?.text ?? '';
    const [pkg = '', name = ''] = type.split('.');
    return name === 'Parser' && GOLANG_JWT.test(imports.get(pkg) ?? '') ? { options: [], fields, opaque: false } : undefined;
  }
  if (value.type === 'call_expression') {
    const callee = qualifiedCallee(imports, field(value, 'function'));
    if (!callee || !/\.NewParser$/.test(callee) || !GOLANG_JWT.test(callee.replace(/\.NewParser$/, ''))) return undefined;
    const { options, opaque } = optionCalls(callArgs(value));
    return { options, fields, opaque };
  }
  if (value.type === 'composite_literal') {
    const type = field(value, 'type')?.text ?? '';
    if (!/(^|\.)Parser$/.test(type)) return undefined;
    const body = field(value, 'body');
    for (const element of body ? named(body) : []) {
      if (element.type !== 'keyed_element') continue;
      const [key, item] = named(element);
      const keyNode = key ? (named(key)[0] ?? key) : undefined;
      const itemNode = item ? (named(item)[0] ?? item) : undefined;
      if (keyNode && itemNode) fields.set(keyNode.text, itemNode);
    }
    return { options: [], fields, opaque: false };
  }
  return undefined;
}

const CALL_TYPES = ['call_expression'];

export function goJwtParses(sources: readonly SourceFile[]): GoJwtParse[] {
  const out: GoJwtParse[] = [];
  for (const source of sources) {
    if (source.language !== 'go' || source.file.endsWith('_test.go')) continue;
    if (!/golang-jwt|jwt-go|lestrrat-go\/jwx/.test(source.text)) continue;
    const root = source.tree.rootNode;
    const imports = importsOf(root);
    for (const fn of named(root)) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
      // Every call of the function, closures included, in document order: the tree's list of calls, not a walk.
      for (const node of descendantsOf(fn, CALL_TYPES)) {
        const callee = field(node, 'function');
        if (callee?.type !== 'selector_expression') continue;
        const method = field(callee, 'field')?.text ?? '';
        const operand = field(callee, 'operand');
        if (!operand) continue;
        const args = callArgs(node);
        const qualified = qualifiedCallee(imports, callee);
        const pkg = qualified?.slice(0, -(method.length + 1));
        const golang = pkg ? GOLANG_JWT.exec(pkg) : null;
        const jwx = pkg ? JWX.exec(pkg) : null;
        const base = { source, call: node, written: callee.text, method, fn };
        if (golang && /^(Parse|ParseWithClaims|ParseUnverified)$/.test(method)) {
          const keyIndex = method === 'Parse' ? 1 : method === 'ParseWithClaims' ? 2 : -1;
          const { options, opaque } = optionCalls(keyIndex >= 0 ? args.slice(keyIndex + 1) : []);
          out.push({ ...base, library: 'golang-jwt', major: Number(golang[3] ?? 3), keyfunc: keyIndex >= 0 ? args[keyIndex] : undefined, options, parserFields: new Map(), opaque });
        } else if (jwx && JWX_PARSE.test(method)) {
          const { options, opaque } = optionCalls(args.slice(1));
          out.push({ ...base, library: 'jwx', major: Number(jwx[2] ?? 1), options, parserFields: new Map(), opaque });
        } else if (!qualified && /^(Parse|ParseWithClaims|ParseUnverified)$/.test(method)) {
          const parser = parserOf(operand, imports, fn, root);
          if (!parser) continue;
          const major = [...imports.values()].map((path) => GOLANG_JWT.exec(path)).find((match) => match)?.[3];
          const keyIndex = method === 'Parse' ? 1 : method === 'ParseWithClaims' ? 2 : -1;
          const own = optionCalls(keyIndex >= 0 ? args.slice(keyIndex + 1) : []);
          out.push({
            ...base,
            library: 'golang-jwt',
            major: Number(major ?? 3),
            keyfunc: keyIndex >= 0 ? args[keyIndex] : undefined,
            options: [...parser.options, ...own.options],
            parserFields: parser.fields,
            opaque: parser.opaque || own.opaque,
          });
        }
      }
    }
  }
  return out;
}

/** The option call named `name` (`jwt.WithValidMethods`), if any. */
export function goJwtOption(parse: GoJwtParse, name: string): Node | undefined {
  return parse.options.find((option) => option.type === 'call_expression' && new RegExp(`(^|\\.)${name}$`).test(field(option, 'function')?.text ?? ''));
}

/** The body of the key function: a literal, a function of this file, or a method value `s.keyFunc`. */
export function goKeyfuncBody(parse: GoJwtParse): Node | undefined {
  const keyfunc = parse.keyfunc ? unwrap(parse.keyfunc) : undefined;
  if (!keyfunc) return undefined;
  if (keyfunc.type === 'func_literal') return keyfunc;
  const root = parse.source.tree.rootNode;
  const name = keyfunc.type === 'identifier' ? keyfunc.text : keyfunc.type === 'selector_expression' ? field(keyfunc, 'field')?.text : undefined;
  if (!name) return undefined;
  for (const declaration of named(root)) {
    if ((declaration.type === 'function_declaration' || declaration.type === 'method_declaration') && field(declaration, 'name')?.text === name) return declaration;
  }
  if (keyfunc.type === 'identifier') {
    const value = valuesOf(name, [parse.fn, root])[0];
    if (value && unwrap(value).type === 'func_literal') return unwrap(value);
  }
  return undefined;
}

let requestParam: RegExp | undefined;

/**
 * Declared request-bound parameter types: the call runs while serving a request. net/http's `*http.Request` and the
 * Go frameworks' contexts (their `goRequest.contextTypes`: `github.com/labstack/echo/v4.Context` is `echo.Context`).
 */
function requestParamType(): RegExp {
  if (requestParam) return requestParam;
  const types = new Set(['http.Request']);
  for (const { provider } of goRequestProviders()) {
    for (const type of provider.contextTypes ?? []) {
      const dot = type.lastIndexOf('.');
      const name = type.slice(0, dot).split('/').filter((segment) => !/^v\d+$/.test(segment)).at(-1);
      if (name) types.add(`${name}.${type.slice(dot + 1)}`);
    }
  }
  requestParam = new RegExp(`^\\*?(${[...types].map((type) => type.replace('.', '\\.')).join('|')})$`);
  return requestParam;
}

/**
 * The claims of the parse decide who the caller is: the function serves a request (it or a closure
 * in it takes a request parameter), stores them in the request context, or hands the parsed
 * token or claims back to its caller.
 */
export function goUsedAsIdentity(parse: GoJwtParse): boolean {
  const serves = { found: false };
  walk(parse.fn, (node) => {
    if (serves.found) return false;
    if (node.type === 'function_declaration' || node.type === 'method_declaration' || node.type === 'func_literal') {
      if (parameterNames(node).some((param) => requestParamType().test(param.type))) serves.found = true;
    }
    return !serves.found;
  }, true);
  if (serves.found) return true;
  // `return claims, nil` / `return token.Claims.(*Claims), nil`: the unverified claims leave the function.
  const names = new Set<string>();
  const parent = parentOf(parse.call);
  const statement = parent?.type === 'expression_list' ? parentOf(parent) : parent;
  if (statement && (statement.type === 'short_var_declaration' || statement.type === 'assignment_statement')) {
    const first = named(field(statement, 'left') ?? statement)[0];
    if (first?.type === 'identifier' && first.text !== '_') names.add(first.text);
  }
  const claims = callArgs(parse.call)[1];
  const claimsName = claims ? unwrap(claims) : undefined;
  const inner = claimsName?.type === 'unary_expression' ? field(claimsName, 'operand') : claimsName;
  if (inner?.type === 'identifier') names.add(inner.text);
  let returned = false;
  walk(parse.fn, (node) => {
    if (returned) return false;
    if (node.type === 'return_statement' && node.startIndex > parse.call.startIndex) {
      walk(node, (child) => {
        if (child.type === 'identifier' && names.has(child.text)) returned = true;
        return !returned;
      });
    }
    return !returned;
  });
  return returned;
}

/** The same function also verifies a token (`jwt.Parse` with a key function, `jws.Verify`). */
export function goFunctionVerifies(parse: GoJwtParse, all: readonly GoJwtParse[]): boolean {
  if (all.some((other) => other.fn.id === parse.fn.id && other.call.id !== parse.call.id && other.library === 'golang-jwt' && other.method !== 'ParseUnverified')) return true;
  return /\bjws\.Verify\(|\.Verify\(/.test(parse.fn.text);
}
