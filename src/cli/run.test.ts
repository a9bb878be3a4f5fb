import { mkdir, mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import defineCheck from '../checks/define-check.js';
import type { AuditResult } from '../engine/result.js';
import { defaultCacheDir } from '../engine/unit-cache.js';
import type { AuditOptions } from '../index.js';
import { sampleFinding, sampleResult } from '../report/sample.js';
import { ConfigError } from '../workspace/config.js';
import type { CliIo, CliStream } from './io.js';
import { createProgress } from './io.js';
import { run } from './run.js';

interface Captured extends CliStream {
  text: string;
}

function stream(isTTY = false): Captured {
  const captured: Captured = {
    text: '',
    isTTY,
    write(chunk: string) {
      captured.text += chunk;
      return true;
    },
  };
  return captured;
}

interface Harness {
  io: CliIo;
  stdout: Captured;
  stderr: Captured;
  calls: AuditOptions[];
}

let cwd: string;
let project: string;

function harness(options: { result?: AuditResult; fail?: Error; tty?: boolean; env?: Record<string, string> } = {}): Harness {
  const stdout = stream(options.tty);
  const stderr = stream(options.tty);
  const calls: AuditOptions[] = [];
  const io: CliIo = {
    stdout,
    stderr,
    cwd,
    env: options.env ?? {},
    now: () => new Date('2025-06-30T08:00:00.000Z'),
    audit: (auditOptions) => {
      calls.push(auditOptions);
      auditOptions.onProgress?.({ stage: 'parsing', detail: 'src/app.js', done: 1, total: 3 });
      if (options.fail !== undefined) return Promise.reject(options.fail);
      return Promise.resolve(options.result ?? sampleResult());
    },
    loadChecks: () =>
      Promise.resolve([
        defineCheck({
          id: 'zz-last',
          title: 'Last check',
          owasp: 'API8:2023',
          cwe: [],
          severity: 'low',
          confidence: 'high',
          section: 'cors-transport',
          targets: ['code'],
          rationale: 'R.',
          remediation: 'Do it.',
          messages: { m: 'M.' },
          run: () => undefined,
        }),
        defineCheck({
          id: 'aa-first',
          title: 'First check',
          owasp: 'API1:2023',
          cwe: ['CWE-639'],
          severity: 'high',
          confidence: 'medium',
          section: 'authorization',
          targets: ['code'],
          rationale: 'R.',
          remediation: 'Do it.',
          messages: { m: 'M.' },
          run: () => undefined,
        }),
      ]),
  };
  return { io, stdout, stderr, calls };
}

async function govern(name = 'payments'): Promise<void> {
  await mkdir(join(cwd, '.metapowers/security', name), { recursive: true });
  await writeFile(join(cwd, '.metapowers/security', name, '00-govern.md'), '# Govern\n');
}

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

beforeEach(async () => {
  cwd = await mkdtemp(join(tmpdir(), 'apisec-cli-'));
  project = await mkdtemp(join(tmpdir(), 'apisec-project-'));
});

afterEach(async () => {
  await rm(cwd, { recursive: true, force: true });
  await rm(project, { recursive: true, force: true });
});

describe('apisec audit: NAME', () => {
  it.each(['..', '../../etc', 'a/b', '/tmp/x', 'x..y', 'bad\u0000name', 'a\\b', 'x'.repeat(101), 'with space'])(
    'refuses %j with exit 2 and writes nothing',
    async (name) => {
      const h = harness();
      const code = await run(['audit', name, project, '--skip-checks'], h.io);
      expect(code).toBe(2);
      expect(h.stderr.text).toMatch(/^apisec: The audit NAME /);
      expect(h.stderr.text).toContain('Next: Use letters, digits');
      expect(h.calls).toHaveLength(0);
      expect(await listTree(cwd)).toEqual([]);
    },
  );

  it('refuses a NAME that looks like an option', async () => {
    const h = harness();
    expect(await run(['audit', '--', '-rf', project, '--skip-checks'], h.io)).toBe(2);
    expect(await listTree(cwd)).toEqual([]);
  });
});

describe('apisec audit: containment', () => {
  it('refuses to write through a symbolic link that leaves .metapowers/security/', async () => {
    const outside = await mkdtemp(join(tmpdir(), 'apisec-outside-'));
    try {
      await mkdir(join(cwd, '.metapowers/security'), { recursive: true });
      await symlink(outside, join(cwd, '.metapowers/security/payments'));
      const h = harness();
      expect(await run(['audit', 'payments', project, '--skip-checks'], h.io)).toBe(2);
      expect(h.stderr.text).toContain('is a symbolic link');
      expect(await readdir(outside)).toEqual([]);
    } finally {
      await rm(outside, { recursive: true, force: true });
    }
  });
});

describe('apisec audit: where .metapowers/ is', () => {
  it('walks up from DIR to the repository root, before the working directory', async () => {
    // project/ is a repository; DIR is project/services/payments; the govern file is at the root.
    await mkdir(join(project, '.git'));
    await mkdir(join(project, 'services/payments'), { recursive: true });
    await mkdir(join(project, '.metapowers/security/payments'), { recursive: true });
    await writeFile(join(project, '.metapowers/security/payments/00-govern.md'), '# Govern\n');
    const h = harness();
    expect(await run(['audit', 'payments', join(project, 'services/payments'), '--quiet'], h.io)).toBe(0);
    expect(h.stderr.text).toBe('');
    expect((await listTree(join(project, '.metapowers/security/payments'))).filter((file) => file.startsWith('02-protect'))).toEqual(['02-protect.json', '02-protect.md']);
    expect(await listTree(cwd)).toEqual([]);
  });

  it('names every place it looked, after the seed sentence, when none holds 00-govern.md', async () => {
    await mkdir(join(project, '.git'));
    await mkdir(join(project, 'services/payments'), { recursive: true });
    const h = harness();
    expect(await run(['audit', 'payments', join(project, 'services/payments')], h.io)).toBe(2);
    const [sentence, looked] = h.stderr.text.split('\n');
    expect(sentence).toMatch(/^Phase 0 \(Govern\) has not been completed for "payments"\./);
    const govern = (folder: string): string => join(folder, '.metapowers/security/payments/00-govern.md');
    expect(looked).toBe(
      `Looked for ${govern(join(project, 'services/payments'))}, ${govern(join(project, 'services'))}, ${govern(project)}, .metapowers/security/payments/00-govern.md.`,
    );
    expect(h.calls).toHaveLength(0);
  });
});

describe('apisec audit: prerequisite', () => {
  it('prints the seed message verbatim, exits 2 and writes nothing when 00-govern.md is missing', async () => {
    const h = harness();
    const code = await run(['audit', 'payments', project], h.io);
    expect(code).toBe(2);
    const [sentence, looked, ...rest] = h.stderr.text.split('\n');
    expect(sentence).toBe(
      'Phase 0 (Govern) has not been completed for "payments". Run a Govern skill first (e.g., /security:security-policy payments), or use --skip-checks to bypass.',
    );
    // Then where it looked: DIR (in no repository, alone), then the working directory.
    expect(looked).toBe(`Looked for ${join(project, '.metapowers/security/payments/00-govern.md')}, .metapowers/security/payments/00-govern.md.`);
    expect(rest).toEqual(['']);
    expect(h.stdout.text).toBe('');
    expect(h.calls).toHaveLength(0);
    expect(await listTree(cwd)).toEqual([]);
  });

  it('runs with --skip-checks and logs the skip, appending on each run', async () => {
    const h = harness();
    expect(await run(['audit', 'payments', project, '--skip-checks'], h.io)).toBe(0);
    expect(await run(['audit', 'payments', project, '--skip-checks', '--quiet'], harness().io)).toBe(0);
    const log = await readFile(join(cwd, '.metapowers/security/payments/skip-log.md'), 'utf8');
    expect(log.match(/^## 2025-06-30 — Phase 0 \(Govern\) prerequisite skipped$/gm)).toHaveLength(2);
    expect(log).toContain(`- Command: \`apisec audit payments ${project} --skip-checks\``);
    expect(log).toContain(`- Command: \`apisec audit payments ${project} --skip-checks --quiet\``);
    expect(log).toContain('- When: 2025-06-30T08:00:00.000Z');
    const report = await readFile(join(cwd, '.metapowers/security/payments/02-protect.md'), 'utf8');
    expect(report).toContain('bypassed with `--skip-checks`');
  });
});

describe('apisec audit: run', () => {
  it('writes both artifacts, prints the summary and passes the options to audit()', async () => {
    await govern();
    const h = harness();
    const code = await run(['audit', 'payments', project, '--today', '2025-06-30'], h.io);
    expect(code).toBe(0);
    expect(h.calls).toHaveLength(1);
    expect(h.calls[0]).toMatchObject({ root: project, name: 'payments', today: '2025-06-30' });
    expect(await listTree(join(cwd, '.metapowers/security/payments'))).toEqual(['00-govern.md', '02-protect.json', '02-protect.md']);
    const markdown = await readFile(join(cwd, '.metapowers/security/payments/02-protect.md'), 'utf8');
    expect(markdown.startsWith('# API Security Audit\n')).toBe(true);
    const json = JSON.parse(await readFile(join(cwd, '.metapowers/security/payments/02-protect.json'), 'utf8')) as { schemaVersion: number };
    expect(json.schemaVersion).toBe(1);
    expect(h.stdout.text).toContain('APIs inventoried: 1');
    expect(h.stdout.text).toContain('Report: .metapowers/security/payments/02-protect.md');
    expect(h.stdout.text).not.toContain('\u001b[');
    expect(h.stderr.text).toBe('');
  });

  it('resolves DIR from the working directory and defaults it to "."', async () => {
    await govern();
    const h = harness();
    expect(await run(['audit', 'payments'], h.io)).toBe(0);
    expect(h.calls[0]?.root).toBe(cwd);
  });

  it('prints the JSON report on stdout with --json, identical to the file', async () => {
    await govern();
    const h = harness();
    expect(await run(['audit', 'payments', project, '--json'], h.io)).toBe(0);
    expect(h.stdout.text).toBe(await readFile(join(cwd, '.metapowers/security/payments/02-protect.json'), 'utf8'));
  });

  it('prints nothing with --quiet', async () => {
    await govern();
    const h = harness({ tty: true });
    expect(await run(['audit', 'payments', project, '--quiet', '--fail-on', 'critical'], h.io)).toBe(1);
    expect(h.stdout.text).toBe('');
    expect(h.stderr.text).toBe('');
  });

  it('shows progress on a terminal only', async () => {
    await govern();
    const tty = harness({ tty: true });
    await run(['audit', 'payments', project, '--no-color'], tty.io);
    expect(tty.stderr.text).toContain('apisec parsing 1/3: src/app.js');
    const piped = harness();
    await run(['audit', 'payments', project], piped.io);
    expect(piped.stderr.text).toBe('');
  });

  it('shows no progress under CI, even on a terminal', async () => {
    await govern();
    const ci = harness({ tty: true, env: { CI: 'true' } });
    await run(['audit', 'payments', project, '--no-color'], ci.io);
    expect(ci.stderr.text).toBe('');
  });

  it('counts and gives a rate once a stage has run for a while (fake clock)', () => {
    const err = stream(true);
    let clock = 0;
    const progress = createProgress(err, true, {}, () => clock);
    progress.onProgress?.({ stage: 'parse', done: 0, total: 400 });
    clock = 2000;
    progress.onProgress?.({ stage: 'parse', done: 300, total: 400, detail: 'src/app.js' });
    clock = 2050;
    // Within 100 ms of the last line: not rewritten, unless the stage is done.
    progress.onProgress?.({ stage: 'parse', done: 301, total: 400 });
    clock = 4000;
    progress.onProgress?.({ stage: 'parse', done: 400, total: 400 });
    const lines = err.text.split('\r\u001b[2K').filter((line) => line !== '');
    expect(lines).toEqual(['apisec parse 0/400', 'apisec parse 300/400, 150/s: src/app.js', 'apisec parse 400/400, 100/s']);
    expect(createProgress(stream(false), true, {}).onProgress).toBeUndefined();
  });

  it('colours the summary on a terminal, unless --no-color or NO_COLOR', async () => {
    await govern();
    const coloured = harness({ tty: true });
    await run(['audit', 'payments', project], coloured.io);
    expect(coloured.stdout.text).toContain('\u001b[');
    const flag = harness({ tty: true });
    await run(['audit', 'payments', project, '--no-color'], flag.io);
    expect(flag.stdout.text).not.toContain('\u001b[');
    const env = harness({ tty: true, env: { NO_COLOR: '1' } });
    await run(['audit', 'payments', project], env.io);
    expect(env.stdout.text).not.toContain('\u001b[');
  });

  it('keeps the previous artifacts when the audit fails', async () => {
    await govern();
    const report = join(cwd, '.metapowers/security/payments/02-protect.md');
    await writeFile(report, 'previous\n');
    const h = harness({ fail: new Error('The collector crashed.') });
    expect(await run(['audit', 'payments', project], h.io)).toBe(2);
    expect(await readFile(report, 'utf8')).toBe('previous\n');
    expect(h.stderr.text).toContain('apisec: The collector crashed.');
    expect(h.stderr.text).toContain(`While trying to audit "payments" (${project}).`);
  });
});

describe('apisec audit: exit codes', () => {
  const mediumOnly = (): AuditResult =>
    sampleResult({ findings: [sampleFinding({ checkId: 'cors-wildcard-origin', severity: 'medium', section: 'cors-transport' })] });

  it.each([
    [[], 0],
    [['--fail-on', 'critical'], 1],
    [['--fail-on', 'high'], 1],
    [['--fail-on', 'info'], 1],
  ] as const)('sample findings with %j exit %i', async (flags, expected) => {
    await govern();
    expect(await run(['audit', 'payments', project, ...flags], harness().io)).toBe(expected);
  });

  it.each([
    ['critical', 0],
    ['high', 0],
    ['medium', 1],
    ['low', 1],
  ] as const)('a medium finding with --fail-on %s exits %i', async (severity, expected) => {
    await govern();
    const h = harness({ result: mediumOnly() });
    expect(await run(['audit', 'payments', project, '--fail-on', severity], h.io)).toBe(expected);
    if (expected === 1) expect(h.stderr.text).toContain(`1 finding is at or above ${severity} severity`);
  });

  it.each(['HIGH', 'Medium', 'lOw'])('reads --fail-on %s in any case', async (severity) => {
    await govern();
    const h = harness({ result: mediumOnly() });
    expect(await run(['audit', 'payments', project, '--fail-on', severity], h.io)).toBe(severity === 'HIGH' ? 0 : 1);
    expect(h.stderr.text).not.toContain('invalid');
  });

  it('exits 0 with --fail-on when nothing is found', async () => {
    await govern();
    expect(await run(['audit', 'payments', project, '--fail-on', 'info'], harness({ result: sampleResult({ findings: [] }) }).io)).toBe(0);
  });
});

describe('apisec audit: usage errors', () => {
  it('exits 2 on an unknown DIR, saying what to do, and writes nothing', async () => {
    const h = harness();
    expect(await run(['audit', 'payments', 'no-such-dir', '--skip-checks'], h.io)).toBe(2);
    expect(h.stderr.text).toContain('apisec: The directory to audit "no-such-dir" does not exist.');
    expect(h.stderr.text).toContain(join(cwd, 'no-such-dir'));
    expect(h.stderr.text).toContain('Next: Pass the folder');
    expect(await listTree(cwd)).toEqual([]);
  });

  it('exits 2 when DIR is a file', async () => {
    await writeFile(join(project, 'file.txt'), 'x');
    const h = harness();
    expect(await run(['audit', 'payments', join(project, 'file.txt'), '--skip-checks'], h.io)).toBe(2);
    expect(h.stderr.text).toContain('is not a directory.');
  });

  it.each([
    ['2.5', 2500],
    ['0', 0],
  ] as const)('passes --file-budget %s to audit() in milliseconds', async (seconds, ms) => {
    await govern();
    const h = harness();
    expect(await run(['audit', 'payments', project, '--file-budget', seconds], h.io)).toBe(0);
    expect(h.calls[0]?.fileBudgetMs).toBe(ms);
  });

  it('caches results in the platform cache folder by default, in --cache-dir when given, and not at all with --no-cache', async () => {
    await govern();
    const h = harness();
    expect(await run(['audit', 'payments', project], h.io)).toBe(0);
    expect(await run(['audit', 'payments', project, '--cache-dir', 'cache-here'], h.io)).toBe(0);
    expect(await run(['audit', 'payments', project, '--no-cache'], h.io)).toBe(0);
    expect(h.calls.map((call) => call.cache)).toEqual([defaultCacheDir(h.io.env), join(h.io.cwd, 'cache-here'), false]);
  });

  it('refuses a cache folder among the audit artifacts', async () => {
    await govern();
    const h = harness();
    expect(await run(['audit', 'payments', project, '--cache-dir', '.metapowers/security/payments/cache'], h.io)).toBe(2);
    expect(h.stderr.text).toMatch(/is inside .*where the audit's artifacts go/);
    expect(h.calls).toEqual([]);
  });

  it('passes --jobs to audit()', async () => {
    await govern();
    const h = harness();
    expect(await run(['audit', 'payments', project, '--jobs', '3'], h.io)).toBe(0);
    expect(h.calls[0]?.jobs).toBe(3);
  });

  it.each([
    [['--fail-on', 'severe'], /argument 'severe' is invalid/],
    [['--jobs', '0'], /--jobs must be a whole number of worker threads/],
    [['--jobs', 'many'], /--jobs must be a whole number of worker threads/],
    [['--today', '2025-13-01'], /--today is not a valid YYYY-MM-DD date/],
    [['--today', 'yesterday'], /--today is not a valid YYYY-MM-DD date/],
    [['--file-budget', 'soon'], /--file-budget must be a number of seconds/],
    [['--file-budget', '-5'], /--file-budget must be a number of seconds/],
    [['--config', 'missing.yaml'], /The config file "missing.yaml" does not exist\./],
    [['--frobnicate'], /unknown option '--frobnicate'/],
  ] as const)('exits 2 on %j', async (flags, message) => {
    const h = harness();
    expect(await run(['audit', 'payments', project, '--skip-checks', ...flags], h.io)).toBe(2);
    expect(h.stderr.text).toMatch(message);
    expect(h.calls).toHaveLength(0);
    expect(await listTree(cwd)).toEqual([]);
  });

  it('exits 2 on a configuration error and names the file and key', async () => {
    await govern();
    const error = new ConfigError('apisec.config.yaml:3: publicEndpoints must be a list.', {
      file: 'apisec.config.yaml',
      line: 3,
      issues: [{ keyPath: 'publicEndpoints', message: 'Expected an array.' }],
    });
    const h = harness({ fail: error });
    expect(await run(['audit', 'payments', project], h.io)).toBe(2);
    expect(h.stderr.text).toContain('While trying to read the configuration (apisec.config.yaml:3).');
    expect(h.stderr.text).toContain('- publicEndpoints: Expected an array.');
  });

  it('prints each configuration problem once', async () => {
    await govern();
    const error = new ConfigError('invalid configuration in apisec.config.yaml:\n  apisec.config.yaml:3: `publicEndpoints`: expected array, received number', {
      file: 'apisec.config.yaml',
      line: 3,
      issues: [{ keyPath: 'publicEndpoints', message: 'expected array, received number' }],
    });
    const h = harness({ fail: error });
    expect(await run(['audit', 'payments', project], h.io)).toBe(2);
    expect(h.stderr.text.split('expected array, received number')).toHaveLength(2);
  });

  it('exits 2 with no command', async () => {
    const h = harness();
    expect(await run([], h.io)).toBe(2);
    expect(h.stderr.text).toContain('Usage: apisec');
  });
});

describe('apisec help and version', () => {
  it('teaches the commands, examples and exit codes', async () => {
    const h = harness();
    expect(await run(['--help'], h.io)).toBe(0);
    expect(h.stdout.text).toContain('audit [options] <NAME> [DIR]');
    expect(h.stdout.text).toContain('checks [options]');
    expect(h.stdout.text).toContain('$ apisec audit payments-service ./services/payments');
    // Examples never send users to `npx apisec`: that name on the registry is not this package.
    expect(h.stdout.text).not.toContain('npx apisec');
    expect(h.stdout.text).toContain('Exit codes:');
    const audit = harness();
    expect(await run(['audit', '--help'], audit.io)).toBe(0);
    for (const flag of ['--skip-checks', '--fail-on <severity>', '--quiet', '--json', '--today <YYYY-MM-DD>', '--config <file>', '--no-color', '--experimental']) {
      expect(audit.stdout.text).toContain(flag);
    }
    expect(audit.stdout.text).toContain('apisec audit payments-service . --skip-checks');
    expect(audit.stdout.text).toContain('1  at least one finding at or above --fail-on');
  });

  it('prints the version from package.json', async () => {
    const pkg = JSON.parse(await readFile(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string };
    const h = harness();
    expect(await run(['--version'], h.io)).toBe(0);
    expect(h.stdout.text.trim()).toBe(pkg.version);
  });
});

describe('apisec checks', () => {
  it('lists the catalogue sorted by id', async () => {
    const h = harness();
    expect(await run(['checks'], h.io)).toBe(0);
    const lines = h.stdout.text.split('\n');
    expect(lines[0]).toMatch(/^ID\s+OWASP\s+SEVERITY\s+SECTION\s+TITLE$/);
    expect(lines[1]).toMatch(/^aa-first\s+API1:2023\s+high\s+authorization\s+First check$/);
    expect(lines[2]).toMatch(/^zz-last\s+API8:2023\s+low\s+cors-transport\s+Last check$/);
    expect(h.stdout.text).toContain('2 checks.');
  });

  it('prints JSON with --json', async () => {
    const h = harness();
    expect(await run(['checks', '--json'], h.io)).toBe(0);
    const rows = JSON.parse(h.stdout.text) as { id: string; owasp: string; owaspName: string }[];
    expect(rows.map((row) => row.id)).toEqual(['aa-first', 'zz-last']);
    expect(rows[0]).toMatchObject({ owasp: 'API1:2023', owaspName: 'Broken Object Level Authorization', severity: 'high', section: 'authorization' });
  });

  it('lists the real catalogue', async () => {
    const h = harness();
    const io: CliIo = { stdout: h.stdout, stderr: h.stderr, cwd, env: {} };
    expect(await run(['checks', '--json'], io)).toBe(0);
    expect(Array.isArray(JSON.parse(h.stdout.text))).toBe(true);
  });
});
