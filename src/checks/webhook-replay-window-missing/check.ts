import type { Node } from 'web-tree-sitter';
import { at } from '../../analysis/code-auth.js';
import { findCalls } from '../../analysis/code.js';
import { MANUAL_HMAC, expandedText, handlerOf, isTestFile, isWebhookReceiver, verifiesSignature, webhookLibraries } from '../../analysis/code-transport.js';
import { durationSeconds } from '../../analysis/code-auth.js';
import defineCheck from '../define-check.js';
import { parentOf } from '../../parsing/tree-index.js';

const TIMESTAMP = /timestamp|tolerance|\btime\.time\s*\(|Date\.now\s*\(|datetime\.(datetime\.)?(now|utcnow)\s*\(|timezone\.now\s*\(|\bmax_?age\b|\breplay\b|\bnonce\b|-Time['"]|webhook-id|svix-id/i;
// GitHub signs no timestamp: its deliveries are deduplicated by `X-GitHub-Delivery` instead.
const NO_TIMESTAMP_PROVIDER = /X-Hub-Signature|x-github|X-Shopify-Hmac|X-Twilio-Signature/i;

export default defineCheck({
  id: 'webhook-replay-window-missing',
  title: 'Webhook signature accepted without a replay window',
  owasp: 'API8:2023',
  cwe: ['CWE-294'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code', 'inventory'],
  rationale:
    'A valid signature proves who sent a webhook, not when: anyone who once saw a signed delivery (a log, a proxy, a retry queue) can post it again days later and have a payment credited or an order fulfilled twice.',
  remediation:
    'Sign and check a timestamp with the body and reject old deliveries: Python `if abs(time.time() - int(timestamp)) > 300: abort(400)` before `hmac.compare_digest(hmac.new(secret, f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest(), signature)`; Node `if (Math.abs(Date.now() / 1000 - Number(timestamp)) > 300) return res.sendStatus(400)`. Stripe\'s `constructEvent` does this by default with a 300-second tolerance: keep it. Record event ids as well.',
  messages: {
    manual: '`{{where}}` checks the webhook HMAC but never checks a timestamp, so a captured delivery can be replayed.',
    tolerance: '`{{call}}` accepts signed events up to {{seconds}} seconds old.',
  },
  run(ctx, report) {
    const seen = new Set<number>();
    for (const endpoint of ctx.inventory.endpoints) {
      const handler = handlerOf(ctx, endpoint);
      if (!handler || isTestFile(handler.source.file) || !isWebhookReceiver(endpoint, handler)) continue;
      const { text, helpers } = expandedText(handler);
      if (!verifiesSignature(text) || webhookLibraries().test(text) || !MANUAL_HMAC.test(text)) continue;
      if (TIMESTAMP.test(text) || NO_TIMESTAMP_PROVIDER.test(text)) continue;
      const where: Node = helpers.find((helper) => MANUAL_HMAC.test(helper.text)) ?? handler.node;
      if (seen.has(where.id)) continue;
      seen.add(where.id);
      const label = where === handler.node ? `${endpoint.method} ${endpoint.path}` : (parentOf(where)?.childForFieldName('name')?.text ?? where.childForFieldName('name')?.text ?? 'the verification helper');
      report({ messageId: 'manual', data: { where: label }, ...at(ctx, handler.source, where), ...(where === handler.node ? { endpointId: endpoint.id } : {}), key: endpoint.id });
    }
    for (const source of ctx.sources) {
      if (isTestFile(source.file)) continue;
      for (const call of findCalls(source, (callee) => /webhooks\.constructEvent(Async)?$|Webhook\.construct_event$/.test(callee))) {
        const tolerance = call.kwargs.get('tolerance') ?? call.args[3];
        const seconds = durationSeconds(source, tolerance);
        if (seconds === undefined || seconds <= 600) continue;
        report({ messageId: 'tolerance', data: { call: `${call.written}(…)`, seconds }, ...at(ctx, source, call.node) });
      }
    }
  },
});
