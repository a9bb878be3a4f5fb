import { describe, expect, it } from 'vitest';
import { collectProto, loadProto } from './protobuf.js';
import { config, readFixture } from './fixtures/helpers.js';

describe('gRPC .proto files', () => {
  const loaded = loadProto('proto/users.proto', readFixture('users.proto') ?? '');

  it('makes each rpc an endpoint with its line, verb and HTTP mapping', () => {
    expect(loaded.diagnostics).toEqual([]);
    if (!loaded.document) throw new Error('not loaded');
    const { api, endpoints } = collectProto(loaded.document, config());
    expect(endpoints.map((endpoint) => `${endpoint.method} ${endpoint.path} ${endpoint.httpPath ?? '-'} @${endpoint.sources[0]?.location.line ?? 0}`)).toEqual([
      'GET /acme.users.v1.UserService/GetUser /v1/users/{id} @10',
      'POST /acme.users.v1.UserService/CreateUser /v1/users @14',
      'RPC /acme.users.v1.UserService/WatchUsers - @21',
      'RPC /acme.users.v1.HealthService/Check - @27',
    ]);
    expect(endpoints[0]).toMatchObject({
      id: 'acme-users-v1 GET /acme.users.v1.UserService/GetUser',
      protocol: 'grpc',
      parameters: [{ name: 'id', in: 'path', type: 'string' }],
      tier: 'high',
      tierReason: 'field `email` in `User`',
      version: 'v1',
    });
    expect(endpoints[1]).toMatchObject({ tier: 'critical', tierReason: 'field `password` in `CreateUserRequest`' });
    expect(endpoints[2]?.deprecated).toBe(true);
    expect(endpoints[3]).toMatchObject({ tier: 'low', tierReason: 'health, status or catalog route (`HealthService`)' });
    expect(api).toMatchObject({ id: 'acme-users-v1', kind: 'grpc', name: 'acme.users.v1 (UserService, HealthService)', versioning: 'path', versions: ['v1'], location: { file: 'proto/users.proto', line: 8 } });
    expect(api?.deprecatedEndpointIds).toEqual(['acme-users-v1 RPC /acme.users.v1.UserService/WatchUsers']);
  });

  it('reports parse errors with their line', () => {
    expect(loadProto('bad.proto', 'syntax = "proto3";\nmessage A {\n  string x = ;\n}\n').diagnostics).toEqual([
      { level: 'error', file: 'bad.proto', line: 3, message: "invalid proto at line 3: illegal id ';'", source: 'proto' },
    ]);
  });

  it('has no API when the file declares no service', () => {
    const document = loadProto('types.proto', 'syntax = "proto3";\nmessage A { string x = 1; }\n').document;
    if (!document) throw new Error('not loaded');
    expect(collectProto(document, config())).toEqual({ endpoints: [], diagnostics: [] });
  });
});
