import { describe, expect, it } from 'vitest';
import type { Finding } from '../model/types.js';
import { headingAnchor } from './findings.js';
import { renderMarkdown, REPORT_SECTIONS } from './markdown.js';
import { sampleApi, sampleEndpoint, sampleFinding, sampleResult } from './sample.js';

function headings(markdown: string, level: string): string[] {
  return markdown
    .split('\n')
    .filter((line) => line.startsWith(`${level} `))
    .map((line) => line.slice(level.length + 1));
}

/** Every row of every table has as many cells as its header. */
function expectWellFormedTables(markdown: string): void {
  let columns: number | undefined;
  for (const line of markdown.split('\n')) {
    if (!line.startsWith('|')) {
      columns = undefined;
      continue;
    }
    const cells = line.split(/(?<!\\)\|/).length - 2;
    columns ??= cells;
    expect(cells, line).toBe(columns);
  }
}

function section(markdown: string, title: string): string {
  const start = markdown.indexOf(`\n## ${title}\n`);
  const next = markdown.indexOf('\n## ', start + 1);
  return markdown.slice(start, next < 0 ? undefined : next);
}

describe('renderMarkdown', () => {
  it('opens with the heading and has exactly the seven sections, in order', () => {
    const markdown = renderMarkdown(sampleResult());
    expect(markdown.startsWith('# API Security Audit\n')).toBe(true);
    expectWellFormedTables(markdown);
    expect(headings(markdown, '#')).toEqual(['API Security Audit']);
    expect(headings(markdown, '##')).toEqual([
      'API Inventory',
      'Authentication Assessment',
      'Authorization Review',
      'Rate Limiting',
      'Input Validation',
      'CORS and Transport',
      'Remediation Plan',
    ]);
    expect([...REPORT_SECTIONS]).toEqual(headings(markdown, '##'));
  });

  it('keeps the same seven sections when there is nothing at all, and says what was examined', () => {
    const empty = sampleResult({ inventory: { apis: [], endpoints: [] }, findings: [], diagnostics: [], checks: [] });
    const markdown = renderMarkdown(empty);
    expect(headings(markdown, '##')).toHaveLength(7);
    for (const title of REPORT_SECTIONS) {
      const body = section(markdown, title).replace(`## ${title}`, '').trim();
      expect(body.length, title).toBeGreaterThan(20);
    }
    expect(section(markdown, 'Input Validation')).toContain('No input-validation, injection or error-handling weaknesses were found.');
    expect(section(markdown, 'Remediation Plan')).toContain('Nothing to fix');
  });

  it('writes the preamble with the name, date, directory and tool version', () => {
    const markdown = renderMarkdown(sampleResult(), { prerequisite: 'skipped' });
    expect(markdown).toContain('- Name: `payments-service`');
    expect(markdown).toContain('- Date: 2025-06-30');
    expect(markdown).toContain('- Directory: `examples/payments-service`');
    expect(markdown).toContain('- Tool: apisec 0.1.0');
    expect(markdown).toContain('bypassed with `--skip-checks`');
    expect(markdown).not.toContain('1234');
  });

  it('inventories every API and endpoint', () => {
    const inventory = section(renderMarkdown(sampleResult()), 'API Inventory');
    expect(inventory).toContain('| `Payments API` | openapi | external | jwt | Critical | path (v1) | 4 | `openapi.yaml:1` |');
    expect(inventory).toContain(
      '| GET | `/payments/{id}` | both: spec `openapi.yaml:12`, code `src/routes/payments.js:8` | protected: jwt | Critical | no |',
    );
    expect(inventory).toContain('| DELETE | `/payments/{id}` | spec `openapi.yaml:10` | unprotected | Critical | no |');
    expect(inventory).toContain('| POST | `/v0/charges` | spec `openapi.yaml:10` | unknown | Critical | yes (sunset 2024-01-01) |');
    expect(inventory).toContain('Deprecated endpoints still active: `POST /v0/charges` (sunset 2024-01-01).');
    expect(inventory).toContain('- error: `broken.yaml:3` — The YAML is malformed. (openapi)');
  });

  it('ranks unauthenticated endpoints by tier, then state-changing methods first', () => {
    const endpoints = [
      sampleEndpoint({ method: 'GET', path: '/a', tier: 'critical', auth: { state: 'unprotected', mechanisms: [] } }),
      sampleEndpoint({ method: 'DELETE', path: '/b', tier: 'low', auth: { state: 'unprotected', mechanisms: [] } }),
      sampleEndpoint({ method: 'POST', path: '/c', tier: 'critical', auth: { state: 'unprotected', mechanisms: [] } }),
      sampleEndpoint({ method: 'DELETE', path: '/d', tier: 'critical', auth: { state: 'unprotected', mechanisms: [] } }),
    ];
    const result = sampleResult();
    const markdown = renderMarkdown({ ...result, inventory: { apis: result.inventory.apis, endpoints } });
    const rows = section(markdown, 'Authentication Assessment')
      .split('\n')
      .filter((line) => /^\| \d+ \|/.test(line))
      .map((line) => line.split(' | ').slice(1, 3).join(' '));
    expect(rows).toEqual(['DELETE `/d`', 'POST `/c`', 'GET `/a`', 'DELETE `/b`']);
  });

  it('adds an API column to endpoint tables when there are several APIs', () => {
    const result = sampleResult();
    const admin = sampleApi({ id: 'admin', name: 'Admin API', kind: 'code', type: 'internal', endpointIds: ['admin GET /users'] });
    const endpoints = [...result.inventory.endpoints, sampleEndpoint({ id: 'admin GET /users', apiId: 'admin', method: 'GET', path: '/users', type: 'internal' })];
    const markdown = renderMarkdown({ ...result, inventory: { apis: [...result.inventory.apis, admin], endpoints } });
    expectWellFormedTables(markdown);
    expect(section(markdown, 'API Inventory')).toContain('| GET | `/users` | `Admin API` | spec `openapi.yaml:10` | protected: jwt | High | no |');
    expect(section(markdown, 'Rate Limiting')).toContain('| Method | Path | API | Tier | Rate limit | Limit | Where set | Scope or reason |');
    expect(section(markdown, 'Authentication Assessment')).toContain('| `Admin API` | jwt | 1 | 0 | 0 | 0 | 0 |');
  });

  it('shows authorization coverage per endpoint, unknown when there is no evidence', () => {
    const authz = section(renderMarkdown(sampleResult()), 'Authorization Review');
    expect(authz).toContain('| GET | `/payments/{id}` | Critical | missing | present | requireRole("merchant") |');
    // Endpoints known only from a spec have no evidence either way: counted, not listed.
    expect(authz).not.toMatch(/\| DELETE \| `\/payments\/\{id\}`/);
    expect(authz).toContain('3 endpoints are known only from API descriptions');
  });

  it('lists code endpoints whose authorization is unknown', () => {
    const result = sampleResult();
    const endpoints = result.inventory.endpoints.map((endpoint) =>
      endpoint.method === 'DELETE'
        ? { ...endpoint, sources: [{ kind: 'code' as const, location: { file: 'src/routes/payments.js', line: 30 }, via: 'express' }] }
        : endpoint,
    );
    const authz = section(renderMarkdown({ ...result, inventory: { ...result.inventory, endpoints } }), 'Authorization Review');
    expect(authz).toMatch(/\| DELETE \| `\/payments\/\{id\}` \| Critical \| unknown \| unknown \|/);
    expect(authz).toContain('2 endpoints are known only from API descriptions');
  });

  it('shows rate-limit coverage with a percentage', () => {
    const rate = section(renderMarkdown(sampleResult()), 'Rate Limiting');
    expect(rate).toContain('Rate limiting is set on 1 of 4 endpoints (25%)');
    expect(rate).toContain('| GET | `/payments/{id}` | Critical | present | `100/min` | `src/app.js:20` | per IP |');
  });

  it('groups findings by check, shows five occurrences and counts the rest', () => {
    const findings: Finding[] = Array.from({ length: 8 }, (_, index) =>
      sampleFinding({ checkId: 'unauthenticated-endpoint', location: { file: 'src/routes/payments.js', line: index + 1 } }),
    );
    findings.push(sampleFinding({ checkId: 'jwt-none', title: 'JWT accepted with alg none', severity: 'critical', location: { file: 'src/auth.js', line: 3 } }));
    const auth = section(renderMarkdown(sampleResult({ findings })), 'Authentication Assessment');
    expect(auth.match(/^#### /gm)).toHaveLength(2);
    expect(auth.indexOf('#### F1. JWT accepted with alg none')).toBeLessThan(auth.indexOf('#### F2. Endpoint without authentication'));
    expect(auth).toContain(
      '**High** · API2:2023 Broken Authentication · CWE-306 · confidence: high · `unauthenticated-endpoint` · 8 findings. **Why it matters.** Anyone who can reach the API can call it. **How to fix.** Add the authentication middleware to the route.',
    );
    // Places are table rows, their evidence rendered as code; five are shown and the rest counted.
    expect(auth).toContain('| Where | Finding | Evidence |');
    expect(auth).toContain('| `src/routes/payments.js:5` | The endpoint `DELETE /payments/{id}` is reachable without authentication. |   |');
    expect(auth).not.toContain('| `src/routes/payments.js:6` |');
    expect(auth).toContain('And 3 more (see 02-protect.json).');
  });

  it('renders evidence as code and the endpoint column when a place concerns an endpoint', () => {
    const findings = [
      sampleFinding({
        checkId: 'token-accepted-from-url',
        title: 'Credential accepted from the URL',
        endpointId: 'payments GET /payments/{id}',
        evidence: { snippet: 'req.query.access_token' },
      }),
    ];
    const auth = section(renderMarkdown(sampleResult({ findings })), 'Authentication Assessment');
    expectWellFormedTables(auth);
    expect(auth).toContain('| Where | Endpoint | Finding | Evidence |');
    expect(auth).toContain('| `src/routes/payments.js:12` | `GET /payments/{id}` | The endpoint `DELETE /payments/{id}` is reachable without authentication. | `req.query.access_token` |');
  });

  it('orders the remediation plan by severity, one item per root cause, linking to its finding instead of repeating the fix', () => {
    const markdown = renderMarkdown(sampleResult());
    const plan = section(markdown, 'Remediation Plan');
    const items = plan.split('\n').filter((line) => /^\d+\. /.test(line));
    expect(items).toHaveLength(3);
    expect(items[0]).toMatch(/^1\. \*\*Critical\*\* \[F1\. Endpoint without authentication\]\(#f1-endpoint-without-authentication\) — API2:2023; Authentication Assessment; 1 place: `src\/routes\/payments\.js:12`\.$/);
    expect(items[1]).toMatch(/^2\. \*\*High\*\* \[F2\. /);
    expect(items[2]).toMatch(/^3\. \*\*Medium\*\* \[F3\. /);
    // The fix text is said once, in the finding the item links to.
    expect(plan).not.toContain('Scope the query to the caller');
    expect(markdown.split('Scope the query to the caller')).toHaveLength(2);
    // Every link points at a heading of the document.
    const anchors = new Set(markdown.split('\n').filter((line) => line.startsWith('#')).map((line) => headingAnchor(line.replace(/^#+ /, ''))));
    for (const [, anchor] of plan.matchAll(/\]\(#([^)]+)\)/g)) expect(anchors.has(anchor ?? ''), anchor).toBe(true);
  });

  it("closes the plan with seed 003's checklist: each item's status and what decided it, a ✗ linking to its finding", () => {
    const result = sampleResult();
    const checklist = [
      { group: 'Authentication' as const, item: 'All endpoints require authentication (unless explicitly public)', status: 'fail' as const, reason: 'A finding shows it.', findings: [result.findings[0]?.checkId ?? ''] },
      { group: 'Operations' as const, item: 'Dependencies scanned for CVEs', status: 'pass' as const, reason: 'Dependencies are scanned: npm audit at .github/workflows/ci.yml:11.', evidence: [{ location: { file: '.github/workflows/ci.yml', line: 11 }, snippet: 'npm audit' }] },
      { group: 'Operations' as const, item: 'Request logging with correlation IDs', status: 'unknown' as const, reason: 'No evidence either way was found.' },
      // A ✗ with no finding of the report to link to (an experimental check's, the inventory's) lists where it was seen.
      { group: 'Input/Output' as const, item: 'Generic error messages (no stack traces)', status: 'fail' as const, reason: 'The error handler sends `err.stack` (src/app.js:31).', experimental: ['verbose-error-response'], evidence: [{ location: { file: 'src/app.js', line: 31 } }, { location: { file: 'src/errors.js', line: 8 } }] },
    ];
    const markdown = renderMarkdown({ ...result, checklist });
    expectWellFormedTables(markdown);
    const plan = section(markdown, 'Remediation Plan');
    expect(plan).toContain('### Quick Security Review Checklist');
    expect(plan).toContain("Seed 003's checklist: 1 ✓, 2 ✗, 1 unknown.");
    expect(plan).toContain('| Authentication | All endpoints require authentication (unless explicitly public) | ✗ | [F1](#f1-endpoint-without-authentication): A finding shows it. |');
    expect(plan).toContain('| Operations | Dependencies scanned for CVEs | ✓ | Dependencies are scanned: npm audit at .github/workflows/ci.yml:11. Evidence: `.github/workflows/ci.yml:11`. |');
    expect(plan).toContain('| Operations | Request logging with correlation IDs | unknown | No evidence either way was found. |');
    expect(plan).toContain('| Input/Output | Generic error messages (no stack traces) | ✗ | The error handler sends `err.stack` (src/app.js:31). Evidence: `src/app.js:31`, `src/errors.js:8`. |');
    expect(renderMarkdown(result)).not.toContain('Quick Security Review Checklist');
  });

  it('escapes pipes and backticks in table cells', () => {
    const endpoints = [sampleEndpoint({ method: 'GET', path: '/search/{q|x}`y`', auth: { state: 'unprotected', mechanisms: [] } })];
    const result = sampleResult();
    const markdown = renderMarkdown({ ...result, inventory: { apis: result.inventory.apis, endpoints }, findings: [] });
    expect(markdown).toContain('| GET | `` /search/{q\\|x}`y` `` |');
    expectWellFormedTables(markdown);
  });

  it('collapses very large tables into a details block', () => {
    const endpoints = Array.from({ length: 301 }, (_, index) => sampleEndpoint({ method: 'GET', path: `/items/${String(index).padStart(3, '0')}` }));
    const result = sampleResult();
    const markdown = renderMarkdown({ ...result, inventory: { apis: result.inventory.apis, endpoints }, findings: [] });
    expect(section(markdown, 'API Inventory')).toContain('<details>\n<summary>All 301 endpoints</summary>');
    expect(section(markdown, 'API Inventory')).toContain('| GET | `/items/300` |');
  });

  it('is deterministic', () => {
    const result = sampleResult();
    const shuffled = { ...result, inventory: { ...result.inventory, endpoints: [...result.inventory.endpoints].reverse() } };
    expect(renderMarkdown(shuffled)).toBe(renderMarkdown(result));
  });
});
