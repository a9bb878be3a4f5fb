import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { load } from 'js-yaml';
import { describe, expect, it } from 'vitest';
import { collectOpenApi } from './openapi.js';
import { loadSpec } from './openapi-loader.js';
import { config } from './fixtures/helpers.js';

const CORPUS = fileURLToPath(new URL('../../../../shared/corpus/specs/', import.meta.url));
const FILES = [
  'asana.yaml',
  'codat-accounting-oas31.json',
  'github-api.github.com.json',
  'kubernetes-swagger2.json',
  'msgraph.json',
  'stripe.yaml',
  'vercel-oas31.json',
  'xsoar-swagger2.json',
];

/** Counts operations straight from the parsed document, independently of the collector. */
function countOperations(document: unknown): number {
  if (typeof document !== 'object' || document === null) return 0;
  const root = document as Record<string, unknown>;
  let count = 0;
  for (const section of ['paths', 'webhooks']) {
    const items = root[section];
    if (typeof items !== 'object' || items === null) continue;
    for (const item of Object.values(items as Record<string, unknown>)) {
      if (typeof item !== 'object' || item === null) continue;
      for (const key of Object.keys(item)) if (['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'].includes(key)) count++;
    }
  }
  return count;
}

// The real-world corpus lives beside the repository (../shared); checkouts without it skip this.
describe.skipIf(!existsSync(CORPUS))('real-world corpus', () => {
  it.each(FILES)('inventories exactly the operations %s declares', (file) => {
    const text = readFileSync(`${CORPUS}${file}`, 'utf8');
    const expected = countOperations(file.endsWith('.json') ? (JSON.parse(text) as unknown) : load(text));
    const loaded = loadSpec(file, text, () => undefined);
    expect(loaded.diagnostics).toEqual([]);
    if (!loaded.spec) throw new Error(`${file} was not recognised`);
    const { endpoints, api } = collectOpenApi(loaded.spec, config());
    expect(expected).toBeGreaterThan(50);
    expect(endpoints).toHaveLength(expected);
    expect(new Set(endpoints.map((endpoint) => endpoint.id)).size).toBe(expected);
    expect(api.endpointIds).toHaveLength(expected);
    expect(endpoints.every((endpoint) => endpoint.sources[0] !== undefined && endpoint.sources[0].location.line >= 1)).toBe(true);
  });

  it('reports the dangling ref in the XSOAR spec', () => {
    const text = readFileSync(`${CORPUS}xsoar-swagger2.json`, 'utf8');
    const spec = loadSpec('xsoar-swagger2.json', text, () => undefined).spec;
    if (!spec) throw new Error('not recognised');
    const { diagnostics } = collectOpenApi(spec, config());
    expect(diagnostics.some((diagnostic) => diagnostic.level === 'warning' && /dangling/.test(diagnostic.message) && (diagnostic.line ?? 0) > 1)).toBe(true);
  });
});
