import { execFileSync } from 'node:child_process';
import { existsSync, linkSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { CliIo, CliStream } from '../cli/io.js';
import { run } from '../cli/run.js';
import { sampleResult } from '../report/sample.js';
import { writeFileAtomic } from './atomic.js';
import { ArtifactWriteError } from './errors.js';
import { artifactPaths } from './paths.js';
import { checkPrerequisite } from './prerequisite.js';
import { ensureArtifactDir } from './safe-dir.js';

let cwd: string;
let outside: string;

beforeEach(() => {
  cwd = mkdtempSync(join(tmpdir(), 'apisec-safe-cwd-'));
  outside = mkdtempSync(join(tmpdir(), 'apisec-safe-outside-'));
});

afterEach(() => {
  rmSync(cwd, { recursive: true, force: true });
  rmSync(outside, { recursive: true, force: true });
});

function tree(dir: string): string[] {
  return (readdirSync(dir, { recursive: true }) as string[]).sort();
}

const skip = { skipChecks: true, argv: ['audit', 'payments', '.', '--skip-checks'], now: () => new Date('2026-06-01T00:00:00.000Z') };

async function cli(argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const sink: CliStream = { write: () => true };
  const io: CliIo = {
    stdout: sink,
    stderr: {
      write(chunk: string) {
        stderr += chunk;
        return true;
      },
    },
    cwd,
    env: {},
    now: () => new Date('2026-06-01T00:00:00.000Z'),
    audit: () => Promise.resolve(sampleResult()),
  };
  const code = await run(argv, io);
  return { code, stderr };
}

describe('the output path is never redirected by a link in the working directory', () => {
  const LINKS: [string, (target: string) => void][] = [
    ['.metapowers', (target) => { symlinkSync(target, join(cwd, '.metapowers')); }],
    [
      '.metapowers/security',
      (target) => {
        mkdirSync(join(cwd, '.metapowers'));
        symlinkSync(target, join(cwd, '.metapowers/security'));
      },
    ],
    [
      '.metapowers/security/payments',
      (target) => {
        mkdirSync(join(cwd, '.metapowers/security'), { recursive: true });
        symlinkSync(target, join(cwd, '.metapowers/security/payments'));
      },
    ],
  ];

  it.each(LINKS)('refuses a symbolic link at %s for the skip log, writing nothing outside', async (link, plant) => {
    plant(outside);
    const paths = artifactPaths('payments', cwd);
    const attempt = checkPrerequisite(paths, { ...skip, cwd });
    await expect(attempt).rejects.toBeInstanceOf(ArtifactWriteError);
    await expect(attempt).rejects.toThrow(`${link} is a symbolic link`);
    expect(tree(outside)).toEqual([]);
  });

  it.each(LINKS)('refuses a symbolic link at %s for the report, even when 00-govern.md exists behind it', async (_link, plant) => {
    // Whichever component is the link, a 00-govern.md waits behind it.
    for (const governDir of ['security/payments', 'payments', '.']) {
      mkdirSync(join(outside, governDir), { recursive: true });
      writeFileSync(join(outside, governDir, '00-govern.md'), '# Govern\n');
    }
    const before = tree(outside);
    plant(outside);
    const result = await cli(['audit', 'payments', '.']);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/is a symbolic link; apisec does not write its artifacts through links/);
    expect(tree(outside)).toEqual(before);
  });

  it('does not append to the target of a skip-log.md link', async () => {
    const paths = artifactPaths('payments', cwd);
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(join(outside, '.bashrc'), 'export PATH=/usr/bin\n');
    symlinkSync(join(outside, '.bashrc'), paths.skipLog);
    await expect(checkPrerequisite(paths, { ...skip, cwd })).rejects.toThrow('.metapowers/security/payments/skip-log.md is a symbolic link');
    expect(readFileSync(join(outside, '.bashrc'), 'utf8')).toBe('export PATH=/usr/bin\n');
  });

  it('does not append to a skip-log.md hard-linked to another file', async () => {
    const paths = artifactPaths('payments', cwd);
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(join(outside, 'profile'), 'original\n');
    try {
      linkSync(join(outside, 'profile'), paths.skipLog);
    } catch {
      return; // The two temporary folders are on different file systems here.
    }
    await expect(checkPrerequisite(paths, { ...skip, cwd })).rejects.toThrow(/hard link/);
    expect(readFileSync(join(outside, 'profile'), 'utf8')).toBe('original\n');
  });

  it('does not hang on a skip-log.md that is a FIFO', async () => {
    const paths = artifactPaths('payments', cwd);
    mkdirSync(paths.dir, { recursive: true });
    try {
      execFileSync('mkfifo', [paths.skipLog]);
    } catch {
      return; // No mkfifo on this platform.
    }
    await expect(checkPrerequisite(paths, { ...skip, cwd })).rejects.toThrow(/is not a regular file/);
  });

  it('replaces a 02-protect.md link instead of writing through it', async () => {
    const paths = artifactPaths('payments', cwd);
    mkdirSync(paths.dir, { recursive: true });
    writeFileSync(join(outside, 'victim'), 'keep me\n');
    symlinkSync(join(outside, 'victim'), paths.protectMarkdown);
    await ensureArtifactDir(paths, cwd, { create: true });
    await writeFileAtomic(paths.protectMarkdown, '# API Security Audit\n');
    expect(readFileSync(join(outside, 'victim'), 'utf8')).toBe('keep me\n');
    expect(lstatSync(paths.protectMarkdown).isSymbolicLink()).toBe(false);
    expect(readFileSync(paths.protectMarkdown, 'utf8')).toBe('# API Security Audit\n');
  });

  it('refuses a file where a folder of the layout should be, and creates nothing without --skip-checks', async () => {
    writeFileSync(join(cwd, '.metapowers'), 'not a folder\n');
    const paths = artifactPaths('payments', cwd);
    await expect(checkPrerequisite(paths, { ...skip, cwd })).rejects.toThrow('.metapowers is not a folder.');
    rmSync(join(cwd, '.metapowers'));
    await expect(ensureArtifactDir(paths, cwd, { create: false })).resolves.toBe(false);
    expect(existsSync(join(cwd, '.metapowers'))).toBe(false);
  });

  it('still writes through real folders when the working directory itself is reached through a link', async () => {
    const linked = join(outside, 'linked-cwd');
    symlinkSync(cwd, linked);
    const paths = artifactPaths('payments', linked);
    await checkPrerequisite(paths, { ...skip, cwd: linked });
    expect(readFileSync(join(cwd, '.metapowers/security/payments/skip-log.md'), 'utf8')).toContain('Phase 0 (Govern) prerequisite skipped');
  });
});
