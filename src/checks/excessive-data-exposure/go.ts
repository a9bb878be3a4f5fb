/**
 * Go handlers (gin, echo, fiber, net/http) that send a persisted model struct as the response body:
 * `c.JSON(200, user)`, `c.IndentedJSON`, echo `c.JSONPretty`, fiber `c.JSON(user)` /
 * `c.Status(…).JSON(user)`, `json.NewEncoder(w).Encode(user)`, go-chi `render.JSON(w, r, user)`,
 * directly or one level inside a wrapper literal (`gin.H{"user": user}`, `okResp{user}`).
 *
 * The value's type is read from the code, never from its name: a `var`/`:=` declaration in the
 * handler (`var user model.User`, `u := &model.User{}`, `new(model.User)`) or the declared result of
 * the project function or interface method that returned it (`s.store.GetUser(id)` →
 * `(*model.User, error)`). The struct is persisted when it embeds `gorm.Model` or one of its fields
 * carries a `gorm:`, `db:`, `bson:`, `pg:` or `bun:` tag; it is reported when an exported credential
 * field (password or its hash, salt, secret, API key, reset/refresh token, OTP secret) has no
 * `json:"-"`. Safe: a response struct (DTO) copied from the model, `json:"-"` on the field, a
 * `MarshalJSON` method on the type, and a handler that blanks the field before sending
 * (`user.Password = ""`).
 */
import type { Node } from 'web-tree-sitter';
import type { SourceFile } from '../../engine/context.js';
import { callArgs, field, fields, goStructs, named, parameterNames, receiverType, unwrap, walk, type GoStruct } from '../../collectors/code/go/ast.js';
import { importsOf } from '../../collectors/code/go/program.js';
import { goRequestParams } from '../../analysis/go-taint.js';
import { goRequestProviders } from '../../collectors/code/plugins.js';

export interface GoExposure {
  source: SourceFile;
  call: Node;
  handler: string;
  model: string;
  fields: string[];
}

/** Credential fields, compared lower-cased without `_`. */
const SECRET_FIELD = /^(password|passwd|pass|pwd|passwordhash|hashedpassword|encryptedpassword|passworddigest|passhash|pwhash|salt|passwordsalt|secret|clientsecret|apikey|apisecret|secretkey|privatekey|refreshtoken|resettoken|resetpasswordtoken|passwordresettoken|otpsecret|totpsecret|mfasecret|twofactorsecret|recoverycodes)$/;
const PERSIST_TAG = /\b(gorm|db|bson|pg|bun):"/;

interface Senders {
  /** A framework context's methods that write their argument as the body, with the argument's position, by the framework's id. */
  context: Record<string, Readonly<Record<string, number>>>;
  /** Package functions that write their argument as the body, by import path. */
  packages: Record<string, Readonly<Record<string, number>>>;
  /** A parameter of one of these types is a handler's request or context, never the value it sends. */
  contextParam: RegExp;
  /** Import paths of the standard library's and the frameworks' packages. */
  framework: RegExp;
}

let senders: Senders | undefined;

/** The Go frameworks' response writers (their `goRequest` sections), joined once. */
function known(): Senders {
  if (senders) return senders;
  const context: Senders['context'] = {};
  const packages: Senders['packages'] = {};
  const contextPackages = new Set(['http']);
  const prefixes: string[] = [];
  for (const { id, provider } of goRequestProviders()) {
    if (provider.bodyWriters) context[id] = provider.bodyWriters;
    Object.assign(packages, provider.responders);
    // The package name of `github.com/labstack/echo/v4.Context` is `echo`.
    for (const type of provider.contextTypes ?? []) {
      const name = type.slice(0, type.lastIndexOf('.')).split('/').filter((segment) => !/^v\d+$/.test(segment)).at(-1);
      if (name) contextPackages.add(name);
    }
    for (const prefix of provider.packages ?? []) prefixes.push(prefix.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&'));
  }
  senders = {
    context,
    packages,
    contextParam: new RegExp(`^(\\*?(${[...contextPackages].join('|')})\\.\\w+|u?int\\d*|string|error|bool)$`),
    framework: new RegExp(`^(${[...prefixes, 'net\\/', 'encoding\\/'].join('|')})`),
  };
  return senders;
}

interface ModelInfo {
  name: string;
  secrets: string[];
}

/** Persisted structs with exposed credential fields, by name; a name declared twice must be such a model both times. */
function exposedModels(structs: GoStruct[], marshalled: ReadonlySet<string>): Map<string, ModelInfo> {
  const byName = new Map<string, (ModelInfo | undefined)[]>();
  for (const struct of structs) {
    const persisted = struct.embedded.some((item) => /(^|\.)Model$/.test(item.name) && /gorm/.test(item.name)) || [...struct.fields, ...struct.embedded].some((item) => PERSIST_TAG.test(item.tag));
    const secrets = struct.fields
      .filter((item) => /^[A-Z]/.test(item.name) && SECRET_FIELD.test(item.name.toLowerCase().replace(/_/g, '')) && !/\bjson:"-"/.test(item.tag))
      .map((item) => item.name);
    const list = byName.get(struct.name) ?? [];
    list.push(persisted && secrets.length > 0 && !marshalled.has(struct.name) ? { name: struct.name, secrets } : undefined);
    byName.set(struct.name, list);
  }
  const out = new Map<string, ModelInfo>();
  for (const [name, list] of byName) {
    const [first] = list;
    if (first && list.every((item) => item !== undefined)) out.set(name, first);
  }
  return out;
}

/** `*model.User`, `[]*User`, `model.User` → `User`; anything else (maps, generics, interfaces) → undefined. */
function structName(type: string | undefined): string | undefined {
  return type ? /^(?:\[\]|\*)*(?:\w+\.)?([A-Z]\w*)$/.exec(type.trim())?.[1] : undefined;
}

/** Types with their own `MarshalJSON`, which decide their JSON themselves. */
function customMarshalled(sources: readonly SourceFile[]): Set<string> {
  const out = new Set<string>();
  for (const source of sources) {
    if (!source.text.includes('MarshalJSON')) continue;
    for (const node of named(source.tree.rootNode)) {
      if (node.type === 'method_declaration' && field(node, 'name')?.text === 'MarshalJSON') {
        const owner = receiverType(node);
        if (owner) out.add(owner);
      }
    }
  }
  return out;
}

/** First result type of project functions, methods and interface methods by name, when every declaration agrees. */
function resultTypes(sources: readonly SourceFile[]): Map<string, string> {
  const byName = new Map<string, (string | undefined)[]>();
  const add = (name: string | undefined, result: Node | undefined): void => {
    if (!name) return;
    let type: string | undefined;
    if (result?.type === 'parameter_list') type = field(named(result)[0] ?? result, 'type')?.text;
    else type = result?.text;
    const list = byName.get(name) ?? [];
    list.push(structName(type) ? type : undefined);
    byName.set(name, list);
  };
  for (const source of sources) {
    walk(source.tree.rootNode, (node) => {
      if (node.type === 'function_declaration' || node.type === 'method_declaration') {
        add(field(node, 'name')?.text, field(node, 'result'));
        return false;
      }
      if (node.type === 'method_elem' || node.type === 'method_spec') {
        add(field(node, 'name')?.text, field(node, 'result'));
        return false;
      }
      return true;
    });
  }
  const out = new Map<string, string>();
  for (const [name, list] of byName) {
    const [first] = list;
    if (first && list.every((item) => item !== undefined && structName(item) === structName(first))) out.set(name, first);
  }
  return out;
}

/** The type a handler-local variable was declared with or assigned from, before `before`. */
function variableType(fn: Node, name: string, before: number, results: ReadonlyMap<string, string>): string | undefined {
  let found: string | undefined;
  walk(
    fn,
    (node) => {
      if (node.startIndex >= before) return false;
      if (node.type === 'var_spec' && fields(node, 'name').some((child) => child.text === name)) {
        const type = field(node, 'type');
        const value = field(node, 'value');
        const index = fields(node, 'name').findIndex((child) => child.text === name);
        found = type ? type.text : value ? valueType(named(value)[index], results) : found;
      } else if (node.type === 'short_var_declaration' || (node.type === 'assignment_statement' && field(node, 'operator')?.text === '=')) {
        const left = named(field(node, 'left') ?? node);
        const right = named(field(node, 'right') ?? node);
        const index = left.findIndex((child) => child.type === 'identifier' && child.text === name);
        if (index >= 0) {
          const value = right.length === 1 ? right[0] : right[index];
          const type = right.length === 1 && index > 0 ? undefined : valueType(value, results);
          if (type || node.type === 'short_var_declaration') found = type;
        }
      } else if ((node.type === 'func_literal' || node.type === 'function_declaration' || node.type === 'method_declaration') && node.id !== fn.id) {
        const param = parameterNames(node).find((item) => item.name === name);
        if (param && node.startIndex < before && before < node.endIndex) found = param.type;
      }
      return true;
    },
    true,
  );
  return found;
}

/** `T{…}`, `&pkg.T{…}`, `new(T)`, `store.GetUser(id)`: the type the expression builds or returns. */
function valueType(value: Node | undefined, results: ReadonlyMap<string, string>): string | undefined {
  if (!value) return undefined;
  let current = unwrap(value);
  if (current.type === 'unary_expression') current = unwrap(field(current, 'operand') ?? current);
  if (current.type === 'composite_literal') return field(current, 'type')?.text;
  if (current.type !== 'call_expression') return undefined;
  const fn = field(current, 'function');
  if (fn?.text === 'new') return named(field(current, 'arguments') ?? current)[0]?.text;
  const name = fn?.type === 'selector_expression' ? field(fn, 'field')?.text : fn?.type === 'identifier' ? fn.text : undefined;
  return name ? results.get(name) : undefined;
}

/** The body argument of a response-writing call in a handler, or undefined. */
function sentValue(call: Node, params: ReadonlyMap<string, string>, writers: ReadonlySet<string>, imports: ReadonlyMap<string, string>): Node | undefined {
  const fn = field(call, 'function');
  if (fn?.type !== 'selector_expression') return undefined;
  const method = field(fn, 'field')?.text ?? '';
  let receiver = field(fn, 'operand');
  const args = callArgs(call);
  // fiber `c.Status(201).JSON(user)`.
  while (receiver?.type === 'call_expression' && field(receiver, 'function')?.type === 'selector_expression' && /^(Status|Type|Set)$/.test(field(field(receiver, 'function') as Node, 'field')?.text ?? '')) {
    receiver = field(field(receiver, 'function') as Node, 'operand');
  }
  if (receiver?.type === 'identifier') {
    const framework = params.get(receiver.text);
    const index = framework ? known().context[framework]?.[method] : undefined;
    if (index !== undefined) return args[index];
    // go-chi render.JSON(w, r, v).
    const position = known().packages[imports.get(receiver.text) ?? '']?.[method];
    if (position !== undefined) return args[position];
  }
  // json.NewEncoder(w).Encode(v) with w the handler's http.ResponseWriter.
  if (method === 'Encode' && receiver?.type === 'call_expression') {
    const inner = field(receiver, 'function');
    const target = callArgs(receiver)[0];
    if (inner?.type === 'selector_expression' && field(inner, 'field')?.text === 'NewEncoder' && imports.get(field(inner, 'operand')?.text ?? '') === 'encoding/json' && target?.type === 'identifier' && writers.has(target.text)) return args[0];
  }
  return undefined;
}

/** Project functions and methods that blank a field of what they are given (`hidePasswords(users)`, `u.Sanitize()`): name → fields. */
function scrubbers(sources: readonly SourceFile[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const source of sources) {
    for (const fn of named(source.tree.rootNode)) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
      const name = field(fn, 'name')?.text;
      if (!name) continue;
      const assigned = new Set<string>();
      walk(fn, (node) => {
        if (node.type !== 'assignment_statement') return true;
        for (const target of named(field(node, 'left') ?? node)) if (target.type === 'selector_expression') assigned.add(field(target, 'field')?.text ?? '');
        return true;
      }, true);
      if (assigned.size > 0) out.set(name, new Set([...(out.get(name) ?? []), ...assigned]));
    }
  }
  return out;
}

/**
 * Fields the handler blanks before sending: `user.Password = ""`, `users[i].PasswordHash = nil`, a
 * project function that does it (`hidePasswords(users)`, `user.Sanitize()`); `ALL` when the query
 * loaded only some columns (`db.Select("id", "name").Find(&users)`, `Omit("password")`).
 */
function blanked(fn: Node, before: number, variable: string | undefined, scrub: ReadonlyMap<string, ReadonlySet<string>>): Set<string> {
  const out = new Set<string>();
  walk(
    fn,
    (node) => {
      if (node.startIndex >= before) return false;
      if (node.type === 'call_expression') {
        const callee = field(node, 'function');
        const name = callee?.type === 'selector_expression' ? field(callee, 'field')?.text : callee?.text;
        for (const item of scrub.get(name ?? '') ?? []) out.add(item);
        if (variable && /\.(Select|Omit)\(/.test(callee?.text ?? '') && /\.(Find|First|Take|Last|Scan)$/.test(callee?.text ?? '')) {
          if (callArgs(node).some((arg) => arg.text.replace(/^&/, '') === variable)) out.add(ALL);
        }
        return true;
      }
      if (node.type !== 'assignment_statement') return true;
      for (const target of named(field(node, 'left') ?? node)) if (target.type === 'selector_expression') out.add(field(target, 'field')?.text ?? '');
      return true;
    },
    true,
  );
  return out;
}

const ALL = '\u0000all';

function writersOf(fn: Node): Set<string> {
  const writers = new Set<string>();
  walk(fn, (node) => {
    if (node.type === 'function_declaration' || node.type === 'method_declaration' || node.type === 'func_literal') {
      for (const param of parameterNames(node)) if (/^http\.ResponseWriter$/.test(param.type) && param.name) writers.add(param.name);
    }
    return true;
  }, true);
  return writers;
}

/**
 * Project response helpers (`response.OkWithData(data, c)`, `respondJSON(w, status, payload)`):
 * function name → the index of the parameter they send as the body, directly, inside a wrapper
 * literal, or through `json.Marshal` written to the ResponseWriter. Kept only when every function of
 * that name agrees.
 */
function responseHelpers(sources: readonly SourceFile[]): Map<string, number> {
  const byName = new Map<string, (number | undefined)[]>();
  for (const source of sources) {
    const imports = importsOf(source.tree.rootNode);
    for (const fn of named(source.tree.rootNode)) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
      const name = field(fn, 'name')?.text;
      const params = parameterNames(fn);
      if (!name || params.length < 2) continue;
      const requestParams = goRequestParams(fn, imports);
      const writers = writersOf(fn);
      if (requestParams.size === 0 && writers.size === 0) continue;
      let index: number | undefined;
      walk(fn, (node) => {
        if (index !== undefined || node.type !== 'call_expression') return index === undefined;
        let sent = sentValue(node, requestParams, writers, imports);
        const callee = field(node, 'function');
        if (!sent && writers.size > 0 && callee?.type === 'selector_expression' && field(callee, 'field')?.text === 'Marshal' && imports.get(field(callee, 'operand')?.text ?? '') === 'encoding/json') sent = callArgs(node)[0];
        for (const value of sent ? candidates(sent) : []) {
          const at = value.type === 'identifier' ? params.findIndex((param) => param.name === value.text) : -1;
          if (at >= 0 && !known().contextParam.test(params[at]?.type ?? '')) index = at;
        }
        return index === undefined;
      }, true);
      const list = byName.get(name) ?? [];
      list.push(index);
      byName.set(name, list);
    }
  }
  const out = new Map<string, number>();
  for (const [name, list] of byName) {
    const [first] = list;
    if (first !== undefined && list.every((item) => item === first)) out.set(name, first);
  }
  return out;
}

export function goExposures(sources: readonly SourceFile[]): GoExposure[] {
  const goSources = sources.filter((source) => source.language === 'go' && !source.file.endsWith('_test.go'));
  if (goSources.length === 0) return [];
  const models = exposedModels(goStructs(goSources), customMarshalled(goSources));
  if (models.size === 0) return [];
  const results = resultTypes(goSources);
  const scrub = scrubbers(goSources);
  const helpers = responseHelpers(goSources);
  const out: GoExposure[] = [];
  for (const source of goSources) {
    const imports = importsOf(source.tree.rootNode);
    for (const fn of named(source.tree.rootNode)) {
      if (fn.type !== 'function_declaration' && fn.type !== 'method_declaration') continue;
      const params = goRequestParams(fn, imports);
      if (params.size === 0) continue;
      const writers = writersOf(fn);
      walk(fn, (node) => {
        if (node.type !== 'call_expression') return true;
        const callee = field(node, 'function');
        const helper = callee?.type === 'selector_expression' ? field(callee, 'field')?.text : callee?.type === 'identifier' ? callee.text : undefined;
        const helperIndex = helper !== undefined && !qualifiedStd(callee, imports) ? helpers.get(helper) : undefined;
        const sent = sentValue(node, params, writers, imports) ?? (helperIndex !== undefined ? callArgs(node)[helperIndex] : undefined);
        if (!sent) return true;
        for (const value of candidates(sent)) {
          const type = value.type === 'identifier' ? variableType(fn, value.text, node.startIndex, results) : valueType(value, results);
          const model = models.get(structName(type) ?? '');
          if (!model) continue;
          const cleared = blanked(fn, node.startIndex, value.type === 'identifier' ? value.text : undefined, scrub);
          const exposed = cleared.has(ALL) ? [] : model.secrets.filter((name) => !cleared.has(name));
          if (exposed.length === 0) continue;
          out.push({ source, call: node, handler: field(fn, 'name')?.text ?? 'handler', model: model.name, fields: exposed });
          break;
        }
        return true;
      }, true);
    }
  }
  return out;
}

/** A call of a standard-library or framework package function (`json.Marshal`), not a project helper. */
function qualifiedStd(callee: Node | undefined, imports: ReadonlyMap<string, string>): boolean {
  if (callee?.type !== 'selector_expression') return false;
  const path = imports.get(field(callee, 'operand')?.text ?? '');
  return path !== undefined && !path.includes('/') ? true : path !== undefined && known().framework.test(path);
}

/** The value itself, or the values one wrapper literal holds (`gin.H{"user": u}`, `okResp{u}`, `Page{Items: users}`). */
function candidates(sent: Node): Node[] {
  const current = unwrap(sent);
  const inner = current.type === 'unary_expression' ? unwrap(field(current, 'operand') ?? current) : current;
  if (inner.type !== 'composite_literal') return [current];
  const out: Node[] = [current];
  const body = field(inner, 'body');
  for (const element of body ? named(body) : []) {
    const value = element.type === 'keyed_element' ? named(element).at(-1) : element;
    const expression = value?.type === 'literal_element' ? named(value)[0] : value;
    if (expression) out.push(unwrap(expression));
  }
  return out;
}
