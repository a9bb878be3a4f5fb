import { at } from '../../analysis/code-auth.js';
import { expandedText, lineSnippet, handlerOf, isTestFile, isWebhookReceiver, movesMoney, sourcesOf, type HandlerInfo } from '../../analysis/code-transport.js';
import type { CheckContext } from '../../engine/context.js';
import defineCheck from '../define-check.js';

const CREATES_MONEY =
  /\b(Payment|Charge|Order|Transfer|Refund|Payout|Withdrawal|Disbursement)\w*\.(objects\.)?create\s*\(|\bprisma\.(payment|charge|order|transfer|refund|payout)\w*\.create\s*\(|\bstripe\.(charges|paymentIntents|refunds|transfers|payouts)\.create\s*\(|\bstripe\.(Charge|PaymentIntent|Refund|Transfer|Payout)\.create\s*\(|\binsert\w*\(\s*['"](payments|charges|orders|transfers|refunds|payouts)['"]|INSERT\s+INTO\s+(payments|charges|orders|transfers|refunds|payouts)\b/;
const HANDLES_KEY = /idempoten|get_or_create|update_or_create|ON\s+CONFLICT|\bupsert\b|IntegrityError|P2002/i;
const GLOBAL_MIDDLEWARE = /^.*(\.use\(|\.register\(|add_middleware|MIDDLEWARE|middleware|@|Interceptor).*idempoten.*$|^.*idempoten.*(\.use\(|\.register\(|add_middleware|middleware).*$/im;

function appWide(ctx: CheckContext): boolean {
  // Both patterns need `idempoten` on the line: files without it are not scanned line by line.
  return [...sourcesOf(ctx, 'js'), ...sourcesOf(ctx, 'python')].some((source) => /idempoten/i.test(source.text) && GLOBAL_MIDDLEWARE.test(source.text));
}

/** What money-moving code mentions: a payment provider, an amount in a currency, a balance. */
const MONEY_IN_CODE = /\b(stripe|braintree|paypal|adyen|square|razorpay|mollie|paddle|lemonsqueezy|checkout_?session|payment_?intent|amount|currency|cents|price|balance|wallet|ledger|charge|refund|payout)\b/i;

const createdCache = new WeakMap<HandlerInfo, string | null>();

/** The money-creating call a handler's body writes, read once per handler (endpoints in one Ktor routing function share it). */
function createdIn(handler: HandlerInfo): string | undefined {
  let created = createdCache.get(handler);
  if (created === undefined) createdCache.set(handler, (created = CREATES_MONEY.exec(handler.node.text)?.[0] ?? null));
  return created ?? undefined;
}

export default defineCheck({
  id: 'payment-mutation-without-idempotency-key',
  title: 'Payment mutation without idempotency handling',
  owasp: 'API6:2023',
  cwe: ['CWE-837'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code', 'inventory'],
  specCounterparts: ['payment-without-idempotency-key'],
  rationale:
    'Clients retry a POST whose answer was lost (a timeout, a dropped connection, a double click); without an idempotency key each retry charges, refunds or transfers again.',
  remediation:
    'Accept an `Idempotency-Key` header on money-moving POSTs and keep, per key, the first response: look the key up before acting, store the result in the same transaction (a unique constraint on `(merchant_id, idempotency_key)`), and return the stored response on a retry; e.g. Express `express-idempotency` / a middleware keyed by `req.get(\'Idempotency-Key\')`, Django `Payment.objects.get_or_create(idempotency_key=key, defaults=...)`. Pass the key on to the PSP (`stripe.paymentIntents.create(params, { idempotencyKey })`).',
  messages: {
    missing: '`{{endpoint}}` {{what}} without reading an `Idempotency-Key` or deduplicating retries.',
  },
  run(ctx, report) {
    if (appWide(ctx)) return;
    for (const endpoint of ctx.inventory.endpoints) {
      if (endpoint.method.toUpperCase() !== 'POST') continue;
      const handler = handlerOf(ctx, endpoint);
      if (!handler || isTestFile(handler.source.file) || isWebhookReceiver(endpoint, handler)) continue;
      const byPath = movesMoney(endpoint.path);
      const created = createdIn(handler);
      const byModel = created !== undefined;
      const record = created ? /(paymentIntents|PaymentIntent|payments?|charges?|orders?|transfers?|refunds?|payouts?|withdrawals?|disbursements?)/i.exec(created)?.[1] : undefined;
      if (!byPath && !byModel) continue;
      const expanded = expandedText(handler).text;
      // A path word alone (`/websites/{id}/transfer` hands a site to a team) is not money: the handler must show it.
      if (!byModel && !MONEY_IN_CODE.test(expanded)) continue;
      if (HANDLES_KEY.test(expanded)) continue;
      report({
        messageId: 'missing',
        data: { endpoint: `${endpoint.method} ${endpoint.path}`, what: record ? `creates a \`${record}\` record` : 'moves money or creates an order' },
        ...at(ctx, handler.source, handler.node, lineSnippet(handler.source, handler.node)),
        endpointId: endpoint.id,
        key: endpoint.id,
      });
    }
  },
});
