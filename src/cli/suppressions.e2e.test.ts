import { cp, mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { run } from './run.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/payments-service', import.meta.url));

interface Captured {
  code: number;
  stdout: string;
  stderr: string;
}

interface JsonFinding {
  checkId: string;
  severity: string;
  fingerprint: string;
  location: { file: string; line: number };
}
interface JsonReport {
  findings: JsonFinding[];
  suppressions?: {
    inline: number;
    config: number;
    baseline: number;
    baselineFile?: string;
    severityOverridden: number;
    findings: { by: string; reason: string; checkId: string; fingerprint: string; where?: { file: string; line: number } }[];
    problems: { kind: string; location: { file: string; line: number }; message: string }[];
  };
}

async function cli(args: string[], cwd: string): Promise<Captured> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    cwd,
    env: {},
  };
  const code = await run(args, io);
  return { code, stdout, stderr };
}

async function report(cwd: string, name: string): Promise<{ json: JsonReport; markdown: string }> {
  const dir = join(cwd, '.metapowers/security', name);
  return {
    json: JSON.parse(await readFile(join(dir, '02-protect.json'), 'utf8')) as JsonReport,
    markdown: await readFile(join(dir, '02-protect.md'), 'utf8'),
  };
}

async function edit(file: string, change: (text: string) => string): Promise<void> {
  const before = await readFile(file, 'utf8');
  const after = change(before);
  if (after === before) throw new Error(`the edit of ${file} changed nothing`);
  await writeFile(file, after);
}

const AUDIT = ['--skip-checks', '--today', '2025-06-30'];

let cwd: string;
beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'apisec-suppress-'));
});
afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
});

/** A small Flask shop written for these tests: two SQL injections. */
const SHOP = (search: string, order: string, extra = ''): string => `import sqlite3

from flask import Flask, jsonify, request

app = Flask(__name__)


def db():
    return sqlite3.connect("shop.db")


@app.get("/products")
def search_products():
    """Full-text search. Reviewers: write apisec-ignore sql-injection: REASON in a comment, never here."""
    term = request.args.get("q", "")
${search}
    rows = db().execute(f"SELECT id, name FROM products WHERE name LIKE '%{term}%'").fetchall()
    return jsonify(rows)


@app.get("/orders/<order_id>")
def get_order(order_id):
    row = db().execute("SELECT * FROM orders WHERE id = " + order_id).fetchone()${order}
    return jsonify(row)
${extra}`;

describe('inline apisec-ignore comments, through the CLI', () => {
  it('Python: a comment with a reason suppresses; one without, a typo, or one matching nothing is listed', async () => {
    await writeFile(join(cwd, 'requirements.txt'), 'flask==3.0.3\n');
    await writeFile(
      join(cwd, 'app.py'),
      SHOP(
        '    # apisec-ignore sql-injection: the search box is behind the admin VPN; replaced by the ORM in SEC-41',
        '  # apisec-ignore sql-injection',
        '\n# apisec-ignore sql-injecton: typo in the id\n# apisec-ignore cors-origin-reflected: nothing to match here\n',
      ),
    );
    const result = await cli(['audit', 'shop', '.', ...AUDIT], cwd);
    expect(result.stderr).toBe('');
    const { json, markdown } = await report(cwd, 'shop');
    const sql = json.findings.filter((finding) => finding.checkId === 'sql-injection');
    // The search's injection is suppressed; the order's comment has no reason, so it stays.
    expect(sql.map((finding) => finding.location.line)).toEqual([23]);
    expect(json.suppressions?.inline).toBe(1);
    expect(json.suppressions?.findings).toEqual([
      expect.objectContaining({ by: 'inline', checkId: 'sql-injection', reason: 'the search box is behind the admin VPN; replaced by the ORM in SEC-41', where: { file: 'app.py', line: 16 } }),
    ]);
    // The docstring that mentions the marker is not a comment: no problem is reported for it.
    expect(json.suppressions?.problems.map((problem) => [problem.kind, problem.location.line])).toEqual([
      ['no-reason', 23],
      ['unknown-check', 26],
      ['unused', 27],
    ]);
    expect(json.suppressions?.problems[1]?.message).toContain('did you mean sql-injection?');
    expect(markdown).toContain('Suppressed: 1 finding (1 by `apisec-ignore` comments)');
    expect(markdown).toContain('Suppressions that suppress nothing:');
    expect(markdown).toContain('`app.py:23` — This apisec-ignore comment gives no reason');
    expect(result.stdout).toContain('Not reported: 1 suppressed (1 inline, 0 by the config); 3 suppressions that suppress nothing');
  });

  it('JavaScript // and /* */ comments and YAML # comments, on the line or the line before', async () => {
    await cp(EXAMPLE, cwd, { recursive: true });
    await edit(join(cwd, 'src/app.js'), (text) =>
      text
        .replace(
          'app.use(cors({ origin: true, credentials: true }));',
          '// apisec-ignore cors-origin-reflected: the dashboard on another origin sends cookies; the gateway pins origins\napp.use(cors({ origin: true, credentials: true }));',
        )
        .replace('const app = express();', "const app = express(); /* apisec-ignore rate-limiting-absent: the API gateway limits every route (GW-3) */")
        .replace("app.get('/health'", "const hint = '// apisec-ignore token-accepted-from-url: a string, not a comment';\napp.get('/health'"),
    );
    await edit(join(cwd, 'openapi.yaml'), (text) =>
      text.replace('    partnerKey:\n', "    # apisec-ignore api-key-in-url: partners' legacy integration, removed with v2 (PART-7)\n    partnerKey:\n"),
    );
    const result = await cli(['audit', 'payments-service', '.', ...AUDIT], cwd);
    expect(result.stderr).toBe('');
    const { json } = await report(cwd, 'payments-service');
    const checks = new Set(json.findings.map((finding) => finding.checkId));
    for (const id of ['cors-origin-reflected', 'rate-limiting-absent', 'api-key-in-url']) expect(checks.has(id), id).toBe(false);
    expect(checks.has('token-accepted-from-url')).toBe(true);
    expect(json.suppressions?.findings.map((entry) => entry.checkId).sort()).toEqual(['api-key-in-url', 'cors-origin-reflected', 'rate-limiting-absent']);
    expect(json.suppressions?.problems).toEqual([]);
  });
});

describe('config ignore entries and severity overrides, through the CLI', () => {
  it('ignores by fingerprint and by path glob with a check, and overrides a severity', async () => {
    await cp(EXAMPLE, cwd, { recursive: true });
    await cli(['audit', 'payments-service', '.', ...AUDIT, '--quiet'], cwd);
    const first = (await report(cwd, 'payments-service')).json;
    const sqlInMerchants = first.findings.find((finding) => finding.checkId === 'sql-injection' && finding.location.file === 'src/routes/merchants.js');
    expect(sqlInMerchants).toBeDefined();
    const sqlInPayments = first.findings.filter((finding) => finding.checkId === 'sql-injection' && finding.location.file === 'src/routes/payments.js');
    expect(sqlInPayments.length).toBeGreaterThan(0);
    const staging = first.findings.filter((finding) => finding.checkId === 'non-production-server');
    expect(staging.map((finding) => finding.severity)).toEqual(['low']);
    await writeFile(
      join(cwd, 'apisec.config.yaml'),
      [
        'ignore:',
        `  - fingerprint: ${sqlInMerchants?.fingerprint ?? ''}`,
        '    reason: merchantId is an integer route parameter parsed upstream (SEC-12)',
        '  - path: src/routes/pay*.js',
        '    check: sql-injection',
        '    reason: the payments queries go through the reporting replica, read-only (SEC-19)',
        '  - path: legacy/**',
        '    reason: nothing lives there any more',
        'severityOverrides:',
        '  non-production-server: high',
        '',
      ].join('\n'),
    );
    const result = await cli(['audit', 'payments-service', '.', ...AUDIT, '--fail-on', 'high'], cwd);
    const { json, markdown } = await report(cwd, 'payments-service');
    expect(json.findings.some((finding) => finding.fingerprint === sqlInMerchants?.fingerprint)).toBe(false);
    expect(json.findings.some((finding) => finding.checkId === 'sql-injection')).toBe(false);
    expect(json.findings.filter((finding) => finding.checkId === 'non-production-server').map((finding) => finding.severity)).toEqual(['high']);
    expect(json.suppressions).toMatchObject({ inline: 0, config: 1 + sqlInPayments.length, severityOverridden: 1 });
    expect(json.suppressions?.problems).toEqual([
      expect.objectContaining({ kind: 'unused', location: { file: 'apisec.config.yaml', line: 7 }, message: 'The ignore entry for path "legacy/**" matches no finding; remove it.' }),
    ]);
    expect(markdown).toContain("by the configuration's `ignore` entries");
    expect(result.code).toBe(1);
  });

  it('rejects an entry without a reason, and an unknown check id, with file, key and line', async () => {
    await cp(EXAMPLE, cwd, { recursive: true });
    await writeFile(join(cwd, 'apisec.config.yaml'), 'ignore:\n  - path: src/**\n    check: sql-injection\n');
    const missing = await cli(['audit', 'payments-service', '.', ...AUDIT], cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('apisec.config.yaml:2: `ignore[0].reason`: a reason is required');

    await writeFile(join(cwd, 'apisec.config.yaml'), 'severityOverrides:\n  sql-injections: low\nignore:\n  - path: src/**\n    check: sqli\n    reason: legacy\n');
    const unknown = await cli(['audit', 'payments-service', '.', ...AUDIT], cwd);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('apisec.config.yaml:2: `severityOverrides.sql-injections`: unknown check id "sql-injections" (did you mean sql-injection?)');
    expect(unknown.stderr).toContain('apisec.config.yaml:4: `ignore[0].check`: unknown check id "sqli"');
  });
});

describe('--baseline, through the CLI', () => {
  it('reports only findings not in a previous 02-protect.json, however the lines moved', async () => {
    await cp(EXAMPLE, cwd, { recursive: true });
    await cli(['audit', 'payments-service', '.', ...AUDIT, '--quiet'], cwd);
    const previous = (await report(cwd, 'payments-service')).json;
    await mkdir(join(cwd, 'baseline'));
    await cp(join(cwd, '.metapowers/security/payments-service/02-protect.json'), join(cwd, 'baseline/main.json'));

    // Code moves: a licence header on top of every file, then a new vulnerable route.
    for (const file of ['src/app.js', 'src/routes/merchants.js', 'src/routes/payments.js', 'src/routes/admin.js', 'src/routes/webhooks.js', 'openapi.yaml']) {
      await edit(join(cwd, file), (text) => `${file.endsWith('.yaml') ? '#' : '//'} Copyright 2025 Example Payments Ltd.\n${file.endsWith('.yaml') ? '#' : '//'} SPDX-License-Identifier: MIT\n\n${text}`);
    }
    await edit(join(cwd, 'src/routes/merchants.js'), (text) =>
      text.replace(
        'module.exports = router;',
        "router.get('/:merchantId/statements', async (req, res) => {\n  const rows = await db.query(`SELECT * FROM statements WHERE merchant_id = ${req.params.merchantId} ORDER BY ${req.query.sort}`);\n  res.json(rows);\n});\n\nmodule.exports = router;",
      ),
    );

    const result = await cli(['audit', 'payments-service', '.', ...AUDIT, '--baseline', 'baseline/main.json', '--fail-on', 'high', '--format', 'sarif'], cwd);
    const { json, markdown } = await report(cwd, 'payments-service');
    // The SARIF log keeps every finding for code scanning, which diffs analyses itself: new or unchanged.
    const sarif = JSON.parse(await readFile(join(cwd, '.metapowers/security/payments-service/02-protect.sarif'), 'utf8')) as { runs: { results: { baselineState: string }[] }[] };
    const states = (sarif.runs[0]?.results ?? []).map((item) => item.baselineState);
    expect(states.filter((state) => state === 'new')).toHaveLength(json.findings.length);
    expect(states.filter((state) => state === 'unchanged')).toHaveLength(previous.findings.length);
    const old = new Set(previous.findings.map((finding) => finding.fingerprint));
    expect(json.findings.length).toBeGreaterThan(0);
    for (const finding of json.findings) expect(old.has(finding.fingerprint), `${finding.checkId} at ${finding.location.file}:${finding.location.line}`).toBe(false);
    expect(json.findings.some((finding) => finding.checkId === 'sql-injection' && finding.location.file === 'src/routes/merchants.js' && finding.location.line > 16)).toBe(true);
    // Every previous finding is still there, found under the same fingerprint after the move.
    expect(json.suppressions?.baseline).toBe(previous.findings.length);
    expect(json.suppressions?.baselineFile).toBe('baseline/main.json');
    expect(markdown).toContain(`Baseline \`baseline/main.json\`: ${previous.findings.length} findings already in it are not reported`);
    expect(result.stdout).toContain(`Not reported: ${previous.findings.length} already in the baseline`);
    expect(result.code).toBe(1);

    // A report written with a baseline is itself a complete baseline: nothing new the second time.
    await cp(join(cwd, '.metapowers/security/payments-service/02-protect.json'), join(cwd, 'baseline/pr.json'));
    const again = await cli(['audit', 'payments-service', '.', ...AUDIT, '--baseline', 'baseline/pr.json', '--fail-on', 'low'], cwd);
    const second = await report(cwd, 'payments-service');
    expect(second.json.findings).toEqual([]);
    expect(second.markdown).toMatch(/Nothing to fix: the \d+ checks that ran found nothing new: \d+ findings were suppressed or in the baseline/);
    expect(again.stdout).toContain('None: every finding was suppressed or is in the baseline');
    expect(again.code).toBe(0);
  });

  it('Python: findings keep their fingerprints when code above them moves', async () => {
    await writeFile(join(cwd, 'requirements.txt'), 'flask==3.0.3\n');
    await writeFile(join(cwd, 'app.py'), SHOP('', ''));
    await cli(['audit', 'shop', '.', ...AUDIT, '--quiet'], cwd);
    const previous = (await report(cwd, 'shop')).json;
    expect(previous.findings.filter((finding) => finding.checkId === 'sql-injection')).toHaveLength(2);
    await cp(join(cwd, '.metapowers/security/shop/02-protect.json'), join(cwd, 'main.json'));
    await edit(join(cwd, 'app.py'), (text) =>
      `"""Shop API."""\n# Copyright 2025 Example Shop\n\n${text.replace('@app.get("/orders/<order_id>")', '@app.get("/ping")\ndef ping():\n    return "pong"\n\n\n@app.get("/orders/<order_id>")')}`,
    );
    const result = await cli(['audit', 'shop', '.', ...AUDIT, '--baseline', 'main.json', '--fail-on', 'info'], cwd);
    const { json } = await report(cwd, 'shop');
    expect(json.findings).toEqual([]);
    expect(json.suppressions?.baseline).toBe(previous.findings.length);
    expect(result.code).toBe(0);
  });

  it('refuses a file that is not an apisec JSON report', async () => {
    await cp(EXAMPLE, cwd, { recursive: true });
    await writeFile(join(cwd, 'main.json'), '{"runs": []}');
    const result = await cli(['audit', 'payments-service', '.', ...AUDIT, '--baseline', 'main.json'], cwd);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('The baseline "main.json" is not an apisec JSON report.');
    const missing = await cli(['audit', 'payments-service', '.', ...AUDIT, '--baseline', 'nope.json'], cwd);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('Check the path given to --baseline');
  });
});
