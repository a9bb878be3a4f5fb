import type { Node } from 'web-tree-sitter';
import type { CheckContext, InfraFile, SourceFile } from '../../engine/context.js';
import { isJsFamily } from '../../parsing/languages.js';
import { resolveValue } from '../code-auth.js';
import { elementsOf, literalValue, stringValue } from '../code.js';

/**
 * What apisec knows about an application's transport, whatever the framework: the apps the workspace
 * creates (`AppEntry`), the CORS policies it declares (`CorsPolicy`) and the security headers seed 003
 * asks for. Framework plugins' transport providers (src/collectors/code/plugin.ts) produce these;
 * src/analysis/code-transport.ts drives them and the checks read the result.
 */

/** The language families whose transport configuration is read. */
export type Family = 'python' | 'js';

export function familyOf(source: SourceFile): Family | undefined {
  if (source.language === 'python') return 'python';
  return isJsFamily(source.language) ? 'js' : undefined;
}

const TEST_FILE = /(^|\/)(tests?|__tests__|spec|e2e)\/|\.(test|spec)\.[cm]?[jt]sx?$|(^|\/)(test_[^/]*|[^/]*_tests?|conftest)\.py$/;

export function isTestFile(file: string): boolean {
  return TEST_FILE.test(file);
}

const familySources = new WeakMap<readonly SourceFile[], Map<Family, readonly SourceFile[]>>();

/** Sources of one language family, test files left out: listed once per source list, not once per question. */
export function sourcesOf(ctx: CheckContext, family: Family): readonly SourceFile[] {
  let byFamily = familySources.get(ctx.sources);
  if (!byFamily) familySources.set(ctx.sources, (byFamily = new Map<Family, readonly SourceFile[]>()));
  let list = byFamily.get(family);
  if (!list) byFamily.set(family, (list = ctx.sources.filter((source) => familyOf(source) === family && !isTestFile(source.file))));
  return list;
}

/** A framework plugin's id (`express`, `fastapi`, `django` …). */
export type AppFramework = string;

export interface AppEntry {
  source: SourceFile;
  /** The call that creates the app (or Django's `MIDDLEWARE` setting). */
  node: Node;
  framework: AppFramework;
  family: Family;
  /** How the app is created, for messages: `express()`, `FastAPI()`, `settings.py`. */
  label: string;
}

export const SECURITY_HEADERS = [
  'X-Content-Type-Options',
  'X-Frame-Options',
  'Strict-Transport-Security',
  'Content-Security-Policy',
  'Referrer-Policy',
  'Permissions-Policy',
] as const;
export type SecurityHeader = (typeof SECURITY_HEADERS)[number];

// ─── CORS ───────────────────────────────────────────────────────────────────

export type RegexSemantics = 'search' | 'match' | 'fullmatch';

export interface OriginEntry {
  node: Node;
  /** An exact origin, or a regular expression. */
  value: string;
  regex?: { flags: string; semantics: RegexSemantics };
}

export type OriginPolicy =
  | { kind: 'wildcard' }
  | { kind: 'reflect'; how: string }
  | { kind: 'list'; entries: OriginEntry[] }
  | { kind: 'unknown' };

export interface CorsPolicy {
  source: SourceFile | InfraFile;
  /** Where the policy is written (a node in code; a line in config files). */
  node?: Node;
  line: number;
  /** How it is written, for messages. */
  label: string;
  origins: OriginPolicy;
  credentials: boolean;
  /** App-wide (middleware, settings) rather than one route or response. */
  global: boolean;
}

/** A response header the code writes by hand. */
export interface HeaderWrite {
  /** The call or assignment that writes it (a pair of an object of headers). */
  node: Node;
  name: string;
  value: Node;
}

/** The value resolves to the literal `true` / `True`. */
export function isTrue(source: SourceFile, node: Node | undefined): boolean {
  return literalValue(resolveValue(source, node)) === true;
}

/** A JS string's value with its escapes applied (`'\\.'` is `\.`), where `stringValue` keeps only the fragments. */
export function jsStringValue(node: Node): string | undefined {
  if (node.type !== 'string') return undefined;
  return node.text.slice(1, -1).replace(/\\(.)/g, (_, char: string) => ({ n: '\n', t: '\t', r: '\r' })[char] ?? char);
}

/**
 * The origins a list (or a single value) allows: exact strings, JS regex literals and `new RegExp`,
 * Python `re.compile`. `stringsAreRegex` says how the framework matches plain strings
 * (`regex-characters`: a string with regex characters is a case-insensitive regex, as flask-cors
 * reads them). Undefined when an entry cannot be read.
 */
export function listEntries(source: SourceFile, node: Node | undefined, stringsAreRegex: RegexSemantics | 'regex-characters' | undefined): OriginEntry[] | undefined {
  const resolved = resolveValue(source, node);
  if (!resolved) return undefined;
  const items = ['list', 'array', 'tuple', 'set'].includes(resolved.type) ? elementsOf(resolved) : [resolved];
  const out: OriginEntry[] = [];
  for (const item of items) {
    const value = resolveValue(source, item) ?? item;
    const text = familyOf(source) === 'js' ? (jsStringValue(value) ?? stringValue(value)) : stringValue(value);
    if (text !== undefined) {
      const semantics = stringsAreRegex === 'regex-characters' ? (/[*\\\]?$^[()]/.test(text) ? 'match' : undefined) : stringsAreRegex;
      out.push({ node: item, value: text, ...(semantics ? { regex: { flags: stringsAreRegex === 'regex-characters' ? 'i' : '', semantics } } : {}) });
    } else if (value.type === 'regex') {
      out.push({ node: item, value: value.childForFieldName('pattern')?.text ?? '', regex: { flags: value.childForFieldName('flags')?.text ?? '', semantics: 'search' } });
    } else if (value.type === 'new_expression' && value.childForFieldName('constructor')?.text === 'RegExp') {
      const args = value.childForFieldName('arguments')?.namedChildren ?? [];
      const pattern = args[0] ? (jsStringValue(args[0]) ?? stringValue(args[0])) : undefined;
      if (pattern === undefined) return undefined;
      out.push({ node: item, value: pattern, regex: { flags: stringValue(args[1]) ?? '', semantics: 'search' } });
    } else if (value.type === 'call' && /(^|\.)compile$/.test(value.childForFieldName('function')?.text ?? '')) {
      const pattern = stringValue(value.childForFieldName('arguments')?.namedChildren[0]);
      if (pattern === undefined) return undefined;
      out.push({ node: item, value: pattern, regex: { flags: /IGNORECASE|\bI\b/.test(value.text) ? 'i' : '', semantics: 'match' } });
    } else {
      return undefined;
    }
  }
  return out;
}
