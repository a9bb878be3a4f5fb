import { corsPolicies, nullOriginNode, policyAt } from '../../analysis/code-transport.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'cors-null-origin-allowed',
  title: 'CORS allows the `null` origin',
  owasp: 'API8:2023',
  cwe: ['CWE-942', 'CWE-346'],
  severity: 'medium',
  confidence: 'high',
  section: 'cors-transport',
  targets: ['code', 'inventory'],
  rationale:
    'Browsers send `Origin: null` from sandboxed iframes, `data:` URLs and local files, all of which an attacker controls; allowing `null` lets any page read the API\'s responses (with the user\'s cookies when credentials are allowed).',
  remediation:
    'Remove `null` from the allowed origins and list only real HTTPS origins: Express `cors({ origin: [\'https://app.example.com\'] })`; FastAPI `allow_origins=["https://app.example.com"]`; Django `CORS_ALLOWED_ORIGINS = ["https://app.example.com"]`. Serve local tools from `http://localhost:<port>` if they need access.',
  messages: {
    nullOrigin: '`{{label}}` allows the `null` origin{{credentials}}.',
  },
  run(ctx, report) {
    for (const policy of corsPolicies(ctx)) {
      const node = nullOriginNode(policy);
      if (!node) continue;
      const where = node === 'line' ? policyAt(ctx, policy) : policyAt(ctx, policy, node);
      report({
        messageId: 'nullOrigin',
        data: { label: policy.label, credentials: policy.credentials ? ', with credentials' : '' },
        ...where,
        ...(policy.credentials ? { severity: 'high' as const } : {}),
      });
    }
  },
});
