/**
 * MongoDB queries built from request data in Kotlin (Spring and Ktor):
 * - a query document parsed from request text: `Document.parse(json)`, `BasicDBObject.parse(json)`,
 *   `BsonDocument.parse(json)`, and the frameworks' query builders (the plugins' `mongoQueries`): Spring Data
 *   `BasicQuery(json)` / `BasicUpdate(json)`, `mongoTemplate.executeCommand(json)`;
 * - a KMongo filter written as a JSON string with request data in it (`users.findOne("{ email: '$email' }")`):
 *   KMongo parses the string, so the caller writes the operators (`$ne`, `$where`);
 * - a field name or a regular expression taken from the request: `Criteria.where(field)`,
 *   `Criteria.where("title").regex(q)` (also through `Pattern.compile(q)`, `Regex(q)`, `q.toRegex()`);
 *   `Pattern.quote(q)` / `Regex.escape(q)` match literally and are safe.
 * Typed filters (`User::email eq email`, `Filters.eq("email", email)`, `Document("email", email)`,
 * `Criteria.where("email").is(email)`) bind values and are not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants } from '../../collectors/code/jvm/ast.js';
import { asCall, type JvmCall } from '../../collectors/code/jvm/calls.js';
import { kotlinBare, kotlinFunctions, kotlinTaint } from '../../collectors/code/jvm/kotlin.js';
import { sharedAnalysis } from '../../collectors/code/jvm/taint.js';
import { mongoQueryProviders } from '../../collectors/code/plugins.js';
import type { MongoQueryProvider } from '../../collectors/code/plugin.js';

export interface KotlinNoSqlHit {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
  kind: 'document' | 'field' | 'regex';
}

const CALLS: ReadonlySet<string> = new Set(['call_expression']);
const PARSERS = /^(Document|BasicDBObject|BsonDocument)$/;
const KMONGO_FILTERS = /^(find|findOne|findOneAndUpdate|findOneAndDelete|findOneAndReplace|deleteOne|deleteMany|updateOne|updateMany|countDocuments|replaceOne|aggregate|distinct)$/;
/** The driver's and KMongo's names that make a source worth reading; the frameworks' are the plugins' `mongoQueries.mentions`. */
const DRIVER_MENTIONS = ['Document\\.parse', 'BasicDBObject\\.parse', 'BsonDocument\\.parse', 'org\\.litote\\.kmongo'];

interface Builders {
  documentTypes: ReadonlySet<string>;
  /** Command methods, read on any receiver (Kotlin rarely types one). */
  commands: ReadonlySet<string>;
  criteria: MongoQueryProvider['criteria'];
  fileHint: RegExp;
}

let builderTable: Builders | undefined;

function builders(): Builders {
  if (builderTable) return builderTable;
  const providers = mongoQueryProviders();
  const mentions = [...new Set([...DRIVER_MENTIONS, ...providers.flatMap((provider) => provider.mentions)])];
  builderTable = {
    documentTypes: new Set(providers.flatMap((provider) => provider.documentTypes)),
    commands: new Set(providers.flatMap((provider) => Object.keys(provider.commands))),
    criteria: providers.flatMap((provider) => provider.criteria),
    fileHint: new RegExp(`\\b(${mentions.join('|')})\\b`),
  };
  return builderTable;
}

/** A string built in place: a template with `$x` / `${…}`, or a `+` concatenation with a string literal. */
function builtString(node: Node | undefined): boolean {
  const bare = kotlinBare(node);
  if (!bare) return false;
  if (bare.type === 'string_literal') return descendants(bare, new Set(['interpolated_identifier', 'interpolated_expression'])).length > 0 || /\$\{|\$[A-Za-z_]/.test(bare.text);
  if (bare.type === 'additive_expression') return descendants(bare, new Set(['string_literal'])).length > 0;
  return false;
}

/** `Criteria.where(…)` (a criteria builder's start) at the start of a call chain. */
function criteriaChain(builder: MongoQueryProvider['criteria'][number], receiver: Node | undefined, depth = 0): boolean {
  const bare = kotlinBare(receiver);
  if (!bare || depth > 8) return false;
  const call = asCall(bare);
  if (!call) return false;
  if (call.name === builder.start && kotlinBare(call.receiver)?.text === builder.type) return true;
  return criteriaChain(builder, call.receiver, depth + 1);
}

/** The pattern source of `Pattern.compile(q)`, `Regex(q)`, `q.toRegex()`; a quoted one is undefined. */
function patternSource(node: Node | undefined): Node | undefined {
  const bare = kotlinBare(node);
  const call = bare ? asCall(bare) : undefined;
  if (!call) return bare;
  if ((call.name === 'quote' && kotlinBare(call.receiver)?.text === 'Pattern') || (call.name === 'escape' && kotlinBare(call.receiver)?.text === 'Regex')) return undefined;
  if (call.name === 'compile' && kotlinBare(call.receiver)?.text === 'Pattern') return patternSource(call.args[0]);
  if (call.name === 'Regex' && !call.receiver) return patternSource(call.args[0]);
  if (call.name === 'toRegex' && call.args.length === 0) return patternSource(call.receiver);
  return bare;
}

function sink(call: JvmCall, kmongo: boolean): { kind: KotlinNoSqlHit['kind']; value: Node | undefined; written: string } | undefined {
  const receiver = kotlinBare(call.receiver);
  const receiverText = receiver?.text ?? '';
  if (call.name === 'parse' && PARSERS.test(receiverText)) return { kind: 'document', value: call.args[0], written: `${receiverText}.parse` };
  const { documentTypes, commands, criteria } = builders();
  if (!call.receiver && documentTypes.has(call.name)) return { kind: 'document', value: call.args[0], written: call.name };
  if (commands.has(call.name) && receiver) return { kind: 'document', value: call.args[0], written: `${receiverText}.${call.name}` };
  const started = criteria.find((builder) => call.name === builder.start && receiverText === builder.type);
  if (started) return { kind: 'field', value: call.args[0], written: `${started.type}.${call.name}` };
  const chained = criteria.find((builder) => call.name === builder.field && call.args.length === 1 && criteriaChain(builder, call.receiver));
  if (chained) return { kind: 'field', value: call.args[0], written: `${chained.type}.${call.name}` };
  const regex = criteria.find((builder) => call.name === builder.regex && criteriaChain(builder, call.receiver));
  if (regex) {
    const source = patternSource(call.args[0]);
    return source ? { kind: 'regex', value: source, written: `${regex.type}.${call.name}` } : undefined;
  }
  if (kmongo && receiver && KMONGO_FILTERS.test(call.name) && call.args.some((arg) => builtString(arg))) {
    return { kind: 'document', value: call.args.find((arg) => builtString(arg)), written: `${receiverText}.${call.name}` };
  }
  return undefined;
}

export function kotlinNoSqlInjections(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): KotlinNoSqlHit[] {
  const kotlin = sources.filter((source) => source.language === 'kotlin' && !/(^|\/)src\/test\//.test(source.file));
  const { fileHint } = builders();
  if (!kotlin.some((source) => fileHint.test(source.text))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const taint = kotlinTaint(program);
  const out: KotlinNoSqlHit[] = [];
  for (const fn of kotlinFunctions(program)) {
    if (!fn.body || !fileHint.test(fn.file.source.text)) continue;
    const kmongo = [...fn.file.imports.values(), ...fn.file.wildcards].some((name) => name.startsWith('org.litote.kmongo'));
    for (const node of descendants(fn.body, CALLS)) {
      const call = asCall(node);
      if (!call) continue;
      // `get("/x") { … }` is a call of a call: the inner one is the same call.
      if (node.parent?.type === 'call_expression' && node.parent.namedChildren[0]?.id === node.id) continue;
      const found = sink(call, kmongo);
      if (!found?.value) continue;
      const origin = taint.origin(found.value);
      if (origin) out.push({ source: fn.file.source, node, call: found.written, origin, kind: found.kind });
    }
  }
  return out;
}
