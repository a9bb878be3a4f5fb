/**
 * Kotlin XML parsers built with entity resolution left on (the JDK default) that parse request data
 * (Spring Kotlin handler parameters, Ktor `call.receiveText()` / `call.receiveStream()`…):
 * `DocumentBuilderFactory.newInstance()`, `SAXParserFactory.newInstance()`, `XMLInputFactory.newInstance()`
 * / `newFactory()`, dom4j `SAXReader()` and JDOM `SAXBuilder()`, reached from the parse call through
 * `newDocumentBuilder()` / `newSAXParser()` and locals or class properties. A factory hardened where
 * it is built or used — `setFeature("…disallow-doctype-decl", true)`, `FEATURE_SECURE_PROCESSING`,
 * `isExpandEntityReferences = false`, `ACCESS_EXTERNAL_DTD` emptied, `SUPPORT_DTD` false, an entity
 * resolver, also inside `.apply { … }` — is not reported.
 */
import type { Node } from 'web-tree-sitter';
import type { InfraFile, SourceFile } from '../../engine/context.js';
import { descendants, firstOfType, named } from '../../collectors/code/jvm/ast.js';
import { asCall } from '../../collectors/code/jvm/calls.js';
import { enclosingFunction, kotlinBare, kotlinFunctions, kotlinTaint } from '../../collectors/code/jvm/kotlin.js';
import { sharedAnalysis } from '../../collectors/code/jvm/taint.js';

export interface KotlinXxe {
  source: SourceFile;
  node: Node;
  call: string;
  origin: string;
}

const FACTORY = /\b(DocumentBuilderFactory|SAXParserFactory|XMLInputFactory)\.(newInstance|newFactory|newDefaultFactory|newDefaultInstance)\s*\(|\b(SAXReader|SAXBuilder)\s*\(/;
const HARDENING =
  /disallow-doctype-decl|FEATURE_SECURE_PROCESSING|secure-processing|external-general-entities|external-parameter-entities|load-external-dtd|ACCESS_EXTERNAL_DTD|accessExternalDTD|SUPPORT_DTD|supportDTD|IS_SUPPORTING_EXTERNAL_ENTITIES|isSupportingExternalEntities|isExpandEntityReferences\s*=\s*false|setExpandEntityReferences\(\s*false|setEntityResolver|entityResolver\s*=|setXMLResolver|xmlResolver\s*=/;
const PARSE = /^(parse|createXMLStreamReader|createXMLEventReader|read|build)$/;
const CALLS: ReadonlySet<string> = new Set(['call_expression']);

/** The text a parser's receiver is built from: the chain itself, a local `val`'s initialiser, or a class property's. */
function factoryText(start: Node | undefined, at: Node, depth = 0): { text: string; scope: Node | undefined } | undefined {
  const node = kotlinBare(start);
  if (!node || depth > 5) return undefined;
  if (FACTORY.test(node.text)) return { text: node.text, scope: enclosingFunction(at) };
  const call = node.type === 'call_expression' ? asCall(node) : undefined;
  if (call && /^(newDocumentBuilder|newSAXParser|getXMLReader|xmlReader)$/.test(call.name)) return factoryText(call.receiver, at, depth + 1);
  if (node.type === 'navigation_expression' && /\.(xmlReader)$/.test(node.text)) return factoryText(named(node)[0], at, depth + 1);
  if (node.type !== 'simple_identifier') return undefined;
  for (let scope = at.parent; scope; scope = scope.parent) {
    const properties = scope.type === 'function_declaration' || scope.type === 'lambda_literal' ? descendants(scope, new Set(['property_declaration'])) : scope.type === 'class_declaration' || scope.type === 'object_declaration' || scope.type === 'source_file' ? named(firstOfType(scope, 'class_body') ?? scope).filter((child) => child.type === 'property_declaration') : [];
    for (const property of properties) {
      if (firstOfType(firstOfType(property, 'variable_declaration'), 'simple_identifier')?.text !== node.text) continue;
      const value = named(property).at(-1);
      const inner = value ? factoryText(value, value, depth + 1) : undefined;
      if (inner) return { text: property.text, scope: scope.type === 'function_declaration' || scope.type === 'lambda_literal' ? enclosingFunction(at) ?? scope : scope };
    }
  }
  return undefined;
}

export function kotlinXxe(sources: readonly SourceFile[], infra: readonly InfraFile[] | undefined): KotlinXxe[] {
  if (!sources.some((source) => source.language === 'kotlin' && FACTORY.test(source.text) && !/(^|\/)src\/test\//.test(source.file))) return [];
  const program = sharedAnalysis(sources, infra).tracer.program;
  const taint = kotlinTaint(program);
  const out: KotlinXxe[] = [];
  for (const fn of kotlinFunctions(program)) {
    if (!fn.body || !/\b(parse|createXMLStreamReader|createXMLEventReader|read|build)\s*\(/.test(fn.body.text)) continue;
    for (const node of descendants(fn.body, CALLS)) {
      const call = asCall(node);
      if (!call || !PARSE.test(call.name) || !call.receiver || !call.args[0]) continue;
      const factory = factoryText(call.receiver, node);
      if (!factory) continue;
      const origin = taint.origin(call.args[0]);
      if (!origin) continue;
      // Hardening where the factory is declared (its `.apply { }`) or in the function/class that builds and uses it.
      if (HARDENING.test(factory.text) || HARDENING.test(factory.scope?.text ?? '') || HARDENING.test(fn.body.text)) continue;
      out.push({ source: fn.file.source, node, call: `${(FACTORY.exec(factory.text)?.[0] ?? '').replace(/\s*\($/, '')} … .${call.name}`, origin });
    }
  }
  return out;
}
