import { at, resolveValue } from '../../analysis/code-auth.js';
import { enclosingFunction } from '../../analysis/code.js';
import { familyOf, isTestFile, lineSnippet } from '../../analysis/code-transport.js';
import { outboundRequests } from '../../analysis/outbound.js';
import defineCheck from '../define-check.js';

const SUBSCRIBER_URL =
  /\b(webhook_?url|webhookUrl|callback_?url|callbackUrl|notify_?url|notifyUrl|notification_?url|target_?url|targetUrl|delivery_?url|deliveryUrl|(subscription|subscriber|endpoint|hook|webhook|destination|listener|sub|customer_webhook)s?(\.|\[['"])(url|target|callback_url|callbackUrl|endpoint))\b/i;
const CHAT_HOOK = /slack|discord|teams|mattermost|chat|alert|pagerduty/i;
const FROM_CONFIG = /process\.env|os\.environ|getenv|settings\.|config\.|CONFIG\[/;
const SIGNED = /signature|hmac|createHmac|hmac\.new|\bsign\w*\s*\(|-Sig\b|webhook-id|svix/i;

export default defineCheck({
  id: 'webhook-sent-unsigned',
  title: 'Webhook delivered without a signature',
  owasp: 'API10:2023',
  cwe: ['CWE-345'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['code'],
  rationale:
    'Subscribers can only tell a genuine delivery from a forged one if it is signed; unsigned webhooks push every customer either to trust anything posted to their URL or to build their own authentication.',
  remediation:
    'Sign every delivery with a per-subscriber secret and send the timestamp and an event id with it: Python `sig = hmac.new(secret, f"{ts}.{body}".encode(), hashlib.sha256).hexdigest()` then `requests.post(url, data=body, headers={"Webhook-Signature": f"t={ts},v1={sig}", "Webhook-Id": event_id})`; Node `crypto.createHmac(\'sha256\', secret).update(`${ts}.${body}`).digest(\'hex\')`. Or deliver through a library such as Svix that signs for you.',
  messages: {
    unsigned: '`{{call}}` posts to the subscriber URL `{{url}}` without a signature header.',
  },
  run(ctx, report) {
    for (const source of ctx.sources) {
      if (!familyOf(source) || isTestFile(source.file)) continue;
      for (const outbound of outboundRequests(source)) {
        if (outbound.method !== 'POST' && outbound.method !== 'PUT') continue;
        const url = outbound.url;
        if (!url || !SUBSCRIBER_URL.test(url.text) || CHAT_HOOK.test(url.text)) continue;
        const resolved = resolveValue(source, url);
        if (resolved && resolved !== url && FROM_CONFIG.test(resolved.text)) continue;
        if (FROM_CONFIG.test(url.text)) continue;
        const scope = enclosingFunction(outbound.call.node) ?? outbound.call.node;
        if (SIGNED.test(scope.text)) continue;
        report({ messageId: 'unsigned', data: { call: `${outbound.call.written}(…)`, url: url.text }, ...at(ctx, source, outbound.call.node, lineSnippet(source, outbound.call.node)) });
      }
    }
  },
});
