/**
 * MongoDB queries built from request data in Java, through the frameworks' query builders (the plugins'
 * `mongoQueries`: Spring Data MongoDB's) and the driver's parsers:
 * - a query document parsed from request text: `new BasicQuery(json)`, `new BasicUpdate(json)`,
 *   `Document.parse(json)`, `BasicDBObject.parse(json)`, `BsonDocument.parse(json)`,
 *   `mongoTemplate.executeCommand(json)` — the caller writes the operators (`$ne`, `$where`, `$regex`);
 * - a field name taken from the request: `Criteria.where(field)`, `new Criteria(field)`,
 *   `criteria.and(field)` — the caller picks `$where` or any field to probe;
 * - a regular expression taken from the request: `Criteria.where("name").regex(q)`, also through
 *   `Pattern.compile(q)` — the caller matches everything (`.*`) or runs a catastrophic pattern;
 *   `Pattern.quote(q)` is a literal match and safe.
 * Values passed to `is(…)`, `in(…)`, `gt(…)` are bound as values by the driver and are not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants, field, named, simpleName } from '../../collectors/code/jvm/ast.js';
import { bare, classAt, localValue } from '../../collectors/code/jvm/trace.js';
import { javaSinkCandidates, sharedAnalysis, type JavaSinkHit, type JavaTaint } from '../../collectors/code/jvm/taint.js';
import { mongoQueryProviders, typesByMethod } from '../../collectors/code/plugins.js';
import type { MongoQueryProvider } from '../../collectors/code/plugin.js';

export interface JavaNoSqlHit extends JavaSinkHit {
  kind: 'document' | 'field' | 'regex';
}

const CALLS: ReadonlySet<string> = new Set(['method_invocation', 'object_creation_expression']);
const PARSERS = /^(Document|BasicDBObject|BsonDocument|JSON)$/;
/** The driver's own names that make a source worth reading; the frameworks' are the plugins' `mongoQueries.mentions`. */
const DRIVER_MENTIONS = ['BasicDBObject', 'BsonDocument', 'Document\\.parse'];

type Criteria = MongoQueryProvider['criteria'][number];

interface Builders {
  documentTypes: ReadonlySet<string>;
  commands: ReadonlyMap<string, ReadonlySet<string>>;
  criteria: readonly Criteria[];
  mentions: RegExp;
}

let builderTable: Builders | undefined;

function builders(): Builders {
  if (builderTable) return builderTable;
  const providers = mongoQueryProviders();
  const commands = typesByMethod(providers.map((provider) => provider.commands));
  const mentions = [...new Set([...providers.flatMap((provider) => provider.mentions), ...DRIVER_MENTIONS])];
  builderTable = {
    documentTypes: new Set(providers.flatMap((provider) => provider.documentTypes)),
    commands,
    criteria: providers.flatMap((provider) => provider.criteria),
    mentions: new RegExp(`\\b(${mentions.join('|')})\\b`),
  };
  return builderTable;
}

/** Whether an expression is a criteria builder of type `type` (Spring Data's `Criteria`): `Criteria.where(…)…`, `new Criteria(…)…`, or a local/field declared `Criteria`. */
function isCriteria(type: string, start: Node | undefined, typeOf: (node: Node) => string | undefined, depth = 0): boolean {
  const node = bare(start);
  if (!node || depth > 12) return false;
  if (node.type === 'object_creation_expression') return simpleName(field(node, 'type')?.text ?? '') === type;
  if (node.type === 'method_invocation') {
    const receiver = field(node, 'object');
    if (!receiver) return false;
    if (bare(receiver)?.text === type) return true;
    return isCriteria(type, receiver, typeOf, depth + 1);
  }
  if (node.type === 'identifier' || node.type === 'field_access') {
    if (typeOf(node) === type) return true;
    if (node.type === 'identifier') {
      const value = localValue(node.text, node);
      return value ? isCriteria(type, value, typeOf, depth + 1) : false;
    }
  }
  return false;
}

/** `Pattern.compile(x)` / `Pattern.compile(x, flags)` → x; `Pattern.quote(x)` stays (it is a literal match). */
function patternSource(start: Node | undefined): Node | undefined {
  const node = bare(start);
  if (node?.type === 'method_invocation' && field(node, 'name')?.text === 'compile' && field(node, 'object')?.text === 'Pattern') return named(field(node, 'arguments'))[0];
  return node;
}

const CONDITIONS: ReadonlySet<string> = new Set(['if_statement', 'switch_expression', 'switch_statement', 'ternary_expression']);

/** A field name checked against an allowlist before use: `if (!ALLOWED.contains(field)) throw …`, a `switch (field)`. */
function allowListed(value: Node): boolean {
  const name = bare(value);
  if (name?.type !== 'identifier') return false;
  for (let scope = name.parent; scope; scope = scope.parent) {
    if (scope.type !== 'method_declaration' && scope.type !== 'constructor_declaration') continue;
    return descendants(scope, CONDITIONS).some((condition) => {
      if (condition.startIndex > name.startIndex) return false;
      const test = field(condition, 'condition') ?? field(condition, 'value') ?? named(condition)[0];
      if (!test) return false;
      if (condition.type.startsWith('switch')) return bare(test)?.text === name.text;
      return descendants(test, new Set(['method_invocation'])).some(
        (call) => /^(contains|containsKey|matches)$/.test(field(call, 'name')?.text ?? '') && named(field(call, 'arguments')).some((arg) => arg.text === name.text),
      );
    });
  }
  return false;
}

export function javaNoSqlInjections(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): JavaNoSqlHit[] {
  const { documentTypes, commands, criteria, mentions } = builders();
  const candidates = javaSinkCandidates(sources, mentions);
  if (candidates.length === 0) return [];
  const analysis = sharedAnalysis(sources, infra);
  const tracer = analysis.tracer;
  let taint: JavaTaint | undefined;
  const origin = (node: Node | undefined): string | undefined => {
    taint ??= analysis.taint();
    return node ? taint.origin(node) : undefined;
  };
  const out: JavaNoSqlHit[] = [];
  for (const source of candidates) {
    const file = tracer.program.files.find((candidate) => candidate.source === source);
    if (!file) continue;
    const typeOf = (node: Node): string | undefined => tracer.typeOf(node, classAt(file, node));
    for (const node of descendants(source.tree.rootNode, CALLS)) {
      const args = named(field(node, 'arguments'));
      let kind: JavaNoSqlHit['kind'];
      let value: Node | undefined;
      let call = '';
      if (node.type === 'object_creation_expression') {
        const type = simpleName(field(node, 'type')?.text ?? '');
        if (documentTypes.has(type)) {
          kind = 'document';
          value = args[0];
          call = `new ${type}`;
        } else if (criteria.some((builder) => builder.type === type) && args.length === 1) {
          kind = 'field';
          value = args[0];
          call = `new ${type}`;
        } else continue;
      } else {
        const name = field(node, 'name')?.text ?? '';
        const receiver = field(node, 'object');
        if (!receiver) continue;
        const receiverText = bare(receiver)?.text ?? '';
        if (name === 'parse' && PARSERS.test(receiverText)) {
          kind = 'document';
          value = args[0];
          call = `${receiverText}.parse`;
        } else if (commands.has(name) && args.length >= 1 && commands.get(name)?.has(typeOf(bare(receiver) ?? receiver) ?? '')) {
          kind = 'document';
          value = args[0];
          call = `${receiver.text}.${name}`;
        } else {
          const started = criteria.find((builder) => name === builder.start && receiverText === builder.type);
          const chained = started ? undefined : criteria.find((builder) => ((name === builder.field && args.length === 1) || (name === builder.regex && args.length >= 1)) && isCriteria(builder.type, receiver, typeOf));
          if (started) {
            kind = 'field';
            value = args[0];
            call = `${started.type}.${name}`;
          } else if (chained && name === chained.field && args.length === 1) {
            kind = 'field';
            value = args[0];
            call = `${chained.type}.${name}`;
          } else if (chained) {
            kind = 'regex';
            value = patternSource(args[0]);
            call = `${chained.type}.${name}`;
          } else continue;
        }
      }
      const found = origin(value);
      if (!found || !value) continue;
      if (kind === 'field' && allowListed(value)) continue;
      out.push({ source, node, snippet: node.text.split('\n')[0] ?? '', call, origin: found, kind });
    }
  }
  return out;
}
