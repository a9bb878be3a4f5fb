import { appAt, appsOf, loopbackOnly, describeApp, headerMiddleware, headersNotSet } from '../../analysis/code-transport.js';
import { transportProviders } from '../../collectors/code/plugins.js';
import defineCheck from '../define-check.js';

/** The app's framework's own security-header middleware (its transport section), or the generic one. */
function fixOf(framework: string): string {
  return transportProviders().find(({ id }) => id === framework)?.provider.app?.fix?.headers ?? 'a security-header middleware';
}

export default defineCheck({
  id: 'security-headers-missing',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Security response headers missing',
  owasp: 'API8:2023',
  cwe: ['CWE-693', 'CWE-1021'],
  severity: 'low',
  confidence: 'medium',
  section: 'cors-transport',
  targets: ['code'],
  rationale:
    'Without `X-Content-Type-Options: nosniff` a browser may run an API response as script or HTML; without `X-Frame-Options` or `frame-ancestors` the API\'s pages can be framed for clickjacking; without HSTS the first request can be downgraded. These headers cost nothing and close whole classes of browser attacks.',
  remediation:
    'Add the framework\'s security-header middleware: Express / Nest `app.use(helmet())`; Fastify `await fastify.register(helmet)`; Koa `app.use(helmet())` from koa-helmet; Flask `Talisman(app)`; Django `SecurityMiddleware` with `SECURE_CONTENT_TYPE_NOSNIFF`, `SECURE_HSTS_SECONDS`, and `XFrameOptionsMiddleware`; FastAPI a middleware setting `X-Content-Type-Options: nosniff`, `X-Frame-Options: DENY`, `Content-Security-Policy: default-src \'none\'; frame-ancestors \'none\'`, `Referrer-Policy: no-referrer`. Or set them in nginx with `add_header … always;`.',
  messages: {
    missing: 'No security-header middleware covers {{app}}, and nothing sets {{headers}}: add {{fix}}.',
  },
  run(ctx, report) {
    for (const app of appsOf(ctx)) {
      // A server only its own machine reaches (an Electron app's local server on 127.0.0.1): no network path to protect.
      if (loopbackOnly(app.source)) continue;
      if (headerMiddleware(ctx, app)) continue;
      const missing = headersNotSet(ctx, app);
      if (!missing.includes('X-Content-Type-Options') && !missing.includes('X-Frame-Options')) continue;
      report({
        messageId: 'missing',
        data: { app: describeApp(app), headers: missing.map((header) => `\`${header}\``).join(', '), fix: fixOf(app.framework) },
        ...appAt(ctx, app),
      });
    }
  },
});
