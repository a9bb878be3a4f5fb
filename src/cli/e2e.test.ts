import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { run } from './run.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/payments-service', import.meta.url));

describe('apisec audit on examples/payments-service, end to end', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apisec-e2e-'));
    await cp(EXAMPLE, cwd, { recursive: true });
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('writes the seven-section report and the JSON beside it', async () => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = {
      stdout: { write: (chunk: string) => (stdout += chunk) },
      stderr: { write: (chunk: string) => (stderr += chunk) },
      cwd,
      env: {},
    };
    const code = await run(['audit', 'payments-service', '.', '--today', '2025-06-30'], io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const markdown = await readFile(join(cwd, '.metapowers/security/payments-service/02-protect.md'), 'utf8');
    expect(markdown.split('\n').filter((line) => line.startsWith('## '))).toEqual([
      '## API Inventory',
      '## Authentication Assessment',
      '## Authorization Review',
      '## Rate Limiting',
      '## Input Validation',
      '## CORS and Transport',
      '## Remediation Plan',
    ]);
    const json = JSON.parse(await readFile(join(cwd, '.metapowers/security/payments-service/02-protect.json'), 'utf8')) as {
      summary: { endpoints: number };
      date: string;
    };
    expect(json.date).toBe('2025-06-30');
    expect(json.summary.endpoints).toBeGreaterThan(0);
    expect(stdout).toContain('APIs inventoried:');

    // Artifact quality: short, each finding in the section the seed's process assigns it, the plan
    // linking to findings instead of repeating their fix, evidence as code in tables.
    const lines = markdown.split('\n');
    expect(lines.length).toBeLessThanOrEqual(400);
    const sectionOf = (heading: RegExp): string | undefined => {
      let current: string | undefined;
      for (const line of lines) {
        if (line.startsWith('## ')) current = line.slice(3);
        if (heading.test(line)) return current;
      }
      return undefined;
    };
    expect(sectionOf(/^#+ F\d+\. Payment mutation without idempotency handling$/)).toBe('Input Validation');
    expect(sectionOf(/^#+ F\d+\. Webhook or callback without a documented signature$/)).toBe('Input Validation');
    expect(sectionOf(/^#+ F\d+\. SQL built from request data$/)).toBe('Input Validation');
    expect(sectionOf(/^#+ F\d+\. Request origin reflected in CORS with credentials$/)).toBe('CORS and Transport');
    const plan = markdown.slice(markdown.indexOf('## Remediation Plan'));
    expect(plan).toMatch(/^1\. \*\*Critical\*\* \[F1\. [^\]]+\]\(#f1-[a-z0-9-]+\)/m);
    expect(plan).not.toContain('How to fix');
    expect(markdown).toContain('| `src/middleware/auth.js:6` | `req.query.access_token` reads the `access_token` credential from the query string. | `req.query.access_token` |');
    expect(markdown).toMatch(/\| `src\/app\.js:15` \| .* \| `cors\(\{ origin: true, credentials: true \}\)` \|/);
    // Seed 003's checklist closes the plan: every item decided, a ✗ linking to the finding that decided it.
    const checklist = markdown.slice(markdown.indexOf('### Quick Security Review Checklist'));
    expect(markdown.indexOf('### Quick Security Review Checklist')).toBeGreaterThan(markdown.indexOf('## Remediation Plan'));
    const rows = checklist.split('\n').filter((line) => /^\| (Authentication|Authorization|Input\/Output|Transport|Operations) \|/.test(line));
    expect(rows.length).toBeGreaterThanOrEqual(22);
    for (const row of rows) expect(row.split(' | ')[2], row).toMatch(/^(✓|✗|unknown)$/);
    expect(checklist).toMatch(/\| Input\/Output \| Parameterized queries \(no string concatenation\) \| ✗ \| \[F\d+\]\(#f\d+-sql-built-from-request-data\): /);
    // ✓ only where the demo's code and configuration show the practice, with where.
    expect(checklist).toContain('| Operations | Dependencies scanned for CVEs | ✓ | Dependencies are scanned: Dependabot at .github/dependabot.yml:4.');
    expect(checklist).toContain('| Authentication | JWTs use RS256 with short expiry | ✓ | Every access token the code issues is signed with an asymmetric algorithm and expires within 15 min (src/auth/tokens.js:9, 15 min, RS256).');
    expect(checklist).toContain('| Authentication | Token rotation implemented | ✓ | Refresh tokens rotate: `POST /auth/token/refresh` issues new tokens and invalidates the presented one (src/routes/auth.js:16).');
    expect(checklist).toContain('| Authentication | OAuth 2.0 with PKCE for public clients | ✓ | Every OAuth authorization-code client (1) turns PKCE on: src/routes/bank-link.js:31.');
    expect(checklist).toContain('| Authentication | API keys prefixed, stored hashed, scoped and per environment | ✓ | API keys are stored as digests and scoped: `partner_api_keys` (digest `key_hash`, scope `scopes`, prefix `key_prefix`, environment `environment`) at migrations/1718000000000_partner-api-keys.js:5');
    expect(checklist).toContain('| Transport | HSTS enabled | ✓ | `Strict-Transport-Security` is sent: `helmet.strictTransportSecurity` sends `Strict-Transport-Security` at src/app.js:19.');
    expect(checklist).toContain('| Operations | Request logging with correlation IDs | ✓ | Requests get an id the logs carry: `pino-http` with `genReqId`');

    // The same findings as the JSON: one heading per check that reported.
    const report = JSON.parse(await readFile(join(cwd, '.metapowers/security/payments-service/02-protect.json'), 'utf8')) as {
      findings: { checkId: string }[];
      checklist: { item: string; status: string; findings?: string[] }[];
    };
    const checks = new Set(report.findings.map((finding) => finding.checkId));
    expect(lines.filter((line) => /^#{3,4} F\d+\. /.test(line))).toHaveLength(checks.size);
    expect(report.checklist).toHaveLength(rows.length);
    expect(report.checklist.find((entry) => entry.item === 'Parameterized queries (no string concatenation)')).toMatchObject({ status: 'fail', findings: ['sql-injection'] });
  });

  it('rejects an unknown check id in disabledChecks with the line and the list of valid ids, printed once', async () => {
    let stderr = '';
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: (chunk: string) => (stderr += chunk) }, cwd, env: {} };
    await writeFile(join(cwd, 'apisec.config.yaml'), 'disabledChecks:\n  - sql-injection\n  - sql-injections\n');
    try {
      expect(await run(['audit', 'payments-service', '.', '--quiet'], io)).toBe(2);
    } finally {
      await rm(join(cwd, 'apisec.config.yaml'));
    }
    expect(stderr).toContain('apisec.config.yaml:3: `disabledChecks[1]`: unknown check id "sql-injections" (did you mean sql-injection?); valid ids: additional-properties-unconstrained, ');
    expect(stderr).toContain(', zombie-endpoint');
    expect(stderr.split('unknown check id')).toHaveLength(2);
  });
});
