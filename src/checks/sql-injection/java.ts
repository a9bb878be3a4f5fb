/**
 * SQL built from request data in Java: the query methods the frameworks and data-access libraries declare
 * (the plugins' `sqlSinks`: Spring's `JdbcTemplate` / `NamedParameterJdbcTemplate` / `JdbcClient`, JPA
 * `EntityManager.createQuery|createNativeQuery`, Hibernate `Session`), JDBC `Statement` and
 * `Connection.prepareStatement` given text concatenated or formatted from request data, and MyBatis
 * `${…}` text substitution (mapper XML and `@Select`-style annotations) of a mapper parameter that
 * request data reaches. Bound parameters (`?`, `:name`, `#{…}`) are safe; a `${key}` the code itself
 * writes into the parameter's map (`entity.getParams().put("key", …)`) is not request data.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import type { Location } from '../../model/types.js';
import { descendants, field, named, type JvmAnnotation, type JvmMethod } from '../../collectors/code/jvm/ast.js';
import { classAt } from '../../collectors/code/jvm/trace.js';
import { requestTable, sharedAnalysis } from '../../collectors/code/jvm/taint.js';
import { sqlSinkProviders, typesByMethod } from '../../collectors/code/plugins.js';

export interface JavaSqlHit {
  source?: SourceFile;
  node?: Node;
  location?: Location;
  snippet: string;
  call: string;
  origin: string;
}

/** JDBC's own methods that take SQL text, by receiver type; the frameworks' and data-access libraries' (the plugins' `sqlSinks`) are joined to them. */
const JDBC: Readonly<Record<string, readonly string[]>> = {
  execute: ['Statement', 'PreparedStatement'],
  executeQuery: ['Statement'],
  executeUpdate: ['Statement'],
  executeLargeUpdate: ['Statement'],
  addBatch: ['Statement'],
  prepareStatement: ['Connection'],
  prepareCall: ['Connection'],
};
const JDBC_MENTIONS = ['Statement', 'Connection'];

let sinkTable: { sinks: Map<string, RegExp>; mentions: RegExp } | undefined;

/** The methods that take SQL text with their receiver types, and the names that make a source worth reading. */
function sinks(): { sinks: Map<string, RegExp>; mentions: RegExp } {
  if (sinkTable) return sinkTable;
  const providers = sqlSinkProviders();
  const byMethod = typesByMethod([...providers.map((provider) => provider.methods), JDBC]);
  const mentions = [...new Set([...providers.flatMap((provider) => provider.mentions), ...JDBC_MENTIONS])];
  sinkTable = { sinks: new Map([...byMethod].map(([method, types]) => [method, new RegExp(`^(${[...types].join('|')})$`)])), mentions: new RegExp(`\\b(${mentions.join('|')})\\b`) };
  return sinkTable;
}

const MYBATIS_ANNOTATIONS = ['Select', 'Update', 'Delete', 'Insert', 'SelectProvider'];
const INVOCATIONS: ReadonlySet<string> = new Set(['method_invocation']);
const INERT = /^(int|long|short|byte|double|float|boolean|Integer|Long|Short|Byte|Double|Float|Boolean|BigDecimal|BigInteger|Date|LocalDate|LocalDateTime|Instant|UUID)$/;

function lineAt(text: string, index: number): number {
  return text.slice(0, index).split('\n').length;
}

interface Substitution {
  namespace: string;
  statement: string;
  expression: string;
  line: number;
  text: string;
}

/** `${…}` in the statements of a MyBatis mapper XML file. */
function mapperSubstitutions(file: InfraFile): Substitution[] {
  const namespace = /<mapper\s+namespace\s*=\s*"([^"]+)"/.exec(file.text)?.[1];
  if (!namespace) return [];
  const out: Substitution[] = [];
  const text = file.text.replace(/<!--[\s\S]*?-->/g, (comment) => comment.replace(/[^\n]/g, ' '));
  for (const statement of text.matchAll(/<(select|insert|update|delete)\b[^>]*\bid\s*=\s*"([^"]+)"[^>]*>([\s\S]*?)<\/\1>/g)) {
    const body = statement[3] ?? '';
    const offset = statement.index + statement[0].indexOf(body);
    for (const sub of body.matchAll(/\$\{\s*([^}]+?)\s*\}/g)) {
      const line = lineAt(text, offset + sub.index);
      out.push({ namespace, statement: statement[2] ?? '', expression: sub[1] ?? '', line, text: (file.text.split('\n')[line - 1] ?? '').trim() });
    }
  }
  return out;
}

export function javaSqlInjections(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): JavaSqlHit[] {
  const java = sources.filter((source) => source.language === 'java' && !/(^|\/)src\/test\//.test(source.file));
  const mappers = (infra ?? []).filter((file) => file.kind === 'mybatis-mapper' && file.text.includes('${') && /<mapper\b/.test(file.text));
  const { sinks: methods, mentions } = sinks();
  const candidates = java.filter((source) => mentions.test(source.text) || (source.text.includes('${') && /@(Select|Update|Delete|Insert)\b/.test(source.text)));
  if (candidates.length === 0 && mappers.length === 0) return [];
  const { controllerText } = requestTable();
  if (!java.some((source) => controllerText.test(source.text))) return [];
  const analysis = sharedAnalysis(sources, infra);
  const tracer = analysis.tracer;
  const taint = analysis.taint();
  const out: JavaSqlHit[] = [];

  for (const source of candidates) {
    const file = tracer.program.files.find((candidate) => candidate.source === source);
    if (!file) continue;
    for (const node of descendants(source.tree.rootNode, INVOCATIONS)) {
      const name = field(node, 'name')?.text ?? '';
      const owner = methods.get(name);
      const receiver = field(node, 'object');
      const sql = named(field(node, 'arguments'))[0];
      if (!owner || !receiver || !sql) continue;
      const cls = classAt(file, node);
      const type = tracer.typeOf(receiver, cls);
      if (!type || !owner.test(type)) continue;
      const origin = taint.origin(sql);
      if (origin) out.push({ source, node, snippet: node.text.split('\n')[0] ?? '', call: `${receiver.text}.${name}`, origin });
    }
  }

  const substitutionTainted = (method: JvmMethod, expression: string): boolean => {
    const [head = '', second] = expression.split(/[.[]/).map((part) => part.trim());
    const params = method.parameters;
    const named_ = params.findIndex((param) => param.annotations.some((item) => item.name === 'Param' && tracer.program.strings(item.args.get('value')?.[0], { file: method.file, cls: method.owner })?.[0] === head));
    const index = named_ >= 0 ? named_ : params.length === 1 ? 0 : -1;
    if (index < 0 || !taint.parameterTainted(method.node, index)) return false;
    const param = params[index];
    if (!param) return false;
    // `${name}` of a single object parameter reads its property: inert property types carry no SQL.
    const property = named_ >= 0 ? second : head;
    if (property && params.length === 1 && named_ < 0) {
      const cls = tracer.program.resolveClass(param.type, { file: method.file, cls: method.owner });
      const holder = cls ? [cls, ...tracer.program.ancestors(cls)].find((candidate) => candidate.fields.has(property)) : undefined;
      const type = holder?.fields.get(property);
      if (type && INERT.test(type)) return false;
      // `${params.dataScope}`: a map entry the code writes itself before the query.
      const key = named_ >= 0 ? expression.split('.')[2] : second;
      if (key && serverWritten(property, key)) return false;
    }
    return true;
  };
  const writtenKeys = new Map<string, Set<string>>();
  const serverWritten = (property: string, key: string): boolean => {
    if (writtenKeys.size === 0) {
      for (const file of tracer.program.files) {
        for (const call of descendants(file.source.tree.rootNode, INVOCATIONS)) {
          if (field(call, 'name')?.text !== 'put') continue;
          const holder = field(call, 'object');
          const getter = holder?.type === 'method_invocation' ? /^get(\w+)$/.exec(field(holder, 'name')?.text ?? '')?.[1] : undefined;
          if (!getter) continue;
          const keyNode = named(field(call, 'arguments'))[0];
          const cls = classAt(file, call);
          const value = tracer.program.strings(keyNode, { file, cls })?.[0];
          if (value === undefined) continue;
          const prop = getter.charAt(0).toLowerCase() + getter.slice(1);
          const set = writtenKeys.get(prop) ?? new Set<string>();
          set.add(value);
          writtenKeys.set(prop, set);
        }
      }
      writtenKeys.set('\u0000', new Set());
    }
    return writtenKeys.get(property)?.has(key) ?? false;
  };

  for (const file of mappers) {
    for (const sub of mapperSubstitutions(file)) {
      const cls = tracer.program.classes.find((candidate) => candidate.qualified === sub.namespace);
      const method = cls?.methods.find((candidate) => candidate.name === sub.statement);
      if (!method || !substitutionTainted(method, sub.expression)) continue;
      out.push({ location: { file: file.file, line: sub.line }, snippet: sub.text, call: `\${${sub.expression}}`, origin: `${method.owner?.name ?? ''}.${method.name}` });
    }
  }

  for (const cls of tracer.program.classes) {
    if (cls.kind !== 'interface' || cls.file.language !== 'java') continue;
    for (const method of cls.methods) {
      const found: JvmAnnotation | undefined = method.annotations.find((item) => MYBATIS_ANNOTATIONS.includes(item.name));
      if (!found) continue;
      const texts = (found.args.get('value') ?? []).flatMap((node) => tracer.program.strings(node, { file: cls.file, cls }) ?? []);
      for (const text of texts) {
        for (const sub of text.matchAll(/\$\{\s*([^}]+?)\s*\}/g)) {
          if (!substitutionTainted(method, sub[1] ?? '')) continue;
          out.push({ source: cls.file.source, node: found.node, snippet: found.node.text.split('\n')[0] ?? '', call: `\${${sub[1] ?? ''}}`, origin: `${cls.name}.${method.name}` });
          break;
        }
      }
    }
  }
  return out;
}
