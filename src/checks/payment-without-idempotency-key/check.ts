import { calibrate, operationLabel, type Operation } from '../../analysis/openapi.js';
import {
  ROOT_FINDING_THRESHOLD,
  calibrateFor,
  endpointOf,
  headerParameter,
  rootChild,
  servedOperations,
  staticSegments,
} from '../../analysis/openapi-security.js';
import defineCheck from '../define-check.js';

const MONEY = new Set([
  'payments', 'payment', 'paymentintents', 'pay', 'charges', 'refunds', 'transfers', 'payouts', 'orders', 'checkout',
  'checkouts', 'transactions', 'disbursements', 'remittances', 'withdrawals', 'deposits', 'topups', 'purchases',
]);
// Singular verbs are ambiguous alone (`POST /repos/{repo}/transfer` moves a repository): they need a money context.
const ACTIONS = new Set(['capture', 'confirm', 'pay', 'refund', 'refunds', 'transfer', 'charge', 'payout', 'execute', 'submit', 'complete', 'authorize', 'sessions', 'place']);
const MONEY_CONTEXT = new Set([...MONEY, 'accounts', 'wallets', 'balances', 'cards', 'invoices']);
// POSTs that only read or simulate: nothing is charged twice when they are retried.
const READ_ONLY_ACTIONS = new Set(['search', 'query', 'validate', 'validation', 'preview', 'quote', 'quotes', 'estimate', 'calculate', 'simulate', 'list', 'export', 'count']);

const IDEMPOTENCY_HEADER = (name: string): boolean => /idempoten/.test(name);

function movesMoney(op: Operation): boolean {
  if (op.method !== 'post') return false;
  const segments = staticSegments(op.path);
  const last = segments[segments.length - 1];
  if (last === undefined || READ_ONLY_ACTIONS.has(last)) return false;
  if (MONEY.has(last)) return true;
  return ACTIONS.has(last) && segments.slice(0, -1).some((segment) => MONEY_CONTEXT.has(segment));
}

export default defineCheck({
  id: 'payment-without-idempotency-key',
  title: 'Payment operation without an idempotency key',
  owasp: 'API6:2023',
  cwe: ['CWE-837'],
  severity: 'medium',
  confidence: 'medium',
  section: 'input-validation',
  targets: ['openapi'],
  rationale:
    'Networks time out and clients retry: without an idempotency key, a retried `POST /payments` charges twice, a replayed transfer moves money twice, and an attacker can replay a captured request to duplicate an order.',
  remediation:
    'Accept an `Idempotency-Key` header on the operation (`parameters: [{ name: Idempotency-Key, in: header, required: true, schema: { type: string, maxLength: 255 } }]`), store the first response under that key for 24 hours, and return it unchanged on retries.',
  messages: {
    missing: '`{{operation}}` moves money or creates an order but accepts no `Idempotency-Key` header.',
    document: 'None of the {{count}} operations that move money or create orders, starting with `{{operation}}`, accepts an `Idempotency-Key` header.',
  },
  run(ctx, report) {
    for (const doc of ctx.specs) {
      const served = servedOperations(ctx, doc);
      const missing = served.filter((op) => movesMoney(op) && !headerParameter(op, IDEMPOTENCY_HEADER));
      const first = missing[0];
      if (!first) continue;
      // An API that documents no idempotency key anywhere has one missing convention, not one gap per operation.
      const conventionMissing = !served.some((op) => headerParameter(op, IDEMPOTENCY_HEADER));
      if (conventionMissing && missing.length > ROOT_FINDING_THRESHOLD) {
        report({
          messageId: 'document',
          data: { count: missing.length, operation: operationLabel(first) },
          location: doc.locate(rootChild(doc, 'paths') ?? first.node),
          severity: calibrateFor('medium', missing),
          occurrences: missing.length,
          evidence: { snippet: 'Idempotency-Key: not documented', operations: missing.slice(0, 10).map(operationLabel) },
        });
        continue;
      }
      for (const op of missing) {
        report({
          messageId: 'missing',
          data: { operation: operationLabel(op) },
          location: doc.locate(op.node),
          ...endpointOf(op),
          severity: calibrate('medium', op.endpoint),
          evidence: { snippet: `${op.method}: no Idempotency-Key header` },
        });
      }
    }
  },
});
