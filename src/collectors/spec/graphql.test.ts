import { buildSchema, introspectionFromSchema } from 'graphql';
import { describe, expect, it } from 'vitest';
import { collectGraphql, loadGraphql } from './graphql.js';
import { config, readFixture } from './fixtures/helpers.js';

const sdl = readFixture('accounts.graphql') ?? '';

describe('GraphQL SDL', () => {
  const loaded = loadGraphql('graph/accounts.graphql', sdl);

  it('loads the schema', () => {
    expect(loaded.diagnostics).toEqual([]);
    expect(loaded.document?.format).toBe('sdl');
    expect(loaded.document?.schema?.getQueryType()?.name).toBe('RootQuery');
  });

  it('makes each root field an endpoint with its line, arguments, auth and tier', () => {
    if (!loaded.document) throw new Error('not loaded');
    const { api, endpoints } = collectGraphql(loaded.document, config());
    expect(endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path} @${endpoint.sources[0]?.location.line ?? 0}`)).toEqual([
      'QUERY Query.products @13',
      'QUERY Query.me @14',
      'QUERY Query.user @15',
      'QUERY Query.legacyUser @16',
      'MUTATION Mutation.login @20',
      'MUTATION Mutation.updateProfile @21',
    ]);
    const login = endpoints.find((endpoint) => endpoint.path === 'Mutation.login');
    expect(login).toMatchObject({
      id: 'graph-accounts MUTATION Mutation.login',
      protocol: 'graphql',
      parameters: [
        { name: 'email', in: 'body', type: 'String!', required: true },
        { name: 'password', in: 'body', type: 'String!', required: true },
      ],
      auth: { state: 'unknown' },
      tier: 'critical',
      tierReason: 'argument `password`',
    });
    expect(endpoints.find((endpoint) => endpoint.path === 'Query.me')).toMatchObject({
      auth: { state: 'protected', detail: '@auth' },
      tier: 'high',
      tierReason: 'field `email` in result',
    });
    expect(endpoints.find((endpoint) => endpoint.path === 'Mutation.updateProfile')?.tierReason).toBe('field `phone` in input');
    expect(endpoints.find((endpoint) => endpoint.path === 'Query.products')).toMatchObject({ tier: 'low', parameters: [{ name: 'first', in: 'body', type: 'Int' }] });
    expect(api).toMatchObject({ id: 'graph-accounts', kind: 'graphql', purpose: 'Accounts graph for the mobile app.', tier: 'critical', deprecatedEndpointIds: ['graph-accounts QUERY Query.legacyUser'] });
  });

  it('reports syntax errors with their line', () => {
    expect(loadGraphql('schema.graphql', 'type Query {\n  user(id: ID!: User\n}\n').diagnostics).toEqual([
      { level: 'error', file: 'schema.graphql', line: 2, message: 'invalid GraphQL SDL at line 2: Expected Name, found ":".', source: 'graphql' },
    ]);
  });

  it('inventories a subgraph whose types live elsewhere', () => {
    const loaded = loadGraphql('reviews.graphqls', 'extend type Query {\n  reviews(productId: ID!): [Review]\n}\n');
    if (!loaded.document) throw new Error('not loaded');
    expect(collectGraphql(loaded.document, config()).endpoints.map((endpoint) => `${endpoint.path} @${endpoint.sources[0]?.location.line ?? 0}`)).toEqual(['Query.reviews @2']);
  });
});

describe('GraphQL introspection JSON', () => {
  const introspection = JSON.stringify({ data: introspectionFromSchema(buildSchema(sdl)) }, null, 2);

  it('is detected by content in .json files only', () => {
    expect(loadGraphql('package.json', '{"name":"x"}')).toEqual({ diagnostics: [] });
    expect(loadGraphql('config.yaml', 'a: 1')).toEqual({ diagnostics: [] });
    expect(loadGraphql('schema.json', introspection).document?.format).toBe('introspection');
    expect(loadGraphql('bare.json', JSON.stringify((JSON.parse(introspection) as { data: unknown }).data)).document?.format).toBe('introspection');
  });

  it('makes root fields endpoints located in the JSON', () => {
    const document = loadGraphql('schema.json', introspection).document;
    if (!document) throw new Error('not loaded');
    expect(document.schema?.getMutationType()?.name).toBe('Mutation');
    const { endpoints } = collectGraphql(document, config());
    expect(endpoints.map((endpoint) => endpoint.path)).toEqual(['Query.products', 'Query.me', 'Query.user', 'Query.legacyUser', 'Mutation.login', 'Mutation.updateProfile']);
    const lines = introspection.split('\n');
    for (const endpoint of endpoints) {
      const line = endpoint.sources[0]?.location.line ?? 0;
      expect(lines[line - 1]?.trim()).toBe('{');
      expect(lines[line]?.trim()).toBe(`"name": "${endpoint.path.split('.')[1] ?? ''}",`);
    }
    expect(endpoints.find((endpoint) => endpoint.path === 'Query.legacyUser')?.deprecated).toBe(true);
    expect(endpoints.find((endpoint) => endpoint.path === 'Mutation.login')?.parameters).toEqual([
      { name: 'email', in: 'body', type: 'String!', required: true },
      { name: 'password', in: 'body', type: 'String!', required: true },
    ]);
  });

  it('reports broken introspection JSON with its line', () => {
    expect(loadGraphql('schema.json', '{\n  "__schema": {\n    "types": [,]\n  }\n}').diagnostics[0]).toMatchObject({ level: 'error', file: 'schema.json', line: 3 });
  });
});
