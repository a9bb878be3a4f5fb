import { calibrate, operations, stringAt, type Operation } from '../../analysis/openapi.js';
import { calibrateFor, callbackOperations, headerParameter, rootChild } from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const SIGNATURE = /signature|hmac|(^|-)sig$/;
const TIMESTAMP = /timestamp|(^|-)time$/;
// These signature headers carry the signed timestamp inside their value (`t=…,v1=…`).
const TIMESTAMPED_SIGNATURES = new Set(['stripe-signature']);

export default defineCheck({
  id: 'webhook-signature-undocumented',
  title: 'Webhook or callback without a documented signature',
  owasp: 'API2:2023',
  cwe: ['CWE-345', 'CWE-294'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['openapi'],
  rationale:
    'A webhook receiver is a public URL: unless each delivery carries an HMAC signature over the body and a signed timestamp, anyone can post forged events (a fake `payment.succeeded`) or replay a captured one, and receivers built from the spec have nothing to verify.',
  remediation:
    'Sign every delivery with HMAC-SHA256 over `timestamp.body` and document both headers on the webhook or callback operation (`parameters: [{ name: Webhook-Signature, in: header, required: true }, { name: Webhook-Timestamp, in: header, required: true }]`), stating that receivers must reject deliveries older than five minutes.',
  messages: {
    noSignature: 'The {{kind}} `{{name}}` documents no signature header that receivers could verify.',
    noTimestamp: 'The {{kind}} `{{name}}` is signed with `{{header}}` but documents no signed timestamp, so deliveries can be replayed.',
    document: 'None of the {{count}} webhook and callback deliveries, starting with `{{name}}`, documents a signature header.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const callbacks = callbackOperations(ctx, doc);
      const deliveries: Operation[] = [...operations(ctx, doc).filter((op) => op.isWebhook), ...callbacks];
      const callbackSet = new Set(callbacks);
      const describe = (op: Operation): { kind: string; name: string } => ({
        kind: callbackSet.has(op) ? 'callback' : 'webhook',
        name: `${op.path} (${op.method.toUpperCase()})`,
      });
      const unsigned: Operation[] = [];
      for (const op of deliveries) {
        const signature = headerParameter(op, (name) => SIGNATURE.test(name));
        if (!signature) {
          unsigned.push(op);
          continue;
        }
        const header = stringAt(signature, 'name') ?? '';
        const timestamped =
          TIMESTAMPED_SIGNATURES.has(header.toLowerCase()) ||
          /timestamp|\bt=/i.test(stringAt(signature, 'description') ?? '') ||
          headerParameter(op, (name) => TIMESTAMP.test(name)) !== undefined;
        if (timestamped) continue;
        report({
          messageId: 'noTimestamp',
          data: { ...describe(op), header },
          location: doc.locate(op.node),
          severity: calibrate('low', op.endpoint),
          evidence: { snippet: `${header}: no timestamp header` },
        });
      }
      // When nothing in the document is signed, the cause is the provider's, not each delivery's: one finding
      // for the document as soon as two deliveries share it (the threshold of other root findings is about
      // operations that may differ on purpose; deliveries of one provider are signed by one mechanism or none).
      if (unsigned.length > 1 && unsigned.length === deliveries.length) {
        const first = unsigned[0];
        if (!first) continue;
        const webhooks = rootChild(doc, 'webhooks');
        report({
          messageId: 'document',
          data: { count: unsigned.length, name: describe(first).name },
          location: doc.locate(first.isWebhook && !callbackSet.has(first) && webhooks ? webhooks : first.node),
          severity: calibrateFor('medium', unsigned),
          occurrences: unsigned.length,
          evidence: { snippet: 'no signature header on any delivery' },
        });
        continue;
      }
      for (const op of unsigned) {
        report({
          messageId: 'noSignature',
          data: describe(op),
          location: doc.locate(op.node),
          severity: calibrate('medium', op.endpoint),
          evidence: { snippet: `${op.method}: no signature header` },
        });
      }
    }
  },
});
