import { at } from '../../analysis/code-auth.js';
import { appAt, appsOf, loopbackOnly, deploymentForcesHttps, describeApp, httpsEnforced } from '../../analysis/code-transport.js';
import { transportProviders } from '../../collectors/code/plugins.js';
import defineCheck from '../define-check.js';

/** The app's framework's own fix (its transport section), or the generic one. */
function fixOf(framework: string): string {
  return transportProviders().find(({ id }) => id === framework)?.provider.app?.fix?.https ?? 'a redirect and HSTS';
}

export default defineCheck({
  id: 'https-not-enforced',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'HTTPS not enforced',
  owasp: 'API8:2023',
  cwe: ['CWE-319', 'CWE-523'],
  severity: 'medium',
  confidence: 'medium',
  section: 'cors-transport',
  targets: ['code'],
  rationale:
    'Without a redirect to HTTPS and a `Strict-Transport-Security` header, a client that once uses `http://` (a typed URL, an old link, a downgrade by someone on the network) sends tokens, cookies and payloads in clear text.',
  remediation:
    'Redirect HTTP to HTTPS and send HSTS, in the app or in the proxy in front of it: Express `app.use(helmet())` (sends `Strict-Transport-Security`); FastAPI `app.add_middleware(HTTPSRedirectMiddleware)`; Flask `Talisman(app)`; Django `SECURE_SSL_REDIRECT = True`, `SECURE_HSTS_SECONDS = 31536000`, `SECURE_HSTS_INCLUDE_SUBDOMAINS = True`; ASP.NET Core `app.UseHttpsRedirection()` and `if (!app.Environment.IsDevelopment()) app.UseHsts();`, and JWT bearer options without `RequireHttpsMetadata = false` outside development; nginx `return 301 https://$host$request_uri;` and `add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;`.',
  messages: {
    app: 'Nothing redirects {{app}} to HTTPS or sends HSTS for it, neither in the code nor in a proxy config of the repository: add {{fix}}.',
    metadata: '`{{expression}}` lets the JWT bearer handler download the metadata and signing keys of `{{authority}}` over plain HTTP outside development: whoever sits on the network path can serve their own keys, and tokens they sign are accepted.',
  },
  run(ctx, report) {
    for (const app of appsOf(ctx)) {
      // A server only its own machine reaches (an Electron app's local server on 127.0.0.1): no network path to protect.
      if (loopbackOnly(app.source)) continue;
      if (httpsEnforced(ctx, app)) continue;
      report({
        messageId: 'app',
        data: { app: describeApp(app), fix: fixOf(app.framework) },
        ...appAt(ctx, app),
      });
    }
    // Families the driver does not read (C#): their providers read their applications and authentication options themselves.
    const own = transportProviders().filter(({ provider }) => provider.https?.apps || provider.https?.metadataOverHttp);
    for (const { id, provider } of own) {
      for (const app of provider.https?.apps?.(ctx, () => deploymentForcesHttps(ctx)) ?? []) {
        const { location, evidence } = at(ctx, app.source, app.node, app.node.text.split('\n')[0]);
        report({ messageId: 'app', data: { app: app.label, fix: fixOf(id) }, location, ...(evidence ? { evidence } : {}), key: `${id}:${app.source.file}:${app.label}` });
      }
    }
    for (const { id, provider } of own) {
      for (const hit of provider.https?.metadataOverHttp?.(ctx) ?? []) {
        const { location, evidence } = at(ctx, hit.source, hit.node);
        report({ messageId: 'metadata', data: { expression: hit.node.text, authority: hit.authority }, location, ...(evidence ? { evidence } : {}), key: `${id}-metadata:${hit.source.file}:${location.line}` });
      }
    }
  },
});
