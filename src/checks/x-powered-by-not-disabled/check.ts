import { appAt, appContext, appsOf, describeApp, configLines, infraOf, poweredByDefault, poweredByHidden } from '../../analysis/code-transport.js';
import defineCheck from '../define-check.js';

const PROXY_HIDES = /^(proxy_hide_header|more_clear_headers)\s+['"]?X-Powered-By/i;

export default defineCheck({
  id: 'x-powered-by-not-disabled',
  // Under 50% useful precision on the real-world corpus (bench/realworld, 0 of 4 useful: the header is hygiene every reader judged noise): off unless --experimental.
  experimental: true,
  title: 'Server technology disclosed in response headers',
  owasp: 'API8:2023',
  cwe: ['CWE-200', 'CWE-497'],
  severity: 'low',
  confidence: 'high',
  section: 'cors-transport',
  targets: ['code'],
  rationale:
    '`X-Powered-By: Express` and nginx\'s version in `Server` tell an attacker which framework and version to look up exploits for, on every response, at no cost to them.',
  remediation:
    'Turn the disclosure off: Express `app.disable(\'x-powered-by\')` or `app.use(helmet())`; Nest `app.getHttpAdapter().getInstance().disable(\'x-powered-by\')` or `app.use(helmet())`; nginx `server_tokens off;` (and `proxy_hide_header X-Powered-By;`).',
  messages: {
    poweredBy: 'Nothing disables the `X-Powered-By: {{value}}` header that {{app}} sends.',
    serverTokens: '`server_tokens on` puts the nginx version in every `Server` header.',
  },
  run(ctx, report) {
    const proxyHides = infraOf(ctx, ['nginx']).some((file) => configLines(file).some((line) => PROXY_HIDES.test(line.text)));
    for (const app of appsOf(ctx)) {
      // The framework's default (its transport section's `poweredBy`), unless the code or the proxy hides it.
      const value = proxyHides ? undefined : poweredByDefault(app);
      if (value === undefined || poweredByHidden(appContext(ctx, app), app.family)) continue;
      report({
        messageId: 'poweredBy',
        data: { app: describeApp(app), value },
        ...appAt(ctx, app),
      });
    }
    for (const file of infraOf(ctx, ['nginx'])) {
      for (const line of configLines(file)) {
        if (!/^server_tokens\s+on\s*;/.test(line.text)) continue;
        report({ messageId: 'serverTokens', location: { file: file.file, line: line.line }, evidence: { snippet: line.text }, key: line.text });
      }
    }
  },
});
