import type { Node } from 'web-tree-sitter';
import { at, resolveValue } from '../../analysis/code-auth.js';
import { factsOf, literalValue, nodesOfType, stringValue } from '../../analysis/code.js';
import { familyOf, isTestFile, lineSnippet } from '../../analysis/code-transport.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { csharpTlsSites } from './csharp.js';
import { goSites } from './go.js';
import { jvmTlsSites } from './java.js';
import { phpTlsSites } from './php.js';
import { jvmAt } from '../../collectors/code/jvm/trace.js';

const HTTP_CALL = /(^|\.)(get|post|put|patch|delete|head|options|request|send|stream|urlopen|Client|AsyncClient|Session|ClientSession|Elasticsearch|AsyncElasticsearch|OpenSearch)$/;
const NOT_HTTP = /jwt|jose|decode|token/i;
const PY_KWARGS = new Set(['verify', 'verify_ssl', 'verify_certs', 'ssl_verify']);

function isFalse(source: SourceFile, node: Node | undefined): boolean {
  return literalValue(resolveValue(source, node)) === false;
}

function pySites(source: SourceFile): { node: Node; what: string }[] {
  const out: { node: Node; what: string }[] = [];
  for (const call of factsOf(source).calls) {
    if (call.callee === 'ssl._create_unverified_context') {
      out.push({ node: call.node, what: `${call.written}()` });
      continue;
    }
    if (/(^|\.)TCPConnector$/.test(call.callee) && isFalse(source, call.kwargs.get('ssl'))) {
      out.push({ node: call.node, what: `${call.written}(ssl=False)` });
      continue;
    }
    const certReqs = call.kwargs.get('cert_reqs');
    if (certReqs && /CERT_NONE/.test(certReqs.text)) {
      out.push({ node: call.node, what: `${call.written}(cert_reqs=${certReqs.text})` });
      continue;
    }
    if (!HTTP_CALL.test(call.callee) || NOT_HTTP.test(call.callee)) continue;
    for (const [name, value] of call.kwargs) {
      if (PY_KWARGS.has(name) && isFalse(source, value)) out.push({ node: call.node, what: `${call.written}(…, ${name}=False)` });
    }
  }
  for (const assignment of nodesOfType(source, 'assignment')) {
    const left = assignment.childForFieldName('left');
    const right = assignment.childForFieldName('right');
    if (!left || !right) continue;
    const attribute = left.type === 'attribute' ? (left.childForFieldName('attribute')?.text ?? '') : '';
    if ((attribute === 'verify' || attribute === 'check_hostname') && literalValue(right) === false) out.push({ node: assignment, what: assignment.text });
    else if (attribute === 'verify_mode' && /CERT_NONE$/.test(right.text)) out.push({ node: assignment, what: assignment.text });
    else if (left.text === 'ssl._create_default_https_context' && /_create_unverified_context$/.test(right.text)) out.push({ node: assignment, what: assignment.text });
  }
  return out;
}

function jsSites(source: SourceFile): { node: Node; what: string }[] {
  const out: { node: Node; what: string }[] = [];
  for (const node of nodesOfType(source, ['pair', 'assignment_expression'])) {
    if (node.type === 'assignment_expression') {
      const left = node.childForFieldName('left')?.text ?? '';
      const value = stringValue(node.childForFieldName('right'));
      if (/NODE_TLS_REJECT_UNAUTHORIZED/.test(left) && value === '0') out.push({ node, what: node.text });
      continue;
    }
    const key = node.childForFieldName('key');
    const keyText = key ? (stringValue(key) ?? key.text) : '';
    const value = node.childForFieldName('value');
    if ((keyText === 'rejectUnauthorized' || keyText === 'strictSSL') && isFalse(source, value ?? undefined)) out.push({ node, what: node.text });
    else if (keyText === 'NODE_TLS_REJECT_UNAUTHORIZED' && stringValue(value) === '0') out.push({ node, what: node.text });
    else if (keyText === 'checkServerIdentity' && value && /^\([^)]*\)\s*=>\s*(undefined|null|\{\s*\})$/.test(value.text)) out.push({ node, what: node.text });
  }
  return out;
}

export default defineCheck({
  id: 'tls-certificate-verification-disabled',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'TLS certificate verification disabled',
  owasp: 'API8:2023',
  cwe: ['CWE-295'],
  severity: 'high',
  confidence: 'high',
  section: 'cors-transport',
  targets: ['code'],
  rationale:
    'With certificate verification off, anyone who can intercept the connection (a shared network, a compromised proxy, DNS spoofing) can present their own certificate and read or alter everything: API keys, tokens, card data, the responses the service trusts.',
  remediation:
    'Keep verification on and trust the right CA instead: Python `requests.get(url, verify="/etc/ssl/certs/internal-ca.pem")` or `httpx.Client(verify=ssl_context)`; `ssl.create_default_context(cafile=...)`; Node `new https.Agent({ ca: fs.readFileSync(\'internal-ca.pem\') })` instead of `rejectUnauthorized: false`, and never set `NODE_TLS_REJECT_UNAUTHORIZED=0`; Go `tls.Config{RootCAs: pool}` with the internal CA added by `pool.AppendCertsFromPEM`, never `InsecureSkipVerify: true`; .NET: install the internal CA in the machine store or check `errors == SslPolicyErrors.None` (or a pinned thumbprint) in `ServerCertificateCustomValidationCallback`, never `=> true` or `HttpClientHandler.DangerousAcceptAnyServerCertificateValidator`; Java/Kotlin: load the internal CA into a `KeyStore` and build the `SSLContext` from a `TrustManagerFactory` initialised with it (Spring Boot SSL bundles do this), keep the default `HostnameVerifier`, never an empty `checkServerTrusted`, `NoopHostnameVerifier` or `TrustAllStrategy`; PHP: keep Guzzle\'s and Laravel `Http`\'s default `verify` (or `->withOptions([\'verify\' => \'/etc/ssl/certs/internal-ca.pem\'])`) instead of `Http::withoutVerifying()` / `\'verify\' => false`, Symfony HttpClient `\'cafile\'` instead of `\'verify_peer\' => false`, and never `CURLOPT_SSL_VERIFYPEER => false`.',
  messages: {
    disabled: '`{{what}}` turns off TLS certificate verification.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      const family = familyOf(source);
      if (source.language === 'go' && !source.file.endsWith('_test.go')) {
        for (const site of goSites(source)) report({ messageId: 'disabled', data: { what: site.what.replace(/\s+/g, ' ') }, ...at(ctx, source, site.node, lineSnippet(source, site.node)) });
        continue;
      }
      if (source.language === 'java' || source.language === 'kotlin') {
        for (const site of jvmTlsSites(source)) report({ messageId: 'disabled', data: { what: site.what }, ...jvmAt(ctx, source, site.node, lineSnippet(source, site.node)) });
        continue;
      }
      if (source.language === 'csharp') {
        for (const site of csharpTlsSites(source)) report({ messageId: 'disabled', data: { what: site.what }, ...at(ctx, source, site.node, lineSnippet(source, site.node)) });
        continue;
      }
      if (source.language === 'php') {
        if (isTestFile(source.file) || /(^|\/)tests?\//i.test(source.file)) continue;
        // Two clients configured alike in one file are two findings: the function tells them apart.
        for (const site of phpTlsSites(source)) report({ messageId: 'disabled', data: { what: site.what.replace(/\s+/g, ' ') }, ...at(ctx, source, site.node, lineSnippet(source, site.node)), key: `${site.scope}:${lineSnippet(source, site.node)}` });
        continue;
      }
      if (!family || isTestFile(source.file)) continue;
      if (!/verify|rejectUnauthorized|REJECT_UNAUTHORIZED|strictSSL|CERT_NONE|check_hostname|unverified|checkServerIdentity|ssl=False/.test(source.text)) continue;
      for (const site of family === 'js' ? jsSites(source) : pySites(source)) {
        const what = site.what.replace(/\s+/g, ' ');
        report({ messageId: 'disabled', data: { what: what.length > 90 ? `${what.slice(0, 89)}…` : what }, ...at(ctx, source, site.node, lineSnippet(source, site.node)) });
      }
    }
  },
});
