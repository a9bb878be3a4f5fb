import type { Node } from 'web-tree-sitter';
import { at } from '../../analysis/code-auth.js';
import { nodesOfType, stringValue } from '../../analysis/code.js';
import { configLines, familyOf, infraOf, isTestFile, lineSnippet } from '../../analysis/code-transport.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

const JS_VERSION_KEYS = /^(minVersion|maxVersion)$/;
const OLD_VERSION = /^(SSLv2|SSLv3|TLSv1|TLSv1\.1)$/;
const OLD_METHOD = /^(SSLv2|SSLv3|TLSv1|TLSv1_1)_(client_|server_)?method$/;
const PY_OLD = /(^|\.)(PROTOCOL_(SSLv2|SSLv3|TLSv1|TLSv1_1)|TLSVersion\.(SSLv3|TLSv1|TLSv1_1))$/;
const INFRA_RULES: { pattern: RegExp; what: (match: RegExpExecArray) => string }[] = [
  { pattern: /^ssl_protocols\s+(?=[^;]*(?<![\w.])(?:SSLv2|SSLv3|TLSv1|TLSv1\.1)(?![\w.]))([^;]*);/, what: (m) => `ssl_protocols ${m[1] ?? ''}` },
  { pattern: /ssl[-_]protocols["']?\s*[:=]\s*["']?(?=[^"'\n]*(?<![\w.])(?:SSLv3|TLSv1|TLSv1\.1)(?![\w.]))([^"'\n]*)/i, what: (m) => `ssl-protocols ${m[1] ?? ''}` },
  { pattern: /\bssl_policy\s*=\s*"(ELBSecurityPolicy-(2015-05|2016-08|TLS-1-0-2015-04|TLS-1-1-2017-01)|ELBSecurityPolicy-TLS13-1-(0|1)-2021-06)"/, what: (m) => `ssl_policy = "${m[1] ?? ''}"` },
  { pattern: /\bminimum_protocol_version\s*=\s*"(SSLv3|TLSv1|TLSv1_2016|TLSv1\.1_2016)"/, what: (m) => `minimum_protocol_version = "${m[1] ?? ''}"` },
  { pattern: /\bmin(imum)?_tls_version\s*=\s*"(1\.0|1\.1|TLS1_0|TLS1_1|TLS_1_0|TLS_1_1)"/i, what: (m) => `min_tls_version = "${m[2] ?? ''}"` },
];

function jsSites(source: SourceFile): { node: Node; what: string }[] {
  const out: { node: Node; what: string }[] = [];
  for (const pair of nodesOfType(source, ['pair', 'assignment_expression'])) {
    if (pair.type === 'assignment_expression') {
      const value = stringValue(pair.childForFieldName('right'));
      if (/tls\.DEFAULT_(MIN|MAX)_VERSION$/.test(pair.childForFieldName('left')?.text ?? '') && value && OLD_VERSION.test(value)) out.push({ node: pair, what: pair.text });
      continue;
    }
    const key = pair.childForFieldName('key');
    const keyText = key ? (stringValue(key) ?? key.text) : '';
    const value = stringValue(pair.childForFieldName('value'));
    if (value === undefined) continue;
    if ((JS_VERSION_KEYS.test(keyText) && OLD_VERSION.test(value)) || (keyText === 'secureProtocol' && OLD_METHOD.test(value))) {
      out.push({ node: pair, what: `${keyText}: '${value}'` });
    }
  }
  return out;
}

function pySites(source: SourceFile): { node: Node; what: string }[] {
  const out: { node: Node; what: string }[] = [];
  for (const node of nodesOfType(source, ['attribute', 'identifier'])) {
    if (parentOf(node)?.type === 'attribute' || parentOf(node)?.type === 'import_from_statement' || parentOf(node)?.type === 'dotted_name') continue;
    if (!PY_OLD.test(node.text)) continue;
    if (parentOf(node)?.type === 'comparison_operator') continue;
    out.push({ node, what: node.text });
  }
  return out;
}

export default defineCheck({
  id: 'tls-version-outdated',
  title: 'TLS version below 1.2 allowed',
  owasp: 'API8:2023',
  cwe: ['CWE-326', 'CWE-327'],
  severity: 'medium',
  confidence: 'high',
  section: 'cors-transport',
  targets: ['code'],
  rationale:
    'SSLv3, TLS 1.0 and TLS 1.1 are deprecated (RFC 8996) and exposed to downgrade and padding-oracle attacks (POODLE, BEAST); allowing them lets an attacker on the path push a connection down to a protocol they can break.',
  remediation:
    'Require TLS 1.2 or later: Node `minVersion: \'TLSv1.2\'` in `https.createServer` / `tls.connect` / `https.Agent` options; Python `context.minimum_version = ssl.TLSVersion.TLSv1_2` on an `ssl.create_default_context()`; nginx `ssl_protocols TLSv1.2 TLSv1.3;`; AWS `ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"`, CloudFront `minimum_protocol_version = "TLSv1.2_2021"`.',
  messages: {
    code: '`{{what}}` allows a TLS version older than 1.2.',
    config: '`{{what}}` allows a TLS version older than 1.2.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      const family = familyOf(source);
      if (!family || isTestFile(source.file) || !/TLSv1|SSLv|TLS1/.test(source.text)) continue;
      for (const site of family === 'js' ? jsSites(source) : pySites(source)) {
        report({ messageId: 'code', data: { what: site.what }, ...at(ctx, source, site.node, lineSnippet(source, site.node)) });
      }
    }
    for (const file of infraOf(ctx, ['nginx', 'terraform', 'kubernetes', 'kong', 'envoy', 'serverless', 'sam'])) {
      for (const line of configLines(file)) {
        for (const rule of INFRA_RULES) {
          const match = rule.pattern.exec(line.text);
          if (!match) continue;
          report({ messageId: 'config', data: { what: rule.what(match).trim() }, location: { file: file.file, line: line.line }, evidence: { snippet: line.text }, key: line.text });
          break;
        }
      }
    }
  },
});
