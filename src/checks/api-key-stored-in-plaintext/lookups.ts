import type { Node } from 'web-tree-sitter';
import { bindingsFor, isPython } from '../../analysis/code-auth.js';
import { findModel } from '../../analysis/code-authz.js';
import { enclosingFunction, factsOf, propertyOf, stringValue, type CallSite } from '../../analysis/code.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import { dataAccessProviders, requestSourceProviders } from '../../collectors/code/plugins.js';
import type { Family } from '../../analysis/transport/model.js';

// Columns that can only hold a credential, and generic ones that do on a credential model.
const STRONG_COLUMN = /^(x_)?(api_?key|apikey|access_?token|auth_?token|api_?token|bearer_?token|client_?secret|secret_?key|personal_?access_?token|access_?key)$/;
const WEAK_COLUMN = /^(key|token|secret)$/;
/** Columns that hold a digest of a key: looked up by the hash of the presented value. */
const DIGEST_COLUMN = /^(hashed_?(api_?)?(key|token|secret)|(api_?)?(key|token|secret)_?(hash|digest|sha256)|digest)$/;
const CREDENTIAL_MODEL = /api_?key|apikey|token|credential|access_?key|secret|service_?account/i;
const CREDENTIAL_HEADER = /x-api-key|api[-_]?key|authorization|bearer|HTTP_X_API_KEY|HTTP_AUTHORIZATION|APIKey(Header|Query|Cookie)/i;
const PRESENTED_NAME = /^(raw|presented|provided|supplied|incoming|candidate|plain(text)?)(_(api_)?(key|token|secret))?$|^(x_)?api_?key$|^bearer(_token)?$/;
// A hash of the presented value is looked up: the database holds digests, not keys.
const HASHED = /hash|sha1|sha224|sha256|sha384|sha512|sha3|blake2|digest|hmac|bcrypt|argon|scrypt|pbkdf|make_password|encrypt/i;
const PY_EXPR_LOOKUPS = new Set(['filter', 'where', 'get', 'get_or_none', 'first']);
const DOC_LOOKUPS = new Set(['find_one', 'find', 'find_one_and_update', 'count_documents']);

interface Catalogue {
  /** Code that reads what the client sends: the generic request shapes and the frameworks' (their `request` sections). */
  request: RegExp;
  /** Methods that look records up by the columns their filter names, by language family (the data libraries' `dataAccess` sections beside the generic ones). */
  lookups: Record<Family, Set<string>>;
  /** Python functions that take the model first (`get_object_or_404(ApiKey, key=…)`). */
  shortcuts: string[];
  /** Receivers of a Python keyword lookup that query stored records. */
  receivers: RegExp;
}

let catalogue: Catalogue | undefined;

function known(): Catalogue {
  if (catalogue) return catalogue;
  const requests = requestSourceProviders();
  const attributes = ['headers', 'header', 'query', 'cookies', 'body', 'get', 'request', ...requests.flatMap((provider) => provider.presented?.attributes ?? [])];
  const code = [String.raw`\bheaders\.get\(`, String.raw`\bgetHeader\(`, ...requests.flatMap((provider) => provider.presented?.code ?? [])];
  const data = dataAccessProviders();
  const lookups = (family: Family, generic: string[]): Set<string> => new Set([...generic, ...data.flatMap((provider) => provider.filterLookups?.[family] ?? [])]);
  catalogue = {
    request: new RegExp([String.raw`\b(request|req|ctx)\.(${attributes.join('|')})\b`, ...code].join('|')),
    lookups: { python: lookups('python', ['get', 'filter', 'get_or_none']), js: lookups('js', ['findOne', 'find', 'where']) },
    shortcuts: data.flatMap((provider) => provider.modelLoaders ?? []),
    receivers: new RegExp([...data.flatMap((provider) => provider.lookupReceivers ?? []), String.raw`^[A-Z]\w*$`].join('|')),
  };
  return catalogue;
}

export function normalise(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/[-\s]/g, '_').toLowerCase().replace(/__i?exact$/, '');
}

export interface Lookup {
  call: CallSite;
  column: string;
  value: Node;
  /** The model, table or repository the lookup reads, as written. */
  model: string;
}

function method(call: CallSite): string {
  return call.callee.slice(call.callee.lastIndexOf('.') + 1);
}

/** The receiver a call is made on, as written: `ApiKey.objects`, `session.query(ApiKey)`, `prisma.apiKey`. */
function receiver(call: CallSite): Node | undefined {
  const fn = call.node.childForFieldName('function');
  return fn?.childForFieldName('object') ?? undefined;
}

function pythonLookups(call: CallSite): Lookup[] {
  const name = method(call);
  const out: Lookup[] = [];
  // Most calls are no lookup: the receiver is read for the lookup methods alone.
  const kwargLookup = known().lookups.python.has(name) && call.kwargs.size > 0;
  if (!kwargLookup && !PY_EXPR_LOOKUPS.has(name) && !DOC_LOOKUPS.has(name)) return out;
  const object = receiver(call);
  if (kwargLookup) {
    const shortcut = known().shortcuts.some((suffix) => name.endsWith(suffix));
    const model = shortcut ? (call.args[0]?.text ?? '') : (object?.text ?? '');
    // `cache.get(key=…)` and friends: only ORM receivers (managers, queries, model classes).
    if (shortcut || known().receivers.test(model)) {
      for (const [column, value] of call.kwargs) out.push({ call, column, value, model });
    }
  }
  if (PY_EXPR_LOOKUPS.has(name)) {
    for (const arg of call.args) {
      if (arg.type !== 'comparison_operator' || !arg.children.some((child) => child?.text === '==')) continue;
      const [left, right] = arg.namedChildren;
      for (const [side, value] of [[left, right], [right, left]] as const) {
        if (side?.type !== 'attribute' || !value) continue;
        const owner = side.childForFieldName('object')?.text ?? '';
        if (!/^[A-Z]\w*$/.test(owner)) continue;
        out.push({ call, column: side.childForFieldName('attribute')?.text ?? '', value, model: owner });
      }
    }
  }
  if (DOC_LOOKUPS.has(name) && call.args[0]?.type === 'dictionary') {
    for (const pair of call.args[0].namedChildren) {
      const key = pair?.type === 'pair' ? stringValue(pair.childForFieldName('key')) : undefined;
      const value = pair?.childForFieldName('value');
      if (key && value) out.push({ call, column: key, value, model: object?.text ?? '' });
    }
  }
  return out;
}

function objectPairs(object: Node): [string, Node][] {
  const out: [string, Node][] = [];
  for (const child of object.namedChildren) {
    if (child?.type === 'pair') {
      const key = child.childForFieldName('key');
      const value = child.childForFieldName('value');
      if (key && value) out.push([stringValue(key) ?? key.text, value]);
    } else if (child?.type === 'shorthand_property_identifier') out.push([child.text, child]);
  }
  return out;
}

function jsLookups(call: CallSite): Lookup[] {
  if (call.isNew || !known().lookups.js.has(method(call))) return [];
  const model = receiver(call)?.text ?? '';
  const [first, second, third] = call.args;
  // Knex: `.where('key', raw)` / `.where('key', '=', raw)`.
  const column = stringValue(first);
  if (column !== undefined) {
    const value = third ? (stringValue(second) === '=' ? third : undefined) : second;
    return value ? [{ call, column, value, model }] : [];
  }
  if (first?.type !== 'object') return [];
  const where = propertyOf(first, 'where');
  const filter = where?.type === 'object' ? where : first;
  return objectPairs(filter).map(([key, value]) => ({ call, column: key, value, model }));
}

/** The texts a value is built from: itself, what its names are bound to, and the parameters they come in as. */
function originsOf(source: SourceFile, node: Node, depth = 0, seen = new Set<number>()): string[] {
  const texts = [node.text];
  if (depth >= 3 || seen.has(node.id)) return texts;
  seen.add(node.id);
  const names = node.type === 'identifier' || node.type === 'shorthand_property_identifier' ? [node] : node.descendantsOfType('identifier').filter((id): id is Node => id !== null).slice(0, 8);
  for (const name of names) {
    const before = bindingsFor(source, name).filter((binding) => binding.statement.endIndex <= name.startIndex);
    const binding = before.at(-1);
    if (binding) {
      texts.push(...originsOf(source, binding.value, depth + 1, seen));
      continue;
    }
    const fn = enclosingFunction(name);
    if (!fn) continue;
    // Destructured from the request (`const { authorization } = req.headers`) or a parameter (`x_api_key: str = Header()`).
    for (const declarator of fn.descendantsOfType('variable_declarator')) {
      const pattern = declarator?.childForFieldName('name');
      if (pattern?.type === 'object_pattern' && pattern.text.includes(name.text) && declarator && declarator.endIndex <= name.startIndex) {
        texts.push(declarator.text);
      }
    }
    for (const parameter of fn.childForFieldName('parameters')?.namedChildren ?? []) {
      if (parameter && new RegExp(`^\\W*${name.text.replace(/\$/g, '\\$')}\\b`).test(parameter.text)) texts.push(parameter.text);
    }
  }
  return texts;
}

function identifierName(node: Node): string {
  return node.type === 'identifier' || node.type === 'shorthand_property_identifier' ? normalise(node.text) : '';
}

export interface CredentialLookup {
  source: SourceFile;
  call: CallSite;
  lookup: Lookup;
  /** The column, normalised (`keyHash` → `key_hash`). */
  column: string;
  /** The presented value is hashed before the lookup: the database holds digests. */
  hashed: boolean;
  /** The model, as written where it is looked up (`ApiKey`). */
  modelName: string | undefined;
  /** The model's definition has that column. */
  stored: boolean;
}

/** Lookups of a credential a client presents (a header, a request field) by a credential column. */
const lookupCache = new WeakMap<CheckContext, CredentialLookup[]>();

export function credentialLookups(ctx: CheckContext): CredentialLookup[] {
  const cached = lookupCache.get(ctx);
  if (cached) return cached;
  const out: CredentialLookup[] = [];
  lookupCache.set(ctx, out);
  for (const source of ctx.sources) {
    const python = isPython(source);
    for (const call of factsOf(source).calls) {
      for (const lookup of python ? pythonLookups(call) : jsLookups(call)) {
        const column = normalise(lookup.column);
        const strong = STRONG_COLUMN.test(column);
        const digestColumn = DIGEST_COLUMN.test(column);
        if (!strong && !WEAK_COLUMN.test(column) && !digestColumn) continue;
        const origins = originsOf(source, lookup.value);
        const hashed = origins.some((text) => HASHED.test(text));
        if (digestColumn && !hashed) continue;
        const fromRequest = origins.some((text) => known().request.test(text));
        if (!fromRequest && !PRESENTED_NAME.test(identifierName(lookup.value))) continue;
        // `token` / `key` on any model only counts when the value is a presented credential header.
        if (!strong && !digestColumn && !CREDENTIAL_MODEL.test(lookup.model) && !origins.some((text) => CREDENTIAL_HEADER.test(text))) continue;
        if (digestColumn && !CREDENTIAL_MODEL.test(lookup.model) && !origins.some((text) => CREDENTIAL_HEADER.test(text))) continue;
        const modelName = /\(\s*([A-Z]\w*)/.exec(lookup.model)?.[1] ?? /^([A-Z]\w*)/.exec(lookup.model)?.[1] ?? lookup.model.split('.').at(-1);
        const stored = findModel(ctx, modelName)?.fields.some((field) => normalise(field) === column) ?? false;
        out.push({ source, call, lookup, column, hashed, modelName, stored });
      }
    }
  }
  return out;
}

