/**
 * Java XML parsers built with entity resolution left on (the JDK default) that parse request data:
 * `DocumentBuilderFactory`, `SAXParserFactory`, `XMLInputFactory`, dom4j `SAXReader` and JDOM
 * `SAXBuilder`, unless the factory (a local or a field) is hardened before use —
 * `disallow-doctype-decl`, `FEATURE_SECURE_PROCESSING`, external entities turned off,
 * `ACCESS_EXTERNAL_DTD` emptied, `SUPPORT_DTD` / `IS_SUPPORTING_EXTERNAL_ENTITIES` false.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants, field, jvmFile, named, simpleName } from '../../collectors/code/jvm/ast.js';
import { sharedAnalysis } from '../../collectors/code/jvm/taint.js';
import { type JvmTracer, bare, classAt, enclosingMethod, fieldOf, localValue } from '../../collectors/code/jvm/trace.js';

export interface JavaXxe {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
}

const FACTORIES = /^(DocumentBuilderFactory|SAXParserFactory|XMLInputFactory)$/;
const READERS = /^(SAXReader|SAXBuilder)$/;
const HARDENING =
  /disallow-doctype-decl|FEATURE_SECURE_PROCESSING|secure-processing|external-general-entities|external-parameter-entities|load-external-dtd|ACCESS_EXTERNAL_DTD|accessExternalDTD|SUPPORT_DTD|supportDTD|IS_SUPPORTING_EXTERNAL_ENTITIES|isSupportingExternalEntities|setExpandEntityReferences|setEntityResolver|setXMLResolver/;
const PARSE = /^(parse|createXMLStreamReader|createXMLEventReader|read|build)$/;
const INVOCATIONS: ReadonlySet<string> = new Set(['method_invocation']);

/** The variable or field a factory, builder or parser is held in: `name` and the method (undefined for a field). */
function holderOf(node: Node): { name: string; field: boolean } | undefined {
  const parent = node.parent;
  if (parent?.type === 'variable_declarator') return { name: field(parent, 'name')?.text ?? '', field: parent.parent?.type === 'field_declaration' };
  if (parent?.type === 'assignment_expression') {
    const left = field(parent, 'left');
    if (left?.type === 'field_access') return { name: field(left, 'field')?.text ?? '', field: true };
    return left ? { name: left.text, field: false } : undefined;
  }
  return undefined;
}

/** Whether `name` (in `scope`) is hardened by a `setFeature`/`setProperty`/`setAttribute` call. */
function hardened(scope: Node, name: string, tracer: JvmTracer, file: ReturnType<typeof jvmFile>): boolean {
  for (const call of descendants(scope, INVOCATIONS)) {
    const receiver = field(call, 'object');
    const target = receiver?.type === 'field_access' ? field(receiver, 'field')?.text : receiver?.text;
    if (target !== name) continue;
    const method = field(call, 'name')?.text ?? '';
    const args = named(field(call, 'arguments'));
    if (method === 'setExpandEntityReferences' && args[0]?.text === 'false') return true;
    if (method === 'setEntityResolver' || method === 'setXMLResolver') return true;
    if (!/^(setFeature|setProperty|setAttribute)$/.test(method)) continue;
    const key = tracer.program.strings(args[0], { file, cls: classAt(file, call) })?.[0] ?? args[0]?.text ?? '';
    if (HARDENING.test(key)) return true;
  }
  return false;
}

/** The factory (or reader) a parse call goes back to: `factory.newDocumentBuilder().parse(x)`, locals, fields. */
function factoryOf(node: Node | undefined, depth = 0): Node | undefined {
  const current = bare(node);
  if (!current || depth > 6) return undefined;
  if (current.type === 'method_invocation') {
    const name = field(current, 'name')?.text ?? '';
    const receiver = field(current, 'object');
    if ((name === 'newInstance' || name === 'newFactory' || name === 'newDefaultFactory') && FACTORIES.test(simpleName(receiver?.text ?? ''))) return current;
    if (/^(newDocumentBuilder|newSAXParser|getXMLReader)$/.test(name)) return factoryOf(receiver, depth + 1);
    return undefined;
  }
  if (current.type === 'object_creation_expression') return READERS.test(simpleName(field(current, 'type')?.text ?? '')) ? current : undefined;
  if (current.type === 'identifier') {
    const local = localValue(current.text, current);
    if (local) return factoryOf(local, depth + 1);
    return fieldInit(current, current.text, depth);
  }
  if (current.type === 'field_access' && field(current, 'object')?.type === 'this') return fieldInit(current, field(current, 'field')?.text ?? '', depth);
  return undefined;
}

function fieldInit(at: Node, name: string, depth: number): Node | undefined {
  for (let current = at.parent; current; current = current.parent) {
    if (current.type !== 'class_declaration' && current.type !== 'enum_declaration') continue;
    for (const member of named(field(current, 'body'))) {
      if (member.type !== 'field_declaration') continue;
      const declarator = named(member).find((child) => child.type === 'variable_declarator' && field(child, 'name')?.text === name);
      const value = declarator ? field(declarator, 'value') : undefined;
      if (value) return factoryOf(value, depth + 1);
    }
    return undefined;
  }
  return undefined;
}

export function javaXxe(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): JavaXxe[] {
  const using = sources.filter((source) => source.language === 'java' && /\b(DocumentBuilderFactory|SAXParserFactory|XMLInputFactory|SAXReader|SAXBuilder)\b/.test(source.text) && !/(^|\/)src\/test\//.test(source.file));
  if (using.length === 0) return [];
  const analysis = sharedAnalysis(sources, infra);
  const tracer = analysis.tracer;
  const taint = analysis.taint();
  const out: JavaXxe[] = [];
  for (const source of using) {
    const file = jvmFile(source);
    for (const call of descendants(source.tree.rootNode, INVOCATIONS)) {
      const name = field(call, 'name')?.text ?? '';
      if (!PARSE.test(name)) continue;
      const factory = factoryOf(field(call, 'object'));
      if (!factory) continue;
      const input = named(field(call, 'arguments'))[0];
      const origin = taint.origin(input);
      if (!origin) continue;
      // Hardening on the factory's variable (in its method) or field (anywhere in the class).
      const holder = holderOf(factory);
      const cls = classAt(file, factory);
      let scope: Node | undefined = holder?.field ? cls?.node : enclosingMethod(factory);
      if (holder && !holder.field && cls && fieldOf(cls, holder.name)) scope = cls.node;
      if (holder && scope && hardened(scope, holder.name, tracer, file)) continue;
      const builder = field(call, 'object');
      const builderHolder = builder?.type === 'identifier' ? builder.text : undefined;
      const method = enclosingMethod(call);
      if (builderHolder && method && hardened(method, builderHolder, tracer, file)) continue;
      out.push({ source, node: call, call: `${factory.text.replace(/\s+/g, ' ')} … .${name}`, origin });
    }
  }
  return out;
}
