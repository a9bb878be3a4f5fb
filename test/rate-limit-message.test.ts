import { describe, expect, it } from 'vitest';
import { audit } from '../src/index.js';

const fixture = new URL('../src/collectors/code/spring/fixtures/shop-modules', import.meta.url).pathname;

describe('rate-limiting-absent', () => {
  it('reports each application that lacks a limiter, named, not the first one for all of them', async () => {
    const result = await audit({ root: fixture, name: 'shop', today: '2026-12-07', fileBudgetMs: 0, jobs: 1 });
    const findings = result.findings.filter((finding) => finding.checkId === 'rate-limiting-absent');
    const apps = result.inventory.apis.filter((api) => api.kind === 'code');
    // Several Spring Boot applications in one repository: each is a deployable of its own, one finding each
    // (the same whether the modules are analysed together or apart, test/split-projects.test.ts).
    expect(apps.length).toBeGreaterThan(1);
    expect(findings).toHaveLength(apps.length);
    for (const app of apps) expect(findings.filter((finding) => finding.message.includes(`served by ${app.name}:`))).toHaveLength(1);
  });
});
