import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { allChecks } from '../checks/index.js';
import type { CliIo } from './io.js';
import { run } from './run.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/payments-service', import.meta.url));
const REPORT = '.metapowers/security/payments-service/02-protect';
const EXPERIMENTAL = new Set(allChecks.filter((check) => check.experimental === true).map((check) => check.id));

interface Item {
  item: string;
  status: string;
  reason: string;
  findings?: string[];
  experimental?: string[];
  evidence?: { location: { file: string; line: number } }[];
}
interface Report {
  findings: { checkId: string; fingerprint: string; severity: string }[];
  checklist: Item[];
  suppressions?: { inline: number; findings: unknown[]; problems: { kind: string; message: string }[] };
}

async function audit(cwd: string, ...flags: string[]): Promise<{ code: number; report: Report; markdown: string }> {
  const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, cwd, env: {} };
  const code = await run(['audit', 'payments-service', '.', '--today', '2025-06-30', '--quiet', ...flags], io);
  const report = JSON.parse(await readFile(join(cwd, `${REPORT}.json`), 'utf8')) as Report;
  return { code, report, markdown: await readFile(join(cwd, `${REPORT}.md`), 'utf8') };
}

function byItem(report: Report): Map<string, Item> {
  return new Map(report.checklist.map((entry) => [entry.item, entry]));
}

function places(entry: Item | undefined): string[] {
  return (entry?.evidence ?? []).map((evidence) => `${evidence.location.file}:${evidence.location.line}`);
}

/** Seed 003's items on the demo, with their state and, where an experimental check decided them, where. */
const DEMO: [item: string, status: string, experimental?: string[], where?: string][] = [
  ['All endpoints require authentication (unless explicitly public)', 'fail'],
  ['API keys are in headers, not URLs', 'fail'],
  ['JWTs use RS256 with short expiry', 'pass'],
  ['OAuth 2.0 with PKCE for public clients', 'pass'],
  ['Token rotation implemented', 'pass'],
  ['API keys prefixed, stored hashed, scoped and per environment', 'pass'],
  ['Ownership check on every data access (BOLA prevention)', 'fail'],
  // The admin router is mounted behind `requireAuth` only.
  ['Role check on every privileged operation', 'fail', ['admin-route-without-role-check'], 'src/routes/admin.js:6'],
  ['Mass assignment protection (explicit field allowlists)', 'fail', ['mass-assignment-unknown-fields', 'mass-assignment-request-body'], 'openapi.yaml:86'],
  // `Merchant.api_secret` in a response schema.
  ['Response schemas filter sensitive fields', 'fail', ['sensitive-data-in-response'], 'openapi.yaml:271'],
  // The refresh handler reads `req.body.refreshToken` unvalidated.
  ['Schema validation on all inputs', 'fail', ['request-body-not-validated'], 'src/routes/auth.js:12'],
  ['Size limits on all fields, arrays, and files', 'fail', ['string-length-unbounded', 'integer-range-unbounded', 'request-body-size-unbounded', 'page-size-uncapped-in-code'], 'openapi.yaml:33'],
  ['Parameterized queries (no string concatenation)', 'fail'],
  // The error handler answers `{ error: err.message, stack: err.stack }`.
  ['Generic error messages (no stack traces)', 'fail', ['verbose-error-response'], 'src/app.js:31'],
  ['HTTPS everywhere (TLS 1.2+)', 'fail'],
  // No helmet() bundle, X-Powered-By left on.
  ['Security headers set', 'fail', ['security-headers-missing', 'sensitive-response-cacheable', 'x-powered-by-not-disabled'], 'src/app.js:14'],
  ['CORS explicitly configured', 'fail'],
  // helmet.strictTransportSecurity, which https-not-enforced recognises too.
  ['HSTS enabled', 'pass'],
  ['Rate limiting per user/IP', 'fail'],
  ['Request logging with correlation IDs', 'pass'],
  ['Webhook signatures verified', 'fail'],
  ['Idempotency keys for mutations', 'fail'],
  ['Dependencies scanned for CVEs', 'pass'],
];

describe('the checklist on examples/payments-service decides every item from evidence, experimental checks included', () => {
  let cwd: string;
  let plain: Awaited<ReturnType<typeof audit>>;
  let experimental: Awaited<ReturnType<typeof audit>>;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apisec-checklist-e2e-'));
    await cp(EXAMPLE, cwd, { recursive: true });
    plain = await audit(cwd);
    experimental = await audit(cwd, '--experimental');
  }, 240_000);
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('gives each item its state and cites where an experimental check decided it', () => {
    const items = byItem(plain.report);
    expect(plain.report.checklist.map((entry) => entry.item)).toEqual(DEMO.map(([item]) => item));
    for (const [name, status, checks, where] of DEMO) {
      const entry = items.get(name);
      expect(entry?.status, name).toBe(status);
      expect(entry?.experimental, name).toEqual(checks);
      if (where === undefined) continue;
      expect(entry?.findings, name).toBeUndefined();
      expect(places(entry), name).toContain(where);
      expect(entry?.reason, name).toContain(`(${where})`);
      expect(entry?.reason, name).toContain('not listed among the findings (`--experimental` lists');
    }
    expect(plain.report.checklist.filter((entry) => entry.status === 'unknown')).toEqual([]);
    expect(plain.markdown).toContain("Seed 003's checklist: 7 ✓, 16 ✗, 0 unknown.");
    expect(plain.markdown).toContain('| Input/Output | Generic error messages (no stack traces) | ✗ | `err.stack` sends the stack trace of `err` to the client (src/app.js:31). Found by the experimental check `verbose-error-response`');
    expect(plain.markdown.split('\n').length).toBeLessThanOrEqual(400);
    // Every decided line cites what decided it: a finding's link, or file:line.
    const rows = plain.markdown.split('\n').filter((line) => /^\| [A-Za-z/]+ \| .* \| (✓|✗) \| /.test(line));
    expect(rows).toHaveLength(DEMO.length);
    for (const row of rows) expect(row, row).toMatch(/\[F\d+\]\(#f\d+-|`[\w./-]+:\d+`/);
    // helmet.strictTransportSecurity sends HSTS: the missing headers it names leave it out.
    const headers = rows.find((row) => row.startsWith('| Transport | Security headers set |')) ?? '';
    expect(headers).toContain('`X-Content-Type-Options`');
    expect(headers).not.toContain('`Strict-Transport-Security`');
  });

  it('reports no finding of an experimental check without --experimental, and the same exit code', () => {
    expect(plain.report.findings.filter((finding) => EXPERIMENTAL.has(finding.checkId))).toEqual([]);
    expect(plain.code).toBe(0);
    expect(experimental.code).toBe(0);
    // --experimental adds findings and keeps every default one, fingerprint for fingerprint.
    const more = new Set(experimental.report.findings.map((finding) => finding.fingerprint));
    expect(plain.report.findings.filter((finding) => !more.has(finding.fingerprint))).toEqual([]);
    const added = experimental.report.findings.filter((finding) => !plain.report.findings.some((other) => other.fingerprint === finding.fingerprint));
    expect(added.length).toBeGreaterThan(0);
    expect(added.filter((finding) => !EXPERIMENTAL.has(finding.checkId))).toEqual([]);
  });

  it('decides the same with --experimental, where the experimental findings become findings the items link to', () => {
    const silent = byItem(plain.report);
    for (const entry of experimental.report.checklist) {
      expect(entry.status, entry.item).toBe(silent.get(entry.item)?.status);
      expect(entry.experimental, entry.item).toBeUndefined();
    }
    expect(byItem(experimental.report).get('Generic error messages (no stack traces)')?.findings).toEqual(['verbose-error-response']);
    expect(experimental.markdown).toMatch(/\| Generic error messages \(no stack traces\) \| ✗ \| \[F\d+\]\(#f\d+-[a-z-]+\): /);
  });
});

describe('a config ignore entry for an experimental finding, on the demo', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apisec-checklist-config-'));
    await cp(EXAMPLE, cwd, { recursive: true });
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('is in use, not "matches no finding", without --experimental; it suppresses the finding with it', async () => {
    const { report: all } = await audit(cwd, '--experimental');
    const stack = all.findings.find((finding) => finding.checkId === 'verbose-error-response');
    expect(stack).toBeDefined();
    await writeFile(
      join(cwd, 'apisec.config.yaml'),
      ['ignore:', `  - fingerprint: ${stack?.fingerprint ?? ''}`, '    reason: the error handler only answers inside the payments VPC (SEC-31)', '  - path: legacy/**', '    reason: nothing lives there any more', ''].join('\n'),
    );
    const { report } = await audit(cwd);
    // Only the entry that matches nothing at all is reported.
    expect(report.suppressions?.problems.map((problem) => problem.message)).toEqual(['The ignore entry for path "legacy/**" matches no finding; remove it.']);
    expect(byItem(report).get('Generic error messages (no stack traces)')?.status).toBe('unknown');
    const { report: again } = await audit(cwd, '--experimental');
    expect(again.findings.some((finding) => finding.fingerprint === stack?.fingerprint)).toBe(false);
    expect(again.suppressions?.problems.map((problem) => problem.message)).toEqual(['The ignore entry for path "legacy/**" matches no finding; remove it.']);
  });
});

describe('an apisec-ignore comment for an experimental check, on the demo', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apisec-checklist-ignore-'));
    await cp(EXAMPLE, cwd, { recursive: true });
    const app = join(cwd, 'src/app.js');
    const text = await readFile(app, 'utf8');
    const handler = 'app.use((err, req, res, next) => {\n';
    expect(text).toContain(handler);
    await writeFile(app, text.replace(handler, `${handler}  // apisec-ignore verbose-error-response: this service only runs inside the payments VPC\n`));
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('is neither reported as matching nothing nor counted without --experimental, and the checklist honours it', async () => {
    const { report } = await audit(cwd);
    expect(report.suppressions?.problems ?? []).toEqual([]);
    expect(report.suppressions?.inline ?? 0).toBe(0);
    // The accepted finding no longer decides the item, and nothing else does.
    const entry = byItem(report).get('Generic error messages (no stack traces)');
    expect(entry?.status).toBe('unknown');
    expect(entry?.experimental).toBeUndefined();
  });

  it('suppresses and counts the finding with --experimental', async () => {
    const { report } = await audit(cwd, '--experimental');
    expect(report.findings.filter((finding) => finding.checkId === 'verbose-error-response')).toEqual([]);
    expect(report.suppressions?.inline).toBe(1);
    expect(report.suppressions?.problems ?? []).toEqual([]);
  });
});
