import type { SourceLanguage } from '../parsing/languages.js';
import type { Node } from 'web-tree-sitter';
import type { CheckContext, ProjectInfo, SourceFile } from '../engine/context.js';
import type { Location } from '../model/types.js';
import { charge } from '../parsing/budget.js';
import { isJsFamily } from '../parsing/languages.js';
import { descendantsOf, innermostOfType, nodesOfTypeIn } from '../parsing/tree-index.js';

/**
 * Call sites with their callee resolved through the file's imports, so a check matches
 * `jwt.decode`, `import jwt as pyjwt; pyjwt.decode`, `from jwt import decode as d; d(...)`,
 * `const { verify } = require('jsonwebtoken')` or `import * as jwt from 'jsonwebtoken'` alike.
 * Qualified names use the module as imported: `jwt.decode`, `jsonwebtoken.verify`, `os.system`.
 */
export interface CallSite {
  node: Node;
  /** Qualified callee, e.g. `jsonwebtoken.verify`; for unresolved receivers the text as written, e.g. `app.get`. */
  callee: string;
  /** The callee as written in the source. */
  written: string;
  /** Positional arguments (Python keyword arguments and splats excluded). */
  args: Node[];
  /** Python keyword arguments by name (one shared empty map for calls without any). */
  kwargs: ReadonlyMap<string, Node>;
  /** True for `new X(...)` in JS. */
  isNew: boolean;
}

export interface FileFacts {
  /** Local name → qualified import (`pyjwt` → `jwt`, `verify` → `jsonwebtoken.verify`). */
  imports: Map<string, string>;
  calls: CallSite[];
  /** The same call sites by node id. */
  callsById: Map<number, CallSite>;
}

const factsCache = new WeakMap<SourceFile, FileFacts>();
/** The keyword arguments of a call that has none: one map for all (a JS file's calls never have any). */
const NO_KWARGS: ReadonlyMap<string, Node> = new Map();
const sourceIndex = new WeakMap<CheckContext, Map<string, SourceFile>>();

/** The parsed file at a workspace-relative path (an index built once per audit). */
export function sourceByFile(ctx: CheckContext, file: string): SourceFile | undefined {
  let index = sourceIndex.get(ctx);
  if (!index) {
    index = new Map(ctx.sources.map((source) => [source.file, source]));
    sourceIndex.set(ctx, index);
  }
  return index.get(file);
}

const MODULE_SUFFIXES = ['', '.js', '.ts', '.mjs', '.cjs', '.jsx', '.tsx', '/index.js', '/index.ts'];

/**
 * The workspace file a JavaScript/TypeScript local name was imported from by a relative specifier
 * (`const { signup } = require('./validators')`, `import v from '../handlers/validators'`), and the
 * export it names when the import picked one; undefined for packages and unresolved paths.
 */
export function relativeImport(ctx: CheckContext, source: SourceFile, local: string): { module: SourceFile; exported?: string } | undefined {
  const qualified = factsOf(source).imports.get(local);
  if (!qualified?.startsWith('.')) return undefined;
  const dir = source.file.split('/').slice(0, -1);
  const find = (specifier: string): SourceFile | undefined => {
    const parts = [...dir];
    for (const part of specifier.split('/')) {
      if (part === '..') parts.pop();
      else if (part !== '.' && part !== '') parts.push(part);
    }
    const base = parts.join('/');
    for (const suffix of MODULE_SUFFIXES) {
      const found = sourceByFile(ctx, `${base}${suffix}`);
      if (found) return found;
    }
    return undefined;
  };
  const whole = find(qualified);
  if (whole) return { module: whole };
  const dot = qualified.lastIndexOf('.');
  const module = dot > 0 ? find(qualified.slice(0, dot)) : undefined;
  return module ? { module, exported: qualified.slice(dot + 1) } : undefined;
}

const mergedCache = new WeakMap<SourceFile, Map<string, Node[]>>();

/**
 * Every node of the given types in a file, in document order, memoised per file: checks share
 * one walk of each tree per node type instead of walking every tree once per check.
 */
export function nodesOfType(source: SourceFile, types: string | readonly string[]): Node[] {
  if (charge(source.tree)) return [];
  const list = typeof types === 'string' ? [types] : types;
  const byType = nodesOfTypeIn(source.tree, list);
  if (list.length === 1) return byType.get(list[0] ?? '') ?? [];
  // Merged lists are memoised too: handlers ask for the same set of types once per endpoint.
  let merged = mergedCache.get(source);
  if (!merged) {
    merged = new Map();
    mergedCache.set(source, merged);
  }
  const key = list.join('\u0000');
  let found = merged.get(key);
  if (!found) {
    found = list.flatMap((type) => byType.get(type) ?? []).sort((a, b) => a.startIndex - b.startIndex);
    merged.set(key, found);
  }
  return found;
}

const identifierIndex = new WeakMap<SourceFile, Map<string, Node[]>>();
const IDENTIFIER_TYPES = ['identifier', 'property_identifier', 'shorthand_property_identifier'];

const declarationIndexes = new WeakMap<CheckContext, Map<string, Map<string, { source: SourceFile; node: Node }[]>>>();

/**
 * The JS/TS declarations of one node type (`class_declaration`, `variable_declarator`) in the context's
 * sources that declare `name` as a plain identifier (no destructuring pattern), indexed once per context.
 */
export function jsDeclarationsNamed(ctx: CheckContext, type: string, name: string): readonly { source: SourceFile; node: Node }[] {
  let byType = declarationIndexes.get(ctx);
  if (!byType) declarationIndexes.set(ctx, (byType = new Map<string, Map<string, { source: SourceFile; node: Node }[]>>()));
  let index = byType.get(type);
  if (!index) {
    index = new Map();
    for (const source of ctx.sources) {
      if (!isJsFamily(source.language)) continue;
      for (const node of nodesOfType(source, type)) {
        const declared = node.childForFieldName('name');
        if (declared?.type !== 'identifier' && declared?.type !== 'type_identifier') continue;
        const list = index.get(declared.text);
        if (list) list.push({ source, node });
        else index.set(declared.text, [{ source, node }]);
      }
    }
    byType.set(type, index);
  }
  return index.get(name) ?? [];
}

/**
 * The identifiers of a file written `name` (plain, property and shorthand-property names), in
 * document order: the file's names are read once and indexed, so looking a name up across a
 * project costs a map lookup per file rather than reading every identifier again.
 */
export function identifiersNamed(source: SourceFile, name: string): readonly Node[] {
  let index = identifierIndex.get(source);
  if (!index) {
    index = new Map();
    for (const node of nodesOfType(source, IDENTIFIER_TYPES)) {
      const written = node.text;
      const list = index.get(written);
      if (list) list.push(node);
      else index.set(written, [node]);
    }
    identifierIndex.set(source, index);
  }
  return index.get(name) ?? [];
}

export function text(node: Node | null | undefined): string {
  return node?.text ?? '';
}

function descendantsOfType(root: Node, types: readonly string[]): Node[] {
  return descendantsOf(root, types);
}

/** String literal value (quotes removed) when the node is a plain string; undefined otherwise. */
export function stringValue(node: Node | null | undefined): string | undefined {
  if (!node) return undefined;
  if (node.type === 'string') {
    if (node.children.some((child) => child?.type === 'interpolation')) return undefined;
    const content = node.children.filter((child) => child?.type === 'string_content' || child?.type === 'string_fragment');
    if (content.length > 0) return content.map((child) => child?.text ?? '').join('');
    const raw = node.text;
    const match = /^[rRbBuU]*(['"]{1,3})([\s\S]*)\1$/.exec(raw);
    return match ? (match[2] ?? '') : raw === '""' || raw === "''" ? '' : undefined;
  }
  if (node.type === 'template_string' && !node.children.some((child) => child?.type === 'template_substitution')) {
    return node.text.slice(1, -1);
  }
  return undefined;
}

export type Literal = string | number | boolean | null;

/** Value of a literal (string, number, boolean, None/null); undefined when not a literal. */
export function literalValue(node: Node | null | undefined): Literal | undefined {
  if (!node) return undefined;
  const asString = stringValue(node);
  if (asString !== undefined) return asString;
  switch (node.type) {
    case 'true':
    case 'True':
      return true;
    case 'false':
    case 'False':
      return false;
    case 'none':
    case 'None':
    case 'null':
      return null;
    case 'integer':
    case 'float':
    case 'number': {
      const value = Number(node.text.replace(/_/g, ''));
      return Number.isNaN(value) ? undefined : value;
    }
    case 'parenthesized_expression':
      return literalValue(node.namedChildren[0]);
    default:
      return undefined;
  }
}

/** Property of a JS object literal or value of a Python dict literal, by key. */
export function propertyOf(object: Node | null | undefined, key: string): Node | undefined {
  if (!object) return undefined;
  if (object.type === 'object') {
    for (const child of object.namedChildren) {
      if (!child) continue;
      if (child.type === 'pair') {
        const name = child.childForFieldName('key');
        const keyText = name ? (stringValue(name) ?? name.text) : '';
        if (keyText === key) return child.childForFieldName('value') ?? undefined;
      } else if (child.type === 'shorthand_property_identifier' && child.text === key) {
        return child;
      }
    }
    return undefined;
  }
  if (object.type === 'dictionary') {
    for (const child of object.namedChildren) {
      if (child?.type !== 'pair') continue;
      if (stringValue(child.childForFieldName('key')) === key) return child.childForFieldName('value') ?? undefined;
    }
  }
  return undefined;
}

/** Elements of a list/array literal. */
export function elementsOf(node: Node | null | undefined): Node[] {
  if (!node || (node.type !== 'list' && node.type !== 'array' && node.type !== 'tuple' && node.type !== 'set')) return [];
  return node.namedChildren.filter((child): child is Node => child !== null && child.type !== 'comment');
}

function pythonImports(root: Node, imports: Map<string, string>): void {
  for (const statement of descendantsOfType(root, ['import_statement', 'import_from_statement'])) {
    if (statement.type === 'import_statement') {
      for (const name of statement.childrenForFieldName('name')) {
        if (!name) continue;
        if (name.type === 'aliased_import') {
          const alias = name.childForFieldName('alias');
          const target = name.childForFieldName('name');
          if (alias && target) imports.set(alias.text, target.text);
        } else {
          // `import a.b` binds `a`; calls are written `a.b.f()` and resolve to themselves.
          const head = name.text.split('.')[0] ?? name.text;
          imports.set(head, head);
        }
      }
    } else {
      const module = statement.childForFieldName('module_name')?.text ?? '';
      const base = module.replace(/^\.+/, '');
      for (const name of statement.childrenForFieldName('name')) {
        if (!name) continue;
        if (name.type === 'aliased_import') {
          const alias = name.childForFieldName('alias');
          const target = name.childForFieldName('name');
          if (alias && target) imports.set(alias.text, base ? `${base}.${target.text}` : target.text);
        } else {
          imports.set(name.text, base ? `${base}.${name.text}` : name.text);
        }
      }
    }
  }
}

function requireSource(node: Node | null | undefined): string | undefined {
  if (node?.type !== 'call_expression') return undefined;
  if (node.childForFieldName('function')?.text !== 'require') return undefined;
  return stringValue(node.childForFieldName('arguments')?.namedChildren[0]);
}

function jsImports(root: Node, imports: Map<string, string>): void {
  for (const statement of descendantsOfType(root, ['import_statement'])) {
    const source = stringValue(statement.childForFieldName('source'));
    const requireClause = statement.namedChildren.find((child) => child?.type === 'import_require_clause');
    if (requireClause) {
      const name = requireClause.namedChildren[0];
      const from = stringValue(requireClause.childForFieldName('source'));
      if (name && from) imports.set(name.text, from);
      continue;
    }
    if (source === undefined) continue;
    const clause = statement.namedChildren.find((child) => child?.type === 'import_clause');
    if (!clause) continue;
    for (const part of clause.namedChildren) {
      if (!part) continue;
      if (part.type === 'identifier') imports.set(part.text, source);
      else if (part.type === 'namespace_import') {
        const name = part.namedChildren[0];
        if (name) imports.set(name.text, source);
      } else if (part.type === 'named_imports') {
        for (const specifier of part.namedChildren) {
          if (specifier?.type !== 'import_specifier') continue;
          const name = specifier.childForFieldName('name');
          const alias = specifier.childForFieldName('alias');
          if (name) imports.set((alias ?? name).text, `${source}.${name.text}`);
        }
      }
    }
  }
  for (const declarator of descendantsOfType(root, ['variable_declarator'])) {
    const value = declarator.childForFieldName('value');
    let source = requireSource(value);
    let member: string | undefined;
    if (source === undefined && value?.type === 'member_expression') {
      source = requireSource(value.childForFieldName('object'));
      member = value.childForFieldName('property')?.text;
    }
    if (source === undefined) continue;
    const base = member ? `${source}.${member}` : source;
    const name = declarator.childForFieldName('name');
    if (!name) continue;
    if (name.type === 'identifier') imports.set(name.text, base);
    else if (name.type === 'object_pattern') {
      for (const part of name.namedChildren) {
        if (!part) continue;
        if (part.type === 'shorthand_property_identifier_pattern') imports.set(part.text, `${base}.${part.text}`);
        else if (part.type === 'pair_pattern') {
          const key = part.childForFieldName('key');
          const local = part.childForFieldName('value');
          if (key && local?.type === 'identifier') imports.set(local.text, `${base}.${key.text}`);
        }
      }
    }
  }
}

/** Resolves an expression like `a.b.c` through the imports; undefined when it is not a name chain. */
export function qualify(node: Node | null | undefined, imports: ReadonlyMap<string, string>): string | undefined {
  if (!node) return undefined;
  switch (node.type) {
    case 'identifier':
      return imports.get(node.text) ?? node.text;
    case 'attribute': {
      const object = qualify(node.childForFieldName('object'), imports);
      const attribute = node.childForFieldName('attribute')?.text;
      return object !== undefined && attribute ? `${object}.${attribute}` : undefined;
    }
    case 'member_expression': {
      const objectNode = node.childForFieldName('object');
      const required = requireSource(objectNode);
      const object = required ?? qualify(objectNode, imports);
      const property = node.childForFieldName('property')?.text;
      return object !== undefined && property ? `${object}.${property}` : undefined;
    }
    case 'this':
    case 'self':
      return node.text;
    case 'parenthesized_expression':
      return qualify(node.namedChildren[0], imports);
    default:
      return undefined;
  }
}

/** Providers of the framework plugins that recognise calls of a library family (JWT, HTTP clients …). */
export interface CallProvider<T> {
  languages: readonly SourceLanguage[];
  call(source: SourceFile, call: CallSite): T | undefined;
}

/** Each call of the file asked of the providers of its language, in order: the first answer wins. */
export function callsAnsweredBy<T>(source: SourceFile, providers: readonly CallProvider<T>[]): T[] {
  const out: T[] = [];
  const mine = providers.filter((provider) => provider.languages.includes(source.language));
  if (mine.length === 0) return out;
  for (const call of factsOf(source).calls) {
    for (const provider of mine) {
      const found = provider.call(source, call);
      if (found) {
        out.push(found);
        break;
      }
    }
  }
  return out;
}

export function factsOf(source: SourceFile): FileFacts {
  // A file over its time budget answers "nothing" so that every loop over it ends quickly.
  if (charge(source.tree)) return { imports: new Map(), calls: [], callsById: new Map() };
  const cached = factsCache.get(source);
  if (cached) return cached;
  const root = source.tree.rootNode;
  const imports = new Map<string, string>();
  const calls: CallSite[] = [];
  if (source.language === 'python') {
    pythonImports(root, imports);
    for (const call of descendantsOfType(root, ['call'])) {
      const fn = call.childForFieldName('function');
      const args: Node[] = [];
      let kwargs: Map<string, Node> | undefined;
      for (const arg of call.childForFieldName('arguments')?.namedChildren ?? []) {
        if (!arg || arg.type === 'comment') continue;
        if (arg.type === 'keyword_argument') {
          const name = arg.childForFieldName('name');
          const value = arg.childForFieldName('value');
          if (name && value) (kwargs ??= new Map()).set(name.text, value);
        } else if (arg.type !== 'dictionary_splat' && arg.type !== 'list_splat') args.push(arg);
      }
      const written = text(fn);
      calls.push({ node: call, callee: qualify(fn, imports) ?? written, written, args, kwargs: kwargs ?? NO_KWARGS, isNew: false });
    }
  } else if (isJsFamily(source.language)) {
    jsImports(root, imports);
    for (const call of descendantsOfType(root, ['call_expression', 'new_expression'])) {
      const isNew = call.type === 'new_expression';
      const fn = call.childForFieldName(isNew ? 'constructor' : 'function');
      const args = (call.childForFieldName('arguments')?.namedChildren ?? []).filter(
        (arg): arg is Node => arg !== null && arg.type !== 'comment',
      );
      const written = text(fn);
      calls.push({ node: call, callee: qualify(fn, imports) ?? written, written, args, kwargs: NO_KWARGS, isNew });
    }
  }
  const facts = { imports, calls, callsById: new Map(calls.map((call) => [call.node.id, call])) };
  factsCache.set(source, facts);
  return facts;
}

/** The call site at a call node, if the node is one. */
export function callSiteAt(source: SourceFile, node: Node | null | undefined): CallSite | undefined {
  return node ? factsOf(source).callsById.get(node.id) : undefined;
}

/** Index of the first node of a document-ordered list that starts at or after `offset`. */
function firstStartingAt(nodes: readonly Node[], offset: number): number {
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((nodes[middle]?.startIndex ?? 0) < offset) low = middle + 1;
    else high = middle;
  }
  return low;
}

/** The nodes of a document-ordered list whose span lies within `container`'s (binary search, not a scan). */
export function within<T extends Node>(nodes: readonly T[], container: Node): T[] {
  const out: T[] = [];
  const end = container.endIndex;
  for (let index = firstStartingAt(nodes, container.startIndex); index < nodes.length; index++) {
    const node = nodes[index];
    if (!node || node.startIndex > end) break;
    if (node.endIndex <= end) out.push(node);
  }
  return out;
}

/** The call sites inside `container` (itself included), in document order. */
export function callsWithin(source: SourceFile, container: Node): CallSite[] {
  const calls = factsOf(source).calls;
  const out: CallSite[] = [];
  const end = container.endIndex;
  let low = 0;
  let high = calls.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((calls[middle]?.node.startIndex ?? 0) < container.startIndex) low = middle + 1;
    else high = middle;
  }
  for (let index = low; index < calls.length; index++) {
    const call = calls[index];
    if (!call || call.node.startIndex > end) break;
    if (call.node.endIndex <= end) out.push(call);
  }
  return out;
}

/** The nodes of a document-ordered list that start on one of the 0-based rows `[from, to]`. */
export function startingOnRows<T extends Node>(nodes: readonly T[], from: number, to: number): T[] {
  let low = 0;
  let high = nodes.length;
  while (low < high) {
    const middle = (low + high) >>> 1;
    if ((nodes[middle]?.startPosition.row ?? 0) < from) low = middle + 1;
    else high = middle;
  }
  const out: T[] = [];
  for (let index = low; index < nodes.length; index++) {
    const node = nodes[index];
    if (!node || node.startPosition.row > to) break;
    out.push(node);
  }
  return out;
}

/** Calls whose qualified callee is one of `names` (exact) or matches the predicate. */
export function findCalls(source: SourceFile, names: readonly string[] | ((callee: string) => boolean)): CallSite[] {
  const match = typeof names === 'function' ? names : (callee: string): boolean => names.includes(callee);
  return factsOf(source).calls.filter((call) => match(call.callee));
}

/** An argument by Python keyword, or by position. */
export function argument(call: CallSite, position: number, keyword?: string): Node | undefined {
  return (keyword === undefined ? undefined : call.kwargs.get(keyword)) ?? call.args[position];
}

export function locationOf(source: SourceFile, node: Node): Location {
  return {
    file: source.file,
    line: node.startPosition.row + 1,
    column: node.startPosition.column + 1,
    endLine: node.endPosition.row + 1,
    endColumn: node.endPosition.column + 1,
  };
}

const linesCache = new WeakMap<SourceFile, string[]>();

/** The text of a 1-based line of a file (its lines are split once per file, not once per question). */
export function lineText(source: SourceFile, line: number): string | undefined {
  let lines = linesCache.get(source);
  if (!lines) {
    lines = source.text.split('\n');
    linesCache.set(source, lines);
  }
  return lines[line - 1];
}

/** The first line of a node's text, trimmed to a readable snippet. */
export function snippetOf(node: Node, max = 160): string {
  const first = node.text.split('\n')[0] ?? '';
  const oneLine = node.text.includes('\n') ? `${first.trimEnd()} …` : first;
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}

const FUNCTION_NODE_TYPES = ['function_definition', 'function_declaration', 'function_expression', 'function', 'arrow_function', 'method_definition', 'generator_function_declaration'];

/** The innermost function (def, arrow, method, function expression) around a node. */
export function enclosingFunction(node: Node): Node | undefined {
  return innermostOfType(node, FUNCTION_NODE_TYPES);
}

const environmentVerdicts = new WeakMap<readonly SourceFile[], Map<string, boolean>>();

/**
 * Whether the JavaScript schema bound to `name` validates `process.env` (`envSchema.validate(process.env)`,
 * `Joi.attempt(process.env, envSchema)`, `envSchema.parse(process.env)`): configuration, not request input.
 */
export function validatesEnvironment(sources: readonly SourceFile[], name: string): boolean {
  let verdicts = environmentVerdicts.get(sources);
  if (!verdicts) {
    verdicts = new Map();
    environmentVerdicts.set(sources, verdicts);
  }
  let verdict = verdicts.get(name);
  if (verdict === undefined) {
    verdict = environmentValidatedBy(sources, name);
    verdicts.set(name, verdict);
  }
  return verdict;
}

function environmentValidatedBy(sources: readonly SourceFile[], name: string): boolean {
  if (!/^[A-Za-z_$][\w$]*$/.test(name)) return false;
  const escaped = name.replace(/\$/g, '\\$');
  const pattern = new RegExp(
    `\\b${escaped}\\b[^;]{0,120}?\\.(?:validate|validateAsync|parse|safeParse|parseAsync)\\(\\s*process\\.env\\b|\\b(?:attempt|assert)\\(\\s*process\\.env\\s*,\\s*${escaped}\\b`,
  );
  return sources.some((source) => isJsFamily(source.language) && source.text.includes('process.env') && pattern.test(source.text));
}

/**
 * Whether the declared range of a dependency only admits versions from `major` on (`^9.0.2`,
 * `>=9`, `~9.1`, `9.x`, `==2.10.1`): true, false (it admits older ones), or undefined when the
 * manifest does not say.
 */
export function declaredMajorAtLeast(project: ProjectInfo, key: string, major: number): boolean | undefined {
  const range = project.versions?.[key];
  if (range === undefined) return undefined;
  const match = /^(?:\^|~|>=|==|===|~=|=)?\s*v?(\d+)/.exec(range.trim());
  if (!match?.[1]) return undefined;
  return Number(match[1]) >= major;
}
