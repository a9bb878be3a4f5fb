import { at } from '../../analysis/code-auth.js';
import { callsIn, expandedText, handlerOf, isTestFile, isWebhookReceiver } from '../../analysis/code-transport.js';
import defineCheck from '../define-check.js';
import { effectBodies } from './js.js';

// Writes that do something new each time they run; `update(…, { status })` is a set and is idempotent.
const ACCUMULATES =
  /(^|\.)(insert\w*|create\w*|add|send\w*|enqueue|publish|delay|apply_async|increment\w*|incr|incrby|credit\w*|grant\w*|provision\w*|fulfil\w*|fulfill\w*|ship\w*|email\w*|notify\w*|push)$/i;
const DEDUPLICATES =
  /\b(event|evt|payload|body|data|notification|delivery)\s*(\.|\[\s*['"])id\b|event_?id|eventId|delivery_?id|deliveryId|X-GitHub-Delivery|webhook-id|svix-id|idempoten|processed|already|get_or_create|update_or_create|ON\s+CONFLICT|upsert|IntegrityError|P2002|\bunique\b|dedup|\bseen\b/i;
/** What the methods an effect reaches write when a redelivery changes nothing: an upsert keyed on the record, an insert that ignores conflicts. */
const SETS_IN_PLACE = /\bupsert\b|ON\s+CONFLICT|\bonConflict\w*|\borIgnore\b|\bidempoten/i;

export default defineCheck({
  id: 'webhook-event-not-idempotent',
  title: 'Webhook events processed without deduplication',
  owasp: 'API6:2023',
  cwe: ['CWE-837'],
  severity: 'low',
  confidence: 'low',
  section: 'input-validation',
  targets: ['code', 'inventory'],
  rationale:
    'Providers deliver webhooks at least once and retry on timeouts, so the same event arrives more than once; a handler that creates records, sends mail or credits balances on every delivery does it twice.',
  remediation:
    'Record each event id before acting and skip ids already seen, in the same transaction as the change: Django `ProcessedEvent.objects.get_or_create(event_id=event["id"])`; SQL `INSERT INTO processed_events (id) VALUES ($1) ON CONFLICT DO NOTHING` and act only when a row was inserted; Redis `SET webhook:<id> 1 NX EX 604800`.',
  messages: {
    duplicate: 'The webhook receiver `{{endpoint}}` calls `{{effect}}` on every delivery without recording the event id.',
  },
  run(ctx, report) {
    for (const endpoint of ctx.inventory.endpoints) {
      const handler = handlerOf(ctx, endpoint);
      if (!handler || isTestFile(handler.source.file) || !isWebhookReceiver(endpoint, handler)) continue;
      const effect = callsIn(handler.source, handler.node).find(
        (call) => ACCUMULATES.test(call.written) && !/^(res|reply|ctx|response|logger|log|console|JSON)\./.test(call.written) && !/(^|\.)(headers|META)\./.test(call.written),
      );
      if (!effect || DEDUPLICATES.test(expandedText(handler).text)) continue;
      // An injected service's `createSubscription(event)` that ends in `subscription.upsert({ where: … })`: a redelivery rewrites the same row.
      const reached = effectBodies(ctx, handler.source, effect.node, effect.written, (written) => ACCUMULATES.test(written));
      if (reached.some((text) => SETS_IN_PLACE.test(text))) continue;
      report({ messageId: 'duplicate', data: { endpoint: `${endpoint.method} ${endpoint.path}`, effect: `${effect.written}()` }, ...at(ctx, handler.source, effect.node), endpointId: endpoint.id });
    }
  },
});
