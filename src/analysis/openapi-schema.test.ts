import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { audit } from '../index.js';

/**
 * Schema usage counts the operations reaching each schema. Few operations are kept as a list, many
 * as a bitset over every operation (a bitset per schema was quadratic on a spec with 100k paths):
 * the counts must be the same on both sides of the switch.
 */
function spec(sharedBy: number, ownSchemas: number): string {
  const paths: Record<string, unknown> = {};
  const json = (schema: unknown): unknown => ({ '200': { description: 'ok', content: { 'application/json': { schema } } } });
  for (let index = 0; index < sharedBy; index += 1) {
    paths[`/accounts/${index}`] = { get: { operationId: `account${index}`, responses: json({ $ref: '#/components/schemas/Account' }) } };
  }
  for (let index = 0; index < ownSchemas; index += 1) {
    paths[`/tokens/${index}`] = {
      get: { operationId: `token${index}`, responses: json({ type: 'object', properties: { password: { type: 'string' }, id: { type: 'integer' } } }) },
    };
  }
  return JSON.stringify({
    openapi: '3.0.3',
    info: { title: 'usage', version: '1' },
    paths,
    components: { schemas: { Account: { type: 'object', properties: { id: { type: 'integer' }, password: { type: 'string' } } } } },
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

async function passwordOccurrences(sharedBy: number, ownSchemas: number): Promise<{ shared: number | undefined; own: number[] }> {
  const dir = mkdtempSync(path.join(os.tmpdir(), 'apisec-usage-'));
  dirs.push(dir);
  writeFileSync(path.join(dir, 'openapi.json'), spec(sharedBy, ownSchemas));
  const result = await audit({ root: dir, name: 'usage', today: '2026-12-06', experimental: true });
  const findings = result.findings.filter((finding) => finding.checkId === 'sensitive-data-in-response');
  const shared = findings.find((finding) => finding.location.pointer?.startsWith('/components/schemas/Account'));
  const own = findings.filter((finding) => finding.location.pointer?.startsWith('/paths/')).map((finding) => (finding.evidence?.operations as number | undefined) ?? 0);
  return { shared: shared?.evidence?.operations as number | undefined, own };
}

describe('schema usage counts', () => {
  it.each([1, 31, 32, 33, 100])('a schema shared by %i operations is counted once per operation', async (sharedBy) => {
    const { shared, own } = await passwordOccurrences(sharedBy, 3);
    expect(shared).toBe(sharedBy);
    expect(own).toEqual([1, 1, 1]);
  });
});
