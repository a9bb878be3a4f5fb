import type { WebhookSenderProvider } from '../plugin.js';

/**
 * Services that sign the webhooks they send, with what apisec recognises of each in a receiver: their SDK's
 * modules per language, the SDK calls that verify a delivery, and the headers only their deliveries carry.
 */
export const webhookSenders: readonly WebhookSenderProvider[] = [
  {
    service: 'stripe',
    modules: { python: ['stripe'], js: ['stripe'] },
    verifiers: [String.raw`webhooks\.constructEvent(Async)?\s*\(`, String.raw`Webhook\.construct_event\s*\(`],
  },
  {
    // GitHub's @octokit/webhooks: `webhooks.verify(…)`, `verifyAndReceive(…)`; deliveries carry `X-Hub-Signature-256`.
    service: 'github',
    modules: { js: [String.raw`@octokit\/webhooks`] },
    verifiers: [String.raw`\.webhooks\.(verify|verifyAndReceive)\s*\(`, String.raw`\bverifyAndReceive\s*\(`],
    headers: ['x-hub-'],
  },
  {
    // Svix and the Standard Webhooks libraries: `new Webhook(secret).verify(payload, headers)`.
    service: 'svix',
    modules: { python: ['svix'], js: ['svix'] },
    verifiers: [String.raw`new\s+Webhook\s*\([\s\S]{0,200}?\.verify\s*\(`, String.raw`\bWebhook\s*\([^)]*\)\s*\.verify\s*\(`, String.raw`\bwh\.verify\s*\(`],
    headers: ['svix-', 'webhook-id'],
  },
  {
    service: 'slack',
    modules: { python: ['slack_sdk'], js: [String.raw`@slack\/bolt`] },
    verifiers: [String.raw`SignatureVerifier\b`, String.raw`\bis_valid_request\s*\(`],
    headers: ['x-slack-'],
  },
  {
    // Twilio's RequestValidator (`validator.validate(url, params, signature)`) and `validateRequest`.
    service: 'twilio',
    modules: { python: ['twilio'], js: ['twilio'] },
    verifiers: [String.raw`\b\w*[vV]alidator\.validate\s*\(`, String.raw`validateRequest\s*\(`, String.raw`RequestValidator\s*\(`],
    headers: ['x-twilio'],
  },
  {
    service: 'shopify',
    modules: { python: ['shopify'], js: [String.raw`@shopify\/shopify-api`] },
    verifiers: ['validate_webhook'],
    headers: ['x-shopify-hmac'],
  },
  {
    service: 'paypal',
    modules: { python: ['paypalrestsdk'] },
    verifiers: ['verify_webhook_signature', 'verifyWebhookSignature'],
  },
  { service: 'braintree', modules: { python: ['braintree'], js: ['braintree'] } },
  { service: 'mollie', modules: { python: ['mollie'], js: [String.raw`@mollie\/api-client`] } },
  { service: 'adyen', modules: { python: ['adyen'], js: [String.raw`@adyen\/api-library`] } },
  { service: 'paddle', modules: { python: ['paddle'], js: [String.raw`@paddle\/paddle-node-sdk`] } },
  { service: 'mailgun', modules: { python: ['mailgun'], js: [String.raw`mailgun\.js`] } },
  { service: 'sendgrid', modules: { python: ['sendgrid'], js: [String.raw`@sendgrid\/eventwebhook`] } },
  { service: 'postmark', modules: { python: ['postmarker'] } },
];
