import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { CliIo } from './io.js';
import { run } from './run.js';

const EXAMPLE = fileURLToPath(new URL('../../examples/payments-service', import.meta.url));

describe('apisec audit --format html', () => {
  let cwd: string;
  beforeAll(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'apisec-html-e2e-'));
    await cp(EXAMPLE, cwd, { recursive: true });
  });
  afterAll(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('writes 02-protect.html beside the Markdown and JSON, with the same findings', async () => {
    let stderr = '';
    const io: CliIo = { stdout: { write: () => true }, stderr: { write: (chunk: string) => (stderr += chunk) }, cwd, env: {} };
    const code = await run(['audit', 'payments-service', '.', '--today', '2025-06-30', '--skip-checks', '--format', 'HTML', '--quiet'], io);
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const dir = join(cwd, '.metapowers/security/payments-service');
    const page = await readFile(join(dir, '02-protect.html'), 'utf8');
    const json = JSON.parse(await readFile(join(dir, '02-protect.json'), 'utf8')) as { findings: { fingerprint: string }[]; endpoints: unknown[] };
    expect(page.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(page).toContain(`content="default-src 'none';`);
    expect(page.match(/<tbody id="ep-\d+"/g)).toHaveLength(json.endpoints.length);
    const fingerprints = [...page.matchAll(/data-fingerprint="([0-9a-f]+)"/g)].map((match) => match[1]);
    expect(new Set(fingerprints)).toEqual(new Set(json.findings.map((finding) => finding.fingerprint)));
  });
});
