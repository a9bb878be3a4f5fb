import { existsSync } from 'node:fs';
import { cp, mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { chromium } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AuditResult } from '../../engine/result.js';
import { audit } from '../../index.js';
import { renderHtml } from './index.js';

// Debian's chromium, driven by playwright-core (never a downloaded browser).
const CHROMIUM = process.env.APISEC_CHROMIUM ?? '/usr/bin/chromium';
const HAVE_CHROMIUM = existsSync(CHROMIUM);
const IN_CI = process.env.CI !== undefined && process.env.CI !== '' && process.env.CI !== 'false';
const EXAMPLE = fileURLToPath(new URL('../../../examples/payments-service', import.meta.url));
const ARTIFACTS = fileURLToPath(new URL('../../../test-artifacts/html-report', import.meta.url));

if (!HAVE_CHROMIUM && !IN_CI) {
  console.warn(`HTML report browser tests skipped: no Chromium at ${CHROMIUM} (apt-get install -y chromium, or set APISEC_CHROMIUM). In CI they run and fail instead.`);
}

interface Loaded {
  page: Page;
  requests: string[];
  dialogs: string[];
  errors: string[];
}

describe.skipIf(!HAVE_CHROMIUM && !IN_CI)('02-protect.html in headless Chromium', () => {
  let dir: string;
  let browser: Browser | undefined;
  let demo: AuditResult;
  let demoUrl: string;
  let hostileUrl: string;
  let hostileResult: AuditResult;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'apisec-html-'));
    await cp(EXAMPLE, join(dir, 'demo'), { recursive: true });
    demo = await audit({ root: join(dir, 'demo'), name: 'payments-service', today: '2025-06-30' });
    demoUrl = pathToFileURL(join(dir, 'demo.html')).href;
    await writeFile(join(dir, 'demo.html'), renderHtml(demo));

    // A project whose file name, route path and handler text try to break out of the markup.
    const hostile = join(dir, 'hostile');
    await mkdir(join(hostile, 'src'), { recursive: true });
    await writeFile(join(hostile, 'package.json'), JSON.stringify({ name: 'hostile', dependencies: { express: '^4.19.2' } }));
    await writeFile(
      join(hostile, 'src', '"onload=alert(1)<script>alert(2)<\\script>.js'),
      [
        "const express = require('express');",
        'const app = express();',
        'app.get(\'/items/<script>alert(3)</script>/"onmouseover=alert(4)/:id\', (req, res) => {',
        '  res.json({ id: req.params.id });',
        '});',
        "app.delete('/users/<img src=x onerror=alert(5)>/:id', (req, res) => {",
        '  db.query("DELETE FROM users WHERE id = " + req.params.id);',
        '  res.sendStatus(204);',
        '});',
        'app.listen(3000);',
        '',
      ].join('\n'),
    );
    hostileResult = await audit({ root: hostile, name: 'hostile', today: '2025-06-30' });
    expect(hostileResult.inventory.endpoints.length).toBeGreaterThan(0);
    hostileUrl = pathToFileURL(join(dir, 'hostile.html')).href;
    await writeFile(join(dir, 'hostile.html'), renderHtml(hostileResult));

    await mkdir(ARTIFACTS, { recursive: true });
    // launch() starts from a fresh, temporary profile; the flags keep Chromium from calling home.
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
    });
  });

  afterAll(async () => {
    await browser?.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function load(url: string): Promise<Loaded> {
    if (browser === undefined) throw new Error(`Chromium did not start from ${CHROMIUM}.`);
    const page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
    const loaded: Loaded = { page, requests: [], dialogs: [], errors: [] };
    page.on('request', (request) => loaded.requests.push(request.url()));
    page.on('dialog', (dialog) => {
      loaded.dialogs.push(dialog.message());
      void dialog.dismiss();
    });
    page.on('console', (message) => {
      if (message.type() === 'error') loaded.errors.push(message.text());
    });
    page.on('pageerror', (error) => loaded.errors.push(error.message));
    await page.goto(url, { waitUntil: 'load' });
    return loaded;
  }

  const visibleRows = (page: Page): Promise<number> => page.locator('#inventory > tbody:not([hidden])').count();

  it('renders the demo: findings count, every endpoint, both charts; fetches nothing but itself', async () => {
    const { page, requests, errors } = await load(demoUrl);
    expect(demo.findings.length).toBeGreaterThan(0);
    await expect(page.locator('[data-card="Findings"] b').textContent()).resolves.toBe(String(demo.findings.length));
    await expect(page.locator('[data-card="Endpoints"] b').textContent()).resolves.toBe(String(demo.inventory.endpoints.length));
    expect(await visibleRows(page)).toBe(demo.inventory.endpoints.length);
    const paths = await page.locator('#inventory td.path > code').allTextContents();
    expect([...paths].sort()).toEqual(demo.inventory.endpoints.map((endpoint) => endpoint.path).sort());
    expect(await page.locator('figure.chart svg').count()).toBe(2);
    const critical = demo.findings.filter((finding) => finding.severity === 'critical').length;
    await expect(page.locator('g[data-label="Critical"]').getAttribute('data-value')).resolves.toBe(String(critical));
    await page.screenshot({ path: join(ARTIFACTS, 'demo-summary.png'), fullPage: false });
    // The policy blocked nothing of the page's own (a hash mismatch would be a console error).
    expect(errors).toEqual([]);
    expect(requests).toEqual([demoUrl]);
    await page.close();
  });

  it('filters, sorts and opens a drill-down with code, spec, live evidence and findings', async () => {
    const { page, requests, errors } = await load(demoUrl);
    const total = demo.inventory.endpoints.length;

    const states = [...new Set(demo.inventory.endpoints.map((endpoint) => endpoint.auth.state))];
    const state = states.find((candidate) => demo.inventory.endpoints.some((endpoint) => endpoint.auth.state !== candidate));
    expect(state).toBeDefined();
    await page.selectOption('select[data-filter="auth"]', state ?? '');
    const expected = demo.inventory.endpoints.filter((endpoint) => endpoint.auth.state === state).length;
    expect(await visibleRows(page)).toBe(expected);
    expect(expected).toBeLessThan(total);
    await expect(page.locator('#shown-count').textContent()).resolves.toBe(String(expected));
    await page.selectOption('select[data-filter="auth"]', '');

    await page.fill('#filter-text', 'refunds');
    const refunds = demo.inventory.endpoints.filter((endpoint) => endpoint.path.includes('refunds')).length;
    expect(refunds).toBeGreaterThan(0);
    expect(await visibleRows(page)).toBe(refunds);
    await page.fill('#filter-text', '');
    expect(await visibleRows(page)).toBe(total);

    const lower = (values: readonly string[]): string[] => values.map((value) => value.toLowerCase());
    const ascending = lower(demo.inventory.endpoints.map((endpoint) => endpoint.path)).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
    await page.click('#inventory th:nth-child(2) button');
    await expect(page.locator('#inventory th:nth-child(2)').getAttribute('aria-sort')).resolves.toBe('ascending');
    expect(lower(await page.locator('#inventory td.path > code').allTextContents())).toEqual(ascending);
    await page.click('#inventory th:nth-child(2) button');
    expect(lower(await page.locator('#inventory td.path > code').allTextContents())).toEqual([...ascending].reverse());

    // The endpoint with the most findings.
    const counts: { id: string; findings: number }[] = [];
    for (const row of await page.locator('#inventory > tbody').all()) {
      counts.push({ id: (await row.getAttribute('id')) ?? '', findings: Number(await row.locator('td.count').getAttribute('data-sort')) });
    }
    const busiest = [...counts].sort((a, b) => b.findings - a.findings)[0];
    expect(busiest?.findings).toBeGreaterThan(0);
    const body = page.locator(`#${busiest?.id ?? 'none'}`);
    const detail = body.locator('tr.detail');
    await expect(detail.isHidden()).resolves.toBe(true);
    await body.locator('button.open').click();
    await detail.waitFor({ state: 'visible', timeout: 5000 });
    await expect(body.locator('button.open').getAttribute('aria-expanded')).resolves.toBe('true');
    const headings = await detail.locator('.drill h4').allTextContents();
    expect(headings).toEqual(['Code', 'Spec', 'Live evidence']);
    expect(await detail.locator('.finding').count()).toBe(busiest?.findings);
    await detail.screenshot({ path: join(ARTIFACTS, 'demo-drill-down.png') });
    await page.screenshot({ path: join(ARTIFACTS, 'demo-full.png'), fullPage: true });

    // A finding's endpoint link opens that endpoint's drill-down, even when a filter hid it.
    const link = page.locator('#findings a[href^="#ep-"]').first();
    const target = ((await link.getAttribute('href')) ?? '#none').slice(1);
    const targetPath = await page.locator(`#${target} td.path > code`).textContent();
    await page.fill('#filter-text', 'no endpoint has this text');
    expect(await visibleRows(page)).toBe(0);
    await link.click();
    // The page opens the drill-down on `hashchange`, which fires after the click returns: wait for it.
    await page.locator(`#${target}-detail`).waitFor({ state: 'visible', timeout: 5000 });
    expect(targetPath).not.toBeNull();

    expect(errors).toEqual([]);
    expect(requests).toEqual([demoUrl]);
    await page.close();
  });

  it('shows hostile names as text: no script runs, no handler attribute, nothing fetched', async () => {
    const { page, requests, dialogs, errors } = await load(hostileUrl);
    for (const button of await page.locator('button.open').all()) await button.click();
    await page.hover('#inventory td.path');
    expect(dialogs).toEqual([]);
    expect(await page.locator('script').count()).toBe(1);
    expect(await page.locator('img, [onload], [onmouseover], [onerror]').count()).toBe(0);
    const paths = await page.locator('#inventory td.path > code').allTextContents();
    expect([...paths].sort()).toEqual(hostileResult.inventory.endpoints.map((endpoint) => endpoint.path).sort());
    expect(paths.some((path) => path.includes('</script>/"onmouseover=alert(4)'))).toBe(true);
    await expect(page.locator('body').textContent()).resolves.toContain('"onload=alert(1)<script>alert(2)<\\script>.js');
    await page.screenshot({ path: join(ARTIFACTS, 'hostile.png'), fullPage: true });
    expect(errors).toEqual([]);
    expect(requests).toEqual([hostileUrl]);
    await page.close();
  });
});
