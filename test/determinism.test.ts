import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { audit } from '../src/index.js';
import { renderJson } from '../src/report/json.js';
import { renderMarkdown } from '../src/report/markdown.js';
import { renderSummary } from '../src/report/summary.js';

const PROJECTS = [
  '../examples/payments-service',
  '../src/collectors/code/express/fixtures/market-mounts',
  '../src/collectors/code/django/fixtures/bookclub-api',
  '../src/checks/admin-route-without-role-check/fixtures/flask-contest',
];

describe('determinism: the same tree gives the same bytes', () => {
  it.each(PROJECTS)('%s audited twice renders identically', async (relative) => {
    const root = fileURLToPath(new URL(relative, import.meta.url));
    const render = async (): Promise<string[]> => {
      const result = await audit({ root, name: 'determinism', today: '2026-12-06' });
      return [renderJson(result), renderMarkdown(result, { prerequisite: 'skipped' }), renderSummary(result, { color: false, artifactPath: 'x' })];
    };
    const first = await render();
    const second = await render();
    expect(second).toEqual(first);
    expect(first[0]?.length ?? 0).toBeGreaterThan(1000);
  });
});
