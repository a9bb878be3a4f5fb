import type { Node } from 'web-tree-sitter';
import { at, isPython } from '../../analysis/code-auth.js';
import { factsOf, nodesOfType, qualify, stringValue } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import defineCheck from '../define-check.js';
import { lookupTable } from '../../analysis/lookup.js';

const BASIC_AUTH: Record<string, string> = lookupTable({
  'fastapi.security.HTTPBasic': 'HTTPBasic',
  'fastapi.security.http.HTTPBasic': 'HTTPBasic',
  'flask_httpauth.HTTPBasicAuth': 'HTTPBasicAuth',
  'flask_basicauth.BasicAuth': 'BasicAuth',
  'express-basic-auth': 'express-basic-auth',
  'koa-basic-auth': 'koa-basic-auth',
  'passport-http.BasicStrategy': 'passport-http BasicStrategy',
});
const DRF_BASIC = 'rest_framework.authentication.BasicAuthentication';
// HTTPS redirects, HSTS, or a TLS listener anywhere in the workspace.
const TLS_ENFORCED =
  /Strict-Transport-Security|\bhsts\b|helmet\s*\(|fastify\/helmet|HTTPSRedirectMiddleware|SECURE_SSL_REDIRECT\s*=\s*True|SECURE_HSTS_SECONDS|Talisman\s*\(|https\.createServer|express-sslify|koa-sslify|x-forwarded-proto|ssl_certfile|ssl_keyfile|ssl_context|requireHTTPS|enforceHTTPS|https:\s*\{\s*(key|cert)/i;
// The app serves plain HTTP itself.
const PLAIN_LISTEN = /\.listen\s*\(|http\.createServer\s*\(|uvicorn\.run\s*\(|\bapp\.run\s*\(|\bserve\s*\(\s*app|manage\.py|runserver/;

function basicAuthSites(source: SourceFile): { node: Node; name: string }[] {
  const sites: { node: Node; name: string }[] = [];
  for (const call of factsOf(source).calls) {
    const name = BASIC_AUTH[call.callee];
    if (name) sites.push({ node: call.node, name });
    else if (/\.register$/.test(call.callee)) {
      const plugin = call.args[0];
      const required = plugin?.type === 'call_expression' ? stringValue(plugin.childForFieldName('arguments')?.namedChildren[0]) : undefined;
      if (/^@fastify\/basic-auth/.test(required ?? qualify(plugin, factsOf(source).imports) ?? '')) sites.push({ node: call.node, name: '@fastify/basic-auth' });
    }
  }
  if (isPython(source)) {
    for (const literal of nodesOfType(source, 'string')) {
      if (stringValue(literal) === DRF_BASIC) sites.push({ node: literal, name: 'BasicAuthentication' });
    }
  }
  return sites;
}

export default defineCheck({
  id: 'basic-auth-without-tls',
  // Its evidence is https-not-enforced's (no redirect or HSTS in the code), which is experimental because TLS is
  // usually terminated by the deployment; 0 of 1 useful on the real-world corpus: off unless --experimental.
  experimental: true,
  title: 'Basic authentication without TLS enforcement',
  owasp: 'API2:2023',
  cwe: ['CWE-319', 'CWE-523'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'Basic authentication sends the password, base64-encoded but not encrypted, on every request; served over plain HTTP it is readable by anyone on the network path, and nothing here forces HTTPS.',
  remediation:
    'Enforce HTTPS before accepting Basic credentials: FastAPI `app.add_middleware(HTTPSRedirectMiddleware)`; Django `SECURE_SSL_REDIRECT = True` with `SECURE_HSTS_SECONDS`; Flask `Talisman(app)`; Express `app.use(helmet.hsts())` behind a redirect to HTTPS. Prefer token-based authentication for APIs.',
  messages: {
    basic: '`{{name}}` takes a username and password on every request, and the app listens over plain HTTP with no HTTPS redirect or HSTS.',
  },
  run(ctx, report) {
    if (ctx.sources.some((source) => TLS_ENFORCED.test(source.text))) return;
    if (!ctx.sources.some((source) => PLAIN_LISTEN.test(source.text))) return;
    for (const source of ctx.sources) {
      for (const site of basicAuthSites(source)) {
        report({ messageId: 'basic', data: { name: site.name }, ...at(ctx, source, site.node) });
      }
    }
  },
});
