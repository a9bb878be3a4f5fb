import { at } from '../../analysis/code-auth.js';
import defineCheck from '../define-check.js';
import { apiKeyLifecycle } from './lifecycle.js';
import { credentialLookups, normalise } from './lookups.js';

export default defineCheck({
  id: 'api-key-stored-in-plaintext',
  title: 'API key stored in plaintext',
  owasp: 'API2:2023',
  cwe: ['CWE-256', 'CWE-312'],
  severity: 'medium',
  confidence: 'medium',
  section: 'authentication',
  targets: ['code'],
  rationale:
    'Looking up the key a client presents by equality means the database holds every key as issued: a SQL injection, a leaked backup or a read-only replica credential hands an attacker working keys for every customer, and equality lookups also leak timing.',
  remediation:
    'Store only a digest of each API key and look it up by the digest: Python `ApiKey.objects.get(key_hash=hashlib.sha256(raw.encode()).hexdigest())`; Node `prisma.apiKey.findUnique({ where: { keyHash: createHash("sha256").update(raw).digest("hex") } })`. Keys are random, so an unsalted SHA-256 is enough; show the key once at creation, keep a short public prefix to identify it, or use `djangorestframework-api-key`, which stores hashed keys.',
  messages: {
    generated: 'The `{{column}}` column of `{{model}}` generates each key ({{declaration}}) and keeps it as issued, so the database stores every API key in plaintext.',
    plaintext: '`{{lookup}}` looks up the presented {{what}} `{{value}}` by equality on the `{{column}}` column, so the database stores every {{what}} in plaintext.',
  },
  run(ctx, report) {
    const plaintextModels = new Set<string>();
    for (const { source, call, lookup, hashed, stored, modelName } of credentialLookups(ctx)) {
      if (hashed) continue;
      if (modelName !== undefined) plaintextModels.add(modelName.toLowerCase().replace(/s$/, ''));
      const written = call.node.text.replace(/\s+/g, ' ');
      const value = lookup.value.text.replace(/\s+/g, ' ');
      const column = normalise(lookup.column);
      report({
        messageId: 'plaintext',
        data: {
          lookup: written.length > 80 ? `${written.slice(0, 79)}…` : written,
          what: /token/.test(column) ? 'token' : 'API key',
          column: lookup.column,
          value: value.length > 60 ? `${value.slice(0, 59)}…` : value,
        },
        ...(stored ? { confidence: 'high' as const } : {}),
        ...at(ctx, source, call.node),
      });
    }
    // A key column whose default generates the key: reported once, where no plaintext lookup of the model already says it.
    for (const store of apiKeyLifecycle(ctx).stores) {
      const generated = store.generatedPlaintext;
      if (!generated || plaintextModels.has(store.model.toLowerCase().replace(/s$/, ''))) continue;
      report({
        messageId: 'generated',
        data: { column: store.keyColumn ?? 'key', model: store.model, declaration: `\`${generated.snippet.length > 70 ? `${generated.snippet.slice(0, 69)}…` : generated.snippet}\`` },
        location: generated.location,
        evidence: { snippet: generated.snippet },
        key: `${store.model}.${store.keyColumn ?? ''}`,
      });
    }
  },
});
