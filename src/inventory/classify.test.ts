import { describe, expect, it } from 'vitest';
import { classifyApiType, classifyTier, detectVersioning, purposeOf, tierOfName, typeFromServer } from './classify.js';

const config = { publicEndpoints: [], apiTypes: {}, disabledChecks: [] };

describe('sensitivity tiers (seed 001)', () => {
  it.each([
    ['password', 'critical'],
    ['newPassword', 'critical'],
    ['refresh_token', 'critical'],
    ['client_secret', 'critical'],
    ['ssn', 'critical'],
    ['dateOfBirth', 'critical'],
    ['passport_number', 'critical'],
    ['iban', 'critical'],
    ['cardNumber', 'critical'],
    ['account_number', 'critical'],
    ['balance', 'critical'],
    ['email', 'high'],
    ['phone_number', 'high'],
    ['billing_address', 'high'],
    ['preferences', 'high'],
    ['displayName', 'medium'],
    ['avatar_url', undefined],
    ['next_page_token', undefined],
    ['paymentId', undefined],
    ['token_type', undefined],
    ['secret_scanning', undefined],
    ['title', undefined],
  ])('%s → %s', (name, tier) => {
    expect(tierOfName(name)).toBe(tier);
  });

  it('takes the highest signal with its reason, then path words, then auth', () => {
    expect(classifyTier([{ name: 'email', reason: 'field `email` in response' }, { name: 'password', reason: 'field `password` in request body' }], '/users', 'protected')).toEqual({ tier: 'critical', reason: 'field `password` in request body' });
    expect(classifyTier([], '/v1/payments/{id}', 'protected')).toEqual({ tier: 'critical', reason: 'path segment `payments`' });
    expect(classifyTier([], '/healthz', 'public')).toEqual({ tier: 'low', reason: 'health, status or catalog route (`healthz`)' });
    expect(classifyTier([], '/projects', 'protected')).toEqual({ tier: 'medium', reason: 'requires authentication; no sensitive field or parameter found' });
    expect(classifyTier([], '/projects', 'unprotected')).toEqual({ tier: 'low', reason: 'no sensitive field or parameter found' });
  });
});

describe('API type', () => {
  const signals = { names: ['Orders'], markers: [], servers: [], paths: ['/orders'] };

  it('honours the config override by name, id or file', () => {
    expect(classifyApiType({ ...signals, names: ['Orders', 'orders', 'api/orders.yaml'] }, { ...config, apiTypes: { 'api/orders.yaml': 'partner' } })).toEqual({ type: 'partner', reason: 'set for `api/orders.yaml` in the configuration (apiTypes)' });
  });

  it('reads markers, server descriptions, titles, paths and hosts', () => {
    expect(classifyApiType({ ...signals, markers: [{ value: true, where: 'x-internal: true' }] }, config)).toEqual({ type: 'internal', reason: 'marked by `x-internal: true`' });
    expect(classifyApiType({ ...signals, markers: [{ value: 'B2B', where: 'x-audience: "B2B"' }] }, config).type).toBe('partner');
    expect(classifyApiType({ ...signals, servers: [{ url: 'https://api.example.com', description: 'Internal gateway' }] }, config).type).toBe('internal');
    expect(classifyApiType({ ...signals, title: 'Partner Billing API' }, config).type).toBe('partner');
    expect(classifyApiType({ ...signals, paths: ['/internal/reindex', '/internal/flush', '/health'] }, config)).toEqual({ type: 'internal', reason: '2 of 3 routes are under an internal prefix' });
    expect(classifyApiType({ ...signals, paths: ['/b2b/orders'] }, config).type).toBe('partner');
    expect(classifyApiType({ ...signals, servers: [{ url: 'http://10.0.3.7:8080' }, { url: 'http://localhost:3000' }] }, config).type).toBe('internal');
    expect(classifyApiType({ ...signals, servers: [{ url: 'https://api.example.com' }, { url: 'http://localhost:3000' }] }, config)).toEqual({ type: 'external', reason: 'no internal or partner marker; assumed public-facing' });
  });

  it.each([
    ['http://orders.default.svc.cluster.local', 'internal'],
    ['https://billing.internal', 'internal'],
    ['http://192.168.1.20/api', 'internal'],
    ['http://172.20.0.5', 'internal'],
    ['http://[::1]:8080', 'internal'],
    ['https://partner-api.example.com', 'partner'],
    ['https://api.example.com/v1', 'external'],
    ['{scheme}://{host}/v1', undefined],
  ])('host of %s → %s', (url, type) => {
    expect(typeFromServer(url)).toBe(type);
  });
});

describe('versioning', () => {
  const none = { paths: [], headers: [], queries: [], mediaTypes: [] };

  it('detects path, header, query and media-type versioning', () => {
    expect(detectVersioning({ ...none, paths: ['/v1/users', '/v2/users', '/health'] })).toEqual({ strategy: 'path', versions: ['v1', 'v2'] });
    expect(detectVersioning({ ...none, headers: [{ name: 'X-API-Version', values: ['2024-01-01'] }] })).toEqual({ strategy: 'header', versions: ['2024-01-01'] });
    expect(detectVersioning({ ...none, headers: [{ name: 'Accept-Version', values: [] }] })).toEqual({ strategy: 'header', versions: [] });
    expect(detectVersioning({ ...none, queries: [{ name: 'api-version', values: ['2023-05-01'] }] })).toEqual({ strategy: 'query', versions: ['2023-05-01'] });
    expect(detectVersioning({ ...none, mediaTypes: ['application/vnd.acme.v2+json', 'application/json; version=3'] })).toEqual({ strategy: 'media-type', versions: ['3', 'v2'] });
    expect(detectVersioning({ ...none, headers: [{ name: 'Authorization', values: [] }], queries: [{ name: 'page', values: [] }] })).toEqual({ strategy: 'none', versions: [] });
  });
});

describe('purpose', () => {
  it('takes the first sentence of the description, without markdown', () => {
    expect(purposeOf('Payments API', '# Payments\n\nTakes **card** payments via [Stripe](https://stripe.com). Also refunds.')).toBe('Takes card payments via Stripe.');
    expect(purposeOf('Payments API', undefined)).toBe('Payments API');
    expect(purposeOf(undefined, 'x'.repeat(300))).toHaveLength(198);
  });
});
