import { describe, expect, it } from 'vitest';
import { audit } from '../src/index.js';

const fixture = new URL('../src/checks/deprecated-operation-served/fixtures', import.meta.url).pathname;

describe('deprecated-operation-served', () => {
  it('reports the deprecated operations of one API description without a sunset as one finding, each operation a place', async () => {
    const result = await audit({ root: fixture, name: 'users', today: '2026-12-07', fileBudgetMs: 0, jobs: 1 });
    const findings = result.findings.filter((finding) => finding.checkId === 'deprecated-operation-served');
    // users-api.yaml deprecates two operations with no sunset (GET /v1/users and one more, annotated `ruleid:`).
    expect(findings).toHaveLength(1);
    const places = [findings[0]?.location, ...(findings[0]?.related ?? []).map((related) => related.location)];
    expect(places.map((place) => `${place?.file}:${place?.line}`)).toEqual(['users-api.yaml:12', 'users-api.yaml:33']);
    expect(findings[0]?.occurrences).toBe(2);
  });
});
