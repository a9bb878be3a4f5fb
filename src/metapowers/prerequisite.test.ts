import { mkdir, mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PrerequisiteError } from './errors.js';
import { artifactPaths } from './paths.js';
import { checkPrerequisite, formatSkipLogEntry, maskArgv, prerequisiteMessage } from './prerequisite.js';

describe('prerequisiteMessage', () => {
  it('is seed 000 verbatim with NAME substituted', () => {
    expect(prerequisiteMessage('payments-service')).toBe(
      'Phase 0 (Govern) has not been completed for "payments-service". Run a Govern skill first (e.g., /security:security-policy payments-service), or use --skip-checks to bypass.',
    );
  });
});

describe('maskArgv', () => {
  it('masks the values of secret-bearing options in both spellings', () => {
    expect(
      maskArgv(['audit', 'x', '.', '--auth-header', 'Authorization: Bearer abc', '--token=s3cr3t', '--auth-header-b=Cookie: a=b', '--fail-on', 'high']),
    ).toEqual(['audit', 'x', '.', '--auth-header', '***', '--token=***', '--auth-header-b=***', '--fail-on', 'high']);
  });
});

describe('checkPrerequisite', () => {
  let cwd: string;
  const now = (): Date => new Date('2025-06-30T10:11:12.000Z');
  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apisec-prereq-'));
  });
  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('passes when 00-govern.md exists, writing nothing', async () => {
    const paths = artifactPaths('payments', cwd);
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.govern, '# Govern\n');
    await expect(checkPrerequisite(paths, { skipChecks: false, argv: [], cwd })).resolves.toEqual({ governFound: true, skipped: false });
    expect(await readdir(paths.dir)).toEqual(['00-govern.md']);
  });

  it('throws the verbatim message and writes nothing when 00-govern.md is missing', async () => {
    const paths = artifactPaths('payments', cwd);
    const failing = checkPrerequisite(paths, { skipChecks: false, argv: [], cwd });
    await expect(failing).rejects.toBeInstanceOf(PrerequisiteError);
    await expect(failing).rejects.toThrow(prerequisiteMessage('payments'));
    expect(await readdir(cwd)).toEqual([]);
  });

  it('logs a dated entry on --skip-checks, appending and masking secrets', async () => {
    const paths = artifactPaths('payments', cwd);
    const argv = ['audit', 'payments', '.', '--skip-checks', '--auth-header', 'Authorization: Bearer sk_live_abcdef123456'];
    await checkPrerequisite(paths, { skipChecks: true, argv, cwd, now });
    await checkPrerequisite(paths, { skipChecks: true, argv: ['audit', 'payments', '--skip-checks'], cwd, now: () => new Date('2025-07-01T00:00:00.000Z') });
    const log = await readFile(paths.skipLog, 'utf8');
    expect(log.match(/^# Skip log/gm)).toHaveLength(1);
    expect(log).toContain('## 2025-06-30 — Phase 0 (Govern) prerequisite skipped');
    expect(log).toContain('## 2025-07-01 — Phase 0 (Govern) prerequisite skipped');
    expect(log).toContain('- Check skipped: Phase 0 (Govern) prerequisite, `.metapowers/security/payments/00-govern.md` (the file was missing).');
    expect(log).toContain("- Command: `apisec audit payments . --skip-checks --auth-header ***`");
    expect(log).toContain('- When: 2025-06-30T10:11:12.000Z');
    expect(log).not.toContain('sk_live');
    expect(log).not.toContain('Bearer');
    expect(log.indexOf('2025-06-30')).toBeLessThan(log.indexOf('2025-07-01'));
  });

  it('keeps an existing skip log intact', async () => {
    const paths = artifactPaths('payments', cwd);
    await mkdir(paths.dir, { recursive: true });
    await writeFile(paths.skipLog, '# Skip log for "payments"\n\nearlier entry\n');
    await checkPrerequisite(paths, { skipChecks: true, argv: ['audit', 'payments', '--skip-checks'], cwd, now });
    const log = await readFile(paths.skipLog, 'utf8');
    expect(log.startsWith('# Skip log for "payments"\n\nearlier entry\n')).toBe(true);
    expect(log).toContain('- When: 2025-06-30T10:11:12.000Z');
  });
});

describe('formatSkipLogEntry', () => {
  it('writes control characters from the command line as visible escapes', () => {
    const paths = artifactPaths('payments', '/work/repo');
    const entry = formatSkipLogEntry(paths, {
      governFound: false,
      argv: ['audit', 'payments', 'src/\u001b[2J\u001b]0;owned\u0007', '--skip-checks'],
      cwd: '/work/repo',
      when: new Date('2026-06-01T00:00:00.000Z'),
      program: 'apisec',
    });
    expect(entry).toContain("- Command: `apisec audit payments 'src/\\x1b[2J\\x1b]0;owned\\x07' --skip-checks`");
    // eslint-disable-next-line no-control-regex -- control characters are what the test looks for.
    expect(entry).not.toMatch(/[\u0000-\u0008\u000b-\u001f]/);
  });
});
