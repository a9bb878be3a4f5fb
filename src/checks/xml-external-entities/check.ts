import type { Node } from 'web-tree-sitter';
import { isPython, objectOf, resolveValue } from '../../analysis/code-auth.js';
import { callAt, hitData, taintedSinks, type SinkMatch } from '../../analysis/code-input.js';
import { callSiteAt, literalValue, propertyOf, type CallSite } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { javaXxe } from './java.js';
import { kotlinXxe } from './kotlin.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';

const LXML = /^lxml\.etree\.(fromstring|parse|XML|fromstringlist|iterparse)$|^lxml\.objectify\.(fromstring|parse)$/;
const EXPAT = /^xml\.dom\.(minidom|pulldom)\.(parseString|parse)$|^xml\.sax\.(parseString|parse)$/;
const LIBXML = /^libxmljs2?\.(parseXml|parseXmlString|parseXmlAsync)$/;

/** lxml resolves entities unless the parser says `resolve_entities=False`. */
function lxmlResolves(source: SourceFile, parser: Node | undefined): boolean {
  if (!parser) return true;
  const resolved = resolveValue(source, parser);
  const ctor = callSiteAt(source, resolved);
  if (!ctor || !/XMLParser$/.test(ctor.callee)) return false;
  const value = ctor.kwargs.get('resolve_entities');
  return value === undefined ? !/\bdefusedxml\b/.test(source.text) : literalValue(resolveValue(source, value)) !== false && literalValue(value) !== 'internal';
}

function match(source: SourceFile, call: CallSite): SinkMatch | undefined {
  const first = call.args[0];
  if (!first) return undefined;
  if (isPython(source)) {
    if (LXML.test(call.callee) && lxmlResolves(source, call.kwargs.get('parser') ?? call.args[1])) return { args: [first], what: call.written };
    if (EXPAT.test(call.callee)) return { args: [first], what: call.written };
    return undefined;
  }
  if (LIBXML.test(call.callee)) {
    const noent = propertyOf(objectOf(source, call.args[1]), 'noent');
    if (noent && literalValue(resolveValue(source, noent)) === true) return { args: [first], what: call.written };
  }
  return undefined;
}

export default defineCheck({
  id: 'xml-external-entities',
  title: 'XML from the request parsed with entity expansion',
  owasp: 'API8:2023',
  cwe: ['CWE-611'],
  severity: 'high',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'An XML document from the caller can declare external entities (`<!ENTITY x SYSTEM "file:///etc/passwd">`) that a resolving parser reads from disk or the network, or nested entities that expand to gigabytes.',
  remediation:
    'Parse untrusted XML with defusedxml (`defusedxml.ElementTree.fromstring(body)`, `defusedxml.lxml`) or an lxml parser built with `etree.XMLParser(resolve_entities=False, no_network=True)`; in Node, drop `noent: true` from libxmljs options or use a parser without DTD support (fast-xml-parser); in Java, harden the factory before parsing: `dbf.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true)` (DocumentBuilderFactory, SAXParserFactory, dom4j `SAXReader`, JDOM `SAXBuilder`) or `setFeature(XMLConstants.FEATURE_SECURE_PROCESSING, true)`, and `xif.setProperty(XMLInputFactory.SUPPORT_DTD, false)` for StAX.',
  messages: {
    direct: '`{{call}}` parses XML from the request (`{{origin}}`) with entity expansion enabled.',
    java: '`{{call}}` parses request data (`{{origin}}`) with a parser whose factory resolves DTDs and external entities (no `disallow-doctype-decl`, secure processing or external-entity switch is set).',
    wrapper: '`{{call}}` passes request data (`{{origin}}`) to `{{wrapper}}`, which parses it with `{{sink}}` at {{file}}:{{line}}.',
  },
  run(ctx, report) {
    for (const hit of [...javaXxe(ctx.sources, ctx.infra), ...kotlinXxe(ctx.sources, ctx.infra)]) {
      report({ messageId: 'java', data: { call: hit.call, origin: hit.origin }, ...jvmAt(ctx, hit.source, hit.node, hit.node.text.split('\n')[0]) });
    }
    for (const hit of taintedSinks(ctx, { kind: 'xml', match })) {
      const expat = EXPAT.test(hit.call.callee);
      report({
        messageId: hit.via ? 'wrapper' : 'direct',
        data: hitData(hit),
        ...callAt(ctx, hit.source, hit.call),
        ...(expat ? { severity: 'medium' as const, confidence: 'low' as const } : {}),
      });
    }
  },
});
