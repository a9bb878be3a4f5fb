import { describe, expect, it } from 'vitest';
import { loadSpec } from './openapi-loader.js';
import { dedupeSpecCopies } from './copies.js';

const YAML = `openapi: 3.0.3
info:
  title: Inventory
  version: 1.0.0
paths:
  /hosts:
    get:
      responses:
        '200': { description: Hosts. }
  /hosts/{id}:
    delete:
      parameters: [{ name: id, in: path, required: true, schema: { type: string } }]
      responses:
        '204': { description: Deleted. }
`;

const JSON_COPY = JSON.stringify({
  openapi: '3.0.3',
  info: { title: 'Inventory', version: '1.0.0' },
  paths: {
    '/hosts/{id}': { delete: { parameters: [{ name: 'id', in: 'path', required: true, schema: { type: 'string' } }], responses: { 204: { description: 'Deleted.' } } } },
    '/hosts': { get: { responses: { 200: { description: 'Hosts.' } } } },
  },
});

function load(file: string, text: string) {
  const spec = loadSpec(file, text, () => undefined).spec;
  if (!spec) throw new Error(`${file} did not load`);
  return spec;
}

describe('dedupeSpecCopies', () => {
  it('audits copies of one specification once, from the hand-written YAML', () => {
    const specs = [load('swagger/openapi.json', JSON_COPY), load('swagger/api.spec.yaml', YAML), load('clients/plugin/data/api.spec.json', JSON_COPY)];
    const { specs: kept, diagnostics } = dedupeSpecCopies(specs);
    expect(kept.map((spec) => spec.file)).toEqual(['swagger/api.spec.yaml']);
    expect(diagnostics.map((diagnostic) => diagnostic.file)).toEqual(['swagger/openapi.json', 'clients/plugin/data/api.spec.json']);
  });

  it('keeps versions and different APIs apart', () => {
    const v2 = YAML.replace('version: 1.0.0', 'version: 2.0.0');
    const other = YAML.replace('title: Inventory', 'title: Billing');
    const fewer = YAML.replace(/ {2}\/hosts\/\{id\}:[\s\S]*$/, '');
    const specs = [load('v1.yaml', YAML), load('v2.yaml', v2), load('billing.yaml', other), load('partial.yaml', fewer)];
    expect(dedupeSpecCopies(specs).specs.map((spec) => spec.file)).toEqual(['v1.yaml', 'v2.yaml', 'billing.yaml', 'partial.yaml']);
  });
});
