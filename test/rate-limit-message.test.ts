import { describe, expect, it } from 'vitest';
import { audit } from '../src/index.js';

const fixture = new URL('../src/collectors/code/spring/fixtures/shop-modules', import.meta.url).pathname;

describe('rate-limiting-absent', () => {
  it('names every application that serves the endpoints it counts, not the first one only', async () => {
    const result = await audit({ root: fixture, name: 'shop', today: '2026-12-07', fileBudgetMs: 0, jobs: 1 });
    const findings = result.findings.filter((finding) => finding.checkId === 'rate-limiting-absent');
    expect(findings).toHaveLength(1);
    const apps = result.inventory.apis.filter((api) => api.kind === 'code');
    // Several Spring Boot applications in one repository: one root cause, every application named.
    expect(apps.length).toBeGreaterThan(1);
    for (const app of apps) expect(findings[0]?.message).toContain(app.name);
  });
});
