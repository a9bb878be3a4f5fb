import { cp, mkdtemp, readFile, rm } from 'node:fs/promises';
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
  });
});
