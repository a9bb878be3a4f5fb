import { cp, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import type { Server } from 'node:http';
import { createRequire } from 'node:module';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from '../../src/cli/io.js';
import { run } from '../../src/cli/run.js';
import type { Finding } from '../../src/model/types.js';
import { sarifErrors } from '../sarif-schema.js';

/**
 * `apisec audit NAME DIR --target URL` on a real Express app (fixtures/express-app/, written for this test):
 * the static audit reads its source and spec, the live probes call the same app started here on
 * 127.0.0.1, and the report shows both on the same endpoints.
 */
const APP_DIR = fileURLToPath(new URL('./fixtures/express-app', import.meta.url));

interface LedgerApp {
  listen(port: number, host: string, callback: () => void): Server;
}

let server: Server;
let target: string;
let token: string;
let cwd: string;

beforeAll(async () => {
  process.env.LEDGER_TOKEN_SECRET = 'test-only-ledger-secret-4f1c';
  const require = createRequire(import.meta.url);
  const app = require(join(APP_DIR, 'src/app.js')) as LedgerApp;
  const auth = require(join(APP_DIR, 'src/auth.js')) as { sign(claims: Record<string, unknown>): string };
  token = auth.sign({ sub: 'alice' });
  await new Promise<void>((resolve) => {
    server = app.listen(0, '127.0.0.1', resolve);
  });
  target = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  // The audit reads a copy of the same source, outside this repository (artifacts go beside the audited repository).
  cwd = await mkdtemp(join(tmpdir(), 'apisec-live-e2e-'));
  await cp(APP_DIR, join(cwd, 'ledger-api'), { recursive: true });
});

afterAll(async () => {
  await new Promise((resolve) => server.close(resolve));
  await rm(cwd, { recursive: true, force: true });
});

interface Report {
  findings: Finding[];
  live: { target: string; mode: string; partial: boolean; requests: number; budget: number; merged: number; findings: number; preflight: { tokenA: string } };
}

describe('apisec audit --target on a running Express app', () => {
  it('merges live evidence into the static findings on the same endpoints, and keeps live-only ones apart', async () => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: { write: (chunk: string) => (stdout += chunk) }, stderr: { write: (chunk: string) => (stderr += chunk) }, cwd, env: { APISEC_AUTH_HEADER: `Authorization: Bearer ${token}` } };
    // --experimental: the static x-powered-by-not-disabled check the live header confirms is experimental.
    const code = await run(['audit', 'ledger', 'ledger-api', '--skip-checks', '--experimental', '--today', '2026-01-15', '--target', target, '--budget', '60', '--rate', '100', '--format', 'sarif'], io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const dir = join(cwd, '.metapowers/security/ledger');
    const json = JSON.parse(await readFile(join(dir, '02-protect.json'), 'utf8')) as Report;
    const markdown = await readFile(join(dir, '02-protect.md'), 'utf8');

    expect(json.live).toMatchObject({ target, mode: 'passive', partial: false, budget: 60, preflight: { tokenA: 'accepted' } });
    expect(json.live.requests).toBeLessThanOrEqual(60);
    expect(json.live.merged).toBeGreaterThanOrEqual(2);

    // Code + spec + live on one finding: the spec secures the route, the code does not, the app serves it anonymously.
    const accounts = json.findings.find((finding) => finding.checkId === 'spec-auth-not-enforced');
    expect(accounts).toMatchObject({ endpointId: 'ledger-api GET /api/accounts/{accountId}', confirmedLive: true, confidence: 'high', location: { file: 'src/app.js' } });
    expect(accounts?.evidence).toMatchObject({ snippet: 'GET /api/accounts/{accountId}', liveProbe: 'endpoint-served-without-credentials' });
    expect(accounts?.evidence?.spec).toEqual(expect.any(Number));
    expect(String(accounts?.evidence?.request)).toMatch(new RegExp(`^GET ${target}/api/accounts/1$`, 'm'));
    expect(String(accounts?.evidence?.response)).toMatch(/^HTTP 200$/m);
    expect(String(accounts?.evidence?.response)).toContain('"iban"');
    expect(accounts?.evidence?.curl).toBe(`curl -i -X GET '${target}/api/accounts/1'`);
    // Merged, not repeated.
    expect(json.findings.filter((finding) => finding.checkId === 'endpoint-served-without-credentials')).toEqual([]);

    // The app-wide Express default, seen in the code and in the live headers.
    const poweredBy = json.findings.find((finding) => finding.checkId === 'x-powered-by-not-disabled');
    expect(poweredBy).toMatchObject({ confirmedLive: true, location: { file: 'src/app.js' } });
    expect(String(poweredBy?.evidence?.response)).toMatch(/^x-powered-by: Express$/m);

    // What the code cannot show: readCaller decodes the token without verifying it. Live only, on its own.
    const forged = json.findings.find((finding) => finding.checkId === 'malformed-token-accepted');
    expect(forged).toMatchObject({ endpointId: 'ledger-api GET /api/invoices', severity: 'critical', confirmedLive: true, location: { file: 'src/app.js' } });
    expect(forged?.evidence?.curl).toBe(`curl -i -X GET -H "\${APISEC_AUTH_HEADER%.*}.apisec-invalid-signature" '${target}/api/invoices'`);
    // The endpoint that verifies its token is not reported.
    expect(json.findings.some((finding) => finding.endpointId === 'ledger-api GET /api/me' && finding.confirmedLive === true)).toBe(false);

    expect(markdown).toMatch(/^- Live probes \(passive; active probes run only with `--active`\): `http:\/\/127\.0\.0\.1:\d+` answered/m);
    expect(markdown).toContain('**Live evidence** — `GET /api/accounts/1` answered 200');
    expect(markdown).toContain('(confirmed live)');
    expect(stdout).toMatch(/^Live \(passive\) http:\/\/127\.0\.0\.1:\d+: \d+\/60 requests/m);

    // The SARIF log is valid and names the probe's rule for a live-only finding.
    const sarif = JSON.parse(await readFile(join(dir, '02-protect.sarif'), 'utf8')) as { runs: { tool: { driver: { rules: { id: string }[] } }; results: { ruleId: string; ruleIndex: number }[] }[] };
    expect(sarifErrors(sarif)).toEqual([]);
    const run0 = sarif.runs[0];
    for (const item of run0?.results ?? []) expect(run0?.tool.driver.rules[item.ruleIndex]?.id).toBe(item.ruleId);
    expect(run0?.results.map((item) => item.ruleId)).toContain('malformed-token-accepted');

    // The credentials appear nowhere.
    const signature = token.split('.')[2] ?? '';
    for (const text of [JSON.stringify(json), markdown, stdout]) {
      expect(text).not.toContain(token);
      expect(text).not.toContain(signature);
    }
  });

  it('apisec probe --spec: live only, its own artifacts', async () => {
    let stdout = '';
    let stderr = '';
    const io: CliIo = { stdout: { write: (chunk: string) => (stdout += chunk) }, stderr: { write: (chunk: string) => (stderr += chunk) }, cwd, env: {} };
    const code = await run(['probe', 'ledger-live', target, '--spec', join(APP_DIR, 'openapi.yaml'), '--skip-checks', '--auth-header', `Authorization: Bearer ${token}`, '--budget', '40', '--rate', '100', '--fail-on', 'critical'], io);
    expect(stderr).toBe('');
    expect(code).toBe(1);
    const json = JSON.parse(await readFile(join(cwd, '.metapowers/security/ledger-live/02-protect-live.json'), 'utf8')) as Report;
    expect(json.live.requests).toBeLessThanOrEqual(40);
    expect(json.findings.map((finding) => finding.checkId)).toEqual(expect.arrayContaining(['endpoint-served-without-credentials', 'malformed-token-accepted', 'security-headers-missing-live', 'server-version-disclosed']));
    expect(json.findings.every((finding) => finding.confirmedLive === true)).toBe(true);
    expect(JSON.stringify(json)).not.toContain(token);
  });

  it('the configuration names probes as it names checks: disabledChecks skips one, ignore suppresses a live finding', async () => {
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: () => true }, cwd, env: { APISEC_AUTH_HEADER: `Authorization: Bearer ${token}` } };
    const config = join(cwd, 'live-config.yaml');
    await writeFile(config, 'disabledChecks:\n  - security-headers-missing-live\nignore:\n  - check: malformed-token-accepted\n    path: src/app.js\n    reason: tracked in LEDGER-12\n');
    let stderr = '';
    io.stderr = { write: (chunk: string) => (stderr += chunk) };
    const code = await run(['audit', 'ledger-config', 'ledger-api', '--skip-checks', '--config', config, '--target', target, '--budget', '60', '--rate', '100'], io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const json = JSON.parse(await readFile(join(cwd, '.metapowers/security/ledger-config/02-protect.json'), 'utf8')) as Report & { live: { probesRun: string[] } };
    expect(json.live.probesRun).not.toContain('security-headers-missing-live');
    expect(json.findings.map((finding) => finding.checkId)).not.toContain('malformed-token-accepted');
    expect(json.findings.find((finding) => finding.checkId === 'spec-auth-not-enforced')?.confirmedLive).toBe(true);
  });

  it('refuses a malformed header without echoing it, and an unreachable target is exit 2', async () => {
    let stderr = '';
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: (chunk: string) => (stderr += chunk) }, cwd, env: {} };
    expect(await run(['probe', 'ledger-bad', target, '--skip-checks', '--auth-header', 'Bearer s3cret-value-without-name'], io)).toBe(2);
    expect(stderr).toContain('--auth-header');
    expect(stderr).not.toContain('s3cret-value');
    stderr = '';
    const closed = await new Promise<number>((resolve) => {
      const spare = createServer();
      spare.listen(0, '127.0.0.1', () => {
        const port = (spare.address() as AddressInfo).port;
        spare.close(() => {
          resolve(port);
        });
      });
    });
    expect(await run(['probe', 'ledger-down', `http://127.0.0.1:${closed}`, '--skip-checks', '--timeout', '2'], io)).toBe(2);
    expect(stderr).toMatch(/did not answer/);
  });
});
