import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { CollectedEndpoint } from '../collectors/code/collector.js';
import { loadGraphql } from '../collectors/spec/graphql.js';
import { loadSpec } from '../collectors/spec/openapi-loader.js';
import { loadProto } from '../collectors/spec/protobuf.js';
import { loadFixture, readFixture } from '../collectors/spec/fixtures/helpers.js';
import type { GraphqlDocument, ProtoDocument, SpecDocument } from '../engine/context.js';
import { buildInventory } from './index.js';

const config = { publicEndpoints: [], apiTypes: {}, disabledChecks: [] };
const ledgerText = readFileSync(fileURLToPath(new URL('./fixtures/ledger-internal.yaml', import.meta.url)), 'utf8');

function ledger(): SpecDocument {
  const spec = loadSpec('services/ledger/openapi.yaml', ledgerText, () => undefined).spec;
  if (!spec) throw new Error('not loaded');
  return spec;
}

function route(method: string, path: string, overrides: Partial<CollectedEndpoint> = {}): CollectedEndpoint {
  return {
    method,
    path,
    protocol: 'rest',
    framework: 'express',
    appFile: 'src/app.js',
    sources: [{ kind: 'code', via: 'express', location: { file: 'src/routes.js', line: 12 } }],
    parameters: [],
    auth: { state: 'unprotected', mechanisms: ['none'], scope: 'route' },
    deprecated: false,
    ...overrides,
  };
}

describe('buildInventory', () => {
  it('classifies an internal spec from its marker, with tier and media-type versioning', () => {
    const { inventory, diagnostics } = buildInventory({ specs: [ledger()], graphql: [], protos: [], config });
    expect(diagnostics).toEqual([]);
    expect(inventory.apis).toHaveLength(1);
    expect(inventory.apis[0]).toMatchObject({ id: 'ledger', type: 'internal', typeReason: 'marked by `x-internal: true`', tier: 'critical', versioning: 'media-type', versions: ['v2'], audience: 'internal services (service-to-service)' });
    expect(inventory.endpoints[0]).toMatchObject({ id: 'ledger GET /accounts/{accountId}/balance', type: 'internal', tier: 'critical', tierReason: 'field `balance` in response', sources: [{ location: { file: 'services/ledger/openapi.yaml', line: 11 } }] });
  });

  it('gathers OpenAPI, GraphQL and gRPC APIs with unique ids', () => {
    const specs = [loadFixture('payments-3.0.yaml'), loadFixture('users-swagger2.yaml'), loadFixture('webhooks-3.1.yaml')];
    const copy = loadSpec('v2/payments.yaml', readFixture('payments-3.0.yaml') ?? '', (path) => readFixture(path.replace(/^v2\//, ''))).spec;
    if (copy) specs.push(copy);
    const graphql: GraphqlDocument[] = [];
    const gql = loadGraphql('graph/accounts.graphql', readFixture('accounts.graphql') ?? '').document;
    if (gql) graphql.push(gql);
    const protos: ProtoDocument[] = [];
    const proto = loadProto('proto/users.proto', readFixture('users.proto') ?? '').document;
    if (proto) protos.push(proto);
    const { inventory } = buildInventory({ specs, graphql, protos, config });
    expect(inventory.apis.map((api) => `${api.id} ${api.kind} ${api.type} ${api.tier} ${api.endpointIds.length}`)).toEqual([
      'payments-api openapi external critical 7',
      'users-service openapi internal critical 3',
      'v2-payments openapi external critical 7',
      'partner-orders-api openapi partner high 4',
      'graph-accounts graphql external critical 6',
      'acme-users-v1 grpc external critical 4',
    ]);
    expect(inventory.endpoints).toHaveLength(31);
    expect(new Set(inventory.endpoints.map((endpoint) => endpoint.id)).size).toBe(31);
    expect(inventory.endpoints.filter((endpoint) => endpoint.apiId === 'v2-payments').map((endpoint) => endpoint.id)[0]).toBe('v2-payments GET /v1/payments');
    expect(inventory.apis[2]?.deprecatedEndpointIds).toEqual(['v2-payments DELETE /v1/payments/{paymentId}']);
  });

  it('merges code routes into the spec endpoints they implement and keeps the rest as a code API', () => {
    const code = [
      route('GET', '/v1/payments/:paymentId', { auth: { state: 'protected', mechanisms: ['jwt'], scope: 'router', detail: 'requireAuth' } }),
      route('POST', '/v1/payments'),
      route('GET', '/health'),
      route('POST', '/admin/users/:id/reset-password', { parameters: [{ name: 'password', in: 'body' }] }),
      route('GET', '/internal/debug/vars'),
    ];
    const { inventory } = buildInventory({ specs: [loadFixture('payments-3.0.yaml')], graphql: [], protos: [], code, config });
    const byId = new Map(inventory.endpoints.map((endpoint) => [endpoint.id, endpoint]));
    expect(byId.get('payments-api GET /v1/payments/{paymentId}')?.sources.map((source) => source.kind)).toEqual(['spec', 'code']);
    expect(byId.get('payments-api GET /v1/payments/{paymentId}')?.auth).toMatchObject({ state: 'protected', detail: 'requireAuth' });
    // The code proves nothing guards the route the spec says is protected.
    expect(byId.get('payments-api POST /v1/payments')?.auth.state).toBe('unprotected');
    // The spec declares /health public on purpose.
    expect(byId.get('payments-api GET /health')?.auth).toMatchObject({ state: 'public', detail: 'security: []' });
    const codeApi = inventory.apis.find((api) => api.kind === 'code');
    expect(codeApi).toMatchObject({ id: 'express-src-app', name: 'express app (src/app.js)', type: 'external', endpointIds: ['express-src-app POST /admin/users/{id}/reset-password', 'express-src-app GET /internal/debug/vars'] });
    expect(byId.get('express-src-app POST /admin/users/{id}/reset-password')).toMatchObject({ tier: 'critical', tierReason: 'field `password` in request body', path: '/admin/users/{id}/reset-password' });
    expect(byId.get('express-src-app GET /internal/debug/vars')?.type).toBe('internal');
    expect(inventory.endpoints).toHaveLength(9);
  });

  it('matches code routes that include the server base path', () => {
    const { inventory } = buildInventory({ specs: [loadFixture('users-swagger2.yaml')], graphql: [], protos: [], code: [route('POST', '/api/v2/users')], config });
    expect(inventory.apis).toHaveLength(1);
    expect(inventory.endpoints[0]?.sources.map((source) => source.kind)).toEqual(['spec', 'code']);
  });

  it('never takes the spec\'s word for protection the code cannot confirm, and honours an explicit public marker in code', () => {
    const code = [
      route('GET', '/v1/payments/:paymentId', { auth: { state: 'unknown', mechanisms: [], detail: 'checkAccess (not analysable)' } }),
      route('POST', '/v1/payments', { auth: { state: 'public', mechanisms: [], scope: 'route', detail: 'AllowAny' } }),
    ];
    const { inventory } = buildInventory({ specs: [loadFixture('payments-3.0.yaml')], graphql: [], protos: [], code, config });
    const byId = new Map(inventory.endpoints.map((endpoint) => [endpoint.id, endpoint]));
    const read = byId.get('payments-api GET /v1/payments/{paymentId}')?.auth;
    expect(read?.state).toBe('unknown');
    expect(read?.detail).toMatch(/^the spec declares .+; the code's own protection could not be confirmed \(checkAccess \(not analysable\)\)$/);
    expect(byId.get('payments-api POST /v1/payments')?.auth).toMatchObject({ state: 'public', detail: 'AllowAny' });
  });

  it('matches a spec without the code\'s base path, and a spec written for the gateway path, by an unambiguous suffix', () => {
    const text = (servers: string): string =>
      [
        'openapi: 3.0.3',
        'info: { title: Stock API, version: 1.0.0 }',
        servers,
        'paths:',
        '  /items/{sku}:',
        '    get:',
        '      responses:',
        "        '200': { description: OK. }",
        '  /items:',
        '    post:',
        '      responses:',
        "        '201': { description: Created. }",
        '  /users/{id}:',
        '    get:',
        '      responses:',
        "        '200': { description: OK. }",
      ].join('\n');
    const load = (servers: string): SpecDocument => {
      const spec = loadSpec('openapi.yaml', text(servers), () => undefined).spec;
      if (!spec) throw new Error('not loaded');
      return spec;
    };
    const kinds = (spec: SpecDocument, code: CollectedEndpoint[]): string[] =>
      buildInventory({ specs: [spec], graphql: [], protos: [], code, config }).inventory.endpoints.map((endpoint) => `${endpoint.id} ${endpoint.sources.map((source) => source.kind).join('+')}`);
    // No servers at all (a generated spec) while the code mounts everything under /api/v1.
    expect(kinds(load(''), [route('GET', '/api/v1/items/:sku'), route('POST', '/api/v1/items'), route('GET', '/api/v1/users/:id')])).toEqual([
      'stock-api GET /items/{sku} spec+code',
      'stock-api POST /items spec+code',
      'stock-api GET /users/{id} spec+code',
    ]);
    // A server path the code does not use (the gateway's /stock prefix).
    expect(kinds(load('servers: [{ url: https://gw.example.com/stock/v3 }]'), [route('GET', '/v3/items/:sku'), route('POST', '/v3/items')])).toEqual([
      'stock-api GET /items/{sku} spec+code',
      'stock-api POST /items spec+code',
      'stock-api GET /users/{id} spec',
    ]);
    // A stray route that only ends like an operation, beside routes with the common base path, stays a route of its own.
    const mixed = kinds(load(''), [route('GET', '/api/items/:sku'), route('POST', '/api/items'), route('GET', '/admin/users/:id')]);
    expect(mixed).toContain('stock-api GET /users/{id} spec');
    expect(mixed).toContain('express-src-app GET /admin/users/{id} code');
    // A path made of parameters only never matches by suffix.
    expect(kinds(load(''), [route('GET', '/files/:bucket/:key'), route('GET', '/api/v1/items/:sku')]).filter((id) => id.includes('/files/'))).toEqual(['express-src-app GET /files/{bucket}/{key} code']);
  });

  it('lists operations at their external path: the code\'s when code serves them, else under the path the servers share', () => {
    const text = (servers: string): string =>
      ['openapi: 3.0.3', 'info: { title: Stock API, version: 1.0.0 }', servers, 'paths:', '  /items/{sku}:', '    get:', '      responses:', "        '200': { description: OK. }", '  /exports:', '    get:', '      responses:', "        '200': { description: OK. }"].join('\n');
    const paths = (servers: string, code: CollectedEndpoint[]): string[] => {
      const spec = loadSpec('openapi.yaml', text(servers), () => undefined).spec;
      if (!spec) throw new Error('not loaded');
      return buildInventory({ specs: [spec], graphql: [], protos: [], code, config }).inventory.endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path}`);
    };
    // Served by code under the servers' path; the other operation is spec-only and takes the same path.
    expect(paths('servers: [{ url: /api/stock/v1 }]', [route('GET', '/api/stock/v1/items/:sku')])).toEqual(['GET /api/stock/v1/items/{sku}', 'GET /api/stock/v1/exports']);
    // Code mounts the operations under a base path the spec omits: the code's path, the spec's placeholder names.
    expect(paths('', [route('GET', '/api/v1/items/:code'), route('GET', '/api/v1/exports')])).toEqual(['GET /api/v1/items/{sku}', 'GET /api/v1/exports']);
    // Servers that disagree on the path leave spec-only operations as written.
    expect(paths('servers: [{ url: https://a.example.com/v1 }, { url: https://b.example.com/v2 }]', [])).toEqual(['GET /items/{sku}', 'GET /exports']);
  });

  it('reads server variables at their defaults when matching code routes to the spec', () => {
    const text = [
      'openapi: 3.0.3',
      'info: { title: Stock API, version: 1.0.0 }',
      'servers:',
      '  - url: https://{region}.stock.example.com/{basePath}',
      '    variables:',
      '      region: { default: eu }',
      '      basePath: { default: api/v3 }',
      'paths:',
      '  /items/{sku}:',
      '    get:',
      '      responses:',
      "        '200': { description: OK. }",
    ].join('\n');
    const spec = loadSpec('openapi.yaml', text, () => undefined).spec;
    if (!spec) throw new Error('not loaded');
    const { inventory } = buildInventory({ specs: [spec], graphql: [], protos: [], code: [route('GET', '/api/v3/items/:sku')], config });
    expect(inventory.apis[0]?.servers).toEqual(['https://eu.stock.example.com/api/v3']);
    expect(inventory.endpoints).toHaveLength(1);
    expect(inventory.endpoints[0]?.sources.map((source) => source.kind)).toEqual(['spec', 'code']);
  });
  it('keeps the routes of split projects apart: one API per project, named by app file or project, whatever the other projects hold', () => {
    const laravel = (project: string | undefined, path: string): CollectedEndpoint => {
      const made = route('GET', path, { framework: 'laravel', sources: [{ kind: 'code', via: 'laravel', location: { file: `${project ?? '.'}/routes/api.php`, line: 3 } }] });
      delete made.appFile;
      return project === undefined ? made : { ...made, project };
    };
    const django = (project: string | undefined, appFile: string): CollectedEndpoint => {
      const made = route('GET', '/api/health', { framework: 'django', appFile, appFileIfSeveral: true, sources: [{ kind: 'code', via: 'django', location: { file: appFile, line: 5 } }] });
      return project === undefined ? made : { ...made, project };
    };
    const ids = (code: CollectedEndpoint[]): string[] => buildInventory({ specs: [], graphql: [], protos: [], code, config }).inventory.endpoints.map((endpoint) => endpoint.id);
    // Unsplit, one framework's routes without an app file are one API, and the same route of two services is one endpoint.
    expect(ids([laravel(undefined, '/api/health'), laravel(undefined, '/api/health')])).toEqual(['laravel-app GET /api/health']);
    // Split, each project is its own API; the root project keeps the unsplit name.
    expect(ids([laravel('.', '/api/health'), laravel('services/billing', '/api/health'), laravel('services/catalog', '/api/health')])).toEqual([
      'laravel-app GET /api/health',
      'laravel-services-billing GET /api/health',
      'laravel-services-catalog GET /api/health',
    ]);
    // A project's endpoints are the same alone as beside the others.
    expect(ids([laravel('services/billing', '/api/health')])).toEqual(['laravel-services-billing GET /api/health']);
    // An app named only when there are several: unsplit, one app keeps the generic name; split, each project names its app.
    expect(ids([django(undefined, 'config/urls.py')])).toEqual(['django-app GET /api/health']);
    expect(ids([django(undefined, 'a/config/urls.py'), django(undefined, 'b/config/urls.py')])).toEqual(['django-a-config-urls GET /api/health', 'django-b-config-urls GET /api/health']);
    expect(ids([django('a', 'a/config/urls.py')])).toEqual(['django-a-config-urls GET /api/health']);
    expect(ids([django('a', 'a/config/urls.py'), django('b', 'b/config/urls.py')])).toEqual(['django-a-config-urls GET /api/health', 'django-b-config-urls GET /api/health']);
    const named = buildInventory({ specs: [], graphql: [], protos: [], code: [laravel('services/billing', '/api/health')], config }).inventory.apis[0];
    expect(named).toMatchObject({ id: 'laravel-services-billing', name: 'laravel routes (services/billing)', type: 'external' });
  });
});
