import { describe, expect, it } from 'vitest';
import { audit } from '../src/index.js';

/**
 * A report must not depend on how the code is cut into analysis units: each language family as one
 * unit, or each independent project of a family as its own (`splitProjects`). These fixtures hold
 * several projects of one family (one manifest each).
 */
const fixtures = [
  'src/checks/rate-limiting-absent/fixtures/services-monorepo',
  'src/checks/token-revocation-missing/fixtures/logout-beside-a-client',
  'src/collectors/code/nestjs/fixtures/fleet-services',
  'src/collectors/code/spring/fixtures/shop-modules',
  'src/collectors/code/express/fixtures/alias-services',
  'src/checks/security-headers-missing/fixtures/services-one-hardened',
  'src/checks/https-not-enforced/fixtures/desktop-shell',
  'src/checks/rate-limiting-absent/fixtures/django-two-projects',
  'src/checks/rate-limiting-absent/fixtures/aspnet-two-minimal-services',
  'src/checks/rate-limiting-absent/fixtures/aspnet-two-controller-services',
  'src/checks/rate-limiting-absent/fixtures/ktor-two-services',
];

async function report(root: string, splitProjects: boolean): Promise<{ endpoints: string[]; findings: string[] }> {
  const result = await audit({ root, name: 'split', today: '2026-12-07', experimental: true, fileBudgetMs: 0, jobs: 1, splitProjects });
  return {
    endpoints: result.inventory.endpoints.map((endpoint) => JSON.stringify({ id: endpoint.id, auth: endpoint.auth, authz: endpoint.authorization, rl: endpoint.rateLimit })).sort(),
    findings: result.findings.map((finding) => JSON.stringify(finding)).sort(),
  };
}

describe('whole families and split projects give one report', () => {
  for (const fixture of fixtures) {
    it(fixture, async () => {
      const root = new URL(`../${fixture}`, import.meta.url).pathname;
      const whole = await report(root, false);
      const split = await report(root, true);
      expect(split.endpoints).toEqual(whole.endpoints);
      expect(split.findings).toEqual(whole.findings);
    });
  }

  it('reports rate-limiting-absent once per application that lacks a limiter, in both modes', async () => {
    const root = new URL('../src/checks/rate-limiting-absent/fixtures/services-monorepo', import.meta.url).pathname;
    for (const splitProjects of [false, true]) {
      const result = await audit({ root, name: 'split', today: '2026-12-07', fileBudgetMs: 0, jobs: 1, splitProjects });
      const places = result.findings.filter((finding) => finding.checkId === 'rate-limiting-absent').map((finding) => `${finding.location.file}:${finding.location.line}`);
      expect(places.sort()).toEqual(['services/catalog/src/server.ts:4', 'services/orders/src/app.js:4', 'services/search/main.py:4']);
    }
  });
});
