import { at } from '../../analysis/code-auth.js';
import {
  CONSTANT_TIME,
  MANUAL_HMAC,
  VERIFY_HELPER,
  expandedText,
  firstSideEffect,
  handlerOf,
  isTestFile,
  isWebhookReceiver,
  lineSnippet,
  readsBody,
  verifiedByMiddleware,
  verifiesSignature,
  webhookLibraries,
} from '../../analysis/code-transport.js';
import defineCheck from '../define-check.js';

let verification: RegExp | undefined;

/** Any way a handler verifies a signature: a service SDK's call, a verification helper, an HMAC, a constant-time comparison. */
function verificationPattern(): RegExp {
  verification ??= new RegExp(`${webhookLibraries().source}|${VERIFY_HELPER.source}|${MANUAL_HMAC.source}|${CONSTANT_TIME.source}`, 'i');
  return verification;
}

export default defineCheck({
  id: 'webhook-signature-not-verified',
  // Under 50% useful precision on the real-world corpus (bench/realworld): off unless --experimental.
  experimental: true,
  title: 'Webhook processed without signature verification',
  owasp: 'API8:2023',
  cwe: ['CWE-345', 'CWE-347'],
  severity: 'high',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code', 'inventory'],
  rationale:
    'A webhook URL is public and easy to guess; if the receiver acts on the body without checking the sender\'s HMAC signature, anyone can post a forged `payment.succeeded` or `invoice.paid` event and have orders shipped, balances credited or accounts upgraded.',
  remediation:
    'Verify the signature over the raw body before doing anything else: Stripe `stripe.webhooks.constructEvent(req.body /* express.raw() */, req.headers[\'stripe-signature\'], endpointSecret)` / Python `stripe.Webhook.construct_event(payload, sig_header, endpoint_secret)`; GitHub `@octokit/webhooks` `webhooks.verify(body, signature)`; Svix `new Webhook(secret).verify(payload, headers)`; otherwise `hmac.compare_digest(hmac.new(secret, f"{timestamp}.{body}".encode(), hashlib.sha256).hexdigest(), signature)` (Node `crypto.createHmac` + `crypto.timingSafeEqual`) and reject timestamps older than 5 minutes.',
  messages: {
    missing: 'The webhook receiver `{{endpoint}}` processes the request without verifying a signature.',
    late: 'The webhook receiver `{{endpoint}}` calls `{{effect}}` before it verifies the signature.',
  },
  run(ctx, report) {
    for (const endpoint of ctx.inventory.endpoints) {
      const handler = handlerOf(ctx, endpoint);
      if (!handler || isTestFile(handler.source.file) || !isWebhookReceiver(endpoint, handler)) continue;
      const { text } = expandedText(handler);
      const name = `${endpoint.method} ${endpoint.path}`;
      const effect = firstSideEffect(handler);
      if (verifiesSignature(text) || verifiedByMiddleware(ctx, endpoint, handler)) {
        const body = handler.node.text;
        const verifiedAt = verificationPattern().exec(body)?.index;
        const declaredBefore = handler.routeText.indexOf(body);
        const verifiedOutside = verificationPattern().test(handler.routeText.slice(0, Math.max(0, declaredBefore)));
        if (effect && verifiedAt !== undefined && !verifiedOutside && effect.node.startIndex - handler.node.startIndex < verifiedAt) {
          report({ messageId: 'late', data: { endpoint: name, effect: `${effect.written}()` }, ...at(ctx, handler.source, handler.node, lineSnippet(handler.source, handler.node)), endpointId: endpoint.id, key: endpoint.id });
        }
        continue;
      }
      if (!effect && !readsBody(handler.node.text)) continue;
      report({ messageId: 'missing', data: { endpoint: name }, ...at(ctx, handler.source, handler.node, lineSnippet(handler.source, handler.node)), endpointId: endpoint.id, key: endpoint.id });
    }
  },
});
