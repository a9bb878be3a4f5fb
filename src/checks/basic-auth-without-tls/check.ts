import type { Node } from 'web-tree-sitter';
import { at } from '../../analysis/code-auth.js';
import { factsOf } from '../../analysis/code.js';
import type { SourceFile } from '../../engine/context.js';
import { basicAuthProviders } from '../../collectors/code/plugins.js';
import defineCheck from '../define-check.js';
import { lookupTable } from '../../analysis/lookup.js';

// HTTPS redirects, HSTS, or a TLS listener anywhere in the workspace: the generic names, then the frameworks' (their `basicAuth` sections).
const GENERIC_TLS = [String.raw`Strict-Transport-Security|\bhsts\b|https\.createServer|x-forwarded-proto|ssl_certfile|ssl_keyfile|ssl_context|requireHTTPS|enforceHTTPS`];
// The app serves plain HTTP itself.
const GENERIC_PLAIN = [String.raw`\.listen\s*\(|http\.createServer\s*\(|\bserve\s*\(\s*app`];

let tables: { calls: Readonly<Record<string, string>>; tls: RegExp; plain: RegExp } | undefined;

function joined(): NonNullable<typeof tables> {
  const providers = basicAuthProviders();
  tables ??= {
    calls: lookupTable(Object.fromEntries(providers.flatMap((provider) => Object.entries(provider.calls ?? {})))),
    tls: new RegExp([...GENERIC_TLS, ...providers.flatMap((provider) => provider.tls ?? [])].join('|'), 'i'),
    plain: new RegExp([...GENERIC_PLAIN, ...providers.flatMap((provider) => provider.plainListen ?? [])].join('|')),
  };
  return tables;
}

function basicAuthSites(source: SourceFile): { node: Node; name: string }[] {
  const sites: { node: Node; name: string }[] = [];
  const { calls } = joined();
  for (const call of factsOf(source).calls) {
    const name = calls[call.callee];
    if (name) sites.push({ node: call.node, name });
  }
  for (const provider of basicAuthProviders()) if (provider.sites) sites.push(...provider.sites(source));
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
    const { tls, plain } = joined();
    if (ctx.sources.some((source) => tls.test(source.text))) return;
    if (!ctx.sources.some((source) => plain.test(source.text))) return;
    for (const source of ctx.sources) {
      for (const site of basicAuthSites(source)) {
        report({ messageId: 'basic', data: { name: site.name }, ...at(ctx, source, site.node) });
      }
    }
  },
});
