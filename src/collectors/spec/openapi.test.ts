import { describe, expect, it } from 'vitest';
import type { Endpoint } from '../../model/types.js';
import { collectOpenApi, isWebhookPath } from './openapi.js';
import { config, loadFixture } from './fixtures/helpers.js';

function byId(endpoints: Endpoint[], id: string): Endpoint {
  const endpoint = endpoints.find((candidate) => candidate.id === id);
  if (!endpoint) throw new Error(`no endpoint ${id}; have ${endpoints.map((candidate) => candidate.id).join(', ')}`);
  return endpoint;
}

describe('collectOpenApi on an OpenAPI 3.0 YAML spec', () => {
  const { api, endpoints, diagnostics } = collectOpenApi(loadFixture('payments-3.0.yaml'), config());

  it('inventories one endpoint per operation, in document order, with the operation line', () => {
    expect(endpoints.map((endpoint) => `${endpoint.id} @${endpoint.sources[0]?.location.line ?? 0}`)).toEqual([
      'payments-api GET /v1/payments @18',
      'payments-api POST /v1/payments @37',
      'payments-api GET /v1/payments/{paymentId} @66',
      'payments-api DELETE /v1/payments/{paymentId} @81',
      'payments-api GET /v1/customers/{customerId} @90',
      'payments-api GET /v1/categories @106',
      'payments-api GET /health @117',
    ]);
    expect(endpoints[0]?.sources).toEqual([{ kind: 'spec', via: 'openapi-3.0', location: { file: 'payments-3.0.yaml', line: 18, column: 5, pointer: '/paths/~1v1~1payments/get' } }]);
    expect(diagnostics).toEqual([]);
  });

  it('merges path-level and operation-level parameters, refs included, the operation winning', () => {
    expect(byId(endpoints, 'payments-api GET /v1/payments/{paymentId}').parameters).toEqual([
      { name: 'paymentId', in: 'path', required: true, type: 'string' },
      { name: 'expand', in: 'query', required: true, type: 'boolean' },
    ]);
    expect(byId(endpoints, 'payments-api DELETE /v1/payments/{paymentId}').parameters).toEqual([
      { name: 'paymentId', in: 'path', required: true, type: 'string' },
      { name: 'expand', in: 'query', type: 'string' },
    ]);
    expect(byId(endpoints, 'payments-api GET /v1/payments').parameters).toEqual([
      { name: 'page_size', in: 'query', type: 'integer' },
      { name: 'status', in: 'query', type: 'string' },
    ]);
  });

  it('notes request-body fields', () => {
    expect(byId(endpoints, 'payments-api POST /v1/payments').parameters).toEqual([
      { name: 'Idempotency-Key', in: 'header', required: true, type: 'string' },
      { name: 'card_number', in: 'body', required: true, type: 'string' },
      { name: 'amount', in: 'body', type: 'integer' },
    ]);
  });

  it('reads auth from global security, operation overrides and `security: []`', () => {
    expect(byId(endpoints, 'payments-api GET /v1/payments').auth).toEqual({
      state: 'protected',
      mechanisms: ['jwt'],
      where: { file: 'payments-3.0.yaml', line: 14, column: 1, pointer: '/security' },
      scope: 'global',
      detail: 'security: [bearerJwt]',
    });
    expect(byId(endpoints, 'payments-api GET /health').auth).toMatchObject({ state: 'public', mechanisms: ['none'], scope: 'route', detail: 'security: []' });
    expect(api.authMechanisms).toEqual(['jwt']);
  });

  it('records deprecation, sunset and version', () => {
    const voided = byId(endpoints, 'payments-api DELETE /v1/payments/{paymentId}');
    expect(voided).toMatchObject({ deprecated: true, sunset: '2024-03-01', version: 'v1' });
    expect(api.deprecatedEndpointIds).toEqual(['payments-api DELETE /v1/payments/{paymentId}']);
    expect(byId(endpoints, 'payments-api GET /health').version).toBe('v1');
  });

  it('classifies sensitivity from fields across refs and files', () => {
    expect(byId(endpoints, 'payments-api POST /v1/payments')).toMatchObject({ tier: 'critical', tierReason: 'field `card_number` in request body' });
    expect(byId(endpoints, 'payments-api GET /v1/customers/{customerId}')).toMatchObject({ tier: 'high', tierReason: 'field `email` in response' });
    expect(byId(endpoints, 'payments-api GET /v1/categories')).toMatchObject({ tier: 'low', tierReason: 'no sensitive field or parameter found' });
    expect(byId(endpoints, 'payments-api GET /health')).toMatchObject({ tier: 'low', tierReason: 'health, status or catalog route (`health`)' });
    expect(api.tier).toBe('critical');
  });

  it('describes the API', () => {
    expect(api).toMatchObject({
      id: 'payments-api',
      name: 'Payments API',
      kind: 'openapi',
      location: { file: 'payments-3.0.yaml', line: 3 },
      type: 'external',
      purpose: 'Takes card payments and refunds for the storefront.',
      versioning: 'path',
      versions: ['v1'],
      servers: ['https://api.shop.example.com/v1', 'http://localhost:8080/v1'],
    });
    expect(api.endpointIds).toHaveLength(7);
  });
});

describe('collectOpenApi on Swagger 2.0', () => {
  const { api, endpoints } = collectOpenApi(loadFixture('users-swagger2.yaml'), config());

  it('reads body and formData parameters, securityDefinitions and the host', () => {
    expect(byId(endpoints, 'users-service POST /users')).toMatchObject({
      parameters: [
        { name: 'email', in: 'body', required: true, type: 'string' },
        { name: 'password', in: 'body', required: true, type: 'string' },
      ],
      auth: { state: 'protected', mechanisms: ['api-key'], scope: 'global' },
      tier: 'critical',
      tierReason: 'field `password` in request body',
      version: 'v2',
    });
    expect(byId(endpoints, 'users-service PUT /users/{id}/avatar')).toMatchObject({
      parameters: [
        { name: 'id', in: 'path', required: true, type: 'string' },
        { name: 'file', in: 'form', type: 'file' },
      ],
      auth: { state: 'protected', mechanisms: ['basic'], scope: 'route', detail: 'security: [basic]' },
    });
    expect(api).toMatchObject({ type: 'internal', servers: ['http://users.accounts.svc.cluster.local/api/v2'], versioning: 'path', versions: ['v2'] });
    expect(api.typeReason).toBe('every server is on a private or cluster-internal host (`http://users.accounts.svc.cluster.local/api/v2`)');
    expect(api.audience).toBe('internal services (service-to-service)');
  });
});

describe('collectOpenApi on OpenAPI 3.1 with webhooks', () => {
  const { api, endpoints, diagnostics } = collectOpenApi(loadFixture('webhooks-3.1.yaml'), config());

  it('follows path-item refs and inventories webhooks as identifiable endpoints', () => {
    expect(endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path} @${endpoint.sources[0]?.location.line ?? 0}`)).toEqual([
      'GET /orders @63',
      'POST /orders @70',
      'GET /orders/{orderId} @12',
      'POST webhook:orderShipped @33',
    ]);
    const webhook = byId(endpoints, 'partner-orders-api POST webhook:orderShipped');
    expect(isWebhookPath(webhook.path)).toBe(true);
    expect(webhook).toMatchObject({ protocol: 'rest', auth: { state: 'protected', mechanisms: ['mtls'] }, tier: 'high', tierReason: 'field `shipping_address` in request body' });
  });

  it('treats an empty requirement as optional authentication and keeps scopes', () => {
    expect(byId(endpoints, 'partner-orders-api GET /orders/{orderId}').auth).toMatchObject({
      state: 'public',
      mechanisms: ['openid'],
      scopes: ['orders.read'],
      detail: 'security: [{}, partnerOidc] (authentication optional)',
    });
  });

  it('reports an undefined security scheme once, with its line', () => {
    expect(byId(endpoints, 'partner-orders-api POST /orders').auth.mechanisms).toEqual(['api-key', 'unknown']);
    expect(diagnostics).toEqual([
      { level: 'warning', file: 'webhooks-3.1.yaml', line: 74, message: 'Security requirement names `undefinedScheme`, which is not defined in `components.securitySchemes`.', source: 'openapi' },
    ]);
  });

  it('types the API from its audience marker and query versioning', () => {
    expect(api).toMatchObject({ type: 'partner', typeReason: 'marked by `info.x-api-audience: "partner"`', audience: 'partner', versioning: 'query', versions: ['2024-06-01', '2025-01-01'] });
  });
});

describe('collectOpenApi on JSON', () => {
  it('reads form bodies and header versioning', () => {
    const { api, endpoints } = collectOpenApi(loadFixture('orders.json'), config({ apiTypes: { 'Orders API': 'internal' }, file: 'apisec.config.json' }));
    expect(byId(endpoints, 'orders-api POST /api/orders').parameters).toEqual([
      { name: 'sku', in: 'form', type: 'string' },
      { name: 'quantity', in: 'form', type: 'integer' },
    ]);
    expect(byId(endpoints, 'orders-api GET /api/orders').auth).toMatchObject({ state: 'unprotected', mechanisms: ['none'] });
    expect(api).toMatchObject({ versioning: 'header', versions: ['2'], type: 'internal', typeReason: 'set for `Orders API` in apisec.config.json (apiTypes)' });
  });

  it('survives dangling and cyclic refs and reports them', () => {
    const { endpoints, diagnostics } = collectOpenApi(loadFixture('broken-refs.yaml'), config());
    expect(endpoints).toHaveLength(5);
    expect(diagnostics.map((diagnostic) => diagnostic.line)).toEqual([54, 23, 32, 41]);
  });
});
