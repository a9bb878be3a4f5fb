import { apiKeyLifecycle } from '../api-key-stored-in-plaintext/lifecycle.js';
import defineCheck from '../define-check.js';

export default defineCheck({
  id: 'api-key-without-scope',
  // Under 50% useful precision on the real-world corpus (bench/realworld, 1 of 3 useful: personal access tokens that act as their user are unscoped by design; the checklist's API-key item reads the key models itself): off unless --experimental.
  experimental: true,
  title: 'API key without scopes',
  owasp: 'API2:2023',
  cwe: ['CWE-272'],
  severity: 'low',
  confidence: 'medium',
  section: 'authentication',
  targets: ['code'],
  rationale:
    "A key that carries no scope acts with every permission of its owner: the key pasted into a CI job or a partner's integration to read one report can also delete the account's data, and a leaked key cannot be narrowed without breaking every use of it.",
  remediation:
    "Give every key a scope list (or a read-only flag) chosen when it is issued and checked on each request: a `scopes` column (`ArrayField(models.CharField(...))`, `scopes String[]` in Prisma, `scopes: [String]` in Mongoose) that the authentication dependency compares with the operation's required scope, e.g. FastAPI `Security(get_key, scopes=['reports:read'])`, and an environment or `live`/`test` prefix so test keys never reach production data.",
  messages: {
    unscoped: 'API keys in `{{model}}` ({{columns}}) have no scope, permission or read-only column{{anchor}}, so every key acts with all the permissions of its owner.',
  },
  run(ctx, report) {
    for (const store of apiKeyLifecycle(ctx).stores) {
      if (store.scopeColumn) continue;
      // The model is shown to hold keys by its use, not by its name alone.
      const anchor = store.lookups[0]
        ? `; presented keys are looked up in it at ${store.lookups[0].source.file}:${store.lookups[0].call.node.startPosition.row + 1}`
        : store.digestColumn
          ? `; it stores key digests (\`${store.digestColumn}\`)`
          : store.generatedPlaintext
            ? `; its \`${store.keyColumn ?? 'key'}\` column generates the key`
            : undefined;
      if (anchor === undefined) continue;
      report({
        messageId: 'unscoped',
        data: { model: store.model, columns: store.fields.slice(0, 8).map((field) => `\`${field}\``).join(', ') + (store.fields.length > 8 ? ', …' : ''), anchor },
        location: store.location,
        evidence: { snippet: `${store.model}: ${store.fields.slice(0, 8).join(', ')}` },
        key: store.model,
      });
    }
  },
});
