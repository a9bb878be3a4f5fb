import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { CliIo } from '../cli/io.js';
import { formatError } from '../cli/io.js';
import { run } from '../cli/run.js';
import { sampleResult } from '../report/sample.js';

// Root ignores permission bits, so a read-only working directory is simulated for the containers that run as root.
vi.mock('node:fs/promises', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs/promises')>();
  const denied = (syscall: string, path: string): Error =>
    Object.assign(new Error(`EACCES: permission denied, ${syscall} '${path}'`), { code: 'EACCES', errno: -13, syscall, path });
  const mkdirMock = (async (path: string, options?: unknown) => {
    if (path.includes('/read-only/')) throw denied('mkdir', path);
    return actual.mkdir(path, options as { recursive: true });
  }) as typeof actual.mkdir;
  const openMock = (async (path: string, flags?: string | number, mode?: number) => {
    if (path.includes('/read-only-output/') && flags !== 'r') throw denied('open', path);
    return actual.open(path, flags, mode);
  }) as typeof actual.open;
  return { ...actual, mkdir: mkdirMock, open: openMock };
});

let base: string;

beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'apisec-unwritable-'));
});

afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function cli(cwd: string, argv: string[]): Promise<{ code: number; stderr: string }> {
  let stderr = '';
  const io: CliIo = {
    stdout: { write: () => true },
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
  return { code: await run(argv, io), stderr };
}

describe('an unwritable working directory or output folder', () => {
  it('is a file-system error naming the path (exit 2) when the skip log cannot be created', async () => {
    const cwd = join(base, 'read-only');
    await mkdir(cwd);
    const result = await cli(cwd, ['audit', 'payments', '.', '--skip-checks']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Could not create the folder ${join(cwd, '.metapowers')}: permission denied.`);
    expect(result.stderr).toContain('Next: Check that the working directory is writable');
    expect(result.stderr).not.toMatch(/bug/);
  });

  it('is a file-system error naming the artifact when the output folder refuses the write', async () => {
    const cwd = join(base, 'read-only-output');
    await mkdir(join(cwd, '.metapowers/security/payments'), { recursive: true });
    await writeFile(join(cwd, '.metapowers/security/payments/00-govern.md'), '# Govern\n');
    const result = await cli(cwd, ['audit', 'payments', '.']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`Could not write ${join(cwd, '.metapowers/security/payments/02-protect.md')}.`);
    expect(result.stderr).toMatch(/EACCES/);
    expect(result.stderr).not.toMatch(/bug/);
  });

  it('renders any raw file-system error as one, never as an internal error', () => {
    const error = Object.assign(new Error("EROFS: read-only file system, open '/srv/repo/x'"), { code: 'EROFS', syscall: 'open', path: '/srv/repo/x' });
    const text = formatError(error, { attempted: 'audit "payments"', where: '/srv/repo' }, {});
    expect(text).toContain('could not open /srv/repo/x: EROFS.');
    expect(text).not.toMatch(/bug/);
  });
});
