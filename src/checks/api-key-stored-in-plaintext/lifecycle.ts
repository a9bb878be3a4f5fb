import type { Node } from 'web-tree-sitter';
import { isJs, isPython } from '../../analysis/code-auth.js';
import { modelDefinitions } from '../../analysis/code-authz.js';
import { factsOf, locationOf, snippetOf, stringValue } from '../../analysis/code.js';
import { isTestFile } from '../../analysis/code-transport.js';
import type { CheckContext, SourceFile } from '../../engine/context.js';
import type { Location } from '../../model/types.js';
import { credentialLookups, normalise, type CredentialLookup } from './lookups.js';

/**
 * How the code issues and stores API keys (seed 003: prefixes, hashing, scoping, per-environment keys):
 * the models that hold keys (Django, SQLAlchemy, SQLModel, Mongoose, Sequelize, TypeORM, Prisma) with the
 * columns they have, the lookups of presented keys, and the prefixes keys are generated with.
 */

/** Models that hold API keys or personal access tokens (not one-time tokens: verification, reset, invitation, sessions). */
const KEY_MODEL = /^(\w*api_?key|\w*apikey|\w*api_?token|\w*access_?token|personal_?token|\w*access_?key|service_?(account_?)?token|infra_?token|long_?live_?token|user_?token|project_?token|integration_?token|deploy_?token|client_?credential)s?$/i;
const NOT_KEY_MODEL = /verif|reset|invit|confirm|magic|email|otp|csrf|session|refresh|oauth|social|provider|blocklist|blacklist|denylist|revoked|outstanding|schema|serializer|form|request|response|payload|create|update|read|public|dto|input|output|filter|table|view|admin|factory|test/i;
/** Columns that hold the key itself. */
const KEY_COLUMN = /^(key|token|secret|value|api_?key|access_?token|api_?token|plaintext|plain_?key|raw_?key)$/;
/** Columns that hold a digest of the key. */
const DIGEST_COLUMN = /^(hashed_?\w+|\w+_(hash|digest|sha256|hmac)|(key|token|secret)(hash|digest)|digest|hash)$/;
/** Scope columns, and the binding of a key to one object (`object_id`: a key that opens one dashboard). */
const SCOPE_COLUMN = /^(object_?id|resource_?id|target_?id|scopes?|permissions?|perms|roles?|access_?level|read_?only|readonly|is_?read_?only|write_?enabled|can_?write|allowed_?(ips|origins|hosts|methods|endpoints|actions|resources|networks|scopes)|capabilit(y|ies)|grants?|privileges?|access|rights)$/;
const ENVIRONMENT_COLUMN = /^(env|environment|mode|livemode|live_?mode|is_?live|is_?test|test_?mode|sandbox|is_?sandbox|stage)$/;
const PREFIX_COLUMN = /^((key|token|api_?key)_?)?prefix$|^(key|token)_?(start|hint|id|lookup)$|^(first|last)_?(four|4|chars|characters)$|^last_?4$|^lookup_?id$/;
/** A random value generated for the key (column defaults, issuance code). */
const RANDOM = /\b(token_urlsafe|token_hex|token_bytes|get_random_string|generate_key|generate_token|generate_api_key|gen_api_key|uuid4|uuid\.v4|randomBytes|randomUUID|nanoid|customAlphabet|getRandomValues|SystemRandom)\b|\b(uuid|cuid|cuid2|nanoid|ulid)\(\)|\brandom\.choices?\b/;
/** A string that opens a key: `sk_live_`, `pat_`, `hc_`, `lw-` (letters, then `_` or `-`). */
const PREFIX_LITERAL = /^[A-Za-z][A-Za-z0-9]{1,11}([_-][A-Za-z0-9]{2,8})?[_-]$/;
const ENVIRONMENT_WORD = /(^|[_-])(live|test|prod|production|sandbox|dev|staging)([_-]|$)/i;

export interface KeyProof {
  location: Location;
  snippet: string;
  detail: string;
}

export interface ApiKeyStore {
  model: string;
  location: Location;
  /** Every column of the model, as written. */
  fields: string[];
  /** The column holding the key, or its digest. */
  keyColumn?: string;
  digestColumn?: string;
  scopeColumn?: string;
  environmentColumn?: string;
  prefixColumn?: string;
  /** The key column is filled with a random value by its default (`default=generate_key`, `@default(uuid())`). */
  generatedPlaintext?: { location: Location; snippet: string; source?: SourceFile; node?: Node };
  /** Lookups of presented keys against this model. */
  lookups: CredentialLookup[];
}

export interface ApiKeyLifecycle {
  stores: ApiKeyStore[];
  /** Keys generated with a recognisable prefix (`'sk_live_' + token`). */
  prefixes: KeyProof[];
}

function isOrmClass(node: Node): boolean {
  const bases = node.childForFieldName('superclasses')?.text ?? '';
  if (/BaseModel|Schema|Serializer|Form\b|Enum|TypedDict|Exception|Error|Protocol|NamedTuple|ABC\b|Settings/.test(bases)) return false;
  if (/SQLModel/.test(bases)) return /table\s*=\s*True/.test(bases);
  return /models\.Model|\bModel\b|Base\b|db\.Model|Document|AbstractAPIKey|Mixin|TimestampMixin|SqlAlchemyBase|DeclarativeBase/.test(bases);
}

/** The line of a model's source that declares a field, for the column's default. */
function fieldLine(text: string, field: string): string | undefined {
  const pattern = new RegExp(`^\\s*(@\\w+\\([^)]*\\)\\s*)*(public |private |readonly )*${field.replace(/[$]/g, '\\$')}\\s*[?!]?\\s*[:=(]`, 'm');
  const match = pattern.exec(text);
  if (!match) return undefined;
  const start = match.index;
  const end = text.indexOf('\n', start + match[0].length);
  return text.slice(start, end < 0 ? undefined : end);
}

interface RawModel {
  name: string;
  fields: string[];
  location: Location;
  /** Each field's declaration, as written. */
  declarations: Map<string, { text: string; line: number }>;
  source?: SourceFile;
  node?: Node;
}

/** A model whose name says it holds API keys (a model called just `Token` unless it pairs them with refresh tokens: a session store). */
function namesKeyModel(name: string, fields: readonly string[]): boolean {
  const plainToken = /^(user_?)?tokens?$/i.test(name) && !fields.some((field) => /refresh/i.test(field));
  return (KEY_MODEL.test(name) || plainToken) && !NOT_KEY_MODEL.test(name);
}

function codeModels(ctx: CheckContext): RawModel[] {
  const out: RawModel[] = [];
  const sourceOf = new Map<string, SourceFile>();
  for (const source of ctx.sources) if (!sourceOf.has(source.file)) sourceOf.set(source.file, source);
  for (const model of modelDefinitions(ctx).values()) {
    if (isTestFile(model.file)) continue;
    const source = sourceOf.get(model.file);
    if (!source || !(isPython(source) || isJs(source))) continue;
    if (isPython(source) && (model.node.type !== 'class_definition' || !isOrmClass(model.node))) continue;
    const declarations = new Map<string, { text: string; line: number }>();
    // Declarations are read for the key column of key models only: other models are kept for their names.
    const text = namesKeyModel(model.name, model.fields) ? model.node.text : '';
    for (const field of text === '' ? [] : model.fields) {
      const line = fieldLine(text, field);
      if (line === undefined) continue;
      const offset = text.indexOf(line);
      const row = model.node.startPosition.row + text.slice(0, offset).split('\n').length;
      declarations.set(field, { text: line.trim(), line: row });
    }
    out.push({ name: model.name, fields: model.fields, location: locationOf(source, model.node), declarations, source, node: model.node });
  }
  return out;
}

/** `model ApiKey { … }` blocks of Prisma schemas. */
function prismaModels(ctx: CheckContext): RawModel[] {
  const out: RawModel[] = [];
  for (const file of ctx.infra) {
    if (file.kind !== 'prisma') continue;
    const lines = file.text.split(/\r?\n/);
    let current: RawModel | undefined;
    lines.forEach((raw, index) => {
      const line = raw.replace(/\/\/.*$/, '').trim();
      const open = /^model\s+(\w+)\s*\{/.exec(line);
      if (open) {
        current = { name: open[1] ?? '', fields: [], location: { file: file.file, line: index + 1 }, declarations: new Map() };
        out.push(current);
        return;
      }
      if (!current) return;
      if (line.startsWith('}')) {
        current = undefined;
        return;
      }
      const field = /^(\w+)\s+\w+/.exec(line);
      if (field?.[1]) {
        current.fields.push(field[1]);
        current.declarations.set(field[1], { text: line, line: index + 1 });
      }
    });
  }
  return out;
}

/**
 * Tables created by JS migrations, for projects that query the database without an ORM: knex
 * `knex.schema.createTable('api_keys', (table) => { table.string('key_hash') })` and node-pg-migrate
 * `pgm.createTable('api_keys', { key_hash: { type: 'text' } })`.
 */
function migrationTables(ctx: CheckContext, models: readonly RawModel[]): RawModel[] {
  // One table, one store: the same table created for several databases (a SQLite and a Postgres
  // migration folder) or widened by later migrations (`alterTable`, `pgm.addColumns`) is merged.
  const tables = new Map<string, RawModel>();
  const squashed = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]/g, '').replace(/s$/, '');
  const modelled = new Set(models.map((model) => squashed(model.name)));
  for (const source of ctx.sources) {
    if (isTestFile(source.file) || !isJs(source)) continue;
    for (const call of factsOf(source).calls) {
      const creates = /(^|\.)createTable$/.test(call.written);
      if (!creates && !/(^|\.)(alterTable|table|addColumns?)$/.test(call.written)) continue;
      const name = stringValue(call.args[0]);
      const shape = call.args[1];
      if (name === undefined || !shape) continue;
      // A table an ORM model already describes is that model's store.
      if (modelled.has(squashed(name))) continue;
      let table = tables.get(name);
      const found: { field: string; node: Node }[] = [];
      if (shape.type === 'object') {
        for (const pair of shape.namedChildren) {
          if (pair?.type !== 'pair') continue;
          const key = pair.childForFieldName('key');
          const field = stringValue(key) ?? key?.text;
          if (field) found.push({ field, node: pair });
        }
      } else if (shape.type === 'arrow_function' || shape.type === 'function_expression' || shape.type === 'function') {
        // The builder is the callback's first parameter: `table.text('key_hash')`, `t.specificType('scopes', 'text[]')`.
        const builder = (shape.childForFieldName('parameter') ?? shape.childForFieldName('parameters')?.namedChildren[0])?.text;
        if (builder === undefined) continue;
        for (const inner of factsOf(source).calls) {
          if (inner.node.startIndex < shape.startIndex || inner.node.endIndex > shape.endIndex || !inner.written.startsWith(`${builder}.`)) continue;
          const field = stringValue(inner.args[0]);
          if (field) found.push({ field, node: inner.node });
        }
      }
      if (found.length === 0) continue;
      if (!table) {
        if (!creates) continue;
        table = { name, fields: [], location: locationOf(source, call.node), declarations: new Map(), source, node: call.node };
        tables.set(name, table);
      }
      for (const { field, node } of found) {
        if (table.declarations.has(field)) continue;
        table.fields.push(field);
        table.declarations.set(field, { text: snippetOf(node, 100), line: node.startPosition.row + 1 });
      }
    }
  }
  return [...tables.values()];
}

function column(fields: readonly string[], pattern: RegExp): string | undefined {
  return fields.find((field) => pattern.test(normalise(field)));
}

/** Keys generated with a literal prefix: `'sk_live_' + randomBytes(24)`, `` `pat_${nanoid()}` ``, `f"hc_{secrets.token_urlsafe()}"`. */
function generatedPrefixes(ctx: CheckContext): KeyProof[] {
  const out: KeyProof[] = [];
  const seen = new Set<number>();
  for (const source of ctx.sources) {
    if (isTestFile(source.file) || !(isPython(source) || isJs(source))) continue;
    for (const call of factsOf(source).calls) {
      if (!RANDOM.test(call.written) && !RANDOM.test(call.callee)) continue;
      // The expression the random value is part of: a concatenation, a template or an f-string.
      let holder: Node | null = call.node.parent;
      while (holder && /^(member_expression|call_expression|call|attribute|argument_list|arguments|parenthesized_expression|interpolation|template_substitution)$/.test(holder.type)) holder = holder.parent;
      if (!holder) continue;
      let prefix: string | undefined;
      let opening: Node | null = null;
      if (holder.type === 'binary_expression' || holder.type === 'binary_operator') opening = holder.childForFieldName('left');
      else if (holder.type === 'template_string' || holder.type === 'string') opening = holder;
      if (opening && /string/.test(opening.type)) {
        const head = opening.text.replace(/^[fbru]*['"`]+/i, '').split(/\$\{|\{|['"`]/)[0] ?? '';
        if (PREFIX_LITERAL.test(head) || /^[A-Za-z][A-Za-z0-9]{1,11}[_-]$/.test(head)) prefix = head;
      }
      if (prefix === undefined || seen.has(holder.id)) continue;
      seen.add(holder.id);
      const environment = ENVIRONMENT_WORD.test(prefix) || /\$\{\s*\w*(env|mode)\w*\s*\}|\{\s*\w*(env|mode)\w*\s*\}/i.test(holder.text);
      out.push({ location: locationOf(source, holder), snippet: snippetOf(holder, 100), detail: environment ? `keys open with \`${prefix}\` and name their environment` : `keys open with \`${prefix}\`` });
    }
  }
  return out;
}

const cache = new WeakMap<CheckContext, ApiKeyLifecycle>();

export function apiKeyLifecycle(ctx: CheckContext): ApiKeyLifecycle {
  const cached = cache.get(ctx);
  if (cached) return cached;
  const lookups = credentialLookups(ctx);
  const stores: ApiKeyStore[] = [];
  const models = [...codeModels(ctx), ...prismaModels(ctx)];
  for (const model of [...models, ...migrationTables(ctx, models)]) {
    if (!namesKeyModel(model.name, model.fields)) continue;
    const keyColumn = column(model.fields, KEY_COLUMN);
    const digestColumn = column(model.fields, DIGEST_COLUMN);
    if (!keyColumn && !digestColumn) continue;
    const store: ApiKeyStore = {
      model: model.name,
      location: model.location,
      fields: model.fields.filter((field) => !field.startsWith('__')),
      lookups: lookups.filter((lookup) => lookup.modelName !== undefined && lookup.modelName.toLowerCase().replace(/s$/, '') === model.name.toLowerCase().replace(/s$/, '')),
    };
    if (keyColumn) store.keyColumn = keyColumn;
    if (digestColumn) store.digestColumn = digestColumn;
    const scope = column(model.fields, SCOPE_COLUMN);
    if (scope) store.scopeColumn = scope;
    const environment = column(model.fields, ENVIRONMENT_COLUMN);
    if (environment) store.environmentColumn = environment;
    const prefix = column(model.fields, PREFIX_COLUMN);
    if (prefix) store.prefixColumn = prefix;
    const declaration = keyColumn ? model.declarations.get(keyColumn) : undefined;
    if (declaration && !digestColumn && /default|@default/.test(declaration.text) && RANDOM.test(declaration.text)) {
      store.generatedPlaintext = { location: { file: model.location.file, line: declaration.line }, snippet: declaration.text.replace(/\s+/g, ' ').slice(0, 120) };
    }
    stores.push(store);
  }
  const result = { stores, prefixes: generatedPrefixes(ctx) };
  cache.set(ctx, result);
  return result;
}
