import { corsPolicies, judgeOriginRegex, policyAt } from '../../analysis/code-transport.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'cors-origin-regex-too-broad',
  title: 'CORS origin pattern matches foreign origins',
  owasp: 'API8:2023',
  cwe: ['CWE-942', 'CWE-185'],
  severity: 'medium',
  confidence: 'high',
  section: 'cors-transport',
  targets: ['code', 'inventory'],
  rationale:
    'An origin pattern without anchors or with unescaped dots also matches domains anyone can register (`example.com.evil.io`, `evil-example.com`, `apixexample.com`); a page there is then trusted as if it were the company\'s own front end.',
  remediation:
    'Anchor the pattern at both ends and escape every dot: `/^https:\\/\\/([a-z0-9-]+\\.)?example\\.com$/` in Express `cors({ origin: [...] })`; FastAPI `allow_origin_regex=r"https://([a-z0-9-]+\\.)?example\\.com"` (Starlette matches it in full); Django `CORS_ALLOWED_ORIGIN_REGEXES = [r"^https://([a-z0-9-]+\\.)?example\\.com$"]`. Prefer a list of exact origins.',
  messages: {
    broad: 'The origin pattern `{{pattern}}` in `{{label}}` also accepts `{{example}}`{{credentials}}.',
  },
  run(ctx, report) {
    for (const policy of corsPolicies(ctx)) {
      if (policy.origins.kind !== 'list') continue;
      for (const entry of policy.origins.entries) {
        if (!entry.regex) continue;
        const verdict = judgeOriginRegex(entry.value, entry.regex.flags, entry.regex.semantics);
        if (verdict?.kind !== 'broad') continue;
        report({
          messageId: 'broad',
          data: { pattern: entry.value, label: policy.label, example: verdict.example, credentials: policy.credentials ? ', with credentials' : '' },
          ...policyAt(ctx, policy, entry.node),
          ...(policy.credentials ? { severity: 'high' as const } : {}),
        });
      }
    }
  },
});
