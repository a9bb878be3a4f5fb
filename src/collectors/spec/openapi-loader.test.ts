import { describe, expect, it } from 'vitest';
import { drainSpecDiagnostics, isOpenApiCandidate, isOpenApiDocument, loadSpec, nodeAt, walkSchema } from './openapi-loader.js';
import { loadFixture, readFixture } from './fixtures/helpers.js';

const none = (): undefined => undefined;

describe('isOpenApiDocument', () => {
  it('recognises 2.0, 3.0 and 3.1 documents by content', () => {
    expect(isOpenApiDocument({ swagger: '2.0', paths: {} })).toBe(true);
    expect(isOpenApiDocument({ openapi: '3.0.3', paths: {} })).toBe(true);
    expect(isOpenApiDocument({ openapi: '3.1.0', webhooks: {} })).toBe(true);
    expect(isOpenApiDocument({ openapi: '3.1.0', components: {} })).toBe(true);
    expect(isOpenApiDocument({ openapi: 3.1, paths: {} })).toBe(true);
  });

  it('rejects look-alikes', () => {
    expect(isOpenApiDocument({ openapi: '3.0.3', info: {} })).toBe(false);
    expect(isOpenApiDocument({ swagger: '1.2', paths: {} })).toBe(false);
    expect(isOpenApiDocument({ name: 'pkg', version: '1.0.0' })).toBe(false);
    expect(isOpenApiDocument([])).toBe(false);
  });

  it('skips well-known non-spec files by name only', () => {
    expect(isOpenApiCandidate('api/openapi.yaml')).toBe(true);
    expect(isOpenApiCandidate('docs/anything.json')).toBe(true);
    expect(isOpenApiCandidate('package-lock.json')).toBe(false);
    expect(isOpenApiCandidate('.github/workflows/ci.yml')).toBe(false);
    expect(isOpenApiCandidate('src/main.ts')).toBe(false);
  });
});

describe('loadSpec', () => {
  it('ignores non-spec JSON and YAML silently', () => {
    expect(loadSpec('package.json', '{"name":"x","scripts":{}}', none)).toEqual({ diagnostics: [] });
    expect(loadSpec('k8s/deploy.yaml', 'apiVersion: apps/v1\nkind: Deployment\n---\nkind: Service\n', none)).toEqual({ diagnostics: [] });
    expect(loadSpec('ci.yml', 'jobs: [unclosed\n', none)).toEqual({ diagnostics: [] });
  });

  it('reports invalid YAML with the line js-yaml stops at', () => {
    const loaded = loadSpec('invalid.yaml', readFixture('invalid.yaml') ?? '', none);
    expect(loaded.spec).toBeUndefined();
    expect(loaded.diagnostics).toEqual([
      { level: 'error', file: 'invalid.yaml', line: 12, message: 'invalid YAML at line 12: missed comma between flow collection entries', source: 'openapi' },
    ]);
  });

  it('reports invalid JSON with its line', () => {
    const loaded = loadSpec('api/openapi.json', '{\n  "openapi": "3.0.0",\n  "paths": {\n    "/a": {,}\n  }\n}\n', none);
    expect(loaded.diagnostics).toHaveLength(1);
    expect(loaded.diagnostics[0]).toMatchObject({ level: 'error', file: 'api/openapi.json', line: 4 });
    expect(loaded.diagnostics[0]?.message).toMatch(/^invalid JSON at line 4: /);
  });

  it('warns about an empty spec file and never throws', () => {
    expect(loadSpec('openapi.yaml', '', none).diagnostics).toEqual([
      { level: 'warning', file: 'openapi.yaml', line: 1, message: 'The file is empty; no API description was read from it.', source: 'openapi' },
    ]);
    expect(loadSpec('notes.yaml', '   \n', none)).toEqual({ diagnostics: [] });
    expect(() => loadSpec('openapi.yaml', 'openapi: 3.0.0\npaths: {\u0000', none)).not.toThrow();
  });

  it('keeps the format and the version as written', () => {
    expect(loadFixture('users-swagger2.yaml')).toMatchObject({ format: 'swagger-2.0', version: '2.0' });
    expect(loadFixture('payments-3.0.yaml')).toMatchObject({ format: 'openapi-3.0', version: '3.0.3' });
    expect(loadFixture('webhooks-3.1.yaml')).toMatchObject({ format: 'openapi-3.1', version: '3.1.0' });
  });

  it('keeps YAML dates as strings', () => {
    const spec = loadFixture('payments-3.0.yaml');
    expect(nodeAt(spec, '/paths/~1v1~1payments~1{paymentId}/delete/x-sunset-date')?.value).toBe('2024-03-01');
  });
});

describe('source lines', () => {
  it('locates YAML operations, parameters and keys exactly', () => {
    const spec = loadFixture('payments-3.0.yaml');
    expect(spec.lineOf('/paths/~1v1~1payments/get')).toBe(18);
    expect(spec.lineOf('/paths/~1v1~1payments/post')).toBe(37);
    expect(spec.lineOf('/paths/~1v1~1payments~1{paymentId}/parameters/0')).toBe(57);
    expect(spec.lineOf('/paths/~1v1~1payments~1{paymentId}/parameters/1')).toBe(62);
    expect(spec.lineOf('/paths/~1v1~1payments~1{paymentId}/get/parameters/0')).toBe(69);
    expect(spec.lineOf('/components/securitySchemes/bearerJwt/bearerFormat')).toBe(128);
    expect(spec.locate('/paths/~1health/get')).toEqual({ file: 'payments-3.0.yaml', line: 117, column: 5, pointer: '/paths/~1health/get' });
  });

  it('falls back to the nearest existing ancestor', () => {
    const spec = loadFixture('payments-3.0.yaml');
    expect(spec.lineOf('/paths/~1v1~1payments/get/nothing/here')).toBe(18);
    expect(spec.lineOf('')).toBe(1);
    expect(spec.lineOf('not-a-pointer')).toBe(1);
  });

  it('follows anchors, aliases and merge keys', () => {
    const spec = loadFixture('payments-3.0.yaml');
    // The alias shares the anchored mapping, so its members are found at the anchor.
    expect(nodeAt(spec, '/components/schemas/Payment/properties/total/properties/currency')?.value).toEqual({ type: 'string' });
    expect(spec.lineOf('/components/schemas/Payment/properties/total')).toBe(149);
    expect(spec.lineOf('/components/schemas/Payment/properties/total/properties')).toBe(139);
    // `type` comes from the merge key; explicit keys override merged ones.
    expect(nodeAt(spec, '/components/schemas/NewPayment/type')?.value).toBe('object');
    expect(spec.lineOf('/components/schemas/NewPayment/type')).toBe(153);
    expect(Object.keys(nodeAt(spec, '/components/schemas/NewPayment/properties')?.value ?? {})).toEqual(['card_number', 'amount']);
  });

  it('locates nodes of pretty-printed and minified JSON, lazily', () => {
    const spec = loadFixture('orders.json');
    expect(spec.lineOf('/paths/~1api~1orders/post')).toBe(13);
    expect(spec.lineOf('/paths/~1api~1orders~1{id}/get/operationId')).toBe(27);
    expect(spec.lineOf('/paths/~1api~1orders~1{id}/get/operationId/x')).toBe(27);
    expect(nodeAt(spec, '/paths/~1api~1orders~1{id}/get/operationId')?.value).toBe('get"Order');
    const minified = loadSpec('min.json', '{"openapi":"3.0.0","paths":{"/a":{"get":{"responses":{}}},"/b":{"post":{}}}}', none).spec;
    expect(minified?.locate('/paths/~1b/post')).toEqual({ file: 'min.json', line: 1, column: 65, pointer: '/paths/~1b/post' });
  });
});

describe('resolve', () => {
  it('follows local and relative-file refs with lines in the referenced file', () => {
    const spec = loadFixture('payments-3.0.yaml');
    const ref = nodeAt(spec, '/paths/~1v1~1customers~1{customerId}/get/responses/200/content/application~1json/schema');
    expect(ref).toBeDefined();
    const customer = ref && spec.resolve(ref);
    expect(customer).toMatchObject({ file: 'schemas/customer.yaml', pointer: '/Customer' });
    const email = customer && spec.child(spec.child(customer, 'properties') ?? customer, 'email');
    expect(email && spec.locate(email)).toEqual({ file: 'schemas/customer.yaml', line: 7, column: 5, pointer: '/Customer/properties/email' });
    const address = customer && spec.child(spec.child(customer, 'properties') ?? customer, 'address');
    const resolvedAddress = address && spec.resolve(address);
    expect(resolvedAddress).toMatchObject({ file: 'schemas/customer.yaml', pointer: '/Address' });
    expect(resolvedAddress && spec.lineOf('/Address/properties/street', resolvedAddress.file)).toBe(15);
    expect(drainSpecDiagnostics(spec)).toEqual([]);
  });

  it('returns a node that is not a ref unchanged, and follows chains', () => {
    const text = 'openapi: 3.0.0\npaths: {}\ncomponents:\n  schemas:\n    A:\n      $ref: "#/components/schemas/B"\n    B:\n      $ref: "#/components/schemas/C"\n    C:\n      type: string\n';
    const spec = loadSpec('chain.yaml', text, none).spec;
    if (!spec) throw new Error('not loaded');
    const a = nodeAt(spec, '/components/schemas/A');
    expect(a && spec.resolve(a)).toEqual({ value: { type: 'string' }, file: 'chain.yaml', pointer: '/components/schemas/C' });
    const c = nodeAt(spec, '/components/schemas/C');
    expect(c && spec.resolve(c)).toBe(c);
  });

  it('decodes ~0, ~1 and percent-escapes in ref pointers', () => {
    const spec = loadFixture('broken-refs.yaml');
    for (const ref of ['#/components/schemas/a~1b~0c d', '#/components/schemas/a~1b~0c%20d']) {
      const resolved = spec.resolve({ value: { $ref: ref }, file: spec.file, pointer: '/x' });
      expect(resolved).toEqual({ value: { type: 'string' }, file: 'broken-refs.yaml', pointer: '/components/schemas/a~1b~0c d' });
    }
  });

  it('reports cyclic, dangling, remote and escaping refs once each, with their line, and never fetches', () => {
    const spec = loadFixture('broken-refs.yaml');
    const schemaAt = (path: string): ReturnType<typeof nodeAt> => nodeAt(spec, `/paths/~1${path}/get/responses/200/content/application~1json/schema`);
    for (const path of ['loop', 'missing', 'remote', 'outside', 'again', 'missing']) {
      const node = schemaAt(path);
      expect(node).toBeDefined();
      if (node) expect(spec.resolve(node)).toBeUndefined();
    }
    expect(drainSpecDiagnostics(spec)).toEqual([
      { level: 'warning', file: 'broken-refs.yaml', line: 54, message: '`$ref` `#/components/schemas/B` is part of a reference cycle (2 refs) and resolves to nothing.', source: 'openapi' },
      { level: 'warning', file: 'broken-refs.yaml', line: 23, message: '`$ref` `#/components/schemas/Missing` is dangling: nothing exists at `/components/schemas/Missing`.', source: 'openapi' },
      { level: 'warning', file: 'broken-refs.yaml', line: 32, message: '`$ref` `http://127.0.0.1:9/x.yaml` points at a remote document, which is never fetched; the referenced part is not audited.', source: 'openapi' },
      { level: 'warning', file: 'broken-refs.yaml', line: 41, message: '`$ref` `../../../../etc/passwd.yaml` points outside the audited directory and is not resolved.', source: 'openapi' },
    ]);
    const a = nodeAt(spec, '/components/schemas/A');
    if (a) expect(spec.resolve(a)).toBeUndefined();
    expect(drainSpecDiagnostics(spec)).toEqual([]);
  });

  it('reports a missing or broken referenced file', () => {
    const text = 'openapi: 3.0.0\npaths:\n  /a:\n    $ref: "./paths/a.yaml"\n  /b:\n    $ref: "./paths/b.yaml"\n';
    const spec = loadSpec('api/openapi.yaml', text, (path) => (path === 'api/paths/b.yaml' ? 'get: [\n' : undefined)).spec;
    if (!spec) throw new Error('not loaded');
    for (const pointer of ['/paths/~1a', '/paths/~1b']) {
      const node = nodeAt(spec, pointer);
      if (node) expect(spec.resolve(node)).toBeUndefined();
    }
    const diagnostics = drainSpecDiagnostics(spec);
    expect(diagnostics[0]).toEqual({ level: 'warning', file: 'api/openapi.yaml', line: 4, message: '`$ref` `./paths/a.yaml` is dangling: `api/paths/a.yaml` does not exist or cannot be read.', source: 'openapi' });
    expect(diagnostics[1]).toMatchObject({ level: 'error', file: 'api/paths/b.yaml', line: 2 });
    expect(diagnostics[1]?.message).toMatch(/^invalid YAML at line 2: /);
  });
});

describe('walkSchema', () => {
  it('walks a recursive schema once, following refs', () => {
    const spec = loadFixture('payments-3.0.yaml');
    const start = nodeAt(spec, '/components/schemas/Category');
    const seen: string[] = [];
    if (start) walkSchema(spec, start, (step) => void seen.push(`${step.property ?? '-'}@${step.node.pointer}`));
    expect(seen).toEqual([
      '-@/components/schemas/Category',
      'name@/components/schemas/Category/properties/name',
      'children@/components/schemas/Category/properties/children',
    ]);
  });

  it('visits a shared schema under each property name, prunes and stops', () => {
    const spec = loadFixture('payments-3.0.yaml');
    const start = nodeAt(spec, '/components/schemas/Payment');
    const names: string[] = [];
    if (start) walkSchema(spec, start, (step) => {
      if (step.property) names.push(step.property);
      return step.property === 'total' ? false : undefined;
    });
    expect(names).toEqual(['id', 'total', 'status']);
    const stopped: string[] = [];
    if (start) walkSchema(spec, start, (step) => (step.property ? (stopped.push(step.property), 'stop') : undefined));
    expect(stopped).toEqual(['id']);
  });
});
